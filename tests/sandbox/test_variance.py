"""The variance of real accounts: seeded in the demo data and behind switches."""

from __future__ import annotations

import pytest

from syncro_tui.sandbox import Sandbox

from .helpers import T0, make_client, open_ticket


def test_priority_styles_follow_the_account_list():
    numbered = Sandbox(clock=lambda: T0, priorities="numbered").state
    assert numbered.priorities == ["", "0 Urgent", "1 High", "2 Normal", "3 Low"]
    assert {t.priority for t in numbered.tickets.values()} - set(numbered.priorities) == {None}
    plain = Sandbox(clock=lambda: T0, priorities="plain").state
    assert plain.priorities == ["Low", "Normal", "High", "Urgent"]
    assert {t.priority for t in plain.tickets.values()} <= {*plain.priorities, "", None}
    with pytest.raises(ValueError):
        Sandbox(clock=lambda: T0, priorities="loud")


async def test_settings_serve_the_account_priorities(clock):
    sb = Sandbox(clock=clock, tickets=20, priorities="plain")
    async with make_client(sb) as http:
        settings = (await http.get("/settings")).json()
        listed = (await http.get("/tickets", params={"per_page": 100})).json()["tickets"]
    assert settings["ticket"]["priorities"] == ["Low", "Normal", "High", "Urgent"]
    assert {t["priority"] for t in listed} <= {"Low", "Normal", "High", "Urgent", "", None}


async def test_big_ids_everywhere(clock):
    sb = Sandbox(clock=clock, tickets=30, big_ids=True)
    async with make_client(sb) as http:
        tickets = (await http.get("/tickets")).json()["tickets"]
        detail = (await http.get(f"/tickets/{tickets[0]['id']}")).json()["ticket"]
        by_number = (await http.get("/tickets", params={"number": tickets[0]["number"]})).json()
    assert all(t["id"] > 2**32 and t["number"] > 2**31 for t in tickets)
    assert detail["customer"]["id"] > 2**31 and all(c["id"] > 2**31 for c in detail["comments"])
    assert by_number["tickets"][0]["id"] == tickets[0]["id"]


def test_demo_invoice_and_appointment_ids_are_as_large_as_live_ones(sb):
    assert sb.state.invoices and all(i > 10**9 for i in sb.state.invoices)  # 1649793879 live
    assert sb.state.appointments and all(a > 2**31 for a in sb.state.appointments)


async def test_custom_fields_ticket_types_sla_and_contract(sb, client):
    typed = next(
        t
        for t in sb.state.tickets.values()
        if t.ticket_type_id == 41 and t.properties and t.sla_id and t.contract_id
    )
    listed = (await client.get("/tickets", params={"number": typed.number})).json()["tickets"][0]
    assert listed["ticket_type_id"] == 41 and listed["ticket_type_name"] == "Hardware Repair"
    assert listed["sla_name"] in ("Standard 8x5", "Premium 24x7")
    assert listed["contract_name"] and listed["contract_id"] == typed.contract_id
    assert isinstance(listed["sla_breached"], bool)
    assert isinstance(listed["sla_breaching_soon"], bool)
    assert listed["properties"]["Under Warranty"] in ("1", "0")
    detail = (await client.get(f"/tickets/{typed.id}")).json()["ticket"]
    assert detail["ticket_type"]["name"] == "Hardware Repair"
    names = [f["name"] for f in detail["ticket_fields"]]
    assert names == ["Device Type", "Serial Number", "Under Warranty", "Purchase Date"]
    assert detail["ticket_type"]["ticket_fields"][0]["answers"][0]["content"] == "Laptop"
    onboarding = next(
        t for t in sb.state.tickets.values() if t.ticket_type_id == 42 and t.properties
    )
    assert isinstance(onboarding.properties["Department"], int)  # dropdown values as ints
    assert any(t.sla_breached for t in sb.state.tickets.values())
    assert any(t.sla_breaching_soon for t in sb.state.tickets.values())
    settings = (await client.get("/tickets/settings")).json()
    assert {t["name"] for t in settings["ticket_types"]} >= {"Hardware Repair"}
    assert settings["ticket_type_fields"]


async def test_customers_with_no_email_custom_fields_and_contacts_without_email(sb, client):
    silent = next(c for c in sb.state.customers.values() if c.no_email)
    body = (await client.get(f"/customers/{silent.id}")).json()["customer"]
    assert body["no_email"] is True
    with_fields = next(c for c in sb.state.customers.values() if c.properties)
    props = (await client.get(f"/customers/{with_fields.id}")).json()["customer"]["properties"]
    assert isinstance(props["Managed Status"], int) and props["Managed IT"] in ("1", "0")
    no_mail = next(c for c in sb.state.contacts.values() if not c.email)
    assert (await client.get(f"/contacts/{no_mail.id}")).json()["email"] is None


async def test_account_time_zone_and_date_only_due_dates(clock):
    sb = Sandbox(clock=clock, tickets=10, time_zone="America/New_York", time_offset="-05:00")
    ticket = open_ticket(sb)
    async with make_client(sb) as http:
        locale = (await http.get("/settings")).json()["locale"]
        await http.put(f"/tickets/{ticket.id}", json={"due_date": "2026-12-31"})
        due = (await http.get(f"/tickets/{ticket.id}")).json()["ticket"]["due_date"]
    assert locale["time_zone"] == "America/New_York" and locale["time_offset"] == "-04:00"
    # A date-only due date is midnight of that day in the account's zone: never the 30th.
    assert due == "2026-12-31T00:00:00.000-05:00"


async def test_comments_ignore_sort_direction(sb, client):
    ticket = max(sb.state.tickets.values(), key=lambda t: len(t.comments))
    default = (await client.get(f"/tickets/{ticket.id}/comments")).json()["comments"]
    asc = (
        await client.get(
            f"/tickets/{ticket.id}/comments",
            params={"sort_direction": "ASC", "sort_by": "created_at"},
        )
    ).json()["comments"]
    assert [c["id"] for c in asc] == [c["id"] for c in default]
    assert [c["created_at"] for c in default] == sorted(
        (c["created_at"] for c in default), reverse=True
    )


async def test_a_broken_ticket_is_served_as_broken(sb, client):
    ticket = open_ticket(sb)
    sb.simulate_broken_ticket(ticket.id, priority=3, due_date="0000-00-00")
    listed = (await client.get("/tickets", params={"number": ticket.number})).json()["tickets"]
    assert listed[0]["priority"] == 3 and listed[0]["due_date"] == "0000-00-00"


def test_the_sandbox_command_switches_build_that_account():
    import argparse

    from syncro_tui.sandbox.server import launch, options

    args = argparse.Namespace(
        port=0,
        tickets=12,
        priorities="plain",
        big_ids=True,
        time_zone="Europe/Berlin",
        time_offset="+01:00",
        deny=["Ticket Canned Responses - Manage"],
    )
    sandbox, server = launch(options(args))
    try:
        state = sandbox.state
        assert state.priorities == ["Low", "Normal", "High", "Urgent"]
        assert all(t > 2**32 for t in state.tickets) and state.time_zone == "Europe/Berlin"
        assert state.permissions["Ticket Canned Responses - Manage"] is False
    finally:
        server.close()
    defaults = options(argparse.Namespace())
    assert defaults["priorities"] == "mixed" and defaults["big_ids"] is False
