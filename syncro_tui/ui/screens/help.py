"""`?`: every key, with the binding id to remap it in [keymap]."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

DOES = {
    "filter": "Filter the list as you type (number, subject, customer, status)",
    "clear_filter": "Clear the filter; again: back to all open tickets",
    "open_detail": "Open the ticket (full screen below 100 columns)",
    "toggle_detail": "Hide/show the detail pane: the list gets every column",
    "refresh": "Refresh now (full reload of the open queue)",
    "goto": "Go to a ticket by number (fetched if not in the list)",
    "views": "Views: open, mine, by status, by customer, server search",
    "view_open": "View: all open tickets",
    "view_mine": "View: open tickets assigned to me",
    "search": "Search all tickets on the server (closed and old too)",
    "customer": "Customer search: their tickets and contacts",
    "status": "Change status (preview, then y)",
    "assign": "Assign a technician (preview, then y)",
    "priority": "Change priority (preview, then y)",
    "resolve": "Resolve; warns about timers; offers a session log",
    "new_ticket": "New ticket (customer, contact, subject, ...)",
    "comment": "Comment: internal, public, or public + email",
    "bill": "Bill time: comment, line item, invoice, status Invoiced",
    "timer": "Start / stop the timer (survives restarts)",
    "charge_timer": "Charge a timer entry to a line item",
    "write_log": "Write log: today's writes; verify or resend",
    "quit": "Quit",
    "help": "This help",
}

EXTRA = [
    ("ctrl+p", "Command palette: every action, and go to ticket #N", "(palette)"),
    ("tab / shift+tab", "Move between the list and the detail pane", "(built in)"),
    ("ctrl+q", "Quit from anywhere", "(built in)"),
]


def _key_names(binding: Binding, keymap: dict[str, str]) -> str:
    keys = keymap.get(binding.id, binding.key) if binding.id else binding.key
    names = []
    for key in keys.split(","):
        key = key.strip()
        names.append(
            {"question_mark": "?", "slash": "/", "number_sign": "#", "escape": "esc"}.get(key, key)
        )
    return " / ".join(names)


def binding_rows(keymap: dict[str, str]) -> list[tuple[str, str, str]]:
    from syncro_tui.ui.app import SyncroApp
    from syncro_tui.ui.screens.main import MainScreen
    from syncro_tui.ui.widgets.ticket_list import TicketList

    rows = []
    seen = set()
    for owner in (MainScreen, TicketList, SyncroApp):
        for binding in owner.BINDINGS:
            if not isinstance(binding, Binding) or binding.id in seen:
                continue
            seen.add(binding.id)
            does = DOES.get(binding.id or "", binding.description or binding.action)
            rows.append((_key_names(binding, keymap), does, binding.id or ""))
    return rows + EXTRA


class HelpScreen(ModalScreen[None]):
    DEFAULT_CSS = """
    HelpScreen { align: center middle; }
    HelpScreen > VerticalScroll { width: 90%; max-width: 90; height: 90%; border: round $accent;
        background: $surface; padding: 0 1; }
    """
    BINDINGS = [Binding("escape,q,question_mark", "close", "Close", id="help.close")]

    def compose(self) -> ComposeResult:
        keymap = dict(self.app.settings.keymap)
        table = Table(title="Keys", expand=True, show_edge=False, box=None, padding=(0, 1))
        table.add_column("Key", style="bold", no_wrap=True)
        table.add_column("Does")
        table.add_column("Binding id", style="dim", no_wrap=True)
        for key, text, bid in binding_rows(keymap):
            table.add_row(Text(key), Text(text), Text(bid))
        with VerticalScroll():
            yield Static(table)
            yield Static(
                Text(
                    'Remap any key in config.toml, e.g.  [keymap]  status = "S".  '
                    "Writes always show the endpoint and JSON first and send only on y.",
                    style="dim",
                )
            )

    def action_close(self) -> None:
        self.dismiss(None)
