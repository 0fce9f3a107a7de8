"""The detail of one ticket, full-screen (narrow terminals: Enter from the list)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding

from syncro_tui.core.rows import TicketRow
from syncro_tui.ui import actions
from syncro_tui.ui.screens.base import BaseScreen
from syncro_tui.ui.widgets.detail import TicketDetailPane
from syncro_tui.ui.widgets.footer import KeyFooter
from syncro_tui.ui.widgets.header import StatusHeader


class DetailScreen(BaseScreen):
    BINDINGS = [
        Binding("escape,q", "back", "Back", id="detail.back"),
        *actions.ticket_bindings(),
    ]

    def __init__(
        self, ticket_id: int, row: TicketRow | None, *, act_on: Callable[..., Any]
    ) -> None:
        super().__init__()
        if self.app.settings.read_only or self.app.read_only:
            actions.hide_writes(self)  # the keys still answer, with the read-only note
        self.ticket_id = ticket_id
        self.row = row
        self._act_on = act_on  # the list's MainScreen.act_on (no import of it: no cycle)
        self._unsubscribe: Any = None

    def compose(self) -> ComposeResult:
        yield StatusHeader(plain=self.app.settings.ui.plain)
        yield TicketDetailPane(plain=self.app.settings.ui.plain, id="full-detail")
        yield KeyFooter()

    def on_mount(self) -> None:
        self._unsubscribe = self.app.store.subscribe("detail", self._changed)
        self._changed(self.ticket_id)
        self.query_one(TicketDetailPane).focus()

    def on_unmount(self) -> None:
        if self._unsubscribe:
            self._unsubscribe()

    def _changed(self, ticket_id: Any = None, *_: Any) -> None:
        if ticket_id not in (None, self.ticket_id):
            return
        pane = self.query_one(TicketDetailPane)
        detail = self.app.store.detail_for(self.ticket_id)
        timer = self.app.store.timer
        if detail is not None:
            pane.show_detail(
                detail, timer_running=timer is not None and timer.ticket_id == self.ticket_id
            )
        elif self.row is not None:
            pane.show_row(self.row)

    def action_back(self) -> None:
        self.app.pop_screen()

    def action_ticket(self, name: str) -> None:
        """c, s, b, t, x... work here as in the list, on the ticket shown."""
        self._act_on(self.ticket_id, name, row=self.row)
