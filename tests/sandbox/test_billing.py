"""Line items, timers (and the charge quirk) and invoices."""

from __future__ import annotations

import pytest

from .helpers import T0, open_ticket

# -- line items --------------------------------------------------------------------------------


async def test_add_line_item_is_bare_with_string_quantity(sb, client, clock):
    ticket = open_ticket(sb)
    clock.advance(30)
    response = await client.post(
        f"/tickets/{ticket.id}/add_line_item",
        json={
            "name": "Labor - Onsite Business",
            "description": "Swapped the switch",
            "product_id": 5002,
            "quantity": 0.75,
            "price_cost": 999,
            "price_wholesale": 1,
        },
    )
    item = response.json()
    assert response.status_code == 200
    assert item["ticket_id"] == ticket.id and "ticket_line_item" not in item
    assert item["quantity"] == "0.75"
    assert item["price_retail"] == 150 and item["retail_cents"] == 15000  # from the product
    assert item["price_cost"] == 0  # price_cost from the caller is ignored
    assert item["taxable"] is True  # omitted -> true
    assert ticket.updated_at == T0 + 30


async def test_add_line_item_price_retail_wins_and_quantity_defaults_to_one(sb, client):
    ticket = open_ticket(sb)
    item = (
        await client.post(
            f"/tickets/{ticket.id}/add_line_item",
            json={"name": "Cable", "description": "Cat6", "price_retail": 7.5, "taxable": False},
        )
    ).json()
    assert item["quantity"] == "1.0" and item["price_retail"] == 7.5
    assert item["taxable"] is False and item["product_id"] is None


@pytest.mark.parametrize(
    "payload,errors",
    [
        ({"product_id": 5001}, "Name can't be blank, Description can't be blank"),
        ({"name": "Labor"}, "Description can't be blank"),
    ],
)
async def test_add_line_item_needs_name_and_description(sb, client, payload, errors):
    ticket = open_ticket(sb)
    before = len(ticket.line_items)
    response = await client.post(f"/tickets/{ticket.id}/add_line_item", json=payload)
    assert response.status_code == 422
    assert response.json() == {"errors": errors, "params": {}}
    assert len(ticket.line_items) == before


async def test_update_line_item_is_wrapped(sb, client):
    ticket = open_ticket(sb)
    item = (
        await client.post(
            f"/tickets/{ticket.id}/add_line_item", json={"name": "A", "description": "B"}
        )
    ).json()
    response = await client.put(
        f"/tickets/{ticket.id}/update_line_item",
        json={
            "ticket_line_item_id": item["id"],
            "quantity": 2,
            "price_retail": 10,
            "price_cost": 5,
        },
    )
    updated = response.json()["ticket_line_item"]
    assert updated["quantity"] == "2.0" and updated["price_retail"] == 10
    assert updated["price_cost"] == 0


async def test_remove_line_item(sb, client):
    ticket = open_ticket(sb)
    item = (
        await client.post(
            f"/tickets/{ticket.id}/add_line_item", json={"name": "A", "description": "B"}
        )
    ).json()
    response = await client.post(
        f"/tickets/{ticket.id}/remove_line_item", json={"ticket_line_item_id": item["id"]}
    )
    assert response.json() == {"success": True, "message": ""}
    assert item["id"] not in {li.id for li in ticket.line_items}
    again = await client.post(
        f"/tickets/{ticket.id}/remove_line_item", json={"ticket_line_item_id": item["id"]}
    )
    assert again.status_code == 404


# -- timers ------------------------------------------------------------------------------------


async def test_timer_entry_is_bare_and_duration_computes_end(sb, client):
    ticket = open_ticket(sb)
    response = await client.post(
        f"/tickets/{ticket.id}/timer_entry",
        json={
            "start_at": "2026-05-28T09:00:00-07:00",
            "duration_minutes": 45,
            "notes": "Onsite",
            "billable": False,
        },
    )
    timer = response.json()
    assert response.status_code == 200 and "timer" not in timer
    assert timer["start_time"] == "2026-05-28T16:00:00.000Z"
    assert timer["end_time"] == "2026-05-28T16:45:00.000Z"
    assert timer["active_duration"] == 45 * 60
    assert timer["billable"] is True  # billable:false is silently ignored
    assert timer["product_id"] == 5001  # the account's default labor product
    assert timer["recorded"] is False and timer["user_id"] == 101


async def test_timer_entry_without_start_at_is_the_nil_conversion_422(sb, client):
    ticket = open_ticket(sb)
    before = len(ticket.timers)
    response = await client.post(f"/tickets/{ticket.id}/timer_entry", json={"duration_minutes": 30})
    assert response.status_code == 422
    assert response.json() == {"error": "no implicit conversion of nil into String"}
    assert len(ticket.timers) == before


async def test_update_timer_entry_ignores_duration(sb, client):
    ticket = open_ticket(sb)
    timer = (
        await client.post(
            f"/tickets/{ticket.id}/timer_entry",
            json={"start_at": "2026-05-28T09:00:00Z", "duration_minutes": 30},
        )
    ).json()
    updated = (
        await client.put(
            f"/tickets/{ticket.id}/update_timer_entry",
            json={
                "timer_entry_id": timer["id"],
                "duration_minutes": 90,
                "notes": "changed",
                "product_id": 5002,
            },
        )
    ).json()
    assert updated["notes"] == "changed" and updated["product_id"] == 5002
    assert updated["end_time"] == timer["end_time"]
    assert updated["active_duration"] == 30 * 60


async def test_delete_timer_entry(sb, client):
    ticket = open_ticket(sb)
    timer = (
        await client.post(
            f"/tickets/{ticket.id}/timer_entry", json={"start_at": "2026-05-28T09:00:00Z"}
        )
    ).json()
    response = await client.post(
        f"/tickets/{ticket.id}/delete_timer_entry", json={"timer_entry_id": timer["id"]}
    )
    assert response.json() == {"success": True}
    assert timer["id"] not in sb.state.timers


async def test_charge_uses_default_labor_product_and_charging_twice_duplicates(sb, client):
    ticket = open_ticket(sb)
    timer = (
        await client.post(
            f"/tickets/{ticket.id}/timer_entry",
            json={
                "start_at": "2026-05-28T09:00:00Z",
                "duration_minutes": 90,
                "product_id": 5003,
                "notes": "After hours",
            },
        )
    ).json()
    assert timer["product_id"] == 5003
    charged = (
        await client.post(
            f"/tickets/{ticket.id}/charge_timer_entry", json={"timer_entry_id": timer["id"]}
        )
    ).json()
    assert charged["recorded"] is True and charged["id"] == timer["id"]
    item = next(li for li in ticket.line_items if li.id == charged["ticket_line_item_id"])
    assert item.product_id == 5001  # the quirk: not the timer's 5003
    assert item.name == "Labor - Remote Business"
    assert str(item.quantity) == "1.50" and item.description == "After hours"
    again = (
        await client.post(
            f"/tickets/{ticket.id}/charge_timer_entry", json={"timer_entry_id": timer["id"]}
        )
    ).json()
    assert again["ticket_line_item_id"] != charged["ticket_line_item_id"]
    assert sum(1 for li in ticket.line_items if li.description == "After hours") == 2


async def test_unknown_timer_is_404(sb, client):
    ticket = open_ticket(sb)
    response = await client.post(
        f"/tickets/{ticket.id}/charge_timer_entry", json={"timer_entry_id": 1}
    )
    assert response.status_code == 404


async def test_ticket_timers_listing_and_created_filters(sb, client):
    body = (await client.get("/ticket_timers")).json()
    assert set(body) == {"ticket_timers", "meta"} and set(body["meta"]) == {"total_pages", "page"}
    assert len(body["ticket_timers"]) == min(100, len(sb.state.timers))
    cutoff = T0 - 86400
    recent = (
        await client.get("/ticket_timers", params={"created_at_gt": "2026-05-27T20:26:40Z"})
    ).json()["ticket_timers"]
    assert {t["id"] for t in recent} == {
        t.id for t in sb.state.timers.values() if t.created_at > cutoff
    }


# -- invoices ----------------------------------------------------------------------------------


async def test_invoice_pulls_line_items_but_not_uncharged_timers(sb, client):
    ticket = open_ticket(sb)
    ticket.line_items.clear()
    await client.post(
        f"/tickets/{ticket.id}/add_line_item",
        json={
            "name": "Labor - Remote Business",
            "description": "Fix",
            "product_id": 5001,
            "quantity": 2,
            "taxable": False,
        },
    )
    await client.post(
        f"/tickets/{ticket.id}/add_line_item",
        json={"name": "Cable", "description": "Cat6", "price_retail": 6, "quantity": 3},
    )
    await client.post(
        f"/tickets/{ticket.id}/timer_entry",
        json={"start_at": "2026-05-28T09:00:00Z", "duration_minutes": 60},
    )  # never charged
    response = await client.post(
        "/invoices", json={"ticket_id": ticket.id, "customer_id": ticket.customer_id}
    )
    invoice = response.json()["invoice"]
    assert "line_items" not in invoice
    assert invoice["ticket_id"] == ticket.id
    assert invoice["subtotal"] == "268.0"  # 2 x 125 + 3 x 6; the timer is not in it
    assert invoice["tax"] == "1.49" and invoice["total"] == "269.49"  # 8.25% on the cable
    detail = (await client.get(f"/invoices/{invoice['id']}")).json()["invoice"]
    assert [line["quantity"] for line in detail["line_items"]] == ["2.0", "3.0"]
    by_number = (await client.get(f"/invoices/{invoice['number']}")).json()["invoice"]
    assert by_number["id"] == invoice["id"]


async def test_second_invoice_does_not_pull_invoiced_items_again(sb, client):
    ticket = open_ticket(sb)
    await client.post(
        f"/tickets/{ticket.id}/add_line_item",
        json={"name": "A", "description": "B", "price_retail": 10},
    )
    first = (await client.post("/invoices", json={"ticket_id": ticket.id})).json()["invoice"]
    second = (await client.post("/invoices", json={"ticket_id": ticket.id})).json()["invoice"]
    assert first["subtotal"] != "0.0" and second["subtotal"] == "0.0"
    assert first["number"] != second["number"]


async def test_invoice_needs_a_customer_and_unknown_invoice_is_404(client):
    response = await client.post("/invoices", json={"note": "nothing"})
    assert response.status_code == 422
    assert response.json() == {"success": False, "message": ["Customer can't be blank"]}
    assert (await client.get("/invoices/424242")).status_code == 404
