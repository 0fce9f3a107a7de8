"""`t` and `T`: the technician's stopwatch, its timer entries, and charging them.

A running timer is local (core.timers.TimerStore, a JSON file): starting one sends nothing,
and it survives quitting, crashes and restarts. Stopping asks for notes and the labor
product (no default: the runbook's rule) and posts a timer entry only after the preview is
confirmed with `y`. A span the technician did not post stays "unposted" and is offered
again the next time `t` is pressed on that ticket, so no worked time is lost.

Charging turns a timer entry into a line item. Syncro charges with the account's default
labor product whatever product the timer carries (syncro-api.md §5), so after a charge the
ticket is read back and, when the line item got the wrong product, an update_line_item
correcting it is previewed.

All times come from ``app.clock`` so the header, the stored timer and the payload agree
(and tests can freeze them).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select, TextArea

from syncro_tui.api.errors import SyncroError
from syncro_tui.core.drafts import Drafts
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.dialogs import PickModal
from syncro_tui.ui.screens.draft_modal import DraftModal

DRAFT_KIND = "timer"
QUIRK_NOTE = (
    "Syncro quirk: charging makes the line item with the account's default labor product, "
    "whatever product the timer carries. After the charge syncro-tui reads the ticket back "
    "and, if the product is wrong, shows the update_line_item that corrects it."
)


def _local(moment: datetime) -> str:
    return moment.astimezone().strftime("%H:%M")


def span_text(stopped: Any) -> str:
    """ "47 min (15:00-15:47)": how a stopped span is named in every prompt."""
    return f"{stopped.minutes} min ({_local(stopped.start)}-{_local(stopped.end)})"


def labor_key(labor_products: Mapping[str, int], product_id: int | None) -> str:
    """The configured name of a labor product ("onsite"), or its id when not configured."""
    return next((k for k, v in labor_products.items() if v == product_id), f"product {product_id}")


@dataclass(frozen=True)
class TimerNotes:
    """What the stop modal collected for the timer entry."""

    notes: str
    labor: str
    product_id: int
    start: datetime | None = None  # the corrected span (None: as the timer stopped)
    end: datetime | None = None
    bill_now: bool = False  # F3: bill this time now instead of posting a timer entry


class TimerStopModal(DraftModal[TimerNotes | None]):
    """Notes (required), labor product (required, no default), and the span's start and
    end (editable: a forgotten timer is corrected before it is posted, validated by
    ``core.timers.span_problems``).

    A ``DraftModal``: what is typed is saved as a draft per ticket while it is typed and at
    once on Esc, F2 or F3, so Esc, a cancelled preview or a crash does not lose the notes;
    F8 discards the notes (never the time).
    """

    KIND = DRAFT_KIND
    DEFAULT_CSS = """
    TimerStopModal > Vertical { height: auto; }
    TimerStopModal Label.field { margin-top: 1; color: $text-muted; }
    TimerStopModal TextArea { height: 5; min-height: 5; }
    TimerStopModal .row { height: auto; }
    TimerStopModal .row > Label { width: 8; color: $text-muted; }
    TimerStopModal .row > Input { width: 24; margin-right: 2; }
    TimerStopModal #error { display: none; }
    TimerStopModal #error.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "close", "Keep unposted", id="timer_stop.cancel"),
        Binding("f2", "preview", "Preview", id="timer_stop.preview"),
        Binding("f3", "bill_now", "Bill this time now", id="timer_stop.bill_now"),
    ]

    def __init__(
        self,
        stopped: Any,
        labor_products: Mapping[str, int],
        *,
        drafts: Drafts,
        row: TicketRow | None = None,
        subject: str = "",
        now: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(row, drafts, draft_id=stopped.ticket_id)
        self.now = now or (lambda: datetime.now().astimezone())
        self.stopped = stopped
        self.subject = subject
        self.labor_products = dict(labor_products)

    def compose(self) -> ComposeResult:
        s = self.stopped
        labor = self.draft.get("labor")
        with Vertical():
            yield Label(
                Text(f"Timer entry for #{s.ticket_number}: {span_text(s)}"), classes="modal-title"
            )
            if self.subject:
                yield Label(Text(clean(self.subject)), classes="hint")
            with Horizontal(classes="row"):
                yield Label("Start")
                yield Input(self._moment(s.start), id="start", compact=True)
                yield Label("End")
                yield Input(self._moment(s.end), id="end", compact=True)
            yield Label("Notes (required): what did you do?", classes="field")
            yield TextArea(self.draft.get("notes", ""), id="notes")
            yield Label("Labor type (required)", classes="field")
            yield Select(
                [(f"{key}  (product {pid})", key) for key, pid in self.labor_products.items()],
                prompt="(choose the labor type)",
                value=labor if labor in self.labor_products else Select.NULL,
                id="labor",
            )
            yield Label("", classes="error", id="error")
            yield Label(
                Text(
                    "F2: preview the timer entry.  F3: bill this time now (line item and "
                    "invoice, no timer entry).  Esc: keep the time unposted."
                ),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#notes", TextArea).focus()

    def _moment(self, moment: datetime) -> str:
        """The span's ends as the technician reads them: HH:MM when it is all today, else
        both with their date."""
        today = self.now().astimezone().date()
        days = {self.stopped.start.astimezone().date(), self.stopped.end.astimezone().date()}
        if days == {today}:
            return moment.astimezone().strftime("%H:%M")
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")  # a span over days: with dates

    def values(self) -> dict[str, Any]:
        labor = self.query_one("#labor", Select).value
        return {
            "notes": self.query_one("#notes", TextArea).text,
            "labor": None if labor is Select.NULL else labor,
        }

    @on(Input.Submitted)
    def _next_field(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_bill_now(self) -> None:
        self.save_now()
        self.action_submit(bill_now=True)

    def action_submit(self, bill_now: bool = False) -> None:
        from syncro_tui.core.timers import parse_moment, span_problems

        values = self.values()
        problems, bad = [], []
        start = end = None
        local = self.stopped.start.astimezone()
        for name in ("start", "end"):
            original = getattr(self.stopped, name)
            typed = self.query_one(f"#{name}", Input).value
            try:  # untouched: the exact stored moment (with its seconds)
                moment = (
                    original
                    if typed.strip() == self._moment(original)
                    else parse_moment(typed, local)
                )
            except ValueError as exc:
                problems.append(f"{name.title()}: {exc}")
                bad.append(f"#{name}")
                continue
            if name == "start":
                start = moment
            else:
                end = moment
        if start is not None and end is not None:
            span = span_problems(start, end, self.now())
            problems += span
            if span:
                bad.append("#end")
        if not values["notes"].strip():
            problems.append("Notes are required.")
            bad.append("#notes")
        if values["labor"] is None:
            problems.append("Choose the labor type: there is no default.")
            bad.append("#labor")
        if problems:
            error = self.query_one("#error", Label)
            error.update(Text(" ".join(problems)))
            error.add_class("-shown")
            self.query_one(bad[0]).focus()
            return
        key = values["labor"]
        self.dismiss(
            TimerNotes(
                values["notes"].strip(),
                key,
                self.labor_products[key],
                start=start,
                end=end,
                bill_now=bill_now,
            )
        )


class TimerFlow:
    """The timer actions of the main screen; each runs in a worker of the "write" group."""

    def __init__(self, app: Any) -> None:
        self.app = app

    def _run(self, work: Any, name: str) -> None:
        self.app.run_worker(work, group="write", exit_on_error=False, name=name)

    def _now(self) -> datetime:
        """Whole seconds, local time zone: the payload shows exactly the span that is stored."""
        return datetime.fromtimestamp(int(self.app.clock()), UTC).astimezone()

    def _show_timer(self) -> None:
        self.app.store.set_timer(self.app.timers.current())

    # -- start -----------------------------------------------------------------------------

    def start_on(self, row: TicketRow) -> None:
        self._run(self._start_on(row), "timer-start")

    async def _start_on(self, row: TicketRow) -> None:
        """Offer a span left unposted on this ticket first, else start the timer."""
        from syncro_tui.core.timers import TimerError

        app = self.app
        waiting = [s for s in app.timers.unposted() if s.ticket_id == row.id]
        if waiting:
            stopped = waiting[0]
            choice = await app.push_screen_wait(
                PickModal(
                    f"#{row.number} has {span_text(stopped)} of stopped time not posted to Syncro",
                    [
                        ("post", "Post it now as a timer entry"),
                        ("start", "Start a new timer (keep that time for later)"),
                        ("discard", "Throw that time away (nothing is posted)"),
                    ],
                )
            )
            if choice is None:
                return
            if choice == "post":
                await self._post(stopped)
                return
            if choice == "discard":
                app.timers.posted(stopped)
                app.notify(f"Discarded {span_text(stopped)} on #{row.number}.", markup=False)
                return
        try:
            app.timers.start(row.id, row.number, self._now())
        except TimerError as exc:
            app.notify(str(exc), severity="warning", markup=False)
            return
        self._show_timer()
        app.notify(f"Timer started on #{row.number}", markup=False)

    # -- switch to another ticket ------------------------------------------------------------

    def switch_to(self, row: TicketRow) -> None:
        self._run(self._switch_to(row), "timer-switch")

    async def _switch_to(self, row: TicketRow) -> None:
        """`t` on another ticket while a timer runs: what happens to the running one is the
        technician's choice (Esc changes nothing)."""
        from syncro_tui.core.timers import TimerError, format_elapsed

        app = self.app
        running = app.timers.current()
        if running is None or running.ticket_id == row.id:
            self._show_timer()
            await self._start_on(row)
            return
        now = self._now()
        choice = await app.push_screen_wait(
            PickModal(
                f"A timer is running on #{running.ticket_number} "
                f"({format_elapsed(running.elapsed(now))}). Start one on #{row.number}?",
                [
                    ("post", f"Stop #{running.ticket_number} and post its time, then start"),
                    ("keep", f"Stop #{running.ticket_number}, keep its time unposted, then start"),
                    ("discard", f"Discard #{running.ticket_number}'s time, then start"),
                    ("cancel", f"Keep #{running.ticket_number} running (start nothing)"),
                ],
                hint="Enter picks, Esc keeps the running timer as it is",
            )
        )
        if choice in (None, "cancel"):
            return
        try:
            stopped = app.timers.stop(now)
        except TimerError as exc:
            app.notify(str(exc), severity="warning", markup=False)
            self._show_timer()
            return
        self._show_timer()
        if choice == "discard":
            app.timers.posted(stopped)
            app.notify(f"Discarded {span_text(stopped)} on #{stopped.ticket_number}.", markup=False)
        elif choice == "keep":
            app.notify(
                f"{span_text(stopped)} on #{stopped.ticket_number} kept unposted: press t on "
                f"#{stopped.ticket_number} to post it.",
                markup=False,
            )
        else:  # under a minute: the form refuses it until the times are corrected
            await self._post(stopped)
        await self._start_on(row)

    # -- stop and post ---------------------------------------------------------------------

    def stop(self) -> None:
        self._run(self._stop(), "timer-stop")

    async def _stop(self) -> None:
        from syncro_tui.core.timers import TimerError

        app = self.app
        running = app.timers.current()
        if running is None:  # another window stopped it: just catch the header up
            self._show_timer()
            return
        now = self._now()
        seconds = int((now - running.started_at).total_seconds())
        if seconds < 60:  # a "0 min" entry would later show as 1 min: never posted as is
            choice = await app.push_screen_wait(
                PickModal(
                    f"The timer on #{running.ticket_number} ran {max(seconds, 0)} s: under a "
                    "minute cannot be posted. Discard it?",
                    [
                        ("discard", "Discard it (nothing is posted)"),
                        ("post", "Stop it and correct the start or end before posting"),
                    ],
                    hint="Enter picks, Esc keeps it running",
                )
            )
            if choice is None:
                return
            if choice == "discard":
                app.timers.posted(app.timers.stop(now))
                self._show_timer()
                app.notify(f"Timer on #{running.ticket_number} discarded.", markup=False)
                return
        try:
            stopped = app.timers.stop(now)
        except TimerError as exc:  # another window stopped it meanwhile
            app.notify(str(exc), severity="warning", markup=False)
            self._show_timer()
            return
        self._show_timer()
        await self._post(stopped)

    async def _post(self, stopped: Any) -> None:
        """Ask for notes and labor, preview, send; forget the span only once it landed."""
        from syncro_tui.core.outbox import ABSENT, APPLIED, UNSETTLED
        from syncro_tui.core.timers import timer_entry_intent

        app = self.app
        number = stopped.ticket_number
        later = f"The {span_text(stopped)} on #{number} stay unposted: press t on #{number} to post them."
        if app.session is None:
            app.notify(f"Not connected to Syncro yet. {later}", severity="warning", markup=False)
            return
        earlier = self._journaled(stopped)
        if earlier is not None and earlier.state in APPLIED:
            app.timers.posted(stopped)
            app.notify(f"That time is already in Syncro ({earlier.label}).", markup=False)
            return
        if earlier is not None and earlier.state in UNSETTLED | {ABSENT}:
            app.notify(
                f"A timer entry for that time is {earlier.state}: see the write log (w) "
                "before posting it again.",
                severity="warning",
                markup=False,
            )
            return
        key = (DRAFT_KIND, stopped.ticket_id)
        row = app.row(stopped.ticket_id)
        form = await app.push_screen_wait(
            TimerStopModal(
                stopped,
                app.settings.labor_products,
                drafts=app.drafts,
                row=row,
                subject=row.subject if row else "",
                now=self._now,
            )
        )
        if form is None:
            app.notify(later, markup=False)
            return
        if form.start is not None and form.end is not None:
            if (form.start, form.end) != (stopped.start, stopped.end):
                stopped = app.timers.amend(stopped, form.start, form.end)
                later = (
                    f"The {span_text(stopped)} on #{number} stay unposted: press t on "
                    f"#{number} to post them."
                )
        if form.bill_now:
            await self._bill_now(stopped, form, row)
            return
        intent = timer_entry_intent(stopped, notes=form.notes, product_id=form.product_id)
        posted = await app.send_with_preview(
            f"Post {span_text(stopped)} on #{number} as a timer entry",
            [intent],
            notes=[
                f"Labor: {form.labor} (product {form.product_id}). The time is billed only "
                "once the timer entry is charged (T)."
            ],
            draft_key=key,
        )
        if posted:
            app.timers.posted(stopped)
        else:
            app.notify(later, markup=False)

    async def _bill_now(self, stopped: Any, form: TimerNotes, row: TicketRow | None) -> None:
        """Straight into the billing plan for this time: the billing form opens with the
        minutes, labor type and notes filled in (the technician still sees and confirms
        every step). The span is forgotten once its line item landed; posting a timer entry
        too would count the same time twice."""
        from syncro_tui.ui.screens.billing import BillingFlow

        app = self.app
        if row is None:
            app.notify(
                f"#{stopped.ticket_number} is not in the list; press t on it to post the time.",
                severity="warning",
                markup=False,
            )
            return
        draft = dict(app.drafts.load("billing", row.id) or {})
        draft.update(minutes=str(stopped.minutes), labor_key=form.labor, description=form.notes)
        app.drafts.save("billing", row.id, draft, {"visibility": "internal"})
        flow = BillingFlow(app, row, from_timer=stopped, span=span_text(stopped))
        await flow.run()
        if flow.line_item_landed:
            app.timers.posted(stopped)
            app.drafts.discard(DRAFT_KIND, row.id)
        else:
            app.notify(
                f"The {span_text(stopped)} on #{row.number} stay unposted until billed or "
                "posted (press t on it).",
                markup=False,
            )

    def _journaled(self, stopped: Any) -> Any:
        """The latest write of a timer entry for this span (same ticket and start), if any:
        a span whose entry landed or is still being verified must not be posted again."""
        from syncro_tui.core import writes

        start = stopped.start.isoformat(timespec="seconds")
        for entry in self.app.session.writes(since=stopped.end.timestamp()):
            intent = entry.intent
            if (
                intent.kind == writes.TIMER_ENTRY
                and intent.ticket_id == stopped.ticket_id
                and intent.payload.get("start_at") == start
            ):
                return entry
        return None

    # -- charge ----------------------------------------------------------------------------

    def charge(self, row: TicketRow) -> None:
        self._run(self._charge(row), "timer-charge")

    async def _charge(self, row: TicketRow) -> None:
        """Pick an uncharged timer entry, charge it, then correct the line item's product."""
        from syncro_tui.core import writes
        from syncro_tui.core.timers import unrecorded_timers

        app = self.app
        try:  # always fresh: a timer charged elsewhere meanwhile would be charged twice
            detail = await app.session.fetch_detail(row.id)
        except SyncroError as exc:
            app.notify(
                f"Could not load the timers of #{row.number}: {exc}", severity="error", markup=False
            )
            return
        timers = unrecorded_timers(detail)
        if not timers:
            app.notify(f"#{row.number} has no uncharged timer entries.", markup=False)
            return
        labor = app.settings.labor_products
        choices = []
        for t in timers:
            when = t.start_time.astimezone().strftime("%b %d %H:%M") if t.start_time else "?"
            minutes = t.duration_minutes if t.duration_minutes is not None else "?"
            choices.append(
                (
                    t.id,
                    f"{when}  {minutes} min  {labor_key(labor, t.product_id)}  "
                    f"{clean(t.notes or '')}",
                )
            )
        timer_id = await app.push_screen_wait(
            PickModal(f"Charge which timer entry of #{row.number}?", choices)
        )
        if timer_id is None:
            return
        timer = next(t for t in timers if t.id == timer_id)
        intent = writes.charge_timer(row.id, timer_id, number=row.number)
        if not await app.send_with_preview(
            f"Charge a timer entry of #{row.number}", [intent], notes=[QUIRK_NOTE]
        ):
            return
        await self._correct_product(row, timer)

    async def _correct_product(self, row: TicketRow, timer: Any) -> None:
        from syncro_tui.core.timers import product_fix

        app = self.app
        try:
            detail = await app.session.fetch_detail(row.id)
            name = await labor_product_name(
                app.session, app.settings.labor_products, timer.product_id
            )
        except SyncroError as exc:
            app.notify(
                f"Charged, but could not re-read #{row.number} to check the line item's "
                f"product: {exc}. Check it in Syncro.",
                severity="warning",
                markup=False,
            )
            return
        charged = next((t for t in detail.ticket_timers if t.id == timer.id), None)
        line_id = charged.ticket_line_item_id if charged is not None else None
        try:
            fix = (
                None
                if line_id is None
                else product_fix(detail, line_id, product_id=timer.product_id, product_name=name)
            )
        except LookupError:
            line_id = None
        if line_id is None:
            app.notify(
                f"Charged, but Syncro did not say which line item it made on #{row.number}; "
                "check its product in Syncro.",
                severity="warning",
                markup=False,
            )
            return
        if fix is None:
            app.notify(f"Charged as {name}.", markup=False)
            return
        wrong = next(li for li in detail.line_items if li.id == line_id)
        await app.send_with_preview(
            f"Correct the product of the charged line item on #{row.number}",
            [fix],
            warnings=[
                f"Syncro charged it as {clean(wrong.name or '?')} (product {wrong.product_id}), "
                f"not {name} (product {timer.product_id})."
            ],
            notes=[QUIRK_NOTE],
        )


async def labor_product_name(
    catalogue: Any, labor_products: Mapping[str, int], product_id: int
) -> str:
    """Syncro's own name of a labor product, for the corrected line item's name.

    GET /products has no lookup by id, so search by the configured key first (one request,
    it usually matches "Labor - Onsite Business") and list every product only if that misses.
    ``catalogue`` has ``products(query=...)`` and ``all_products()`` (the Session).
    """
    key = labor_key(labor_products, product_id)
    for lookup in (lambda: catalogue.products(query=key), catalogue.all_products):
        found = next((p for p in await lookup() if p.id == product_id), None)
        if found is not None and (found.name or "").strip():
            return clean(found.name)
    return key
