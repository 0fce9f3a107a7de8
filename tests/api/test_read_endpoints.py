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


async def test_contact_by_id(api, sb):
    contact = next(iter(sb.state.contacts.values()))
    got = await api.contact(contact.id)
    assert got.id == contact.id and got.name == contact.name
    with pytest.raises(E.NotFound):
        await api.contact(1)


async def test_search_reads_customers_and_tickets(api, sb):
    ticket = open_ticket(sb)
    results = await api.search(str(ticket.number))
    hits = results.of_kind("ticket")
    assert any(h.id == ticket.id and h.fields["subject"] == ticket.subject for h in hits)
    customer = sb.state.customers[ticket.customer_id]
    named = await api.search(customer.business_name)
    assert any(h.id == customer.id for h in named.of_kind("customer"))


def test_search_hit_accepts_a_flat_shape():
    from syncro_tui.api.models import SearchResults

    flat = SearchResults.model_validate(
        {"results": [{"_id": 5, "_type": "customer", "_source": {"firstname": "A"}}]}
    )
    assert flat.results[0].id == 5 and flat.results[0].fields == {"firstname": "A"}


async def test_canned_responses_for_the_comment_form(api, sb):
    page = await api.canned_responses()
    assert len(page.canned_responses) == len(sb.state.canned_responses)
    assert not page.has_more  # no meta: one page
    hit = (await api.canned_responses(query="parts")).canned_responses
    assert [r.title for r in hit] == ["Parts ordered"] and hit[0].category_name == "Scheduling"
    everything = await api.all_canned_responses()
    assert [r.id for r in everything] == sorted(sb.state.canned_responses)  # pages not repeated
    settings = await api.canned_response_settings()
    assert "Closing" in settings.categories and settings.can_manage


async def test_canned_responses_without_the_permission(sb, clock):
    sb.state.set_permission("Ticket Canned Responses - Manage", False)
    async with make_client(sb, clock) as client:
        with pytest.raises(E.PermissionDenied) as info:
            await client.canned_responses()
    assert "canned responses" in str(info.value)


async def test_appointments_mine_dates_and_on_the_ticket(api, sb, clock):
    from datetime import UTC, datetime, timedelta

    every = await api.all_appointments()
    assert len(every) == len(sb.state.appointments)
    assert all(a.id > 2**31 and a.start_at is not None for a in every)
    mine = await api.all_appointments(mine=True)
    assert mine and all(a.user_id == sb.state.me_id for a in mine)
    now = datetime.fromtimestamp(clock.now, UTC)
    window = await api.all_appointments(date_from=now - timedelta(days=1), date_to=now)
    assert all(now - timedelta(days=1) <= a.start_at < now for a in window)
    linked = next(a for a in every if a.ticket_id)
    detail = await api.get_ticket(linked.ticket_id)
    assert [a.id for a in detail.appointments] == [linked.id]
    assert detail.appointments[0].start_at == linked.start_at


def test_appointment_bare_or_wrapped_and_string_flags():
    from syncro_tui.api.models import AppointmentPage

    page = AppointmentPage.model_validate(
        {
            "appointments": [
                {"appointment": {"id": 5560138523, "summary": "A", "do_not_email": "1"}},
                {"id": 5560138524, "summary": "B", "do_not_email": "0", "all_day": None},
            ]
        }
    )
    first, second = page.appointments
    assert first.id == 5560138523 and first.do_not_email is True
    assert second.summary == "B" and second.do_not_email is False and second.all_day is None


# -- read-only profile: the client refuses every write ------------------------------------------

WRITES = [
    ("create_ticket", ({"customer_id": 1, "subject": "s"},)),
    ("update_ticket", (1, {"status": "New"})),
    ("add_comment", (1, {"subject": "s", "body": "b"})),
    ("add_line_item", (1, {"name": "n", "description": "d"})),
    ("update_line_item", (1, {"ticket_line_item_id": 1})),
    ("remove_line_item", (1, 1)),
    ("add_timer_entry", (1, {"start_at": "2026-05-28T10:00:00Z"})),
    ("update_timer_entry", (1, {"timer_entry_id": 1})),
    ("delete_timer_entry", (1, 1)),
    ("charge_timer_entry", (1, 1)),
    ("create_invoice", ({"ticket_id": 1},)),
]


@pytest.mark.parametrize(("method", "args"), WRITES, ids=[m for m, _ in WRITES])
async def test_read_only_client_refuses_every_write_and_sends_nothing(sb, clock, method, args):
    async with make_client(sb, clock, read_only=True) as client:
        await client.me()  # reads work
        before = len(sb.requests)
        with pytest.raises(E.ReadOnlyRefused) as info:
            await getattr(client, method)(*args)
        assert len(sb.requests) == before and client.request_count == 1
    assert not isinstance(info.value, E.OutcomeUnknown)
    assert "read-only" in str(info.value) and info.value.title == "Read-only profile"


async def test_comments_come_newest_first_and_the_client_never_asks_an_order(api, sb):
    ticket = max(sb.state.tickets.values(), key=lambda t: len(t.comments))
    page = await api.ticket_comments(ticket.id)
    stamps = [c.created_at for c in page.comments]
    assert stamps == sorted(stamps, reverse=True)
    sent = [r for r in sb.requests if r.path == f"/tickets/{ticket.id}/comments"]
    assert sent and not any({"sort_direction", "sort_by"} & set(r.query) for r in sent)
