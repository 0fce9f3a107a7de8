"""Resolving (issue 11): the unbilled-time warning offers "bill it now"; the session log's
Resolution starts from the technician's last comment (never the customer's) and the log is
written under the data folder (SYNCRO_TUI_HOME) with private permissions."""

from __future__ import annotations

import stat

from textual.widgets import Input

from syncro_tui.ui.screens.dialogs import AskModal, ConfirmWriteModal, PickModal
from tests.ui.conftest import NOW, settle
from tests.ui.helpers import listing
from tests.ui.test_ticket_actions import pick


def uncharged_ticket(sandbox):
    return next(
        t
        for t in sandbox.state.tickets.values()
        if t.status not in ("Resolved", "Invoiced", "Closed")
        and any(not tm.recorded for tm in t.timers)
    )


def billed_ticket(sandbox):
    return next(
        t
        for t in sandbox.state.tickets.values()
        if t.status not in ("Resolved", "Invoiced", "Closed")
        and all(tm.recorded for tm in t.timers)
        and any(c.user_id is not None for c in t.comments)
    )


async def goto(app, pilot, ticket_id: int) -> None:
    await settle(pilot)
    assert listing(app).move_to_id(ticket_id)
    await pilot.pause(0.05)
    await settle(pilot)


async def resolve_to_the_session_log(app, pilot, ticket_id: int) -> None:
    """x, y in the preview, then "Yes, write it": the Resolution box is on screen."""
    await goto(app, pilot, ticket_id)
    await pilot.press("x")
    await settle(pilot)
    await pilot.press("y")
    await settle(pilot)
    await pick(pilot, "Yes, write it")


async def test_unbilled_time_can_be_billed_now_instead_of_resolving(make_app, sandbox):
    ticket = uncharged_ticket(sandbox)
    timer = next(tm for tm in ticket.timers if not tm.recorded)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await goto(app, pilot, ticket.id)
        await pilot.press("x")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PickModal) and "time that is not billed" in modal._title
        await pick(pilot, "Bill it now (then press x again to resolve)")
        chooser = app.screen
        assert isinstance(chooser, PickModal) and "Charge which timer entry" in chooser._title
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        charges = [r for r in sandbox.requests if r.path.endswith("/charge_timer_entry")]
        assert [r.json for r in charges][:1] == [{"timer_entry_id": timer.id}]
        assert not any(
            r.method == "PUT" and r.json == {"status": "Resolved"} for r in sandbox.requests
        )
        assert sandbox.ticket(ticket.id).status != "Resolved"


async def test_session_log_starts_from_the_technicians_last_words(make_app, sandbox, isolated_home):
    ticket = billed_ticket(sandbox)
    mine = sandbox.state.add_comment(
        ticket,
        NOW - 120,
        subject="Update",
        body="Replaced the toner and cleaned the rollers.",
        user_id=sandbox.state.me_id,
        tech="Alex Rivera",
    )
    sandbox.state.add_comment(
        ticket,
        NOW - 60,
        subject="Reply",
        body="Still happening, sorry. Can you look again?",
        from_customer=True,
    )
    assert mine.user_id is not None
    app = make_app(session_log_dir="")
    async with app.run_test(size=(120, 40)) as pilot:
        await goto(app, pilot, ticket.id)
        await pilot.press("x")
        await settle(pilot)
        assert isinstance(app.screen, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        await pick(pilot, "Yes, write it")
        ask = app.screen
        assert isinstance(ask, AskModal)
        assert ask.query_one(Input).value == "Replaced the toner and cleaned the rollers."
        await pilot.press("enter")
        await settle(pilot)
        [log] = list(isolated_home.rglob("*-ticket-*.md"))
        assert "session-logs" in log.parts
        assert str(log).startswith(str(isolated_home))
        assert stat.S_IMODE(log.stat().st_mode) == 0o600
        for folder in (log.parent, log.parent.parent):
            assert stat.S_IMODE(folder.stat().st_mode) == 0o700
        assert (
            "Replaced the toner and cleaned the rollers."
            in log.read_text().split("## Resolution")[1]
        )
        assert sandbox.ticket(ticket.id).status == "Resolved"


async def test_no_technician_comment_leaves_the_resolution_empty(make_app, sandbox):
    ticket = billed_ticket(sandbox)
    ticket.comments[:] = [c for c in ticket.comments if c.user_id is None]
    sandbox.state.add_comment(
        ticket, NOW - 60, subject="Reply", body="Still happening, sorry.", from_customer=True
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await resolve_to_the_session_log(app, pilot, ticket.id)
        assert app.screen.query_one(Input).value == ""


async def test_esc_after_typing_a_resolution_asks_before_dropping_it(
    make_app, sandbox, isolated_home
):
    """Nothing typed is lost: Esc on an edited Resolution offers to write it or drop it, and
    Esc on that question goes back to the text as typed."""
    ticket = billed_ticket(sandbox)
    app = make_app(session_log_dir="")
    async with app.run_test(size=(120, 40)) as pilot:
        await resolve_to_the_session_log(app, pilot, ticket.id)
        ask = app.screen
        prefill = ask.query_one(Input).value
        await pilot.press(*" Reseated the fuser", "escape")  # typing adds to the prefill
        await settle(pilot)
        question = app.screen
        assert isinstance(question, PickModal) and "not written yet" in question._title
        await pilot.press("escape")  # back to the text, as typed
        await settle(pilot)
        again = app.screen
        typed = prefill + " Reseated the fuser"
        assert isinstance(again, AskModal) and again.query_one(Input).value == typed
        await pilot.press(*" twice")  # and adds again, never replaces it
        await pilot.press("escape")
        await settle(pilot)
        await pick(pilot, "Write the session log with it")
        [log] = list(isolated_home.rglob("*-ticket-*.md"))
        assert typed + " twice" in log.read_text().split("## Resolution")[1]


async def test_esc_on_an_untouched_resolution_asks_nothing(make_app, sandbox, isolated_home):
    ticket = billed_ticket(sandbox)
    app = make_app(session_log_dir="")
    async with app.run_test(size=(120, 40)) as pilot:
        await resolve_to_the_session_log(app, pilot, ticket.id)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, (AskModal, PickModal))
        assert list(isolated_home.rglob("*-ticket-*.md")) == []
