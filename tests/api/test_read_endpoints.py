"""Read endpoints real clients use around tickets, client against the sandbox: invoices,
contacts, search, canned responses, appointments. Real wrappers and real paging."""

from __future__ import annotations

import pytest

from syncro_tui.api import errors as E
from syncro_tui.api.models import Invoice, InvoicePage
from syncro_tui.sandbox import Sandbox

from .test_contract import Clock, make_client, open_ticket


@pytest.fixture
def clock():
    return Clock(1_780_000_000.0)  # 2026-05-28


@pytest.fixture
def sb(clock):
    return Sandbox(seed=7, tickets=300, clock=clock)


@pytest.fixture
async def api(sb, clock):
    async with make_client(sb, clock) as client:
        yield client


async def test_invoices_list_newest_first_with_sparse_meta(api, sb):
    ticket = open_ticket(sb)
    for _ in range(30 - len(sb.state.invoices)):
        await api.create_invoice({"ticket_id": ticket.id})
    page = await api.invoices()
    assert isinstance(page, InvoicePage)
    assert page.meta.page == 1 and page.meta.has_total
    assert page.meta.total_entries is None  # the spec's sparse meta: total_pages and page
    ids = [i.id for i in page.invoices]
    assert 0 < len(ids) <= 25 and ids == sorted(ids, reverse=True)
    assert page.meta.total_pages == -(-len(sb.state.invoices) // 25)
    last = await api.invoices(page=page.meta.total_pages)
    assert last.invoices and not (await api.invoices(page=page.meta.total_pages + 1)).invoices


async def test_invoices_by_ticket_finds_which_invoice(api, sb):
    ticket = open_ticket(sb)
    assert not (await api.invoices(ticket_id=ticket.id)).invoices
    await api.add_line_item(ticket.id, {"name": "A", "description": "B", "price_retail": 10})
    first = await api.create_invoice({"ticket_id": ticket.id, "customer_id": ticket.customer_id})
    await api.add_line_item(ticket.id, {"name": "C", "description": "D", "price_retail": 5})
    second = await api.create_invoice({"ticket_id": ticket.id})
    found = await api.invoices(ticket_id=ticket.id)
    assert [i.id for i in found.invoices] == [second.id, first.id]
    assert all(isinstance(i, Invoice) and i.ticket_id == ticket.id for i in found.invoices)
    assert [i.number for i in await api.ticket_invoices(ticket.id)] == [second.number, first.number]
    assert found.invoices[1].subtotal == first.subtotal


async def test_invoices_list_permission_is_its_own(sb, clock):
    sb.state.set_permission("Invoices - List/Search", False)
    async with make_client(sb, clock) as client:
        with pytest.raises(E.PermissionDenied):
            await client.invoices(ticket_id=1)


async def test_invoice_ticket_id_must_be_an_integer(api):
    with pytest.raises(TypeError):
        await api.invoices(ticket_id="1&paid=true")
