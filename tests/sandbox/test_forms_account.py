"""Sandbox behaviour the forms rely on: customer search matches contact names (as Syncro's
does), and an account can require a ticket type (POST /tickets without one: 422)."""

from __future__ import annotations


async def test_autocomplete_matches_a_contacts_name(sb, client):
    customers = sorted(sb.state.customers.values(), key=lambda c: c.id)
    realty, builder = customers[0], customers[1]
    realty.business_name, realty.contacts[0].name = "Oakridge Realty", "Noah Park"
    builder.business_name = "Park Construction"
    body = (await client.get("/customers/autocomplete", params={"query": "park"})).json()
    names = [c["business_name"] for c in body["customers"]]
    assert names.index("Oakridge Realty") < names.index("Park Construction")


async def test_an_account_requiring_a_ticket_type_refuses_a_ticket_without_one(sb, client):
    sb.state.require_ticket_type = True
    settings = (await client.get("/tickets/settings")).json()
    assert settings["require_ticket_type"] is True
    customer = next(iter(sb.state.customers.values()))
    before = len(sb.state.tickets)
    response = await client.post("/tickets", json={"customer_id": customer.id, "subject": "X"})
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": ["Ticket type can't be blank"]}
    assert len(sb.state.tickets) == before
    response = await client.post(
        "/tickets", json={"customer_id": customer.id, "subject": "X", "ticket_type_id": 7}
    )
    assert response.status_code == 200
