"""Triage in one step: take (assign to me + working status, one PUT), the assignee picker."""

from __future__ import annotations

import json

from textual.widgets import Input, OptionList, Select, Static

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing


async def until(pilot, predicate, tries: int = 300) -> None:
    for _ in range(tries):
        await pilot.pause(0.01)
        if predicate():
            return
    raise AssertionError("the screen never got there")


def puts(sandbox, since: int) -> list:
    return [r for r in sandbox.requests[since:] if r.method == "PUT"]


async def test_take_assigns_to_me_and_sets_in_progress_in_one_put(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = listing(app)
        me = app.store.me.user_id
        index = next(
            i for i in range(lst.visible_count)
            if lst.row_at(i).status == "New" and lst.row_at(i).user_id != me
        )  # fmt: skip
        row = lst.row_at(index)
        lst.move_to_id(row.id)
        before = len(sandbox.requests)
        await pilot.press("i")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        shown = "\n".join(str(w.render()) for w in app.screen.query(Static))
        assert f"PUT /tickets/{row.id}" in shown and "In Progress" in shown
        await pilot.press("y")
        await settle(pilot)
        sent = puts(sandbox, before)
        assert len(sent) == 1
        assert json.loads(json.dumps(sent[0].json)) == {"user_id": me, "status": "In Progress"}
        ticket = sandbox.ticket(row.id)
        assert ticket.user_id == me and ticket.status == "In Progress"


async def test_assignee_picker_filters_as_you_type_me_first_and_unassign(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        row = next(lst.row_at(i) for i in range(lst.visible_count) if lst.row_at(i).user_id)
        lst.move_to_id(row.id)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, PickModal))
        await settle(pilot)
        options = app.screen.query_one(OptionList)
        first = str(options.get_option_at_index(0).prompt)
        last = str(options.get_option_at_index(options.option_count - 1).prompt)
        assert "me (" in first and "Unassign" in last
        other = next(n for uid, n in app.store.users.items() if uid != app.store.me.user_id)
        burst(app, other.split()[0][:4].lower())
        await settle(pilot)
        assert app.screen.query_one("#pick-filter", Input).value
        assert all(
            other.split()[0][:4].lower() in str(options.get_option_at_index(i).prompt).lower()
            for i in range(options.option_count)
        )
        await pilot.press("escape")
        await settle(pilot)
        before = len(sandbox.requests)
        await pilot.press("a")
        await until(pilot, lambda: isinstance(app.screen, PickModal))
        await settle(pilot)
        await pilot.press(*"unass", "enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        assert [r.json for r in puts(sandbox, before)] == [{"user_id": None}]


async def test_the_three_forms_offer_the_same_assignees(make_app, sandbox):
    """The quick picker (a), the edit form (e) and the new-ticket form (n) list the same
    technicians in the same order, from one function (core.choices.assignees)."""
    from syncro_tui.core import choices
    from syncro_tui.ui.screens.edit import NOBODY, EditModal
    from syncro_tui.ui.screens.new_ticket import NewTicketModal
    from tests.ui.test_comment import shown
    from tests.ui.test_new_ticket_forms import search

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        store, lst = app.store, listing(app)
        expected = choices.assignees(store.users, store.me.user_id, me_name=store.me.user_name)
        assert len(expected) > 2 and expected[0][1].startswith("me (")
        row = next(
            lst.row_at(i) for i in range(lst.visible_count) if lst.row_at(i).user_id in store.users
        )
        lst.move_to_id(row.id)
        await settle(pilot)

        await pilot.press("a")
        pick = await shown(pilot, PickModal)
        quick = [(v, label) for v, label in pick._choices if isinstance(v, int)]
        await pilot.press("escape")
        await settle(pilot)

        await pilot.press("e")
        edit = await shown(pilot, EditModal)
        await settle(pilot)
        edited = [(v, str(p)) for p, v in edit.query_one("#user_id")._options if v != NOBODY]
        await pilot.press("escape")
        await settle(pilot)

        customer = next(iter(sandbox.state.customers.values()))
        await search(pilot, (customer.business_name or customer.fullname)[:6])
        await pilot.press("down", "enter")
        new = await shown(pilot, NewTicketModal)
        created = [
            (v, str(p)) for p, v in new.query_one("#user_id")._options if v is not Select.NULL
        ]
        assert quick == edited == created == expected
