"""Status, assign, priority, resolve and new ticket: preview, explicit `y`, the exact request."""

from __future__ import annotations

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from tests.ui.conftest import settle
from tests.ui.helpers import detail_text, listing, notifications


def writes(sandbox, method: str, glob: str):
    from fnmatch import fnmatch

    return [r for r in sandbox.requests if r.method == method and fnmatch(r.path, glob)]


async def pick(pilot, label: str) -> None:
    modal = pilot.app.screen
    assert isinstance(modal, PickModal)
    index = next(i for i, (_, text) in enumerate(modal._choices) if text == label)
    modal.query_one("OptionList").highlighted = index
    await pilot.press("enter")
    await settle(pilot)


async def test_status_change_previews_then_sends_on_y_only(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(0)
        target = "Waiting on Customer" if row.status != "Waiting on Customer" else "In Progress"
        await pilot.press("s")
        await settle(pilot)
        await pick(pilot, target)
        assert isinstance(app.screen, ConfirmWriteModal)
        step = app.screen.preview.steps[0]
        assert (step.method, step.path, step.payload) == (
            "PUT",
            f"/tickets/{row.id}",
            {"status": target},
        )
        assert "Alex Rivera (user_id 101)" in app.screen.preview.attribution
        await pilot.press("enter")  # Enter never sends
        await settle(pilot)
        assert writes(sandbox, "PUT", "/tickets/*") == []
        await pilot.press("y")
        await settle(pilot)
        sent = writes(sandbox, "PUT", "/tickets/*")
        assert [(r.path, r.json) for r in sent] == [(f"/tickets/{row.id}", {"status": target})]
        assert sandbox.ticket(row.id).status == target
        assert any(n.startswith("Done:") for n in notifications(app))


async def test_cancel_at_preview_sends_nothing(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        modal = app.screen
        current = listing(app).row_at(0).priority
        other = next(label for _, label in modal._choices if label != current)
        await pick(pilot, other)
        await pilot.press("n")
        await settle(pilot)
        assert writes(sandbox, "PUT", "/tickets/*") == []
        assert "Nothing was sent." in notifications(app)


async def test_assign_and_priority_send_exact_payloads(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(2)
        await pilot.press("j", "j", "a")
        await settle(pilot)
        target = "Priya Shah" if row.user_id != 102 else "Marcus Chen"
        await pick(pilot, target)
        await pilot.press("y")
        await settle(pilot)
        uid = 102 if target == "Priya Shah" else 103
        assert writes(sandbox, "PUT", "/tickets/*")[-1].json == {"user_id": uid}
        await pilot.press("p")
        await settle(pilot)
        priority = next(label for _, label in app.screen._choices if label != row.priority)
        await pick(pilot, priority)
        await pilot.press("y")
        await settle(pilot)
        assert writes(sandbox, "PUT", "/tickets/*")[-1].json == {"priority": priority}
        assert sandbox.ticket(row.id).user_id == uid and sandbox.ticket(row.id).priority == priority


async def test_resolve_warns_about_unbilled_time_and_writes_a_session_log(
    make_app, sandbox, tmp_path
):
    ticket = next(
        t
        for t in sandbox.state.tickets.values()
        if t.status not in ("Resolved", "Invoiced", "Closed")
        and any(not tm.recorded for tm in t.timers)
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert listing(app).move_to_id(ticket.id)
        await pilot.pause(0.05)
        await settle(pilot)
        await pilot.press("x")
        await settle(pilot)
        await pick(pilot, "Resolve anyway (the time stays unbilled)")
        assert isinstance(app.screen, ConfirmWriteModal)
        assert any("not billed" in w for w in app.screen.preview.warnings)
        assert app.screen.preview.steps[0].payload == {"status": "Resolved"}
        await pilot.press("y")
        await settle(pilot)
        assert sandbox.ticket(ticket.id).status == "Resolved"
        await pick(pilot, "Yes, write it")
        await pilot.press("enter")
        await settle(pilot)
        logs = list((tmp_path / "logs").rglob("*.md"))
        assert len(logs) == 1
        assert logs[0].name.endswith(f"-ticket-{ticket.number}.md")
        assert logs[0].parent.name == "session-logs"
        text = logs[0].read_text()
        assert ticket.subject in text and "## Resolution" in text
        assert ticket.id not in {
            listing(app).row_at(i).id for i in range(listing(app).visible_count)
        }


async def test_new_ticket_shows_similar_open_tickets_and_sends_exact_json(make_app, sandbox):
    existing = next(t for t in sandbox.state.tickets.values() if t.status == "New")
    customer = sandbox.state.customers[existing.customer_id]
    contact = next(c for c in sandbox.state.contacts.values() if c.customer_id == customer.id)
    # The demo account has ticket types without requiring one: the form's type stays unset.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("n", *(customer.business_name or customer.firstname)[:6])
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("down")
        options = app.screen.query_one("#found")
        index = next(
            i
            for i in range(options.option_count)
            if str(options.get_option_at_index(i).prompt)
            == (customer.business_name or customer.fullname)
        )
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        form = app.screen
        form.query_one("#contact_id").value = contact.id
        await pilot.press("f2")
        await settle(pilot)
        assert "Subject is required." in str(form.query_one("#error").content)
        form.query_one("#subject").value = existing.subject
        await pilot.press("f2")
        await settle(pilot)
        assert "Pick a priority, or (none)" in str(form.query_one("#error").content)
        assert app.focused is form.query_one("#priority")  # asked for, never defaulted
        form.query_one("#priority").value = "2 Normal"
        form.query_one("#due_date").value = "2020-01-01"
        await pilot.press("f2")
        await settle(pilot)
        assert "in the past" in str(form.query_one("#error").content)
        form.query_one("#due_date").value = "2026-12-31"
        form.query_one("#description").text = "Front desk PC shows [bold]red[/] screen"
        await pilot.press("f2")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ConfirmWriteModal)
        assert any("similar open ticket" in w for w in preview.preview.warnings)
        assert any(f"#{existing.number}" in n for n in preview.preview.notes)
        payload = preview.preview.steps[0].payload
        assert payload["customer_id"] == customer.id and payload["contact_id"] == contact.id
        assert "ticket_type_id" not in payload and "properties" not in payload
        assert payload["subject"] == existing.subject and payload["user_id"] == 101
        assert payload["priority"] == "2 Normal"
        before = len(sandbox.state.tickets)
        await pilot.press("y")
        await settle(pilot)
        assert len(sandbox.state.tickets) == before + 1
        sent = writes(sandbox, "POST", "/tickets")
        assert len(sent) == 1 and sent[0].json == payload
        new = max(sandbox.state.tickets.values(), key=lambda t: t.id)
        assert new.comments[0].body == "Front desk PC shows [bold]red[/] screen"


async def test_new_ticket_draft_survives_escape(make_app, sandbox):
    customer = next(iter(sandbox.state.customers.values()))
    name = customer.business_name or customer.fullname
    app = make_app()

    async def open_form(pilot):
        await pilot.press("n", *name[:6])
        await pilot.pause(0.4)
        await settle(pilot)
        options = app.screen.query_one("#found")
        index = next(
            i
            for i in range(options.option_count)
            if str(options.get_option_at_index(i).prompt) == name
        )
        await pilot.press("down")
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        return app.screen

    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        form = await open_form(pilot)
        form.query_one("#subject").value = "Half-typed subject"
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        form = await open_form(pilot)
        assert form.query_one("#subject").value == "Half-typed subject"
        assert writes(sandbox, "POST", "/tickets") == []


async def test_detail_refreshes_after_a_write(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(0)
        await pilot.pause(0.05)
        await pilot.press("s")
        await settle(pilot)
        target = next(
            label
            for _, label in app.screen._choices
            if label not in (row.status, "Resolved", "Invoiced", "Closed")
        )
        await pick(pilot, target)
        await pilot.press("y")
        await settle(pilot)
        await pilot.pause(0.05)
        await settle(pilot)
        assert target in detail_text(app)
