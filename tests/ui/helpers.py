"""Small helpers for Pilot tests: read what the screen shows, find demo tickets."""

from __future__ import annotations

from typing import Any

from textual.widgets import Static

from syncro_tui.ui.widgets.detail import TicketDetailPane
from syncro_tui.ui.widgets.ticket_list import TicketList


def main_screen(app: Any) -> Any:
    from syncro_tui.ui.screens.main import MainScreen

    return next(s for s in app.screen_stack if isinstance(s, MainScreen))


def listing(app: Any) -> TicketList:
    return main_screen(app).query_one(TicketList)


def detail_text(app: Any) -> str:
    pane = app.screen.query_one(TicketDetailPane)
    return "\n".join(str(w.content) for w in pane.query(Static))


def screen_text(app: Any) -> str:
    """Every line the list draws (header + visible rows), as plain text."""
    widget = listing(app)
    return "\n".join(widget.render_line(y).text for y in range(widget.size.height))


def notifications(app: Any) -> list[str]:
    return [n.message for n in app.notices]


def open_ticket(sandbox: Any, predicate) -> Any:
    closed = {"Resolved", "Invoiced", "Closed"}
    for ticket in sandbox.state.tickets.values():
        if ticket.status not in closed and predicate(ticket):
            return ticket
    raise AssertionError("no such open ticket in the demo data")


def burst(app: Any, keys: str | list[str]) -> None:
    """Post key events in one go, as a laggy SSH link delivers them: no pause between keys
    (unlike `pilot.press`, which waits for the app to go idle after every key)."""
    import unicodedata

    from textual import events
    from textual.keys import _character_to_key

    for key in keys:
        char: str | None = key if len(key) == 1 else None
        if len(key) == 1 and not key.isalnum():
            key = _character_to_key(key)
        if char is None and key == "enter":
            char = "\r"
        try:
            char = char or unicodedata.lookup(key.upper().replace("_", " "))
        except KeyError:
            pass
        app.post_message(events.Key(key, char))
