"""`w`: the write log. Every write of the day and of this session, with its state.

The outbox journals each write before sending it; this screen is where the technician
sees what happened to them and acts on the ones that need it: check an UNKNOWN one again
(`v`), or send an ABSENT one again (`R`, only after the same `y` preview as any write).
Nothing else can be resent from here: a write that reached Syncro would be duplicated,
and one whose fate is unknown might be.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from rich.style import Style
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.widget import Widget
from textual.widgets import DataTable, Label, Static

from syncro_tui.core import outbox as O
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.base import BaseScreen
from syncro_tui.ui.screens.modal import BaseModal
from syncro_tui.ui.widgets.footer import KeyFooter
from syncro_tui.ui.widgets.header import StatusHeader

# Older writes stay listed this long while they still need the technician (a crash
# yesterday evening left one unknown or absent), without reading the whole journal.
LOOKBACK = timedelta(days=7)
NEEDS_ATTENTION = O.UNSETTLED | {O.ABSENT}

# state -> (word shown, look, what it means); the look is a component class of the screens
# below (``write-state--LOOK``), coloured by the theme in STATE_CSS.
STATES = {
    O.PENDING: ("pending", "waiting", "Journaled; not handed to the network yet."),
    O.SENT: ("sent", "waiting", "Sent; waiting for Syncro's answer."),
    O.CONFIRMED: ("confirmed", "done", "Syncro answered with the record."),
    O.LANDED: ("landed", "done", "No clear answer, but a check found it in Syncro."),
    O.UNKNOWN: ("UNKNOWN", "unknown", "No clear answer and not verified yet: v checks again."),
    O.ABSENT: ("ABSENT", "absent", "Verified NOT in Syncro: R sends it again."),
    O.FAILED: ("failed", "failed", "Syncro refused it; nothing was applied."),
}
STATE_CLASSES: set[str] = {f"write-state--{look}" for _, look, _ in STATES.values()}
STATE_CSS = """
.write-state--waiting { color: $warning; }
.write-state--done { color: $success; }
.write-state--unknown { color: $accent; text-style: bold reverse; }
.write-state--absent { color: $error; text-style: bold; }
.write-state--failed { color: $error; }
"""

WHY_NOT_RESEND = {
    O.CONFIRMED: "it reached Syncro; sending it again would make a second copy.",
    O.LANDED: "a check found it in Syncro; sending it again would make a second copy.",
    O.PENDING: "it is still on its way.",
    O.SENT: "it is still on its way.",
    O.UNKNOWN: "nobody knows yet whether it reached Syncro. Verify it first (v): "
    "resending now could post it twice.",
    O.FAILED: "Syncro refused it, so nothing was applied: make the change again from the ticket.",
}


def state_style(widget: Widget, state: str) -> Style:
    """The theme's look of a write state, as ``widget`` (a screen with STATE_CLASSES)
    resolves it: every theme, the ANSI one and NO_COLOR apply."""
    look = STATES.get(state, (state, "", ""))[1]
    return widget.get_component_rich_style(
        f"write-state--{look}", partial=True, default=Style.null()
    )


def state_text(widget: Widget, state: str) -> Text:
    return Text(STATES.get(state, (state, "", ""))[0], style=state_style(widget, state))


def start_of_day(now: float) -> float:
    """Local midnight of the day ``now`` falls on (POSIX seconds)."""
    return (
        datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0).timestamp()
    )


def when(created_at: float, day_start: float) -> str:
    moment = datetime.fromtimestamp(created_at)
    return (
        moment.strftime("%H:%M:%S") if created_at >= day_start else moment.strftime("%b %d %H:%M")
    )


class WriteEntryModal(BaseModal[None]):
    """One journal entry in full: endpoint, the exact JSON sent, and what came of it."""

    COMPONENT_CLASSES = STATE_CLASSES
    DEFAULT_CSS = (
        """
    WriteEntryModal VerticalScroll { height: auto; max-height: 30; }
    WriteEntryModal .endpoint { text-style: bold; margin-top: 1; }
    WriteEntryModal .payload { background: $boost; padding: 0 1; }
    """
        + STATE_CSS
    )
    BINDINGS = [Binding("escape,enter,q", "close", "Close", id="write_entry.close")]

    def __init__(self, entry: O.OutboxEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        e = self.entry
        _, _, meaning = STATES.get(e.state, (e.state, "", ""))
        status = Text.assemble(("State: ", "bold"), state_text(self, e.state), f"  {meaning}")
        with Vertical():
            yield Label(Text(clean(e.label)), classes="modal-title")
            yield Static(status)
            with VerticalScroll(id="body"):
                yield Static(Text(e.intent.endpoint), classes="endpoint")
                yield Static(Text(e.intent.preview_json()), classes="payload")
                if e.record_id is not None:
                    yield Static(Text(f"Record in Syncro: {e.record_id}"))
                if e.message:
                    yield Static(Text(clean(e.message)))
            yield Label(Text(f"Attempts: {e.attempts}.  Esc or Enter closes."), classes="hint")

    def on_mount(self) -> None:
        self.query_one("#body").focus()

    def action_close(self) -> None:
        self.dismiss(None)


class WriteLogScreen(BaseScreen):
    """The journal as a table that follows every state change; the highlighted write's full
    text sits below it, since the columns are cut on a narrow terminal."""

    COMPONENT_CLASSES = STATE_CLASSES
    DEFAULT_CSS = (
        """
    WriteLogScreen #title { text-style: bold; color: $accent; padding: 0 1; }
    WriteLogScreen DataTable { height: 1fr; }
    WriteLogScreen #entry { height: auto; max-height: 6; padding: 0 1; border-top: hkey $panel-lighten-2; }
    """
        + STATE_CSS
    )
    BINDINGS = [
        Binding("escape,q", "close", "Close", id="write_log.close"),
        Binding("enter", "payload", "Payload", priority=True, id="write_log.payload"),
        Binding("v", "verify", "Verify again", id="write_log.verify"),
        Binding("R", "resend", "Resend (absent only)", id="write_log.resend"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self._by_id: dict[int, O.OutboxEntry] = {}

    def compose(self) -> ComposeResult:
        yield StatusHeader(plain=self.app.settings.ui.plain)
        yield Label(id="title")
        table: DataTable[Text | str] = DataTable(cursor_type="row", zebra_stripes=True, id="writes")
        table.add_column(" ", key="mine")
        table.add_column("Time", key="time")
        table.add_column("State", key="state")
        table.add_column("Write", key="label")
        table.add_column("Message", key="message")
        table.add_column("Endpoint", key="endpoint")
        yield table
        yield Static(id="entry")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.app.session.watch_writes(self._outbox_changed)
        self._reload()
        self.query_one(DataTable).focus()

    def on_unmount(self) -> None:
        self._unsubscribe()

    def _outbox_changed(self, _entry: O.OutboxEntry) -> None:
        if self.is_attached:
            self._reload()

    def entries(self) -> list[O.OutboxEntry]:
        """Today's writes and this session's, plus older ones that still need attention."""
        day = start_of_day(self.app.clock())
        since = (datetime.fromtimestamp(day) - LOOKBACK).timestamp()
        return [
            e
            for e in self.app.session.writes(since=since)
            if e.created_at >= day or e.this_session or e.state in NEEDS_ATTENTION
        ]

    def _reload(self) -> None:
        table = self.query_one(DataTable)
        keep = self._highlighted_id()
        entries = self.entries()
        self._by_id = {e.id: e for e in entries}
        day = start_of_day(self.app.clock())
        table.clear()
        for e in entries:
            table.add_row(
                Text("*" if e.this_session else " ", style="bold"),
                Text(when(e.created_at, day)),
                state_text(self, e.state),
                Text(clean(e.label)),
                Text(clean(e.message)),
                Text(e.intent.endpoint),
                key=str(e.id),
            )
        if keep in self._by_id:
            table.move_cursor(row=table.get_row_index(str(keep)), animate=False)
        attention = sum(1 for e in entries if e.state in NEEDS_ATTENTION)
        title = f"Writes: today and this session ({len(entries)})   * = this session"
        if attention:
            title += f"   {attention} need{'s' if attention == 1 else ''} attention"
        self.query_one("#title", Label).update(Text(title))
        self._show_entry()

    def _highlighted_id(self) -> int | None:
        table = self.query_one(DataTable)
        if table.row_count == 0:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key
        return int(key.value) if key.value is not None else None

    def highlighted(self) -> O.OutboxEntry | None:
        entry_id = self._highlighted_id()
        return None if entry_id is None else self._by_id.get(entry_id)

    def on_data_table_row_highlighted(self, _event: DataTable.RowHighlighted) -> None:
        self._show_entry()

    def _show_entry(self) -> None:
        """The highlighted write's full label and message, wrapped (the table cuts them)."""
        e = self.highlighted()
        panel = self.query_one("#entry", Static)
        if e is None:
            panel.update(Text("No writes today. Comments, time and billing you send appear here."))
            return
        meaning = STATES.get(e.state, (e.state, "", ""))[2]
        text = Text.assemble(
            state_text(self, e.state), f"  {meaning}\n{clean(e.label)}\n{e.intent.endpoint}"
        )
        if e.message:
            text.append(f"\n{clean(e.message)}")
        panel.update(text)

    # -- actions ---------------------------------------------------------------------------

    def action_close(self) -> None:
        self.app.pop_screen()

    def action_payload(self) -> None:
        entry = self.highlighted()
        if entry is not None:
            self.app.push_screen(WriteEntryModal(entry))

    def action_verify(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return
        if entry.state not in (O.UNKNOWN, O.ABSENT):
            self.notify(f"Nothing to verify: it is {STATES[entry.state][0]}.", markup=False)
            return
        self.run_worker(self._verify(entry), group="write", exit_on_error=False, name="verify")

    async def _verify(self, entry: O.OutboxEntry) -> None:
        self.notify(f"Checking whether it reached Syncro: {entry.label}", markup=False)
        outcome = await self.app.sender.verify_entry(entry.id)
        word, _, meaning = STATES.get(outcome.state, (outcome.state, "", ""))
        self.notify(
            f"{word}: {outcome.message or meaning}",
            markup=False,
            severity="information" if outcome.applied else "warning",
        )

    def action_resend(self) -> None:
        entry = self.highlighted()
        if entry is None:
            return
        if entry.state != O.ABSENT:
            reason = WHY_NOT_RESEND.get(entry.state, f"it is {entry.state}.")
            self.notify(f"Cannot resend: {reason}", severity="warning", markup=False, timeout=10)
            return
        self.run_worker(self._resend(entry), group="write", exit_on_error=False, name="resend")

    async def _resend(self, entry: O.OutboxEntry) -> None:
        """The same preview as any write; `y` resends (the outbox checks once more first).
        The sender asks and sends; after it landed the App re-reads the ticket."""
        intent = entry.intent
        outcome = await self.app.sender.resend_entry(entry)
        if outcome is None:
            return
        word, _, meaning = STATES.get(outcome.state, (outcome.state, "", ""))
        self.notify(
            f"{word}: {intent.label}. {outcome.message or meaning}",
            markup=False,
            severity="information" if outcome.applied else "warning",
            timeout=15,
        )
