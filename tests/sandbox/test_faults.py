"""Fault injection: the grammar, and every kind through the in-process transport."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from syncro_tui.sandbox import Sandbox
from syncro_tui.sandbox.faults import FaultRule, parse_spec

from .helpers import make_client, open_ticket

COMMENT = {"subject": "Update", "body": "from a fault test"}


# -- grammar -------------------------------------------------------------------------------------


def test_spec_grammar():
    rules = parse_spec(
        " POST /tickets/*/comment=drop_after*1 ; get /api/v1/tickets=latency:250;"
        "* *=error_before:503*2;PUT /tickets/*=rate_limit"
    )
    assert rules == [
        FaultRule("POST", "/tickets/*/comment", "drop_after", None, 1),
        FaultRule("GET", "/tickets", "latency", 250.0, None),
        FaultRule("*", "*", "error_before", 503.0, 2),
        FaultRule("PUT", "/tickets/*", "rate_limit", None, None),
    ]
    assert ";".join(map(str, rules)) == (
        "POST /tickets/*/comment=drop_after*1;"
        "GET /tickets=latency:250;* *=error_before:503*2;"
        "PUT /tickets/*=rate_limit"
    )


@pytest.mark.parametrize(
    "spec",
    [
        "POST /tickets",
        "/tickets=drop_after",
        "POST /tickets=explode",
        "POST /tickets=latency",
        "POST /tickets=drop_after:5",
        "POST /tickets=error_before:200",
        "POST /tickets=html:abc",
        "POST /tickets=malformed*0",
        "POST /tickets=malformed*x",
    ],
)
def test_bad_specs_are_refused_with_a_reason(spec):
    with pytest.raises(ValueError, match="fault rule"):
        parse_spec(spec)


def test_bad_spec_at_construction():
    with pytest.raises(ValueError):
        Sandbox(tickets=1, faults="GET /me=nope")


# -- each kind, in-process ---------------------------------------------------------------------


@pytest.fixture
def ticket(sb):
    return open_ticket(sb)


async def post_comment(client, ticket):
    return await client.post(f"/tickets/{ticket.id}/comment", json=COMMENT)


async def test_error_before_applies_nothing(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=error_before:503*1")
    before = len(ticket.comments)
    failed = await post_comment(client, ticket)
    assert failed.status_code == 503 and failed.json()["status"] == 503
    assert len(ticket.comments) == before
    assert (await post_comment(client, ticket)).status_code == 200  # *1: fired once
    assert len(ticket.comments) == before + 1


async def test_error_after_applies_then_fails(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=error_after")
    before = len(ticket.comments)
    assert (await post_comment(client, ticket)).status_code == 500
    assert len(ticket.comments) == before + 1


async def test_drop_after_applies_then_drops(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=drop_after*1")
    before = len(ticket.comments)
    with pytest.raises(httpx.RemoteProtocolError):
        await post_comment(client, ticket)
    assert len(ticket.comments) == before + 1
    assert sb.requests[-1].fault == "drop_after" and sb.requests[-1].status == 200


async def test_timeout_after_applies_then_waits_for_its_arg(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=timeout_after:0.05")
    before = len(ticket.comments)
    started = time.perf_counter()
    with pytest.raises(httpx.ReadTimeout):
        await post_comment(client, ticket)
    assert 0.05 <= time.perf_counter() - started < 1.0
    assert len(ticket.comments) == before + 1


async def test_timeout_after_is_bounded_by_the_read_timeout(sb, ticket):
    sb.faults.add("POST /tickets/*/comment=timeout_after")  # default hold: 30 s
    async with make_client(sb, timeout=httpx.Timeout(5.0, read=0.1)) as http:
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            await post_comment(http, ticket)
    assert 0.1 <= time.perf_counter() - started < 1.0


async def test_latency_rule_and_global_latency(clock):
    sb = Sandbox(clock=clock, tickets=5, latency_ms=30, faults="GET /me=latency:40")
    async with make_client(sb) as http:
        started = time.perf_counter()
        assert (await http.get("/me")).status_code == 200
        slow = time.perf_counter() - started
        started = time.perf_counter()
        assert (await http.get("/users")).status_code == 200
        global_only = time.perf_counter() - started
    assert slow >= 0.07 and global_only >= 0.03


async def test_rate_limit_fault_with_and_without_retry_after(sb, client):
    sb.faults.add("GET /me=rate_limit:2*1;GET /users=rate_limit*1")
    with_header = await client.get("/me")
    without = await client.get("/users")
    assert with_header.status_code == without.status_code == 429
    assert with_header.headers["retry-after"] == "2"
    assert "retry-after" not in without.headers


async def test_malformed_applies_and_answers_broken_json(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=malformed")
    before = len(ticket.comments)
    response = await post_comment(client, ticket)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    with pytest.raises(json.JSONDecodeError):
        response.json()
    assert len(ticket.comments) == before + 1


async def test_html_page_applies_nothing(sb, client, ticket):
    sb.faults.add("POST /tickets/*/comment=html:502")
    before = len(ticket.comments)
    response = await post_comment(client, ticket)
    assert response.status_code == 502
    assert response.headers["content-type"].startswith("text/html")
    assert "<html>" in response.text
    assert len(ticket.comments) == before


async def test_rules_match_method_and_glob_and_count_down(sb, client, ticket):
    sb.faults.add("PUT /tickets/*=error_before*2")
    assert (await post_comment(client, ticket)).status_code == 200  # wrong method
    assert (await client.get(f"/tickets/{ticket.id}")).status_code == 200
    statuses = [
        (await client.put(f"/tickets/{ticket.id}", json={"priority": "3 Low"})).status_code
        for _ in range(3)
    ]
    assert statuses == [500, 500, 200]
    assert sb.faults.rules == []


async def test_clear_removes_every_rule(sb, client):
    sb.faults.add("* *=error_before")
    assert (await client.get("/me")).status_code == 500
    sb.faults.clear()
    assert (await client.get("/me")).status_code == 200


async def test_request_log_and_count(sb, client, ticket):
    await post_comment(client, ticket)
    await client.get("/tickets", params={"status": "New"})
    record = sb.requests[-2]
    assert (record.method, record.path) == ("POST", f"/tickets/{ticket.id}/comment")
    assert record.status == 200
    assert record.json == COMMENT and record.client == "127.0.0.1"
    assert sb.requests[-1].query == {"status": "New"}
    assert sb.count("POST", "/tickets/*/comment") == 1
    assert sb.count("GET", "/tickets") == 1 and sb.count() == 2
