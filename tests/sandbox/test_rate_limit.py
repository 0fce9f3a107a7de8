"""180 requests per rolling 60 s per client address, then 429 with Retry-After."""

from __future__ import annotations

import httpx

from syncro_tui.sandbox import DEMO_BASE_URL, Sandbox

from .helpers import AUTH, make_client, open_ticket


async def test_181st_request_in_a_window_is_429_until_a_slot_frees(sb, client, clock):
    for n in range(180):
        assert (await client.get("/me")).status_code == 200, n
        clock.advance(0.125)  # 180 requests spread over 22.5 s (exact in binary)
    refused = await client.get("/me")
    assert refused.status_code == 429
    assert refused.headers["retry-after"] == "38"  # the first one leaves the window at +60 s
    assert "error" in refused.json()
    clock.advance(37)
    assert (await client.get("/me")).status_code == 429
    clock.advance(1)
    assert (await client.get("/me")).status_code == 200


async def test_refused_write_applies_nothing_and_does_not_count(clock):
    sb = Sandbox(clock=clock, tickets=20, rate_limit=3)
    ticket = open_ticket(sb)
    before = len(ticket.comments)
    async with make_client(sb) as http:
        statuses = [
            (
                await http.post(f"/tickets/{ticket.id}/comment", json={"subject": "s", "body": "b"})
            ).status_code
            for _ in range(5)
        ]
        clock.advance(60)
        after_window = (await http.get("/me")).status_code
    assert statuses == [200, 200, 200, 429, 429]
    assert len(ticket.comments) == before + 3
    assert after_window == 200


async def test_limit_is_per_client_address(clock):
    sb = Sandbox(clock=clock, tickets=5, rate_limit=2)
    first = httpx.AsyncClient(
        transport=sb.transport("10.0.0.1"), base_url=DEMO_BASE_URL, headers=AUTH
    )
    second = httpx.AsyncClient(
        transport=sb.transport("10.0.0.2"), base_url=DEMO_BASE_URL, headers=AUTH
    )
    async with first, second:
        assert [(await first.get("/me")).status_code for _ in range(3)] == [200, 200, 429]
        assert (await second.get("/me")).status_code == 200
    assert [r.client for r in sb.requests] == ["10.0.0.1"] * 3 + ["10.0.0.2"]


async def test_rate_limit_can_be_switched_off(clock):
    sb = Sandbox(clock=clock, tickets=5, rate_limit=None)
    async with make_client(sb) as http:
        statuses = {(await http.get("/me")).status_code for _ in range(200)}
    assert statuses == {200}
