"""What a real account's variance looks like on screen: custom fields, ticket type, SLA and
contract in the detail, due dates on the account's calendar, priorities from the account,
ids and numbers above 2^31, a broken ticket in the list."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.helpers import detail_text, listing, open_ticket, screen_text


def flat(text: str) -> str:
    return " ".join(text.split())


async def _go(pilot, number) -> None:
    await pilot.press("number_sign", *str(number), "enter")
    await settle(pilot)


async def test_detail_shows_type_custom_fields_sla_contract_and_appointments(make_app, sandbox):
    ticket = open_ticket(
        sandbox,
        lambda t: t.ticket_type_id == 41 and t.properties and t.sla_id and t.contract_id,
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(pilot, ticket.number)
        text = flat(detail_text(app))
    assert "Type Hardware Repair" in text
    assert "Custom fields" in text
    props = ticket.properties
    assert f"Serial Number {props['Serial Number']}" in text
    assert f"Under Warranty {'yes' if props['Under Warranty'] == '1' else 'no'}" in text
    assert props["Device Type"] in text
    assert sandbox.state.slas[ticket.sla_id] in text
    assert sandbox.state.contracts[ticket.contract_id] in text


async def test_a_dropdown_answer_id_shows_as_its_text(make_app, sandbox):
    ticket = open_ticket(sandbox, lambda t: t.ticket_type_id == 42 and t.properties)
    names = {35984: "Front Office", 35985: "Clinical", 35986: "Billing"}
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(pilot, ticket.number)
        text = flat(detail_text(app))
    assert f"Department {names[ticket.properties['Department']]}" in text
    assert str(ticket.properties["Department"]) not in text


async def test_breached_sla_and_no_email_customer_are_said(make_app, sandbox):
    breached = open_ticket(sandbox, lambda t: t.sla_breached)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(pilot, breached.number)
        assert "(BREACHED)" in detail_text(app)
        silent = open_ticket(sandbox, lambda t: sandbox.state.customers[t.customer_id].no_email)
        await _go(pilot, silent.number)
        assert "No Email" in detail_text(app)


async def test_appointments_on_the_ticket(make_app, sandbox):
    ticket = open_ticket(sandbox, lambda t: t.appointment_ids)
    appointment = sandbox.state.appointments[ticket.appointment_ids[0]]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(pilot, ticket.number)
        text = detail_text(app)
    assert "Appointments" in text and appointment.summary in text


async def test_date_only_due_date_is_the_account_date_in_any_local_zone(
    make_app, clock, monkeypatch
):
    import time

    from syncro_tui.sandbox import Sandbox

    # The technician sits in Honolulu (-10:00), the account in Los Angeles (-08:00): a
    # conversion to local time would show the 30th.
    monkeypatch.setenv("TZ", "Pacific/Honolulu")
    time.tzset()
    sb = Sandbox(clock=clock, tickets=30, time_zone="America/Los_Angeles", time_offset="-08:00")
    ticket = open_ticket(sb, lambda t: True)
    from tests.sandbox.helpers import make_client

    async with make_client(sb) as http:  # someone set the due date as a date
        await http.put(f"/tickets/{ticket.id}", json={"due_date": "2026-12-31"})
    app = make_app(sandbox_=sb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await _go(pilot, ticket.number)
        text = flat(detail_text(app))
    assert "Due 2026-12-31 Updated" in text
    assert "2026-12-30" not in text


async def test_priority_picker_offers_the_account_values(make_app, clock):
    from syncro_tui.sandbox import Sandbox
    from syncro_tui.ui.screens.dialogs import PickModal

    sb = Sandbox(clock=clock, tickets=30, priorities="plain")
    app = make_app(sandbox_=sb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        modal = app.screen
        assert isinstance(modal, PickModal)
        labels = [text for _, text in modal._choices]
        row = listing(app).row_at(0)
        expected = ["Low", "Normal", "High", "Urgent"]
        if row.priority and row.priority not in expected:
            expected.append(row.priority)
        assert labels == expected
        await pilot.press("escape")


async def test_big_ids_and_numbers_fit_the_list(make_app, clock):
    from syncro_tui.sandbox import Sandbox

    sb = Sandbox(clock=clock, tickets=30, big_ids=True)
    app = make_app(sandbox_=sb)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = listing(app)
        first = lst.row_at(0)
        assert first.id > 2**32 and int(first.number) > 2**31
        assert f"#{first.number}" in screen_text(app)  # never cut
        await _go(pilot, first.number)
        assert lst.highlighted_id == first.id


async def test_a_broken_ticket_shows_as_unreadable_and_the_rest_load(make_app, clock):
    from syncro_tui.sandbox import Sandbox

    sb = Sandbox(clock=clock, tickets=30)
    victim = open_ticket(sb, lambda t: True)
    sb.simulate_broken_ticket(victim.id, problem_type=["a", "b"])
    app = make_app(sandbox_=sb)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        rows = [lst.row_at(i) for i in range(lst.visible_count)]
        broken = [r for r in rows if r.subject.startswith("UNREADABLE")]
        assert [r.number for r in broken] == [str(victim.number)]
        assert "problem_type" in broken[0].subject
        assert len(rows) > 10
