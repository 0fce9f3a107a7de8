"""The loopback server: same behaviour as in-process, faults as a network shows them, CLI."""

from __future__ import annotations

import asyncio
import json
import re
import signal
import subprocess
import sys
import time

import httpx
import pytest

from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_LABOR_PRODUCTS, Sandbox
from syncro_tui.sandbox.server import banner, launch, main, options

from .helpers import open_ticket

COMMENT = {"subject": "Update", "body": "over loopback"}


async def test_round_trip_read_and_write(sb, server, remote):
    assert server.url == f"http://127.0.0.1:{server.port}/api/v1"
    me = await remote.get("/me")
    assert me.status_code == 200 and me.json()["user_id"] == 101
    ticket = open_ticket(sb)
    created = await remote.post(f"/tickets/{ticket.id}/comment", json=COMMENT)
    assert created.json()["comment"]["body"] == "over loopback"
    assert sb.requests[-1].client == "127.0.0.1"


async def test_auth_styles_and_html_400_over_loopback(server):
    async with httpx.AsyncClient(base_url=server.url) as http:
        assert (await http.get("/me")).status_code == 401
        assert (await http.get("/me", params={"api_key": DEFAULT_API_KEY})).status_code == 200
        bare = await http.get("/me", headers={"Authorization": DEFAULT_API_KEY})
        assert bare.status_code == 200
        form = await http.post(
            "/tickets", params={"api_key": DEFAULT_API_KEY}, data={"subject": "x"}
        )
    assert form.status_code == 400 and "<html>" in form.text


async def test_concurrent_writes_are_all_applied_once(sb, remote):
    ticket = open_ticket(sb)
    before = len(ticket.comments)
    responses = await asyncio.gather(
        *[
            remote.post(f"/tickets/{ticket.id}/comment", json={"subject": "s", "body": f"n{n}"})
            for n in range(20)
        ]
    )
    ids = {r.json()["comment"]["id"] for r in responses}
    assert len(ids) == 20 and len(ticket.comments) == before + 20


# -- each fault kind over loopback ----------------------------------------------------------------


async def test_drop_after_closes_without_answer(sb, remote):
    ticket = open_ticket(sb)
    sb.faults.add("POST /tickets/*/comment=drop_after*1")
    before = len(ticket.comments)
    with pytest.raises(httpx.RemoteProtocolError):
        await remote.post(f"/tickets/{ticket.id}/comment", json=COMMENT)
    assert len(ticket.comments) == before + 1
    assert (await remote.get("/me")).status_code == 200  # the server carries on


async def test_timeout_after_holds_the_connection(sb, server):
    ticket = open_ticket(sb)
    sb.faults.add("POST /tickets/*/comment=timeout_after:0.5*1")
    before = len(ticket.comments)
    async with httpx.AsyncClient(
        base_url=server.url,
        timeout=httpx.Timeout(2.0, read=0.2),
        headers={"Authorization": DEFAULT_API_KEY},
    ) as http:
        started = time.perf_counter()
        with pytest.raises(httpx.ReadTimeout):
            await http.post(f"/tickets/{ticket.id}/comment", json=COMMENT)
        assert time.perf_counter() - started < 1.0
    assert len(ticket.comments) == before + 1


async def test_timeout_after_ends_with_a_closed_connection_when_held_time_passes(sb, remote):
    sb.faults.add("GET /me=timeout_after:0.1*1")
    with pytest.raises(httpx.RemoteProtocolError):
        await remote.get("/me")


async def test_latency_over_loopback(sb, remote):
    sb.faults.add("GET /users=latency:60")
    started = time.perf_counter()
    assert (await remote.get("/users")).status_code == 200
    assert time.perf_counter() - started >= 0.06


@pytest.mark.parametrize(
    "rule,status,applied",
    [
        ("error_before:503", 503, False),
        ("error_after", 500, True),
        ("rate_limit:1", 429, False),
        ("html:502", 502, False),
        ("malformed", 200, True),
    ],
)
async def test_answering_faults_over_loopback(sb, remote, rule, status, applied):
    ticket = open_ticket(sb)
    sb.faults.add(f"POST /tickets/*/comment={rule}*1")
    before = len(ticket.comments)
    response = await remote.post(f"/tickets/{ticket.id}/comment", json=COMMENT)
    assert response.status_code == status
    assert len(ticket.comments) == before + (1 if applied else 0)
    if rule.startswith("rate_limit"):
        assert response.headers["retry-after"] == "1"
    if rule.startswith("html"):
        assert response.headers["content-type"].startswith("text/html")
    if rule == "malformed":
        with pytest.raises(json.JSONDecodeError):
            response.json()


async def test_real_rate_limit_over_loopback(clock):
    sb = Sandbox(clock=clock, tickets=3, rate_limit=2)
    with sb.serve() as server:
        async with httpx.AsyncClient(
            base_url=server.url, headers={"Authorization": DEFAULT_API_KEY}
        ) as http:
            statuses = [(await http.get("/me")).status_code for _ in range(3)]
            refused = await http.get("/me")
    assert statuses == [200, 200, 429]
    assert refused.headers["retry-after"] == "60"


# -- command line ----------------------------------------------------------------------------------


def test_defaults_are_the_demo_defaults():
    opts = options()
    assert (opts["host"], opts["port"], opts["api_key"], opts["tickets"], opts["seed"]) == (
        "127.0.0.1",
        8765,
        DEFAULT_API_KEY,
        300,
        7,
    )
    default = Sandbox(clock=lambda: 0.0)
    assert default.seed == opts["seed"] and len(default.state.tickets) == opts["tickets"]


def test_unset_flags_mean_the_demo_defaults():
    """A caller's parser may leave flags as None (syncro-tui's does)."""
    import argparse

    given = argparse.Namespace(
        command="sandbox",
        host="127.0.0.1",
        port=9000,
        api_key=None,
        tickets=None,
        seed=None,
        faults="",
        latency_ms=0,
    )
    opts = options(given)
    assert (opts["api_key"], opts["tickets"], opts["seed"], opts["port"]) == (
        DEFAULT_API_KEY,
        300,
        7,
        9000,
    )


def test_demo_labor_products_are_the_labor_products(sb):
    products = sb.state.products
    assert {name: products[pid].name for name, pid in DEMO_LABOR_PRODUCTS.items()} == {
        "remote": "Labor - Remote Business",
        "onsite": "Labor - Onsite Business",
        "emergency": "Labor - Emergency or After Hours Business",
        "project": "Labor - Prepaid Project Labor",
        "internal": "Labor - Internal Labor",
        "travel": "Fee - Travel Time",
    }
    assert sb.state.default_labor_product_id == DEMO_LABOR_PRODUCTS["remote"]


def test_launch_serves_what_the_flags_say_and_the_banner_says_it():
    opts = options(port=0, tickets=12, seed=3, api_key="k", faults="GET /me=html*1")
    sandbox, server = launch(opts)
    try:
        text = banner(opts, sandbox, server)
        response = httpx.get(f"{server.url}/me", headers={"Authorization": "k"})
    finally:
        server.close()
    assert server.url in text and "API key:   k" in text
    assert "tickets=12 seed=3" in text and "GET /me=html*1" in text
    assert len(sandbox.state.tickets) == 12
    assert response.status_code == 500 and "html" in response.headers["content-type"]


def test_data_time_makes_a_restarted_sandbox_serve_the_same_times():
    """Benchmarks restart the sandbox between runs; without --data-time its data is made
    anew relative to now, so every ticket comes back changed (a reload of 10,044 changed
    tickets, not of a queue that is as it was)."""
    made = 1_780_000_000.0

    def times(sandbox: Sandbox) -> dict:
        return {t.id: (t.created_at, t.updated_at) for t in sandbox.state.tickets.values()}

    first = Sandbox(tickets=40, clock=lambda: made + 5)
    later = Sandbox(tickets=40, clock=lambda: made + 3600)
    assert times(first) != times(later)  # the default: placed relative to each start
    opts = options(port=0, tickets=40, data_time=made)
    sandbox, server = launch(opts)
    try:
        text = banner(opts, sandbox, server)
    finally:
        server.close()
    again = Sandbox(tickets=40, data_time=made, clock=lambda: made + 3600)
    assert times(sandbox) == times(again)
    assert f"data_time={made:.0f}" in text


def test_main_refuses_a_bad_fault_spec(capsys):
    assert main(["--port", "0", "--faults", "GET /me=explode"]) == 2
    assert "unknown kind" in capsys.readouterr().err


def test_command_line_serves_logs_redacted_and_stops_on_ctrl_c():
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "syncro_tui.sandbox.server",
            "--port",
            "0",
            "--tickets",
            "10",
            "--api-key",
            "cli-key",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        # Ctrl+C as from a terminal: a child inherits an ignored SIGINT (a test runner's
        # worker may ignore it), and Python then never turns it into KeyboardInterrupt
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    banner = []
    try:
        # The whole banner, line by line: after it nothing more goes to stdout, so no text
        # is left in readline's buffer for communicate() to miss.
        for line in proc.stdout:
            banner.append(line)
            if line.startswith("Press Ctrl+C"):
                break
        url = re.search(r"serving (http://127\.0\.0\.1:\d+/api/v1)", banner[0]).group(1)
        assert httpx.get(f"{url}/me", params={"api_key": "cli-key"}).status_code == 200
        assert httpx.get(f"{url}/me").status_code == 401
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            rest, err = proc.communicate(timeout=20)  # drains both pipes while it stops
        except subprocess.TimeoutExpired:
            proc.kill()
            rest, err = proc.communicate()
    out = "".join(banner) + rest
    assert proc.returncode == 0
    assert "API key:   cli-key" in out and "tickets=10 seed=7" in out
    assert "GET /api/v1/me?api_key=**** -> 200" in err
    assert "GET /api/v1/me -> 401" in err
    assert "cli-key" not in err
