"""`c`: comment on the highlighted ticket.

``CommentModal`` collects subject, body and visibility; ``CommentFlow`` builds the exact
request and hands it to ``app.send_with_preview`` (endpoint, JSON, attribution, and in red
who gets emailed), which sends only on `y`.

What is typed is never lost: ``CommentModal`` is a ``DraftModal`` (ui/screens/draft_modal.py),
saved as it is typed and restored when it reopens for that ticket.
"""

from __future__ import annotations

import logging
import os
import shlex
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult, SuspendNotSupported
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import (
    Input,
    Label,
    TextArea,
)

from syncro_tui.api.errors import SyncroError
from syncro_tui.core import comments, writes
from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.screens.dialogs import PickModal
from syncro_tui.ui.screens.draft_modal import DraftModal, draft_buttons, not_sent_note
from syncro_tui.ui.widgets.visibility import VisibilityField

DEFAULT_SUBJECT = "Update"

log = logging.getLogger("syncro_tui.ui")


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


def visibility_choice(current: str) -> VisibilityField:
    """The visibility as words (internal unless the draft says else); see VisibilityField."""
    return VisibilityField(current, id="visibility")


def chosen_visibility(field: VisibilityField) -> str:
    return field.value


@dataclass(frozen=True)
class CommentForm:
    subject: str
    body: str
    visibility: str


class CommentModal(DraftModal[CommentForm | None]):
    """Subject, body and visibility. F2 goes to the preview; Enter never submits."""

    row: TicketRow  # always opened on a ticket of the list

    KIND = "comment"
    DEFAULTS = {"subject": DEFAULT_SUBJECT, "visibility": "internal"}
    BINDINGS = [
        Binding("f4", "editor", "Edit in $EDITOR", id="comment.editor"),
        Binding("f5", "canned", "Canned response", id="comment.canned"),
    ]

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
                yield Label(Text(self.body_label()), classes="field", id="body-label")
                yield TextArea(d.get("body", ""), id="body")
                yield visibility_choice(d.get("visibility", "internal"))
            yield self.error_line()
            with Horizontal(id="buttons"):
                yield from draft_buttons()

    def on_mount(self) -> None:
        self.query_one("#body", TextArea).focus()

    def canned_allowed(self) -> bool:
        return not getattr(self.app, "canned_denied", False)

    def body_label(self) -> str:
        canned = ", F5 inserts a canned response" if self.canned_allowed() else ""
        return f"Body (F4 opens your $EDITOR{canned})"

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "canned" and not self.canned_allowed():
            return None  # hidden: the key may not read canned responses (said once)
        return True

    def action_canned(self) -> None:
        if self.canned_allowed() and getattr(self.app, "session", None) is not None:
            self.run_worker(self._insert_canned(), group="canned", exclusive=True)

    async def _insert_canned(self) -> None:
        """Search (GET /canned_responses?query=), pick, insert at the cursor with the
        ticket's names and number filled in. Nothing is sent."""
        from syncro_tui.api.errors import PermissionDenied
        from syncro_tui.core import canned
        from syncro_tui.ui.screens.dialogs import AskModal

        app = self.app
        query = await app.push_screen_wait(
            AskModal(
                "Canned responses: search (Enter lists them all)",
                placeholder="printer, password, onsite...",
                validate=lambda _v: None,
            )
        )
        if query is None:
            return
        try:
            found = await app.session.canned_responses(query)
            try:
                categories = await app.session.canned_categories()
            except SyncroError as exc:  # names are a nicety; responses carry category_name
                log.info("canned response categories not loaded: %s", exc)
                categories = {}
        except PermissionDenied:
            app.canned_denied = True
            self.query_one("#body-label", Label).update(Text(self.body_label()))
            self.refresh_bindings()
            app.notify(
                f"This API key may not read canned responses (Syncro needs "
                f"'{canned.PERMISSION}' even to read them); F5 is hidden for this session. "
                "syncro-tui doctor checks it.",
                title="Canned responses",
                severity="warning",
                markup=False,
                timeout=15,
            )
            return
        except Exception as exc:
            self.show_error(f"Could not load canned responses: {exc}")
            return
        if not found:
            self.show_error(f"No canned response matches {query!r}.")
            return
        for response in found:
            if not response.category_name and response.canned_response_category_id in categories:
                response.category_name = categories[response.canned_response_category_id]
        picked = await app.push_screen_wait(
            PickModal(
                f"Insert which canned response ({len(found)})?",
                [(r, canned.choice_label(r)) for r in found],
            )
        )
        if picked is None:
            return
        detail = app.store.detail_for(self.row.id)
        me = getattr(app.store, "me", None)
        values = canned.ticket_values(detail, self.row, getattr(me, "user_name", "") or "")
        text, unfilled = canned.fill(picked.body or "", values)
        body = self.query_one("#body", TextArea)
        body.insert(text)
        body.focus()
        subject = self.query_one("#subject", Input)
        notes = [f"Inserted {picked.title!r}."]
        if picked.subject and subject.value.strip() in ("", DEFAULT_SUBJECT):
            subject.value = picked.subject
            notes.append(f"Subject set to {picked.subject!r}.")
        if unfilled:
            notes.append(f"Left as written (unknown placeholders): {', '.join(unfilled)}.")
        self.show_error("")
        app.notify(" ".join(notes), markup=False)

    def values(self) -> dict[str, Any]:
        return {
            "subject": self.query_one("#subject", Input).value,
            "body": self.query_one("#body", TextArea).text,
            "visibility": chosen_visibility(self.query_one("#visibility", VisibilityField)),
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


class CommentFlow:
    """Modal -> preview (who is emailed, status changes, same text twice) -> send on `y`.

    n or Esc in the preview goes back to the form with everything kept.
    """

    def __init__(self, app: Any, row: TicketRow) -> None:
        self.app = app
        self.row = row

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="comment")

    async def run(self) -> None:
        app, row = self.app, self.row
        while True:
            form = await app.push_screen_wait(CommentModal(row, app.drafts))
            if form is None:
                app.notify(not_sent_note(app, "comment", row, "c"), markup=False)
                return
            intent = writes.comment(
                row.id, form.subject, form.body, form.visibility, number=row.number
            )
            warnings: list[str] = []
            if writes.emails_customer(intent):
                warnings.extend(await self.email_warnings(intent))
            status_line = comments.status_change_line(form.subject, row.status)
            if status_line:
                warnings.append(status_line)
            repeat = self.same_text_line(form)
            if repeat:
                warnings.insert(0, repeat)
            if await app.confirm_writes(
                f"Comment on #{row.number}", [intent], warnings=warnings, repeat=repeat
            ):
                break
        await app.send_confirmed(
            [intent], draft_key=("comment", row.id), allow_duplicate=bool(repeat)
        )

    def same_text_line(self, form: CommentForm) -> str:
        session = self.app.session
        if session is None:
            return ""
        now = self.app.clock()
        try:
            entries = session.recent_writes(now - comments.SAME_TEXT_WINDOW)
        except Exception as exc:  # a journal that cannot be read is reported by the send itself
            log.warning("recent writes not read for the same-text check: %s", exc)
            return ""
        entry = comments.same_text(entries, self.row.id, form.subject, form.body, now)
        if entry is None:
            return ""
        when = time.strftime("%H:%M", time.localtime(entry.sent_at or entry.created_at))
        day = time.strftime("%Y-%m-%d", time.localtime(entry.sent_at or entry.created_at))
        return (
            f"This exact comment (same subject and body) already landed on #{self.row.number} "
            f"at {when} on {day} from this machine."
        )

    async def email_warnings(self, intent: writes.WriteIntent) -> list[str]:
        """Who Syncro will email (loads the ticket if it is not cached), and in red when
        nobody will get it."""
        detail = self.app.store.detail_for(self.row.id)
        if detail is None:
            try:
                detail = await self.app.session.fetch_detail(self.row.id)
            except SyncroError as exc:
                return [
                    f"This will email the customer; who could not be checked ({exc}). "
                    "Choose 'Public, no email' if you are not sure."
                ]
        return email_warning_lines(intent, detail)


def email_warning_lines(intent: writes.WriteIntent, detail: Any) -> list[str]:
    """The red preview lines for a comment that emails the customer: the address(es)
    Syncro will email (the ticket's contact, else the customer), or that nobody will get
    it (no address, or the customer is set to No Email)."""
    found = comments.recipients(getattr(detail, "contact", None), getattr(detail, "customer", None))
    return comments.email_lines(intent, found)
