"""`c`: the comment modal and flow against the in-process sandbox.

What a technician would notice: the preview shows the exact request and who it is
attributed to, only `y` sends, an email to the customer is announced in red, and nothing
typed is ever lost (Esc, a crash, a failed validation, a huge or odd body).
"""

from __future__ import annotations

import contextlib
import json
import stat

import pytest
from textual.screen import Screen
from textual.widgets import Input, Static, TextArea

from syncro_tui.core.drafts import Drafts
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from syncro_tui.ui.widgets.header import StatusHeader
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen

SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]
COMMENTS = "/tickets/*/comment"


async def start(pilot) -> int:
    """The app is synced; returns the highlighted ticket's id."""
    await settle(pilot)
    return pilot.app.screen.query_one(TicketList).highlighted_id


async def shown(pilot, kind: type[Screen], *, other_than: Screen | None = None) -> Screen:
    """Wait until the flow shows a ``kind`` screen (a new one, when ``other_than`` is given).

    settle() returns as soon as some modal is on top while a write worker runs, which is also
    true in the moment between one modal closing and the flow pushing the next.
    """
    app = pilot.app
    for _ in range(300):
        await pilot.pause(0.01)
        busy = [w for w in app.workers if not w.is_finished and w.group != "write"]
        if busy:
            await app.workers.wait_for_complete(busy)
        if isinstance(app.screen, kind) and app.screen is not other_than:
            break
    else:
        raise AssertionError(f"{kind.__name__} never showed; the screen is {app.screen!r}")
    await pilot.pause()
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()
    return app.screen


async def finished(pilot) -> None:
    """Wait for the flow's worker to end (after y, r, Esc or a discard). settle() alone may
    stop early: it takes a write worker under a modal for one waiting on the user, which the
    billing progress screen is not."""
    app = pilot.app
    await pilot.pause()
    await app.workers.wait_for_complete([w for w in app.workers if w.group == "write"])
    await settle(pilot)


async def screenshot(pilot) -> str:
    """The screen as SVG, with the header's requests-per-minute brought up to date (it is
    redrawn once a second, so otherwise the picture depends on when it last ticked)."""
    main_screen(pilot.app).query_one(StatusHeader).refresh_state()
    await pilot.pause()
    return pilot.app.export_screenshot()


def text_of(screen: Screen) -> str:
    return "\n".join(str(w.content) for w in screen.query(Static) if w.display)


def messages(app) -> list[str]:
    return [n.message for n in app.notices]


def sent_json(sandbox, path_glob: str) -> list[dict]:
    from fnmatch import fnmatch

    return [r.json for r in sandbox.requests if r.method == "POST" and fnmatch(r.path, path_glob)]


async def open_comment(
    pilot, *, body: str | None = None, subject: str | None = None
) -> CommentModal:
    await pilot.press("c")
    modal = await shown(pilot, CommentModal)
    if subject is not None:
        modal.query_one("#subject", Input).value = subject
    if body is not None:
        modal.query_one("#body", TextArea).text = body
    await pilot.pause()
    return modal


# --------------------------------------------------------------------------- sending


async def test_a_sent_comment_leaves_no_draft_mark_on_its_row(make_app, sandbox):
    """The draft is discarded when the write lands, after the form has closed: the row's
    "unsent draft" mark must go then, not at the next unrelated refresh."""
    from tests.ui.helpers import screen_text

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await pilot.press("c", *"Checked the printer, toner replaced.", "f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await finished(pilot)
        assert sandbox.count("POST", COMMENTS) == 1
        assert app.drafts.ticket_ids() == set()
        assert "✎" not in screen_text(app).splitlines()[1][:4]


async def test_comment_is_previewed_sent_on_y_only_and_its_draft_removed(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        before = len(sandbox.ticket(ticket_id).comments)
        modal = await open_comment(pilot)
        assert modal.query_one("#subject", Input).value == "Update"
        assert modal.query_one("#visibility").value == "internal"  # the default
        await pilot.press(*"Rebooted the printer")
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)

        shown_text = text_of(preview)
        assert f"POST /tickets/{ticket_id}/comment" in shown_text
        expected = {
            "subject": "Update",
            "body": "Rebooted the printer",
            "hidden": True,
            "do_not_email": True,
        }
        assert json.dumps(expected, indent=2) in shown_text
        assert "Sent as Alex Rivera (user_id 101), the owner of the API key." in shown_text
        assert "This will email" not in shown_text

        await pilot.press("enter")
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmWriteModal), "Enter must not send"
        assert sandbox.count("POST", COMMENTS) == 0

        await pilot.press("y")
        await finished(pilot)
        assert sent_json(sandbox, COMMENTS) == [expected]
        comments = sandbox.ticket(ticket_id).comments
        assert len(comments) == before + 1
        assert any(c.body == "Rebooted the printer" and c.hidden for c in comments)
        assert app.drafts.load("comment", ticket_id) is None
        assert any(m.startswith("Done: Comment on #") for m in messages(app))


async def test_public_and_email_names_the_contact_in_red(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        contact = sandbox.state.contacts[sandbox.ticket(ticket_id).contact_id]
        await open_comment(pilot, body="Your printer is fixed.")
        await pilot.press("tab", "3", "f2")
        preview = await shown(pilot, ConfirmWriteModal)

        [warning] = [w for w in preview.query(".warning") if "email" in str(w.content)]
        assert str(warning.content) == f"This will email {contact.name} <{contact.email}>."
        red = warning.styles.color
        assert red.r > max(red.g, red.b) + 60, f"warning is not red: {red}"

        await pilot.press("y")
        await finished(pilot)
        [payload] = sent_json(sandbox, COMMENTS)
        assert (payload["hidden"], payload["do_not_email"]) == (False, False)


async def test_unicode_markup_and_a_100_kb_body_arrive_exactly(make_app, sandbox):
    subject = "Ünïcødé [bold]x[/] ✓"
    body = "日本語 «quotes» [red]not markup[/] \\n tab\there\n" + "0123456789abcdef\n" * 6400
    assert len(body.encode()) > 100_000
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        await open_comment(pilot, subject=subject, body=body)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert '"subject": "Ünïcødé [bold]x[/] ✓"' in text_of(preview)  # shown literally
        await pilot.press("y")
        await finished(pilot)

        [payload] = sent_json(sandbox, COMMENTS)
        assert payload["subject"] == subject and payload["body"] == body
        assert [c.body for c in sandbox.ticket(ticket_id).comments if c.subject == subject] == [
            body
        ]


# --------------------------------------------------------------------------- drafts


async def test_esc_keeps_the_draft_and_reopening_restores_it(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        await open_comment(pilot, subject="Printer")
        await pilot.press(*"Half-written note")
        await pilot.press("tab", "2")
        await pilot.pause(0.4)  # the autosave fires: a crash now loses nothing
        on_disk = Drafts(app.drafts.folder).load("comment", ticket_id)
        assert on_disk == {
            "subject": "Printer",
            "body": "Half-written note",
            "visibility": "public",
        }

        await pilot.press("escape")
        await finished(pilot)
        assert not isinstance(app.screen, CommentModal)
        assert any("Your draft is kept" in m for m in messages(app))
        assert sandbox.count("POST", COMMENTS) == 0

        modal = await open_comment(pilot)
        assert modal.query_one("#subject", Input).value == "Printer"
        assert modal.query_one("#body", TextArea).text == "Half-written note"
        assert modal.query_one("#visibility").value == "public"
        assert "Your unsent draft was restored" in text_of(modal)


async def test_discarding_a_draft_asks_first(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        await open_comment(pilot, body="Keep me?")
        await pilot.press("f8")
        await shown(pilot, PickModal)
        await pilot.press("enter")  # the first answer is "No, keep editing"
        modal = await shown(pilot, CommentModal)
        assert modal.query_one("#body", TextArea).text == "Keep me?"

        await pilot.press("f8")
        await shown(pilot, PickModal)
        await pilot.press("down", "enter")
        await finished(pilot)
        assert not isinstance(app.screen, (CommentModal, PickModal))
        assert app.drafts.load("comment", ticket_id) is None
        assert messages(app)[-1] == "Nothing was sent."
        assert sandbox.count("POST", COMMENTS) == 0


async def test_empty_subject_or_body_is_explained_and_nothing_is_lost(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        modal = await open_comment(pilot, subject="", body="The body stays")
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert "The subject is empty: type something before sending." in text_of(modal)
        assert modal.query_one("#body", TextArea).text == "The body stays"

        modal.query_one("#subject", Input).value = "Update"
        modal.query_one("#body", TextArea).text = "  \n "
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert "The comment body is empty" in text_of(modal)
        assert "The subject is empty" not in text_of(modal)
        assert modal.query_one("#subject", Input).value == "Update"
        assert sandbox.count("POST", COMMENTS) == 0


# --------------------------------------------------------------------------- $EDITOR


@pytest.fixture
def editor(tmp_path, monkeypatch):
    """$EDITOR is a script that appends to the file it is given."""
    script = tmp_path / "editor.sh"
    script.write_text('#!/bin/sh\nprintf " and more from the editor\\n" >> "$1"\n')
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", str(script))
    return script


async def test_f4_edits_the_body_in_the_editor(make_app, editor):
    app = make_app()
    app.suspend = contextlib.nullcontext  # a headless test terminal cannot hand over
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        modal = await open_comment(pilot, body="Typed here")
        await pilot.press("f4")
        await pilot.pause()
        assert modal.query_one("#body", TextArea).text == "Typed here and more from the editor"


async def test_a_missing_editor_is_explained_and_the_text_kept(make_app, monkeypatch):
    monkeypatch.delenv("VISUAL", raising=False)
    monkeypatch.setenv("EDITOR", "/nowhere/editor --wait")
    app = make_app()
    app.suspend = contextlib.nullcontext
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        modal = await open_comment(pilot, body="Typed here")
        await pilot.press("f4")
        await pilot.pause()
        assert "Editor '/nowhere/editor' was not found. Set $EDITOR" in text_of(modal)
        assert modal.query_one("#body", TextArea).text == "Typed here"


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", SIZES)
async def test_comment_modal_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await open_comment(
            pilot, body="Rebooted the [bold]printer[/] and cleared the queue.\nUser confirmed."
        )
        await shown(pilot, CommentModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_comment_preview_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await open_comment(pilot, body="Your printer is fixed: the queue was stuck.")
        await pilot.press("tab", "3", "f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot
