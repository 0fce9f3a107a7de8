"""Billing a ticket: minutes in, a checked plan out, and a run that never repeats a step.

The runbook's billing is eight careful curl calls: a resolution comment, a line item in
decimal hours, an invoice, a look at the invoice to see the time arrived, and the status
"Invoiced". Here that is a ``BillingRequest`` (validated: minutes and labor type are always
asked, never defaulted), a ``plan`` the preview shows step by step with each payload, and
a ``BillingRun`` that executes the plan through the outbox.

A run stops at the first step that does not land and says what landed and what did not.
``resume()`` continues from there; a landed step is never sent again. The run's progress
lives in the outbox journal (each step's write carries the run id and step number), so a
resume works after a crash or a restart too.

No Textual here.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from syncro_tui.api import errors as E
from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W

MIN_MINUTES = 1
MAX_MINUTES = 1440  # one day: more than that in one line is a typo
INVOICED = "Invoiced"
MINUTES_HELP = "Enter minutes like 45, 90m, 2h, 1h30m or 1:30."
TOO_SHORT = "Bill at least 1 minute."  # also the rule for posting a timer

_DIGITS = re.compile(r"^\d+$")
_CLOCK = re.compile(r"^(\d+):(\d{2})$")
_UNITS = re.compile(r"^(?:(\d+)\s*h(?:ours?|rs?)?)?\s*(?:(\d+)\s*m(?:in(?:ute)?s?)?)?$")


def parse_minutes(text: str | int) -> int:
    """ "45", "90m", "2h", "1h30m", "1h 30m", "1:30" -> minutes (1..1440).

    ValueError says what is wrong in words a technician can act on.
    """
    if isinstance(text, bool):
        raise ValueError(MINUTES_HELP)
    raw = str(text).strip()
    spoken = raw.lower()
    if not spoken:
        raise ValueError(f"The minutes are required. {MINUTES_HELP}")
    if spoken.startswith("-"):
        raise ValueError(f"Minutes cannot be negative (got {raw}).")
    if _DIGITS.match(spoken):
        minutes = int(spoken)
    elif match := _CLOCK.match(spoken):
        hours, part = int(match.group(1)), int(match.group(2))
        if part >= 60:
            raise ValueError(f"In {raw} the minutes after the colon must be under 60.")
        minutes = hours * 60 + part
    elif (match := _UNITS.match(spoken)) and (match.group(1) or match.group(2)):
        hours, part = int(match.group(1) or 0), int(match.group(2) or 0)
        if match.group(1) and part >= 60:
            raise ValueError(f"In {raw} the minutes part must be under 60 when hours are given.")
        minutes = hours * 60 + part
    else:
        raise ValueError(f"{raw!r} is not a time. {MINUTES_HELP}")
    if minutes < MIN_MINUTES:
        raise ValueError(TOO_SHORT)
    if minutes > MAX_MINUTES:
        raise ValueError(
            f"At most {MAX_MINUTES} minutes (24 hours) can be billed at once; got {minutes}."
        )
    return minutes


def line_price(hours: Decimal, rate: Any) -> Decimal | None:
    """What the line item will cost at the product's rate (None when it has no rate)."""
    if rate is None:
        return None
    try:
        rate = Decimal(str(rate))
    except ArithmeticError:
        return None
    return (hours * rate).quantize(Decimal("0.01"), ROUND_HALF_UP)


def prepay_after(before: Any, hours: Decimal) -> Decimal | None:
    """The prepaid-hours balance expected after billing ``hours`` of labor that draws the
    block down (it may go below zero: Syncro then bills the rest). None when unknown."""
    if before is None or before == "":
        return None
    try:
        return Decimal(str(before)) - hours
    except ArithmeticError:
        return None


def minutes_to_hours(minutes: int) -> Decimal:
    """Decimal hours, two places, half up: 45 -> 0.75, 50 -> 0.83, 90 -> 1.50."""
    return (Decimal(minutes) / Decimal(60)).quantize(Decimal("0.01"), ROUND_HALF_UP)


class BillingInputError(ValueError):
    """Everything wrong with a billing form at once (``problems``), for the modal."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__(" ".join(problems))


@dataclass(frozen=True)
class BillingRequest:
    """What the billing modal collected. Labor has no default: the runbook's rule is to
    always ask for minutes and labor type."""

    minutes: int
    labor_key: str
    product_id: int | None
    product_name: str
    description: str
    comment_body: str
    create_invoice: bool
    visibility: str = "internal"
    comment_subject: str = "Resolution"
    # The customer's prepaid-hours balance when the preview was shown (a decimal string),
    # so the check after the invoice can say whether it dropped; None when Syncro has none.
    prepay_before: str | None = None

    def __post_init__(self) -> None:
        problems = []
        if (
            isinstance(self.minutes, bool)
            or not isinstance(self.minutes, int)
            or not MIN_MINUTES <= self.minutes <= MAX_MINUTES
        ):
            problems.append(f"Minutes must be a whole number from {MIN_MINUTES} to {MAX_MINUTES}.")
        if not self.labor_key.strip() or not self.product_id or not self.product_name.strip():
            problems.append("Choose the labor type: there is no default.")
        if not self.description.strip():
            problems.append("The line item description is required.")
        if not self.comment_subject.strip():
            problems.append("The resolution comment needs a subject.")
        if not self.comment_body.strip():
            problems.append("The resolution comment is empty.")
        if self.visibility not in W.VISIBILITIES:
            problems.append(f"Visibility must be one of {', '.join(W.VISIBILITIES)}.")
        if problems:
            raise BillingInputError(problems)

    @property
    def hours(self) -> Decimal:
        return minutes_to_hours(self.minutes)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class TicketRef:
    """The three facts about the ticket that billing needs."""

    id: int
    number: str
    customer_id: int

    @classmethod
    def of(cls, ticket: Any) -> TicketRef:
        """From a TicketDetail, Ticket or TicketRow."""
        if not getattr(ticket, "customer_id", None):
            raise ValueError("The ticket has no customer, so it cannot be invoiced.")
        return cls(int(ticket.id), str(ticket.number), int(ticket.customer_id))


# Step numbers (the preview's numbering).
COMMENT_STEP, LINE_ITEM_STEP, INVOICE_STEP, CHECK_STEP, STATUS_STEP = 1, 2, 3, 4, 5


@dataclass(frozen=True)
class PlanStep:
    """One numbered step. Write steps carry their intent (the preview shows its JSON);
    the check step is a read whose invoice id comes from step 3's result."""

    number: int
    title: str
    intent: W.WriteIntent | None
    endpoint: str

    @property
    def is_write(self) -> bool:
        return self.intent is not None


def plan(request: BillingRequest, ticket: Any) -> list[PlanStep]:
    """The steps, in order: comment, line item, and when invoicing: invoice, check the
    invoice holds the line item, status Invoiced."""
    t = TicketRef.of(ticket)
    if request.product_id is None:  # BillingRequest refuses this already; said for the types
        raise BillingInputError(["Choose the labor type: there is no default."])
    comment = W.comment(
        t.id, request.comment_subject, request.comment_body, request.visibility, number=t.number
    )
    item = W.line_item(
        t.id,
        product_id=request.product_id,
        product_name=request.product_name,
        description=request.description,
        hours=request.hours,
        number=t.number,
    )
    steps = [
        PlanStep(COMMENT_STEP, "Post the resolution comment", comment, comment.endpoint),
        PlanStep(
            LINE_ITEM_STEP, f"Add {request.hours} h of {request.product_name}", item, item.endpoint
        ),
    ]
    if request.create_invoice:
        invoice = W.invoice(t.id, t.customer_id, number=t.number)
        status = W.update_ticket(t.id, {"status": INVOICED}, number=t.number)
        steps += [
            PlanStep(INVOICE_STEP, "Create the invoice", invoice, invoice.endpoint),
            PlanStep(
                CHECK_STEP,
                "Check the invoice holds the line item",
                None,
                "GET /invoices/{id of the invoice from step 3}",
            ),
            PlanStep(STATUS_STEP, f"Set the ticket status to {INVOICED}", status, status.endpoint),
        ]
    return steps


# What a step's progress can be.
TODO = "todo"  # not started
DONE = "done"  # landed (write) or checked (read)
STOPPED = "stopped"  # failed, unknown or absent: the run stopped here


@dataclass(frozen=True)
class StepProgress:
    number: int
    title: str
    state: str  # TODO, DONE or STOPPED
    record_id: int | None = None  # comment / line item / invoice id once done
    entry_state: str | None = None  # the outbox state of the step's latest write
    message: str = ""


@dataclass
class BillingReport:
    finished: bool
    steps: list[StepProgress] = field(default_factory=list)
    message: str = ""


class BillingRun:
    """Executes a billing plan through the outbox, one step at a time.

    ``BillingRun.start(outbox, request, ticket)`` records the run; ``execute()`` runs it
    until done or until a step does not land; ``resume()`` continues from that step. A
    step whose write is verified absent is sent again only by ``resume()`` (the technician
    was shown that it did not arrive and chose to resume). After a restart,
    ``BillingRun.unfinished(outbox)`` lists runs and ``BillingRun.load`` brings one back.
    """

    KIND = "billing"

    def __init__(
        self,
        outbox: O.Outbox,
        run_id: int,
        request: BillingRequest,
        ticket: TicketRef,
        checks: dict[str, Any],
    ) -> None:
        self.outbox = outbox
        self.run_id = run_id
        self.request = request
        self.ticket = ticket
        self._checks = checks  # step number (str) -> {"ok": bool, "message": str}
        self.steps = plan(request, ticket)

    @classmethod
    def start(cls, outbox: O.Outbox, request: BillingRequest, ticket: Any) -> BillingRun:
        ref = TicketRef.of(ticket)
        run_id = outbox.save_run(None, cls.KIND, ref.id, cls._data(request, ref, {}))
        return cls(outbox, run_id, request, ref, {})

    @classmethod
    def load(cls, outbox: O.Outbox, run_id: int) -> BillingRun:
        stored = outbox.load_run(run_id)
        data = stored["data"]
        return cls(
            outbox,
            run_id,
            BillingRequest(**data["request"]),
            TicketRef(**data["ticket"]),
            data["checks"],
        )

    @classmethod
    def unfinished(cls, outbox: O.Outbox) -> list[int]:
        return outbox.unfinished_runs(cls.KIND)

    @staticmethod
    def _data(request: BillingRequest, ticket: TicketRef, checks: dict) -> dict[str, Any]:
        return {"request": request.to_dict(), "ticket": asdict(ticket), "checks": checks}

    def _save(self, finished: bool = False) -> None:
        self.outbox.save_run(
            self.run_id,
            self.KIND,
            self.ticket.id,
            self._data(self.request, self.ticket, self._checks),
            finished=finished,
        )

    # ------------------------------------------------------------------ progress

    def progress(self) -> list[StepProgress]:
        entries = self.outbox.run_entries(self.run_id)
        out = []
        for step in self.steps:
            if step.is_write:
                entry = entries.get(step.number)
                if entry is None:
                    out.append(StepProgress(step.number, step.title, TODO))
                elif entry.state in O.APPLIED:
                    out.append(
                        StepProgress(
                            step.number,
                            step.title,
                            DONE,
                            entry.record_id,
                            entry.state,
                            entry.message,
                        )
                    )
                else:
                    out.append(
                        StepProgress(
                            step.number, step.title, STOPPED, None, entry.state, entry.message
                        )
                    )
            else:
                check = self._checks.get(str(step.number))
                if check is None:
                    out.append(StepProgress(step.number, step.title, TODO))
                else:
                    out.append(
                        StepProgress(
                            step.number,
                            step.title,
                            DONE if check["ok"] else STOPPED,
                            message=check["message"],
                        )
                    )
        return out

    def record_id(self, step: int) -> int | None:
        """The id a done step produced (1 comment, 2 line item, 3 invoice)."""
        return next((p.record_id for p in self.progress() if p.number == step), None)

    def report(self) -> BillingReport:
        steps = self.progress()
        if all(p.state == DONE for p in steps):
            return BillingReport(True, steps, "Billing complete: " + _landed(steps) + ".")
        stopped = next((p for p in steps if p.state == STOPPED), None)
        parts = []
        if stopped is not None:
            parts.append(f"Stopped at step {stopped.number} ({stopped.title}): {stopped.message}")
        landed = _landed(steps)
        parts.append(f"Landed: {landed}." if landed else "Nothing landed.")
        left = [str(p.number) for p in steps if p.state != DONE]
        parts.append(f"Not done: step{'s' if len(left) > 1 else ''} {', '.join(left)}.")
        if stopped is not None and stopped.entry_state == O.ABSENT:
            parts.append(f"Step {stopped.number} did not reach Syncro; resuming sends it again.")
        return BillingReport(False, steps, " ".join(parts))

    # ------------------------------------------------------------------ running

    async def execute(
        self,
        on_progress: Callable[[list[StepProgress]], None] | None = None,
        *,
        allow_duplicate: bool = False,
    ) -> BillingReport:
        """Run every step not yet done, in order; stop at the first that does not land.

        ``allow_duplicate`` lets the first step that is run send a write identical to one
        that landed earlier today (the technician confirmed it is not a duplicate).
        """
        for step in self.steps:
            done = next(p for p in self.progress() if p.number == step.number).state == DONE
            if done:
                continue
            if on_progress is not None:
                on_progress(self.progress())
            if step.is_write:
                ok = await self._write(step, allow_duplicate)
            else:
                ok = await self._check_invoice(step)
            allow_duplicate = False
            if on_progress is not None:
                on_progress(self.progress())
            if not ok:
                return self.report()
        self._save(finished=True)
        return self.report()

    resume = execute

    def abandon(self) -> None:
        """The technician gives up on the rest (e.g. will finish in Syncro's web UI): the
        run stops being offered for resume. What landed stays landed."""
        self._save(finished=True)

    async def _write(self, step: PlanStep, allow_duplicate: bool) -> bool:
        """Send, check or resend the step's write. ``DuplicateWrite`` propagates: the UI
        asks whether it really is a second, separate charge and resumes accordingly."""
        entry = self.outbox.run_entries(self.run_id).get(step.number)
        if entry is not None and entry.state == O.UNKNOWN:
            outcome = await self.outbox.verify(entry.id)
        elif entry is not None and entry.state == O.ABSENT:
            outcome = await self.outbox.resend(entry.id)
        elif entry is not None and entry.state in (O.PENDING, O.SENT):
            return False  # still in flight in another process; its progress says so
        elif step.intent is None:  # execute() sends only write steps here
            raise ValueError(f"step {step.number} ({step.title}) has no write to send")
        else:
            outcome = await self.outbox.submit(
                step.intent,
                allow_duplicate=allow_duplicate,
                run_id=self.run_id,
                run_step=step.number,
            )
        return outcome.applied

    async def _check_invoice(self, step: PlanStep) -> bool:
        """Syncro's invoice response has no line items, so read the invoice back and look
        for the line added in step 2 (by quantity and name/description)."""
        invoice_id = self.record_id(INVOICE_STEP)
        line_item_id = self.record_id(LINE_ITEM_STEP)
        try:
            if invoice_id is None:
                ok, message = await self._check_on_ticket(line_item_id)
            else:
                ok, message = await self._check_on_invoice(invoice_id)
        except E.SyncroError as exc:
            ok, message = False, f"Could not read it back: {exc}"
        if ok and self.request.prepay_before is not None:
            message += " " + await self._prepay_message()
        self._checks[str(step.number)] = {"ok": ok, "message": message}
        self._save()
        return ok

    async def _prepay_message(self) -> str:
        """Read the customer back: did the prepaid hours drop by the billed time?"""
        before = Decimal(str(self.request.prepay_before))
        try:
            customer = await self.outbox.client.customer(self.ticket.customer_id)
        except E.SyncroError as exc:
            return f"Prepaid hours: could not read the balance back ({exc})."
        now = getattr(customer, "prepay_hours", None)
        if now is None:
            return "Prepaid hours: Syncro no longer reports a balance."
        now = Decimal(str(now))
        if now < before:
            return f"Prepaid hours: {before} before, {now} now (dropped by {before - now})."
        return (
            f"Prepaid hours: still {now} (was {before}): this labor did not draw the block "
            "down; check the product in Syncro."
        )

    async def _check_on_invoice(self, invoice_id: int) -> tuple[bool, str]:
        invoice = await self.outbox.client.invoice(invoice_id)
        r = self.request
        for line in invoice.line_items:
            names = {(line.item or "").strip(), (line.name or "").strip()}
            if line.quantity == r.hours and (
                r.product_name.strip() in names or r.description.strip() in names
            ):
                total = f"; its total is {invoice.total}" if invoice.total is not None else ""
                return True, f"Invoice #{invoice.number} holds {r.hours} h {r.product_name}{total}."
        return False, (
            f"Invoice #{invoice.number} does not hold the {r.hours} h "
            f"{r.product_name} line. Check the invoice in Syncro before marking "
            f"the ticket {INVOICED}."
        )

    async def _check_on_ticket(self, line_item_id: int | None) -> tuple[bool, str]:
        """The invoice's id was lost with its reply: the ticket's line item shows whether
        it went onto an invoice (``converted``), which is the part that matters here."""
        ticket = await self.outbox.client.get_ticket(self.ticket.id)
        item = next((li for li in ticket.line_items if li.id == line_item_id), None)
        if item is not None and item.converted:
            return True, (
                f"The {self.request.hours} h line item is on an invoice (checked on the "
                "ticket: the invoice number was lost with Syncro's reply)."
            )
        return False, (
            "Could not confirm the line item is on the invoice; check the ticket's "
            f"invoice in Syncro before marking it {INVOICED}."
        )


def _landed(steps: list[StepProgress]) -> str:
    """ "1 comment (id 5), 2 line item (id 9), ..." for the steps that are done."""
    names = {
        COMMENT_STEP: "comment",
        LINE_ITEM_STEP: "line item",
        INVOICE_STEP: "invoice",
        CHECK_STEP: "invoice checked",
        STATUS_STEP: f"status {INVOICED}",
    }
    done = []
    for p in steps:
        if p.state == DONE:
            record = f" (id {p.record_id})" if p.record_id and p.number != STATUS_STEP else ""
            done.append(f"{p.number} {names[p.number]}{record}")
    return ", ".join(done)
