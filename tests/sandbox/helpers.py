"""Small helpers shared by the sandbox tests."""

from __future__ import annotations

import httpx

from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_BASE_URL, Sandbox

T0 = 1_780_000_000.0  # 2026-05-28T20:26:40Z
AUTH = {"Authorization": f"Bearer {DEFAULT_API_KEY}"}


class FakeClock:
    """A clock tests move by hand: ``clock.advance(61)``."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


def make_client(sb: Sandbox, **kwargs) -> httpx.AsyncClient:
    """An authenticated client on the in-process transport."""
    headers = kwargs.pop("headers", AUTH)
    return httpx.AsyncClient(
        transport=sb.transport(), base_url=DEMO_BASE_URL, headers=headers, **kwargs
    )


def open_ticket(sb: Sandbox):
    """An open ticket of the demo data (deterministic for a given seed)."""
    return next(t for t in sb.state.tickets.values() if t.status == "In Progress")
