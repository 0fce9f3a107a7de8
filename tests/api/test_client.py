"""SyncroClient unit tests against httpx.MockTransport (no network, instant fake sleep)."""

from __future__ import annotations

import asyncio
import json
import logging
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from email.utils import format_datetime
from urllib.parse import parse_qs

import httpx
import pytest

from syncro_tui import __version__
from syncro_tui.api import errors as E
from syncro_tui.api.client import SyncroClient
from syncro_tui.api.ratelimit import Priority, RateLimiter, current_priority
from syncro_tui.secrets import SecretKey

BASE = "https://acme.syncromsp.com/api/v1"
KEY = "k3y-SECRET-value-1234"


class SpyLimiter:
    """Records every acquire/penalize; never waits."""

    def __init__(self) -> None:
        self.acquired: list = []
        self.penalties: list[float] = []

    async def acquire(self, priority=None) -> None:
        self.acquired.append(priority)

    def penalize(self, seconds: float) -> None:
        self.penalties.append(seconds)


class Sleeps(list):
    async def __call__(self, seconds: float) -> None:
        self.append(seconds)


def client_for(handler, **kw) -> tuple[SyncroClient, SpyLimiter, Sleeps]:
    limiter = kw.pop("limiter", None) or SpyLimiter()
    sleeps = Sleeps()
    client = SyncroClient(
        kw.pop("base_url", BASE),
        kw.pop("api_key", SecretKey(KEY)),
        limiter=limiter,
        transport=httpx.MockTransport(handler),
        sleep=sleeps,
        **kw,
    )
    return client, limiter, sleeps


def json_response(data, status=200, **kw):
    return httpx.Response(status, json=data, **kw)


TICKET = {"id": 5, "number": 1005, "subject": "Printer", "status": "New", "customer_id": 1}


# --------------------------------------------------------------------------- basics


async def test_headers_and_header_auth():
    seen = []

    def handler(request: httpx.Request):
        seen.append(request)
        return json_response({"user_id": 1, "user_name": "Joe"})

    client, limiter, _ = client_for(handler)
    async with client:
        me = await client.me()
    assert me.user_name == "Joe" and me.user_id == 1
    (req,) = seen
    assert str(req.url) == f"{BASE}/me"
    assert req.headers["authorization"] == f"Bearer {KEY}"
    assert req.headers["accept"] == "application/json"
    assert req.headers["content-type"] == "application/json"
    assert req.headers["user-agent"] == f"syncro-tui/{__version__}"
    assert "api_key" not in str(req.url)
    assert limiter.acquired == [Priority.USER]
    assert client.request_count == 1


async def test_query_auth_sends_api_key_param_and_no_header():
    seen = []

    def handler(request):
        seen.append(request)
        return json_response({"tickets": [], "meta": {"total_pages": 1, "page": 1}})

    client, _, _ = client_for(handler, auth_style="query", api_key=KEY)
    async with client:
        await client.list_tickets(status="Not Closed")
    (req,) = seen
    q = parse_qs(req.url.query.decode())
    assert q["api_key"] == [KEY] and q["status"] == ["Not Closed"]
    assert "authorization" not in req.headers
    assert (
        client.display_url("/tickets", {"status": "Not Closed"})
        == f"{BASE}/tickets?status=Not+Closed&api_key=****"
    )
    assert client.last_request.url == f"{BASE}/tickets?status=Not+Closed&api_key=****"


def test_bad_constructor_arguments():
    with pytest.raises(ValueError):
        SyncroClient(BASE, KEY, auth_style="cookie")
    with pytest.raises(ValueError):
        SyncroClient("acme.syncromsp.com", KEY)


async def test_writes_send_json_body_exactly():
    seen = []

    def handler(request):
        seen.append(request)
        return json_response(
            {"comment": {"id": 9, "subject": "S", "body": "B", "hidden": True, "ticket_id": 5}}
        )

    client, _, _ = client_for(handler)
    payload = {"subject": "S", "body": "B", "hidden": True, "do_not_email": True}
    async with client:
        comment = await client.add_comment(5, payload)
    assert comment.id == 9 and comment.hidden
    (req,) = seen
    assert req.method == "POST" and req.url.path == "/api/v1/tickets/5/comment"
    assert req.headers["content-type"] == "application/json"
    assert json.loads(req.content) == payload


async def test_decimal_payload_values_are_sent_as_numbers():
    seen = []

    def handler(request):
        seen.append(json.loads(request.content))
        return json_response({"id": 1, "name": "Labor", "quantity": "1.5"})

    client, _, _ = client_for(handler)
    async with client:
        item = await client.add_line_item(
            5,
            {
                "name": "Labor",
                "description": "x",
                "quantity": Decimal("1.5"),
                "price_retail": Decimal("120"),
            },
        )
    assert item.quantity == Decimal("1.5")
    assert seen == [{"name": "Labor", "description": "x", "quantity": 1.5, "price_retail": 120}]


async def test_ids_must_be_integers():
    client, _, _ = client_for(lambda r: json_response({}))
    async with client:
        with pytest.raises(TypeError):
            await client.get_ticket("5/../../me")
        with pytest.raises(TypeError):
            await client.remove_line_item(5, "x")
    assert client.request_count == 0


# --------------------------------------------------------------------------- every method: path, params, wrapper


async def test_every_method_hits_the_documented_endpoint():
    calls = []
    timer = {"id": 3, "ticket_id": 5, "start_time": "2026-01-01T10:00:00Z", "recorded": False}
    line = {"id": 4, "ticket_id": 5, "name": "Labor", "quantity": "1.0"}
    routes = {
        ("GET", "/me"): {"user_id": 1, "user_name": "Joe"},
        ("GET", "/tickets"): {"tickets": [TICKET], "meta": {"total_pages": 1, "page": 1}},
        ("GET", "/tickets/5"): {"ticket": TICKET},
        ("POST", "/tickets"): {"ticket": TICKET},
        ("PUT", "/tickets/5"): {"ticket": TICKET},
        ("GET", "/tickets/5/comments"): {
            "comments": [{"id": 1}],
            "meta": {"total_pages": 1, "page": 1, "per_page": 10},
        },
        ("POST", "/tickets/5/comment"): {"comment": {"id": 2}},
        ("POST", "/tickets/5/add_line_item"): line,
        ("PUT", "/tickets/5/update_line_item"): {"ticket_line_item": line},
        ("POST", "/tickets/5/remove_line_item"): {"success": True, "message": ""},
        ("POST", "/tickets/5/timer_entry"): timer,
        ("PUT", "/tickets/5/update_timer_entry"): timer,
        ("POST", "/tickets/5/delete_timer_entry"): {"success": True},
        ("POST", "/tickets/5/charge_timer_entry"): dict(timer, recorded=True),
        ("GET", "/ticket_timers"): {
            "ticket_timers": [timer],
            "meta": {"total_pages": 1, "page": 1},
        },
        ("GET", "/tickets/settings"): {
            "ticket_status_list": ["New"],
            "users": [{"id": 1, "name": "Joe"}],
        },
        ("GET", "/settings"): {"ticket": {"problem_types": ["Virus"], "priorities": []}},
        ("GET", "/customers"): {"customers": [{"id": 1}], "meta": {"total_pages": 1, "page": 1}},
        ("GET", "/customers/autocomplete"): {"customers": [{"id": 1}]},
        ("GET", "/customers/1"): {"customer": {"id": 1, "business_name": "Acme"}},
        ("GET", "/contacts"): {
            "contacts": [{"id": 7, "name": "Ann"}],
            "meta": {"total_pages": 1, "page": 1},
        },
        ("GET", "/products"): {
            "products": [{"id": 8, "name": "Labor - Remote", "price_retail": 120}]
        },
        ("GET", "/users"): {"users": [[1, "Joe"]]},
        ("POST", "/invoices"): {"invoice": {"id": 11, "number": 1001, "total": "0.0"}},
        ("GET", "/invoices/11"): {"id": 11, "number": "1001"},
    }

    def handler(request):
        path = request.url.path.removeprefix("/api/v1")
        body = json.loads(request.content) if request.content else None
        calls.append((request.method, path, dict(request.url.params), body))
        return json_response(routes[(request.method, path)])

    client, _, _ = client_for(handler)
    async with client:
        assert (await client.me()).user_name == "Joe"
        assert (await client.list_tickets()).tickets[0].number == "1005"
        assert (await client.get_ticket(5)).subject == "Printer"
        assert (await client.create_ticket({"customer_id": 1, "subject": "Printer"})).id == 5
        assert (await client.update_ticket(5, {"status": "In Progress"})).id == 5
        assert (await client.ticket_comments(5, page=2, per_page=25)).comments[0].id == 1
        assert (await client.add_comment(5, {"subject": "s", "body": "b"})).id == 2
        assert (await client.add_line_item(5, {"name": "Labor", "description": "d"})).id == 4
        assert (await client.update_line_item(5, {"ticket_line_item_id": 4, "quantity": 2})).id == 4
        assert await client.remove_line_item(5, 4) is None
        assert (
            await client.add_timer_entry(
                5, {"start_at": "2026-01-01T10:00:00Z", "duration_minutes": 30}
            )
        ).id == 3
        assert (await client.update_timer_entry(5, {"timer_entry_id": 3, "notes": "n"})).id == 3
        assert await client.delete_timer_entry(5, 3) is None
        assert (await client.charge_timer_entry(5, 3)).recorded
        assert (await client.ticket_timers(page=2, created_at_gt=date(2026, 1, 1))).ticket_timers[
            0
        ].id == 3
        assert (await client.ticket_settings()).statuses == ["New"]
        assert (await client.account_settings()).problem_types == ["Virus"]
        assert (await client.customers(query="acme", page=2)).customers[0].id == 1
        assert (await client.customer_autocomplete("ac"))[0].id == 1
        assert (await client.customer(1)).display_name == "Acme"
        assert (await client.contacts(customer_id=1)).contacts[0].name == "Ann"
        assert (await client.products(query="labor"))[0].price_retail == Decimal("120")
        assert [(u.id, u.name) for u in await client.users()] == [(1, "Joe")]
        assert (await client.create_invoice({"customer_id": 1, "ticket_id": 5})).number == "1001"
        assert (await client.invoice(11)).number == "1001"

    bodies = {(m, p): b for m, p, _, b in calls}
    params = {(m, p): q for m, p, q, _ in calls}
    assert bodies[("POST", "/tickets/5/remove_line_item")] == {"ticket_line_item_id": 4}
    assert bodies[("POST", "/tickets/5/delete_timer_entry")] == {"timer_entry_id": 3}
    assert bodies[("POST", "/tickets/5/charge_timer_entry")] == {"timer_entry_id": 3}
    assert params[("GET", "/tickets/5/comments")] == {"page": "2", "per_page": "25"}
    assert params[("GET", "/ticket_timers")] == {"page": "2", "created_at_gt": "2026-01-01"}
    assert params[("GET", "/customers")] == {"query": "acme", "page": "2"}
    assert params[("GET", "/contacts")] == {"customer_id": "1", "page": "1"}
    assert params[("GET", "/customers/autocomplete")] == {"query": "ac"}
    assert len(calls) == len(routes)


async def test_list_tickets_sends_every_filter():
    seen = []

    def handler(request):
        seen.append(dict(request.url.params))
        return json_response({"tickets": [], "meta": {"total_pages": 1, "page": 1}})

    client, _, _ = client_for(handler)
    async with client:
        await client.list_tickets(
            status="Not Closed",
            mine=True,
            user_id=3,
            customer_id=4,
            contact_id=5,
            query="printer",
            number="#1005",
            since_updated_at=datetime(2026, 4, 1, 9, 30, tzinfo=timezone(timedelta(hours=-7))),
            created_after=date(2026, 1, 2),
            resolved_after="2026-02-03",
            page=2,
            per_page=50,
        )
        await client.list_tickets(mine=False)
    assert seen[0] == {
        "status": "Not Closed",
        "mine": "true",
        "user_id": "3",
        "customer_id": "4",
        "contact_id": "5",
        "query": "printer",
        "number": "1005",
        "since_updated_at": "2026-04-01T16:30:00Z",
        "created_after": "2026-01-02",
        "resolved_after": "2026-02-03",
        "page": "2",
        "per_page": "50",
    }
    assert seen[1] == {"mine": "false"}


# --------------------------------------------------------------------------- pagination


def paged_handler(pages: dict[int, list[int]], *, meta=True, in_flight=None, delay=0.0):
    state = {"now": 0, "max": 0}

    async def handler(request):
        n = int(request.url.params.get("page", "1"))
        state["now"] += 1
        state["max"] = max(state["max"], state["now"])
        try:
            await asyncio.sleep(delay)
        finally:
            state["now"] -= 1
        ids = pages.get(n, [])
        body = {"tickets": [{"id": i, "number": str(1000 + i)} for i in ids]}
        if meta:
            body["meta"] = {"total_pages": len(pages), "page": n}
        return json_response(body)

    return handler, state


async def test_all_tickets_walks_every_page_concurrently_and_dedupes():
    pages = {1: [1, 2, 3], 2: [3, 4, 5, 6], 3: [7], 4: [8, 9], 5: [9, 10], 6: [11, 12, 13], 7: []}
    handler, state = paged_handler(pages, delay=0.01)
    client, limiter, _ = client_for(handler)
    async with client:
        tickets = await client.all_tickets(status="Not Closed", concurrency=3)
    assert [t.id for t in tickets] == list(range(1, 14))
    assert client.request_count == 7 and len(limiter.acquired) == 7
    assert 1 < state["max"] <= 3


async def test_all_tickets_without_meta_walks_until_empty():
    handler, _ = paged_handler({1: [1, 2], 2: [3], 3: []}, meta=False)
    client, _, _ = client_for(handler)
    async with client:
        assert [t.id for t in await client.all_tickets()] == [1, 2, 3]
    assert client.request_count == 3


async def test_all_tickets_raises_the_first_error_not_a_group():
    def handler(request):
        n = int(request.url.params["page"])
        if n == 3:
            return json_response({"error": "Not authorized. Please ask account admin"}, status=401)
        return json_response({"tickets": [{"id": n}], "meta": {"total_pages": 4, "page": n}})

    client, _, _ = client_for(handler)
    async with client:
        with pytest.raises(E.PermissionDenied):
            await client.all_tickets()


async def test_ticket_by_number():
    def handler(request):
        path = request.url.path.removeprefix("/api/v1")
        if path == "/tickets":
            number = request.url.params["number"]
            rows = (
                [{"id": 50, "number": 10050}, {"id": 5, "number": 1005}] if number == "1005" else []
            )
            if number == "77":
                rows = [{"id": 770, "number": 1770}]  # fuzzy match from the server: not ours
            return json_response({"tickets": rows, "meta": {"total_pages": 1, "page": 1}})
        return json_response({"ticket": dict(TICKET, comments=[{"id": 1, "body": "hi"}])})

    client, _, _ = client_for(handler)
    async with client:
        found = await client.ticket_by_number(1005)
        assert found is not None and found.id == 5 and found.comments[0].body == "hi"
        assert await client.ticket_by_number("999") is None
        assert await client.ticket_by_number("77") is None


# --------------------------------------------------------------------------- reads: retries


async def test_read_429_honours_retry_after_then_succeeds():
    answers = [
        httpx.Response(429, headers={"Retry-After": "7"}, text="Too many"),
        json_response({"user_id": 1}),
    ]
    client, limiter, sleeps = client_for(lambda r: answers.pop(0))
    async with client:
        me = await client.me()
    assert me.user_id == 1
    assert sleeps == [7.0] and limiter.penalties == [7.0]
    assert client.request_count == 2 and len(limiter.acquired) == 2


async def test_read_429_http_date_retry_after():
    when = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    answers = [httpx.Response(429, headers={"Retry-After": when}), json_response({"user_id": 1})]
    client, limiter, sleeps = client_for(lambda r: answers.pop(0))
    async with client:
        await client.me()
    assert 25 <= sleeps[0] <= 31


async def test_a_huge_retry_after_imposes_at_most_five_minutes():
    client, limiter, sleeps = client_for(
        lambda r: httpx.Response(429, headers={"Retry-After": "999999"})
    )
    with pytest.raises(E.RateLimited) as info:
        await client.me()
    assert limiter.penalties == [300.0]  # capped before the limiter hears of it
    assert sleeps == [] and info.value.retry_after == 300.0


async def test_read_429_without_retry_after_backs_off_exponentially_then_gives_up():
    client, limiter, sleeps = client_for(lambda r: httpx.Response(429, json={"error": "slow"}))
    async with client:
        with pytest.raises(E.RateLimited) as info:
            await client.me()
    assert sleeps == [5.0, 10.0, 20.0]
    assert limiter.penalties == [5.0, 10.0, 20.0, 40.0]
    assert client.request_count == 4
    assert info.value.status == 429 and info.value.retry_after is None


async def test_backoff_is_capped_at_sixty_seconds():
    client, _, sleeps = client_for(lambda r: httpx.Response(429), read_retries=6)
    async with client:
        with pytest.raises(E.RateLimited):
            await client.me()
    assert sleeps == [5.0, 10.0, 20.0, 40.0, 60.0, 60.0]


async def test_read_network_errors_are_retried():
    attempts = []

    def handler(request):
        attempts.append(1)
        if len(attempts) == 1:
            raise httpx.ConnectError("connection refused", request=request)
        if len(attempts) == 2:
            raise httpx.ReadTimeout("timed out", request=request)
        if len(attempts) == 3:
            raise httpx.RemoteProtocolError("Server disconnected", request=request)
        return json_response({"user_id": 1})

    client, limiter, sleeps = client_for(handler)
    async with client:
        await client.me()
    assert sleeps == [5.0, 10.0, 20.0] and len(limiter.acquired) == 4 and limiter.penalties == []


async def test_read_network_error_gives_up_with_network_error():
    def handler(request):
        raise httpx.ReadTimeout("timed out", request=request)

    client, _, sleeps = client_for(handler, read_retries=1)
    async with client:
        with pytest.raises(E.NetworkError) as info:
            await client.me()
    assert sleeps == [5.0] and client.request_count == 2
    assert info.value.__cause__ is None and info.value.__context__ is None


async def test_read_gateway_errors_are_retried_but_500_is_not():
    answers = [httpx.Response(503, text="busy"), json_response({"user_id": 1})]
    client, _, sleeps = client_for(lambda r: answers.pop(0))
    async with client:
        await client.me()
    assert sleeps == [5.0]

    client, _, sleeps = client_for(lambda r: json_response({"error": "boom"}, status=500))
    async with client:
        with pytest.raises(E.ServerError) as info:
            await client.me()
    assert sleeps == [] and client.request_count == 1 and "boom" in str(info.value)


async def test_priority_comes_from_the_context_var():
    client, limiter, _ = client_for(lambda r: json_response({"user_id": 1}))
    token = current_priority.set(Priority.BACKGROUND)
    try:
        async with client:
            await client.me()
    finally:
        current_priority.reset(token)
    assert limiter.acquired == [Priority.BACKGROUND]


async def test_real_limiter_pauses_everyone_after_429():
    clock = {"now": 1000.0}

    async def fake_sleep(seconds):
        clock["now"] += seconds

    limiter = RateLimiter(180, clock=lambda: clock["now"], sleep=fake_sleep)
    answers = [httpx.Response(429, headers={"Retry-After": "12"}), json_response({"user_id": 1})]
    client = SyncroClient(
        BASE,
        KEY,
        limiter=limiter,
        transport=httpx.MockTransport(lambda r: answers.pop(0)),
        sleep=fake_sleep,
    )
    async with client:
        await client.me()
    assert clock["now"] == pytest.approx(1012.0)
    assert limiter.spent_last_minute() == 2


# --------------------------------------------------------------------------- writes: never retried


@pytest.mark.parametrize(
    "failure",
    [
        httpx.ReadTimeout("timed out"),
        httpx.WriteTimeout("timed out"),
        httpx.RemoteProtocolError("Server disconnected without sending a response."),
        httpx.ReadError("Connection reset by peer"),
    ],
    ids=lambda e: type(e).__name__,
)
async def test_unclear_write_raises_outcome_unknown_once(failure):
    def handler(request):
        failure.request = request
        raise failure

    client, limiter, sleeps = client_for(handler)
    payload = {"subject": "Update", "body": "Rebooted", "hidden": True, "do_not_email": True}
    async with client:
        with pytest.raises(E.OutcomeUnknown) as info:
            await client.add_comment(5, payload)
    err = info.value
    assert err.method == "POST" and err.path == "/tickets/5/comment" and err.payload == payload
    assert err.cause and err.__context__ is None and err.__cause__ is None
    assert client.request_count == 1 and sleeps == []


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": "boom"}),
        httpx.Response(502, text="<html><body><h1>502 Bad Gateway</h1></body></html>"),
        httpx.Response(
            200, text='{"comment": {"id": 4, ', headers={"content-type": "application/json"}
        ),
        httpx.Response(
            200, text="<html><body>Login</body></html>", headers={"content-type": "text/html"}
        ),
        httpx.Response(200, json={"ticket": {"id": 1}}),  # wrong wrapper
        httpx.Response(200, json=["what"]),
        httpx.Response(200, json={"comment": {"id": "not-an-int"}}),
        httpx.Response(302, headers={"location": "/login"}),
    ],
    ids=[
        "500",
        "502-html",
        "malformed",
        "html-200",
        "wrong-wrapper",
        "list",
        "bad-field",
        "redirect",
    ],
)
async def test_write_with_unusable_answer_is_outcome_unknown(response):
    client, _, sleeps = client_for(lambda r: response)
    async with client:
        with pytest.raises(E.OutcomeUnknown) as info:
            await client.add_comment(5, {"subject": "s", "body": "b"})
    assert info.value.payload == {"subject": "s", "body": "b"}
    assert client.request_count == 1 and sleeps == []


async def test_write_connect_error_is_definite_not_sent():
    def handler(request):
        raise httpx.ConnectError("[Errno 111] Connection refused", request=request)

    client, _, sleeps = client_for(handler)
    async with client:
        with pytest.raises(E.NetworkError) as info:
            await client.create_ticket({"customer_id": 1, "subject": "x"})
    assert not isinstance(info.value, E.OutcomeUnknown)
    assert "not sent" in str(info.value)
    assert client.request_count == 1 and sleeps == []


async def test_write_429_is_definite_and_pauses_the_limiter():
    client, limiter, sleeps = client_for(
        lambda r: httpx.Response(429, headers={"Retry-After": "9"})
    )
    async with client:
        with pytest.raises(E.RateLimited) as info:
            await client.update_ticket(5, {"status": "Resolved"})
    assert info.value.retry_after == 9.0 and "Nothing was changed" in str(info.value)
    assert limiter.penalties == [9.0] and client.request_count == 1 and sleeps == []


async def test_write_422_and_success_false_are_validation_failures():
    client, _, _ = client_for(
        lambda r: json_response(
            {"success": False, "message": ["Subject can't be blank"]}, status=422
        )
    )
    async with client:
        with pytest.raises(E.ValidationFailed) as info:
            await client.update_ticket(5, {"subject": ""})
    assert info.value.messages == ["Subject can't be blank"] and "Subject can't be blank" in str(
        info.value
    )

    client, _, _ = client_for(
        lambda r: json_response({"success": False, "message": "Line item not found"})
    )
    async with client:
        with pytest.raises(E.ValidationFailed) as info:
            await client.remove_line_item(5, 99)
    assert info.value.messages == ["Line item not found"]


async def test_remove_with_empty_body_is_fine():
    client, _, _ = client_for(lambda r: httpx.Response(200, text=""))
    async with client:
        assert await client.remove_line_item(5, 4) is None
        assert await client.delete_timer_entry(5, 4) is None


# --------------------------------------------------------------------------- error mapping


@pytest.mark.parametrize(
    "response, exc_type, fragment",
    [
        (
            json_response(
                {
                    "error": "Not authorized. Please ask account admin to update your group permissions."
                },
                status=401,
            ),
            E.PermissionDenied,
            "lacks permission for contacts",
        ),
        (httpx.Response(401, text=""), E.AuthError, "syncro-tui login"),
        (
            httpx.Response(401, text="<html><body>Unauthorized</body></html>"),
            E.AuthError,
            "syncro-tui login",
        ),
        (json_response({"error": "Invalid API key"}, status=401), E.AuthError, "syncro-tui login"),
        (httpx.Response(403, text="Forbidden"), E.PermissionDenied, "lacks permission"),
        (json_response({"message": "Not found"}, status=404), E.NotFound, "Not found"),
        (httpx.Response(404), E.NotFound, "HTTP 404"),
        (
            httpx.Response(
                400,
                text="<!DOCTYPE html><html><head><title>Bad Request</title></head><body></body></html>",
            ),
            E.BadRequest,
            "Syncro answered with an HTML page instead of JSON (HTTP 400): Bad Request",
        ),
        (
            json_response({"message": ["Vendor is blank"]}, status=400),
            E.BadRequest,
            "Vendor is blank",
        ),
        (
            httpx.Response(200, text="Disabled", headers={"content-type": "text/plain"}),
            E.UnexpectedResponse,
            'plain text instead of JSON (HTTP 200): "Disabled"',
        ),
        (
            httpx.Response(
                200, text="<html><body>WAF</body></html>", headers={"content-type": "text/html"}
            ),
            E.UnexpectedResponse,
            "HTML page instead of JSON (HTTP 200)",
        ),
        (json_response({"something": []}), E.UnexpectedResponse, "contacts"),
        (
            httpx.Response(
                200, text='{"contacts": [', headers={"content-type": "application/json"}
            ),
            E.UnexpectedResponse,
            "malformed JSON",
        ),
        (
            httpx.Response(500, text="<html><body><h1>We're sorry</h1></body></html>"),
            E.ServerError,
            "HTML page",
        ),
    ],
    ids=[
        "401-permission",
        "401-empty",
        "401-html",
        "401-json",
        "403",
        "404-json",
        "404-empty",
        "400-html",
        "400-json",
        "200-text",
        "200-html",
        "200-shape",
        "200-malformed",
        "500-html",
    ],
)
async def test_error_mapping(response, exc_type, fragment):
    client, _, _ = client_for(lambda r: response, read_retries=0)
    async with client:
        with pytest.raises(exc_type) as info:
            await client.contacts()
    err = info.value
    assert fragment in str(err)
    assert err.method == "GET" and err.path == "/contacts" and err.title
    assert err.__context__ is None


async def test_validation_messages_from_a_read_422():
    body = {"success": False, "errors": {"appointments": {"summary": ["can't be blank"]}}}
    client, _, _ = client_for(lambda r: json_response(body, status=422))
    async with client:
        with pytest.raises(E.ValidationFailed) as info:
            await client.me()
    assert info.value.messages == ["appointments.summary: can't be blank"]


# --------------------------------------------------------------------------- logging and introspection


async def test_one_info_record_per_request(caplog):
    answers = [httpx.Response(429, headers={"Retry-After": "1"}), json_response({"user_id": 1})]
    client, _, _ = client_for(lambda r: answers.pop(0))
    with caplog.at_level(logging.INFO, logger="syncro_tui.http"):
        async with client:
            await client.me()
    ours = [r for r in caplog.records if r.name == "syncro_tui.http" and r.levelno == logging.INFO]
    assert [r.getMessage().split(" in ")[0] for r in ours] == ["GET /me -> 429", "GET /me -> 200"]
    assert ours[1].getMessage().endswith("(retries 1)")
    assert " ms " in ours[0].getMessage()
    info = client.last_request
    assert info.method == "GET" and info.path == "/me" and info.status == 200 and info.retries == 1
    assert client.request_count == 2 and client.retry_count == 1


async def test_client_repr_and_display_url_header_style():
    client, _, _ = client_for(lambda r: json_response({}))
    async with client:
        assert KEY not in repr(client)
        assert client.display_url("/tickets/5") == f"{BASE}/tickets/5"
        assert client.display_url("tickets", {"page": 2, "x": None}) == f"{BASE}/tickets?page=2"
