"""The app's one source of truth: tickets, details, account data, sync state, running timer.

A plain observable object: the poller and workers write to it on the UI's event loop, widgets
subscribe to a topic and redraw what changed. It is mutated only on that loop, so it needs no
locks. Because the open queue may hold 10,000 tickets, an update costs work in proportion to
what changed (only a full reconcile looks at every row).

Stdlib only: the store is filled from the cache before the first paint.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter
from types import MappingProxyType
from typing import Any

from syncro_tui.core.rows import TicketRow

__all__ = ["PHASES", "TOPICS", "Account", "Store", "SyncState", "TicketDiff"]

TOPICS = ("tickets", "detail", "account", "sync", "timer")
"""What a subscriber can listen to. Callbacks get one argument: a ``TicketDiff``, a ticket id,
the ``Account``, the ``SyncState``, or the running timer (None when stopped)."""

PHASES = ("idle", "syncing", "offline", "rate_limited", "auth_failed", "cached")

_REBUILD_ORDER_ABOVE = 64
"""Re-sort the order from scratch when more rows than this moved (bisecting each would cost
more than one sort once a full load lands)."""


@dataclass(frozen=True, slots=True)
class TicketDiff:
    """What an update changed, by ticket id. ``marked``: rows whose "unseen" mark changed."""

    added: tuple[int, ...] = ()
    changed: tuple[int, ...] = ()
    removed: tuple[int, ...] = ()
    marked: tuple[int, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.added or self.changed or self.removed or self.marked)


@dataclass(frozen=True, slots=True)
class SyncState:
    """What the header says about freshness. Times are wall-clock (``time.time()``) seconds.

    The cache's save time is kept rather than its age so the header can tick the age along
    without the store changing every second.
    """

    phase: str = "idle"
    last_synced: float | None = None
    retry_at: float | None = None  # when the next attempt is due (offline, rate limited)
    message: str = ""
    from_cache: bool = False  # the rows shown come from the cache and are not refreshed yet
    cached_at: float | None = None  # when the cache shown was saved

    def cache_age(self, now: float) -> float | None:
        return None if self.cached_at is None else max(0.0, now - self.cached_at)


@dataclass(frozen=True, slots=True)
class Account:
    """Account data the forms and filters need, held read-only (tuples and mapping proxies) so
    that only ``Store.set_account`` changes it."""

    me: Any = None
    statuses: tuple[str, ...] = ()
    priorities: tuple[str, ...] = ()
    problem_types: tuple[str, ...] = ()
    users: Mapping[int, str] = field(default_factory=lambda: MappingProxyType({}))  # id -> name
    labor_products: Mapping[Any, Any] = field(default_factory=lambda: MappingProxyType({}))
    time_zone: str = ""  # the account's zone from GET /settings (locale.time_zone)
    time_offset: str = ""  # and its offset there ("-08:00"), the fallback


def _frozen(name: str, value: Any) -> Any:
    """A read-only copy of an ``Account`` field's value."""
    if name in ("users", "labor_products"):
        return MappingProxyType(dict(value))
    if name in ("time_zone", "time_offset"):
        return str(value or "")
    return value if name == "me" else tuple(value)


def _order_key(row: TicketRow) -> tuple[float, int]:
    """Ascending order of this key is newest activity first; the newer ticket breaks ties."""
    return (-row.updated_ts, -row.id)


_row_id = attrgetter("id")


def _is_stale(new: TicketRow, old: TicketRow) -> bool:
    """An older snapshot of a row than the one held (a poll that raced a write, say)."""
    return bool(new.updated_ts and old.updated_ts) and new.updated_ts < old.updated_ts


class Store:
    """Observable state; see the module docstring. Mutate only from the UI's event loop."""

    def __init__(self, *, max_details: int = 200) -> None:
        self._tickets: dict[int, TicketRow] = {}
        self._seen: dict[int, str] = {}  # id -> updated_at when the technician last saw it
        self._unseen: set[int] = set()  # rows new or changed since seen, kept up to date
        self._details: dict[int, tuple[str, Any]] = {}  # id -> (updated_at, detail), oldest first
        self._max_details = max_details
        self._ordered: list[TicketRow] = []  # the rows, sorted by ``_order_key``
        self._order: tuple[int, ...] | None = ()  # cached ids in display order; None when stale
        self._subscribers: dict[str, list[Callable[[Any], object]]] = {t: [] for t in TOPICS}
        self.tickets = MappingProxyType(self._tickets)
        self.seen = MappingProxyType(self._seen)
        self.account = Account()
        self.sync = SyncState()
        self.timer: Any = None
        self.pending = 0
        """Open tickets that follow the rows held, in order, but are not loaded yet: a warm
        start paints from part of its cache and loads the rest right after (``SyncroApp``).
        The list counts them and scrolls over them; no key reaches the list before they are
        in. Set by ``apply_tickets``."""

    # -- subscriptions ------------------------------------------------------------------------

    def subscribe(self, topic: str, callback: Callable[[Any], object]) -> Callable[[], None]:
        """Call ``callback(payload)`` on every change of ``topic``; returns the unsubscriber."""
        if topic not in self._subscribers:
            raise ValueError(f"unknown topic {topic!r}; expected one of {TOPICS}")
        callbacks = self._subscribers[topic]
        callbacks.append(callback)

        def unsubscribe() -> None:
            if callback in callbacks:
                callbacks.remove(callback)

        return unsubscribe

    def _notify(self, topic: str, payload: Any) -> None:
        """Call every subscriber, even if one raises; then re-raise the first error."""
        error: BaseException | None = None
        for callback in tuple(self._subscribers[topic]):
            try:
                callback(payload)
            except Exception as exc:  # noqa: BLE001 - re-raised below
                error = error or exc
        if error is not None:
            raise error

    # -- tickets ------------------------------------------------------------------------------

    def apply_tickets(
        self,
        rows: Iterable[TicketRow],
        *,
        full: bool,
        closed_statuses: Collection[str] = (),
        pending: int = 0,
    ) -> TicketDiff:
        """Merge rows from the API and notify "tickets" once if anything changed.

        ``full=True``: ``rows`` is the whole open queue, so any row missing from it was closed
        (or deleted) elsewhere and is removed. ``full=False``: an incremental batch, upserted by
        id. Either way rows are de-duplicated by id (the newest ``updated_ts`` wins), a row whose
        status is in ``closed_statuses`` (case-insensitive) is removed, and a row older than the
        one held is ignored. ``pending``: see ``Store.pending``.
        """
        closed = {status.casefold() for status in closed_statuses}
        incoming: dict[int, TicketRow] = {}
        for row in rows:
            seen_before = incoming.get(row.id)
            if seen_before is None or row.updated_ts >= seen_before.updated_ts:
                incoming[row.id] = row

        added: list[int] = []
        changed: list[int] = []
        removed: list[int] = []
        for ticket_id, row in incoming.items():
            old = self._tickets.get(ticket_id)
            if old is not None and _is_stale(row, old):
                continue
            if row.status.casefold() in closed:
                if old is not None:
                    removed.append(ticket_id)
            elif old is None:
                added.append(ticket_id)
            elif row != old:
                changed.append(ticket_id)
        if full:
            removed.extend(ticket_id for ticket_id in self._tickets if ticket_id not in incoming)

        diff = TicketDiff(tuple(added), tuple(changed), tuple(removed))
        counted = pending != self.pending
        self.pending = pending
        if diff:
            self._merge(diff, incoming)
        if diff or counted:
            self._notify("tickets", diff)
        return diff

    def _merge(self, diff: TicketDiff, incoming: dict[int, TicketRow]) -> None:
        moved_out: list[TicketRow] = []  # rows whose order key leaves the order
        moved_in: list[TicketRow] = []
        replaced: list[TicketRow] = []  # changed rows whose order key stays
        for ticket_id in diff.removed:
            moved_out.append(self._tickets.pop(ticket_id))
            self._seen.pop(ticket_id, None)
            self._unseen.discard(ticket_id)
            self._details.pop(ticket_id, None)
        for ticket_id in diff.added:
            self._tickets[ticket_id] = incoming[ticket_id]
            self._update_unseen(ticket_id)
            moved_in.append(incoming[ticket_id])
        for ticket_id in diff.changed:
            old, new = self._tickets[ticket_id], incoming[ticket_id]
            self._tickets[ticket_id] = new
            self._update_unseen(ticket_id)
            if new.updated_ts != old.updated_ts:
                moved_out.append(old)
                moved_in.append(new)
            else:
                replaced.append(new)
            cached = self._details.get(ticket_id)
            if cached is not None and cached[0] != new.updated_at:
                del self._details[ticket_id]  # stale; a detail fetched for the new state stays
        ordered = self._ordered
        if len(moved_out) + len(moved_in) > _REBUILD_ORDER_ABOVE:
            ordered[:] = sorted(self._tickets.values(), key=_order_key)
            self._order = None
            return
        for row in replaced:  # the same place; the list holds no row the store let go
            ordered[bisect.bisect_left(ordered, _order_key(row), key=_order_key)] = row
        if not (moved_out or moved_in):
            return
        self._order = None
        for row in moved_out:
            del ordered[bisect.bisect_left(ordered, _order_key(row), key=_order_key)]
        for row in moved_in:
            bisect.insort(ordered, row, key=_order_key)

    def forget(self, ticket_id: int) -> bool:
        """Drop a ticket Syncro no longer has (a GET said 404); notify "tickets"."""
        if ticket_id not in self._tickets:
            return False
        diff = TicketDiff(removed=(ticket_id,))
        self._merge(diff, {})
        self._notify("tickets", diff)
        return True

    def ordered_ids(self) -> tuple[int, ...]:
        """Ticket ids, newest activity first (recomputed only after the order changed)."""
        if self._order is None:
            self._order = tuple(map(_row_id, self._ordered))  # the rows' own int objects
        return self._order

    # -- seen marks ---------------------------------------------------------------------------

    def unseen(self, ticket_id: int) -> bool:
        """True for a row that is new or has changed since the technician last saw it."""
        return ticket_id in self._unseen

    def unseen_ids(self) -> frozenset[int]:
        """Every unseen row (cheap: the set is kept up to date, not recomputed)."""
        return frozenset(self._unseen)

    def mark_seen(self, ticket_id: int) -> None:
        """The technician has seen this row as it is now."""
        self._mark([ticket_id])

    def mark_all_seen(self) -> None:
        """Everything shown counts as seen (the very first load: nothing is news yet)."""
        self._mark(list(self._unseen))

    def load_seen(self, seen: Mapping[int, str]) -> None:
        """Replace the seen map with one loaded from the cache."""
        before = set(self._unseen)
        self._seen.clear()
        self._seen.update(seen)
        for ticket_id in self._tickets:
            self._update_unseen(ticket_id)
        if before != self._unseen:
            self._notify("tickets", TicketDiff(marked=tuple(sorted(before ^ self._unseen))))

    def _mark(self, ids: list[int]) -> None:
        marked = []
        for ticket_id in ids:
            if ticket_id in self._unseen:
                self._seen[ticket_id] = self._tickets[ticket_id].updated_at
                self._unseen.discard(ticket_id)
                marked.append(ticket_id)
        if marked:
            self._notify("tickets", TicketDiff(marked=tuple(sorted(marked))))

    def _update_unseen(self, ticket_id: int) -> None:
        updated_at = self._tickets[ticket_id].updated_at
        seen = self._seen.get(ticket_id)
        if seen == updated_at:
            if seen is not updated_at:  # read from the cache: one string for both, not two
                self._seen[ticket_id] = updated_at
            self._unseen.discard(ticket_id)
        else:
            self._unseen.add(ticket_id)

    # -- details ------------------------------------------------------------------------------

    def set_detail(self, ticket_id: int, detail: Any, updated_at: str) -> None:
        """Cache a ticket's detail, fetched when the ticket's updated_at was ``updated_at``.

        If that is newer than the row held, the caller should upsert the row too (the detail
        carries every row field), or ``detail_for`` will not return the detail until it agrees.
        Only the ``max_details`` most recently fetched are kept.
        """
        self._details.pop(ticket_id, None)
        self._details[ticket_id] = (updated_at, detail)
        while len(self._details) > self._max_details:
            del self._details[next(iter(self._details))]
        self._notify("detail", ticket_id)

    def detail_for(self, ticket_id: int) -> Any:
        """The cached detail if it is current: fetched for the row's updated_at (or there is no
        row to compare with, as for a closed ticket opened by number). None otherwise."""
        cached = self._details.get(ticket_id)
        if cached is None:
            return None
        row = self._tickets.get(ticket_id)
        if row is not None and row.updated_at != cached[0]:
            return None
        return cached[1]

    # -- account, sync, timer -----------------------------------------------------------------

    def set_account(self, **changes: Any) -> None:
        """Update some ``Account`` fields (stored as tuples and read-only mappings)."""
        account = replace(self.account, **{k: _frozen(k, v) for k, v in changes.items()})
        if account != self.account:
            self.account = account
            self._notify("account", account)

    @property
    def me(self) -> Any:
        return self.account.me

    @property
    def statuses(self) -> tuple[str, ...]:
        return self.account.statuses

    @property
    def priorities(self) -> tuple[str, ...]:
        return self.account.priorities

    @property
    def problem_types(self) -> tuple[str, ...]:
        return self.account.problem_types

    @property
    def users(self) -> Mapping[int, str]:
        return self.account.users

    @property
    def labor_products(self) -> Mapping[Any, Any]:
        return self.account.labor_products

    def set_sync(
        self, phase: str, *, message: str = "", retry_at: float | None = None, **changes: Any
    ) -> SyncState:
        """Enter ``phase``. ``message`` and ``retry_at`` belong to one phase and reset unless
        given; the other fields (last_synced, from_cache, cached_at) keep their values unless
        given."""
        if phase not in PHASES:
            raise ValueError(f"unknown sync phase {phase!r}; expected one of {PHASES}")
        state = replace(self.sync, phase=phase, message=message, retry_at=retry_at, **changes)
        if state != self.sync:
            self.sync = state
            self._notify("sync", state)
        return state

    def set_timer(self, timer: Any) -> None:
        """The running timer, or None when none runs."""
        if timer != self.timer:
            self.timer = timer
            self._notify("timer", timer)
