"""An unclear POST /invoices is verified by the ticket's invoices: which one, not only that
the line items turned invoiced (issue 8)."""

from __future__ import annotations

import time

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from tests.core.test_fault_matrix import _invoiceable
from tests.core.test_outbox import make_env


def invoices_of(env, ticket):
    return [i for i in env.sandbox.state.invoices.values() if i.ticket_id == ticket.id]


async def test_a_lost_reply_is_verified_as_the_invoice_made_from_the_ticket(tmp_path):
    async with make_env(tmp_path, "POST /invoices=drop_after*1") as env:
        ticket = env.open_ticket()
        _invoiceable(env, ticket)
        outcome = await env.outbox.submit(W.invoice(ticket.id, ticket.customer_id))
        [made] = invoices_of(env, ticket)
        assert outcome.state == O.LANDED, outcome.message
        assert outcome.record_id == made.id
        assert outcome.result is not None and outcome.result["id"] == made.id
        assert f"invoice #{made.number}" in outcome.message
        assert env.sandbox.count("GET", "/invoices") >= 2  # before sending, and to verify


async def test_an_invoice_made_elsewhere_meanwhile_leaves_it_unknown(tmp_path):
    """Two new invoices on the ticket: which one this write made cannot be told."""
    async with make_env(tmp_path, "POST /invoices=drop_after*1") as env:
        ticket = env.open_ticket()
        _invoiceable(env, ticket)

        async def someone_else_invoices(_seconds: float) -> None:
            _invoiceable(env, ticket)
            env.sandbox.state.create_invoice(
                time.time(), customer_id=ticket.customer_id, ticket=ticket, day=time.time()
            )

        env.outbox._sleep = someone_else_invoices
        outcome = await env.outbox.submit(W.invoice(ticket.id, ticket.customer_id))
        assert len(invoices_of(env, ticket)) == 2
        assert outcome.state == O.UNKNOWN, outcome.message
        assert "2 new invoices" in outcome.message
        assert env.sandbox.count("POST", "/invoices") == 1


async def test_invoices_already_on_the_ticket_are_not_taken_for_this_one(tmp_path):
    async with make_env(tmp_path, "POST /invoices=error_before*1") as env:
        ticket = env.open_ticket()
        _invoiceable(env, ticket)
        earlier = env.sandbox.state.create_invoice(
            time.time(), customer_id=ticket.customer_id, ticket=ticket, day=time.time()
        )
        _invoiceable(env, ticket)
        outcome = await env.outbox.submit(W.invoice(ticket.id, ticket.customer_id))
        assert outcome.state == O.ABSENT, outcome.message
        assert invoices_of(env, ticket) == [earlier]


async def test_without_the_invoice_listing_the_line_items_are_the_evidence(tmp_path):
    async with make_env(
        tmp_path, "POST /invoices=drop_after*1", permissions={"Invoices - List/Search": False}
    ) as env:
        ticket = env.open_ticket()
        _invoiceable(env, ticket)
        outcome = await env.outbox.submit(W.invoice(ticket.id, ticket.customer_id))
        assert outcome.state == O.LANDED, outcome.message
        assert outcome.record_id is None  # which invoice, the ticket alone does not say
        assert "line items are now on an invoice" in outcome.message
        assert len(invoices_of(env, ticket)) == 1
