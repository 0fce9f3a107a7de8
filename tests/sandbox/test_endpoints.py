"""Endpoints real clients use around tickets: raw wrappers, filters and paging."""

from __future__ import annotations

from .helpers import open_ticket


async def test_invoices_wrapper_filter_and_paging(sb, client):
    ticket = open_ticket(sb)
    await client.post(
        f"/tickets/{ticket.id}/add_line_item",
        json={"name": "A", "description": "B", "price_retail": 10},
    )
    made = (await client.post("/invoices", json={"ticket_id": ticket.id})).json()["invoice"]
    body = (await client.get("/invoices", params={"ticket_id": ticket.id})).json()
    assert set(body) == {"invoices", "meta"}
    assert body["meta"] == {"total_pages": 1, "page": 1}
    assert [i["id"] for i in body["invoices"]] == [made["id"]]
    assert body["invoices"][0]["ticket_id"] == ticket.id
    assert "line_items" not in body["invoices"][0]  # the list view, like POST's answer
    everything = (await client.get("/invoices")).json()
    assert len(everything["invoices"]) == min(25, len(sb.state.invoices))
    assert everything["invoices"][0]["id"] == made["id"]  # newest first
    past = (await client.get("/invoices", params={"page": 99})).json()
    assert past["invoices"] == [] and past["meta"]["page"] == 99
    none = (await client.get("/invoices", params={"ticket_id": "abc"})).json()
    assert none["invoices"] == []  # Ruby's to_i: "abc" is 0, which matches nothing
    paid = (await client.get("/invoices", params={"paid": "true"})).json()
    assert paid["invoices"] == []


async def test_contact_by_id_is_bare(sb, client):
    contact = next(iter(sb.state.contacts.values()))
    body = (await client.get(f"/contacts/{contact.id}")).json()
    assert body["id"] == contact.id and body["name"] == contact.name and "contact" not in body
    assert (await client.get("/contacts/1")).json() == {"message": "Not found"}


async def test_search_hits_are_elasticsearch_shaped_and_follow_permissions(sb, client):
    customer = next(iter(sb.state.customers.values()))
    word = customer.business_name.split()[0]
    body = (await client.get("/search", params={"query": word})).json()
    assert set(body) == {"quick_result", "results", "error"} and body["error"] is None
    kinds = {hit["table"]["_type"] for hit in body["results"]}
    assert "customer" in kinds
    first = next(h["table"] for h in body["results"] if h["table"]["_id"] == customer.id)
    assert first["_index"] == "customers"
    assert first["_source"]["table"]["business_name"] == customer.business_name
    sb.state.set_permission("Customers - List/Search", False)
    body = (await client.get("/search", params={"query": word})).json()
    assert all(hit["table"]["_type"] != "customer" for hit in body["results"])
    assert (await client.get("/search")).json()["results"] == []


async def test_canned_responses_query_settings_and_permission(sb, client):
    body = (await client.get("/canned_responses")).json()
    assert list(body) == ["canned_responses"]  # no meta, as in the spec
    first = body["canned_responses"][0]
    assert set(first) == {
        "id",
        "title",
        "body",
        "subject",
        "canned_response_category_id",
        "category_name",
    }
    found = (await client.get("/canned_responses", params={"query": "remote"})).json()
    assert [r["title"] for r in found["canned_responses"]] == ["Remote session"]
    settings = (await client.get("/canned_responses/settings")).json()
    assert {c["name"] for c in settings["canned_response_categories"]} >= {"Replies"}
    assert settings["subjects"] and settings["can_manage"] is True
    sb.state.set_permission("Ticket Canned Responses - Manage", False)
    for path in ("/canned_responses", "/canned_responses/settings"):
        denied = await client.get(path)
        assert denied.status_code == 401
        assert denied.json() == {
            "error": "Not authorized. Please ask account admin to update your group permissions."
        }


async def test_appointments_filters_wrapping_and_ticket_link(sb, client, clock):
    body = (await client.get("/appointments")).json()
    assert set(body) == {"appointments", "meta"}
    items = [item["appointment"] for item in body["appointments"]]
    assert items and all(a["id"] > 2**31 for a in items)
    starts = [a["start_at"] for a in items]
    assert starts == sorted(starts)
    assert items[0]["do_not_email"] in ("1", "0")
    linked = next(a for a in sb.state.appointments.values() if a.ticket_id)
    detail = (await client.get(f"/tickets/{linked.ticket_id}")).json()["ticket"]
    assert [a["id"] for a in detail["appointments"]] == [linked.id]
    assert detail["appointments"][0]["ticket_id"] == linked.ticket_id
    me = sb.state.me_id
    mine = (await client.get("/appointments", params={"mine": "true"})).json()
    assert all(item["appointment"]["user_id"] == me for item in mine["appointments"])
    total = len(sb.state.appointments)
    assert 0 < len(mine["appointments"]) < total
    day = 86_400
    soon = (
        await client.get(
            "/appointments",
            params={
                "date_from": _iso(clock.now - day),
                "date_to": _iso(clock.now + 2 * day),
            },
        )
    ).json()
    in_window = [
        a
        for a in sb.state.appointments.values()
        if clock.now - day <= a.start_at < clock.now + 2 * day
    ]
    assert len(soon["appointments"]) == len(in_window) > 0
    sb.state.set_permission("Appointments - View All", False)
    own = (await client.get("/appointments")).json()
    assert len(own["appointments"]) == len(mine["appointments"])  # see-own never restricted


def _iso(ts: float) -> str:
    from datetime import UTC, datetime

    return datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
