"""One account's connection to Syncro: client, account data, ticket sync and details.

No Textual here: the UI runs these coroutines in its workers and renders the Store. The sync
strategy (issue 3 "Live data", issue 5 "Budget discipline"):

* first a full load of the open queue (every page, fetched a few at a time within the budget);
* then incremental polls with ``since_updated_at`` (overlapping, de-duplicated by id, because
  the API may honour only the date part);
* and every ``reconcile_minutes`` a full reload, so tickets closed elsewhere leave the list.

Background requests run at ``Priority.BACKGROUND`` so anything the technician does goes first.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

from syncro_tui import paths
from syncro_tui.config import Settings
from syncro_tui.core import ticket_facts as facts
from syncro_tui.core.account_time import due_date
from syncro_tui.core.backend import Connection
from syncro_tui.core.local_files import safe_name
from syncro_tui.core.page_rows import plain_row
from syncro_tui.core.row_reuse import RowReuse, fingerprint
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.store import Store
from syncro_tui.core.text import clean, one_line

OVERLAP = timedelta(minutes=2)  # re-fetch a little before the newest change we saw
PAGES_IN_FLIGHT = 4  # list pages fetched at once (still inside the rate budget)
MAX_SPREAD = 4  # idle polls stretch at most this much when several processes share the budget


_P = ParamSpec("_P")
_R = TypeVar("_R")


def lane(
    name: str,
) -> Callable[[Callable[_P, Awaitable[_R]]], Callable[_P, Awaitable[_R]]]:
    """The priority lane a Session method's requests use ("USER", "DETAIL", "BACKGROUND").

    Chosen once, here: callers (the UI, the command line) never set lanes themselves.
    """

    def decorate(method: Callable[_P, Awaitable[_R]]) -> Callable[_P, Awaitable[_R]]:
        @functools.wraps(method)
        async def in_lane(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            from syncro_tui.api.ratelimit import Priority, current_priority

            current_priority.set(Priority[name])
            return await method(*args, **kwargs)

        in_lane.lane = name  # type: ignore[attr-defined]
        return in_lane

    return decorate


safe_account = safe_name  # the old name (files are keyed by ``local_files.account_key`` now)


def _iso(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)


def _ts(value: Any) -> float:
    from syncro_tui.api.timestamps import timestamp

    return timestamp(value) or 0.0


def unreadable_row(ticket: Any) -> TicketRow:
    """The row for a list item that could not be read: its number and what was wrong."""
    return TicketRow(
        id=int(ticket.id),
        number=str(getattr(ticket, "number", "") or "?"),
        subject=one_line(f"UNREADABLE ticket from Syncro: {ticket.unreadable}"),
        status="",
    )


def row_from_ticket(
    ticket: Any, users: dict[int, str] | None = None, zone: Any = None
) -> TicketRow:
    """A list or detail ticket model -> the row the list shows (plain, cleaned text).
    ``zone`` is the account's time zone: a due date is the account's calendar date."""
    if getattr(ticket, "unreadable", None):
        return unreadable_row(ticket)
    users = users or {}
    user_id = getattr(ticket, "user_id", None)
    user = getattr(ticket, "user", None)
    assignee = users.get(user_id or -1, "") if user_id else ""
    if not assignee and user is not None:
        assignee = getattr(user, "full_name", None) or getattr(user, "name", None) or ""
    contact = getattr(ticket, "contact_fullname", None) or ""
    if not contact:
        c = getattr(ticket, "contact", None)
        contact = (getattr(c, "name", None) or "") if c is not None else ""
    due = getattr(ticket, "due_date", None)
    updated = getattr(ticket, "updated_at", None)
    return TicketRow(
        id=int(ticket.id),
        number=str(getattr(ticket, "number", "") or ticket.id),
        subject=one_line(getattr(ticket, "subject", None) or ""),
        status=_shared(getattr(ticket, "status", None)),
        priority=_shared(getattr(ticket, "priority", None)),
        customer_id=getattr(ticket, "customer_id", None),
        customer_name=_shared(getattr(ticket, "customer_name", None)),
        contact_name=_shared(contact),
        user_id=user_id,
        assignee=_shared(assignee),
        problem_type=_shared(getattr(ticket, "problem_type", None)),
        created_at=_iso(getattr(ticket, "created_at", None)),
        updated_at=_iso(updated),
        updated_ts=_ts(updated),
        due_date=_intern(_due_day(ticket, due, zone)),
        customer_reply=bool(getattr(ticket, "customer_reply", False)),
        **_type_sla_contract(ticket),
    )


_intern = sys.intern


def _shared(value: Any) -> str:
    """One-line text that many rows repeat (statuses, names, types): one string object for
    all of them (10,000 rows held about 4 MiB of copies)."""
    return _intern(one_line(value or ""))


def _type_sla_contract(ticket: Any) -> dict[str, str]:
    return {
        "ticket_type": _intern(facts.type_name(ticket)),
        "sla_name": _shared(getattr(ticket, "sla_name", None)),
        "sla_state": facts.sla_state(ticket),
        "contract_name": _intern(facts.contract_text(ticket)),
    }


def _keep_list_only(row: TicketRow, listed: TicketRow | None, detail: Any) -> TicketRow:
    """The detail view may lack the list-only fields (type name, SLA, contract: the spec's
    detail example has none): keep what the list said rather than blank them."""
    if listed is None:
        return row
    keep: dict[str, Any] = {}
    if getattr(detail, "ticket_type", None) is None and not row.ticket_type:
        keep["ticket_type"] = listed.ticket_type
    if getattr(detail, "sla_breached", None) is None and getattr(detail, "sla_name", None) is None:
        keep["sla_name"], keep["sla_state"] = listed.sla_name, listed.sla_state
    if getattr(detail, "contract_name", None) is None and not getattr(detail, "contract_id", None):
        keep["contract_name"] = listed.contract_name
    return replace(row, **keep) if keep else row


def _due_day(ticket: Any, due: Any, zone: Any) -> str:
    raw = getattr(ticket, "due_calendar_date", None)
    found = due_date(raw or due, zone or UTC)  # the account's calendar date
    return found.iso() if found else ""


def _saved_searches(raw: Any) -> list[tuple[int, str]]:
    """The account's saved ticket searches as (id, name); the shape is unconfirmed, so both
    objects and plain dicts are read, and anything without an id is skipped."""
    out: list[tuple[int, str]] = []
    for item in raw or []:
        get = item.get if isinstance(item, dict) else lambda k, i=item: getattr(i, k, None)
        sid, name = get("id"), get("name") or get("title")
        if sid is None:
            continue
        try:
            out.append((int(sid), one_line(str(name or f"Saved search {sid}"))))
        except (TypeError, ValueError):
            continue
    return out


@dataclass
class PollResult:
    full: bool
    added: list[int] = field(default_factory=list)
    changed: list[int] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    alerts: list[str] = field(
        default_factory=list
    )  # "New ticket #12: ..." / "Customer reply on #12"
    requests: int = 0


class Session:
    def __init__(
        self,
        settings: Settings,
        store: Store,
        connection: Connection,
        *,
        cache: Any = None,
        limiter: Any = None,
        wall_clock: Callable[[], float] = time.time,
        client: Any = None,
        drafts: Any = None,
        outbox_path: Path | None = None,
        read_only: str = "",
    ) -> None:
        self.settings = settings
        self.store = store
        self.connection = connection
        self.cache = cache
        self.clock = wall_clock
        if client is None:
            from syncro_tui.core.connect import make_client

            client = make_client(
                settings, connection.key, transport=connection.transport, limiter=limiter
            )
        self.client = client
        self.drafts = drafts
        self.read_only = read_only  # why nothing can be sent (the data folder is read-only)
        self._outbox_path = outbox_path
        self._outbox: Any = None  # opened on first use: see ``outbox``
        self.users: dict[int, str] = {}
        self.me: Any = None
        self.ticket_settings: Any = None
        self._last_full: float | None = None
        self._newest_seen: datetime | None = None
        self._loaded_once = False
        self.zone: Any = UTC  # the account's time zone, from GET /settings
        self._zone_known = False
        self._unzoned: dict[int, str] = {}  # due times read before the zone was known
        self._reuse = RowReuse()  # rows of unchanged list items, kept as they are
        self._reported_unreadable: set[tuple[int, str]] = set()
        self._products_by_id: dict[int, Any] | None = None
        self.own_created: set[int] = set()  # tickets this app created: never news to us
        self.saved_searches: list[tuple[int, str]] = []  # the account's, from /tickets/settings

    @property
    def outbox(self) -> Any:
        """The account's write journal, opened on its first use: a first start reads and
        paints its first list page without it (its imports and a new SQLite file cost
        ~40 ms), then GET /me opens it, before any write can be sent (issue 14)."""
        if self._outbox is None:
            self._outbox = self._open_outbox(self._outbox_path)
        return self._outbox

    def _open_outbox(self, path: Path | None) -> Any:
        """The account's journal (keyed by the account, whatever its spelling); older
        journals of the same account are absorbed, so their unsettled writes get verified."""
        from syncro_tui.core.local_files import LocalFiles
        from syncro_tui.core.outbox import Outbox

        if self.read_only:
            from syncro_tui.core.readonly import ReadOnlyOutbox

            return ReadOnlyOutbox(self.client, self.read_only)
        absorb: list[Path] = []
        if path is None:
            files = LocalFiles.of(self.settings, paths.ensure(paths.data_dir()))
            path, absorb = files.journal, files.legacy_journals
        return Outbox(path, self.client, clock=self.clock, drafts=self.drafts, absorb=absorb)

    @property
    def read_only_profile(self) -> bool:
        """A read-only profile (``--read-only`` / ``read_only = true``): no write is sent.
        (``read_only`` says why the data folder cannot hold a journal; see ``_open_outbox``.)"""
        return bool(self.settings.read_only or getattr(self.client, "read_only", False))

    async def aclose(self) -> None:
        if self._outbox is not None:
            self._outbox.close()
        await self.client.aclose()

    # -- writes ----------------------------------------------------------------------------

    @property
    def journal_notice(self) -> str:
        """Non-empty when the write journal had to be set aside at start (tell the user)."""
        return self.outbox.notice

    @property
    def writes_blocked(self) -> str:
        """Non-empty (what to do) while the write journal cannot be saved: no write is sent."""
        return self.outbox.writes_blocked

    @lane("USER")
    async def recover(self) -> list[Any]:
        """Verify writes a crash left pending or unknown, before anything else is sent."""
        return await self.outbox.recover()

    @lane("USER")
    async def submit(
        self, intent: Any, *, draft_key: tuple | None = None, allow_duplicate: bool = False
    ) -> Any:
        """Send one confirmed write through the outbox (journaled first, never re-sent blindly)."""
        if self.read_only_profile:  # refused before the journal: a profile that writes nothing
            from syncro_tui.api.errors import ReadOnlyRefused

            raise ReadOnlyRefused(intent.method, intent.path)
        link = self.drafts.link(*draft_key) if (draft_key and self.drafts is not None) else None
        return await self.outbox.submit(intent, draft=link, allow_duplicate=allow_duplicate)

    @lane("USER")
    async def resend(self, entry_id: int) -> Any:
        """Send a write verified absent once more (the technician agreed); checked first."""
        return await self.outbox.resend(entry_id)

    @lane("USER")
    async def verify(self, entry_id: int) -> Any:
        """Check again whether an unknown (or absent) write reached Syncro. Sends nothing."""
        return await self.outbox.verify(entry_id)

    def write(self, entry_id: int) -> Any:
        """One entry of the write journal."""
        return self.outbox.entry(entry_id)

    def writes(self, since: float | None = None) -> list[Any]:
        """Journal entries created at or after ``since``, newest first."""
        return self.outbox.entries(since=since)

    def watch_writes(self, listener: Callable[[Any], None]) -> Callable[[], None]:
        """``listener(entry)`` after every change of a write; returns the unsubscribe."""
        return self.outbox.subscribe(listener)

    # -- billing runs (multi-step writes that resume after a restart) ----------------------

    def start_billing(self, request: Any, ticket: Any) -> Any:
        """Record a new billing run for ``ticket`` (nothing is sent yet)."""
        from syncro_tui.core.billing import BillingRun

        return BillingRun.start(self.outbox, request, ticket)

    def stopped_billing(self, ticket_id: int) -> Any:
        """The latest unfinished billing run of a ticket (stopped now or before a restart)."""
        from syncro_tui.core.billing import BillingRun

        ids = [
            i
            for i in BillingRun.unfinished(self.outbox)
            if self.outbox.load_run(i)["ticket_id"] == ticket_id
        ]
        return BillingRun.load(self.outbox, ids[-1]) if ids else None

    def billing_run(self, run_id: int) -> Any:
        """A recorded billing run, to resume it."""
        from syncro_tui.core.billing import BillingRun

        return BillingRun.load(self.outbox, run_id)

    def billing_writes(self, run_id: int) -> dict[int, Any]:
        """The latest journal entry of each step of a billing run, by step number."""
        return self.outbox.run_entries(run_id)

    # -- budget ----------------------------------------------------------------------------

    def spent_last_minute(self) -> int:
        """Requests this machine sent in the last 60 s (the header's budget figure)."""
        limiter = getattr(self.client, "limiter", None)
        return limiter.spent_last_minute() if limiter is not None else 0

    def recent_writes(self, since: float) -> list[Any]:
        """This machine's journal entries created at or after ``since`` (newest first)."""
        return self.outbox.entries(since)

    @lane("USER")
    async def canned_responses(self, query: str | None = None) -> list[Any]:
        """The account's canned responses matching ``query`` (PermissionDenied without
        "Ticket Canned Responses - Manage", which Syncro needs even to read them)."""
        return list(await self.client.all_canned_responses(query or None))

    @lane("USER")
    async def canned_categories(self) -> dict[int, str]:
        found = await self.client.canned_response_settings()
        return {c.id: clean(c.name) for c in found.canned_response_categories if c.id is not None}

    # -- account ---------------------------------------------------------------------------

    @lane("USER")
    async def load_me(self) -> Any:
        """GET /me: who the key belongs to (and whether it works at all)."""
        self.me = await self.client.me()
        self.outbox.author_id = getattr(self.me, "user_id", None)  # verification needs it
        self.store.set_account(me=self.me, labor_products=dict(self.settings.labor_products))
        return self.me

    @lane("USER")
    async def load_lists(self) -> None:
        """Statuses, technicians, priorities and problem types (two requests, side by side)."""
        import asyncio

        ticket_settings, account_settings = await asyncio.gather(
            self.client.ticket_settings(), self.client.account_settings()
        )
        self.ticket_settings = ticket_settings  # ticket types and their fields (new tickets)
        self.saved_searches = _saved_searches(getattr(ticket_settings, "saved_searches", None))
        users = {u.id: clean(u.name) for u in getattr(ticket_settings, "users", []) or []}
        if not users:
            users = {u.id: clean(u.name) for u in await self.client.users()}
        self.users = users
        from syncro_tui.core.account_time import account_zone

        locale = getattr(account_settings, "locale", None)
        time_zone = getattr(locale, "time_zone", None) or ""
        time_offset = getattr(locale, "time_offset", None) or ""
        self.zone = account_zone(time_zone, time_offset)
        self.store.set_account(
            time_zone=time_zone,
            time_offset=time_offset,
            statuses=list(getattr(ticket_settings, "ticket_status_list", []) or []),
            priorities=[p for p in getattr(account_settings, "priorities", []) or [] if p],
            problem_types=list(getattr(account_settings, "problem_types", []) or []),
            users=dict(users),
        )
        self._zone_known = True
        self._name_assignees()
        self._rezone_due_dates()

    def _rezone_due_dates(self, *, walk_done: bool = False) -> None:
        """Rows read before the account's zone was known (a first start reads its first
        page before GET /settings answers, and the pages of a walk may be read before it
        too) get the calendar date of a due *time* in that zone (a due date without a time
        is the same in every zone). Rows of a walk still under way are settled when it
        has put them into the store (``walk_done``: what is not there by then is not open)."""
        if not self._zone_known or not self._unzoned:
            return
        pending, self._unzoned = self._unzoned, {}
        fixed = []
        for ticket_id, raw in pending.items():
            row = self.store.tickets.get(ticket_id)
            if row is None:
                if not walk_done:
                    self._unzoned[ticket_id] = raw
                continue
            found = due_date(raw, self.zone)
            day = found.iso() if found else ""
            if day != row.due_date:
                fixed.append(replace(row, due_date=day))
        if fixed:
            self.store.apply_tickets(fixed, full=False)

    def _name_assignees(self) -> None:
        """Rows read before the technicians' names were known (the first poll runs beside
        ``load_lists``) get their assignee's name now."""
        users = self.users
        named = [
            replace(row, assignee=one_line(users[row.user_id]))
            for row in self.store.tickets.values()
            if row.user_id in users and not row.assignee
        ]
        if named:
            self.store.apply_tickets(named, full=False)

    # -- tickets ---------------------------------------------------------------------------

    def _page_rows(self, items: list[Any]) -> list[TicketRow]:
        """A list page's items (JSON) -> rows. The usual ones are read without a model
        (``core.page_rows``); any other goes through ``api.models`` as before, so a malformed
        one becomes its "unreadable" row and never fails the page."""
        rows = []
        users, zone, held = self.users, self.zone, self.store.tickets
        if not self._zone_known:
            self._note_unzoned(items)
        reuse = self._reuse
        reuse.begin(users, zone)
        for item in items:
            fp = fingerprint(item)
            kept = reuse.held(item, fp)  # unchanged since it was read: not read again
            if kept is not None:
                rows.append(kept)
                continue
            row = plain_row(item, users, zone)
            if row is None:  # the models are imported only for such a ticket
                from syncro_tui.api.models import read_list_ticket

                ticket = read_list_ticket(item)
                if ticket.unreadable:
                    self._report_unreadable(ticket)
                row = row_from_ticket(ticket, users, zone)
                fp = None  # (read by the model: read again every time)
            same = held.get(row.id)
            # A reconcile brings back mostly rows the store holds already: keep the held
            # object and let the copy go at once (10,000 copies would sit beside the rows
            # until the walk ends), and the list then knows the row is unchanged by identity.
            if same is not None and same == row:
                row = same
            rows.append(row)
            reuse.remember(fp, row)
        return rows

    def _note_unzoned(self, items: list[Any]) -> None:
        """Due times (not bare dates) of items read before the zone is known: their
        calendar date is settled by ``_rezone_due_dates``."""
        for item in items:
            due = item.get("due_date") if isinstance(item, dict) else None
            if isinstance(due, str) and len(due.strip()) > 10 and isinstance(item.get("id"), int):
                self._unzoned[item["id"]] = due.strip()

    def _first_page_shown(
        self, closed: set[str], first_run: bool
    ) -> Callable[[list[Any]], list[TicketRow]]:
        """``_page_rows`` that also puts the first page into the store as it arrives, so an
        empty list (a first start) shows rows without waiting for the whole walk; the full
        load that follows settles the queue as usual."""
        first = True

        def read(items: list[Any]) -> list[TicketRow]:
            nonlocal first
            rows = self._page_rows(items)
            if first:
                first = False
                self.store.apply_tickets(rows, full=False, closed_statuses=closed)
                if first_run:
                    self.store.mark_all_seen()
            return rows

        return read

    def _rows(self, tickets: list[Any]) -> list[TicketRow]:
        rows = [row_from_ticket(t, self.users, self.zone) for t in tickets]
        for ticket in tickets:
            if getattr(ticket, "unreadable", None):
                self._report_unreadable(ticket)
        return rows

    def _report_unreadable(self, ticket: Any) -> None:
        """Log each unreadable ticket once per problem (polls repeat every minute)."""
        key = (int(ticket.id), str(ticket.unreadable))
        if key in self._reported_unreadable:
            return
        self._reported_unreadable.add(key)
        import logging

        logging.getLogger("syncro_tui.sync").warning(
            "ticket #%s could not be read from Syncro and is shown as unreadable: %s",
            clean(str(ticket.number)),
            clean(str(ticket.unreadable)),
        )

    def _note_newest(self, rows: list[TicketRow]) -> None:
        newest = max((r.updated_ts for r in rows), default=0.0)
        if newest and (self._newest_seen is None or newest > self._newest_seen.timestamp()):
            self._newest_seen = datetime.fromtimestamp(newest, tz=UTC)

    def full_due(self) -> bool:
        if self._last_full is None:
            return True
        return (
            self.clock() - self._last_full >= self.settings.reconcile_minutes * 60 * self.spread()
        )

    # -- the shared rate budget ------------------------------------------------------------

    def budget_status(self) -> Any:
        """The rate budget as the header shows it (``ratelimit.BudgetStatus``), or None."""
        status = getattr(self.client.limiter, "status", None)
        return status() if status is not None else None

    def allow_probe(self) -> None:
        """An explicit refresh: its first request may go through a 429 pause (once)."""
        probe = getattr(self.client.limiter, "allow_probe", None)
        if probe is not None:
            probe()

    def spread(self) -> int:
        """How much idle polling stretches because other processes share the budget.

        The processes of one account spread their background polls: with N sharing the
        machine-wide (or office) budget, each polls N times less often (up to MAX_SPREAD), so
        the idle polling of N technicians costs about what one costs.
        """
        status = self.budget_status()
        processes = getattr(status, "processes", 1) or 1
        return max(1, min(int(processes), MAX_SPREAD))

    def poll_interval(self) -> float:
        """Seconds until the next background poll: ``poll_seconds`` times the spread, with a
        little jitter so the processes that share the budget do not poll in step."""
        import random

        return self.settings.poll_seconds * self.spread() * random.uniform(0.9, 1.1)

    def resume_from_cache(self, rows: list[TicketRow], full_at: float | None) -> None:
        """A warm start: the cached queue was complete at ``full_at``; until the next
        reconcile is due, polls ask only for what changed since its newest ticket."""
        if rows and full_at:
            self._note_newest(rows)
            self._last_full = full_at
            self._loaded_once = True

    @lane("BACKGROUND")
    async def poll(self, *, force_full: bool = False) -> PollResult:
        before = self.client.request_count
        full = force_full or self.full_due() or self._newest_seen is None
        first_run = not self._loaded_once and not self.store.seen  # nothing is news yet
        closed = set(self.settings.closed_statuses)
        if full:
            read: Callable[[list[Any]], list[TicketRow]] = self._page_rows
            if not self.store.tickets:  # nothing shown yet: the first page paints at once
                read = self._first_page_shown(closed, first_run)
            rows = await self.client.all_tickets(
                status="Not Closed", concurrency=PAGES_IN_FLIGHT, read_items=read
            )
            rows = [r for r in rows if r.status not in closed]
            self._last_full = self.clock()
        else:
            assert self._newest_seen is not None  # `full` is True until a ticket was seen
            since = self._newest_seen - OVERLAP
            rows = await self.client.all_tickets(
                since_updated_at=since, concurrency=PAGES_IN_FLIGHT, read_items=self._page_rows
            )
        self._note_newest(rows)
        # What the alerts compare with: the held rows that this poll replaces (an unchanged
        # row is the held object itself, see _page_rows), not a copy of the whole queue.
        held = self.store.tickets
        old = {r.id: h for r in rows if (h := held.get(r.id)) is not None and h is not r}
        diff = self.store.apply_tickets(rows, full=full, closed_statuses=closed)
        held = self.store.tickets
        if full:
            self._reuse.keep_only(held)
        else:
            self._reuse.forget([r.id for r in rows if r.id not in held])
        self._rezone_due_dates(walk_done=True)
        if first_run:
            self.store.mark_all_seen()  # first run on this machine: nothing is news yet
            if self.cache is not None:
                self.cache.save_seen(dict(self.store.seen), full=True)
        result = PollResult(full, list(diff.added), list(diff.changed), list(diff.removed))
        if self._loaded_once:
            result.alerts = self._alerts(old, rows, diff)
        self._loaded_once = True
        result.requests = self.client.request_count - before
        if self.cache is not None:
            self._save_cache(full, rows, diff)
        return result

    def _alerts(self, old: dict[int, TicketRow], rows: list[TicketRow], diff: Any) -> list[str]:
        by_id = {r.id: r for r in rows}
        alerts: list[str] = []
        for tid in diff.added:
            row = by_id.get(tid) or self.store.tickets.get(tid)
            if row is not None and tid not in self.own_created:  # added: it was not held
                alerts.append(f"New ticket #{row.number}: {row.subject}")
        for tid in diff.changed:
            row = by_id.get(tid)
            prev = old.get(tid)
            if (
                row is not None
                and row.customer_reply
                and (prev is None or row.updated_at != prev.updated_at)
            ):
                if prev is None or not prev.customer_reply or row.status == "Customer Reply":
                    alerts.append(f"Customer reply on #{row.number}: {row.subject}")
        return alerts

    def _save_cache(self, full: bool, rows: list[TicketRow], diff: Any) -> None:
        try:
            if full:
                self.cache.replace_rows(self.store.tickets)
                self.cache.put_blob("last_full", self._last_full)
            else:
                self.cache.upsert_rows(
                    [self.store.tickets[r.id] for r in rows if r.id in self.store.tickets]
                )
                if diff.removed:
                    self.cache.remove(list(diff.removed))
        except Exception:  # a cache problem must never break syncing
            import logging

            logging.getLogger("syncro_tui.cache").warning(
                "could not update the cache", exc_info=True
            )

    @lane("DETAIL")
    async def fetch_detail(self, ticket_id: int) -> Any:
        """GET /tickets/{id}: comments, line items, timers, customer and contact in one request."""
        if ticket_id <= 0:
            from syncro_tui.api.errors import UnexpectedResponse

            row = self.store.tickets.get(ticket_id)
            raise UnexpectedResponse(
                "Syncro sent this ticket in a form that cannot be read"
                + (f" ({row.subject})" if row is not None else "")
                + ", and without a usable id its details cannot be asked for."
            )
        detail = await self.client.get_ticket(ticket_id)
        current = self.store.tickets.get(ticket_id)
        row = _keep_list_only(row_from_ticket(detail, self.users, self.zone), current, detail)
        if current is not None and current != row:
            self.store.apply_tickets(
                [row], full=False, closed_statuses=set(self.settings.closed_statuses)
            )
        # Just fetched, so it is the ticket as it is now: key it by the row the store holds,
        # even when that row disagrees (a cached row stamped differently), or the pane would
        # wait for a detail "of that row" forever.
        held = self.store.tickets.get(ticket_id)
        self.store.set_detail(ticket_id, detail, held.updated_at if held else row.updated_at)
        return detail

    @lane("USER")
    async def find_by_number(self, number: str) -> Any:
        """A ticket by its number (``#`` and the palette's "go to"), fetched when not in the
        list; its detail is kept in the store."""
        detail = await self.client.ticket_by_number(number)
        if detail is not None:
            row = row_from_ticket(detail, self.users, self.zone)
            self.store.set_detail(row.id, detail, row.updated_at)
        return detail

    @lane("USER")
    async def search(self, *, max_pages: int = 4, **filters: Any) -> list[TicketRow]:
        """Tickets beyond the open queue (closed statuses, a customer's history, free text).

        At most ``max_pages`` pages: a search is a user action and must not drain the budget.
        """
        rows: dict[int, TicketRow] = {}
        page = 1
        while page <= max_pages:
            result = await self.client.list_tickets(page=page, **filters)
            for ticket in result.tickets:
                rows.setdefault(int(ticket.id), row_from_ticket(ticket, self.users, self.zone))
            total = getattr(result.meta, "total_pages", 1) or 1
            if page >= total:
                break
            page += 1
        return list(rows.values())

    @lane("USER")
    async def ticket_page(self, page: int = 1, per_page: int | None = None, **filters: Any) -> Any:
        """One page of GET /tickets (a ``TicketPage``: tickets and meta), for a listing that
        stops early (the command line's ``--limit``)."""
        return await self.client.list_tickets(page=page, per_page=per_page, **filters)

    @lane("USER")
    async def all_tickets(
        self, *, each_page: Callable[[list[Any]], list[Any]] | None = None, **filters: Any
    ) -> list[Any]:
        """Every ticket matching ``filters`` (all pages); ``each_page`` maps each page's
        tickets as it arrives (rows instead of models, say)."""
        return list(await self.client.all_tickets(each_page=each_page, **filters))

    # -- customers and products (user actions) ---------------------------------------------

    @lane("USER")
    async def customers(self, query: str | None = None) -> list[Any]:
        """GET /customers matching ``query`` (name, business, email, phone): the first page."""
        return list((await self.client.customers(query=query)).customers)

    @lane("USER")
    async def customer(self, customer_id: int) -> Any:
        """One customer (NotFound when there is none)."""
        return await self.client.customer(customer_id)

    @lane("USER")
    async def customer_autocomplete(self, query: str) -> list[Any]:
        """GET /customers/autocomplete: customers whose name matches what was typed."""
        return list(await self.client.customer_autocomplete(query))

    @lane("USER")
    async def contacts(self, customer_id: int) -> list[Any]:
        """A customer's contacts (first page)."""
        return list((await self.client.contacts(customer_id=customer_id)).contacts)

    @lane("USER")
    async def products(self, *, query: str | None = None) -> list[Any]:
        """GET /products matching ``query`` (one page)."""
        return list(await self.client.products(query=query))

    @lane("USER")
    async def all_products(self) -> list[Any]:
        """Every product (all pages)."""
        return list(await self.client.all_products())

    async def products_by_id(self) -> dict[int, Any]:
        """The product catalogue by id, read once per session (it can be many pages)."""
        if self._products_by_id is None:
            self._products_by_id = {p.id: p for p in await self.all_products()}
        return self._products_by_id
