"""`t` / `T`: a local timer that survives restarts, its timer entry, and charging it.

Pilot against the in-process sandbox on the frozen clock (15:00 UTC); every write is
checked in the sandbox's state and request log.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import pytest
from textual.widgets import Select, TextArea

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from syncro_tui.ui.screens.timer import TimerStopModal
from syncro_tui.ui.widgets.header import StatusHeader
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.conftest import settle as _settle

ONSITE = 5002  # the demo's "onsite" labor product; the sandbox charges with 5001 (remote)


async def settle(pilot) -> None:
    """conftest's settle, failing instead of hanging when a flow waits on an unexpected modal."""
    await asyncio.wait_for(_settle(pilot), timeout=10)


async def shown(pilot, kind):
    """Wait until a flow (blocked in push_screen_wait, so settle() would hang) shows ``kind``."""
    for _ in range(200):
        await pilot.pause()
        if isinstance(pilot.app.screen, kind):
            for area in pilot.app.screen.query(TextArea):
                area.cursor_blink = False
            return pilot.app.screen
    raise AssertionError(f"{kind.__name__} never showed; the screen is {pilot.app.screen!r}")


async def choose(pilot, modal, value) -> None:
    """Pick the choice with ``value`` in a PickModal (as Down..Enter would)."""
    await pilot.pause()
    options = modal.query_one("OptionList")
    options.highlighted = next(i for i, (v, _) in enumerate(modal._choices) if v == value)
    options.focus()
    await pilot.press("enter")


async def type_text(pilot, text: str) -> None:
    await pilot.press(*("space" if ch == " " else ch for ch in text))


def current_row(app):
    return app.store.tickets[app.screen.query_one(TicketList).highlighted_id]


def header_text(app) -> str:
    header = app.screen.query_one(StatusHeader)
    header.refresh_state()
    return header.render().plain


def fresh_headers(app) -> None:
    """Headers repaint on a 1 s tick; make them show the frozen clock's now before a snapshot."""
    for screen in app.screen_stack:
        for header in screen.query(StatusHeader):
            header.refresh_state()


def row_line(app, number: str) -> str:
    listing = app.screen.query_one(TicketList)
    lines = [listing.render_line(y).text for y in range(listing.size.height)]
    return next(line for line in lines if f"#{number} " in line)


def posts(sandbox, suffix: str) -> list:
    return [r for r in sandbox.requests if r.method in ("POST", "PUT") and r.path.endswith(suffix)]


async def start_timer(pilot):
    app = pilot.app
    await settle(pilot)
    row = current_row(app)
    await pilot.press("t")
    await settle(pilot)
    return row


async def stop_and_fill(
    pilot, notes: str = "Swapped the PSU", labor: str = "onsite"
) -> TimerStopModal:
    await pilot.press("t")
    modal = await shown(pilot, TimerStopModal)
    modal.query_one("#notes", TextArea).insert(notes)
    modal.query_one("#labor", Select).value = labor
    await pilot.pause()
    return modal


async def test_timer_shows_in_header_and_on_its_row_and_survives_a_restart(
    make_app, clock, sandbox
):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        assert f"Timer started on #{row.number}" in [n.message for n in app.notices]
        clock.advance(12 * 60 + 5)
        assert f"#{row.number} 00:12:05" in header_text(app)
        assert "◷" in row_line(app, row.number)[:4]  # the marker column (4 wide)
    assert not [r for r in sandbox.requests if r.method != "GET"], "starting a timer is local"

    clock.advance(60)
    again = make_app()  # same SYNCRO_TUI_HOME: a new process after quitting
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert again.store.timer.ticket_id == row.id
        assert f"#{row.number} 00:13:05" in header_text(again)


async def test_the_row_marker_is_back_after_a_restart(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
    again = make_app()
    async with again.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "◷" in row_line(again, row.number)[:4]  # the marker column (4 wide)


async def test_stop_previews_and_posts_exactly_one_timer_entry(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        timers_before = len(sandbox.state.tickets[row.id].timers)
        clock.advance(47 * 60)
        await pilot.press("t")
        modal = await shown(pilot, TimerStopModal)
        assert str(modal.query_one(".hint").render()) == row.subject
        await type_text(pilot, "Swapped the PSU")
        await pilot.press("tab", "enter")  # the labor list opens on the (no default) prompt
        await pilot.press("down", "down", "enter")  # remote, onsite
        await pilot.pause()
        assert modal.query_one("#labor", Select).value == "onsite"
        await pilot.press("f2")
        confirm = await shown(pilot, ConfirmWriteModal)

        expected = {
            "start_at": "2026-11-20T15:00:00+00:00",
            "end_at": "2026-11-20T15:47:00+00:00",
            "notes": "Swapped the PSU",
            "product_id": ONSITE,
        }
        [step] = confirm.preview.steps
        assert (step.method, step.path, step.payload) == (
            "POST",
            f"/tickets/{row.id}/timer_entry",
            expected,
        )
        assert app.store.timer is None, "the header stops counting once stopped"

        await pilot.press("y")
        await settle(pilot)
        assert [r.json for r in posts(sandbox, "/timer_entry")] == [expected]
        timers = sandbox.state.tickets[row.id].timers
        assert len(timers) == timers_before + 1
        assert (timers[-1].notes, timers[-1].product_id, timers[-1].active_duration) == (
            "Swapped the PSU",
            ONSITE,
            47 * 60,
        )
        assert app.timers.unposted() == []
        assert app.drafts.load("timer", row.id) is None, "the notes draft goes once it landed"


async def test_notes_and_labor_are_required(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(30 * 60)
        await pilot.press("t")
        modal = await shown(pilot, TimerStopModal)
        await pilot.press("f2")
        await pilot.pause()
        error = str(modal.query_one("#error").render())
        assert "Notes are required." in error and "Choose the labor type" in error
        assert app.screen is modal

        await pilot.press("escape")
        await settle(pilot)
        [kept] = app.timers.unposted()
        assert (kept.ticket_id, kept.minutes) == (row.id, 30)
        assert any(f"press t on #{row.number}" in n.message for n in app.notices)


async def test_a_cancelled_preview_keeps_the_time_and_offers_it_again(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(20 * 60)
        await stop_and_fill(pilot, notes="Reset the router")
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("n")
        await settle(pilot)
        assert posts(sandbox, "/timer_entry") == []
        [kept] = app.timers.unposted()
        assert kept.minutes == 20
        assert any(f"press t on #{row.number}" in n.message for n in app.notices)

        await pilot.press("t")  # the same ticket: the stopped time is offered first
        pick = await shown(pilot, PickModal)
        assert "20 min (15:00-15:20)" in pick._title
        await pilot.press("enter")  # "Post it now"
        modal = await shown(pilot, TimerStopModal)
        assert modal.query_one("#notes", TextArea).text == "Reset the router", "draft restored"
        assert modal.query_one("#labor", Select).value == "onsite"
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        assert len(posts(sandbox, "/timer_entry")) == 1
        assert app.timers.unposted() == [] and app.store.timer is None


async def test_time_whose_entry_did_not_arrive_is_resent_from_the_log_never_posted_twice(
    make_app, clock, sandbox
):
    from syncro_tui.ui.screens.write_log import WriteLogScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        timers_before = len(sandbox.state.tickets[row.id].timers)
        clock.advance(30 * 60)
        sandbox.faults.add("POST /tickets/*/timer_entry=error_before:500*1")
        await stop_and_fill(pilot)
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        retry = await shown(pilot, ConfirmWriteModal)
        assert retry.preview.title == "It did not arrive: send it again?"
        await pilot.press("n")
        await settle(pilot)
        assert len(app.timers.unposted()) == 1

        await pilot.press("t")  # offered again, but its entry is in the log: not posted beside it
        await shown(pilot, PickModal)
        await pilot.press("enter")
        await settle(pilot)
        assert "absent: see the write log (w)" in app.notices[-1].message
        assert len(posts(sandbox, "/timer_entry")) == 1

        await pilot.press("w")
        await settle(pilot)
        assert isinstance(app.screen, WriteLogScreen)
        await pilot.press("R")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        await pilot.press("escape")
        await pilot.press("t")  # now it landed: the stopped time is forgotten, nothing is sent
        await shown(pilot, PickModal)
        await pilot.press("enter")
        await settle(pilot)
        assert app.timers.unposted() == []
        assert len(posts(sandbox, "/timer_entry")) == 2, "the refused first try and the resend"
        assert len(sandbox.state.tickets[row.id].timers) == timers_before + 1


async def test_a_timer_under_a_minute_asks_before_discarding(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_timer(pilot)
        clock.advance(20)
        await pilot.press("t")
        pick = await shown(pilot, PickModal)
        assert "ran 20 s: under a minute cannot be posted. Discard it?" in pick._title
        await pilot.press("escape")  # changed my mind: it keeps running
        await settle(pilot)
        assert app.store.timer is not None

        await pilot.press("t")
        await shown(pilot, PickModal)
        await pilot.press("enter")  # "Discard it"
        await settle(pilot)
        assert app.store.timer is None and app.timers.current() is None
        assert app.timers.unposted() == []
        assert [r for r in sandbox.requests if r.method != "GET"] == []


async def test_charging_a_timer_corrects_the_product_syncro_got_wrong(make_app, clock, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = current_row(app)
        ticket = sandbox.state.tickets[row.id]
        timer = sandbox.state.add_timer(
            ticket,
            clock(),
            start=clock() - 45 * 60,
            end=clock(),
            notes="Onsite PSU swap",
            product_id=ONSITE,
            user_id=None,
        )
        lines_before = len(ticket.line_items)

        await pilot.press("T")
        pick = await shown(pilot, PickModal)
        labels = [label for _, label in pick._choices]
        assert "Nov 20 14:15  45 min  onsite  Onsite PSU swap" in labels
        pick.query_one("OptionList").highlighted = next(
            i for i, (value, _) in enumerate(pick._choices) if value == timer.id
        )
        await pilot.press("enter")
        charge = await shown(pilot, ConfirmWriteModal)
        [step] = charge.preview.steps
        assert (step.path, step.payload) == (
            f"/tickets/{row.id}/charge_timer_entry",
            {"timer_entry_id": timer.id},
        )
        assert any("default labor product" in note for note in charge.preview.notes)

        await pilot.press("y")
        fix = await shown(pilot, ConfirmWriteModal)
        assert fix is not charge
        line = ticket.line_items[-1]
        assert line.product_id == 5001, "the sandbox reproduces the quirk"
        [step] = fix.preview.steps
        assert (step.method, step.path) == ("PUT", f"/tickets/{row.id}/update_line_item")
        assert step.payload == {
            "ticket_line_item_id": line.id,
            "product_id": ONSITE,
            "name": "Labor - Onsite Business",
            "description": "Onsite PSU swap",
            "quantity": 0.75,
            "taxable": False,
        }
        assert any("Labor - Remote Business" in w for w in fix.preview.warnings)

        await pilot.press("y")
        await settle(pilot)
        assert len(ticket.line_items) == lines_before + 1
        assert (line.product_id, line.name, line.quantity) == (
            ONSITE,
            "Labor - Onsite Business",
            Decimal("0.75"),
        )
        assert timer.recorded and timer.ticket_line_item_id == line.id
        assert len(posts(sandbox, "/charge_timer_entry")) == 1


async def test_resolving_a_ticket_with_a_running_timer_warns_in_the_preview(
    make_app, clock, sandbox
):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await start_timer(pilot)
        clock.advance(25 * 60)
        await pilot.press("x")
        pick = await shown(pilot, PickModal)  # bill it now, or resolve anyway
        await choose(pilot, pick, "resolve")
        confirm = await shown(pilot, ConfirmWriteModal)
        assert any(
            w.startswith("A timer is running on this ticket") for w in confirm.preview.warnings
        )
        await pilot.press("n")
        await settle(pilot)
        assert [r for r in sandbox.requests if r.method == "PUT"] == []
        assert app.store.timer.ticket_id == row.id


async def test_the_resolve_warning_counts_on_the_app_clock(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start_timer(pilot)
        clock.advance(25 * 60)
        await pilot.press("x")
        pick = await shown(pilot, PickModal)
        assert "(0:25 so far)" in pick._title
        await choose(pilot, pick, "resolve")
        confirm = await shown(pilot, ConfirmWriteModal)
        assert any("(0:25 so far)" in w for w in confirm.preview.warnings)


SIZES = pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])


@SIZES
async def test_stop_modal_snapshot(make_app, clock, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start_timer(pilot)
        clock.advance(47 * 60)
        await stop_and_fill(pilot)
        fresh_headers(app)
        await pilot.pause()
        assert app.export_screenshot() == svg_snapshot


@SIZES
async def test_timer_entry_preview_snapshot(make_app, clock, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start_timer(pilot)
        clock.advance(47 * 60)
        await stop_and_fill(pilot)
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        fresh_headers(app)
        await pilot.pause()
        assert app.export_screenshot() == svg_snapshot
