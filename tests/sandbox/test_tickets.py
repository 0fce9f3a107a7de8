"""Tickets and comments: wrappers, views, filters, pagination, validation shapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime

import pytest

from syncro_tui.sandbox import Sandbox

from .helpers import T0, make_client, open_ticket

ISO_Z = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$")


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


# -- list ------------------------------------------------------------------------------------


async def test_list_wrapper_meta_and_default_page_size(sb, client):
    body = (await client.get("/tickets")).json()
    assert set(body) == {"tickets", "meta"}
    assert body["meta"] == {"total_pages": 12, "page": 1}  # 300 tickets / 25
    assert len(body["tickets"]) == 25


async def test_list_is_newest_updated_first_across_pages(sb, client):
    first = (await client.get("/tickets", params={"per_page": 100})).json()["tickets"]
    second = (await client.get("/tickets", params={"per_page": 100, "page": 2})).json()["tickets"]
    stamps = [t["updated_at"] for t in first + second]
    assert stamps == sorted(stamps, reverse=True)
    newest = max(sb.state.tickets.values(), key=lambda t: (t.updated_at, t.id))
    assert first[0]["id"] == newest.id


async def test_per_page_is_honoured_up_to_100(client):
    small = (await client.get("/tickets", params={"per_page": 7})).json()
    huge = (await client.get("/tickets", params={"per_page": 500})).json()
    assert len(small["tickets"]) == 7 and small["meta"]["total_pages"] == 43
    assert len(huge["tickets"]) == 100 and huge["meta"]["total_pages"] == 3


async def test_page_past_the_end_is_an_empty_200(client):
    response = await client.get("/tickets", params={"page": 99})
    assert response.status_code == 200
    assert response.json() == {"tickets": [], "meta": {"total_pages": 12, "page": 99}}


async def test_walking_every_page_yields_every_ticket_once(sb, client):
    seen = []
    page, total = 1, 1
    while page <= total:
        body = (await client.get("/tickets", params={"page": page})).json()
        total = body["meta"]["total_pages"]
        seen += [t["id"] for t in body["tickets"]]
        page += 1
    assert sorted(seen) == sorted(sb.state.tickets)


async def test_list_view_fields_and_only_the_first_comment(sb, client):
    tickets = (await client.get("/tickets", params={"per_page": 100})).json()["tickets"]
    many = next(t for t in tickets if len(sb.ticket(t["id"]).comments) > 1)
    record = sb.ticket(many["id"])
    assert [c["id"] for c in many["comments"]] == [record.comments[0].id]
    assert many["comments"][0]["subject"] == "Initial Issue"
    for name in (
        "customer_business_then_name",
        "contact_fullname",
        "customer_reply",
        "billing_status",
        "contact_id",
        "sla_breached",
    ):
        assert name in many
    for name in ("line_items", "ticket_timers", "customer", "contact"):
        assert name not in many
    assert isinstance(many["number"], int)
    assert ISO_Z.match(many["updated_at"])


async def test_detail_view_carries_everything_newest_comment_first(sb, client):
    ticket = next(
        t
        for t in sb.state.tickets.values()
        if len(t.comments) > 2 and t.line_items and t.timers and t.contact_id
    )
    response = await client.get(f"/tickets/{ticket.id}")
    detail = response.json()["ticket"]
    assert set(response.json()) == {"ticket"}
    assert [c["id"] for c in detail["comments"]] == [c.id for c in reversed(ticket.comments)]
    assert [li["id"] for li in detail["line_items"]] == [li.id for li in ticket.line_items]
    assert [t["id"] for t in detail["ticket_timers"]] == [t.id for t in ticket.timers]
    assert detail["customer"]["id"] == ticket.customer_id
    assert detail["customer"]["contacts"]
    assert detail["contact"]["id"] == ticket.contact_id
    assert "contact_id" not in detail  # as in the spec's detail example: use contact.id


async def test_unknown_ticket_is_404_not_found(client):
    response = await client.get("/tickets/1")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found"}


# -- filters ---------------------------------------------------------------------------------


async def all_tickets(client, **params) -> list[dict]:
    params["per_page"] = 100
    out, page = [], 1
    while True:
        body = (await client.get("/tickets", params={**params, "page": page})).json()
        out += body["tickets"]
        if page >= body["meta"]["total_pages"]:
            return out
        page += 1


async def test_not_closed_leaves_out_resolved_invoiced_and_closed(sb, client):
    found = await all_tickets(client, status="Not Closed")
    statuses = {t["status"] for t in found}
    assert statuses.isdisjoint({"Resolved", "Invoiced", "Closed"})
    assert "Waiting on Vendor" in statuses and "New" in statuses
    expected = [
        t for t in sb.state.tickets.values() if t.status not in ("Resolved", "Invoiced", "Closed")
    ]
    assert len(found) == len(expected)


async def test_status_filter_is_exact(client):
    found = await all_tickets(client, status="Resolved")
    assert found and {t["status"] for t in found} == {"Resolved"}


async def test_mine_user_customer_and_contact_filters(sb, client):
    mine = await all_tickets(client, mine="true")
    assert mine and {t["user_id"] for t in mine} == {101}
    by_user = await all_tickets(client, user_id=102)
    assert by_user and {t["user_id"] for t in by_user} == {102}
    ticket = open_ticket(sb)
    by_customer = await all_tickets(client, customer_id=ticket.customer_id)
    assert ticket.id in {t["id"] for t in by_customer}
    assert {t["customer_id"] for t in by_customer} == {ticket.customer_id}
    with_contact = next(t for t in sb.state.tickets.values() if t.contact_id)
    by_contact = await all_tickets(client, contact_id=with_contact.contact_id)
    assert {t["contact_id"] for t in by_contact} == {with_contact.contact_id}


async def test_number_filter_is_exact(sb, client):
    ticket = open_ticket(sb)
    found = (await client.get("/tickets", params={"number": str(ticket.number)})).json()
    assert [t["id"] for t in found["tickets"]] == [ticket.id]
    assert found["tickets"][0]["number"] == ticket.number


async def test_query_searches_number_subject_and_customer_name(sb, client):
    ticket = open_ticket(sb)
    customer = sb.state.customers[ticket.customer_id]
    for text in (str(ticket.number), ticket.subject.upper(), customer.business_name.lower()):
        ids = {t["id"] for t in await all_tickets(client, query=text)}
        assert ticket.id in ids, text
    nothing = await all_tickets(client, query="zzz-no-such-thing")
    assert nothing == []


async def test_since_updated_at_returns_only_recent_changes(sb, client):
    cutoff = T0 - 3600
    found = await all_tickets(client, since_updated_at=iso(cutoff))
    expected = {t.id for t in sb.state.tickets.values() if t.updated_at >= cutoff}
    assert {t["id"] for t in found} == expected
    assert 5 <= len(expected) < 300  # "a handful updated in the last hour"


async def test_since_updated_at_accepts_a_date(sb, client):
    day = datetime.fromtimestamp(T0, UTC).date().isoformat()
    midnight = datetime.fromisoformat(day).replace(tzinfo=UTC).timestamp()
    found = await all_tickets(client, since_updated_at=day)
    assert {t["id"] for t in found} == {
        t.id for t in sb.state.tickets.values() if t.updated_at >= midnight
    }


async def test_since_date_only_tenant_ignores_the_time_part(clock):
    sb = Sandbox(clock=clock, since_date_only=True)
    async with make_client(sb) as http:
        cutoff = iso(T0 - 60)
        found = await all_tickets(http, since_updated_at=cutoff)
    day = datetime.fromtimestamp(T0, UTC).replace(hour=0, minute=0, second=0).timestamp()
    assert len(found) == sum(1 for t in sb.state.tickets.values() if t.updated_at >= day)
    assert len(found) > sum(1 for t in sb.state.tickets.values() if t.updated_at >= T0 - 60)


async def test_since_date_only_tenant_reads_created_after_as_a_day_of_the_account(clock):
    """The risky reading: late in the UTC day the account's (Los Angeles) day has not begun
    in UTC terms yet, so "created after today" hides a ticket created a minute ago."""
    late = datetime(2026, 11, 21, 2, 0, tzinfo=UTC).timestamp()  # 18:00 on the 20th in LA
    clock.now = late
    sb = Sandbox(clock=clock, since_date_only=True)
    async with make_client(sb) as http:
        made = await http.post(
            "/tickets", json={"customer_id": min(sb.state.customers), "subject": "Fresh"}
        )
        assert made.status_code == 200
        hidden = await all_tickets(http, created_after=iso(late - 60))
        shown = await all_tickets(http, created_after="2026-11-20")
    fresh = made.json()["ticket"]["id"]
    assert fresh not in {t["id"] for t in hidden}
    assert fresh in {t["id"] for t in shown}


async def test_a_route_that_fails_answers_500_and_is_logged(sb, client, monkeypatch):
    """A bug in the fake must look like a server error, never like a request that did not
    arrive (it once made a create look like it never reached the sandbox)."""

    def broken(self, call):
        raise TypeError("create_ticket() got multiple values for keyword argument 'subject'")

    monkeypatch.setattr("syncro_tui.sandbox.routes.Routes.create_ticket", broken)
    response = await client.post(
        "/tickets", json={"customer_id": min(sb.state.customers), "subject": "x"}
    )
    assert response.status_code == 500
    assert "something went wrong" in response.text
    [record] = [r for r in sb.requests if r.method == "POST"]
    assert record.path == "/tickets" and record.status == 500
    [error] = sb.internal_errors
    assert "multiple values for keyword argument 'subject'" in error


async def test_created_and_resolved_after(sb, client):
    week = T0 - 7 * 86400
    created = await all_tickets(client, created_after=iso(week))
    assert {t["id"] for t in created} == {
        t.id for t in sb.state.tickets.values() if t.created_at >= week
    }
    resolved = await all_tickets(client, resolved_after=iso(week))
    assert resolved and all(t["resolved_at"] >= iso(week)[:19] for t in resolved)


async def test_bad_date_is_422(client):
    response = await client.get("/tickets", params={"since_updated_at": "yesterday"})
    assert response.status_code == 422
    assert response.json() == {"error": 'no time information in "yesterday"'}


# -- create and update -----------------------------------------------------------------------


async def test_create_ticket_wrapped_numbered_unassigned_with_initial_comment(sb, client):
    last = max(t.number for t in sb.state.tickets.values())
    response = await client.post(
        "/tickets",
        json={
            "customer_id": 2001,
            "subject": "Fax machine on fire",
            "priority": "0 Urgent",
            "comments_attributes": [
                {
                    "subject": "Initial Issue",
                    "body": "Smoke!",
                    "hidden": False,
                    "do_not_email": True,
                }
            ],
            "line_items": [{"name": "ignored", "description": "ignored"}],
        },
    )
    assert response.status_code == 200
    ticket = response.json()["ticket"]
    assert ticket["number"] == last + 1
    assert ticket["user_id"] is None and ticket["status"] == "New"
    assert ticket["priority"] == "0 Urgent"
    assert [c["body"] for c in ticket["comments"]] == ["Smoke!"]
    assert "do_not_email" not in ticket["comments"][0]
    assert ticket["line_items"] == []
    assert ticket["created_at"] == ticket["updated_at"] == "2026-05-28T20:26:40.000Z"


async def test_create_ticket_requires_customer_then_subject(client):
    no_customer = await client.post("/tickets", json={"subject": "x"})
    assert no_customer.status_code == 422
    assert no_customer.json() == {"error": "Customer required field"}
    no_subject = await client.post("/tickets", json={"customer_id": 2001, "subject": " "})
    assert no_subject.status_code == 422
    assert no_subject.json() == {"success": False, "message": ["Subject can't be blank"]}


async def test_nested_comments_need_subject_and_body(sb, client):
    before = len(sb.state.tickets)
    response = await client.post(
        "/tickets",
        json={"customer_id": 2001, "subject": "x", "comments_attributes": [{"body": "no subject"}]},
    )
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": ["Comments subject can't be blank"]}
    assert len(sb.state.tickets) == before
    ticket = open_ticket(sb)
    updated = await client.put(
        f"/tickets/{ticket.id}",
        json={"comments_attributes": {"0": {"subject": "Note", "body": "added on update"}}},
    )
    assert updated.json()["ticket"]["comments"][0]["body"] == "added on update"


async def test_two_identical_creates_make_two_tickets(sb, client):
    before = len(sb.state.tickets)
    payload = {"customer_id": 2001, "subject": "Duplicate me", "user_id": 101}
    first = (await client.post("/tickets", json=payload)).json()["ticket"]
    second = (await client.post("/tickets", json=payload)).json()["ticket"]
    assert first["id"] != second["id"] and second["number"] == first["number"] + 1
    assert len(sb.state.tickets) == before + 2
    assert first["user_id"] == 101


async def test_update_ticket_wrapped_and_bumps_updated_at(sb, client, clock):
    ticket = open_ticket(sb)
    clock.advance(120)
    response = await client.put(
        f"/tickets/{ticket.id}", json={"status": "Resolved", "user_id": 103}
    )
    body = response.json()["ticket"]
    assert body["status"] == "Resolved" and body["user_id"] == 103
    assert body["updated_at"] == body["resolved_at"] == "2026-05-28T20:28:40.000Z"
    reopened = (await client.put(f"/tickets/{ticket.id}", json={"status": "In Progress"})).json()
    assert reopened["ticket"]["resolved_at"] is None


async def test_update_with_blank_subject_is_422_and_changes_nothing(sb, client):
    ticket = open_ticket(sb)
    subject, updated = ticket.subject, ticket.updated_at
    response = await client.put(f"/tickets/{ticket.id}", json={"subject": "", "status": "Closed"})
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": ["Subject can't be blank"]}
    assert (ticket.subject, ticket.status, ticket.updated_at) == (subject, "In Progress", updated)


# -- comments ----------------------------------------------------------------------------------


async def test_comments_newest_first_paginated_by_ten(sb, client):
    ticket = open_ticket(sb)
    for n in range(12):
        sb.state.add_comment(ticket, T0 + n, subject="s", body=f"note {n}")
    total = len(ticket.comments)
    first = (await client.get(f"/tickets/{ticket.id}/comments")).json()
    assert first["meta"] == {"total_pages": -(-total // 10), "page": 1, "per_page": 10}
    assert [c["body"] for c in first["comments"][:3]] == ["note 11", "note 10", "note 9"]
    assert "user" in first["comments"][0]
    last = (
        await client.get(
            f"/tickets/{ticket.id}/comments", params={"page": first["meta"]["total_pages"]}
        )
    ).json()
    assert last["comments"][-1]["subject"] == "Initial Issue"
    wide = (await client.get(f"/tickets/{ticket.id}/comments", params={"per_page": 50})).json()
    assert len(wide["comments"]) == total and wide["meta"]["per_page"] == 50


async def test_add_comment_wrapped_without_do_not_email(sb, client, clock):
    ticket = open_ticket(sb)
    clock.advance(5)
    response = await client.post(
        f"/tickets/{ticket.id}/comment",
        json={
            "subject": "Update",
            "body": "Rebooted",
            "hidden": True,
            "do_not_email": True,
            "tech": "Night shift",
        },
    )
    comment = response.json()["comment"]
    assert set(response.json()) == {"comment"}
    assert comment["ticket_id"] == ticket.id and comment["hidden"] is True
    assert comment["tech"] == "Night shift" and comment["user_id"] == 101
    assert "do_not_email" not in comment
    assert ticket.updated_at == T0 + 5


@pytest.mark.parametrize(
    "subject,status",
    [
        ("Diagnosis", "In Progress"),
        ("parts  ARRIVAL", "In Progress"),
        ("Parts Order", "Waiting for Parts"),
    ],
)
async def test_subjects_syncro_acts_on_change_the_status(sb, client, clock, subject, status):
    ticket = next(t for t in sb.state.tickets.values() if t.status == "New")
    clock.advance(5)
    response = await client.post(
        f"/tickets/{ticket.id}/comment", json={"subject": subject, "body": "Checked it."}
    )
    assert response.status_code == 200
    assert ticket.status == status and ticket.updated_at == T0 + 5
    shown = (await client.get(f"/tickets/{ticket.id}")).json()["ticket"]
    assert shown["status"] == status


@pytest.mark.parametrize("subject", ["Update", "Diagnosis done", "Parts"])
async def test_other_subjects_leave_the_status(sb, client, subject):
    ticket = next(t for t in sb.state.tickets.values() if t.status == "New")
    await client.post(f"/tickets/{ticket.id}/comment", json={"subject": subject, "body": "x"})
    assert ticket.status == "New"


@pytest.mark.parametrize(
    "payload,messages",
    [
        ({}, ["Body can't be blank", "Subject can't be blank"]),
        ({"body": "text"}, ["Subject can't be blank"]),
        ({"subject": "s", "body": ""}, ["Body can't be blank"]),
    ],
)
async def test_comment_validation_shape(sb, client, payload, messages):
    ticket = open_ticket(sb)
    before = len(ticket.comments)
    response = await client.post(f"/tickets/{ticket.id}/comment", json=payload)
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": messages}
    assert len(ticket.comments) == before


async def test_two_identical_comment_posts_make_two_comments(sb, client):
    ticket = open_ticket(sb)
    before = len(ticket.comments)
    payload = {"subject": "Update", "body": "Same text"}
    responses = [await client.post(f"/tickets/{ticket.id}/comment", json=payload) for _ in range(2)]
    ids = [r.json()["comment"]["id"] for r in responses]
    assert ids[0] != ids[1]
    assert len(ticket.comments) == before + 2
    assert sb.count("POST", "/tickets/*/comment") == 2


async def test_time_offset_option_renders_offsets(clock):
    sb = Sandbox(clock=clock, tickets=3, time_offset="-08:00")
    async with make_client(sb) as http:
        created = (await http.post("/tickets", json={"customer_id": 2001, "subject": "x"})).json()
    assert created["ticket"]["created_at"] == "2026-05-28T12:26:40.000-08:00"
