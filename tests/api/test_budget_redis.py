"""The office-wide rate budget in Redis, against a real ``redis-server`` on loopback.

The fixture starts Debian's ``redis-server`` on a free port. Without it the tests are skipped
with the reason (and fail on CI, where ``.ci/run`` installs it: they must never pass unseen).
Virtual time as in test_ratelimit.py; the clock jumps only while no Redis call is in flight.
"""

from __future__ import annotations

import asyncio
import os
import random
import shutil
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest

from syncro_tui.api.budget_machine import MachineWindow, state_file
from syncro_tui.api.budget_redis import RedisWindow
from syncro_tui.api.ratelimit import BudgetUnavailable, Priority, RateLimiter, current_priority
from tests.api.test_ratelimit import VirtualTime, max_in_any_window, window_after_each_send

pytest.importorskip("redis", reason='the redis package is missing: pip install -e ".[test]"')

U, D, B = Priority.USER, Priority.DETAIL, Priority.BACKGROUND
T0 = 1_700_000_000.0
BASE = "https://acme.syncromsp.com/api/v1"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on 127.0.0.1 (no persistence)."""

    def __init__(self, exe: str, port: int | None = None) -> None:
        self.exe = exe
        self.port = port or _free_port()
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> RedisServer:
        self.proc = subprocess.Popen(
            [
                self.exe,
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--protected-mode",
                "yes",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for _ in range(500):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                pass
            if self.proc.poll() is not None:
                break
            time.sleep(0.01)
        self.stop()
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=10)
        self.proc = None


def _redis_exe() -> str:
    exe = shutil.which("redis-server") or (
        "/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else None
    )
    if exe is None:
        reason = "redis-server is not installed (Debian: apt-get install -y redis-server)"
        if os.environ.get("CI"):
            pytest.fail(reason + "; .ci/run should have installed it")
        pytest.skip(reason)
    return exe


@pytest.fixture(scope="module")
def redis_server():
    server = RedisServer(_redis_exe()).start()
    yield server
    server.stop()


class IOVirtualTime(VirtualTime):
    """VirtualTime whose clock waits while a Redis call is on the wire."""

    def __init__(self, start: float) -> None:
        super().__init__(start)
        self.inflight = 0

    def watch(self, window: RedisWindow) -> RedisWindow:
        run = window._run

        async def counted(*args, **kw):
            self.inflight += 1
            try:
                return await run(*args, **kw)
            finally:
                self.inflight -= 1

        window._run = counted  # type: ignore[method-assign]
        return window

    async def run(self, *coros):
        tasks = [asyncio.ensure_future(c) for c in coros]

        async def until_quiet():
            while True:
                await asyncio.sleep(0)
                if self.inflight == 0 and not asyncio.get_running_loop()._ready:
                    return
                if self.inflight:
                    await asyncio.sleep(0.0002)  # real I/O: let it finish

        while True:
            await until_quiet()
            await asyncio.sleep(0)
            await until_quiet()
            if all(t.done() for t in tasks):
                return [t.result() for t in tasks]
            while self._timers and self._timers[0][2].done():
                import heapq

                heapq.heappop(self._timers)
            if not self._timers:
                for t in tasks:
                    t.cancel()
                raise AssertionError("deadlock: tasks wait but no timer is pending")
            import heapq

            when, _, fut = heapq.heappop(self._timers)
            self.now = max(self.now, when)
            fut.set_result(None)


def office(vt: IOVirtualTime, url: str, account: str, per_minute: int = 150, **kw) -> RateLimiter:
    window = vt.watch(RedisWindow(url, account, clock=vt.clock))
    tiers = [window, *kw.pop("more_tiers", [])]
    return RateLimiter(per_minute, clock=vt.clock, sleep=vt.sleep, tiers=tiers, **kw)


def _account() -> str:
    return uuid.uuid4().hex


async def test_two_machines_settings_on_one_redis_never_exceed_the_budget(redis_server):
    """Two machines, one at the default 150 and one set to 180, share one Redis window: never
    more than 150 (the strictest live budget) in any 60 s window of a long mixed burst, and
    background polling together never more than its share."""
    vt = IOVirtualTime(T0)
    account = _account()
    here = office(vt, redis_server.url, account, 150)
    there = office(vt, redis_server.url, account, 180)
    await vt.run(here._tiers[0].refresh(), there._tiers[0].refresh())  # both registered
    rng = random.Random(7)
    sends: list[tuple[float, Priority]] = []

    async def request(lim: RateLimiter, at: float, prio: Priority) -> None:
        await vt.until(at)
        await lim.acquire(prio)
        sends.append((vt.now, prio))

    async def poller(lim: RateLimiter, count: int) -> None:
        current_priority.set(B)
        for _ in range(count):
            await lim.acquire()
            sends.append((vt.now, B))

    traffic = [
        request(rng.choice([here, there]), T0 + rng.uniform(0, 600), rng.choice([U, D, B]))
        for _ in range(600)
    ]
    storm = [request(there, T0 + 2, U) for _ in range(160)]
    await vt.run(*traffic, *storm, poller(here, 300), poller(there, 300))
    assert len(sends) == 600 + 160 + 600
    ordered = sorted(sends)
    times = [t for t, _ in ordered]
    assert max_in_any_window(times) == 150
    held = window_after_each_send(times)
    assert max(n for n, (_, prio) in zip(held, ordered) if prio is B) <= 120
    assert here.status().scope == "office" and here.status().processes == 2


async def test_a_429_on_one_machine_pauses_the_other_capped_at_five_minutes(redis_server):
    vt = IOVirtualTime(T0)
    account = _account()
    here, there = office(vt, redis_server.url, account), office(vt, redis_server.url, account)
    await vt.run(here._tiers[0].refresh())
    here.penalize(999_999)
    await vt.run(asyncio.sleep(0))  # the pause goes to Redis in the background
    await vt.run(there._tiers[0].refresh())
    assert there.paused_until() == pytest.approx(T0 + 300)
    times = []

    async def req():
        await there.acquire(U)
        times.append(vt.now)

    await vt.run(req())
    assert times == [pytest.approx(T0 + 300)]


async def test_redis_down_warns_once_falls_back_to_the_machine_budget_and_comes_back(
    tmp_path, caplog
):
    server = RedisServer(_redis_exe()).start()
    try:
        vt = IOVirtualTime(T0)
        machine = MachineWindow(state_file(tmp_path / "shared", BASE), wall_clock=vt.clock)
        lim = office(vt, server.url, _account(), 150, more_tiers=[machine])
        await vt.run(lim.acquire())
        assert lim.status().scope == "office"
        server.stop()
        await vt.run(*(lim.acquire() for _ in range(49)))  # the conservative share: 50 ...
        status = lim.status()
        assert status.scope == "machine" and status.budget == 50 and status.degraded
        assert vt.now == T0
        warnings = [r for r in caplog.records if "office rate budget unavailable" in r.message]
        assert len(warnings) == 1
        sent = []

        async def one():
            await lim.acquire()
            sent.append(vt.now)

        await vt.run(one())  # ... counting the send made through Redis: the 51st waits
        assert sent[0] >= T0 + 60
        server.start()  # the same port again
        await vt.run(vt.until(T0 + 200))
        await vt.run(lim.acquire(), lim.acquire())
        assert lim.status().scope == "office" and lim.status().degraded == ""
        assert len([r for r in caplog.records if "unavailable" in r.message]) == 1

    finally:
        server.stop()


async def test_processes_that_fell_back_together_spend_the_safe_share_machine_wide(tmp_path):
    vt = IOVirtualTime(T0)
    url = f"redis://127.0.0.1:{_free_port()}/0"  # Redis unreachable for everyone
    folder = tmp_path / "shared"
    limiters = [
        office(
            vt,
            url,
            "acct",
            more_tiers=[MachineWindow(state_file(folder, BASE), wall_clock=vt.clock)],
        )
        for _ in range(3)
    ]
    sent = []

    async def busy(lim):
        for _ in range(40):
            await lim.acquire()
            sent.append(vt.now)

    await vt.run(*(busy(lim) for lim in limiters))
    assert max_in_any_window(sent) == 50  # 50 for the machine, not 50 each


async def test_redis_unreachable_from_the_start_never_stalls(tmp_path):
    vt = IOVirtualTime(T0)
    url = f"redis://127.0.0.1:{_free_port()}/0"  # nothing listens there
    machine = MachineWindow(state_file(tmp_path / "shared", BASE), wall_clock=vt.clock)
    lim = office(vt, url, _account(), more_tiers=[machine])
    await vt.run(*(lim.acquire() for _ in range(10)))
    assert vt.now == T0 and lim.status().scope == "machine"
    assert "127.0.0.1" in lim.status().degraded


async def test_without_the_redis_package_the_tier_says_how_to_install_it(monkeypatch):
    import sys

    monkeypatch.setitem(sys.modules, "redis.asyncio", None)
    window = RedisWindow("redis://127.0.0.1:1/0", _account())
    with pytest.raises(BudgetUnavailable, match=r"syncro-tui\[redis\]"):
        await window.take(U, 150, 0.8)


def test_the_redis_keys_name_the_account_hash_only():
    window = RedisWindow("redis://:secret@host:6379/0", "abc123")
    assert all(key.startswith("syncro-tui:budget:{abc123}:") for key in window._keys)
    from syncro_tui.api.budget_redis import _safe_url

    assert "secret" not in _safe_url("redis://:secret@host:6379/0")


def test_the_fixture_server_is_real(redis_server):
    assert Path(redis_server.exe).name == "redis-server" and redis_server.proc is not None
