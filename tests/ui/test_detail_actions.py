"""80x24: the full-screen detail is no dead end; every ticket action works from it."""

from __future__ import annotations

import pytest

from syncro_tui.ui.screens.billing import BillingModal
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.detail import DetailScreen
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from tests.ui.conftest import settle
from tests.ui.helpers import listing


async def until(pilot, predicate, tries: int = 300) -> None:
    for _ in range(tries):
        await pilot.pause(0.01)
        if predicate():
            return
    raise AssertionError("the screen never got there")


async def open_third(pilot):
    app = pilot.app
    await settle(pilot)
    await pilot.press("j", "j", "enter")
    await settle(pilot)
    assert isinstance(app.screen, DetailScreen)
    return listing(app).row_at(2)


@pytest.mark.parametrize(
    ("key", "modal"),
    [
        ("c", CommentModal),
        ("b", BillingModal),
        ("s", PickModal),
        ("a", PickModal),
        ("p", PickModal),
        ("x", ConfirmWriteModal),
    ],
)
async def test_ticket_keys_work_from_the_full_screen_detail(make_app, key, modal):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        row = await open_third(pilot)
        await pilot.press(key)
        await until(pilot, lambda: isinstance(app.screen, modal))
        await settle(pilot)
        title = str(app.screen.query_one(".modal-title").render())
        assert f"#{row.number}" in title
        await pilot.press("escape")
        await until(pilot, lambda: isinstance(app.screen, DetailScreen))
        await pilot.press("escape")
        await settle(pilot)
        assert listing(app).highlighted_id == row.id  # back where it was


async def test_timer_starts_on_the_ticket_shown(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        row = await open_third(pilot)
        await pilot.press("t")
        await settle(pilot)
        assert app.store.timer is not None and app.store.timer.ticket_id == row.id
        assert isinstance(app.screen, DetailScreen)
