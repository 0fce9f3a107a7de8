"""The footer: the work on the ticket first, and only whole keys (no key under Ctrl+P)."""

from __future__ import annotations

import pytest
from textual.widgets._footer import FooterKey

from syncro_tui.ui.widgets.footer import KeyFooter, key_width, order
from tests.ui.conftest import settle

WORK = ["Comment", "Bill", "Timer", "Take", "Edit", "Status", "Resolve"]


def keys(app) -> list[FooterKey]:
    return list(app.screen.query_one(KeyFooter).query(FooterKey))


def assert_whole(app, width: int) -> None:
    shown = keys(app)
    palette = shown[-1]
    assert "-command-palette" in palette.classes and palette.region.right <= width
    for key in shown[:-1]:  # none runs under the docked Ctrl+P key
        assert key.region.right <= palette.region.x, key.description


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
async def test_every_screen_shows_whole_keys_work_first(make_app, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        shown = [k.description for k in keys(app)]
        assert shown[:7] == WORK and "Open" in shown
        assert_whole(app, size[0])
        await pilot.press("w")  # the write log
        await settle(pilot)
        await pilot.pause(0.2)
        assert "Help" in [k.description for k in keys(app)]  # whole, not "Hel"
        assert_whole(app, size[0])
        await pilot.press("escape")
        await settle(pilot)
        if size[0] < 100:  # Enter opens the ticket full screen: its work first, Back kept
            await pilot.press("enter")
            await settle(pilot)
            await pilot.pause(0.2)
            shown = [k.description for k in keys(app)]
            assert shown[:7] == WORK and "Back" in shown
            assert_whole(app, size[0])


def test_order_and_widths():
    from textual.binding import Binding

    bindings = [
        Binding("enter", "select", "Open", id="ticket_list.select"),
        Binding("n", "new", "New", id="new_ticket"),
        Binding("x", "resolve", "Resolve", id="resolve"),
        Binding("c", "comment", "Comment", id="comment"),
    ]
    assert [b.id for b in order(bindings)] == [
        "comment",
        "resolve",
        "ticket_list.select",
        "new_ticket",
    ]
    assert key_width("c", "Comment", compact=False) == 11  # " c " + "Comment "
    assert key_width("c", "Comment", compact=True) == 10  # "c Comment" + a margin


async def test_the_filter_box_footer_says_how_out(make_app):
    from tests.ui.helpers import listing

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("slash", *"print")
        await settle(pilot)
        await pilot.pause(0.2)
        shown = [k.description for k in keys(app)]
        assert shown[:2] == ["To the list", "Clear"]
        assert_whole(app, 80)
        lst = listing(app)
        await pilot.press("enter")  # back to the list, the filter kept
        await settle(pilot)
        assert app.focused is lst and lst.filter_text == "print"
        await pilot.press("slash", "escape")  # Esc clears it
        await settle(pilot)
        assert lst.filter_text == "" and app.focused is lst


@pytest.mark.parametrize("plain", [True, False])
async def test_enter_reads_as_enter_in_plain_mode(make_app, plain):
    """In ASCII the one-cell stand-in for the Enter glyph would be "<", the list's own mark
    for "the customer spoke last": plain mode spells the key out instead."""
    app = make_app(plain=plain)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.pause(0.2)
        opened = next(k for k in keys(app) if k.description == "Open")
        assert opened.key_display == ("enter" if plain else "\u23ce")


async def test_keys_close_up_below_100_columns_and_open_again(make_app):
    """The keys are made in their final compact state (the palette key always compact, as
    Textual's), and follow the width both ways."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for width, compact in ((80, True), (120, False), (99, True), (100, False)):
            await pilot.resize_terminal(width, 30)
            await settle(pilot)
            await pilot.pause(0.2)
            *work, palette = keys(app)
            assert work and all(key.has_class("-compact") is compact for key in work), width
            assert all(key.compact is compact for key in work), width
            assert palette.has_class("-compact") and palette.compact
            assert_whole(app, width)
