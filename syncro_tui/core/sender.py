"""The write sender: the one confirm / send / re-ask loop every write goes through.

Every front end (the TUI's forms, its write log, the command line) sends writes through a
``WriteSender``: it shows the exact requests and waits for consent, sends them one by one
through the ``Session`` (whose outbox journals each write and never re-sends blindly), and
when the outcome needs the technician it asks again:

* the same write was sent within the last day: "send it again?" (a second record);
* a write whose reply was lost and which a check found absent: "it did not arrive: send it
  again?" (the outbox checks once more right before sending);
* an outcome that stays unknown is never resent; the technician is told where to look.

No Textual here. The front end supplies ``Prompts``: ``confirm`` shows a preview and returns
True only on an explicit yes, ``ask_again`` asks "send it again?" the same way (its
``Confirmation.why`` says which question: ``REPEAT`` or ``ABSENT``), ``tell`` shows a
one-line message. The texts are the product's: front ends show them as they are. The TUI's
prompts are modals and toasts (ui/app.py ``AppPrompts``); the command line's ask on the
terminal or decline (cli/prompts.py).

``deliver`` returns a ``Sent`` (landed / absent / unknown / failed / refused / not_sent,
with the outbox's outcome: the record id of what was created); ``send_one`` reduces it to a
bool. ``run_billing`` runs a multi-step billing run with the same "send it again?" rule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from syncro_tui.core import writes as W

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.core.billing import BillingReport, BillingRun, StepProgress
    from syncro_tui.core.outbox import DuplicateWrite, OutboxEntry, WriteOutcome


@dataclass(frozen=True)
class Confirmation:
    """What the technician is asked to approve: every request, exactly as it will be sent."""

    title: str
    intents: tuple[W.WriteIntent, ...]
    attribution: str = ""  # core.writes.attribution: "Sent as Alex Rivera (user_id 101), ..."
    warnings: tuple[str, ...] = ()  # shown in red (emails, mismatched user, duplicates)
    notes: tuple[str, ...] = ()
    # Non-empty: the same text already landed; the preview then needs `y` and then `a`.
    repeat: str = ""
    # For ask_again: which question (REPEAT: a second copy of a write that landed today;
    # ABSENT: resend a write verified absent). Empty for a preview.
    why: str = ""


# Confirmation.why
REPEAT = "repeat"
ABSENT = "absent"

# Sent.state
LANDED = "landed"
UNKNOWN = "unknown"
FAILED = "failed"
REFUSED = "refused"  # not sent: it repeats an earlier write (``Sent.repeats``)
NOT_SENT = "not_sent"  # not sent: the journal could not be saved, or a resend was refused


@dataclass(frozen=True)
class Sent:
    """What one confirmed write came to.

    ``outcome``: the outbox's last word on it (None when nothing was journaled);
    ``repeats``: the earlier identical write a refusal points at; ``message``: why it was
    not sent (for ``NOT_SENT``)."""

    state: str
    intent: W.WriteIntent
    outcome: WriteOutcome | None = None
    repeats: OutboxEntry | None = None
    message: str = ""

    @property
    def landed(self) -> bool:
        return self.state == LANDED

    @property
    def record_id(self) -> int | None:
        """The id of the record Syncro created or changed (a new ticket's id, say)."""
        return self.outcome.record_id if self.outcome is not None else None


@dataclass(frozen=True)
class BillingSent:
    """What a billing run came to: its report, and the write a refused step repeats."""

    report: BillingReport
    repeats: DuplicateWrite | None = None


class Prompts(Protocol):
    """What a front end supplies: ask (preview, "send it again?") and tell."""

    async def confirm(self, request: Confirmation) -> bool: ...

    async def ask_again(self, request: Confirmation) -> bool: ...

    def tell(
        self, text: str, *, severity: str = "information", timeout: float | None = None
    ) -> None: ...


class WriteSession(Protocol):
    """The part of ``Session`` the sender uses."""

    async def submit(
        self,
        intent: W.WriteIntent,
        *,
        draft_key: tuple | None = None,
        allow_duplicate: bool = False,
    ) -> WriteOutcome: ...

    async def resend(self, entry_id: int) -> WriteOutcome: ...

    async def verify(self, entry_id: int) -> WriteOutcome: ...

    @property
    def writes_blocked(self) -> str: ...


def _no_attribution() -> tuple[str, str | None]:
    return "", None


class WriteSender:
    """Confirm, send, re-ask, report. ``landed(intent)`` runs after each write that reached
    Syncro (the TUI re-reads the ticket); ``created(ticket_id)`` after a new ticket reached
    it, with the new ticket's id; ``attribution()`` gives the line naming the key's owner and,
    when it is not who the config expects, a warning."""

    def __init__(
        self,
        session: WriteSession,
        prompts: Prompts,
        *,
        attribution: Callable[[], tuple[str, str | None]] = _no_attribution,
        landed: Callable[[W.WriteIntent], None] | None = None,
        created: Callable[[int], None] | None = None,
    ) -> None:
        self.session = session
        self.prompts = prompts
        self.attribution = attribution
        self.landed = landed
        self.created = created

    def confirmation(
        self,
        title: str,
        intents: Sequence[W.WriteIntent],
        *,
        warnings: Sequence[str] = (),
        notes: Sequence[str] = (),
        repeat: str = "",
    ) -> Confirmation:
        """The preview of ``intents`` with the attribution line (and its warning) added."""
        line, warning = self.attribution()
        return Confirmation(
            title,
            tuple(intents),
            attribution=line,
            warnings=tuple(warnings) + ((warning,) if warning else ()),
            notes=tuple(notes),
            repeat=repeat,
        )

    async def confirm(
        self,
        title: str,
        intents: Sequence[W.WriteIntent],
        *,
        warnings: Sequence[str] = (),
        notes: Sequence[str] = (),
        repeat: str = "",
    ) -> bool:
        """The preview alone: True on an explicit yes. Nothing is sent here."""
        if self._blocked():
            return False
        preview = self.confirmation(title, intents, warnings=warnings, notes=notes, repeat=repeat)
        return bool(await self.prompts.confirm(preview))

    async def send_confirmed(
        self,
        intents: Sequence[W.WriteIntent],
        *,
        draft_key: tuple | None = None,
        allow_duplicate: bool = False,
    ) -> bool:
        """Send writes the technician already confirmed, one by one, stopping at the first
        that did not land. ``allow_duplicate``: they already agreed to a second copy."""
        for intent in intents:
            if not await self.send_one(intent, draft_key, allow_duplicate=allow_duplicate):
                return False
        return True

    async def send(
        self,
        title: str,
        intents: Sequence[W.WriteIntent],
        *,
        warnings: Sequence[str] = (),
        notes: Sequence[str] = (),
        draft_key: tuple | None = None,
        repeat: str = "",
    ) -> bool:
        """Show every request, send on yes, report what happened.

        Returns True when every write reached Syncro. Stops at the first that did not.
        ``repeat``: the same text already landed (the preview asks `y` then `a`).
        """
        if self._blocked():
            return False
        if not await self.confirm(title, intents, warnings=warnings, notes=notes, repeat=repeat):
            self.prompts.tell("Nothing was sent." + (" Your draft is kept." if draft_key else ""))
            return False
        return await self.send_confirmed(intents, draft_key=draft_key, allow_duplicate=bool(repeat))

    async def send_one(
        self,
        intent: W.WriteIntent,
        draft_key: tuple | None = None,
        *,
        allow_duplicate: bool = False,
    ) -> bool:
        """One confirmed write: send it, and ask again where the outcome needs the technician.
        True when it reached Syncro."""
        sent = await self.deliver(intent, draft_key, allow_duplicate=allow_duplicate)
        return sent.landed

    async def deliver(
        self,
        intent: W.WriteIntent,
        draft_key: tuple | None = None,
        *,
        allow_duplicate: bool = False,
    ) -> Sent:
        """``send_one`` with the whole story: what the write came to (``Sent``)."""
        from syncro_tui.core.outbox import DuplicateWrite, JournalUnavailable

        tell = self.prompts.tell
        try:
            outcome = await self.session.submit(
                intent, draft_key=draft_key, allow_duplicate=allow_duplicate
            )
        except JournalUnavailable as exc:
            tell(f"Nothing was sent. {exc}", severity="error", timeout=30)
            return Sent(NOT_SENT, intent, message=f"Nothing was sent. {exc}")
        except DuplicateWrite as dup:
            if dup.entry.state == "absent":
                # The same write was verified absent (a resend declined earlier, say): it never
                # arrived, so this is no duplicate. Send that entry once more (the outbox checks
                # again first); the technician confirmed this very preview, so nothing is asked.
                resent = await self._resend_absent(dup.entry.id)
                if isinstance(resent, str):
                    return Sent(NOT_SENT, intent, message=resent)
                outcome = resent
            elif dup.unsettled:
                tell(
                    f"The same write is still being verified ({dup.entry.label}); "
                    "nothing was sent. See the write log (w).",
                    severity="warning",
                )
                return Sent(REFUSED, intent, repeats=dup.entry)
            else:
                again = await self.prompts.ask_again(
                    Confirmation(
                        "You sent exactly this within the last day. Send it again?",
                        (intent,),
                        warnings=(f"Already sent: {dup.entry.label} ({dup.entry.state}).",),
                        why=REPEAT,
                    )
                )
                if not again:
                    tell("Not sent again.")
                    return Sent(REFUSED, intent, repeats=dup.entry)
                try:
                    outcome = await self.session.submit(
                        intent, draft_key=draft_key, allow_duplicate=True
                    )
                except JournalUnavailable as exc:
                    tell(f"Nothing was sent. {exc}", severity="error", timeout=30)
                    return Sent(NOT_SENT, intent, message=f"Nothing was sent. {exc}")
        while True:
            if outcome.applied:
                tell(f"Done: {intent.label}")
                self._landed(intent, outcome)
                return Sent(LANDED, intent, outcome)
            if outcome.state == "absent":
                again = await self.prompts.ask_again(
                    Confirmation(
                        "It did not arrive: send it again?",
                        (intent,),
                        warnings=(
                            "Syncro did not confirm it, and a check found it absent: "
                            f"{outcome.message}",
                        ),
                        why=ABSENT,
                    )
                )
                if not again:
                    tell("Not resent. It stays in the write log (w).")
                    return Sent(ABSENT, intent, outcome)
                resent = await self._resend_absent(outcome.entry_id)
                if isinstance(resent, str):
                    return Sent(NOT_SENT, intent, outcome, message=resent)
                outcome = resent
                continue
            if outcome.state == "unknown":
                tell(
                    f"Outcome unknown for {intent.label}: {outcome.message} It was NOT resent; "
                    "it will be verified again (write log: w).",
                    severity="warning",
                    timeout=20,
                )
                return Sent(UNKNOWN, intent, outcome)
            tell(
                f"Failed: {intent.label}: {outcome.message}. Nothing was applied.",
                severity="error",
                timeout=15,
            )
            return Sent(FAILED, intent, outcome)

    async def run_billing(
        self,
        run: BillingRun,
        on_progress: Callable[[list[StepProgress]], None] | None = None,
        *,
        allow_duplicate: bool = False,
    ) -> BillingSent:
        """Run (or resume) a billing run until done or stopped. A step identical to a write
        that landed within the last day is sent only if the technician agrees (asked the
        same way as a single write) or ``allow_duplicate`` said so for the whole run (the
        command line's --again); otherwise the run stops there (``repeats`` says why)."""
        from syncro_tui.core.outbox import APPLIED, DuplicateWrite

        allow = allow_duplicate
        for _ in range(len(run.steps) + 1):  # each step at most once past the guard
            try:
                report = await run.execute(on_progress, allow_duplicate=allow)
            except DuplicateWrite as dup:
                if dup.entry.state in APPLIED and (
                    allow_duplicate
                    or await self.prompts.ask_again(
                        Confirmation(
                            "You sent exactly this within the last day. Send it again?",
                            (dup.entry.intent,),
                            warnings=(str(dup),),
                            why=REPEAT,
                        )
                    )
                ):
                    allow = True  # execute lets the first step it runs (this one) through
                    continue
                return BillingSent(run.report(), dup)
            return BillingSent(report)
        return BillingSent(run.report())

    async def _resend_absent(self, entry_id: int) -> WriteOutcome | str:
        """The outbox's resend, or why nothing was resent (told already)."""
        from syncro_tui.core.outbox import JournalUnavailable, OutboxError

        try:
            return await self.session.resend(entry_id)
        except JournalUnavailable as exc:
            text = f"Not resent. {exc}"
            self.prompts.tell(text, severity="error", timeout=30)
            return text
        except OutboxError as exc:  # its state changed meanwhile (verified landed, say)
            text = f"Not resent: {exc}"
            self.prompts.tell(text, severity="warning", timeout=15)
            return text

    def _blocked(self) -> bool:
        """The journal cannot be saved: say so before any preview (nothing could be sent)."""
        problem = getattr(self.session, "writes_blocked", "")
        if problem:
            self.prompts.tell(f"Nothing was sent. {problem}", severity="error", timeout=30)
        return bool(problem)

    async def resend_entry(self, entry: OutboxEntry) -> WriteOutcome | None:
        """The write log's `R`: the same preview as any write, then the outbox's resend
        (which checks once more first). None when nothing was sent."""
        from syncro_tui.core.outbox import OutboxError
        from syncro_tui.core.text import clean

        if self._blocked():
            return None
        intent = entry.intent
        warnings = [f"Verified absent: {clean(entry.message)}"]
        if W.emails_customer(intent):
            warnings.append("This will email the customer.")
        preview = self.confirmation(
            "Send this write again?",
            [intent],
            warnings=warnings,
            notes=[
                "It is checked once more just before sending: if it turned up meanwhile, "
                "nothing is sent."
            ],
        )
        if not await self.prompts.confirm(preview):
            self.prompts.tell("Not resent.")
            return None
        try:
            outcome = await self.session.resend(entry.id)
        except OutboxError as exc:
            self.prompts.tell(str(exc), severity="warning")
            return None
        if outcome.applied:
            self._landed(intent, outcome)
        return outcome

    async def verify_entry(self, entry_id: int) -> WriteOutcome:
        """Check again whether an unknown (or absent) write is in Syncro. Sends nothing."""
        return await self.session.verify(entry_id)

    def _landed(self, intent: W.WriteIntent, outcome: WriteOutcome) -> None:
        if self.landed is not None and intent.ticket_id:
            self.landed(intent)
        if self.created is not None and intent.kind == W.NEW_TICKET and outcome.record_id:
            self.created(outcome.record_id)
