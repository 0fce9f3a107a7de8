"""Type-ahead: keys that arrive while a screen, modal or input opens go to it, in order.

Keys are posted in one burst (as a laggy SSH link delivers them), not with `pilot.press`,
which waits for the app to go idle after each key.
"""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from syncro_tui.ui.screens.billing import BillingModal
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.customer import CustomerSearchModal
from syncro_tui.ui.screens.dialogs import AskModal, ConfirmWriteModal, PickModal
from syncro_tui.ui.screens.main import MainScreen
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing, main_screen


async def until(pilot, predicate, tries: int = 300) -> None:
    for _ in range(tries):
        await pilot.pause(0.01)
        if predicate():
            return
    raise AssertionError("the screen never got there")


async def test_slash_then_letters_in_one_burst_types_into_the_filter(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "/wif")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).query_one("#filter", Input).value == "wif"


async def test_slash_print_filters_and_opens_no_priority_picker(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "/print")
        await settle(pilot)
        assert isinstance(app.screen, MainScreen)
        assert main_screen(app).query_one("#filter", Input).value == "print"


@pytest.mark.parametrize(
    ("keys", "modal", "selector", "typed"),
    [
        ("#1041", AskModal, "#answer", "1041"),
        ("fprinter", AskModal, "#answer", "printer"),
        ("uacme", CustomerSearchModal, "#query", "acme"),
        ("nacme", CustomerSearchModal, "#query", "acme"),
    ],
    ids=["goto", "search", "customer", "new-ticket"],
)
async def test_keys_after_an_opener_go_into_its_box(make_app, keys, modal, selector, typed):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, keys)
        await until(pilot, lambda: isinstance(app.screen, modal))
        await settle(pilot)
        assert app.screen.query_one(selector, Input).value == typed
        assert isinstance(app.screen_stack[-2], MainScreen)  # nothing else opened


async def test_comment_text_typed_at_once_lands_in_the_body(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        burst(app, "cthe printer works")
        await until(pilot, lambda: isinstance(app.screen, CommentModal))
        await settle(pilot)
        assert app.screen.query_one("#body", TextArea).text == "the printer works"
        assert isinstance(app.screen_stack[-2], MainScreen)


async def test_billing_minutes_typed_at_once_land_in_minutes(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "b30")
        await until(pilot, lambda: isinstance(app.screen, BillingModal))
        await settle(pilot)
        assert app.screen.query_one("#minutes", Input).value == "30"


async def test_a_picker_gets_the_keys_and_a_typed_y_never_confirms_the_preview(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(sandbox.requests)
        clipboard = app.clipboard
        burst(app, ["s", "down", "enter", "y", "y"])
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmWriteModal)  # still waiting for a fresh y
        assert not [r for r in sandbox.requests[before:] if r.method == "PUT"]
        assert app.clipboard == clipboard  # nor did it run the list's y (copy the number)
        await pilot.press("n")
        await settle(pilot)
        assert not isinstance(app.screen, (ConfirmWriteModal, PickModal))


async def test_y_typed_right_after_resolve_never_sends(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = len(sandbox.requests)
        burst(app, "xy")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        await pilot.pause(0.1)
        assert isinstance(app.screen, ConfirmWriteModal)
        assert not [r for r in sandbox.requests[before:] if r.method == "PUT"]
        await pilot.press("y")  # a y pressed with the preview on screen sends
        await settle(pilot)
        assert [r for r in sandbox.requests[before:] if r.method == "PUT"]


async def test_picking_the_current_status_opens_nothing_and_the_next_key_runs(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        first = listing(app).highlighted_id
        burst(app, ["s", "enter", "j"])  # the current status is highlighted: no change, no preview
        await until(pilot, lambda: listing(app).highlighted_id != first)
        assert isinstance(app.screen, MainScreen)
        assert listing(app).highlighted_id == listing(app).row_at(1).id


async def test_keys_typed_right_after_a_flow_pick_go_to_the_next_form(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("x")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        await pilot.press("y")  # resolve it; the flow then asks about a session log
        await until(pilot, lambda: isinstance(app.screen, PickModal))
        await settle(pilot)
        burst(app, ["enter", *" fixed", "c"])  # Yes, then type at once: `c` is not a comment here
        await until(pilot, lambda: isinstance(app.screen, AskModal))
        await settle(pilot)
        box = app.screen.query_one("#answer", Input)
        assert box.value.endswith(" fixedc")
        assert not isinstance(app.screen_stack[-2], CommentModal)
        assert isinstance(app.screen_stack[-2], MainScreen)
