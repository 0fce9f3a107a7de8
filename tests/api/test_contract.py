"""Contract tests: every SyncroClient method against the sandbox (in-process and on loopback).

Time is virtual: one fake clock drives the sandbox (timestamps, its 180/min window), the
client's rate limiter and the client's backoff sleeps, so 429 backoff runs instantly.
"""

from __future__ import annotations

import asyncio
import math
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest

from syncro_tui.api import errors as E
from syncro_tui.api.client import SyncroClient
from syncro_tui.api.models import Comment, Invoice, LineItem, Ticket, TicketDetail, TimerEntry
from syncro_tui.api.ratelimit import RateLimiter
from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_BASE_URL, Sandbox
from syncro_tui.sandbox.state import CLOSED_STATUSES


class Clock:
    def __init__(self, start: float) -> None:
        self.now = start
        self.client_sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(0.0, seconds)
        await asyncio.sleep(0)

    async def client_sleep(self, seconds: float) -> None:
        self.client_sleeps.append(seconds)
        await self.sleep(seconds)


@pytest.fixture
def clock():
    return Clock(1_780_000_000.0)  # 2026-05-28


@pytest.fixture
def sb(clock):
    return Sandbox(seed=7, tickets=300, clock=clock)


def make_client(sb, clock, **kw) -> SyncroClient:
    kw.setdefault("limiter", RateLimiter(150, clock=clock, sleep=clock.sleep))
    return SyncroClient(
        kw.pop("base_url", DEMO_BASE_URL),
        kw.pop("api_key", DEFAULT_API_KEY),
        transport=kw.pop("transport", None) or sb.transport(),
        sleep=clock.client_sleep,
        **kw,
    )


@pytest.fixture
async def api(sb, clock):
    client = make_client(sb, clock)
    async with client:
        yield client


def open_ticket(sb, *, with_contact=False):
    for t in sb.state.tickets.values():
        if t.status not in CLOSED_STATUSES and (t.contact_id or not with_contact):
            return t
    raise AssertionError("no open ticket in the sandbox")


def at(ts: float) -> datetime:
    return datetime.fromtimestamp(ts, UTC)


# --------------------------------------------------------------------------- account


async def test_me(api, sb):
    me = await api.me()
    assert me.user_id == sb.state.me_id and me.user_name == sb.state.me.name
    assert me.can("ticket", "write") is True
    assert "0000" not in repr(me)  # user_token stays out of repr


async def test_users_pairs(api, sb):
    users = await api.users()
    assert {(u.id, u.name) for u in users} == {(u.id, u.name) for u in sb.state.users.values()}


async def test_ticket_settings_and_account_settings(api, sb):
    ts = await api.ticket_settings()
    assert ts.statuses == sb.state.statuses and "Customer Reply" in ts.statuses
    assert ts.default_labor_product_id == sb.state.default_labor_product_id
    assert {u.id for u in ts.users} == set(sb.state.users)
    settings = await api.account_settings()
    assert settings.problem_types == sb.state.problem_types
    assert settings.priorities == sb.state.priorities
    assert settings.time_zone


# --------------------------------------------------------------------------- ticket lists


async def test_list_tickets_first_page_and_meta(api, sb):
    page = await api.list_tickets()
    assert len(page.tickets) == 25 and page.meta.page == 1
    assert page.meta.total_pages == math.ceil(len(sb.state.tickets) / 25) and page.meta.has_total
    t = page.tickets[0]
    assert isinstance(t, Ticket) and t.number and t.created_at.tzinfo is not None
    assert len(t.comments) <= 1  # the list view carries only the first comment
    past_end = await api.list_tickets(page=999)
    assert past_end.tickets == []


async def test_all_tickets_walks_every_page(api, sb):
    tickets = await api.all_tickets()
    assert sorted(t.id for t in tickets) == sorted(sb.state.tickets)
    assert sb.count("GET", "/tickets") == math.ceil(len(sb.state.tickets) / 100)


async def test_all_tickets_small_pages_concurrently(api, sb):
    before = sb.count("GET", "/tickets")
    tickets = await api.all_tickets(per_page=7, concurrency=4)
    assert len(tickets) == len(sb.state.tickets) == len({t.id for t in tickets})
    assert sb.count("GET", "/tickets") - before == math.ceil(len(sb.state.tickets) / 7)


async def test_status_filters(api, sb):
    open_ids = {t.id for t in await api.all_tickets(status="Not Closed")}
    assert open_ids == {t.id for t in sb.state.tickets.values() if t.status not in CLOSED_STATUSES}
    resolved = await api.all_tickets(status="Resolved")
    assert resolved and all(t.status == "Resolved" for t in resolved)
    assert len(resolved) == sum(1 for t in sb.state.tickets.values() if t.status == "Resolved")


async def test_people_filters(api, sb):
    mine = {t.id for t in await api.all_tickets(mine=True)}
    assert mine == {t.id for t in sb.state.tickets.values() if t.user_id == sb.state.me_id}
    other = next(u for u in sb.state.users if u != sb.state.me_id)
    by_user = {t.id for t in await api.all_tickets(user_id=other)}
    assert by_user and by_user == {t.id for t in sb.state.tickets.values() if t.user_id == other}
    sample = open_ticket(sb, with_contact=True)
    by_customer = {t.id for t in await api.all_tickets(customer_id=sample.customer_id)}
    assert sample.id in by_customer
    assert by_customer == {
        t.id for t in sb.state.tickets.values() if t.customer_id == sample.customer_id
    }
    by_contact = await api.all_tickets(contact_id=sample.contact_id)
    assert sample.id in {t.id for t in by_contact}
    assert all(t.contact_id == sample.contact_id for t in by_contact)


async def test_query_and_number_filters(api, sb):
    sample = open_ticket(sb)
    word = sample.subject.split()[0].lower()
    found = await api.all_tickets(query=word)
    assert sample.id in {t.id for t in found}
    page = await api.list_tickets(number=sample.number)
    assert [t.id for t in page.tickets] == [sample.id] and page.tickets[0].number == str(
        sample.number
    )


async def test_date_filters(api, sb):
    tickets = sorted(sb.state.tickets.values(), key=lambda t: t.updated_at)
    pivot = int(tickets[len(tickets) // 2].updated_at)
    since = {t.id for t in await api.all_tickets(since_updated_at=at(pivot))}
    assert since == {t.id for t in tickets if t.updated_at >= pivot}
    assert 0 < len(since) < len(tickets)

    created = sorted(t.created_at for t in tickets)
    day = at(created[len(created) // 2]).date()
    midnight = datetime.combine(day, datetime.min.time(), UTC).timestamp()
    after = {t.id for t in await api.all_tickets(created_after=day)}
    assert after == {t.id for t in tickets if t.created_at >= midnight}

    resolved = [t.resolved_at for t in tickets if t.resolved_at]
    cut = sorted(resolved)[len(resolved) // 2]
    got = {t.id for t in await api.all_tickets(resolved_after=at(int(cut)).isoformat())}
    assert got == {t.id for t in tickets if t.resolved_at and t.resolved_at >= int(cut)}


async def test_bad_filter_value_is_a_422(api):
    with pytest.raises(E.ValidationFailed) as info:
        await api.list_tickets(since_updated_at="yesterday-ish")
    assert info.value.status == 422 and info.value.messages


# --------------------------------------------------------------------------- one ticket


async def test_get_ticket_detail(api, sb):
    sample = open_ticket(sb, with_contact=True)
    detail = await api.get_ticket(sample.id)
    assert isinstance(detail, TicketDetail)
    assert detail.number == str(sample.number) and detail.subject == sample.subject
    assert detail.contact_id == sample.contact_id  # detail view omits contact_id: from contact.id
    assert (
        detail.customer is not None and detail.customer_name == detail.customer.business_then_name
    )
    created = [c.created_at for c in detail.comments]
    assert created == sorted(created, reverse=True) and len(detail.comments) == len(sample.comments)
    assert [t.id for t in detail.ticket_timers] == [t.id for t in sample.timers]


async def test_get_ticket_404(api):
    with pytest.raises(E.NotFound) as info:
        await api.get_ticket(999_999)
    assert info.value.status == 404 and info.value.path == "/tickets/999999"


async def test_ticket_by_number(api, sb):
    sample = open_ticket(sb)
    found = await api.ticket_by_number(sample.number)
    assert found is not None and found.id == sample.id
    assert await api.ticket_by_number(99_999_999) is None


async def test_ticket_comments_paginate_newest_first(api, sb):
    sample = max(sb.state.tickets.values(), key=lambda t: len(t.comments))
    first = await api.ticket_comments(sample.id, per_page=2)
    assert first.meta.per_page == 2 and first.meta.total_pages == math.ceil(
        len(sample.comments) / 2
    )
    every = []
    for n in range(1, first.meta.total_pages + 1):
        every += (await api.ticket_comments(sample.id, page=n, per_page=2)).comments
    assert sorted(c.id for c in every) == sorted(c.id for c in sample.comments)
    stamps = [c.created_at for c in every]
    assert stamps == sorted(stamps, reverse=True)
    default = await api.ticket_comments(sample.id)
    assert len(default.comments) == min(10, len(sample.comments))


# --------------------------------------------------------------------------- ticket writes


async def test_create_and_update_ticket(api, sb):
    customer_id = next(iter(sb.state.customers))
    created = await api.create_ticket(
        {
            "customer_id": customer_id,
            "subject": "Contract test",
            "user_id": sb.state.me_id,
            "comments_attributes": [
                {"subject": "Initial Issue", "body": "It broke", "hidden": False}
            ],
        }
    )
    assert isinstance(created, TicketDetail) and created.subject == "Contract test"
    assert created.id in sb.state.tickets and created.comments[0].body == "It broke"
    updated = await api.update_ticket(created.id, {"status": "In Progress", "priority": "1 High"})
    assert updated.status == "In Progress" and sb.ticket(created.id).status == "In Progress"


async def test_ticket_422_shapes(api, sb):
    with pytest.raises(E.ValidationFailed) as info:  # {"error": "Customer required field"}
        await api.create_ticket({"subject": "no customer"})
    assert info.value.messages == ["Customer required field"]
    customer_id = next(iter(sb.state.customers))
    with pytest.raises(E.ValidationFailed) as info:  # {"success": false, "message": [...]}
        await api.create_ticket({"customer_id": customer_id, "subject": ""})
    assert info.value.messages == ["Subject can't be blank"]
    sample = open_ticket(sb)
    with pytest.raises(E.ValidationFailed) as info:
        await api.update_ticket(sample.id, {"subject": "  "})
    assert info.value.messages == ["Subject can't be blank"]
    assert sb.ticket(sample.id).subject.strip()


async def test_add_comment_and_its_422(api, sb):
    sample = open_ticket(sb)
    before = len(sample.comments)
    comment = await api.add_comment(
        sample.id,
        {"subject": "Update", "body": "Rebooted the server", "hidden": True, "do_not_email": True},
    )
    assert isinstance(comment, Comment) and comment.hidden and comment.body == "Rebooted the server"
    assert len(sb.ticket(sample.id).comments) == before + 1
    with pytest.raises(E.ValidationFailed) as info:
        await api.add_comment(sample.id, {"hidden": True})
    assert info.value.messages == ["Body can't be blank", "Subject can't be blank"]
    assert len(sb.ticket(sample.id).comments) == before + 1


async def test_line_items_add_update_remove(api, sb):
    sample = open_ticket(sb)
    added = await api.add_line_item(
        sample.id,
        {
            "name": "Labor - Remote",
            "description": "Fixed it",
            "quantity": "0.75",
            "price_retail": 120,
            "product_id": sb.state.default_labor_product_id,
            "taxable": False,
        },
    )
    assert (
        isinstance(added, LineItem)
        and added.quantity == Decimal("0.75")
        and added.price_retail == Decimal("120")
    )
    updated = await api.update_line_item(
        sample.id, {"ticket_line_item_id": added.id, "quantity": 1.5}
    )
    assert updated.id == added.id and updated.quantity == Decimal("1.5")
    detail = await api.get_ticket(sample.id)
    assert any(li.id == added.id and li.total == Decimal("180.0") for li in detail.line_items)
    assert await api.remove_line_item(sample.id, added.id) is None
    assert all(li.id != added.id for li in sb.ticket(sample.id).line_items)
    with pytest.raises(E.NotFound):
        await api.remove_line_item(sample.id, added.id)


async def test_line_item_422_errors_string(api, sb):
    sample = open_ticket(sb)
    with pytest.raises(
        E.ValidationFailed
    ) as info:  # {"errors": "Name ..., Description ...", "params": {}}
        await api.add_line_item(
            sample.id, {"product_id": sb.state.default_labor_product_id, "quantity": 1}
        )
    assert info.value.messages == ["Name can't be blank, Description can't be blank"]


async def test_timers_add_update_charge_delete(api, sb, clock):
    sample = open_ticket(sb)
    start = at(clock.now - 3600)
    timer = await api.add_timer_entry(
        sample.id,
        {
            "start_at": start.isoformat(),
            "duration_minutes": 45,
            "notes": "Remote session",
            "product_id": sb.state.default_labor_product_id,
        },
    )
    assert isinstance(timer, TimerEntry) and timer.duration_minutes == 45 and not timer.recorded
    assert timer.start_time == start
    updated = await api.update_timer_entry(
        sample.id, {"timer_entry_id": timer.id, "notes": "Remote session (VPN)"}
    )
    assert updated.notes == "Remote session (VPN)"
    charged = await api.charge_timer_entry(sample.id, timer.id)
    assert charged.recorded and charged.ticket_line_item_id
    detail = await api.get_ticket(sample.id)
    assert any(li.id == charged.ticket_line_item_id for li in detail.line_items)

    other = await api.add_timer_entry(
        sample.id, {"start_at": start.isoformat(), "duration_minutes": 5}
    )
    assert await api.delete_timer_entry(sample.id, other.id) is None
    assert other.id not in sb.state.timers
    with pytest.raises(E.NotFound):
        await api.delete_timer_entry(sample.id, other.id)


async def test_timer_422_without_start(api, sb):
    with pytest.raises(
        E.ValidationFailed
    ) as info:  # {"error": "no implicit conversion of nil into String"}
        await api.add_timer_entry(open_ticket(sb).id, {"duration_minutes": 30})
    assert info.value.messages == ["no implicit conversion of nil into String"]


async def test_ticket_timers_list(api, sb, clock):
    page = await api.ticket_timers()
    assert page.meta.page == 1 and page.ticket_timers
    total = 0
    for n in range(1, page.meta.total_pages + 1):
        total += len((await api.ticket_timers(page=n)).ticket_timers)
    assert total == len(sb.state.timers)
    sample = open_ticket(sb)
    fresh = await api.add_timer_entry(
        sample.id, {"start_at": at(clock.now).isoformat(), "duration_minutes": 1}
    )
    recent = await api.ticket_timers(created_at_gt=at(clock.now - 1))
    assert [t.id for t in recent.ticket_timers] == [fresh.id]
    older = await api.ticket_timers(created_at_lt=date(2000, 1, 1))
    assert older.ticket_timers == []


# --------------------------------------------------------------------------- customers, contacts, products


async def test_customers(api, sb):
    page = await api.customers()
    assert page.meta.total_entries == len(sb.state.customers) and page.customers
    target = next(iter(sb.state.customers.values()))
    word = target.business_then_name.split()[0]
    hits = await api.customers(query=word)
    assert target.id in {c.id for c in hits.customers}
    auto = await api.customer_autocomplete(word[:3])
    assert auto and all(isinstance(c.id, int) for c in auto)
    one = await api.customer(target.id)
    assert one.display_name == target.business_then_name
    assert {c.id for c in one.contacts} == {c.id for c in target.contacts}
    with pytest.raises(E.NotFound):
        await api.customer(1)


async def test_contacts(api, sb):
    target = next(c for c in sb.state.customers.values() if c.contacts)
    page = await api.contacts(customer_id=target.id)
    assert {c.id for c in page.contacts} == {c.id for c in target.contacts}
    everyone = await api.contacts()
    assert everyone.meta.total_entries == len(sb.state.contacts) and everyone.meta.per_page == 50


async def test_products(api, sb):
    labor = await api.products(query="labor")
    assert labor and all("labor" in (p.name + (p.description or "")).lower() for p in labor)
    assert isinstance(labor[0].price_retail, Decimal)
    every = await api.all_products()
    assert {p.id for p in every} == set(sb.state.products)


# --------------------------------------------------------------------------- invoices


async def test_invoice_from_ticket(api, sb):
    sample = open_ticket(sb)
    await api.add_line_item(
        sample.id,
        {"name": "Labor - Remote", "description": "Work", "quantity": 2, "price_retail": 100},
    )
    invoice = await api.create_invoice({"customer_id": sample.customer_id, "ticket_id": sample.id})
    assert isinstance(invoice, Invoice) and invoice.ticket_id == sample.id and invoice.number
    assert invoice.subtotal >= Decimal("200")
    again = await api.invoice(invoice.id)
    assert again.id == invoice.id and again.total == invoice.total
    assert any(
        line.price == Decimal("100") and line.quantity == Decimal("2") for line in again.line_items
    )
    by_number = await api.invoice(invoice.number)
    assert by_number.id == invoice.id
    with pytest.raises(E.ValidationFailed) as info:  # {"success": false, "message": [...]}
        await api.create_invoice({"customer_id": 1})
    assert info.value.messages == ["Customer can't be blank"]
    with pytest.raises(E.NotFound):
        await api.invoice(987654)


# --------------------------------------------------------------------------- auth


@pytest.mark.parametrize("style", ["header", "query"])
async def test_both_auth_styles(sb, clock, style):
    async with make_client(sb, clock, auth_style=style) as client:
        assert (await client.me()).user_id == sb.state.me_id
    async with make_client(sb, clock, auth_style=style, api_key="wrong-key") as client:
        with pytest.raises(E.AuthError) as info:
            await client.list_tickets()
    assert info.value.status == 401 and "syncro-tui login" in str(info.value)
    record = sb.requests[-1]
    assert record.status == 401 and ("api_key" in record.query) == (style == "query")


async def test_missing_permission_is_permission_denied(clock):
    sb = Sandbox(seed=7, tickets=20, clock=clock, permissions={"Tickets - Edit": False})
    async with make_client(sb, clock) as client:
        sample = next(iter(sb.state.tickets))
        with pytest.raises(E.PermissionDenied) as info:
            await client.add_comment(sample, {"subject": "s", "body": "b"})
    assert "lacks permission for ticket comments" in str(info.value)
    assert "Not authorized" in str(info.value)


# --------------------------------------------------------------------------- 429


async def test_429_retry_after_is_honoured_then_success(sb, clock):
    sb.faults.add("GET /tickets=rate_limit:7*1")
    async with make_client(sb, clock) as client:
        start = clock.now
        page = await client.list_tickets()
    assert page.tickets and clock.client_sleeps == [7.0] and clock.now - start == pytest.approx(7.0)
    assert [r.status for r in sb.requests] == [429, 200]


async def test_429_without_retry_after_backs_off_from_five_seconds(sb, clock):
    sb.faults.add("GET /me=rate_limit*2")
    async with make_client(sb, clock) as client:
        await client.me()
    assert clock.client_sleeps == [5.0, 10.0] and sb.count("GET", "/me") == 3


async def test_sandbox_rate_limit_pauses_and_recovers(clock):
    sb = Sandbox(seed=7, tickets=20, clock=clock, rate_limit=5)
    async with make_client(sb, clock) as client:
        for _ in range(7):
            await client.me()
    statuses = [r.status for r in sb.requests]
    assert statuses.count(429) == 1 and statuses.count(200) == 7
    assert clock.client_sleeps and clock.client_sleeps[0] > 0


async def test_429_on_a_write_is_not_retried(sb, clock):
    sample = open_ticket(sb)
    before = len(sample.comments)
    sb.faults.add("POST /tickets/*/comment=rate_limit:3*1")
    async with make_client(sb, clock) as client:
        with pytest.raises(E.RateLimited) as info:
            await client.add_comment(sample.id, {"subject": "s", "body": "b"})
    assert info.value.retry_after == 3.0 and sb.count("POST", "/tickets/*/comment") == 1
    assert len(sample.comments) == before and clock.client_sleeps == []


# --------------------------------------------------------------------------- unclear write outcomes


@pytest.mark.parametrize("fault", ["drop_after", "timeout_after:0", "error_after:502", "malformed"])
async def test_unclear_comment_is_outcome_unknown_and_not_resent(sb, clock, fault):
    sample = open_ticket(sb)
    before = len(sample.comments)
    sb.faults.add(f"POST /tickets/*/comment={fault}*1")
    payload = {
        "subject": "Update",
        "body": "Applied but unseen",
        "hidden": True,
        "do_not_email": True,
    }
    async with make_client(sb, clock, timeout=2) as client:
        with pytest.raises(E.OutcomeUnknown) as info:
            await client.add_comment(sample.id, payload)
    err = info.value
    assert (
        err.payload == payload
        and err.method == "POST"
        and err.path == f"/tickets/{sample.id}/comment"
    )
    assert sb.count("POST", "/tickets/*/comment") == 1
    assert len(sb.ticket(sample.id).comments) == before + 1
    assert sb.ticket(sample.id).comments[-1].body == "Applied but unseen"
    assert clock.client_sleeps == []


async def test_error_before_and_html_on_a_write_are_still_unclear(sb, clock):
    sample = open_ticket(sb)
    sb.faults.add("PUT /tickets/*=error_before:500*1;PUT /tickets/*=html:502*1")
    async with make_client(sb, clock) as client:
        for _ in range(2):
            with pytest.raises(E.OutcomeUnknown):
                await client.update_ticket(sample.id, {"status": "Scheduled"})
        assert (
            await client.update_ticket(sample.id, {"status": "Scheduled"})
        ).status == "Scheduled"
    assert sb.count("PUT", "/tickets/*") == 3


async def test_reads_recover_from_transient_faults(sb, clock):
    sb.faults.add(
        "GET /tickets/*=drop_after*1;GET /tickets/*=error_before:503*1;GET /tickets/*=timeout_after:0*1"
    )
    sample = open_ticket(sb)
    async with make_client(sb, clock, timeout=2) as client:
        detail = await client.get_ticket(sample.id)
    assert detail.id == sample.id and clock.client_sleeps == [5.0, 10.0, 20.0]
    assert sb.count("GET", f"/tickets/{sample.id}") == 4


async def test_read_html_error_page_is_clear(sb, clock):
    sb.faults.add("GET /customers=html:400*1")
    async with make_client(sb, clock) as client:
        with pytest.raises(E.BadRequest) as info:
            await client.customers()
    assert str(info.value).startswith(
        "Syncro answered with an HTML page instead of JSON (HTTP 400)"
    )


async def test_read_malformed_json_is_unexpected_response(sb, clock):
    sb.faults.add("GET /tickets/settings=malformed*1")
    async with make_client(sb, clock) as client:
        with pytest.raises(E.UnexpectedResponse) as info:
            await client.ticket_settings()
    assert "malformed JSON" in str(info.value)


# --------------------------------------------------------------------------- wrappers and time formats


async def test_offset_timestamps_parse_aware(clock):
    sb = Sandbox(seed=7, tickets=20, clock=clock, time_offset="-08:00")
    async with make_client(sb, clock) as client:
        sample = next(iter(sb.state.tickets.values()))
        detail = await client.get_ticket(sample.id)
    assert detail.updated_at.utcoffset() == timedelta(hours=-8)
    assert detail.updated_at.timestamp() == pytest.approx(sample.updated_at, abs=0.001)


# --------------------------------------------------------------------------- loopback


async def test_contract_over_loopback(sb, clock):
    server = sb.serve(port=0)
    try:
        limiter = RateLimiter(150, clock=clock, sleep=clock.sleep)
        async with SyncroClient(
            server.url, DEFAULT_API_KEY, limiter=limiter, sleep=clock.client_sleep, timeout=5
        ) as client:
            me = await client.me()
            assert me.user_id == sb.state.me_id
            open_ids = {t.id for t in await client.all_tickets(status="Not Closed")}
            assert open_ids == {
                t.id for t in sb.state.tickets.values() if t.status not in CLOSED_STATUSES
            }
            sample = open_ticket(sb)
            comment = await client.add_comment(
                sample.id, {"subject": "Loopback", "body": "Over TCP", "hidden": True}
            )
            assert comment.id in {c.id for c in sb.ticket(sample.id).comments}
            with pytest.raises(E.NotFound):
                await client.get_ticket(999_999)
            with pytest.raises(E.ValidationFailed):
                await client.add_line_item(sample.id, {"quantity": 1})

            before = len(sb.ticket(sample.id).comments)
            sb.faults.add("POST /tickets/*/comment=drop_after*1")
            with pytest.raises(E.OutcomeUnknown):
                await client.add_comment(
                    sample.id, {"subject": "Dropped", "body": "Applied", "hidden": True}
                )
            assert len(sb.ticket(sample.id).comments) == before + 1
            assert sb.count("POST", "/tickets/*/comment") == 2
    finally:
        server.close()
