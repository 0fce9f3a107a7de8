"""`q` with unsent work says so in one line and asks; Ctrl+Q quits at once; both keep the
draft and the timer on disk (issue 11)."""

from __future__ import annotations

from syncro_tui.core.drafts import Drafts
from syncro_tui.core.timers import TimerStore
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.dialogs import PickModal
from tests.ui.conftest import settle
from tests.ui.helpers import listing


async def _with_draft_and_timer(app, pilot) -> int:
    await settle(pilot)
    ticket_id = listing(app).highlighted_id
    app.drafts.save(
        "comment",
        ticket_id,
        {"subject": "Update", "body": "Half", "visibility": "internal"},
        CommentModal.DEFAULTS,
    )
    await pilot.press("t")
    await settle(pilot)
    assert app.timers.current() is not None
    return ticket_id


async def test_q_with_nothing_waiting_quits_at_once(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.closing


async def test_q_with_a_draft_and_a_timer_asks_and_keeps_both(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await _with_draft_and_timer(app, pilot)
        number = app.store.tickets[ticket_id].number
        await pilot.press("q")
        await pilot.pause()
        ask = app.screen
        assert isinstance(ask, PickModal)
        assert ask._title == (
            f"Unsent: 1 draft (comment on #{number}); a timer running on #{number}. "
            "Quit anyway? It is all kept on disk for next time."
        )
        await pilot.press("enter")  # "No, stay" comes first
        await pilot.pause()
        assert not app.closing and not isinstance(app.screen, PickModal)

        await pilot.press("q")
        await pilot.pause()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert app.closing
        folder, timer_file = app.drafts.folder, app.timers.path
    assert Drafts(folder).load("comment", ticket_id)["body"] == "Half"
    assert TimerStore(timer_file).current().ticket_id == ticket_id
    assert [r for r in sandbox.requests if r.method != "GET"] == []


async def test_ctrl_q_quits_at_once_and_keeps_both(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await _with_draft_and_timer(app, pilot)
        await pilot.press("ctrl+q")
        await pilot.pause()
        folder, timer_file = app.drafts.folder, app.timers.path
    assert app.return_code in (0, None)
    assert Drafts(folder).load("comment", ticket_id)["body"] == "Half"
    assert TimerStore(timer_file).current().ticket_id == ticket_id
