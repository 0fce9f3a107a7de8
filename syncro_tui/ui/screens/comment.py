"""`c`: comment on the highlighted ticket.

``CommentModal`` collects subject, body and visibility; ``CommentFlow`` builds the exact
request and hands it to ``app.send_with_preview`` (endpoint, JSON, attribution, and in red
who gets emailed), which sends only on `y`.

What is typed is never lost: ``DraftModal`` (shared with the billing modal) saves the fields
about 300 ms after the last keystroke and restores them when the modal reopens for that
ticket, after Esc, a crash or a killed terminal. The draft file goes away only when the
write is confirmed (the outbox deletes it) or when the technician discards it and says yes.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.timer import Timer
from textual.widgets import (
    Button,
    Checkbox,
    Input,
    Label,
    RadioButton,
    RadioSet,
    Select,
    Static,
    TextArea,
)

from syncro_tui.core import writes
from syncro_tui.core.drafts import Drafts, is_empty
from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.screens.dialogs import MODAL_CSS, PickModal

AUTOSAVE_SECONDS = 0.3
DEFAULT_SUBJECT = "Update"

# Shared look of the draft modals: a fixed-height box whose form scrolls when the terminal
# is short, one-line fields, and a multi-line text that takes the height that is left.
DRAFT_CSS = """
{name} > Vertical {{ height: 90%; }}
{name} #form {{ height: 1fr; overflow-y: auto; }}
{name} .row {{ height: auto; }}
{name} .row > Label {{ width: 13; color: $text-muted; }}
{name} .row > Input, {name} .row > Select {{ width: 1fr; }}
{name} .field {{ color: $text-muted; }}
{name} TextArea {{ height: 1fr; min-height: 5; }}
{name} RadioSet {{ height: auto; width: 100%; }}
{name} #buttons {{ height: auto; }}
{name} #buttons Button {{ margin-right: 1; }}
"""


class EditorError(Exception):
    """The external editor could not be used; the message says why (text unchanged)."""


def edit_externally(app: Any, text: str) -> str:
    """Hand ``text`` to $VISUAL / $EDITOR (vi when neither is set) and return the result.

    The file is private (mkstemp makes it 0600: it holds customer details) and removed
    afterwards. The one newline most editors add at the end is taken off again, so a round
    trip without edits changes nothing.
    """
    setting = (os.environ.get("VISUAL") or os.environ.get("EDITOR") or "").strip() or "vi"
    try:
        command = shlex.split(setting)
    except ValueError as exc:
        raise EditorError(f"Cannot read the editor setting {setting!r}: {exc}.") from exc
    fd, name = tempfile.mkstemp(prefix="syncro-tui-", suffix=".txt")
    path = Path(name)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        try:
            with app.suspend():
                code = subprocess.call([*command, str(path)])
        except FileNotFoundError:
            raise EditorError(
                f"Editor {command[0]!r} was not found. Set $EDITOR (for example "
                "export EDITOR=nano); your text is unchanged."
            ) from None
        except SuspendNotSupported:
            raise EditorError(
                "This terminal cannot hand over to an editor; type the text here."
            ) from None
        if code != 0:
            raise EditorError(f"{command[0]} exited with status {code}; your text is unchanged.")
        edited = path.read_text(encoding="utf-8")
    finally:
        path.unlink(missing_ok=True)
    if edited.endswith("\n") and not text.endswith("\n"):
        edited = edited[:-1]
    return edited


def draft_buttons() -> ComposeResult:
    yield Button("Preview (F2)", variant="primary", action="screen.submit", compact=True)
    yield Button("Discard draft (F8)", action="screen.discard", compact=True)
    yield Button("Close, keep draft (Esc)", action="screen.close", compact=True)


def visibility_choice(current: str) -> RadioSet:
    """The three visibilities as an explicit choice (internal unless the draft says else)."""
    if current not in writes.VISIBILITIES:
        current = "internal"
    return RadioSet(
        *(
            RadioButton(label, value=key == current, id=f"vis-{key}")
            for key, label in writes.VISIBILITY_LABELS.items()
        ),
        id="visibility",
        compact=True,
    )


def chosen_visibility(radios: RadioSet) -> str:
    pressed = radios.pressed_button
    return pressed.id.removeprefix("vis-") if pressed is not None and pressed.id else "internal"


class DraftModal(ModalScreen[Any]):
    """A form saved as it is typed, per (``KIND``, ticket id), and restored on reopening.

    Subclasses compose the fields, return them from ``values()`` and implement
    ``action_submit``. Esc closes and keeps the draft; F8 discards it, asking first when
    anything was typed.
    """

    KIND: ClassVar[str]
    DEFAULTS: ClassVar[dict[str, Any]]  # values that do not count as typed (is_empty)
    BINDINGS = [
        Binding("escape", "close", "Close (draft kept)", id="draft.close"),
        Binding("f2", "submit", "Preview", id="draft.preview"),
        Binding("f8", "discard", "Discard draft", id="draft.discard"),
    ]

    def __init__(self, row: TicketRow, drafts: Drafts) -> None:
        super().__init__()
        self.row = row
        self.drafts = drafts
        self.draft: dict[str, Any] = drafts.load(self.KIND, row.id) or {}
        self._pending: Timer | None = None

    def values(self) -> dict[str, Any]:
        raise NotImplementedError

    def notes(self) -> ComposeResult:
        """Under the title: that the text came back (and how to drop it), and the keys."""
        if self.draft:
            yield Static(
                "Your unsent draft was restored; F8 discards it.", classes="hint", id="restored"
            )
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
    @on(Select.Changed)
    @on(Checkbox.Changed)
    def _typed(self) -> None:
        self._cancel_pending()
        self._pending = self.set_timer(AUTOSAVE_SECONDS, self.save_now)

    def _cancel_pending(self) -> None:
        if self._pending is not None:
            self._pending.stop()
            self._pending = None

    def save_now(self) -> bool:
        """False when the draft could not be written (a full disk, say): the form then
        stays open with the text on screen instead of failing or closing."""
        self._cancel_pending()
        try:
            self.drafts.save(self.KIND, self.row.id, self.values(), self.DEFAULTS)
        except OSError as exc:
            self.show_error(f"Could not save the draft ({exc}); Esc will not close this form.")
            return False
        return True

    # -- closing ---------------------------------------------------------------------------

    def action_close(self) -> None:
        if self.save_now():
            self.dismiss(None)

    def action_discard(self) -> None:
        if is_empty(self.values(), self.DEFAULTS):
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
        self.drafts.discard(self.KIND, self.row.id)
        self.dismiss(None)

    def action_submit(self) -> None:
        raise NotImplementedError


@dataclass(frozen=True)
class CommentForm:
    subject: str
    body: str
    visibility: str


class CommentModal(DraftModal):
    """Subject, body and visibility. F2 goes to the preview; Enter never submits."""

    KIND = "comment"
    DEFAULTS = {"subject": DEFAULT_SUBJECT, "visibility": "internal"}
    DEFAULT_CSS = MODAL_CSS.format(name="CommentModal") + DRAFT_CSS.format(name="CommentModal")
    BINDINGS = [Binding("f4", "editor", "Edit in $EDITOR", id="comment.editor")]

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical():
            yield Label(
                Text(f"Comment on #{self.row.number}: {self.row.subject}"), classes="modal-title"
            )
            yield from self.notes()
            with Vertical(id="form"):
                with Horizontal(classes="row"):
                    yield Label("Subject")
                    yield Input(d.get("subject", DEFAULT_SUBJECT), id="subject", compact=True)
                yield Label("Body (F4 opens your $EDITOR)", classes="field")
                yield TextArea(d.get("body", ""), id="body")
                yield Label("Visibility", classes="field")
                yield visibility_choice(d.get("visibility", "internal"))
            yield self.error_line()
            with Horizontal(id="buttons"):
                yield from draft_buttons()

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()

    def values(self) -> dict[str, Any]:
        return {
            "subject": self.query_one("#subject", Input).value,
            "body": self.query_one("#body", TextArea).text,
            "visibility": chosen_visibility(self.query_one("#visibility", RadioSet)),
        }

    @on(Input.Submitted, "#subject")
    def _subject_done(self, event: Input.Submitted) -> None:
        event.stop()
        self.query_one("#body", TextArea).focus()

    def action_editor(self) -> None:
        body = self.query_one("#body", TextArea)
        try:
            body.text = edit_externally(self.app, body.text)
        except EditorError as exc:
            self.show_error(str(exc))
            return
        self.show_error("")
        body.focus()

    def action_submit(self) -> None:
        values = self.values()
        try:
            writes.comment_payload(values["subject"], values["body"], values["visibility"])
        except ValueError as exc:
            self.show_error(str(exc))
            field = "#subject" if not values["subject"].strip() else "#body"
            self.query_one(field).focus()
            return
        if not self.save_now():  # the draft must be safe before anything is sent; save_now said why
            return
        self.dismiss(CommentForm(values["subject"], values["body"], values["visibility"]))


def not_sent_note(app: Any, kind: str, row: TicketRow, key: str) -> str:
    """What Esc (or a discard) left behind, for the notification."""
    if app.drafts.load(kind, row.id) is None:
        return "Nothing was sent."
    return f"Nothing was sent. Your draft is kept: press {key} on #{row.number} to continue."


class CommentFlow:
    """Modal -> preview (with the email warning) -> send on `y`, in one write worker."""

    def __init__(self, app: Any, row: TicketRow) -> None:
        self.app = app
        self.row = row

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="comment")

    async def run(self) -> None:
        app, row = self.app, self.row
        form = await app.push_screen_wait(CommentModal(row, app.drafts))
        if form is None:
            app.notify(not_sent_note(app, "comment", row, "c"), markup=False)
            return
        intent = writes.comment(row.id, form.subject, form.body, form.visibility, number=row.number)
        warnings = []
        if writes.emails_customer(intent):
            warnings.append(await self.email_warning(intent))
        await app.send_with_preview(
            f"Comment on #{row.number}", [intent], warnings=warnings, draft_key=("comment", row.id)
        )

    async def email_warning(self, intent: writes.WriteIntent) -> str:
        """Names the contact who will get the email (loads the ticket if it is not cached)."""
        detail = self.app.store.detail_for(self.row.id)
        if detail is None:
            try:
                detail = await self.app.session.fetch_detail(self.row.id)
            except Exception as exc:
                return f"This will email the customer (could not load the contact: {exc})."
        return email_warning(intent, detail, self.row)


def email_warning(intent: writes.WriteIntent, detail: Any, row: TicketRow) -> str:
    """The red preview line for a comment that emails the customer: the ticket's contact
    by name and address, so a wrong recipient is caught before `y`."""
    contact = detail.contact
    name = (contact.name if contact is not None else "") or row.contact_name
    address = contact.email if contact is not None else None
    return writes.email_warning(intent, name, address) or ""
