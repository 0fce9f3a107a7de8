"""Drafts under stress (issue 15): steady typing is saved at least every second, and Esc and
F2 save at once, so a crash or a killed SSH session right after loses (almost) nothing."""

from __future__ import annotations

import asyncio

from textual.widgets import Input

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
