"""Client-side rate limiting: never send more than the budget in any 60 s window.

Syncro allows 180 requests per minute per IP address (fact sheet §6) and documents nothing
about its 429 responses, so the only safe course is never to reach the limit. The limiter keeps
the send times of the last 60 s and lets a request go only when the window has room. Times
are taken when a request is let go; network jitter shifts when the server sees them, one more
reason for the default budget (150) to stay below the server's 180.

Priorities keep the app responsive: background polling (BACKGROUND) may fill only
``background_share`` of the window and detail fetches (DETAIL) a little more, so a user action
(USER) always finds headroom; and whoever waits, a waiting USER request is served before any
waiting lower-priority one (FIFO within a priority). The lane limits are counted over every
send in the window, so they hold across processes too: background polling of all users
together never takes more than its share, and a user action of anyone finds headroom.

The limit is per IP, so colleagues on one jump box (and an office behind one address) share
it. The window then lives in a *shared tier* (a :class:`SharedWindow`):

* ``budget_machine.MachineWindow``: a small file in a shared folder, for every process of every
  user on the machine (or, in ``scope = "user"``, in the user's runtime folder);
* ``budget_redis.RedisWindow``: a Redis server, for every machine of an office.

Tiers are tried best first; one that fails (Redis down, a hostile or unwritable state file)
is warned about once, skipped for ``RETRY_SECONDS`` and the next one serves, at the
conservative ``fallback_per_minute``. Whatever the tiers say, each process also keeps its own
window (``_LocalWindow``) and never sends more than its own budget in any 60 s: a shared file
that another user erased cannot make one process overspend.

A 429 pauses every process sharing the tier until its Retry-After, capped at ``MAX_PAUSE``
(a hostile or broken server cannot stop the app, or its restarts, for longer). An explicit
refresh may ``allow_probe``: the next request goes through a pause once.

Stdlib only: the limiter is built on the start-up path.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import logging
import math
import time
from collections import deque
from collections.abc import Awaitable, Callable, Sequence
from contextvars import ContextVar
from dataclasses import dataclass
from enum import IntEnum
from pathlib import Path
from typing import Protocol

__all__ = [
    "MAX_PAUSE",
    "MAX_PER_MINUTE",
    "WINDOW",
    "BudgetStatus",
    "BudgetUnavailable",
    "Priority",
    "RateLimiter",
    "SharedWindow",
    "current_priority",
    "lane_limit",
]

log = logging.getLogger(__name__)

WINDOW = 60.0
"""Length of the sliding window in seconds."""

MAX_PER_MINUTE = 180
"""Syncro's documented limit per IP; a budget above it would only earn 429s."""

_MIN_WAIT = 0.001
"""Smallest sleep: float rounding can leave a wait of ~0 s that would never advance the clock."""

MAX_PAUSE = 300.0
"""Longest pause a 429 (its Retry-After) can impose, here and in every shared tier."""

RETRY_SECONDS = 60.0
"""A shared tier that failed is tried again after this long."""

FALLBACK_PER_MINUTE = 50
"""Budget while a shared tier is unusable: a third of the usual 150, so three processes that
all fell back still stay inside it."""


class Priority(IntEnum):
    """Lower value goes first."""

    USER = 0
    DETAIL = 1
    BACKGROUND = 2


current_priority: ContextVar[Priority] = ContextVar("syncro_priority", default=Priority.USER)
"""Priority of requests made in this context when ``acquire`` is not told one.

The poller sets BACKGROUND in its task, so the client need not pass priorities around.
"""


def lane_limit(budget: int, lane: Priority, background_share: float) -> int:
    """How full the window may be for a request of ``lane`` to go."""
    background = max(1, math.floor(budget * background_share))
    if lane == Priority.BACKGROUND:
        return background
    if lane == Priority.DETAIL:
        return max(background, math.floor(budget * (1.0 + background_share) / 2))
    return budget


def _wait(seconds: float) -> float:
    return max(seconds, _MIN_WAIT)


class BudgetUnavailable(Exception):
    """A shared tier cannot be used now (the message is safe to log: no key, no user data)."""


@dataclass(frozen=True)
class TierSnapshot:
    spent: int
    paused_for: float  # seconds left, 0 when not paused
    processes: int  # live processes sharing the tier (this one included)
    budget: int  # the budget the tier applies (the strictest of its processes)


@dataclass(frozen=True)
class BudgetStatus:
    """What the header shows."""

    spent: int
    budget: int
    processes: int = 1
    paused_for: float = 0.0
    scope: str = "process"  # office | machine | user | process
    degraded: str = ""  # why a shared tier is not used ("" when all is well)


class SharedWindow(Protocol):
    """A window shared by several processes. Every method may raise BudgetUnavailable."""

    scope: str

    async def take(
        self, lane: Priority, budget: int, share: float, *, ignore_pause: bool = False
    ) -> float | None:
        """Record a send if the window has room for ``lane``; else the seconds to wait."""

    def pause(self, seconds: float) -> None:
        """Nobody sharing the tier sends for ``seconds`` (pauses only ever extend).

        Synchronous: a tier that must talk to a server sends it in the background."""

    async def absorb(self, ages: Sequence[float]) -> None:
        """Count sends this process made ``ages`` seconds ago while it could not reach the tier."""

    def snapshot(self) -> TierSnapshot: ...


class _LocalWindow:
    """This process's own send times, on the monotonic clock."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._sends: deque[float] = deque()
        self._paused_until = 0.0

    def now(self) -> float:
        return self._clock()

    def _prune(self, now: float) -> None:
        while self._sends and self._sends[0] <= now - WINDOW:
            self._sends.popleft()

    def wait(self, limit: int, *, ignore_pause: bool = False) -> float | None:
        """None if a send may go now (fewer than ``limit`` in the window); else seconds to wait."""
        now = self._clock()
        if self._paused_until > now and not ignore_pause:
            return _wait(self._paused_until - now)
        self._prune(now)
        sends = self._sends
        if len(sends) < limit:
            return None
        # The window has room once all but limit-1 of its sends have left it.
        return _wait(sends[len(sends) - limit] + WINDOW - now)

    def record(self) -> None:
        self._sends.append(self._clock())

    def try_take(self, limit: int) -> float | None:
        wait = self.wait(limit)
        if wait is None:
            self.record()
        return wait

    def pause(self, until: float) -> None:
        self._paused_until = max(self._paused_until, until)

    def spent(self) -> int:
        self._prune(self._clock())
        return len(self._sends)

    def ages(self) -> list[float]:
        now = self._clock()
        self._prune(now)
        return [now - t for t in self._sends]

    def paused_for(self) -> float:
        return max(0.0, self._paused_until - self._clock())


class RateLimiter:
    """Sliding 60 s window with priorities; see the module docstring.

    ``clock`` and ``sleep`` are injectable so tests can run hours of traffic in virtual time.
    ``tiers`` are shared windows, best first. ``shared_state`` (a path) is a shortcut for one
    private ``MachineWindow`` on that file, on ``wall_clock`` time (today's per-user budget).

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
        tiers: Sequence[SharedWindow] = (),
        fallback_per_minute: int = FALLBACK_PER_MINUTE,
    ) -> None:
        if not 1 <= per_minute <= MAX_PER_MINUTE:
            raise ValueError(f"per_minute must be between 1 and {MAX_PER_MINUTE}, got {per_minute}")
        if not 0.0 < background_share <= 1.0:
            raise ValueError(f"background_share must be in (0, 1], got {background_share}")
        self.budget = per_minute
        self.background_share = background_share
        self.fallback_per_minute = max(1, min(fallback_per_minute, per_minute))
        self._clock = clock
        self._sleep = sleep
        self._own = _LocalWindow(clock)
        tiers = list(tiers)
        if shared_state is not None:
            from syncro_tui.api.budget_machine import MachineWindow

            tiers.append(MachineWindow(Path(shared_state), shared=False, wall_clock=wall_clock))
        self._tiers: list[SharedWindow] = tiers
        self._down_until = [-math.inf] * len(tiers)  # on ``clock``; -inf: never failed
        self._down_reason = [""] * len(tiers)
        self._probe = False
        # Waiters as (priority, arrival, wake event); only the head of the heap may send.
        self._waiters: list[tuple[int, int, asyncio.Event]] = []
        self._arrivals = itertools.count()

    # -- tiers ---------------------------------------------------------------------------------

    def _active(self) -> int:
        """Index of the best tier not known to be down; -1 for none."""
        now = self._clock()
        for i, until in enumerate(self._down_until):
            if until <= now:
                return i
        return -1

    def _budget_for(self, tier: int) -> int:
        """Tier 0 (or no tiers at all) spends the full budget; any fallback a safe share."""
        return self.budget if tier == 0 or not self._tiers else self.fallback_per_minute

    def _tier_down(self, i: int, exc: BaseException) -> None:
        reason = str(exc) or type(exc).__name__
        if not self._down_reason[i]:  # warn once per outage, not on every retry
            nxt = self._tiers[i + 1].scope if i + 1 < len(self._tiers) else "this process only"
            log.warning(
                "%s rate budget unavailable (%s); using %s at %d requests per minute",
                self._tiers[i].scope,
                reason,
                nxt,
                self.fallback_per_minute,
            )
        self._down_reason[i] = reason
        self._down_until[i] = self._clock() + RETRY_SECONDS

    def _tier_up(self, i: int) -> None:
        if self._down_reason[i]:
            log.warning("%s rate budget available again", self._tiers[i].scope)
        self._down_until[i] = -math.inf
        self._down_reason[i] = ""

    async def _try(self, prio: Priority) -> float | None:
        """One attempt to send: None when it may go (and is counted), else seconds to wait."""
        ignore_pause = self._probe
        active = self._active()
        wait = self._own.wait(
            lane_limit(self._budget_for(active), prio, self.background_share),
            ignore_pause=ignore_pause,
        )
        if wait is not None:
            return wait
        if active >= 0:
            tier = self._tiers[active]
            rejoining = self._down_until[active] != -math.inf
            try:
                if rejoining:  # first count what this process sent while the tier was down
                    await tier.absorb(self._own.ages())
                wait = await tier.take(
                    prio,
                    self._budget_for(active),  # a fallback tier spends only the safe share
                    self.background_share,
                    ignore_pause=ignore_pause,
                )
            except (BudgetUnavailable, OSError) as exc:
                self._tier_down(active, exc)
                return await self._try(prio)  # at once with the next tier (or privately)
            if rejoining:
                self._tier_up(active)
            if wait is not None:
                return wait
        self._own.record()
        self._probe = False
        return None

    # -- public --------------------------------------------------------------------------------

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
                    wait = await self._try(prio)
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
        """After a 429: nobody (in any process sharing the tier) sends for ``seconds``.

        Pauses only ever extend; one is capped at ``MAX_PAUSE``.
        """
        if not seconds > 0:
            return
        seconds = min(float(seconds), MAX_PAUSE)
        self._own.pause(self._clock() + seconds)
        self._probe = False
        active = self._active()
        if active >= 0:
            try:
                self._tiers[active].pause(seconds)
            except (BudgetUnavailable, OSError) as exc:
                self._tier_down(active, exc)

    def allow_probe(self) -> None:
        """An explicit refresh: the next request may go through a 429 pause, once.

        It still counts against the window, so a probe can never exceed the budget.
        """
        self._probe = True

    def _snapshot(self) -> tuple[int, TierSnapshot | None]:
        active = self._active()
        if active < 0:
            return active, None
        try:
            return active, self._tiers[active].snapshot()
        except (BudgetUnavailable, OSError) as exc:
            self._tier_down(active, exc)
            return self._snapshot()

    def status(self) -> BudgetStatus:
        active, snap = self._snapshot()
        own_pause = self._own.paused_for()
        degraded = next((r for r in self._down_reason if r), "")
        if snap is None:
            return BudgetStatus(
                spent=self._own.spent(),
                budget=self._budget_for(active),
                paused_for=own_pause,
                scope="process",
                degraded=degraded,
            )
        return BudgetStatus(
            spent=snap.spent,
            budget=min(snap.budget, self._budget_for(active)),
            processes=snap.processes,
            paused_for=max(own_pause, snap.paused_for),
            scope=self._tiers[active].scope,
            degraded=degraded,
        )

    def spent_last_minute(self) -> int:
        """Requests sent in the last 60 s (by every process sharing the tier in use)."""
        return self.status().spent

    def paused_until(self) -> float | None:
        """When a 429 pause ends, on ``clock``'s time base; None when not paused."""
        left = self.status().paused_for
        return self._clock() + left if left > 0 else None

    def waiting(self) -> int:
        """Requests of this process waiting for the budget right now."""
        return len(self._waiters)
