"""Drafts under stress (issue 15): steady typing is saved at least every second, and Esc and
F2 save at once, so a crash or a killed SSH session right after loses (almost) nothing."""

from __future__ import annotations

import asyncio

import pytest
from textual.widgets import Input, TextArea

from syncro_tui.core.drafts import Drafts
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.draft_modal import AUTOSAVE_MAX_WAIT, AUTOSAVE_SECONDS
from tests.ui.conftest import settle
from tests.ui.helpers import listing

TYPED = "steady typing, no pause"


async def _open_comment(pilot) -> tuple[int, CommentModal]:
    await settle(pilot)
    ticket_id = listing(pilot.app).highlighted_id
    await pilot.press("c")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CommentModal)
    return ticket_id, pilot.app.screen


def _on_disk(app, ticket_id: int) -> dict | None:
    """What a fresh process would find after a kill -9 now."""
    return Drafts(app.drafts.folder).load("comment", ticket_id)


async def test_steady_typing_is_saved_without_waiting_for_a_pause(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id, _modal = await _open_comment(pilot)
        gap = AUTOSAVE_SECONDS / 2  # never long enough for the debounce alone
        keys = int(2 * AUTOSAVE_MAX_WAIT / gap) + 1
        for char in TYPED[:keys]:
            await pilot.press("space" if char == " " else char)
            await asyncio.sleep(gap)
        saved = _on_disk(app, ticket_id)
        assert saved is not None, "nothing was saved while typing steadily"
        assert saved["body"] and TYPED.startswith(saved["body"])


async def test_esc_saves_at_once(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id, _modal = await _open_comment(pilot)
        await pilot.press(*"gone", "escape")
        assert _on_disk(app, ticket_id)["body"] == "gone"


async def test_f2_saves_at_once_even_when_the_form_is_refused(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id, modal = await _open_comment(pilot)
        modal.query_one("#subject", Input).value = ""
        await pilot.press(*"kept", "f2")
        assert app.screen is modal  # refused: the subject is empty
        assert _on_disk(app, ticket_id)["body"] == "kept"


@pytest.mark.parametrize("kind", ["comment", "billing"])
async def test_on_a_full_disk_f2_and_esc_keep_the_form_and_its_text(
    make_app, sandbox, monkeypatch, kind
):
    """The draft file cannot be written (a full disk): F2 does not preview (the draft must be
    safe before anything is sent) and Esc does not close; both say why, the typed text stays
    on screen, and nothing is sent."""
    from tests.ui.test_billing import open_billing
    from tests.ui.test_comment import open_comment

    typed = "Typed while the disk was full"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)

        def disk_full(*_args, **_kwargs):
            raise OSError(28, "No space left on device")

        monkeypatch.setattr(app.drafts, "save", disk_full)
        before = len(sandbox.requests)
        if kind == "comment":
            modal = await open_comment(pilot, body=typed)
            field = "#body"
        else:
            modal = await open_billing(pilot, description=typed)
            field = "#description"
        for key in ("f2", "escape"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is modal, f"{key} left the form on a full disk"
            error = str(modal.query_one("#error").content)
            assert "Could not save the draft" in error and "No space left" in error
            widget = modal.query_one(field)
            assert (widget.text if isinstance(widget, TextArea) else widget.value) == typed
        writes = [r for r in sandbox.requests[before:] if r.method in ("POST", "PUT")]
        assert writes == []
