"""The outbox: every write journaled before it is sent, sent at most once, never lost.

Syncro has no idempotency and no way to delete a comment, so a write sent twice is a
duplicate forever (the runbook exists because that happened). The outbox therefore:

* journals each write (SQLite, ``synchronous=FULL``) before it is sent, with its
  fingerprint and exact payload: ``pending`` -> ``sent`` -> ``confirmed``;
* never re-sends on its own. When the outcome is unclear (timeout, dropped connection, 5xx,
  unreadable 200) the entry becomes ``unknown`` and is verified with GETs, which mark it
  ``landed`` (with the record found) or ``absent``. If verification itself cannot decide
  (network down, nothing to compare with) the entry stays ``unknown`` and can be checked
  again later;
* marks definite refusals (4xx, 429, "not sent") ``failed`` with Syncro's message: those
  were not applied and may simply be submitted again;
* resends only an entry verified ``absent``, only through ``resend()`` (the UI asks the
  technician first), and re-verifies right before doing so;
* on start-up, ``recover()`` verifies every entry a crash left ``pending``, ``sent`` or
  ``unknown`` before anything else is sent (a pending entry may or may not have gone out);
* refuses a second submit of the same thing (same fingerprint) while the first is
  unsettled, and, unless told otherwise, after it landed within the last day;
* sends one write per ticket at a time.

The journal (``core.journal``) is private (0600) in the user data dir. A journal SQLite
finds corrupt is moved aside and a fresh one started; one that cannot be written (a full
disk, read-only) stays where it is and every submit raises ``JournalUnavailable`` until it
can be written again. ``Outbox.notice`` tells the UI either.

No Textual here. The client is duck-typed (``SyncroClient``); errors come from
``syncro_tui.api.errors`` (stdlib only).
"""

from __future__ import annotations

import asyncio
import json
import logging
import os
import sqlite3
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from syncro_tui.api import errors as E
from syncro_tui.core import writes as W
from syncro_tui.core.drafts import DraftLink, Drafts
from syncro_tui.core.journal import Connect, Journal, JournalUnavailable, OutboxError
from syncro_tui.core.text import html_to_text, one_line, same_comment_text

__all__ = ["JournalUnavailable", "OutboxError"]  # re-exported: callers catch them from here

log = logging.getLogger(__name__)

# States of an entry.
PENDING = "pending"  # journaled, not yet handed to the network
SENT = "sent"  # handed to the network, no answer yet
CONFIRMED = "confirmed"  # Syncro answered with the record
UNKNOWN = "unknown"  # no usable answer; not verified (yet)
LANDED = "landed"  # verified: the record is in Syncro
ABSENT = "absent"  # verified: the record is not in Syncro (may be resent)
FAILED = "failed"  # Syncro refused it or it was never sent: not applied
APPLIED = frozenset({CONFIRMED, LANDED})
UNSETTLED = frozenset({PENDING, SENT, UNKNOWN})

DUPLICATE_WINDOW = 24 * 3600.0  # an identical create within a day is almost surely a mistake
VERIFY_MARGIN = 600.0  # clock skew allowed when matching server timestamps
SETTLE_SECONDS = 3.0  # let a slow server finish before looking for the record
MAX_VERIFY_PAGES = 10

# Errors that prove the write was not applied.
_DEFINITE = (
    E.AuthError,
    E.PermissionDenied,
    E.NotFound,
    E.ValidationFailed,
    E.BadRequest,
    E.RateLimited,
    E.NetworkError,
)


class DuplicateWrite(OutboxError):
    """The same write (same fingerprint) is already in the journal.

    ``unsettled`` is True when that entry is still pending/sent/unknown: it must be
    verified first, whatever the technician says. An entry verified absent is sent again
    with ``resend(entry.id)`` (which checks once more first), never as a fresh write.
    Otherwise it landed within the last day, and ``submit(..., allow_duplicate=True)``
    sends anyway once the technician agrees it is a separate, second record.
    """

    def __init__(self, entry: OutboxEntry) -> None:
        self.entry = entry
        self.unsettled = entry.state in UNSETTLED
        if self.unsettled:
            text = (
                f"The same write (entry {entry.id}, {entry.label}) is {entry.state}: "
                "check it before sending this again."
            )
        elif entry.state == ABSENT:
            text = (
                f"The same write (entry {entry.id}, {entry.label}) did not reach Syncro: "
                "send that one again from the write log."
            )
        else:
            when = time.strftime("%H:%M", time.localtime(entry.updated_at))
            text = (
                f"The same write (entry {entry.id}, {entry.label}) already reached Syncro "
                f"at {when}. Sending it again creates a second copy."
            )
        super().__init__(text)


class ResendRefused(OutboxError):
    """Only an entry verified absent may be resent."""


@dataclass(frozen=True)
class OutboxEntry:
    id: int
    intent: W.WriteIntent
    state: str
    created_at: float
    updated_at: float
    sent_at: float | None
    attempts: int
    record_id: int | None
    result: dict[str, Any] | None
    message: str
    this_session: bool
    run_id: int | None = None
    run_step: int | None = None

    @property
    def label(self) -> str:
        return self.intent.label


@dataclass(frozen=True)
class WriteOutcome:
    """What happened to one write. ``result`` is the record Syncro returned or the one
    verification found (JSON dict); ``message`` explains a failure or a verdict."""

    entry_id: int
    state: str
    result: dict[str, Any] | None = None
    record_id: int | None = None
    message: str = ""

    @property
    def applied(self) -> bool:
        return self.state in APPLIED

    @property
    def may_resend(self) -> bool:
        return self.state == ABSENT


@dataclass
class _Verdict:
    state: str  # LANDED, ABSENT or UNKNOWN
    record_id: int | None = None
    result: dict[str, Any] | None = None
    note: str = ""


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _as_json(value: Any) -> dict[str, Any] | None:
    """A client model (pydantic) or dict as plain JSON; None stays None."""
    if value is None:
        return None
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    return json.loads(json.dumps(value, default=str))


def _same_text(a: Any, b: Any) -> bool:
    """Text equality that forgives whitespace the server may have reflowed."""
    return " ".join(str(a or "").split()) == " ".join(str(b or "").split())


def _same_field(name: str, have: Any, sent: Any) -> bool:
    """A ticket field as read back equals what a PUT sent (a due date is compared by day:
    Syncro answers a date-time for the date it was sent)."""
    if name == "due_date" and have is not None and sent:
        day = have.date().isoformat() if isinstance(have, datetime) else str(have)[:10]
        return day == str(sent)[:10]
    return _same_text(have, sent)


def _decimal(value: Any) -> Decimal | None:
    try:
        return None if value is None else Decimal(str(value))
    except InvalidOperation:
        return None


def _timestamp(value: Any) -> float | None:
    if isinstance(value, datetime):
        return value.timestamp()
    if isinstance(value, str) and value:
        try:
            return datetime.fromisoformat(value.replace("Z", "+00:00")).timestamp()
        except ValueError:
            return None
    return None


def _side_by_side(payload: dict[str, Any], candidates: list[Any]) -> str:
    """What was sent beside the nearest comment found, for a human to judge."""
    c = max(candidates, key=lambda c: _timestamp(c.created_at) or 0.0)  # the newest
    when = _timestamp(c.created_at)
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


def _without_snapshot(entry: OutboxEntry) -> _Verdict:
    """Verdict for a write whose ticket was never read before sending. The state ``sent``
    (with ``sent_at``) is committed before anything goes to the network, so a write
    without ``sent_at`` never left; one with it cannot be told apart from older records."""
    if entry.sent_at is None:
        return _Verdict(ABSENT, note="Verified: it was never sent (the app stopped first).")
    return _Verdict(
        UNKNOWN,
        note="The ticket was not read before sending, so this cannot be "
        "checked here; look at the ticket in Syncro.",
    )


def _record_id(kind: str, result: Any) -> int | None:
    if result is None:
        return None
    if kind == W.CHARGE_TIMER:  # the record a charge creates is the line item
        return getattr(result, "ticket_line_item_id", None)
    return getattr(result, "id", None)


# Kinds that need the ticket's state before sending, to tell new records from old ones.
_SNAPSHOT_KINDS = frozenset({W.LINE_ITEM, W.TIMER_ENTRY, W.INVOICE})


class Outbox:
    """The write journal and the only path by which syncro-tui changes Syncro.

    ``client`` is a ``SyncroClient``. ``drafts``, when given, lets a write carry a
    ``DraftLink`` whose draft is deleted once the write is confirmed or verified landed.
    ``sleep`` and ``settle_seconds`` exist so tests need not wait.
    """

    def __init__(
        self,
        path: Path,
        client: Any,
        *,
        clock: Callable[[], float] = time.time,
        drafts: Drafts | None = None,
        settle_seconds: float = SETTLE_SECONDS,
        verify_margin: float = VERIFY_MARGIN,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        absorb: Iterable[Path] = (),
        connect: Connect = sqlite3.connect,
    ) -> None:
        self._journal = Journal(Path(path), absorb=absorb, connect=connect)
        self.client = client
        self.clock = clock
        self.drafts = drafts
        self.settle_seconds = settle_seconds
        self.verify_margin = verify_margin
        self._sleep = sleep
        self._session = uuid.uuid4().hex
        self._pid = os.getpid()
        self._scope_locks: dict[str, asyncio.Lock] = {}
        self._recover_lock = asyncio.Lock()
        self._recovered = False
        self._listeners: list[Callable[[OutboxEntry], None]] = []
        # The user writes are attributed to (the key's owner); None until GET /me is known.
        self.author_id: int | None = None
        self._never_sent: set[int] = set()  # journaled, then the journal failed before sending

    @property
    def notice(self) -> str:
        """Non-empty when the journal had to be replaced at start-up (tell the user)."""
        return self._journal.notice

    @property
    def writes_blocked(self) -> str:
        """Non-empty (what to do) while the journal cannot be written: nothing is sent."""
        return self._journal.problem

    def _writable(self) -> None:
        """Raise ``JournalUnavailable`` unless writes can be journaled now. A journal that
        comes back is verified again before the next send; entries journaled but never
        sent while it was failing are marked failed (they may simply be sent again)."""
        if self._journal.ensure_writable():
            self._recovered = False
        for entry_id in sorted(self._never_sent):
            self._journal.update(
                entry_id,
                state=FAILED,
                updated_at=self.clock(),
                message="Not sent: the write journal could not be saved at the time.",
            )
            self._never_sent.discard(entry_id)

    def close(self) -> None:
        self._journal.close()

    def subscribe(self, listener: Callable[[OutboxEntry], None]) -> Callable[[], None]:
        """``listener(entry)`` after every state change (the write log refreshes).

        Returns the function that unsubscribes it."""
        self._listeners.append(listener)

        def unsubscribe() -> None:
            if listener in self._listeners:
                self._listeners.remove(listener)

        return unsubscribe

    # ------------------------------------------------------------------ reading the journal

    def _entry(self, row: sqlite3.Row) -> OutboxEntry:
        return OutboxEntry(
            id=row["id"],
            intent=W.WriteIntent.from_dict(json.loads(row["intent"])),
            state=row["state"],
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            sent_at=row["sent_at"],
            attempts=row["attempts"],
            record_id=row["record_id"],
            result=json.loads(row["result"]) if row["result"] else None,
            message=row["message"],
            this_session=row["session"] == self._session,
            run_id=row["run_id"],
            run_step=row["run_step"],
        )

    def entry(self, entry_id: int) -> OutboxEntry:
        row = self._journal.row(entry_id)
        if row is None:
            raise OutboxError(f"There is no write {entry_id} in the journal.")
        return self._entry(row)

    def entries(self, since: float | None = None) -> list[OutboxEntry]:
        """Writes created at or after ``since`` (POSIX seconds), newest first. The write log
        passes the start of the day; entries of this session have ``this_session``."""
        if since is None:
            return [self._entry(r) for r in self._journal.rows()]
        return [self._entry(r) for r in self._journal.rows("created_at >= ?", (since,))]

    def outcome(self, entry_id: int) -> WriteOutcome:
        e = self.entry(entry_id)
        return WriteOutcome(e.id, e.state, e.result, e.record_id, e.message)

    # ------------------------------------------------------------------ state changes

    def _set(self, entry_id: int, **values: Any) -> OutboxEntry:
        values["updated_at"] = self.clock()
        self._journal.update(entry_id, **values)
        entry = self.entry(entry_id)
        if entry.state in APPLIED:
            try:
                self._discard_draft(entry_id)
            except Exception:  # the write landed; a draft that could not be removed is harmless
                log.exception("could not discard the draft of write %s", entry_id)
        for listener in list(self._listeners):
            try:
                listener(entry)
            except Exception:  # a broken listener must not lose a state change
                log.exception("outbox listener failed")
        return entry

    def _discard_draft(self, entry_id: int) -> None:
        row = self._journal.row(entry_id)
        if self.drafts is None or row is None or not row["draft"]:
            return
        link = DraftLink(**json.loads(row["draft"]))
        self.drafts.discard_if_unchanged(link)
        self._journal.update(entry_id, draft=None)

    def _lock(self, intent: W.WriteIntent) -> asyncio.Lock:
        return self._scope_locks.setdefault(intent.scope or "global", asyncio.Lock())

    # ------------------------------------------------------------------ submit

    async def submit(
        self,
        intent: W.WriteIntent,
        *,
        draft: DraftLink | None = None,
        allow_duplicate: bool = False,
        run_id: int | None = None,
        run_step: int | None = None,
    ) -> WriteOutcome:
        """Journal ``intent``, send it once and report what happened.

        Raises ``DuplicateWrite`` (nothing journaled, nothing sent) when the same write is
        unsettled, or landed within a day and ``allow_duplicate`` is False.
        """
        self._writable()
        if not self._recovered:
            await self._recover_once()
        async with self._lock(intent):
            self._refuse_duplicate(intent, allow_duplicate)
            now = self.clock()
            entry_id = self._journal.insert(
                intent=json.dumps(intent.to_dict(), ensure_ascii=False),
                fingerprint=intent.fingerprint,
                kind=intent.kind,
                ticket_id=intent.ticket_id,
                state=PENDING,
                created_at=now,
                updated_at=now,
                draft=json.dumps(asdict(draft)) if draft is not None else None,
                run_id=run_id,
                run_step=run_step,
                owner_pid=self._pid,
                session=self._session,
            )
            return await self._send(entry_id, intent)

    def _refuse_duplicate(self, intent: W.WriteIntent, allow_duplicate: bool) -> None:
        if intent.method != "POST":
            return  # a PUT sets values: sending it twice changes nothing
        since = self.clock() - DUPLICATE_WINDOW
        for row in self._journal.rows(
            "fingerprint = ? AND (state IN (?, ?, ?) OR (state IN (?, ?, ?) AND updated_at >= ?))",
            (intent.fingerprint, *UNSETTLED, *APPLIED, ABSENT, since),
        ):
            entry = self._entry(row)
            if entry.state not in APPLIED or not allow_duplicate:
                raise DuplicateWrite(entry)

    async def _send(self, entry_id: int, intent: W.WriteIntent) -> WriteOutcome:
        """Snapshot (when the kind needs one), send, record. Holds the scope lock.

        Nothing goes to the network unless ``sent`` was journaled first; once it went, a
        journal that fails is reported with the outcome, never a reason to send again."""
        try:
            if intent.kind in _SNAPSHOT_KINDS:
                try:
                    before = await self._snapshot(intent)
                except Exception as exc:
                    return self._settle(
                        entry_id,
                        FAILED,
                        message=f"Nothing was sent: could not read the ticket first ({exc}).",
                    )
                self._journal.update(entry_id, before=json.dumps(before))
            row = self._journal.row(entry_id)
            attempts = (row["attempts"] if row is not None else 0) + 1
            self._set(entry_id, state=SENT, sent_at=self.clock(), attempts=attempts)
        except JournalUnavailable:
            self._never_sent.add(entry_id)
            raise
        try:
            result = await self._call(intent)
        except _DEFINITE as exc:
            return self._settle(entry_id, FAILED, message=str(exc))
        except Exception as exc:  # OutcomeUnknown, and anything we cannot classify
            cause = (
                exc.cause if isinstance(exc, E.OutcomeUnknown) else str(exc) or type(exc).__name__
            )
            self._settle(
                entry_id,
                UNKNOWN,
                message=f"No clear answer from Syncro ({cause}); checking whether it arrived.",
            )
            await self._sleep(self.settle_seconds)
            return await self._verify(entry_id)
        return self._settle(
            entry_id,
            CONFIRMED,
            result=_as_json(result),
            record_id=_record_id(intent.kind, result),
        )

    def _settle(
        self,
        entry_id: int,
        state: str,
        *,
        result: dict[str, Any] | None = None,
        record_id: int | None = None,
        message: str = "",
    ) -> WriteOutcome:
        """Record a state reached after sending and report it. When the journal cannot be
        saved the outcome is still reported (from memory) with a note; the journal keeps
        the entry unsettled, so the next start verifies it rather than sending it again."""
        values: dict[str, Any] = {"state": state, "message": message}
        if result is not None:
            values["result"] = json.dumps(result)
        if record_id is not None or state == CONFIRMED:
            values["record_id"] = record_id
        try:
            self._set(entry_id, **values)
        except JournalUnavailable as exc:
            note = f" ({exc})" if str(exc) else ""
            return WriteOutcome(entry_id, state, result, record_id, (message + note).strip())
        return self.outcome(entry_id)

    async def _call(self, intent: W.WriteIntent) -> Any:
        c, p, tid = self.client, intent.payload, intent.ticket_id
        if intent.kind == W.COMMENT:
            return await c.add_comment(tid, p)
        if intent.kind == W.NEW_TICKET:
            return await c.create_ticket(p)
        if intent.kind == W.TICKET_UPDATE:
            return await c.update_ticket(tid, p)
        if intent.kind == W.LINE_ITEM:
            return await c.add_line_item(tid, p)
        if intent.kind == W.UPDATE_LINE_ITEM:
            return await c.update_line_item(tid, p)
        if intent.kind == W.TIMER_ENTRY:
            return await c.add_timer_entry(tid, p)
        if intent.kind == W.CHARGE_TIMER:
            return await c.charge_timer_entry(tid, p["timer_entry_id"])
        if intent.kind == W.DELETE_TIMER:
            return await c.delete_timer_entry(tid, p["timer_entry_id"])
        if intent.kind == W.INVOICE:
            return await c.create_invoice(p)
        raise OutboxError(f"Unknown kind of write {intent.kind!r}.")

    async def _snapshot(self, intent: W.WriteIntent) -> dict[str, Any]:
        """Ids (and invoiced flags) on the ticket before sending, so verification can tell
        the record this write made from identical ones that were already there."""
        ticket = await self.client.get_ticket(intent.ticket_id)
        snapshot: dict[str, Any] = {
            "line_items": {
                str(li.id): bool(li.converted) if li.converted is not None else None
                for li in ticket.line_items
            },
            "timers": [t.id for t in ticket.ticket_timers],
        }
        if intent.kind == W.INVOICE:  # which invoices the ticket had: a new one is this one
            try:
                found = await self._ticket_invoices(intent.ticket_id)
            except (E.NotFound, E.PermissionDenied):
                found = None  # no GET /invoices here: the line items are the evidence
            snapshot["invoices"] = None if found is None else [i.id for i in found]
        return snapshot

    async def _ticket_invoices(self, ticket_id: int | None) -> list[Any] | None:
        """The invoices made from a ticket (GET /invoices?ticket_id=, every page); None when
        there are too many pages to read. The ticket is checked on each invoice too, in case
        a tenant ignores the filter."""
        found: list[Any] = []
        for page in range(1, MAX_VERIFY_PAGES + 1):
            got = await self.client.invoices(ticket_id=ticket_id, page=page)
            found += [i for i in got.invoices if i.ticket_id == ticket_id]
            if not got.has_more:
                return found
        return None

    # ------------------------------------------------------------------ verification

    async def verify(self, entry_id: int) -> WriteOutcome:
        """Check again whether an unknown (or absent) write is in Syncro. Sends nothing."""
        entry = self.entry(entry_id)
        if entry.state not in (UNKNOWN, ABSENT):
            return self.outcome(entry_id)
        async with self._lock(entry.intent):
            return await self._verify(entry_id)

    async def _verify(self, entry_id: int) -> WriteOutcome:
        entry = self.entry(entry_id)
        row = self._journal.row(entry_id)
        before = json.loads(row["before"]) if row["before"] else None
        try:
            verdict = await self._look_for(entry, before)
        except Exception as exc:
            verdict = _Verdict(
                UNKNOWN,
                note=f"Could not check yet ({exc}); try again later. "
                "Do not send it again until it is checked.",
            )
        if verdict.state == LANDED:
            return self._settle(
                entry_id,
                LANDED,
                record_id=verdict.record_id,
                result=verdict.result,
                message=verdict.note or "Verified: it reached Syncro.",
            )
        if verdict.state == ABSENT:
            if self._journal.problem:  # not journaled as absent: it must not be resent now
                return self._settle(
                    entry_id,
                    UNKNOWN,
                    message=(verdict.note or "Verified: it did not reach Syncro.")
                    + " It is not sent again until the write journal can be saved.",
                )
            return self._settle(
                entry_id,
                ABSENT,
                message=verdict.note or "Verified: it did not reach Syncro. It can be sent again.",
            )
        return self._settle(entry_id, UNKNOWN, message=verdict.note)

    def _claimed(self, entry: OutboxEntry) -> set[int]:
        """Record ids other entries of the same kind already account for."""
        return self._journal.claimed(entry.intent.kind, entry.id, APPLIED)

    def _since(self, entry: OutboxEntry) -> float:
        return (entry.sent_at or entry.created_at) - self.verify_margin

    async def _look_for(self, entry: OutboxEntry, before: dict | None) -> _Verdict:
        kind = entry.intent.kind
        if kind == W.COMMENT:
            return await self._find_comment(entry)
        if kind == W.NEW_TICKET:
            return await self._find_ticket(entry)
        ticket = await self.client.get_ticket(entry.intent.ticket_id)
        p = entry.intent.payload
        if kind == W.TICKET_UPDATE:
            same = all(_same_field(k, getattr(ticket, k, None), v) for k, v in p.items())
            return _Verdict(LANDED, ticket.id, _as_json(ticket)) if same else _Verdict(ABSENT)
        if kind == W.LINE_ITEM:
            return self._find_line_item(entry, ticket, before)
        if kind == W.UPDATE_LINE_ITEM:
            return self._check_line_item_update(ticket, p)
        if kind == W.TIMER_ENTRY:
            return self._find_timer(entry, ticket, before)
        if kind in (W.CHARGE_TIMER, W.DELETE_TIMER):
            return self._check_timer_change(kind, ticket, p["timer_entry_id"])
        if kind == W.INVOICE:
            return await self._find_invoice(entry, ticket, before)
        raise OutboxError(f"Unknown kind of write {kind!r}.")

    async def _author_id(self) -> int | None:
        """The user the key belongs to (every write is attributed to them): set by the session
        once GET /me is known, else asked for here, once."""
        if self.author_id is None:
            me = await self.client.me()
            self.author_id = getattr(me, "user_id", None)
        return self.author_id

    async def _find_comment(self, entry: OutboxEntry) -> _Verdict:
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
        p, since, claimed = entry.intent.payload, self._since(entry), self._claimed(entry)
        author = await self._author_id()
        candidates: list[Any] = []

        def in_window(c: Any) -> bool:
            created = _timestamp(c.created_at)
            return c.id not in claimed and (created is None or created >= since)

        def by_author(c: Any) -> bool:
            # Customer-written comments carry user_id null (syncro-api.md section 9, point 3).
            return c.user_id is not None and (author is None or c.user_id == author)

        def scan(comments: list[Any]) -> _Verdict | None:
            for c in comments:
                if not (in_window(c) and by_author(c)):
                    continue
                if same_comment_text(p["subject"], c.subject) and same_comment_text(
                    p["body"], c.body
                ):
                    return _Verdict(
                        LANDED, c.id, _as_json(c), "Verified: the comment is on the ticket."
                    )
                candidates.append(c)
            return None

        def settle() -> _Verdict:
            if not candidates:
                return _Verdict(
                    ABSENT,
                    note="Verified: you wrote no comment on the ticket since it was sent; "
                    "it did not arrive.",
                )
            return _Verdict(UNKNOWN, note=_side_by_side(p, candidates))

        for page in range(1, MAX_VERIFY_PAGES + 1):
            try:
                got = await self.client.ticket_comments(entry.intent.ticket_id, page=page)
            except E.NotFound:
                # Older tenants lack GET /tickets/{id}/comments; the detail lists them all.
                ticket = await self.client.get_ticket(entry.intent.ticket_id)
                return scan(ticket.comments) or settle()
            found = scan(got.comments)
            if found is not None:
                return found
            stamps = [_timestamp(c.created_at) for c in got.comments]
            newest_first = all(
                a is not None and b is not None and a >= b for a, b in zip(stamps, stamps[1:])
            )
            all_older = bool(stamps) and all(t is not None and t < since for t in stamps)
            if not got.has_more or (newest_first and all_older):
                return settle()
        return _Verdict(UNKNOWN, note="Too many comments to check; look at the ticket in Syncro.")

    async def _find_ticket(self, entry: OutboxEntry) -> _Verdict:
        """A ticket of that customer with that subject, created after the send (less skew).
        The list is newest-updated first, so paging stops once a page is older than that."""
        p, since, claimed = entry.intent.payload, self._since(entry), self._claimed(entry)
        for page in range(1, MAX_VERIFY_PAGES + 1):
            got = await self.client.list_tickets(
                customer_id=p["customer_id"],
                page=page,
                created_after=datetime.fromtimestamp(since, UTC),
            )
            for t in got.tickets:
                created = _timestamp(t.created_at)
                if (
                    t.id not in claimed
                    and created is not None
                    and created >= since
                    and _same_text(t.subject, p["subject"])
                ):
                    return _Verdict(
                        LANDED, t.id, _as_json(t), f"Verified: ticket #{t.number} was created."
                    )
            updated = [_timestamp(t.updated_at) for t in got.tickets]
            if not got.has_more or (updated and all(u is not None and u < since for u in updated)):
                return _Verdict(ABSENT, note="Verified: no such ticket was created.")
        return _Verdict(UNKNOWN, note="Too many tickets to check; look in Syncro.")

    def _find_line_item(self, entry: OutboxEntry, ticket: Any, before: dict | None) -> _Verdict:
        if before is None:
            return _without_snapshot(entry)
        p, claimed = entry.intent.payload, self._claimed(entry)
        quantity = _decimal(p["quantity"])
        for li in ticket.line_items:
            if (
                str(li.id) not in before["line_items"]
                and li.id not in claimed
                and _same_text(li.name, p["name"])
                and _same_text(li.description, p["description"])
                and _decimal(li.quantity) == quantity
            ):
                return _Verdict(
                    LANDED, li.id, _as_json(li), "Verified: the line item is on the ticket."
                )
        return _Verdict(ABSENT, note="Verified: the line item is not on the ticket.")

    @staticmethod
    def _check_line_item_update(ticket: Any, p: dict) -> _Verdict:
        li = next((x for x in ticket.line_items if x.id == p["ticket_line_item_id"]), None)
        if li is None:
            return _Verdict(ABSENT, note="The line item is no longer on the ticket.")
        same = (
            li.product_id == p["product_id"]
            and _same_text(li.name, p["name"])
            and _same_text(li.description, p["description"])
            and _decimal(li.quantity) == _decimal(p["quantity"])
        )
        return _Verdict(LANDED, li.id, _as_json(li)) if same else _Verdict(ABSENT)

    def _find_timer(self, entry: OutboxEntry, ticket: Any, before: dict | None) -> _Verdict:
        if before is None:
            return _without_snapshot(entry)
        p, claimed = entry.intent.payload, self._claimed(entry)
        start = _timestamp(p["start_at"])
        for t in ticket.ticket_timers:
            started = _timestamp(t.start_time)
            if (
                t.id not in before["timers"]
                and t.id not in claimed
                and started is not None
                and abs(started - start) < 1.0
                and _same_text(t.notes, p["notes"])
            ):
                return _Verdict(
                    LANDED, t.id, _as_json(t), "Verified: the timer entry is on the ticket."
                )
        return _Verdict(ABSENT, note="Verified: the timer entry is not on the ticket.")

    @staticmethod
    def _check_timer_change(kind: str, ticket: Any, timer_id: int) -> _Verdict:
        timer = next((t for t in ticket.ticket_timers if t.id == timer_id), None)
        if kind == W.DELETE_TIMER:
            if timer is None:
                return _Verdict(LANDED, note="Verified: the timer is gone.")
            return _Verdict(ABSENT, note="Verified: the timer is still there.")
        if timer is None:
            return _Verdict(
                UNKNOWN, note="The timer is no longer on the ticket; check it in Syncro."
            )
        if timer.recorded:
            return _Verdict(
                LANDED,
                timer.ticket_line_item_id,
                _as_json(timer),
                "Verified: the timer was charged.",
            )
        return _Verdict(ABSENT, note="Verified: the timer was not charged.")

    async def _find_invoice(self, entry: OutboxEntry, ticket: Any, before: dict | None) -> _Verdict:
        """GET /invoices?ticket_id=: an invoice of the ticket that was not there before
        sending (and that no other write accounts for) is this write's, by number. Several
        such invoices cannot be told apart (unknown); none is absent, unless the line items
        say otherwise. Tenants without the listing fall back to the line items."""
        if before is None:
            return _without_snapshot(entry)
        known = before.get("invoices")
        if known is not None:
            try:
                invoices = await self._ticket_invoices(entry.intent.ticket_id)
            except (E.NotFound, E.PermissionDenied):
                invoices = None
            if invoices is not None:
                return self._new_invoice(entry, ticket, before, invoices, set(known))
        return self._invoiced_lines(ticket, before)

    def _new_invoice(
        self, entry: OutboxEntry, ticket: Any, before: dict, invoices: list[Any], known: set[int]
    ) -> _Verdict:
        claimed = self._claimed(entry)
        new = [i for i in invoices if i.id not in known and i.id not in claimed]
        if len(new) == 1:
            invoice = new[0]
            return _Verdict(
                LANDED,
                invoice.id,
                _as_json(invoice),
                f"Verified: invoice #{invoice.number or invoice.id} was made from the ticket.",
            )
        if new:
            numbers = ", ".join(f"#{i.number or i.id}" for i in new)
            return _Verdict(
                UNKNOWN,
                note=f"The ticket has {len(new)} new invoices ({numbers}); which one this "
                "write made cannot be told: look in Syncro.",
            )
        lines = self._invoiced_lines(ticket, before)
        if lines.state == LANDED:  # the lines say invoiced, the listing shows none: unsure
            return _Verdict(
                UNKNOWN,
                note="No new invoice is listed for the ticket, but its line items are now "
                "invoiced; look for the invoice in Syncro.",
            )
        return _Verdict(ABSENT, note="Verified: no invoice was made from the ticket.")

    @staticmethod
    def _invoiced_lines(ticket: Any, before: dict) -> _Verdict:
        """The evidence without an invoice listing: "Make Invoice" marks the ticket's line
        items converted. A line that was not invoiced before sending and is now proves an
        invoice was made (which one, Syncro does not say here)."""
        flags = before["line_items"]
        if any(converted is None for converted in flags.values()):
            return _Verdict(
                UNKNOWN,
                note="Syncro does not say which line items are invoiced; "
                "look for the invoice in Syncro.",
            )
        waiting = {int(i) for i, converted in flags.items() if converted is False}
        if not waiting:
            return _Verdict(
                UNKNOWN,
                note="The ticket had no uninvoiced line items, so there is "
                "nothing to check by; look for the invoice in Syncro.",
            )
        now = {li.id: li.converted for li in ticket.line_items if li.id in waiting}
        if any(now.values()):
            return _Verdict(
                LANDED,
                note="Verified: the ticket's line items are now on an invoice "
                "(its number was lost with the reply; see the ticket in Syncro).",
            )
        if now and all(v is False for v in now.values()):
            return _Verdict(
                ABSENT, note="Verified: no invoice was made; the line items are not invoiced."
            )
        return _Verdict(
            UNKNOWN, note="Could not tell from the ticket; look for the invoice in Syncro."
        )

    # ------------------------------------------------------------------ recovery and resend

    async def recover(self) -> list[WriteOutcome]:
        """Verify every write a previous run left pending, sent or unknown. Runs once per
        instance before the first send; safe to call again (re-checks what is unknown).

        Entries of another syncro-tui process that is still running are left to it.
        """
        async with self._recover_lock:
            return await self._recover()

    async def _recover(self) -> list[WriteOutcome]:
        outcomes = []
        for row in self._journal.rows("state IN (?, ?, ?)", tuple(UNSETTLED)):
            in_flight_here = row["session"] == self._session and row["state"] != UNKNOWN
            elsewhere = row["owner_pid"] != self._pid and _pid_alive(row["owner_pid"])
            if in_flight_here or elsewhere:
                continue
            entry = self._entry(row)
            if entry.state != UNKNOWN:
                self._set(
                    entry.id,
                    state=UNKNOWN,
                    owner_pid=self._pid,
                    message="The app stopped before Syncro answered; checking.",
                )
            async with self._lock(entry.intent):
                outcomes.append(await self._verify(entry.id))
        self._recovered = True
        return outcomes

    async def _recover_once(self) -> None:
        async with self._recover_lock:
            recovered = self._recovered
        if not recovered:
            await self.recover()

    async def resend(self, entry_id: int) -> WriteOutcome:
        """Send a write verified absent once more (after the technician agreed).

        It is checked again first: if it turned up meanwhile it is marked landed instead.
        """
        self._writable()
        entry = self.entry(entry_id)
        if entry.state != ABSENT:
            raise ResendRefused(
                f"Write {entry_id} is {entry.state}; only a write verified "
                "absent can be sent again."
            )
        async with self._lock(entry.intent):
            outcome = await self._verify(entry_id)
            if outcome.state != ABSENT:
                return outcome
            self._journal.update(entry_id, session=self._session, owner_pid=self._pid)
            return await self._send(entry_id, entry.intent)

    # ------------------------------------------------------------------ runs (billing)

    def save_run(
        self,
        run_id: int | None,
        kind: str,
        ticket_id: int | None,
        data: dict[str, Any],
        *,
        finished: bool = False,
    ) -> int:
        """Create or update a multi-step run (e.g. billing) so it can resume after a restart."""
        text = json.dumps(data, ensure_ascii=False)
        return self._journal.save_run(run_id, kind, ticket_id, text, finished, self.clock())

    def load_run(self, run_id: int) -> dict[str, Any]:
        row = self._journal.run(run_id)
        if row is None:
            raise OutboxError(f"There is no run {run_id} in the journal.")
        return {
            "id": row["id"],
            "kind": row["kind"],
            "ticket_id": row["ticket_id"],
            "data": json.loads(row["data"]),
            "finished": bool(row["finished"]),
        }

    def unfinished_runs(self, kind: str) -> list[int]:
        return self._journal.unfinished_runs(kind)

    def run_entries(self, run_id: int) -> dict[int, OutboxEntry]:
        """The latest entry of each step of a run, by step number."""
        latest: dict[int, OutboxEntry] = {}
        for row in reversed(self._journal.rows("run_id = ?", (run_id,))):
            latest[row["run_step"]] = self._entry(row)
        return latest
