"""Customer search matches contact names too, as Syncro's does (so "park" finds the firm
whose contact is Noah Park, listed by name before Park Construction)."""

from __future__ import annotations


async def test_autocomplete_matches_a_contacts_name(sb, client):
    customers = sorted(sb.state.customers.values(), key=lambda c: c.id)
    realty, builder = customers[0], customers[1]
    realty.business_name, realty.contacts[0].name = "Oakridge Realty", "Noah Park"
    builder.business_name = "Park Construction"
    body = (await client.get("/customers/autocomplete", params={"query": "park"})).json()
    names = [c["business_name"] for c in body["customers"]]
    assert names.index("Oakridge Realty") < names.index("Park Construction")
