"""``DraftModal``: every form whose text must never be lost (comment, billing, timer notes,
new ticket) is one of these.

The fields are saved as a draft per (``KIND``, id) while they are typed: 0.3 s after the last
change, and never more than a second after the first unsaved change, so steady typing
followed by a crash or a killed SSH session loses at most about a second. Esc and F2 save at
once. Reopening the form for the same id restores the draft. The draft file goes away only
when the write is confirmed (the outbox deletes it) or when the technician discards it (F8)
and says yes.
"""

from __future__ import annotations

import time
from typing import Any, ClassVar, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.timer import Timer
from textual.widgets import Button, Checkbox, Input, RadioSet, Select, Static, TextArea

from syncro_tui.core import writes
from syncro_tui.core.drafts import Drafts, is_empty
from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.app import SyncroApp
from syncro_tui.ui.screens.dialogs import PickModal
from syncro_tui.ui.screens.modal import BaseModal
from syncro_tui.ui.widgets.visibility import VisibilityField

AUTOSAVE_SECONDS = 0.3
"""Save this long after the last change..."""
AUTOSAVE_MAX_WAIT = 1.0
"""...but never later than this after the first unsaved change (steady typing)."""

ResultT = TypeVar("ResultT")


def draft_buttons() -> ComposeResult:
    yield Button("Preview (F2)", variant="primary", action="screen.preview", compact=True)
    yield Button("Discard draft (F8)", action="screen.discard", compact=True)
    yield Button("Close, keep draft (Esc)", action="screen.close", compact=True)


def not_sent_note(app: SyncroApp, kind: str, row: TicketRow, key: str) -> str:
    """What Esc (or a discard) left behind, for the notification."""
    if app.drafts.load(kind, row.id) is None:
        return "Nothing was sent."
    return f"Nothing was sent. Your draft is kept: press {key} on #{row.number} to continue."


class DraftModal(BaseModal[ResultT]):
    """A form saved as it is typed, per (``KIND``, ticket id), and restored on reopening.

    Subclasses compose the fields, return them from ``values()`` and implement
    ``action_submit`` (F2 saves, then calls it). Esc closes and keeps the draft; F8 discards
    it, asking first when anything was typed.
    """

    KIND: ClassVar[str]
    DEFAULTS: ClassVar[dict[str, Any]] = {}  # values that do not count as typed (is_empty)
    # Shared look of the forms: a fixed-height box whose form scrolls when the terminal is
    # short, one-line fields, and a multi-line text that takes the height that is left.
    DEFAULT_CSS = """
    DraftModal > Vertical { height: 90%; }
    DraftModal #form { height: 1fr; overflow-y: auto; }
    DraftModal .row { height: auto; }
    DraftModal .row > Label { width: 13; color: $text-muted; }
    DraftModal .row > Input, DraftModal .row > Select { width: 1fr; }
    DraftModal .field { color: $text-muted; }
    DraftModal TextArea { height: 1fr; min-height: 5; }
    DraftModal RadioSet { height: auto; width: 100%; }
    DraftModal #buttons { height: auto; }
    DraftModal #buttons Button { margin-right: 1; }
    """
    BINDINGS = [
        Binding("escape", "close", "Close (draft kept)", id="draft.close"),
        Binding("f2", "preview", "Preview", id="draft.preview"),
        Binding("f8", "discard", "Discard draft", id="draft.discard"),
    ]

    def __init__(
        self,
        row: TicketRow | None,
        drafts: Drafts,
        *,
        draft_id: int | None = None,
        draft: dict[str, Any] | None = None,
    ) -> None:
        """``draft_id`` keys the draft when there is no row (a ticket not in the list, a
        new ticket's customer). ``draft`` is what the form held when a flow last closed it
        (it wins over the file, which a full disk may have kept from being written)."""
        super().__init__()
        self.row = row
        self.drafts = drafts
        self.draft_id = row.id if row is not None else draft_id
        self.draft: dict[str, Any] = draft or drafts.load(self.KIND, self.draft_id) or {}
        self.discarded = False  # F8 and yes: the flow ends instead of coming back
        self.last_fields: dict[str, Any] | None = None  # the last save's fields, written or not
        self._pending: Timer | None = None
        self._unsaved_since: float | None = None

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def draft_fields(self) -> dict[str, Any]:
        """What is saved as the draft: the form's values, plus whatever else the form
        holds that was typed elsewhere (a new ticket's ticket-type answers)."""
        return self.values()

    def notes(self) -> ComposeResult:
        """Under the title: that the text came back (and how to drop it), and the keys."""
        if self.draft:
            restored = "Your unsent draft was restored; F8 discards it."
            visibility = self.draft.get("visibility")
            if visibility in writes.VISIBILITY_LABELS and visibility != "internal":
                restored = (
                    "Your unsent draft was restored, set to "
                    f"{writes.VISIBILITY_LABELS[visibility].upper()}; F8 discards it."
                )
            yield Static(restored, classes="hint", id="restored")
        yield Static(
            "F2 previews; nothing is sent until you press y. Esc keeps the draft.", classes="hint"
        )

    def error_line(self) -> Static:
        line = Static("", classes="error", id="error")
        line.display = False
        return line

    def show_error(self, message: str) -> None:
        line = self.query_one("#error", Static)
        line.update(Text(message))
        line.display = bool(message)

    # -- saving ----------------------------------------------------------------------------

    @on(Input.Changed)
    @on(TextArea.Changed)
    @on(RadioSet.Changed)
    @on(VisibilityField.Changed)
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _typed(self) -> None:
        now = time.monotonic()
        if self._unsaved_since is None:
            self._unsaved_since = now
        overdue = self._unsaved_since + AUTOSAVE_MAX_WAIT - now
        self._cancel_pending()
        if overdue <= 0:
            self.save_now()
        else:
            self._pending = self.set_timer(min(AUTOSAVE_SECONDS, overdue), self.save_now)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None

    def save_now(self) -> bool:
        """False when the draft could not be written (a full disk, say): the form then
        stays open with the text on screen instead of failing or closing."""
        self._cancel_pending()
        fields = self.last_fields = self.draft_fields()
        try:
            self.drafts.save(self.KIND, self.draft_id, fields, self.DEFAULTS)
        except OSError as exc:
            self.show_error(f"Could not save the draft ({exc}); Esc will not close this form.")
            return False
        self._unsaved_since = None
        return True

    # -- closing ---------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.save_now():
            self.dismiss(None)

    def action_preview(self) -> None:
        """F2: the draft is saved first, whatever the form then says about it."""
        self.save_now()
        self.action_submit()

    def action_discard(self) -> None:
        if is_empty(self.draft_fields(), self.DEFAULTS):
            self._discard(True)
            return
        self.app.push_screen(
            PickModal(
                "Discard this draft? What you typed will be lost.",
                [(False, "No, keep editing"), (True, "Yes, discard the draft")],
            ),
            self._discard,
        )

    def _discard(self, sure: bool | None) -> None:
        if not sure:
            return
        self._cancel_pending()
        self.drafts.discard(self.KIND, self.draft_id)
        self.discarded = True
        self.dismiss(None)

    def action_submit(self) -> None:
        raise NotImplementedError
