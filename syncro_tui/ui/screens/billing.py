"""`b`: bill the highlighted ticket: time, labor type, resolution comment, invoice.

The runbook's eight careful curl calls become: ``BillingModal`` (minutes and labor type are
always asked, never defaulted), one preview of every step with its exact JSON, then
``core.billing.BillingRun`` executing the steps through the outbox while
``BillingProgressScreen`` shows each one land. A step that does not land stops the run;
`r` resumes from that step and a landed step is never sent again. The run lives in the
outbox journal, so `b` on a ticket with a stopped run offers to resume it, even after a
restart.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static, TextArea

from syncro_tui.api.errors import SyncroError
from syncro_tui.core import writes
from syncro_tui.core.billing import (
    DONE,
    LINE_ITEM_STEP,
    MIN_MINUTES,
    BillingInputError,
    BillingReport,
    BillingRequest,
    BillingRun,
    PlanStep,
    StepProgress,
    TicketRef,
    line_price,
    minutes_to_hours,
    parse_minutes,
    plan,
    prepay_after,
)
from syncro_tui.core.drafts import Drafts
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean
from syncro_tui.core.timers import time_warnings
from syncro_tui.ui.screens.comment import chosen_visibility, email_warning_lines, visibility_choice
from syncro_tui.ui.screens.dialogs import (
    ConfirmWriteModal,
    PickModal,
    WritePreview,
    WriteStep,
)
from syncro_tui.ui.screens.draft_modal import DraftModal, draft_buttons, not_sent_note
from syncro_tui.ui.screens.modal import BaseModal
from syncro_tui.ui.widgets.visibility import VisibilityField

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Labor:
    """A configured labor type that exists in Syncro, under Syncro's product name."""

    key: str
    product_id: int
    name: str
    rate: Decimal | None = None  # the product's price_retail (read-only, from GET /products)


async def load_labor(app: Any) -> list[Labor]:
    """The configured labor products, checked against GET /products.

    The line item's ``name`` must be the product's name (Syncro does not fill it in), and an
    id that is not a product would only fail at step 2, after the comment landed: so both
    are settled before the modal opens. Ids Syncro does not know are left out, with a warning.
    """
    configured = dict(app.settings.labor_products)
    if not configured:
        app.notify(
            "No labor types are configured: add a [labor_products] table to the config "
            "(syncro-tui doctor checks it).",
            severity="error",
            markup=False,
        )
        return []
    products = await app.session.products_by_id()  # once per session: it can be many pages
    missing = [f"{key} ({pid})" for key, pid in configured.items() if pid not in products]
    if missing:
        app.notify(
            f"Not offered, because Syncro has no such product: {', '.join(missing)}. "
            "Fix [labor_products] in the config.",
            title="Labor types",
            severity="warning",
            markup=False,
            timeout=15,
        )
    return [
        Labor(
            key,
            pid,
            clean(products[pid].name) or key,
            getattr(products[pid], "price_retail", None),
        )
        for key, pid in configured.items()
        if pid in products
    ]


class BillingModal(DraftModal[BillingRequest | None]):
    """Minutes, labor type, description, resolution comment and its visibility, invoice now.

    The comment starts empty: F3 copies the description into it (cursor at its end), so
    nothing lands in a possibly public comment without the technician putting it there.
    """

    row: TicketRow  # always opened on a ticket of the list

    KIND = "billing"
    DEFAULTS = {"visibility": "internal"}
    DEFAULT_CSS = """
    BillingModal #minutes { width: 18; }
    BillingModal #hours { width: 1fr; padding-left: 1; color: $text-muted; }
    """
    BINDINGS = [
        Binding("f3", "use_description", "Use the description", id="billing.use_description")
    ]

    def __init__(self, row: TicketRow, drafts: Drafts, labor: list[Labor]) -> None:
        super().__init__(row, drafts)
        self.labor = {choice.key: choice for choice in labor}

    def compose(self) -> ComposeResult:
        d = self.draft
        labor_key = d.get("labor_key")
        with Vertical():
            yield Label(Text(f"Bill #{self.row.number}: {self.row.subject}"), classes="modal-title")
            yield from self.notes()
            with Vertical(id="form"):
                with Horizontal(classes="row"):
                    yield Label("Minutes")
                    yield Input(
                        d.get("minutes", ""),
                        placeholder="45, 1h30m, 1:30",
                        id="minutes",
                        compact=True,
                    )
                    yield Label("", id="hours")
                with Horizontal(classes="row"):
                    yield Label("Labor type")
                    yield Select(
                        [(Text(choice.name), choice.key) for choice in self.labor.values()],
                        prompt="Choose one (there is no default)",
                        value=labor_key if labor_key in self.labor else Select.NULL,
                        id="labor",
                        compact=True,
                    )
                with Horizontal(classes="row"):
                    yield Label("Description")
                    yield Input(
                        d.get("description", ""),
                        id="description",
                        compact=True,
                        placeholder="What was done (line item and invoice)",
                    )
                yield Label(
                    'Resolution comment "Resolution" (empty; F3 copies the description)',
                    classes="field",
                )
                yield TextArea(d.get("comment", ""), id="comment")
                yield visibility_choice(d.get("visibility", "internal"))
                yield Checkbox(
                    "Create the invoice now (untick to only add the time)",
                    d.get("create_invoice", True),
                    id="invoice",
                    compact=True,
                )
            yield self.error_line()
            with Horizontal(id="buttons"):
                yield from draft_buttons()

    def on_mount(self) -> None:
        self.query_one("#minutes", Input).focus()

    def values(self) -> dict[str, Any]:
        labor = self.query_one("#labor", Select).selection
        return {
            "minutes": self.query_one("#minutes", Input).value,
            "labor_key": labor or "",
            "description": self.query_one("#description", Input).value,
            "comment": self.query_one("#comment", TextArea).text,
            "visibility": chosen_visibility(self.query_one("#visibility", VisibilityField)),
            "create_invoice": self.query_one("#invoice", Checkbox).value,
        }

    @on(Input.Changed, "#minutes")
    def _show_hours(self, event: Input.Changed) -> None:
        try:
            text = f"= {minutes_to_hours(parse_minutes(event.value))} h"
        except ValueError:
            text = ""
        self.query_one("#hours", Label).update(text)

    def action_use_description(self) -> None:
        """Put the description into the comment, visibly: a marked copy added after what is
        there, with the cursor at its end so typing goes after it, not before."""
        description = self.query_one("#description", Input).value.strip()
        if not description:
            self.show_error("The description is empty: nothing to copy.")
            self.query_one("#description", Input).focus()
            return
        comment = self.query_one("#comment", TextArea)
        current = comment.text.rstrip()
        comment.text = f"{current}\n{description}" if current else description
        comment.move_cursor(comment.document.end)
        comment.focus()
        self.show_error("")
        self.notify("The description was copied into the comment; edit it there.", markup=False)

    def action_submit(self) -> None:
        """All problems at once, each in words the technician can act on; nothing is cleared."""
        values = self.values()
        problems = []
        first_bad: list[str] = []  # the fields in error, in form order
        try:
            minutes = parse_minutes(values["minutes"])
        except ValueError as exc:
            problems.append(str(exc))
            first_bad.append("#minutes")
            minutes = MIN_MINUTES  # a stand-in, so the request still reports its other problems
        labor = self.labor.get(values["labor_key"])
        if labor is None:
            first_bad.append("#labor")
        if not values["description"].strip():
            first_bad.append("#description")
        if not values["comment"].strip():
            first_bad.append("#comment")
        try:
            request = BillingRequest(
                minutes=minutes,
                labor_key=values["labor_key"],
                product_id=labor.product_id if labor else None,
                product_name=labor.name if labor else "",
                description=values["description"],
                comment_body=values["comment"],
                create_invoice=values["create_invoice"],
                visibility=values["visibility"],
            )
        except BillingInputError as exc:
            problems += exc.problems
        if problems:
            self.show_error("\n".join(problems))
            if first_bad:
                self.query_one(first_bad[0]).focus()
            return
        if not self.save_now():  # the draft must be safe before anything is sent; save_now said why
            return
        self.dismiss(request)


# --------------------------------------------------------------------------- progress

RECORD_NAMES = {1: "comment", 2: "line item", 3: "invoice"}
WORKING, STOPPED_HERE, FINISHED = "working", "stopped", "finished"


def step_text(step: StepProgress) -> Text:
    record = RECORD_NAMES.get(step.number)
    landed = f"  ({record} {step.record_id})" if record and step.record_id else ""
    return Text(f"{step.number}. {step.title}{landed}")


class BillingProgressScreen(BaseModal[None]):
    """Each step's state (TODO / DONE / STOPPED) and message, updated as the run goes.

    It only shows; the flow's worker runs the steps. While a step is in flight Esc does
    nothing (closing would not stop the write, only hide it). When the run stops, `r`
    asks the flow to resume from the failed step.
    """

    DEFAULT_CSS = """
    BillingProgressScreen #steps { height: auto; max-height: 60vh; margin-top: 1; }
    BillingProgressScreen .step { height: auto; }
    BillingProgressScreen .state { width: 9; }
    BillingProgressScreen .title { width: 1fr; }
    BillingProgressScreen .-done { color: $success; }
    BillingProgressScreen .-stopped { color: $error; }
    BillingProgressScreen .step.-stopped { text-style: bold; }
    BillingProgressScreen .-todo { color: $text-muted; }
    BillingProgressScreen .message { padding-left: 9; color: $text-muted; }
    BillingProgressScreen #summary { margin-top: 1; }
    BillingProgressScreen #keys { margin-top: 1; text-style: bold; }
    """
    BINDINGS = [
        Binding("r", "resume", "Resume", id="billing.resume"),
        Binding("escape", "close", "Close", id="billing.close"),
    ]

    def __init__(
        self, title: str, steps: list[StepProgress], on_resume: Callable[[], None]
    ) -> None:
        super().__init__()
        self._title = title
        self._steps = steps
        self._on_resume = on_resume
        self.state = WORKING

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            with VerticalScroll(id="steps"):
                for step in self._steps:
                    with Horizontal(classes="step", id=f"step-{step.number}"):
                        yield Static(classes="state")
                        yield Static(classes="title")
                    yield Static(classes="message", id=f"message-{step.number}")
            yield Static(id="summary")
            yield Static(id="keys")

    def on_mount(self) -> None:
        self.show(self._steps)
        self.working()

    def show(self, steps: list[StepProgress]) -> None:
        """Called by the run before and after every step."""
        self._steps = steps
        for step in steps:
            row = self.query_one(f"#step-{step.number}")
            row.set_classes(f"step -{step.state}")
            row.query_one(".state", Static).update(step.state.upper())
            row.query_one(".title", Static).update(step_text(step))
            message = self.query_one(f"#message-{step.number}", Static)
            message.update(Text(step.message))
            message.display = bool(step.message)
        if self.state == WORKING:
            current = next((s for s in steps if s.state != DONE), None)
            if current is not None:
                self.query_one("#summary", Static).update(
                    Text(f"Working on step {current.number}: {current.title}...")
                )

    def working(self) -> None:
        self.state = WORKING
        self.query_one("#summary", Static).set_classes("")
        self.query_one("#keys", Static).update(
            Text("Sending. Esc works again once the current step has settled.")
        )
        self.refresh_bindings()

    def finished(self, report: BillingReport, note: str = "") -> None:
        self.state = FINISHED if report.finished else STOPPED_HERE
        self.show(report.steps)
        summary = self.query_one("#summary", Static)
        summary.update(Text(" ".join(part for part in (note, report.message) if part)))
        summary.set_classes("" if report.finished else "-stopped")
        if report.finished:
            keys = "Esc closes."
        else:
            stopped = next((s for s in report.steps if s.state != DONE), None)
            where = f" from step {stopped.number}" if stopped is not None else ""
            keys = (
                f"r resumes{where} (steps that landed are not sent again). "
                "Esc closes; b on the ticket offers the resume later."
            )
        self.query_one("#keys", Static).update(Text(keys))
        self.refresh_bindings()

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "resume":
            return self.state == STOPPED_HERE
        if action == "close":
            return self.state != WORKING
        return True

    def action_resume(self) -> None:
        self.working()
        self._on_resume()

    def action_close(self) -> None:
        self.dismiss(None)


# --------------------------------------------------------------------------- flow


def preview_step(step: PlanStep) -> WriteStep:
    if step.intent is None:  # the read-back of step 4: its invoice id comes from step 3
        method, path = step.endpoint.split(" ", 1)
        return WriteStep(method, path, None, step.title)
    return WriteStep.of(step.intent, step.title)


class BillingFlow:
    """Resume a stopped run, or: labor check -> modal -> preview of every step -> run."""

    def __init__(self, app: Any, row: TicketRow, *, from_timer: Any = None, span: str = "") -> None:
        self.app = app
        self.row = row
        self.run_started: BillingRun | None = None
        # The stopped timer span this billing comes from (the timer's "bill now"): it is
        # billed as the line item, so it is not "time never posted" in this preview.
        self.from_timer = from_timer
        self.span = span  # how the timer names that span: "45 min (15:00-15:45)"

    @property
    def line_item_landed(self) -> bool:
        """Whether the time reached Syncro as a line item (for the timer's "bill now")."""
        run = self.run_started
        return run is not None and run.record_id(LINE_ITEM_STEP) is not None

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="billing")

    async def run(self) -> None:
        app, row = self.app, self.row
        stopped = self.stopped_run()
        if stopped is not None:
            choice = await app.push_screen_wait(
                PickModal(
                    f"Billing of #{row.number} did not finish.",
                    [
                        ("resume", "Resume it (steps that landed are not sent again)"),
                        ("new", "Give it up and bill from scratch (what landed stays in Syncro)"),
                    ],
                    hint=stopped.report().message + "  Enter picks, Esc leaves it for now.",
                )
            )
            if choice == "resume" and await self.confirm_resume(stopped):
                await self.execute(stopped)
            if choice != "new":
                return
            stopped.abandon()
        detail = app.store.detail_for(row.id)
        try:
            if detail is None:
                detail = await app.session.fetch_detail(row.id)
            TicketRef.of(detail)  # a ticket without a customer cannot be billed: say so first
            labor = await load_labor(app)
        except (SyncroError, ValueError) as exc:  # ValueError: a ticket without a customer
            app.notify(
                f"Could not prepare billing for #{row.number}: {exc}",
                severity="error",
                markup=False,
            )
            return
        if not labor:
            return
        rates = {choice.product_id: choice.rate for choice in labor}
        while True:  # n or Esc in the preview goes back to the form, everything kept
            request = await app.push_screen_wait(BillingModal(row, app.drafts, labor))
            if request is None:
                app.notify(not_sent_note(app, "billing", row, "b"), markup=False)
                return
            prepay = getattr(getattr(detail, "customer", None), "prepay_hours", None)
            if prepay is not None:
                request = replace(request, prepay_before=str(prepay))
            preview = self.preview(request, detail, rates.get(request.product_id))
            if await app.push_screen_wait(ConfirmWriteModal(preview)):
                break
        await self.execute(app.session.start_billing(request, detail))

    def stopped_run(self) -> BillingRun | None:
        """The latest unfinished run on this ticket (stopped now or before a restart)."""
        return self.app.session.stopped_billing(self.row.id)

    def preview(
        self, request: BillingRequest, detail: Any, rate: Decimal | None = None
    ) -> WritePreview:
        """Comment and line item side by side, then every step with its exact JSON (one
        line each, so all steps fit at 120x40), the customer by name, the product's rate
        and the prepaid hours."""
        app = self.app
        steps = plan(request, detail)
        line, attribution_warning = app.attribution()
        billed = self.from_timer
        unposted = [
            s
            for s in app.timers.unposted()
            if billed is None or (s.ticket_id, s.start) != (billed.ticket_id, billed.start)
        ]
        warnings = time_warnings(detail, app.store.timer, unposted)
        comment = steps[0].intent
        if comment is not None and writes.emails_customer(comment):
            warnings.extend(email_warning_lines(comment, detail))
        if attribution_warning:
            warnings.append(attribution_warning)
        customer = getattr(detail, "customer", None)
        customer_name = clean(getattr(customer, "display_name", "") or "") or (
            self.row.customer_name or f"customer {detail.customer_id}"
        )
        price = line_price(request.hours, rate)
        charge = (
            f"at {rate}/h = {price}" if price is not None else "at the product's rate (none set)"
        )
        item_text = (
            f"{request.hours} h ({request.minutes} min) of {request.product_name}\n"
            f"{charge}; no price is sent, Syncro charges its rate\n"
            f"Description: {request.description}"
        )
        comment_text = (
            f'"{request.comment_subject}", '
            f"{writes.VISIBILITY_LABELS[request.visibility]}\n{request.comment_body}"
        )
        notes = []
        if self.from_timer is not None:
            notes.append(
                f"From the timer ({self.span or f'{self.from_timer.minutes} min'}): billed "
                "as this line item "
                "only. No timer entry is posted, so the time is not counted twice; Syncro's "
                "timer list of the ticket will not show it. For a timer entry instead: n, "
                "Esc, then t on the ticket posts it and T charges it."
            )
        if request.prepay_before is not None:
            after = prepay_after(request.prepay_before, request.hours)
            notes.append(
                f"Prepaid hours of {customer_name}: {request.prepay_before} now, {after} "
                "expected after (if this labor draws the block down); read back after the "
                "invoice."
            )
        if request.create_invoice:
            notes.append(
                "Step 4 reads the invoice back (its id is known once step 3 lands) and "
                "reports its total."
            )
        else:
            notes.append("No invoice now: the time stays on the ticket as a line item.")
        return WritePreview(
            f"Bill #{self.row.number} for {customer_name}: {len(steps)} steps, in this order",
            [preview_step(s) for s in steps],
            attribution=line,
            warnings=warnings,
            notes=notes,
            columns=[
                ("Resolution comment (step 1)", comment_text),
                ("Line item (step 2)", item_text),
            ],
            compact=True,
        )

    async def execute(self, run: BillingRun) -> None:
        self.run_started = run
        request = run.request
        screen = BillingProgressScreen(
            f"Billing #{run.ticket.number}: {request.minutes} min of {request.product_name}",
            run.progress(),
            on_resume=lambda: self.app.run_worker(
                self.resume(run, screen), group="write", exit_on_error=False, name="billing-resume"
            ),
        )
        await self.app.push_screen(screen)
        await self.run_steps(run, screen)

    async def confirm_resume(self, run: BillingRun) -> bool:
        """Resuming sends writes too: show the steps still to send and wait for `y`."""
        done = {p.number for p in run.progress() if p.state == DONE}
        remaining = [preview_step(step) for step in run.steps if step.number not in done]
        line, warning = self.app.attribution()
        return bool(
            await self.app.push_screen_wait(
                ConfirmWriteModal(
                    WritePreview(
                        f"Resume billing #{run.ticket.number}: these steps are still to send",
                        remaining,
                        attribution=line,
                        warnings=[warning] if warning else [],
                        notes=[
                            "Steps that landed are not sent again. A step verified absent is sent again."
                        ],
                    )
                )
            )
        )

    async def resume(self, run: BillingRun, screen: BillingProgressScreen) -> None:
        if await self.confirm_resume(run):
            await self.run_steps(run, screen)
        else:
            screen.finished(run.report(), "Not resumed: nothing was sent.")

    async def run_steps(
        self, run: BillingRun, screen: BillingProgressScreen, allow_duplicate: bool = False
    ) -> None:
        """Run (or resume) until done or stopped, then leave the screen with the report."""
        note = ""
        try:
            # The sender asks "send it again?" (the one dialog) for a step identical to a
            # write that landed today, and stops the run on no.
            done = await self.app.sender.run_billing(
                run, screen.show, allow_duplicate=allow_duplicate
            )
            report = done.report
            if done.repeats is not None:
                note = str(done.repeats)
        except Exception as exc:  # the screen must never stay "sending"; the journal knows the rest
            log.exception("billing run %s stopped by an error", run.run_id)
            report, note = run.report(), f"Stopped by an unexpected error: {exc}."
        screen.finished(report, note)
        if report.finished:
            await self.billed(report)

    async def billed(self, report: BillingReport) -> None:
        """Done: the billing draft is spent; reload the list and this ticket."""
        app, row = self.app, self.row
        app.drafts.discard("billing", row.id)
        app.notify(f"#{row.number}: {report.message}", title="Billed", markup=False, timeout=15)
        app.refresh_now()
        try:
            await app.session.fetch_detail(row.id)
        except SyncroError as exc:
            app.notify(f"Could not reload #{row.number}: {exc}", severity="warning", markup=False)
