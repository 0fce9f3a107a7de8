"""`?`: every key, with the binding id to remap it in [keymap]."""

from __future__ import annotations

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from syncro_tui.ui import actions
from syncro_tui.ui.screens.modal import BaseModal

DOES = {action.id: action.description for action in actions.catalogue()}
"""What each binding id does, from the action catalogue (``ui/actions.py``)."""

EXTRA = [
    ("ctrl+p", "Command palette: every action, and go to ticket #N", "(palette)"),
    ("tab / shift+tab", "Move between the list and the detail pane", "(built in)"),
    ("ctrl+q", "Quit from anywhere", "(built in)"),
]


def _key_names(key: str) -> str:
    names = []
    for name in key.split(","):
        name = name.strip()
        names.append(
            {"question_mark": "?", "slash": "/", "number_sign": "#", "escape": "esc"}.get(
                name, name
            )
        )
    return " / ".join(names)


def binding_rows(keymap: dict[str, str], *, read_only: bool = False) -> list[tuple[str, str, str]]:
    """(keys in effect, what it does, binding id) for every catalogued action, then the
    keys Textual provides. A read-only profile lists no write."""
    rows = [
        (_key_names(keymap.get(action.id, action.key)), action.description, action.id)
        for action in actions.catalogue()
        if not (read_only and action.writes)
    ]
    return rows + EXTRA


def legend(plain: bool) -> Table:
    """What every marker and colour in the list means (``ticket_list``, ``core.triage``)."""
    from syncro_tui.core.triage import KINDS
    from syncro_tui.ui.widgets.ticket_list import MARKERS, MARKERS_PLAIN

    unseen, reply, timer, draft = MARKERS_PLAIN if plain else MARKERS
    table = Table(title="The list", expand=True, show_edge=False, box=None, padding=(0, 1))
    table.add_column("Mark", style="bold", no_wrap=True)
    table.add_column("Means")
    rows = [
        (unseen, "new ticket, or changed since you last looked at it (bold row)"),
        (reply, "the customer spoke last: a reply waits for you"),
        (timer, "your timer runs on this ticket"),
        (draft, "an unsent draft (comment, billing...) is kept for this ticket"),
    ]
    rows += [
        (glyph_plain if plain else glyph, f"status: {means}")
        for means, glyph, glyph_plain in KINDS.values()
    ]
    rows += [
        ("P", "priority: the account's number (0 most urgent) or its initial; urgent, high in red"),
        ("Due", "due date; -3d: overdue by 3 days (red); yellow today or within two days"),
        ("SLA", "late: the SLA is breached (red); soon: breaching soon (yellow)"),
        ("Age / Upd", "since created / since the last update (m h d w y)"),
        ("me", "assigned to you"),
    ]
    for mark, means in rows:
        table.add_row(Text(mark), Text(means))
    return table


class HelpScreen(BaseModal[None]):
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
        read_only = self.app.settings.read_only
        for key, text, bid in binding_rows(keymap, read_only=read_only):
            table.add_row(Text(key), Text(text), Text(bid))
        with VerticalScroll():
            if read_only:
                yield Static(
                    Text(
                        "Read-only profile: writing is off, so no write is listed here.",
                        style="bold",
                    )
                )
            yield Static(legend(self.app.settings.ui.plain))
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
