"""`w`: the write log lists the day's writes with their states; only an ABSENT one can be
resent, and only after `y`. Pilot against the in-process sandbox on the frozen clock."""

from __future__ import annotations

import pytest
from textual.widgets import DataTable

from syncro_tui.core import writes
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from syncro_tui.ui.screens.write_log import WriteEntryModal, WriteLogScreen
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.test_timer import fresh_headers, settle, shown

ABSENT_ONCE = "POST /tickets/*/comment=error_before:500*1"  # 5xx, nothing applied


async def connected(pilot):
    """Settled, with no pause between an unclear answer and the check that follows."""
    await settle(pilot)
    return pilot.app.store.tickets[pilot.app.screen.query_one(TicketList).highlighted_id]


async def comment(pilot, row, subject: str, clock=None):
    """Send a comment through the outbox the way every flow does (in a worker)."""
    intent = writes.comment(row.id, subject, f"{subject}: details", number=row.number)
    pilot.app.run_worker(pilot.app.session.submit(intent), group="write")
    await settle(pilot)
    if clock is not None:
        clock.advance(90)
    return intent


def table_rows(screen) -> list[list[str]]:
    table = screen.query_one(DataTable)
    return [[cell.plain for cell in table.get_row_at(i)] for i in range(table.row_count)]


def sandbox_comments(sandbox, ticket_id: int, subject: str) -> list:
    return [c for c in sandbox.state.tickets[ticket_id].comments if c.subject == subject]


async def open_log(pilot) -> WriteLogScreen:
    await pilot.press("w")
    await settle(pilot)
    assert isinstance(pilot.app.screen, WriteLogScreen)
    return pilot.app.screen


def highlight(screen, subject: str) -> None:
    table = screen.query_one(DataTable)
    table.move_cursor(row=next(i for i, row in enumerate(table_rows(screen)) if subject in row[3]))


async def test_the_log_lists_todays_writes_with_their_states(make_app, sandbox, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        await comment(pilot, row, "Called the customer", clock)
        sandbox.faults.add(ABSENT_ONCE)
        await comment(pilot, row, "Rebooted the server")
        screen = await open_log(pilot)
        rows = table_rows(screen)
        assert [(r[0], r[1], r[2], r[5]) for r in rows] == [
            ("*", "15:01:30", "ABSENT", f"POST /tickets/{row.id}/comment"),
            ("*", "15:00:00", "confirmed", f"POST /tickets/{row.id}/comment"),
        ]
        assert "Rebooted the server" in rows[0][3] and "not on the ticket" in rows[0][4]
        assert "1 needs attention" in str(screen.query_one("#title").render())

        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, WriteLogScreen)


async def test_older_writes_stay_listed_only_while_they_need_attention(make_app, sandbox, clock):
    clock.advance(-2 * 86400)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        await comment(pilot, row, "Old and done")
        sandbox.faults.add(ABSENT_ONCE)
        await comment(pilot, row, "Old and lost")
    clock.advance(2 * 86400)
    again = make_app()  # the next morning: another session
    async with again.run_test(size=(120, 40)) as pilot:
        await connected(pilot)
        rows = table_rows(await open_log(pilot))
        assert [(r[0], r[1], r[2]) for r in rows] == [(" ", "Nov 18 15:00", "ABSENT")]
        assert "Old and lost" in rows[0][3]


async def test_the_log_refreshes_when_a_write_changes(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        screen = await open_log(pilot)
        assert table_rows(screen) == []
        assert "No writes today" in str(screen.query_one("#entry").render())
        await comment(pilot, row, "Ordered a new PSU")
        assert [r[2] for r in table_rows(screen)] == ["confirmed"]


async def test_enter_shows_the_exact_payload(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        intent = await comment(pilot, row, "Replaced the toner")
        await open_log(pilot)
        await pilot.press("enter")
        await pilot.pause()
        modal = app.screen
        assert isinstance(modal, WriteEntryModal)
        shown_text = [str(s.render()) for s in modal.query("Static")]
        assert intent.endpoint in shown_text and intent.preview_json() in shown_text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, WriteLogScreen)


async def test_an_absent_write_is_resent_only_after_y_and_lands_once(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        sandbox.faults.add(ABSENT_ONCE)
        intent = await comment(pilot, row, "Rebooted the server")
        assert sandbox_comments(sandbox, row.id, "Rebooted the server") == []
        sent = sandbox.count("POST", "/tickets/*/comment")
        screen = await open_log(pilot)

        await pilot.press("R")
        confirm = await shown(pilot, ConfirmWriteModal)
        [step] = confirm.preview.steps
        assert (step.path, step.payload) == (intent.path, intent.payload)
        await pilot.press("n")
        await settle(pilot)
        assert sandbox.count("POST", "/tickets/*/comment") == sent, "n sends nothing"
        assert [r[2] for r in table_rows(screen)] == ["ABSENT"]

        await pilot.press("R")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await settle(pilot)
        assert len(sandbox_comments(sandbox, row.id, "Rebooted the server")) == 1
        assert [r[2] for r in table_rows(screen)] == ["confirmed"], "the same entry, now confirmed"

        await pilot.press("R")  # again: refused, it would be a duplicate
        await settle(pilot)
        assert app.screen is screen
        assert any("second copy" in n.message for n in app.notices)
        assert len(sandbox_comments(sandbox, row.id, "Rebooted the server")) == 1


@pytest.mark.parametrize(
    "state, why",
    [
        ("unknown", "Verify it first (v)"),
        ("failed", "nothing was applied"),
    ],
)
async def test_other_states_say_why_they_cannot_be_resent(make_app, sandbox, state, why):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        # unknown: the reply is lost and the check cannot read the comments (403 is not retried)
        sandbox.faults.add(
            "POST /tickets/*/comment=drop_after*1;GET /tickets/*/comments=html:403*1"
            if state == "unknown"
            else "POST /tickets/*/comment=html:422*1"
        )
        await comment(pilot, row, "Checked the backups")
        screen = await open_log(pilot)
        assert [r[2] for r in table_rows(screen)] == [
            state.upper() if state == "unknown" else state
        ]
        await pilot.press("R")
        await settle(pilot)
        assert app.screen is screen
        assert any(why in n.message for n in app.notices)


async def test_v_verifies_an_unknown_write_again(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        row = await connected(pilot)
        sandbox.faults.add(
            "POST /tickets/*/comment=drop_after*1;GET /tickets/*/comments=html:403*1"
        )
        await comment(pilot, row, "Checked the backups")
        screen = await open_log(pilot)
        assert [r[2] for r in table_rows(screen)] == ["UNKNOWN"]
        await pilot.press("v")
        await settle(pilot)
        assert [r[2] for r in table_rows(screen)] == ["landed"]
        assert len(sandbox_comments(sandbox, row.id, "Checked the backups")) == 1


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_write_log_snapshot(make_app, sandbox, clock, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        row = await connected(pilot)
        await comment(pilot, row, "Called the customer", clock)
        sandbox.faults.add(ABSENT_ONCE)
        await comment(pilot, row, "Rebooted the server", clock)
        await open_log(pilot)
        fresh_headers(app)
        await pilot.pause()
        assert app.export_screenshot() == svg_snapshot
