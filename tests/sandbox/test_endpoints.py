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
