"""Timers that cannot mislead (issue 11): under a minute is never posted as "0 min", the
start and end of a stopped (or forgotten) timer are corrected before posting, `t` on
another ticket asks what happens to the running timer, "bill now" goes straight into the
billing plan, and no hint advertises Ctrl+S. Each test checks what the sandbox received."""

from __future__ import annotations

import pytest
from textual.widgets import Input, Select

from syncro_tui.ui.screens.billing import BillingModal, BillingProgressScreen
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from syncro_tui.ui.screens.timer import TimerStopModal
from tests.ui.test_comment import SIZES, screenshot, text_of
from tests.ui.test_timer import (
    ONSITE,
    choose,
    current_row,
    posts,
    settle,
    shown,
    start_timer,
    stop_and_fill,
)


def error_of(modal) -> str:
    return str(modal.query_one("#error").render())


def writes(sandbox) -> list:
    return [r for r in sandbox.requests if r.method != "GET"]


async def test_under_a_minute_is_refused_until_the_times_are_corrected(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(20)
        await pilot.press("t")
        pick = await shown(pilot, PickModal)
        assert "under a minute cannot be posted" in pick._title
        assert all("anyway" not in label for _, label in pick._choices)
        await choose(pilot, pick, "post")  # stop it and correct the times
        modal = await shown(pilot, TimerStopModal)
        modal.query_one("#notes").insert("Quick call")
        modal.query_one("#labor", Select).value = "onsite"
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert "Bill at least 1 minute." in error_of(modal)  # the billing rule and words
        assert writes(sandbox) == []

        modal.query_one("#start", Input).value = "14:50"
        await pilot.press("f2")
        confirm = await shown(pilot, ConfirmWriteModal)
        [step] = confirm.preview.steps
        assert step.payload["start_at"] == "2026-11-20T14:50:00+00:00"
        assert step.payload["end_at"] == "2026-11-20T15:00:20+00:00"
        await pilot.press("y")
        await settle(pilot)
        [sent] = posts(sandbox, "/timer_entry")
        assert sent.json["start_at"] == "2026-11-20T14:50:00+00:00"
        assert sent.json["product_id"] == ONSITE
        assert app.timers.unposted() == []
        assert sandbox.ticket(row.id).timers[-1].notes == "Quick call"


@pytest.mark.parametrize(
    ("field", "value", "problem"),
    [
        ("end", "15:58", "cannot end in the future"),
        ("end", "14:00", "The end must be after the start."),
        ("start", "2026-11-18 14:00", "longer than 24 hours"),
        ("start", "lunch", "Start: 'lunch' is not a time"),
    ],
)
async def test_corrected_times_are_validated(make_app, clock, sandbox, field, value, problem):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_timer(pilot)
        clock.advance(47 * 60)
        modal = await stop_and_fill(pilot)
        assert modal.query_one("#start", Input).value == "15:00"
        assert modal.query_one("#end", Input).value == "15:47"
        modal.query_one(f"#{field}", Input).value = value
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert problem in error_of(modal)
        assert app.focused.id in ("start", "end")
        assert posts(sandbox, "/timer_entry") == []


async def test_a_forgotten_timer_is_posted_with_the_corrected_end(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_timer(pilot)
        clock.advance(26 * 3600)  # ran overnight
        modal = await stop_and_fill(pilot)
        assert modal.query_one("#start", Input).value == "2026-11-20 15:00"
        assert modal.query_one("#end", Input).value == "2026-11-21 17:00"
        await pilot.press("f2")
        await pilot.pause()
        assert "longer than 24 hours" in error_of(modal)
        modal.query_one("#end", Input).value = "2026-11-20 16:30"
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        [sent] = posts(sandbox, "/timer_entry")
        assert (sent.json["start_at"], sent.json["end_at"]) == (
            "2026-11-20T15:00:00+00:00",
            "2026-11-20T16:30:00+00:00",
        )
        assert app.timers.unposted() == []


async def _switch(pilot, clock, choice: int):
    app = pilot.app
    first = await start_timer(pilot)
    clock.advance(30 * 60)
    await pilot.press("j")
    await settle(pilot)
    second = current_row(app)
    assert second.id != first.id
    await pilot.press("t")
    pick = await shown(pilot, PickModal)
    assert [key for key, _ in pick._choices] == ["post", "keep", "discard", "cancel"]
    await choose(pilot, pick, pick._choices[choice][0])
    return first, second


async def test_t_on_another_ticket_can_stop_and_post_the_running_one(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        first, second = await _switch(pilot, clock, 0)
        modal = await shown(pilot, TimerStopModal)
        modal.query_one("#notes").insert("Checked the backups")
        modal.query_one("#labor", Select).value = "onsite"
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        [sent] = posts(sandbox, "/timer_entry")
        assert sent.path == f"/tickets/{first.id}/timer_entry"
        assert app.timers.current().ticket_id == second.id
        assert app.timers.unposted() == []


@pytest.mark.parametrize(("choice", "kept"), [(1, 1), (2, 0)])
async def test_t_on_another_ticket_can_keep_or_discard(make_app, clock, sandbox, choice, kept):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        first, second = await _switch(pilot, clock, choice)
        await settle(pilot)
        assert app.timers.current().ticket_id == second.id
        unposted = app.timers.unposted()
        assert len(unposted) == kept
        if kept:
            assert (unposted[0].ticket_id, unposted[0].minutes) == (first.id, 30)
        assert writes(sandbox) == []


async def test_t_on_another_ticket_esc_changes_nothing(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        first, _ = await _switch(pilot, clock, 3)  # "keep it running"
        await settle(pilot)
        assert app.timers.current().ticket_id == first.id
        assert app.timers.unposted() == [] and writes(sandbox) == []


async def test_bill_now_goes_straight_into_the_billing_plan(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(45 * 60)
        await stop_and_fill(pilot, notes="Replaced the fuser", labor="onsite")
        await pilot.press("f3")
        modal = await shown(pilot, BillingModal)
        assert modal.query_one("#minutes", Input).value == "45"
        assert modal.query_one("#labor", Select).value == "onsite"
        assert modal.query_one("#description", Input).value == "Replaced the fuser"
        await pilot.press("f3")  # the comment: use the description
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        # This very time is what is being billed: it is not "never posted" here, and the
        # preview says that no timer entry is made (and how to get one instead).
        assert not any("never posted" in w for w in preview.preview.warnings)
        assert any(
            n.startswith("From the timer (45 min (")
            and "No timer entry is posted, so the time is not counted twice" in n
            for n in preview.preview.notes
        )
        await pilot.press("y")
        for _ in range(300):
            await pilot.pause(0.01)
            if isinstance(app.screen, BillingProgressScreen) and app.timers.unposted() == []:
                break
        [item] = posts(sandbox, "/add_line_item")
        assert item.json["quantity"] == 0.75 and item.json["product_id"] == ONSITE
        assert posts(sandbox, "/timer_entry") == []  # the same time is not recorded twice
        assert app.timers.unposted() == []
        assert sandbox.ticket(row.id).status == "Invoiced"


async def test_no_hint_advertises_ctrl_s(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_timer(pilot)
        clock.advance(10 * 60)
        modal = await stop_and_fill(pilot)
        assert "Ctrl+S" not in text_of(modal) and "ctrl+s" not in text_of(modal).lower()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is modal  # Ctrl+S does nothing here


@pytest.mark.parametrize("size", SIZES)
async def test_stop_modal_with_times_snapshot(make_app, clock, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start_timer(pilot)
        clock.advance(20)
        await stop_and_fill_short(pilot)
        await pilot.press("f2")
        await pilot.pause()
        assert await screenshot(pilot) == svg_snapshot


async def stop_and_fill_short(pilot) -> None:
    await pilot.press("t")
    pick = await shown(pilot, PickModal)
    await choose(pilot, pick, "post")
    modal = await shown(pilot, TimerStopModal)
    modal.query_one("#notes").insert("Quick call")
    modal.query_one("#labor", Select).value = "onsite"
    await pilot.pause()


@pytest.mark.parametrize("size", SIZES)
async def test_switch_timer_snapshot(make_app, clock, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start_timer(pilot)
        clock.advance(30 * 60)
        await pilot.press("j")
        await settle(pilot)
        await pilot.press("t")
        await shown(pilot, PickModal)
        assert await screenshot(pilot) == svg_snapshot


async def test_the_stop_form_is_a_draft_form_kept_on_esc_and_discarded_only_on_f8_and_yes(
    make_app, clock, sandbox
):
    """The stop form saves its notes like every other form (Esc keeps them, reopening
    restores them with the note that says so); F8 and "yes" drop the notes, never the time."""
    from syncro_tui.ui.screens.draft_modal import DraftModal

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(15 * 60)
        await pilot.press("t")
        modal = await shown(pilot, TimerStopModal)
        assert isinstance(modal, DraftModal)
        await pilot.press(*"Reseated", "space", *"the", "space", *"PSU", "escape")
        await settle(pilot)
        assert app.drafts.load("timer", row.id)["notes"] == "Reseated the PSU"
        assert app.timers.unposted(), "Esc keeps the time unposted"
        await pilot.press("t")
        pick = await shown(pilot, PickModal)  # the unposted time: post it now?
        await choose(pilot, pick, "post")
        modal = await shown(pilot, TimerStopModal)
        assert modal.query_one("#notes").text == "Reseated the PSU"
        await pilot.press("f8")
        sure = await shown(pilot, PickModal)
        await choose(pilot, sure, True)
        await settle(pilot)
        assert app.drafts.load("timer", row.id) is None
        assert app.timers.unposted(), "discarding the notes never drops the time"
        assert writes(sandbox) == []
