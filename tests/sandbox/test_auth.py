"""Keys, permissions and the Content-Type quirk."""

from __future__ import annotations

import pytest

from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox

from .helpers import make_client, open_ticket

PERMISSION_BODY = {
    "error": "Not authorized. Please ask account admin to update your group permissions."
}


@pytest.mark.parametrize(
    "headers",
    [
        {"Authorization": f"Bearer {DEFAULT_API_KEY}"},
        {"Authorization": DEFAULT_API_KEY},
    ],
)
async def test_key_accepted_in_header(sb, headers):
    async with make_client(sb, headers=headers) as http:
        response = await http.get("/me")
    assert response.status_code == 200
    assert response.json()["user_id"] == 101


async def test_key_accepted_as_query_parameter(sb):
    async with make_client(sb, headers={}) as http:
        response = await http.get("/me", params={"api_key": DEFAULT_API_KEY})
    assert response.status_code == 200
    assert sb.requests[-1].query["api_key"] == DEFAULT_API_KEY


@pytest.mark.parametrize(
    "headers,params",
    [
        ({}, {}),
        ({"Authorization": "Bearer wrong-key"}, {}),
        ({"Authorization": "wrong-key"}, {}),
        ({}, {"api_key": "wrong-key"}),
    ],
)
async def test_missing_or_wrong_key_is_401(sb, headers, params):
    async with make_client(sb, headers=headers) as http:
        response = await http.get("/tickets", params=params)
    assert response.status_code == 401
    assert "tickets" not in response.text


async def test_custom_api_key(clock):
    sb = Sandbox(clock=clock, api_key="other", tickets=5)
    async with make_client(sb, headers={"Authorization": "Bearer other"}) as http:
        assert (await http.get("/me")).status_code == 200
    async with make_client(sb) as http:
        assert (await http.get("/me")).status_code == 401


@pytest.mark.parametrize(
    "permission,method,path,body",
    [
        ("Tickets - List/Search", "GET", "/tickets", None),
        ("Tickets - View Details", "GET", "/tickets/{id}", None),
        ("Tickets - Create", "POST", "/tickets", {"customer_id": 2001, "subject": "x"}),
        ("Tickets - Edit", "POST", "/tickets/{id}/comment", {"subject": "s", "body": "b"}),
        (
            "Tickets - Edit",
            "POST",
            "/tickets/{id}/add_line_item",
            {"name": "n", "description": "d"},
        ),
        (
            "Ticket Timers - Overview",
            "POST",
            "/tickets/{id}/timer_entry",
            {"start_at": "2026-05-28T10:00:00Z", "duration_minutes": 30},
        ),
        ("Ticket Timers - Overview", "GET", "/ticket_timers", None),
        ("Invoices - Create", "POST", "/invoices", {"ticket_id": "{id}"}),
    ],
)
async def test_permission_switched_off_is_401_with_the_real_body(
    sb, client, permission, method, path, body
):
    ticket = open_ticket(sb)
    before = (
        len(ticket.comments),
        len(ticket.line_items),
        len(ticket.timers),
        len(sb.state.tickets),
        len(sb.state.invoices),
    )
    sb.state.set_permission(permission, False)
    if body and body.get("ticket_id") == "{id}":
        body = {"ticket_id": ticket.id}
    response = await client.request(method, path.format(id=ticket.id), json=body)
    assert response.status_code == 401
    assert response.json() == PERMISSION_BODY
    after = (
        len(ticket.comments),
        len(ticket.line_items),
        len(ticket.timers),
        len(sb.state.tickets),
        len(sb.state.invoices),
    )
    assert after == before
    assert permission not in (await client.get("/me")).json()["permissions"]  # groups only


async def test_permissions_at_construction(clock):
    sb = Sandbox(clock=clock, tickets=5, permissions={"Tickets - Edit": False})
    async with make_client(sb) as http:
        me = (await http.get("/me")).json()
        ticket_id = next(iter(sb.state.tickets))
        comment = await http.post(
            f"/tickets/{ticket_id}/comment", json={"subject": "s", "body": "b"}
        )
        read = await http.get(f"/tickets/{ticket_id}")
    assert "Tickets - Edit" not in me["permissions"]
    assert me["permissions"]["ticket"]["write"] is False
    assert comment.status_code == 401
    assert read.status_code == 200


def test_unknown_permission_name_is_refused(sb):
    with pytest.raises(KeyError):
        sb.state.set_permission("Tickets - Everything", False)


@pytest.mark.parametrize(
    "headers,content",
    [
        ({"Content-Type": "application/x-www-form-urlencoded"}, b"subject=s&body=b"),
        ({}, b'{"subject": "s", "body": "b"}'),
        ({"Content-Type": "application/json"}, b'{"subject": '),
    ],
)
async def test_write_without_json_content_type_is_400_html(sb, client, headers, content):
    ticket = open_ticket(sb)
    before = len(ticket.comments)
    response = await client.post(f"/tickets/{ticket.id}/comment", content=content, headers=headers)
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("text/html")
    assert response.text.lstrip().startswith("<!DOCTYPE html>")
    assert len(ticket.comments) == before


async def test_json_content_type_with_charset_is_accepted(sb, client):
    ticket = open_ticket(sb)
    response = await client.post(
        f"/tickets/{ticket.id}/comment",
        content=b'{"subject": "s", "body": "b"}',
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    assert response.status_code == 200
