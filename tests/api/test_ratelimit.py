"""The rate limiter: the budget holds in every 60 s window, priorities, 429 pauses, shared state.

Most tests run in virtual time: ``VirtualTime`` provides the limiter's clock and sleep and only
advances the clock when every task is blocked, so hours of traffic take milliseconds.
"""

from __future__ import annotations

import asyncio
import bisect
import heapq
import itertools
import json
import random
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from syncro_tui.api.ratelimit import Priority, RateLimiter, current_priority

U, D, B = Priority.USER, Priority.DETAIL, Priority.BACKGROUND


class VirtualTime:
    """A clock plus a sleep that waits in virtual time; ``run`` drives the simulation."""

    def __init__(self, start: float = 0.0) -> None:
        self.now = start
        self._timers: list[tuple[float, int, asyncio.Future]] = []
        self._seq = itertools.count()

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        fut = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(seconds, 0.0), next(self._seq), fut))
        await fut

    async def until(self, when: float) -> None:
        await self.sleep(when - self.now)

    async def run(self, *coros):
        """Run the coroutines to completion, jumping the clock to the next timer when idle."""
        tasks = [asyncio.ensure_future(c) for c in coros]
        loop = asyncio.get_running_loop()
        while True:
            # Let every runnable task reach its next wait: yield until nothing else is ready
            # (``_ready`` is CPython's run queue; there is no public way to ask "is it idle?").
            await asyncio.sleep(0)
            while loop._ready:
                await asyncio.sleep(0)
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            while self._timers and self._timers[0][2].done():  # cancelled sleeps
                heapq.heappop(self._timers)
            if not self._timers:
                for t in tasks:
                    t.cancel()
                raise AssertionError("deadlock: tasks wait but no timer is pending")
            when, _, fut = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            fut.set_result(None)


def limiter(vt: VirtualTime, per_minute: int = 150, **kw) -> RateLimiter:
    return RateLimiter(per_minute, clock=vt.clock, sleep=vt.sleep, **kw)


def max_in_any_window(times: list[float]) -> int:
    """Most sends in any half-open 60 s window [s, s + 60) (the worst one starts at a send)."""
    times = sorted(times)
    return max((bisect.bisect_left(times, t + 60.0) - i for i, t in enumerate(times)), default=0)


def window_after_each_send(times: list[float]) -> list[int]:
    """For each send (in the order they happened), the sends in (t - 60, t] up to and including it:
    what the window held right after it went."""
    return [k + 1 - bisect.bisect_right(times, t - 60.0) for k, t in enumerate(times)]


# -- construction ---------------------------------------------------------------------------


@pytest.mark.parametrize("per_minute", [0, -5, 181, 1000])
def test_budget_outside_1_to_180_is_rejected(per_minute):
    with pytest.raises(ValueError):
        RateLimiter(per_minute)


@pytest.mark.parametrize("share", [0.0, -0.1, 1.01])
def test_background_share_outside_0_1_is_rejected(share):
    with pytest.raises(ValueError):
        RateLimiter(100, background_share=share)


def test_budget_is_exposed_and_defaults_to_150():
    assert RateLimiter().budget == 150
    assert RateLimiter(180).budget == 180
    assert RateLimiter(1).budget == 1


def test_default_priority_is_user():
    assert current_priority.get() is Priority.USER


# -- the invariant ----------------------------------------------------------------------------


async def test_no_60s_window_ever_holds_more_than_the_budget_during_a_long_burst():
    vt = VirtualTime()
    lim = limiter(vt, 150)
    rng = random.Random(1234)
    sends: list[tuple[float, Priority]] = []

    async def request(at: float, prio: Priority) -> None:
        await vt.until(at)
        await lim.acquire(prio)
        sends.append((vt.now, prio))

    async def poller(count: int) -> None:  # background loop hammering as fast as it is let
        token = current_priority.set(B)
        try:
            for _ in range(count):
                await lim.acquire()
                sends.append((vt.now, B))
        finally:
            current_priority.reset(token)

    burst = [request(0.0, U) for _ in range(300)]  # a user storm at the start
    spread = [
        request(rng.uniform(0, 900), rng.choice([U, D, D, B])) for _ in range(1200)
    ]  # 15 minutes of mixed traffic
    clumps = [request(float(at), U) for at in (120, 120.5, 300, 301, 302) for _ in range(40)]
    await vt.run(*burst, *spread, *clumps, poller(600), poller(600))

    times = [t for t, _ in sends]
    assert times == sorted(times)
    assert len(sends) == 300 + 1200 + 200 + 1200
    assert max_in_any_window(times) == 150  # the budget is used, and never exceeded
    held = window_after_each_send(times)
    # Lower priorities only ever filled their share of the window.
    assert max(n for n, (_, prio) in zip(held, sends) if prio is B) == 120
    assert max(n for n, (_, prio) in zip(held, sends) if prio is D) == 135


async def test_window_is_exact_at_its_edge():
    vt = VirtualTime(1000.0)
    lim = limiter(vt, 3)
    times = []

    async def one():
        await lim.acquire()
        times.append(vt.now)

    await vt.run(*(one() for _ in range(7)))
    # Three go at once, the next three exactly when the first ones are 60 s old, and so on.
    assert times == [1000.0] * 3 + [1060.0] * 3 + [1120.0]


# -- priorities -------------------------------------------------------------------------------


async def test_waiting_user_requests_go_before_waiting_lower_priorities_fifo_within_each():
    vt = VirtualTime()
    lim = limiter(vt, 10)
    order: list[str] = []

    async def req(name: str, at: float, prio: Priority) -> None:
        await vt.until(at)
        await lim.acquire(prio)
        order.append(name)

    await vt.run(*(lim.acquire(U) for _ in range(10)))  # the window is now full until t=60
    await vt.run(
        req("b1", 1, B),
        req("d1", 2, D),
        req("b2", 3, B),
        req("u1", 4, U),
        req("d2", 5, D),
        req("u2", 6, U),
        req("b3", 7, B),
        req("u3", 8, U),
    )
    assert order == ["u1", "u2", "u3", "d1", "d2", "b1", "b2", "b3"]
    assert vt.now == 60.0


async def test_background_leaves_headroom_for_detail_and_user_requests():
    vt = VirtualTime()
    lim = limiter(vt, 150)  # background may fill 120, detail 135
    sent: dict[str, list[float]] = {"B": [], "D": [], "U": []}

    async def req(kind: str, prio: Priority, at: float = 0.0) -> None:
        await vt.until(at)
        await lim.acquire(prio)
        sent[kind].append(vt.now)

    await vt.run(
        *(req("B", B) for _ in range(200)),
        *(req("D", D, 10.0) for _ in range(20)),
        *(req("U", U, 20.0) for _ in range(20)),
    )
    assert sent["B"].count(0.0) == 120  # background stopped at its share
    assert sent["D"].count(10.0) == 15  # detail took its extra slice at once
    assert sent["U"].count(20.0) == 15  # users got the rest without waiting
    assert min(sent["U"] + sent["D"] + sent["B"][120:]) >= 10.0  # ...the rest waited
    assert max_in_any_window(sent["B"] + sent["D"] + sent["U"]) == 150


async def test_current_priority_applies_when_no_priority_is_given():
    vt = VirtualTime()
    lim = limiter(vt, 10)  # background limit 8
    times = []

    async def background():
        current_priority.set(B)  # task-local: this task's context only
        for _ in range(9):
            await lim.acquire()
            times.append(vt.now)

    await vt.run(background())
    assert times == [0.0] * 8 + [60.0]
    assert current_priority.get() is U


async def test_a_cancelled_waiter_hands_its_turn_on():
    vt = VirtualTime()
    lim = limiter(vt, 1)
    await vt.run(lim.acquire())  # window full until t=60
    head = asyncio.ensure_future(lim.acquire(U))
    got = []

    async def patient():
        await vt.until(1)
        await lim.acquire(B)  # queued behind the USER request
        got.append(vt.now)

    async def give_up_at_5():
        await vt.until(5)
        head.cancel()

    await vt.run(patient(), give_up_at_5())
    assert head.cancelled()
    assert got == [60.0]
    assert lim.spent_last_minute() == 1


# -- 429 pauses -------------------------------------------------------------------------------


async def test_penalize_pauses_every_priority_until_it_ends():
    vt = VirtualTime()
    lim = limiter(vt, 150)
    await vt.run(lim.acquire())
    lim.penalize(30)
    assert lim.paused_until() == 30.0
    times = []

    async def req(prio):
        await lim.acquire(prio)
        times.append(vt.now)

    await vt.run(req(U), req(D), req(B))
    assert times == [30.0, 30.0, 30.0]
    assert lim.paused_until() is None
    assert lim.spent_last_minute() == 4


async def test_penalize_extends_the_wait_of_a_request_already_waiting():
    vt = VirtualTime()
    lim = limiter(vt, 1)
    await vt.run(lim.acquire())  # the next send may go at t=60
    times = []

    async def waiter():
        await lim.acquire()
        times.append(vt.now)

    async def rate_limited_at_10():
        await vt.until(10)
        lim.penalize(100)

    await vt.run(waiter(), rate_limited_at_10())
    assert times == [110.0]


async def test_penalize_never_shortens_a_pause():
    vt = VirtualTime()
    lim = limiter(vt)
    lim.penalize(50)
    lim.penalize(5)
    lim.penalize(0)
    assert lim.paused_until() == 50.0


async def test_spent_last_minute_forgets_old_sends():
    vt = VirtualTime()
    lim = limiter(vt)
    await vt.run(*(lim.acquire() for _ in range(5)))
    await vt.run(vt.until(30))
    await vt.run(*(lim.acquire() for _ in range(2)))
    assert lim.spent_last_minute() == 7
    await vt.run(vt.until(60))
    assert lim.spent_last_minute() == 2
    await vt.run(vt.until(90))
    assert lim.spent_last_minute() == 0


# -- shared state (several processes, one budget) ---------------------------------------------


def shared(vt: VirtualTime, path: Path, per_minute: int = 150, **kw) -> RateLimiter:
    return RateLimiter(
        per_minute, clock=vt.clock, sleep=vt.sleep, wall_clock=vt.clock, shared_state=path, **kw
    )


async def test_two_limiters_on_one_state_file_share_the_budget(tmp_path):
    vt = VirtualTime(1_700_000_000.0)  # wall-clock-like times
    state = tmp_path / "rt" / "budget.json"
    a, b = shared(vt, state, 20), shared(vt, state, 20)
    sends: list[tuple[str, float]] = []

    async def client(name: str, lim: RateLimiter, prio: Priority, n: int):
        for _ in range(n):
            await lim.acquire(prio)
            sends.append((name, vt.now))

    await vt.run(client("a", a, U, 50), client("b", b, B, 50), client("a2", a, D, 20))
    times = [t for _, t in sends]
    assert max_in_any_window(times) == 20
    assert {name for name, _ in sends} == {"a", "b", "a2"}
    assert a.spent_last_minute() == b.spent_last_minute() > 0


async def test_penalize_in_one_process_pauses_the_others(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    a, b = shared(vt, state), shared(vt, state)
    a.penalize(45)
    b.penalize(10)  # a shorter pause elsewhere does not cut the longer one
    assert b.paused_until() == a.paused_until() == pytest.approx(vt.now + 45)
    times = []

    async def req():
        await b.acquire(U)
        times.append(vt.now)

    await vt.run(req())
    assert times == [1_700_000_045.0]


async def test_state_file_stays_small_and_private(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    lim = shared(vt, state, 150)

    async def traffic():
        for _ in range(1000):
            await lim.acquire()
            await vt.sleep(0.5)

    await vt.run(traffic())  # 500 s of sends
    data = json.loads(state.read_text())
    assert len(data["sends"]) == 120  # only the last 60 s of sends at 2 per second
    assert state.stat().st_size < 4096
    assert stat.S_IMODE(state.stat().st_mode) == 0o600


@pytest.mark.parametrize(
    "junk",
    [
        b"\x00\xffnot json at all",
        b"[1, 2, 3]",
        b'{"v": 1, "sends": "soon", "paused_until": 0, "procs": {}}',
        b'{"v": 1, "sends": [[1, "x"]], "paused_until": 0, "procs": {}}',
        b'{"v": 1, "sends": [[NaN, 0]], "paused_until": 0, "procs": {}}',
        b'{"v": 1, "sends": [], "paused_until": null, "procs": {}}',
        b'{"paused_until": 5}',
    ],
)
async def test_a_corrupt_state_file_is_ignored_at_a_safe_share_not_fatal(tmp_path, junk, caplog):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    state.write_bytes(junk)
    lim = shared(vt, state)
    late = asyncio.ensure_future(vt.run(*(lim.acquire() for _ in range(60))))
    await late
    assert vt.now == pytest.approx(1_700_000_060.0)  # 50 at once (the safe share), 10 later
    assert lim.paused_until() is None
    assert "unavailable" in caplog.text


async def test_a_corrupt_state_file_is_left_alone_for_a_window(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    state.write_bytes(b"{not json")
    lim = shared(vt, state)
    await vt.run(*(lim.acquire() for _ in range(50)))
    assert vt.now == 1_700_000_000.0
    assert lim.status().degraded and lim.status().budget == 50
    assert state.read_bytes() == b"{not json"


async def test_a_corrupt_state_file_is_set_right_after_one_window(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    state.write_bytes(b"junk")
    lim = shared(vt, state)
    await vt.run(lim.acquire())
    assert state.read_bytes() == b"junk"
    await vt.run(vt.until(1_700_000_000.0 + 61))
    await vt.run(lim.acquire())  # the tier is tried again, set right, and counts from now on
    data = json.loads(state.read_text())
    # (the private send of t0 has left the window by now)
    assert [t for t, _ in data["sends"]] == [1_700_000_000.0 + 61]
    assert lim.status().degraded == ""


async def test_a_far_future_pause_in_the_state_file_is_not_obeyed(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    state = tmp_path / "budget.json"
    state.write_text(json.dumps({"v": 1, "sends": [], "paused_until": 1e15, "procs": {}}))
    lim = shared(vt, state)
    assert lim.paused_until() is None
    await vt.run(lim.acquire())
    assert vt.now == 1_700_000_000.0
    assert "pause beyond" in lim.status().degraded


async def test_a_429_pause_is_capped_at_five_minutes(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    a, b = shared(vt, tmp_path / "budget.json"), shared(vt, tmp_path / "budget.json")
    a.penalize(999_999)
    assert b.paused_until() == pytest.approx(vt.now + 300)
    times = []

    async def req():
        await b.acquire()
        times.append(vt.now)

    await vt.run(req())
    assert times == [1_700_000_300.0]


async def test_an_explicit_refresh_probes_through_a_pause_once(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    a = shared(vt, tmp_path / "budget.json")
    a.penalize(200)
    a.allow_probe()
    times = []

    async def req():
        await a.acquire(B)
        times.append(vt.now)

    await vt.run(req(), req())
    assert times == [1_700_000_000.0, 1_700_000_200.0]  # one probe, then the pause holds
    assert a.spent_last_minute() == 1


async def test_an_unusable_state_folder_falls_back_to_a_private_budget(tmp_path):
    vt = VirtualTime()
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("")
    lim = shared(vt, blocker / "budget.json", 2)
    await vt.run(lim.acquire(), lim.acquire())
    assert lim.spent_last_minute() == 2


async def test_losing_the_state_folder_later_falls_back_to_a_private_budget(tmp_path):
    vt = VirtualTime(1_700_000_000.0)
    folder = tmp_path / "rt"
    lim = shared(vt, folder / "budget.json", 150)
    await vt.run(lim.acquire())
    for child in folder.iterdir():
        child.unlink()
    folder.rmdir()
    folder.write_text("")  # the folder is now a file: every open below it fails
    await vt.run(lim.acquire())
    # requests still flow, counted by this process's own window (both sends)
    assert lim.spent_last_minute() == 2
    assert lim.status().scope == "process" and lim.status().budget == 50


# -- real processes ---------------------------------------------------------------------------

_CHILD = """
import asyncio, sys
from pathlib import Path
from syncro_tui.api.ratelimit import RateLimiter

async def main(path, per_minute, attempts, patience):
    lim = RateLimiter(per_minute, shared_state=Path(path))
    got = 0
    for _ in range(attempts):
        try:
            await asyncio.wait_for(lim.acquire(), timeout=patience)
        except asyncio.TimeoutError:
            break
        got += 1
    print(got)

asyncio.run(main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])))
"""


def _spawn(state: Path, per_minute: int, attempts: int, patience: float) -> subprocess.Popen:
    args = [str(state), str(per_minute), str(attempts), str(patience)]
    return subprocess.Popen(
        [sys.executable, "-c", _CHILD, *args], stdout=subprocess.PIPE, text=True
    )


def _result(proc: subprocess.Popen) -> int:
    out, _ = proc.communicate(timeout=30)
    assert proc.returncode == 0
    return int(out)


def test_another_process_sees_the_sends_of_the_first(tmp_path):
    state = tmp_path / "runtime" / "budget.json"
    assert _result(_spawn(state, 150, 3, 5.0)) == 3
    here = RateLimiter(150, shared_state=state)
    assert here.spent_last_minute() == 3


def test_concurrent_processes_never_exceed_the_shared_budget(tmp_path):
    state = tmp_path / "budget.json"
    # Three processes want 4 each; the shared budget of 6 per minute lets exactly 6 through
    # (the test ends long before any send leaves the window).
    procs = [_spawn(state, 6, 4, 2.0) for _ in range(3)]
    got = [_result(p) for p in procs]
    assert sum(got) == 6
    assert RateLimiter(6, shared_state=state).spent_last_minute() == 6
