"""The action catalogue is the one source of footer, help and command palette (issue 9, item 6)."""

from __future__ import annotations

import pytest
from textual.binding import Binding

from syncro_tui.ui import actions
from syncro_tui.ui.app import SyncroApp
from syncro_tui.ui.commands import ACTIONS, TicketCommands
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.help import DOES, HelpScreen, binding_rows
from syncro_tui.ui.screens.main import MainScreen
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.conftest import settle

OWNERS = (MainScreen, TicketList, SyncroApp)
LIST_NAVIGATION = {a.id for a in actions.TICKET_LIST}


def _bindings(owner: type) -> list[Binding]:
    return [b for b in owner.BINDINGS if isinstance(b, Binding)]


def test_every_binding_has_an_id_and_a_line_in_help():
    help_ids = {bid for _keys, _does, bid in binding_rows({})}
    for owner in OWNERS:
        for binding in _bindings(owner):
            assert binding.id, f"{owner.__name__}: {binding.key} has no binding id"
            assert binding.id in help_ids
            assert DOES[binding.id]


def test_every_action_is_in_the_palette_except_list_navigation():
    palette = {action for _title, action, _help in ACTIONS}
    for owner in OWNERS:
        for binding in _bindings(owner):
            if binding.id in LIST_NAVIGATION:
                continue
            assert binding.action in palette, f"{binding.id} is missing from the palette"
    # the ones that were missing once, by name
    titles = " | ".join(title.lower() for title, _a, _h in ACTIONS)
    for name in ("comment", "bill", "timer", "charge timer", "write log", "toggle detail"):
        assert name in titles


def test_binding_ids_are_unique_and_footer_labels_short():
    ids = [a.id for group in actions.HELP_GROUPS for a in group]
    assert len(ids) == len(set(ids))
    assert all(len(a.label) <= 14 for a in actions.catalogue())


@pytest.mark.parametrize(
    "name",
    [
        "comment",
        "bill",
        "timer",
        "charge timer",
        "write log",
        "toggle detail",
        "refresh",
        "status",
        "help",
    ],
)
async def test_the_palette_finds_each_action_by_name(make_app, name):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TicketCommands(app.screen)
        hits = [hit async for hit in provider.search(name)]
        assert hits, f"nothing for {name!r}"
        best = max(hits, key=lambda h: h.score)
        expected = next(a for a in actions.palette_actions() if name in a.title.lower())
        assert best.command.args == (expected.action_string,)


async def test_palette_runs_the_comment_action_on_the_highlighted_ticket(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p", *"comment on")
        await pilot.pause(0.3)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, CommentModal)


async def test_keymap_remaps_by_binding_id_and_help_shows_the_key_in_effect(make_app):
    app = make_app(keymap={"comment": "C", "help": "f1"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        assert not isinstance(app.screen, CommentModal)
        await pilot.press("C")
        await settle(pilot)
        assert isinstance(app.screen, CommentModal)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("f1")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
    rows = {bid: keys for keys, _does, bid in binding_rows({"comment": "C"})}
    assert rows["comment"] == "C"
    assert rows["status"] == "s"
