"""Prepaid (block) hours: ``customer.prepay_hours`` where a customer has a block, drawn
down by billed labor when the invoice is made; absent for everyone else."""

from __future__ import annotations

from decimal import Decimal

from .helpers import open_ticket


async def _bill(client, ticket_id: int, product_id: int, quantity: float) -> None:
    await client.post(
        f"/tickets/{ticket_id}/add_line_item",
        json={
            "name": "Labor",
            "description": "Work",
            "product_id": product_id,
            "quantity": quantity,
            "taxable": False,
        },
    )


async def test_labor_on_an_invoice_draws_the_block_down(sb, client):
    ticket = open_ticket(sb)
    ticket.line_items = [li for li in ticket.line_items if li.invoice_id is not None]
    sb.state.prepay_hours[ticket.customer_id] = Decimal("10.0")
    shown = (await client.get(f"/customers/{ticket.customer_id}")).json()["customer"]
    assert shown["prepay_hours"] == "10.0"
    await _bill(client, ticket.id, 5001, 0.75)  # billed remote labor
    await _bill(client, ticket.id, 5005, 2)  # internal labor has no rate: not drawn
    await client.post("/invoices", json={"ticket_id": ticket.id, "customer_id": ticket.customer_id})
    shown = (await client.get(f"/customers/{ticket.customer_id}")).json()["customer"]
    assert shown["prepay_hours"] == "9.25"


async def test_customers_without_a_block_have_no_field(sb, client):
    ticket = open_ticket(sb)
    sb.state.prepay_hours.pop(ticket.customer_id, None)
    shown = (await client.get(f"/customers/{ticket.customer_id}")).json()["customer"]
    assert "prepay_hours" not in shown


def test_the_demo_has_one_customer_with_prepaid_hours(sb):
    assert list(sb.state.prepay_hours.values()) == [Decimal("10.0")]
