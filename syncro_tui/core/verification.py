"""Verification: is a write whose outcome was unclear in Syncro? GETs only, never a send.

Each kind of write has a finder here (``core.kinds`` says which). A finder gets a ``Check``
(the client, the write, the ticket's state before sending when the kind takes one, the
time window and the records other writes already account for) and returns a ``Verdict``:

* ``landed`` with the record found (its id and JSON);
* ``absent`` only when the evidence is complete: nothing of this write can be there;
* ``unknown`` whenever verification is not certain (a partial match, too much to read,
  nothing to compare with). An unknown write is never resent.

No Textual, no httpx: the client is a ``core.write_client.WriteClient``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import TYPE_CHECKING, Any

from syncro_tui.api import errors as E
from syncro_tui.api.timestamps import timestamp
from syncro_tui.core.text import html_to_text, one_line, same_comment_text

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.core.write_client import WriteClient
    from syncro_tui.core.writes import WriteIntent

LANDED = "landed"  # verified: the record is in Syncro
ABSENT = "absent"  # verified: the record is not in Syncro (may be resent)
UNKNOWN = "unknown"  # not verified (yet)

MAX_VERIFY_PAGES = 10


@dataclass
class Verdict:
    state: str  # LANDED, ABSENT or UNKNOWN
    record_id: int | None = None
    result: dict[str, Any] | None = None
    note: str = ""


@dataclass
class Check:
    """What a finder knows about the write it looks for."""

    client: WriteClient
    intent: WriteIntent
    sent_at: float | None  # None: it never left (the app stopped before sending)
    since: float  # records created before this (less clock skew) are older ones
    claimed: set[int]  # record ids other writes of this kind already account for
    before: dict[str, Any] | None = None  # the kind's snapshot, taken before sending
    # The user writes are attributed to (the key's owner); None when it cannot be known.
    author: Callable[[], Awaitable[int | None]] | None = field(default=None, repr=False)
    _ticket: Any = field(default=None, repr=False)

    @property
    def payload(self) -> dict[str, Any]:
        return self.intent.payload

    @property
    def ticket_id(self) -> int:
        if self.intent.ticket_id is None:
            raise ValueError(f"A {self.intent.kind} write names no ticket.")
        return self.intent.ticket_id

    async def author_id(self) -> int | None:
        return await self.author() if self.author is not None else None

    async def ticket(self) -> Any:
        """GET /tickets/{id} once per check."""
        if self._ticket is None:
            self._ticket = await self.client.get_ticket(self.ticket_id)
        return self._ticket


Finder = Callable[[Check], Awaitable[Verdict]]
Snapshot = Callable[["WriteClient", "WriteIntent"], Awaitable[dict[str, Any]]]


# --------------------------------------------------------------------------- comparing


def as_json(value: Any) -> dict[str, Any] | None:
    """A client model (pydantic) or dict as plain JSON; None stays None."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=str))


def same_text(a: Any, b: Any) -> bool:
    """Text equality that forgives whitespace the server may have reflowed."""
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def same_field(name: str, have: Any, sent: Any) -> bool:
    """A ticket field as read back equals what a PUT sent (a due date is compared by day:
    Syncro answers a date-time for the date it was sent)."""
    if name == "due_date" and have is not None and sent:
        day = have.date().isoformat() if isinstance(have, datetime) else str(have)[:10]
        return day == str(sent)[:10]
    return same_text(have, sent)


def decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def without_snapshot(check: Check) -> Verdict:
    """Verdict for a write whose ticket was never read before sending. The state ``sent``
    (with ``sent_at``) is committed before anything goes to the network, so a write
    without ``sent_at`` never left; one with it cannot be told apart from older records."""
    if check.sent_at is None:
        return Verdict(ABSENT, note="Verified: it was never sent (the app stopped first).")
    return Verdict(
        UNKNOWN,
        note="The ticket was not read before sending, so this cannot be "
        "checked here; look at the ticket in Syncro.",
    )


# --------------------------------------------------------------------------- snapshots


async def ticket_snapshot(client: WriteClient, intent: WriteIntent) -> dict[str, Any]:
    """Ids (and invoiced flags) on the ticket before sending, so verification can tell
    the record this write made from identical ones that were already there."""
    if intent.ticket_id is None:
        raise ValueError(f"A {intent.kind} write names no ticket.")
    ticket = await client.get_ticket(intent.ticket_id)
    return {
        "line_items": {
            str(li.id): bool(li.converted) if li.converted is not None else None
            for li in ticket.line_items
        },
        "timers": [t.id for t in ticket.ticket_timers],
    }


async def invoice_snapshot(client: WriteClient, intent: WriteIntent) -> dict[str, Any]:
    """The ticket's state and which invoices it had: a new one after sending is this one."""
    snapshot = await ticket_snapshot(client, intent)
    try:
        found = await ticket_invoices(client, intent.ticket_id)
    except (E.NotFound, E.PermissionDenied):
        found = None  # no GET /invoices here: the line items are the evidence
    snapshot["invoices"] = None if found is None else [i.id for i in found]
    return snapshot


async def ticket_invoices(client: WriteClient, ticket_id: int | None) -> list[Any] | None:
    """The invoices made from a ticket (GET /invoices?ticket_id=, every page); None when
    there are too many pages to read. The ticket is checked on each invoice too, in case a
    tenant ignores the filter."""
    found: list[Any] = []
    for page in range(1, MAX_VERIFY_PAGES + 1):
        got = await client.invoices(ticket_id=ticket_id, page=page)
        found += [i for i in got.invoices if i.ticket_id == ticket_id]
        if not got.has_more:
            return found
    return None


# --------------------------------------------------------------------------- finders


def _side_by_side(payload: dict[str, Any], candidates: list[Any]) -> str:
    """What was sent beside the nearest comment found, for a human to judge."""
    c = max(candidates, key=lambda c: timestamp(c.created_at) or 0.0)  # the newest
    when = timestamp(c.created_at)
    at = time.strftime("%Y-%m-%d %H:%M", time.localtime(when)) if when else "an unknown time"
    others = f" (and {len(candidates) - 1} more)" if len(candidates) > 1 else ""
    found_body = one_line(html_to_text(str(c.body or "")), 300)
    return (
        f"Needs your look: you wrote a comment at {at}{others} that is close to this one but "
        "not the same, so it may be this one reformatted by Syncro. Do not send it again "
        "until you have compared them on the ticket.\n"
        f"Sent:          {one_line(payload.get('subject'))} | {one_line(payload.get('body'), 300)}\n"
        f"On the ticket: {one_line(c.subject)} | {found_body}"
    )


async def find_comment(check: Check) -> Verdict:
    """Look for the comment among the ticket's comments by the key's user, created after
    the send (less clock skew), that no other entry already accounts for.

    Syncro may hand a body back reformatted (HTML line breaks, entities, trimmed
    whitespace), so text is compared on its normalised forms (``same_comment_text``). The
    verdict is ``landed`` for a comment whose subject and body match; ``unknown`` (with the
    candidate beside what was sent) when the user wrote a comment in that window that
    matches only partly, since comments cannot be deleted and a resend could double it;
    and ``absent`` only when the user wrote no comment at all on the ticket in the window.
    Pages are read newest first; the walk stops early only on a page that is in that order
    and wholly older than the window (the client never relies on ``sort_direction``)."""
    p, since, claimed = check.payload, check.since, check.claimed
    author = await check.author_id()
    candidates: list[Any] = []

    def in_window(c: Any) -> bool:
        created = timestamp(c.created_at)
        return c.id not in claimed and (created is None or created >= since)

    def by_author(c: Any) -> bool:
        # Customer-written comments carry user_id null (syncro-api.md section 9, point 3).
        return c.user_id is not None and (author is None or c.user_id == author)

    def scan(comments: list[Any]) -> Verdict | None:
        for c in comments:
            if not (in_window(c) and by_author(c)):
                continue
            if same_comment_text(p["subject"], c.subject) and same_comment_text(p["body"], c.body):
                return Verdict(LANDED, c.id, as_json(c), "Verified: the comment is on the ticket.")
            candidates.append(c)
        return None

    def settle() -> Verdict:
        if not candidates:
            return Verdict(
                ABSENT,
                note="Verified: the comment is not on the ticket (you wrote none there "
                "since it was sent).",
            )
        return Verdict(UNKNOWN, note=_side_by_side(p, candidates))

    for page in range(1, MAX_VERIFY_PAGES + 1):
        try:
            got = await check.client.ticket_comments(check.ticket_id, page=page)
        except E.NotFound:
            # Older tenants lack GET /tickets/{id}/comments; the detail lists them all.
            ticket = await check.ticket()
            return scan(ticket.comments) or settle()
        found = scan(got.comments)
        if found is not None:
            return found
        stamps = [timestamp(c.created_at) for c in got.comments]
        newest_first = all(
            a is not None and b is not None and a >= b for a, b in zip(stamps, stamps[1:])
        )
        all_older = bool(stamps) and all(t is not None and t < since for t in stamps)
        if not got.has_more or (newest_first and all_older):
            return settle()
    return Verdict(UNKNOWN, note="Too many comments to check; look at the ticket in Syncro.")


def created_after_day(since: float) -> date:
    """The ``created_after`` to ask for: the day before ``since``'s UTC date. Tenants may
    honour only the date part, read in the account's time zone; on that reading "today" can
    start after a ticket created minutes ago (late in the UTC day), so a day earlier is
    always early enough. The exact window is applied here, never left to the server."""
    return datetime.fromtimestamp(since, UTC).date() - timedelta(days=1)


def _tickets_side_by_side(payload: dict[str, Any], candidates: list[Any]) -> str:
    """The customer's tickets made in the window that are not clearly this one."""
    shown = "; ".join(
        f"#{t.number} {one_line(t.subject, 60)!r}"
        + ("" if timestamp(t.created_at) is not None else " (creation time unreadable)")
        for t in candidates[:3]
    )
    others = f" and {len(candidates) - 3} more" if len(candidates) > 3 else ""
    return (
        f"Needs your look: {len(candidates)} ticket(s) of this customer were made since it was "
        f"sent ({shown}{others}) and none has exactly this subject, so one may be this one "
        "changed by Syncro or someone else's. Do not send it again until you have looked.\n"
        f"Sent: {one_line(payload.get('subject'), 120)!r}"
    )


async def find_ticket(check: Check) -> Verdict:
    """A ticket of that customer with that subject, created after the send (less skew).

    ``landed`` for a ticket whose (normalised) subject matches; ``unknown``, naming them,
    when the customer has tickets made in the window that do not match, or whose creation
    time cannot be read (a subject Syncro stored changed cannot be told from another one);
    ``absent`` only when the customer has no ticket at all made since the send. The server
    is asked for a day more than needed (``created_after_day``), and the walk stops early
    only on a page that is newest-updated first and wholly older than the window."""
    p, since, claimed = check.payload, check.since, check.claimed
    candidates: list[Any] = []
    for page in range(1, MAX_VERIFY_PAGES + 1):
        got = await check.client.list_tickets(
            customer_id=p["customer_id"], page=page, created_after=created_after_day(since)
        )
        for t in got.tickets:
            if t.id in claimed:
                continue
            created = timestamp(t.created_at)
            if created is not None and created < since:
                continue
            if created is not None and same_comment_text(p["subject"], t.subject):
                return Verdict(
                    LANDED, t.id, as_json(t), f"Verified: ticket #{t.number} was created."
                )
            candidates.append(t)
        updated = [timestamp(t.updated_at) for t in got.tickets]
        newest_first = all(
            a is not None and b is not None and a >= b for a, b in zip(updated, updated[1:])
        )
        all_older = bool(updated) and all(u is not None and u < since for u in updated)
        if not got.has_more or (newest_first and all_older):
            if candidates:
                return Verdict(UNKNOWN, note=_tickets_side_by_side(p, candidates))
            return Verdict(
                ABSENT,
                note="Verified: no such ticket was created (the customer has no ticket made "
                "since it was sent).",
            )
    return Verdict(UNKNOWN, note="Too many tickets to check; look in Syncro.")


async def check_ticket_update(check: Check) -> Verdict:
    """A PUT sets values: it landed when the ticket has every value it sent."""
    ticket = await check.ticket()
    same = all(same_field(k, getattr(ticket, k, None), v) for k, v in check.payload.items())
    return Verdict(LANDED, ticket.id, as_json(ticket)) if same else Verdict(ABSENT)


async def find_line_item(check: Check) -> Verdict:
    if check.before is None:
        return without_snapshot(check)
    ticket = await check.ticket()
    p, before = check.payload, check.before
    quantity = decimal(p["quantity"])
    for li in ticket.line_items:
        if (
            str(li.id) not in before["line_items"]
            and li.id not in check.claimed
            and same_text(li.name, p["name"])
            and same_text(li.description, p["description"])
            and decimal(li.quantity) == quantity
        ):
            return Verdict(LANDED, li.id, as_json(li), "Verified: the line item is on the ticket.")
    return Verdict(ABSENT, note="Verified: the line item is not on the ticket.")


async def check_line_item_update(check: Check) -> Verdict:
    ticket, p = await check.ticket(), check.payload
    li = next((x for x in ticket.line_items if x.id == p["ticket_line_item_id"]), None)
    if li is None:
        return Verdict(ABSENT, note="The line item is no longer on the ticket.")
    same = (
        li.product_id == p["product_id"]
        and same_text(li.name, p["name"])
        and same_text(li.description, p["description"])
        and decimal(li.quantity) == decimal(p["quantity"])
    )
    return Verdict(LANDED, li.id, as_json(li)) if same else Verdict(ABSENT)


async def find_timer(check: Check) -> Verdict:
    if check.before is None:
        return without_snapshot(check)
    ticket, p, before = await check.ticket(), check.payload, check.before
    start = timestamp(p["start_at"])
    if start is None:
        return Verdict(UNKNOWN, note="The timer entry's start time cannot be read; look in Syncro.")
    for t in ticket.ticket_timers:
        started = timestamp(t.start_time)
        if (
            t.id not in before["timers"]
            and t.id not in check.claimed
            and started is not None
            and abs(started - start) < 1.0
            and same_text(t.notes, p["notes"])
        ):
            return Verdict(LANDED, t.id, as_json(t), "Verified: the timer entry is on the ticket.")
    return Verdict(ABSENT, note="Verified: the timer entry is not on the ticket.")


async def _timer(check: Check) -> Any:
    ticket = await check.ticket()
    timer_id = check.payload["timer_entry_id"]
    return next((t for t in ticket.ticket_timers if t.id == timer_id), None)


async def check_timer_deleted(check: Check) -> Verdict:
    if await _timer(check) is None:
        return Verdict(LANDED, note="Verified: the timer is gone.")
    return Verdict(ABSENT, note="Verified: the timer is still there.")


async def check_timer_charged(check: Check) -> Verdict:
    timer = await _timer(check)
    if timer is None:
        return Verdict(UNKNOWN, note="The timer is no longer on the ticket; check it in Syncro.")
    if timer.recorded:
        return Verdict(
            LANDED, timer.ticket_line_item_id, as_json(timer), "Verified: the timer was charged."
        )
    return Verdict(ABSENT, note="Verified: the timer was not charged.")


async def find_invoice(check: Check) -> Verdict:
    """GET /invoices?ticket_id=: an invoice of the ticket that was not there before
    sending (and that no other write accounts for) is this write's, by number. Several
    such invoices cannot be told apart (unknown); none is absent, unless the line items
    say otherwise. Tenants without the listing fall back to the line items."""
    if check.before is None:
        return without_snapshot(check)
    ticket = await check.ticket()
    known = check.before.get("invoices")
    if known is not None:
        try:
            invoices = await ticket_invoices(check.client, check.intent.ticket_id)
        except (E.NotFound, E.PermissionDenied):
            invoices = None
        if invoices is not None:
            return _new_invoice(check, ticket, invoices, set(known))
    return _invoiced_lines(ticket, check.before)


def _new_invoice(check: Check, ticket: Any, invoices: list[Any], known: set[int]) -> Verdict:
    new = [i for i in invoices if i.id not in known and i.id not in check.claimed]
    if len(new) == 1:
        invoice = new[0]
        return Verdict(
            LANDED,
            invoice.id,
            as_json(invoice),
            f"Verified: invoice #{invoice.number or invoice.id} was made from the ticket.",
        )
    if new:
        numbers = ", ".join(f"#{i.number or i.id}" for i in new)
        return Verdict(
            UNKNOWN,
            note=f"The ticket has {len(new)} new invoices ({numbers}); which one this "
            "write made cannot be told: look in Syncro.",
        )
    assert check.before is not None
    if _invoiced_lines(ticket, check.before).state == LANDED:  # listing and lines disagree
        return Verdict(
            UNKNOWN,
            note="No new invoice is listed for the ticket, but its line items are now "
            "invoiced; look for the invoice in Syncro.",
        )
    return Verdict(ABSENT, note="Verified: no invoice was made from the ticket.")


def _invoiced_lines(ticket: Any, before: dict) -> Verdict:
    """The evidence without an invoice listing: "Make Invoice" marks the ticket's line
    items converted. A line that was not invoiced before sending and is now proves an
    invoice was made (which one, Syncro does not say here)."""
    flags = before["line_items"]
    if any(converted is None for converted in flags.values()):
        return Verdict(
            UNKNOWN,
            note="Syncro does not say which line items are invoiced; "
            "look for the invoice in Syncro.",
        )
    waiting = {int(i) for i, converted in flags.items() if converted is False}
    if not waiting:
        return Verdict(
            UNKNOWN,
            note="The ticket had no uninvoiced line items, so there is "
            "nothing to check by; look for the invoice in Syncro.",
        )
    now = {li.id: li.converted for li in ticket.line_items if li.id in waiting}
    if any(now.values()):
        return Verdict(
            LANDED,
            note="Verified: the ticket's line items are now on an invoice "
            "(its number was lost with the reply; see the ticket in Syncro).",
        )
    if now and all(v is False for v in now.values()):
        return Verdict(
            ABSENT, note="Verified: no invoice was made; the line items are not invoiced."
        )
    return Verdict(UNKNOWN, note="Could not tell from the ticket; look for the invoice in Syncro.")
