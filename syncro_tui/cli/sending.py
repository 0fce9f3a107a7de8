"""Send a confirmed plan through the core write sender and say what happened, as an exit code.

This is the command line's and the agent server's only way to write: the TUI's
``core.sender.WriteSender`` (consent, send once through the Session's outbox, "send it
again?" only where a person decides) with the command line's prompts (cli/prompts.py). The
outbox journals each write before it is sent, verifies an unclear outcome with GETs at once
and never re-sends on its own; billing is ``core.billing.BillingRun`` run by the sender.
There is no second journal, loop or verification here: only the repeat check below, which
reads the same journal before anything is previewed, and the words and exit codes.

A repeat: the same kind of write on the same ticket with the same payload, in this
account's journal from the last 24 hours, that landed or whose outcome is unknown (or is
still in flight). Agents retrying a whole command is how the runbook's duplicates happened,
so it is refused (code 7) unless the caller says ``again``. A repeat of a write verified
absent is refused too: that one is resent with `syncro-tui writes resend ID`, which checks
once more first.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from syncro_tui.cli import exitcodes
from syncro_tui.cli.plans import Plan
from syncro_tui.core import outbox as O
from syncro_tui.core import sender as S
from syncro_tui.core import writes as W

WINDOW = O.DUPLICATE_WINDOW  # 24 hours
REPEAT_STATES = O.APPLIED | O.UNSETTLED | {O.ABSENT}

# The words scripts see for an outbox state.
WORDS = {
    O.CONFIRMED: "landed",
    O.LANDED: "landed",
    O.ABSENT: "absent",
    O.UNKNOWN: "unknown",
    O.PENDING: "unknown",
    O.SENT: "unknown",
    O.FAILED: "failed",
}
CODES = {
    "landed": exitcodes.OK,
    "absent": exitcodes.ABSENT,
    "unknown": exitcodes.UNKNOWN,
    "failed": exitcodes.ERROR,
    "refused": exitcodes.REPEAT,
}


@dataclass
class Result:
    """What a send did. ``state``: landed / absent / unknown / failed / refused."""

    state: str
    message: str
    entry_id: int | None = None
    record_id: int | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)
    next_command: str | None = None

    @property
    def code(self) -> int:
        return CODES[self.state]

    def to_json(self) -> dict[str, Any]:
        return {
            "outcome": self.state,
            "exit_code": self.code,
            "message": self.message,
            "entry_id": self.entry_id,
            "record_id": self.record_id,
            "steps": self.steps,
            "next_command": self.next_command,
        }


def _when(entry: O.OutboxEntry) -> str:
    return time.strftime("%Y-%m-%d %H:%M", time.localtime(entry.updated_at))


def same_write(a: W.WriteIntent, b: W.WriteIntent) -> bool:
    """Same kind, ticket and payload (for a POST also the outbox's own fingerprint)."""
    if a.kind != b.kind or a.ticket_id != b.ticket_id:
        return False
    if a.method == "POST" and a.fingerprint == b.fingerprint:
        return True
    return a.path == b.path and a.payload == b.payload


def find_repeat(
    session: Any, intents: list[W.WriteIntent], now: float | None = None
) -> tuple[W.WriteIntent, O.OutboxEntry] | None:
    """The first intent that repeats a journal entry of the last 24 hours, and that entry."""
    now = time.time() if now is None else now
    recent = [e for e in session.writes(since=now - WINDOW) if e.state in REPEAT_STATES]
    for intent in intents:
        for entry in recent:
            if same_write(intent, entry.intent):
                return intent, entry
    return None


def refusal(intent: W.WriteIntent, entry: O.OutboxEntry) -> Result:
    """Code 7, saying which earlier write it repeats, its state and when."""
    word = WORDS.get(entry.state, entry.state)
    record = f", record {entry.record_id}" if entry.record_id else ""
    if word == "landed":
        text = (
            f"Refused: this repeats write {entry.id} ({entry.label}), which landed in Syncro "
            f"at {_when(entry)}{record}. Sending it again would create a second copy. "
            "If a second one is really wanted, run the command again with --again."
        )
        hint = None
    elif word == "absent":
        text = (
            f"Refused: this repeats write {entry.id} ({entry.label}), verified NOT in Syncro at "
            f"{_when(entry)}. Resend that one (it is checked once more first): "
            f"syncro-tui writes resend {entry.id}"
        )
        hint = f"syncro-tui writes resend {entry.id}"
    else:
        text = (
            f"Refused: this repeats write {entry.id} ({entry.label}), whose outcome is still "
            f"unknown (since {_when(entry)}): it may be in Syncro already. Check it with "
            f"`syncro-tui writes verify {entry.id}` or look at the ticket; do not send it again "
            "until it is known. --again sends a second one anyway."
        )
        hint = f"syncro-tui writes verify {entry.id}"
    return Result("refused", text, entry.id, entry.record_id, next_command=hint)


def _from_outcome(intent: W.WriteIntent, outcome: O.WriteOutcome) -> Result:
    word = WORDS.get(outcome.state, outcome.state)
    if word == "landed":
        record = f" (record id {outcome.record_id})" if outcome.record_id else ""
        how = "Syncro confirmed it" if outcome.state == O.CONFIRMED else outcome.message
        return Result(
            "landed",
            f"Landed: {intent.label}{record}. {how}".strip(),
            outcome.entry_id,
            outcome.record_id,
        )
    if word == "absent":
        return Result(
            "absent",
            f"Absent: {intent.label}. Syncro gave no clear answer and a check found it NOT in "
            f"Syncro ({outcome.message}). It was not resent. To send it again: "
            f"syncro-tui writes resend {outcome.entry_id}",
            outcome.entry_id,
            next_command=f"syncro-tui writes resend {outcome.entry_id}",
        )
    if word == "unknown":
        return Result(
            "unknown",
            f"Unknown: {intent.label}. Syncro gave no clear answer and it could not be verified "
            f"({outcome.message}). It was NOT resent: it may be in Syncro. Check later with "
            f"`syncro-tui writes verify {outcome.entry_id}`; do not send it again.",
            outcome.entry_id,
            next_command=f"syncro-tui writes verify {outcome.entry_id}",
        )
    return Result(
        "failed",
        f"Failed: {intent.label}: {outcome.message} Nothing was applied.",
        outcome.entry_id,
    )


def sender_for(session: Any, plan: Plan, prompts: S.Prompts) -> S.WriteSender:
    """The core write sender for ``plan``: its preview names who it is attributed to."""
    return S.WriteSender(session, prompts, attribution=lambda: (plan.attribution, None))


async def send(
    session: Any, plan: Plan, *, again: bool = False, sender: S.WriteSender | None = None
) -> Result:
    """Send ``plan`` (already confirmed). The caller ran ``find_repeat`` before asking.
    Without ``sender``: unattended (the agent server), nothing more is asked."""
    if sender is None:
        from syncro_tui.cli.prompts import Unattended

        sender = sender_for(session, plan, Unattended())
    if plan.kind == "bill":
        return await _bill(session, sender, plan, again)
    intent = plan.intents[0]
    sent = await sender.deliver(intent, allow_duplicate=again)
    if sent.state == S.REFUSED and sent.repeats is not None:
        # the outbox's own guard (another process just sent it, say)
        return refusal(intent, sent.repeats)
    if sent.outcome is None or sent.state == S.NOT_SENT:
        return Result("failed", sent.message or "Nothing was sent.", _entry_id(sent))
    return _from_outcome(intent, sent.outcome)


def _entry_id(sent: S.Sent) -> int | None:
    return sent.outcome.entry_id if sent.outcome is not None else None


async def _bill(session: Any, sender: S.WriteSender, plan: Plan, again: bool) -> Result:
    from syncro_tui.core import billing as B

    if plan.resume_run is not None:
        run = session.billing_run(plan.resume_run)
    else:
        run = session.start_billing(plan.billing, plan.billing_ticket)
    done = await sender.run_billing(run, allow_duplicate=again)
    report = done.report
    if done.repeats is not None:
        dup = done.repeats
        result = refusal(dup.entry.intent, dup.entry)
        result.steps = _steps(run)
        result.message += f" Billing stopped: {run.report().message}"
        return result
    steps = _steps(run)
    if report.finished:
        return Result(
            "landed", report.message, steps=steps, record_id=run.record_id(B.INVOICE_STEP)
        )
    stopped = next((p for p in report.steps if p.state == B.STOPPED), None)
    word = WORDS.get(stopped.entry_state or "", "failed") if stopped else "failed"
    if word == "landed":  # a read-back check failed
        word = "failed"
    again_hint = None
    text = report.message
    if word == "absent":
        text += (
            " Nothing was resent. To send the rest (steps that landed are not sent again), "
            "run the same `syncro-tui bill` command again."
        )
    elif word == "unknown" and stopped is not None:
        entry = session.billing_writes(run.run_id).get(stopped.number)
        again_hint = f"syncro-tui writes verify {entry.id}" if entry else None
        text += " It was NOT resent: it may be in Syncro. " + (
            f"Check it with `{again_hint}` before billing again." if again_hint else ""
        )
    return Result(word, text, steps=steps, next_command=again_hint)


def _steps(run: Any) -> list[dict[str, Any]]:
    return [
        {
            "step": p.number,
            "title": p.title,
            "state": p.state,
            "outcome": WORDS.get(p.entry_state or "", None) if p.entry_state else None,
            "record_id": p.record_id,
            "message": p.message,
        }
        for p in run.progress()
    ]
