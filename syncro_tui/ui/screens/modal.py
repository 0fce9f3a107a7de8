"""``BaseModal``: what every modal of the app shares (the typed app, the look of the box, and
its workers' errors forwarded to the app's one route, ``SyncroApp.report_failure``).

Subclasses put their content in one ``Vertical`` and add only their own rules to
``DEFAULT_CSS``; Textual matches ``BaseModal`` selectors on every subclass, and a subclass's
rules win over these. Colours are theme variables only.
"""

from __future__ import annotations

from typing import TypeVar

from textual import getters
from textual.await_complete import AwaitComplete
from textual.screen import ModalScreen
from textual.worker import Worker

from syncro_tui.ui.app import SyncroApp
from syncro_tui.ui.screens.base import forward_worker_state

ResultT = TypeVar("ResultT")


class BaseModal(ModalScreen[ResultT]):
    """A centred box on the dimmed screen: title, content, hint and error lines."""

    DEFAULT_CSS = """
    BaseModal { align: center middle; }
    BaseModal > Vertical {
        width: 90%; max-width: 100; height: auto; max-height: 90%;
        border: round $accent; background: $surface; padding: 0 1;
    }
    BaseModal .modal-title { text-style: bold; color: $accent; width: 100%; }
    BaseModal .hint { color: $text-muted; width: 100%; }
    BaseModal .error, BaseModal Label.error {
        color: $error; background: transparent; text-style: bold; width: 100%;
    }
    """

    app = getters.app(SyncroApp)

    leads_on = False
    """Its answer leads to a next screen (set by a flow that waits on it, or by an action whose
    pick opens a write preview): keys typed between the answer and that screen are held for it
    (``ui.typeahead``), never run on the screen underneath."""
    flow: Worker | None = None  # the worker waiting on the answer, if any

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        typeahead = self.app.typeahead
        if self.leads_on and result is not None:
            typeahead.hold(after=self, flow=self.flow)
        typeahead.closing(self)
        return super().dismiss(result)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_worker_state(self.app, event)
