"""Client-side rate limiting: never send more than the budget in any 60 s window.

Syncro allows 180 requests per minute per IP address (fact sheet §6) and documents nothing
about its 429 responses, so the only safe course is never to reach the limit. The limiter keeps
the send times of the last 60 s and lets a request go only when the window has room. Times
are taken when a request is let go; network jitter shifts when the server sees them, one more
reason for the default budget (150) to stay below the server's 180.

Priorities keep the app responsive: background polling (BACKGROUND) may fill only
``background_share`` of the window and detail fetches (DETAIL) a little more, so a user action
(USER) always finds headroom; and whoever waits, a waiting USER request is served before any
waiting lower-priority one (FIFO within a priority).

The limit is per IP, so colleagues on one jump box share it. With ``shared_state`` the window
lives in a small JSON file guarded by ``fcntl.flock``: every process of the user counts every
other process's sends, and a 429 seen by one pauses them all.

Stdlib only: the limiter is built on the start-up path.
"""

from __future__ import annotations

import asyncio
import fcntl
import heapq
import itertools
import json
import logging
import math
import os
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from enum import IntEnum
from pathlib import Path
from typing import TypeVar

__all__ = ["MAX_PAUSE", "MAX_PER_MINUTE", "WINDOW", "Priority", "RateLimiter", "current_priority"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

WINDOW = 60.0
"""Length of the sliding window in seconds."""

MAX_PER_MINUTE = 180
"""Syncro's documented limit per IP; a budget above it would only earn 429s."""

_MIN_WAIT = 0.001
"""Smallest sleep: float rounding can leave a wait of ~0 s that would never advance the clock."""

MAX_PAUSE = 3600.0
"""Longest pause ``penalize`` imposes; also bounds a bogus deadline read from the shared file."""


class Priority(IntEnum):
    """Lower value goes first."""

    USER = 0
    DETAIL = 1
    BACKGROUND = 2


current_priority: ContextVar[Priority] = ContextVar("syncro_priority", default=Priority.USER)
"""Priority of requests made in this context when ``acquire`` is not told one.

The poller sets BACKGROUND in its task, so the client need not pass priorities around.
"""


def _wait(seconds: float) -> float:
    return max(seconds, _MIN_WAIT)


class _LocalWindow:
    """This process's own send times, on the monotonic clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._sends: deque[float] = deque()
        self._paused_until = 0.0

    def now(self) -> float:
        return self._clock()

    def try_take(self, limit: int) -> float | None:
        """Record a send if fewer than ``limit`` are in the window; else the seconds to wait."""
        now = self._clock()
        if self._paused_until > now:
            return _wait(self._paused_until - now)
        sends = self._sends
        while sends and sends[0] <= now - WINDOW:
            sends.popleft()
        if len(sends) < limit:
            sends.append(now)
            return None
        # The window has room once all but limit-1 of its sends have left it.
        return _wait(sends[len(sends) - limit] + WINDOW - now)

    def pause(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def spent(self) -> int:
        cutoff = self._clock() - WINDOW
        return sum(1 for t in self._sends if t > cutoff)

    def paused_until(self) -> float:
        return self._paused_until


class _SharedWindow:
    """Send times of every process of this user, in a JSON file, on the wall clock.

    Processes do not share a monotonic clock, so times here are ``wall_clock()`` seconds. Each
    operation is a read-modify-write under an exclusive ``flock`` on a sibling ``.lock`` file
    (the critical section is a few microseconds, so it blocks the event loop only that long).
    The state file is replaced atomically, so a process killed mid-write leaves the old file.
    A file that cannot be parsed is treated as empty and rewritten.
    """

    def __init__(self, path: Path, wall_clock: Callable[[], float]) -> None:
        self._path = Path(path)
        self._lock_path = self._path.with_name(self._path.name + ".lock")
        self._tmp_path = self._path.with_name(self._path.name + ".tmp")
        self._wall = wall_clock
        self._path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        with _FileLock(self._lock_path):  # an unusable folder fails here, not on a request
            pass

    def now(self) -> float:
        return self._wall()

    def try_take(self, limit: int) -> float | None:
        """As ``_LocalWindow.try_take``, counting every process's sends."""
        with _FileLock(self._lock_path):
            now = self._wall()
            sends, paused = self._read(now)
            wait: float | None = None
            if paused > now:
                wait = _wait(paused - now)
            elif len(sends) < limit:
                sends.append(now)
            else:
                wait = _wait(sends[len(sends) - limit] + WINDOW - now)
            self._write(sends, paused)  # rewritten even without a send: keeps the file pruned
            return wait

    def pause(self, until: float) -> None:
        with _FileLock(self._lock_path):
            sends, paused = self._read(self._wall())
            self._write(sends, max(paused, until))

    def spent(self) -> int:
        with _FileLock(self._lock_path):
            return len(self._read(self._wall())[0])

    def paused_until(self) -> float:
        with _FileLock(self._lock_path):
            return self._read(self._wall())[1]

    def _read(self, now: float) -> tuple[list[float], float]:
        """Sends still inside the window (sorted) and the pause deadline; junk reads as empty."""
        try:
            data = json.loads(self._path.read_bytes())
            raw_sends = data["sends"]
            paused = float(data.get("paused_until", 0.0))
            sends = [float(t) for t in raw_sends]
        except FileNotFoundError:
            return [], 0.0
        except (OSError, ValueError, TypeError, KeyError, AttributeError) as exc:
            log.warning("rate-limit state %s unreadable (%s); starting afresh", self._path, exc)
            return [], 0.0
        if not (math.isfinite(paused) and all(math.isfinite(t) for t in sends)):
            log.warning("rate-limit state %s holds non-finite times; starting afresh", self._path)
            return [], 0.0
        # A time ahead of now (wall clock stepped back) counts as sent now: conservative, and it
        # cannot block sending for longer than one window.
        sends = sorted(min(t, now) for t in sends if t > now - WINDOW)
        return sends, min(paused, now + MAX_PAUSE)

    def _write(self, sends: list[float], paused: float) -> None:
        payload = json.dumps({"sends": sends, "paused_until": paused}, separators=(",", ":"))
        fd = os.open(self._tmp_path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as fh:
            fh.write(payload)
        os.replace(self._tmp_path, self._path)


class _FileLock:
    """Exclusive ``flock`` on a lock file, held for a ``with`` block.

    ``flock`` locks belong to the open file description, so two limiters in one process (as in
    the tests) exclude each other just as two processes do.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._fd = -1

    def __enter__(self) -> None:
        self._fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(self._fd)
            raise

    def __exit__(self, *exc: object) -> None:
        os.close(self._fd)  # closing releases the lock


class RateLimiter:
    """Sliding 60 s window with priorities; see the module docstring.

    ``clock`` and ``sleep`` are injectable so tests can run hours of traffic in virtual time.
    With ``shared_state`` the window is kept in that file on ``wall_clock`` time; ``clock`` then
    only serves to report ``paused_until`` in the caller's time base.

    Use from one event loop.
    """

    def __init__(
        self,
        per_minute: int = 150,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        background_share: float = 0.8,
        shared_state: Path | None = None,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        if not 1 <= per_minute <= MAX_PER_MINUTE:
            raise ValueError(f"per_minute must be between 1 and {MAX_PER_MINUTE}, got {per_minute}")
        if not 0.0 < background_share <= 1.0:
            raise ValueError(f"background_share must be in (0, 1], got {background_share}")
        self.budget = per_minute
        self._clock = clock
        self._sleep = sleep
        background = max(1, math.floor(per_minute * background_share))
        detail = max(background, math.floor(per_minute * (1.0 + background_share) / 2))
        self._limits = {
            Priority.USER: per_minute,
            Priority.DETAIL: detail,
            Priority.BACKGROUND: background,
        }
        self._window: _LocalWindow | _SharedWindow = _LocalWindow(clock)
        if shared_state is not None:
            try:
                self._window = _SharedWindow(shared_state, wall_clock)
            except OSError as exc:
                log.warning("cannot share the rate budget through %s (%s)", shared_state, exc)
        # Waiters as (priority, arrival, wake event); only the head of the heap may send.
        self._waiters: list[tuple[int, int, asyncio.Event]] = []
        self._arrivals = itertools.count()

    async def acquire(self, priority: Priority | None = None) -> None:
        """Wait until a request of ``priority`` (default: ``current_priority``) may be sent.

        Only the best waiter (lowest priority value, then earliest) may take a slot; the others
        sleep on their event until they become the best. A waiter that was overtaken while
        sleeping on a deadline just finds, when it wakes, that it is no longer first: deadlines
        only ever move later (sends leave the window on schedule, pauses only extend), so no one
        needs to be woken early.
        """
        prio = Priority(current_priority.get() if priority is None else priority)
        me = (int(prio), next(self._arrivals), asyncio.Event())
        heapq.heappush(self._waiters, me)
        try:
            while True:
                if self._waiters[0] is me:
                    wait = self._on_window(lambda w: w.try_take(self._limits[prio]))
                    if wait is None:
                        return
                    await self._sleep(wait)
                else:
                    await me[2].wait()
                    me[2].clear()
        finally:
            was_first = self._waiters[0] is me
            self._waiters.remove(me)
            heapq.heapify(self._waiters)
            if was_first and self._waiters:
                self._waiters[0][2].set()

    def penalize(self, seconds: float) -> None:
        """After a 429: nobody (in any process sharing the state) sends for ``seconds``.

        Pauses only ever extend; one is capped at ``MAX_PAUSE``.
        """
        if seconds > 0:
            seconds = min(seconds, MAX_PAUSE)
            self._on_window(lambda w: w.pause(w.now() + seconds))

    def spent_last_minute(self) -> int:
        """Requests sent in the last 60 s (by every sharing process, with shared state)."""
        return self._on_window(lambda w: w.spent())

    def paused_until(self) -> float | None:
        """When a 429 pause ends, on ``clock``'s time base; None when not paused."""
        now, until = self._on_window(lambda w: (w.now(), w.paused_until()))
        if until <= now:
            return None
        return self._clock() + (until - now)

    def _on_window(self, op: Callable[[_LocalWindow | _SharedWindow], _T]) -> _T:
        """Run ``op`` on the window; if the shared file fails (disk full, folder removed),
        carry on with a private window rather than failing every request."""
        try:
            return op(self._window)
        except OSError as exc:
            if isinstance(self._window, _LocalWindow):
                raise
            log.warning("shared rate budget unavailable (%s); counting this process only", exc)
            self._window = _LocalWindow(self._clock)
            return op(self._window)
