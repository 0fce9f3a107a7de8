"""``BaseScreen``: a full screen of the app (typed app; its workers' errors reach the app).

``Worker.StateChanged`` goes to the node that started the worker and does not bubble, so a
screen's or a modal's failed worker would otherwise be lost. ``BaseScreen`` and
``BaseModal`` hand every such error to ``SyncroApp.report_failure``, the one route, and tell
the type-ahead when a flow it holds keys for has ended.
"""

from __future__ import annotations

from textual import getters
from textual.screen import Screen
from textual.worker import Worker, WorkerState

from syncro_tui.ui.app import SyncroApp


def forward_worker_state(app: SyncroApp, event: Worker.StateChanged) -> None:
    """A screen's worker changed state (Textual tells only its screen): errors go to the app's
    one route, and a flow's end to the type-ahead (keys held after a pick in it)."""
    if event.worker.state == WorkerState.ERROR:
        app.report_failure(event.worker.error)
    if event.worker.is_finished:
        app.typeahead.flow_finished(event.worker)


class BaseScreen(Screen[None]):
    app = getters.app(SyncroApp)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_worker_state(self.app, event)
