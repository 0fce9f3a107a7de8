"""/me, users, settings, customers, contacts and products: wrappers and filters."""

from __future__ import annotations


async def test_me_is_bare_and_names_the_first_technician(client):
    me = (await client.get("/me")).json()
    assert me["user_id"] == 101 and me["user_name"] == "Alex Rivera"
    assert me["subdomain"] == "demo" and me["admin"] is True
    # The spec example's groups, and nothing else (no flat "Tickets - Edit" keys).
    assert set(me["permissions"]) == {
        "asset",
        "customer",
        "ticket",
        "invoice",
        "payment",
        "worksheet",
        "script",
    }
    assert me["permissions"]["ticket"] == {"read": True, "write": True, "delete": False}
    assert set(me["permissions"]["worksheet"]) == {"add", "manage", "delete"}
    assert set(me["permissions"]["script"]) == {"execute"}


async def test_users_are_id_name_pairs(client):
    assert (await client.get("/users")).json() == {
        "users": [[101, "Alex Rivera"], [102, "Priya Shah"], [103, "Marcus Chen"]]
    }


async def test_ticket_settings_is_bare_with_statuses_and_labor_product(client):
    settings = (await client.get("/tickets/settings")).json()
    assert settings["ticket_status_list"] == [
        "New",
        "In Progress",
        "Resolved",
        "Invoiced",
        "Waiting for Parts",
        "Waiting on Customer",
        "Scheduled",
        "Customer Reply",
        "Waiting on Vendor",
        "Closed",
    ]
    assert settings["default_labor_product_id"] == 5001
    assert settings["users"][0] == {"id": 101, "name": "Alex Rivera"}


async def test_account_settings_priorities_and_problem_types(sb, client):
    settings = (await client.get("/settings")).json()
    assert settings["ticket"]["priorities"] == ["", "0 Urgent", "1 High", "2 Normal", "3 Low"]
    assert "Hardware" in settings["ticket"]["problem_types"]
    assert settings["locale"]["time_zone"] == "America/Los_Angeles"
    used = {t.problem_type for t in sb.state.tickets.values()}
    assert used <= set(settings["ticket"]["problem_types"])


async def test_customers_search_with_rich_meta(sb, client):
    body = (await client.get("/customers")).json()
    assert body["meta"] == {"total_pages": 2, "total_entries": 40, "per_page": 25, "page": 1}
    dental = (await client.get("/customers", params={"query": "dental"})).json()
    assert dental["customers"]
    assert all("dental" in c["business_then_name"].lower() for c in dental["customers"])
    assert dental["meta"]["total_entries"] == len(dental["customers"])


async def test_customer_autocomplete_has_no_meta(sb, client):
    name = next(iter(sb.state.customers.values())).business_name
    body = (await client.get("/customers/autocomplete", params={"query": name[:6]})).json()
    assert set(body) == {"customers"}
    assert name in [c["business_name"] for c in body["customers"]]


async def test_customer_detail_is_wrapped_with_contacts(sb, client):
    customer = next(iter(sb.state.customers.values()))
    body = (await client.get(f"/customers/{customer.id}")).json()
    assert body["customer"]["id"] == customer.id
    contacts = body["customer"]["contacts"]
    assert 1 <= len(contacts) <= 4
    assert all(c["email"] and c["phone"] and c["name"] for c in contacts)
    assert (await client.get("/customers/1")).status_code == 404


async def test_contacts_by_customer_with_meta_per_page_50(sb, client):
    customer = next(iter(sb.state.customers.values()))
    body = (await client.get("/contacts", params={"customer_id": customer.id})).json()
    assert {c["customer_id"] for c in body["contacts"]} == {customer.id}
    assert body["meta"] == {
        "total_pages": 1,
        "total_entries": len(customer.contacts),
        "per_page": 50,
        "page": 1,
    }


async def test_products_have_no_meta_and_numeric_prices(client):
    body = (await client.get("/products")).json()
    assert set(body) == {"products"}
    by_id = {p["id"]: p for p in body["products"]}
    assert by_id[5001]["name"] == "Labor - Remote Business"
    assert by_id[5006]["name"] == "Fee - Travel Time"
    assert isinstance(by_id[5001]["price_retail"], int | float)
    labor = (await client.get("/products", params={"query": "labor -"})).json()["products"]
    assert [p["id"] for p in labor] == [5001, 5002, 5003, 5004, 5005]


async def test_unknown_route_is_404(client):
    response = await client.get("/tickets/1/worksheets")
    assert response.status_code == 404
    assert response.json() == {"message": "Not found"}
