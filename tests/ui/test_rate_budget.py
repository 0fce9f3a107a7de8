"""The header tells the truth about the rate budget, and `r` probes through a 429 pause once."""

from __future__ import annotations

import asyncio

from syncro_tui.api.ratelimit import BudgetStatus, RateLimiter
from syncro_tui.ui.widgets.header import budget_note
from tests.ui.conftest import settle


async def _until(pilot, check, what: str, attempts: int = 500) -> None:
    for _ in range(attempts):
        if check():
            return
        await pilot.pause()
        await asyncio.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


async def test_header_says_rate_limited_while_a_429_pause_holds_requests_back(make_app):
    limiter = RateLimiter(150)
    app = make_app(limiter=limiter)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.header_state().sync.startswith("synced")
        limiter.penalize(120)  # a 429, here or in another process sharing the budget
        app.poll()  # the poll now sits in the limiter: the store says "syncing"
        await pilot.pause()
        assert app.store.sync.phase == "syncing"
        state = app.header_state()
        assert state.sync.startswith("rate limited, waiting 1")  # 120 s or just under
        assert state.sync_level == "warn"


async def test_r_probes_through_a_pause_once_then_waits_again(make_app, sandbox):
    limiter = RateLimiter(150)
    app = make_app(limiter=limiter)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        limiter.penalize(250)
        before = len(sandbox.requests)
        await pilot.press("r")
        await _until(pilot, lambda: len(sandbox.requests) > before, "the probe request")
        for _ in range(20):  # the rest of the reload waits for the pause
            await pilot.pause()
            await asyncio.sleep(0.01)
        assert len(sandbox.requests) == before + 1
        assert app.header_state().sync.startswith("rate limited, waiting")


def test_the_meter_says_how_many_processes_share_the_budget():
    assert budget_note(None) == ""
    assert budget_note(BudgetStatus(spent=3, budget=150)) == ""
    assert budget_note(BudgetStatus(spent=3, budget=150, processes=3)) == "3 sharing"
    degraded = BudgetStatus(spent=3, budget=50, degraded="the shared state file is corrupt")
    assert budget_note(degraded) == "fallback"
