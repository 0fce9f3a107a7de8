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
from textual.containers import Vertical
from textual.widgets import Label, Select, TextArea

from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.dialogs import PickModal
from syncro_tui.ui.screens.modal import BaseModal

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


class TimerStopModal(BaseModal[TimerNotes | None]):
    """Notes (required) and labor product (required, no default) for a stopped span.

    What is typed is saved as a draft per ticket (``on_change``), so Esc, a cancelled
    preview or a crash does not lose the notes.
    """

    DEFAULT_CSS = """
    TimerStopModal Label.field { margin-top: 1; color: $text-muted; }
    TimerStopModal TextArea { height: 5; }
    TimerStopModal #error { display: none; }
    TimerStopModal #error.-shown { display: block; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Keep unposted", id="timer_stop.cancel"),
        Binding("f2,ctrl+s", "submit", "Preview", id="timer_stop.preview"),
    ]

    def __init__(
        self,
        stopped: Any,
        labor_products: Mapping[str, int],
        *,
        subject: str = "",
        draft: Mapping[str, Any] | None = None,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.stopped = stopped
        self.subject = subject
        self.labor_products = dict(labor_products)
        self.draft = dict(draft or {})
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        s = self.stopped
        labor = self.draft.get("labor")
        with Vertical():
            yield Label(
                Text(f"Timer entry for #{s.ticket_number}: {span_text(s)}"), classes="modal-title"
            )
            if self.subject:
                yield Label(Text(clean(self.subject)), classes="hint")
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
                Text("F2 or Ctrl+S: preview the timer entry.  Esc: keep the time unposted."),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#notes", TextArea).focus()

    def values(self) -> dict[str, Any]:
        labor = self.query_one("#labor", Select).value
        return {
            "notes": self.query_one("#notes", TextArea).text,
            "labor": None if labor is Select.NULL else labor,
        }

    @on(TextArea.Changed)
    @on(Select.Changed)
    def _changed(self, event: Any) -> None:
        if self.on_change is not None and self.is_mounted:
            try:
                self.on_change(self.values())
            except OSError as exc:  # say so; the text stays in the form
                self.query_one("#error", Label).update(Text(f"Could not save the draft: {exc}"))

    def action_submit(self) -> None:
        values = self.values()
        problems = []
        if not values["notes"].strip():
            problems.append("Notes are required.")
        if values["labor"] is None:
            problems.append("Choose the labor type: there is no default.")
        if problems:
            error = self.query_one("#error", Label)
            error.update(Text(" ".join(problems)))
            error.add_class("-shown")
            return
        key = values["labor"]
        self.dismiss(TimerNotes(values["notes"].strip(), key, self.labor_products[key]))

    def action_cancel(self) -> None:
        self.dismiss(None)


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
        if seconds < 60:
            choice = await app.push_screen_wait(
                PickModal(
                    f"The timer on #{running.ticket_number} ran {max(seconds, 0)} s. Discard it?",
                    [
                        ("discard", "Discard it (nothing is posted)"),
                        ("post", "Stop it and post it anyway"),
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
                subject=row.subject if row else "",
                draft=app.drafts.load(*key),
                on_change=lambda values: app.drafts.save(*key, values),
            )
        )
        if form is None:
            app.notify(later, markup=False)
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

    def _journaled(self, stopped: Any) -> Any:
        """The latest write of a timer entry for this span (same ticket and start), if any:
        a span whose entry landed or is still being verified must not be posted again."""
        from syncro_tui.core import writes

        start = stopped.start.isoformat(timespec="seconds")
        for entry in self.app.session.outbox.entries(since=stopped.end.timestamp()):
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
        except Exception as exc:
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
                app.session.client, app.settings.labor_products, timer.product_id
            )
        except Exception as exc:
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
    client: Any, labor_products: Mapping[str, int], product_id: int
) -> str:
    """Syncro's own name of a labor product, for the corrected line item's name.

    GET /products has no lookup by id, so search by the configured key first (one request,
    it usually matches "Labor - Onsite Business") and list every product only if that misses.
    """
    key = labor_key(labor_products, product_id)
    for lookup in (lambda: client.products(query=key), client.all_products):
        found = next((p for p in await lookup() if p.id == product_id), None)
        if found is not None and (found.name or "").strip():
            return clean(found.name)
    return key
