"""The office-wide rate budget: one sliding window in Redis for every machine behind one address.

``[budget] redis_url = "redis://host:6379/0"`` makes every syncro-tui process on every machine
count its sends in one sorted set per Syncro account (keys named by the account hash, never
the key or a user). One Lua script does each step atomically on the server: drop sends older
than 60 s, register this process (a random token with its budget; the strictest live budget
applies to all), honour the shared 429 pause, and add the send when its lane has room, or say
how long to wait. Times are the Redis server's clock (``TIME``), so machines whose clocks
disagree still share one window; tests pass a fake clock instead.

Redis is optional (``pip install "syncro-tui[redis]"``), imported only when configured. Any
failure (not installed, refused, timeout, auth, a script error) raises
:class:`BudgetUnavailable`: the limiter warns once and falls back to the machine-wide budget at
a conservative share, and tries Redis again a minute later.
"""

from __future__ import annotations

import asyncio
import itertools
import secrets
import time
from collections.abc import Callable, Sequence
from typing import Any

from syncro_tui.api.ratelimit import (
    MAX_PAUSE,
    WINDOW,
    BudgetUnavailable,
    Priority,
    TierSnapshot,
    _wait,
)

CONNECT_TIMEOUT = 1.0
"""Seconds to reach Redis: a dead server must not stall sends for long."""

ANSWER_TIMEOUT = 2.0
"""Seconds to wait for one answer. Not shorter: on a loaded machine (2 CPUs, three apps) a
0.5 s limit was hit now and then, and each needless fallback spends a private share on top of
what the others spend through Redis."""

PROC_TTL = 90.0
FAILURE_MEMORY = 30.0
"""A failure this recent makes ``snapshot`` report the tier down without asking Redis again."""
SNAPSHOT_AGE = 2.0
"""A cached snapshot older than this is refreshed in the background."""

_SCRIPT = """
local now = tonumber(ARGV[1])
if now < 0 then
  local t = redis.call('TIME')
  now = tonumber(t[1]) + tonumber(t[2]) / 1000000
end
local op, window, token = ARGV[2], tonumber(ARGV[3]), ARGV[4]
local own, ttl, max_pause = tonumber(ARGV[5]), tonumber(ARGV[6]), tonumber(ARGV[7])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
redis.call('HSET', KEYS[3], token, string.format('%.6f %d', now, own))
local eff, procs = own, 0
local all = redis.call('HGETALL', KEYS[3])
for i = 1, #all, 2 do
  local seen, b = string.match(all[i + 1], '^(%S+) (%S+)$')
  seen, b = tonumber(seen), tonumber(b)
  if seen == nil or b == nil or seen <= now - ttl then
    redis.call('HDEL', KEYS[3], all[i])
  else
    procs = procs + 1
    if b >= 1 and b < eff then eff = b end
  end
end
redis.call('PEXPIRE', KEYS[3], math.ceil(ttl * 1000))
local paused = tonumber(redis.call('GET', KEYS[2]) or '0') or 0
if paused > now + max_pause then paused = now + max_pause end
local count = redis.call('ZCARD', KEYS[1])
local result, value = 'ok', 0
if op == 'pause' then
  local secs = math.min(tonumber(ARGV[8]), max_pause)
  if now + secs > paused then
    paused = now + secs
    redis.call('SET', KEYS[2], string.format('%.6f', paused), 'PX', math.ceil(secs * 1000))
  end
elseif op == 'absorb' then
  for i = 9, #ARGV do
    local age = tonumber(ARGV[i])
    if age ~= nil and age >= 0 and age < window then
      redis.call('ZADD', KEYS[1], now - age, ARGV[8] .. ':' .. i)
    end
  end
  redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
  count = redis.call('ZCARD', KEYS[1])
elseif op == 'take' then
  local lane, share, ignore, member = tonumber(ARGV[8]), tonumber(ARGV[9]), ARGV[10], ARGV[11]
  if paused > now and ignore ~= '1' then
    result, value = 'wait', paused - now
  else
    local background = math.max(1, math.floor(eff * share))
    local limit = eff
    if lane == 2 then
      limit = background
    elseif lane == 1 then
      limit = math.max(background, math.floor(eff * (1 + share) / 2))
    end
    if count < limit then
      redis.call('ZADD', KEYS[1], now, member)
      redis.call('PEXPIRE', KEYS[1], math.ceil(window * 1000) + 1000)
      count = count + 1
    else
      local oldest = redis.call('ZRANGE', KEYS[1], count - limit, count - limit, 'WITHSCORES')
      result, value = 'wait', tonumber(oldest[2]) + window - now
    end
  end
end
local left = paused - now
if left < 0 then left = 0 end
return {result, string.format('%.6f', value), count, string.format('%.6f', left), procs, eff}
"""


class RedisWindow:
    """A shared window in Redis; see the module docstring. Use from one event loop."""

    scope = "office"

    def __init__(
        self,
        url: str,
        account: str,
        *,
        clock: Callable[[], float] | None = None,
        client: Any = None,
    ) -> None:
        self._url = url
        self._clock = clock
        self._client = client
        self._script: Any = None
        tag = "{" + account + "}"  # one hash slot: the script's keys stay together on a cluster
        self._keys = [f"syncro-tui:budget:{tag}:{name}" for name in ("sends", "pause", "procs")]
        self._token = secrets.token_hex(4)
        self._seq = itertools.count()
        self._budget = 180
        self._snap: TierSnapshot | None = None
        self._snap_at = -1e18
        self._failure = ""
        self._failed_at = -1e18
        self._background: set[asyncio.Task[Any]] = set()

    def _now(self) -> float:
        return self._clock() if self._clock is not None else -1.0

    def _connect(self) -> Any:
        if self._script is None:
            try:
                import redis.asyncio as aioredis
            except ImportError:
                raise BudgetUnavailable(
                    'the redis package is not installed (pip install "syncro-tui[redis]")'
                ) from None
            if self._client is None:
                self._client = aioredis.Redis.from_url(
                    self._url,
                    socket_connect_timeout=CONNECT_TIMEOUT,
                    socket_timeout=ANSWER_TIMEOUT,
                    retry_on_timeout=False,
                )
            self._script = self._client.register_script(_SCRIPT)
        return self._script

    async def _run(self, op: str, *extra: Any) -> tuple[str, float]:
        script = self._connect()
        args = [self._now(), op, WINDOW, self._token, self._budget, PROC_TTL, MAX_PAUSE, *extra]
        try:
            reply = await script(keys=self._keys, args=args)
        except Exception as exc:  # redis.RedisError, OSError, asyncio.TimeoutError, ...
            self._failure, self._failed_at = _describe(exc), time.monotonic()
            raise BudgetUnavailable(f"Redis at {_safe_url(self._url)}: {self._failure}") from None
        try:
            result, value, count, left, procs, eff = reply
            result = result.decode() if isinstance(result, bytes) else str(result)
            snap = TierSnapshot(
                spent=int(count), paused_for=float(left), processes=int(procs), budget=int(eff)
            )
            value = float(value)
        except (TypeError, ValueError) as exc:
            raise BudgetUnavailable(f"Redis gave an unexpected answer ({exc})") from None
        self._failure = ""
        self._snap, self._snap_at = snap, time.monotonic()
        return result, value

    # -- SharedWindow --------------------------------------------------------------------------

    async def take(
        self, lane: Priority, budget: int, share: float, *, ignore_pause: bool = False
    ) -> float | None:
        self._budget = budget
        member = f"{self._token}:{next(self._seq)}:{int(lane)}"
        result, value = await self._run(
            "take", int(lane), share, "1" if ignore_pause else "0", member
        )
        return None if result == "ok" else _wait(value)

    def pause(self, seconds: float) -> None:
        seconds = min(float(seconds), MAX_PAUSE)
        if self._snap is not None:
            self._snap = TierSnapshot(
                self._snap.spent,
                max(self._snap.paused_for, seconds),
                self._snap.processes,
                self._snap.budget,
            )
        self._spawn(self._run("pause", seconds), always=True)

    async def absorb(self, ages: Sequence[float]) -> None:
        if ages:
            await self._run("absorb", f"{self._token}:a{next(self._seq)}", *ages)

    def snapshot(self) -> TierSnapshot:
        if self._failure and time.monotonic() - self._failed_at < FAILURE_MEMORY:
            raise BudgetUnavailable(f"Redis at {_safe_url(self._url)}: {self._failure}")
        if time.monotonic() - self._snap_at > SNAPSHOT_AGE:
            self._spawn(self._run("snap"))
        if self._snap is None:
            return TierSnapshot(spent=0, paused_for=0.0, processes=1, budget=self._budget)
        return self._snap

    async def refresh(self) -> TierSnapshot:
        """Ask Redis now (tests, and the first header after start)."""
        await self._run("snap")
        assert self._snap is not None
        return self._snap

    def _spawn(self, coro: Any, *, always: bool = False) -> None:
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            coro.close()
            return
        if not always and any(not t.done() for t in self._background):
            coro.close()  # one request in flight is enough
            return
        task = loop.create_task(_quietly(coro))
        self._background.add(task)
        task.add_done_callback(self._background.discard)

    async def aclose(self) -> None:
        for task in list(self._background):
            task.cancel()
        if self._client is not None:
            try:
                await self._client.aclose()
            except Exception:
                pass


async def _quietly(coro: Any) -> None:
    try:
        await coro
    except BudgetUnavailable:
        pass  # remembered in _failure; the next snapshot or take reports it


def _describe(exc: BaseException) -> str:
    text = str(exc).strip()
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _safe_url(url: str) -> str:
    """The Redis URL without a password."""
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}{parts.path}"
