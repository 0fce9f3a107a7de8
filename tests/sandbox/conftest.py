"""Fixtures: a sandbox on a frozen clock, an in-process client, a loopback server."""

from __future__ import annotations

import httpx
import pytest

from syncro_tui.sandbox import Sandbox

from .helpers import AUTH, FakeClock, make_client


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def sb(clock) -> Sandbox:
    return Sandbox(clock=clock)


@pytest.fixture
async def client(sb):
    async with make_client(sb) as http:
        yield http


@pytest.fixture
def server(sb):
    with sb.serve("127.0.0.1", 0) as running:
        yield running


@pytest.fixture
async def remote(server):
    """An authenticated httpx client talking to the loopback server."""
    async with httpx.AsyncClient(base_url=server.url, headers=AUTH, timeout=5.0) as http:
        yield http
