"""SVG snapshots of every triage screen and modal at 80x24 and 120x40 (issue 3).

Regenerate with `pytest tests/ui/test_snapshots.py --snapshot-update` after looking at the diff.
"""

from __future__ import annotations

import pytest

from syncro_tui.api.ratelimit import RateLimiter
from tests.ui.conftest import settle
from tests.ui.helpers import listing
from tests.ui.test_new_ticket_forms import search


class SteadyMeter(RateLimiter):
    """The header's budget meter depends on how many requests fell in the last minute, which
    varies with scheduling; snapshots show a fixed figure (the meter has its own tests)."""

    def status(self):
        from dataclasses import replace

        return replace(super().status(), spent=12)


@pytest.fixture
def make_app(make_app):
    return lambda **kw: make_app(limiter=SteadyMeter(150), **kw)


SIZES = [pytest.param((80, 24), id="80x24"), pytest.param((120, 40), id="120x40")]


async def _shot(app, pilot, svg_snapshot) -> None:
    """Settle, including the debounced detail fetch, so every run shows the same frame."""
    await settle(pilot)
    highlighted = listing(app).highlighted_id
    for _ in range(200):
        if highlighted is None or app.store.detail_for(highlighted) is not None:
            break
        await pilot.pause(0.01)
        await settle(pilot)
    await settle(pilot)
    app.refresh_header()
    await pilot.pause()
    svg = app.export_screenshot()
    assert svg == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_main_screen(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_main_screen_plain_mode(make_app, svg_snapshot, size):
    app = make_app(plain=True)
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_detail_full_screen(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        if size[0] < 100:
            await pilot.press("enter")
        else:
            await pilot.press("tab")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_filter_line(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"dental")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_help(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_command_palette(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"status")
        await pilot.pause(0.3)
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_status_picker(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_views_picker(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("v")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_goto_prompt(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("number_sign", "x", "enter")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_write_preview(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        current = listing(app).row_at(0).status
        options.highlighted = next(
            i for i, (v, _) in enumerate(app.screen._choices) if v != current
        )
        await pilot.press("enter")
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_customer_search(make_app, sandbox, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.press("u", *"dent")
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("down")
        for _ in range(200):
            await settle(pilot)
            if "Contacts of" in str(app.screen.query_one("#contacts").content):
                break
            await pilot.pause(0.01)
        await _shot(app, pilot, svg_snapshot)


@pytest.mark.parametrize("size", SIZES)
async def test_new_ticket_form(make_app, sandbox, svg_snapshot, size):
    customer = next(iter(sandbox.state.customers.values()))
    name = customer.business_name or customer.fullname
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await search(pilot, name[:6])
        await pilot.press("down", "enter")
        await settle(pilot)
        await pilot.press(*"Printer offline")
        await _shot(app, pilot, svg_snapshot)
