"""``BaseModal``: what every modal of the app shares (the typed app, the look of the box, and
its workers' errors forwarded to the app's one route, ``SyncroApp.report_failure``).

Subclasses put their content in one ``Vertical`` and add only their own rules to
``DEFAULT_CSS``; Textual matches ``BaseModal`` selectors on every subclass, and a subclass's
rules win over these. Colours are theme variables only.
"""

from __future__ import annotations

from typing import TypeVar

from textual import getters
from textual.screen import ModalScreen
from textual.worker import Worker

from syncro_tui.ui.app import SyncroApp
from syncro_tui.ui.screens.base import forward_worker_error

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

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        forward_worker_error(self.app, event)
