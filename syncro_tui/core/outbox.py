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
from pathlib import Path
from typing import Any

from syncro_tui.api import errors as E
from syncro_tui.core import verification as V
from syncro_tui.core import writes as W
from syncro_tui.core.drafts import DraftLink, Drafts
from syncro_tui.core.journal import Connect, Journal, JournalUnavailable, OutboxError
from syncro_tui.core.kinds import kind_of
from syncro_tui.core.write_client import WriteClient

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
MAX_VERIFY_PAGES = V.MAX_VERIFY_PAGES

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


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class Outbox:
    """The write journal and the only path by which syncro-tui changes Syncro.

    ``client`` is a ``core.write_client.WriteClient`` (the ``SyncroClient``). ``drafts``, when given, lets a write carry a
    ``DraftLink`` whose draft is deleted once the write is confirmed or verified landed.
    ``sleep`` and ``settle_seconds`` exist so tests need not wait.
    """

    def __init__(
        self,
        path: Path,
        client: WriteClient,
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
        kind_of(intent)  # an unknown kind is refused before anything is journaled
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
        kind = kind_of(intent)
        try:
            if kind.snapshot is not None:
                try:
                    before = await kind.snapshot(self.client, intent)
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
            result = await kind.send(self.client, intent)
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
            result=V.as_json(result),
            record_id=kind.record_id(result),
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
        before = json.loads(row["before"]) if row is not None and row["before"] else None
        check = V.Check(
            self.client,
            entry.intent,
            sent_at=entry.sent_at,
            since=self._since(entry),
            claimed=self._claimed(entry),
            before=before,
            author=self._author_id,
        )
        try:
            verdict = await kind_of(entry.intent).verify(check)
        except Exception as exc:
            verdict = V.Verdict(
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

    async def _author_id(self) -> int | None:
        """The user the key belongs to (every write is attributed to them): set by the session
        once GET /me is known, else asked for here, once."""
        if self.author_id is None:
            me = await self.client.me()
            self.author_id = getattr(me, "user_id", None)
        return self.author_id

    def _claimed(self, entry: OutboxEntry) -> set[int]:
        """Record ids other entries of the same kind already account for."""
        return self._journal.claimed(entry.intent.kind, entry.id, APPLIED)

    def _since(self, entry: OutboxEntry) -> float:
        return (entry.sent_at or entry.created_at) - self.verify_margin

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
