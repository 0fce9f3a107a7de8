"""The technician's running timer, and the time on a ticket that is not billed yet.

A timer lives in a small JSON file in the data dir, rewritten atomically on every change,
so it survives quitting, crashes and restarts: start it, kill the terminal, start the app
again and the header still shows the ticket and the elapsed time. Stopping it does not
forget it either: the stopped span stays in the file ("unposted") until its timer entry
is confirmed in Syncro, so a crash between stop and post loses no time.

Charging a timer has a known quirk: Syncro makes the line item with the account's default
labor product whatever product the timer carries. ``product_fix`` reads the ticket back and,
when the product is wrong, returns the ``update_line_item`` intent that corrects it, for the
UI to preview and confirm. ``charge_and_fix`` chains the charge and that check for callers
that already have the technician's consent for the charge (the UI previews it first).

No Textual here.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from syncro_tui.core.drafts import read_json, write_json_atomically

if TYPE_CHECKING:  # imported where used: the TUI reads the running timer before the first
    # poll, and the write path (outbox, writes, billing: 35-60 ms) is not needed for that
    from syncro_tui.core import outbox as O
    from syncro_tui.core import writes as W


def _now() -> datetime:
    return datetime.now().astimezone()


def _aware(moment: datetime, what: str) -> datetime:
    if moment.tzinfo is None:
        raise ValueError(f"{what} must carry a time zone.")
    return moment


def format_elapsed(span: timedelta) -> str:
    """ "0:07", "1:05" (hours:minutes) for the header; never negative."""
    minutes = max(0, int(span.total_seconds() // 60))
    return f"{minutes // 60}:{minutes % 60:02d}"


@dataclass(frozen=True)
class RunningTimer:
    ticket_id: int
    ticket_number: str
    started_at: datetime

    def elapsed(self, now: datetime | None = None) -> timedelta:
        return (now or _now()) - self.started_at

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "ticket_number": self.ticket_number,
            "started_at": self.started_at.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> RunningTimer:
        return cls(
            int(data["ticket_id"]),
            str(data["ticket_number"]),
            datetime.fromisoformat(data["started_at"]),
        )


@dataclass(frozen=True)
class StoppedTimer:
    """A stopped span not yet posted as a timer entry."""

    ticket_id: int
    ticket_number: str
    start: datetime
    end: datetime

    @property
    def minutes(self) -> int:
        return int((self.end - self.start).total_seconds() // 60)

    def to_json(self) -> dict[str, Any]:
        return {
            "ticket_id": self.ticket_id,
            "ticket_number": self.ticket_number,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> StoppedTimer:
        return cls(
            int(data["ticket_id"]),
            str(data["ticket_number"]),
            datetime.fromisoformat(data["start"]),
            datetime.fromisoformat(data["end"]),
        )


class TimerError(Exception):
    """Starting a second timer or stopping none (the message is for the technician)."""


class TimerStore:
    """One technician's timer file (the UI keeps one per account and user).

    Every method reads the file afresh, so two syncro-tui windows agree on the timer.
    """

    def __init__(self, path: Path, *, clock: Callable[[], datetime] = _now) -> None:
        self.path = Path(path)
        self.clock = clock

    def _read(self) -> dict[str, Any]:
        data = read_json(self.path)
        if not isinstance(data, dict):
            data = {}
        return {"running": data.get("running"), "unposted": list(data.get("unposted") or [])}

    def _write(self, data: dict[str, Any]) -> None:
        write_json_atomically(self.path, data)

    def current(self) -> RunningTimer | None:
        running = self._read()["running"]
        return RunningTimer.from_json(running) if running else None

    def start(
        self, ticket_id: int, ticket_number: str, started_at: datetime | None = None
    ) -> RunningTimer:
        data = self._read()
        if data["running"]:
            other = RunningTimer.from_json(data["running"])
            raise TimerError(
                f"A timer is already running on #{other.ticket_number}; stop it first."
            )
        timer = RunningTimer(
            int(ticket_id), str(ticket_number), _aware(started_at or self.clock(), "The start")
        )
        data["running"] = timer.to_json()
        self._write(data)
        return timer

    def stop(self, ended_at: datetime | None = None) -> StoppedTimer:
        """Stop the running timer; the span is kept as unposted until ``posted()``."""
        data = self._read()
        if not data["running"]:
            raise TimerError("No timer is running.")
        running = RunningTimer.from_json(data["running"])
        end = _aware(ended_at or self.clock(), "The end")
        if end <= running.started_at:
            end = running.started_at + timedelta(minutes=1)  # a clock step backwards
        stopped = StoppedTimer(running.ticket_id, running.ticket_number, running.started_at, end)
        data["running"] = None
        data["unposted"].append(stopped.to_json())
        self._write(data)
        return stopped

    def unposted(self) -> list[StoppedTimer]:
        return [StoppedTimer.from_json(d) for d in self._read()["unposted"]]

    def amend(self, stopped: StoppedTimer, start: datetime, end: datetime) -> StoppedTimer:
        """Replace an unposted span by the corrected one (before it is posted), so every
        later look-up (resend, "already posted?") keys on what is actually sent."""
        amended = StoppedTimer(stopped.ticket_id, stopped.ticket_number, start, end)
        data = self._read()
        old = stopped.to_json()
        data["unposted"] = [amended.to_json() if d == old else d for d in data["unposted"]]
        if amended.to_json() not in data["unposted"]:
            data["unposted"].append(amended.to_json())
        self._write(data)
        return amended

    def posted(self, stopped: StoppedTimer) -> None:
        """Forget a stopped span once its timer entry is confirmed (or the technician
        chose to throw it away)."""
        data = self._read()
        data["unposted"] = [d for d in data["unposted"] if d != stopped.to_json()]
        self._write(data)


def timer_entry_intent(stopped: StoppedTimer, *, notes: str, product_id: int) -> W.WriteIntent:
    """The POST /tickets/{id}/timer_entry for a stopped span."""
    from syncro_tui.core import writes as W

    return W.timer_entry(
        stopped.ticket_id,
        start_at=stopped.start,
        end_at=stopped.end,
        notes=notes,
        product_id=product_id,
        number=stopped.ticket_number,
    )


# --------------------------------------------------------------------------- editing a span

MAX_SPAN = timedelta(hours=24)
TIME_HELP = "Type a time like 14:05, or a date and time like 2026-11-20 14:05."


def span_minutes(start: datetime, end: datetime) -> int:
    return int((end - start).total_seconds() // 60)


def parse_moment(text: str, reference: datetime) -> datetime:
    """ "14:05" (on ``reference``'s day) or "2026-11-20 14:05", in ``reference``'s zone."""
    raw = (text or "").strip()
    if not raw:
        raise ValueError(f"The time is required. {TIME_HELP}")
    zone = reference.tzinfo
    for fmt in ("%H:%M", "%H:%M:%S"):
        try:
            clock = datetime.strptime(raw, fmt)
        except ValueError:
            continue
        return reference.replace(
            hour=clock.hour, minute=clock.minute, second=clock.second, microsecond=0
        )
    for fmt in ("%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S", "%Y-%m-%dT%H:%M"):
        try:
            return datetime.strptime(raw, fmt).replace(tzinfo=zone)
        except ValueError:
            continue
    raise ValueError(f"{raw!r} is not a time. {TIME_HELP}")


def span_problems(start: datetime, end: datetime, now: datetime) -> list[str]:
    """What is wrong with a span about to be posted (empty when it may be posted)."""
    problems = []
    if end <= start:
        problems.append("The end must be after the start.")
    elif span_minutes(start, end) < 1:
        from syncro_tui.core.billing import TOO_SHORT

        problems.append(TOO_SHORT)
    if end > now or start > now:
        problems.append("The span cannot end in the future.")
    if end - start > MAX_SPAN:
        problems.append("A timer entry cannot be longer than 24 hours; split it or fix the times.")
    return problems


# --------------------------------------------------------------------------- unbilled time


def unrecorded_timers(ticket: Any) -> list[Any]:
    """The ticket's timers that were never charged (not on any line item)."""
    return [t for t in ticket.ticket_timers if not t.recorded]


def unbilled_minutes(ticket: Any) -> int:
    return sum(t.duration_minutes or 0 for t in unrecorded_timers(ticket))


def time_warnings(
    ticket: Any,
    running: RunningTimer | None,
    unposted: Sequence[StoppedTimer] = (),
    now: datetime | None = None,
) -> list[str]:
    """What to warn about before resolving or billing ``ticket``: empty when nothing."""
    warnings = []
    if running is not None and running.ticket_id == ticket.id:
        warnings.append(
            f"A timer is running on this ticket ({format_elapsed(running.elapsed(now))} "
            "so far): stop it first or that time will not be billed."
        )
    mine = [s for s in unposted if s.ticket_id == ticket.id]
    if mine:
        total = sum(s.minutes for s in mine)
        warnings.append(f"{total} minutes of stopped timer time were never posted to Syncro.")
    timers = unrecorded_timers(ticket)
    if timers:
        minutes = unbilled_minutes(ticket)
        warnings.append(
            f"{minutes} minutes of time not billed ({len(timers)} uncharged "
            f"timer{'s' if len(timers) != 1 else ''})."
        )
    return warnings


# --------------------------------------------------------------------------- charging


def product_fix(
    ticket: Any, line_item_id: int, *, product_id: int, product_name: str
) -> W.WriteIntent | None:
    """The update_line_item that puts the timer's labor product on the line Syncro made,
    or None when the product is already right. The quantity and description stay as
    Syncro set them; labor is not taxable."""
    item = next((li for li in ticket.line_items if li.id == line_item_id), None)
    if item is None:
        raise LookupError(f"Line item {line_item_id} is not on the ticket.")
    if item.product_id == product_id:
        return None
    from syncro_tui.core import writes as W

    return W.update_line_item(
        ticket.id,
        item.id,
        product_id=product_id,
        name=product_name,
        description=item.description or product_name,
        hours=item.quantity if item.quantity is not None else Decimal(0),
        taxable=False,
        number=str(getattr(ticket, "number", "") or "") or None,
    )


@dataclass(frozen=True)
class ChargeResult:
    outcome: O.WriteOutcome
    fix: W.WriteIntent | None  # to confirm and submit when Syncro chose the wrong product
    message: str


async def charge_and_fix(
    outbox: O.Outbox,
    ticket_id: int,
    timer_id: int,
    *,
    product_id: int,
    product_name: str,
    number: str | None = None,
) -> ChargeResult:
    """Charge a timer (through the outbox), then check the product of the line item it
    made. Returns the correcting intent instead of sending it: the UI shows it first."""
    from syncro_tui.core import writes as W

    outcome = await outbox.submit(W.charge_timer(ticket_id, timer_id, number=number))
    if not outcome.applied:
        return ChargeResult(outcome, None, outcome.message)
    ticket = await outbox.client.get_ticket(ticket_id)
    line_item_id = outcome.record_id
    if line_item_id is None:
        timer = next((t for t in ticket.ticket_timers if t.id == timer_id), None)
        line_item_id = timer.ticket_line_item_id if timer is not None else None
    if line_item_id is None:
        return ChargeResult(
            outcome,
            None,
            "Charged, but Syncro did not say which line item it "
            "made; check its product on the ticket.",
        )
    fix = product_fix(ticket, line_item_id, product_id=product_id, product_name=product_name)
    if fix is None:
        return ChargeResult(outcome, None, f"Charged as {product_name}.")
    return ChargeResult(
        outcome,
        fix,
        f"Syncro charged it with another product; correct the line item to {product_name}?",
    )
