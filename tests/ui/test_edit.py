"""`e`: status, priority, assignee, due date, subject, problem type and contact in one PUT."""

from __future__ import annotations

from textual.widgets import Input, Select

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from syncro_tui.ui.screens.edit import EditModal
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing


async def until(pilot, predicate, tries: int = 300) -> None:
    for _ in range(tries):
        await pilot.pause(0.01)
        if predicate():
            return
    raise AssertionError("the screen never got there")


async def test_edit_sends_only_what_changed_in_one_put(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(3)
        ticket = sandbox.ticket(row.id)
        contacts = [
            c for c in sandbox.state.contacts.values() if c.customer_id == ticket.customer_id
        ]
        other_contact = next(c for c in contacts if c.id != ticket.contact_id)
        other_priority = next(p for p in app.store.priorities if p != row.priority)
        listing(app).move_to_id(row.id)
        await settle(pilot)
        before = len(sandbox.requests)
        burst(app, "e")
        await until(pilot, lambda: isinstance(app.screen, EditModal))
        await settle(pilot)
        form = app.screen
        subject = form.query_one("#subject", Input)
        subject.value = "Printer offline (edited)"
        form.query_one("#due_date", Input).value = "2026-12-24"
        form.query_one("#priority", Select).value = other_priority
        form.query_one("#contact_id", Select).value = other_contact.id
        await pilot.press("f2")
        await until(pilot, lambda: isinstance(app.screen, ConfirmWriteModal))
        await settle(pilot)
        steps = app.screen.preview.steps
        assert len(steps) == 1 and steps[0].method == "PUT"
        assert steps[0].payload == {
            "subject": "Printer offline (edited)",
            "due_date": "2026-12-24",
            "priority": other_priority,
            "contact_id": other_contact.id,
        }
        await pilot.press("y")
        await settle(pilot)
        puts = [r for r in sandbox.requests[before:] if r.method == "PUT"]
        assert len(puts) == 1
        ticket = sandbox.ticket(row.id)
        assert ticket.subject == "Printer offline (edited)"
        assert ticket.priority == other_priority and ticket.contact_id == other_contact.id
        assert app.drafts.load("edit", row.id) is None  # sent: the draft is gone


async def test_edit_draft_survives_escape_and_nothing_changed_sends_nothing(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(0)
        burst(app, "e")
        await until(pilot, lambda: isinstance(app.screen, EditModal))
        await settle(pilot)
        await pilot.press("f2")
        await settle(pilot)
        assert "Nothing changed" in str(app.screen.query_one("#error").render())
        app.screen.query_one("#subject", Input).value = "Half-typed new subject"
        await pilot.press("escape")
        await settle(pilot)
        assert app.drafts.load("edit", row.id)["subject"] == "Half-typed new subject"
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, EditModal))
        await settle(pilot)
        assert app.screen.query_one("#subject", Input).value == "Half-typed new subject"
