"""The store: ticket diffs, closed-ticket removal, seen marks, detail freshness, notifications."""

from __future__ import annotations

import random

import pytest

from syncro_tui.core.rows import TicketRow
from syncro_tui.core.store import Store, SyncState, TicketDiff

CLOSED = ("Resolved", "Closed")


def row(ticket_id: int, ts: float = 1000.0, status: str = "New", **kw) -> TicketRow:
    return TicketRow(
        id=ticket_id,
        number=str(30000 + ticket_id),
        subject=kw.pop("subject", f"Ticket {ticket_id}"),
        status=status,
        updated_at=f"t{float(ts)}",
        updated_ts=float(ts),
        **kw,
    )


@pytest.fixture
def store():
    return Store()


@pytest.fixture
def events(store):
    got: dict[str, list] = {}
    for topic in ("tickets", "detail", "account", "sync", "timer"):
        store.subscribe(topic, got.setdefault(topic, []).append)
    return got


# -- diffing ----------------------------------------------------------------------------------


def test_a_full_load_adds_every_row_and_notifies_once(store, events):
    diff = store.apply_tickets([row(1), row(2), row(3)], full=True, closed_statuses=CLOSED)
    assert diff == TicketDiff(added=(1, 2, 3))
    assert events["tickets"] == [diff]
    assert set(store.tickets) == {1, 2, 3}


def test_an_unchanged_batch_changes_nothing_and_notifies_nobody(store, events):
    store.apply_tickets([row(1), row(2)], full=True)
    diff = store.apply_tickets([row(1), row(2)], full=False)
    assert not diff
    diff = store.apply_tickets([row(1), row(2)], full=True)
    assert not diff
    assert len(events["tickets"]) == 1


def test_incremental_batch_upserts_by_id(store, events):
    store.apply_tickets([row(1), row(2)], full=True)
    diff = store.apply_tickets([row(2, 2000, subject="Printer on fire"), row(4)], full=False)
    assert diff == TicketDiff(added=(4,), changed=(2,))
    assert store.tickets[2].subject == "Printer on fire"
    assert set(store.tickets) == {1, 2, 4}  # an incremental batch removes nothing it lacks
    assert events["tickets"][-1] == diff


def test_duplicates_in_a_batch_collapse_to_the_newest(store):
    # Overlapping pages: the same ticket twice, in either order.
    diff = store.apply_tickets(
        [row(7, 2000, subject="new"), row(7, 1000, subject="old"), row(8, 1000), row(8, 3000)],
        full=False,
    )
    assert diff == TicketDiff(added=(7, 8))
    assert store.tickets[7].subject == "new"
    assert store.tickets[8].updated_ts == 3000


def test_incremental_batch_removes_rows_whose_status_became_closed(store, events):
    store.apply_tickets([row(1), row(2), row(3)], full=True)
    diff = store.apply_tickets(
        [row(1, 2000, status="resolved"), row(3, 2000, status="In Progress")],
        full=False,
        closed_statuses=CLOSED,
    )
    assert diff == TicketDiff(changed=(3,), removed=(1,))
    assert set(store.tickets) == {2, 3}


def test_a_closed_row_never_held_is_not_added(store, events):
    diff = store.apply_tickets([row(9, status="Closed")], full=False, closed_statuses=CLOSED)
    assert not diff
    assert events["tickets"] == []


def test_full_reconcile_removes_tickets_closed_elsewhere(store):
    store.apply_tickets([row(1), row(2), row(3)], full=True)
    store.mark_seen(2)
    store.set_detail(2, {"id": 2}, "t1000.0")
    diff = store.apply_tickets([row(1), row(3, 2000), row(5)], full=True)
    assert diff == TicketDiff(added=(5,), changed=(3,), removed=(2,))
    assert set(store.tickets) == {1, 3, 5}
    assert 2 not in store.seen  # nothing lingers for a removed ticket
    assert store.detail_for(2) is None


def test_an_older_snapshot_of_a_row_is_ignored(store):
    store.apply_tickets([row(1, 2000, subject="after my edit")], full=True)
    diff = store.apply_tickets([row(1, 1500, subject="before")], full=False)
    assert not diff
    assert store.tickets[1].subject == "after my edit"
    # Nor does an old snapshot close a ticket the technician has just reopened.
    diff = store.apply_tickets([row(1, 1000, status="Resolved")], full=True, closed_statuses=CLOSED)
    assert not diff
    assert 1 in store.tickets


# -- order ------------------------------------------------------------------------------------


def test_ordered_ids_newest_activity_first_newer_ticket_breaking_ties(store):
    store.apply_tickets([row(1, 100), row(2, 300), row(3, 200), row(4, 200)], full=True)
    assert store.ordered_ids() == (2, 4, 3, 1)
    store.apply_tickets([row(1, 400)], full=False)
    assert store.ordered_ids() == (1, 2, 4, 3)


def test_ordered_ids_is_cached_until_the_order_changes(store):
    store.apply_tickets([row(1, 100), row(2, 200)], full=True)
    first = store.ordered_ids()
    store.apply_tickets([row(1, 100, subject="renamed")], full=False)  # same activity time
    assert store.ordered_ids() is first
    store.apply_tickets([row(3, 50)], full=False)
    assert store.ordered_ids() is not first
    assert store.ordered_ids() == (2, 1, 3)


@pytest.mark.parametrize("batch", [3, 500])  # small batches bisect, big ones re-sort
def test_order_and_marks_stay_correct_through_random_updates(store, batch):
    rng = random.Random(batch)
    for _ in range(40):
        rows = [
            row(rng.randrange(2000), float(rng.randrange(50)), rng.choice(["New", "Resolved"]))
            for _ in range(batch)
        ]
        store.apply_tickets(rows, full=rng.random() < 0.1, closed_statuses=CLOSED)
        for ticket_id in rng.sample(sorted(store.tickets), min(5, len(store.tickets))):
            store.mark_seen(ticket_id)
        expected = sorted(store.tickets.values(), key=lambda r: (-r.updated_ts, -r.id))
        assert store.ordered_ids() == tuple(r.id for r in expected)
        unseen = {i for i, r in store.tickets.items() if store.seen.get(i) != r.updated_at}
        assert store.unseen_ids() == unseen


def test_a_small_update_does_not_touch_every_row(store, monkeypatch):
    from syncro_tui.core import store as store_module

    store.apply_tickets([row(i, float(i)) for i in range(10_000)], full=True)
    calls = []
    real_key = store_module._order_key
    monkeypatch.setattr(store_module, "_order_key", lambda r: calls.append(r.id) or real_key(r))
    store.apply_tickets([row(5, 20_000.0), row(10_001, 5.5)], full=False)
    # the moved row out and in, the new row in, each a bisection (a key per step of ~14):
    # not 10,000 re-sorted
    assert len(calls) <= 3 * 16
    assert store.ordered_ids()[:1] == (5,) and len(store.ordered_ids()) == 10_001


def test_the_order_holds_the_rows_own_ids_and_no_replaced_row(store):
    rows = [row(i, float(i % 7)) for i in range(1000, 1200)]
    store.apply_tickets(rows, full=True)
    ids = store.ordered_ids()
    # no int object of its own per ticket: the rows' ids (ids above 256 are not shared by Python)
    assert all(ticket_id is store.tickets[ticket_id].id for ticket_id in ids)
    old = store.tickets[1005]
    store.apply_tickets([row(1005, old.updated_ts, subject="renamed")], full=False)
    assert store.ordered_ids() == ids  # the same activity time: the same place
    assert not any(r is old for r in store._ordered)  # the replaced row is let go
    store.apply_tickets([row(1005, 99.0, subject="again")], full=False)
    assert store.ordered_ids()[0] == 1005
    assert [store.tickets[i] for i in store.ordered_ids()] == store._ordered


def test_ten_thousand_rows(store):
    rows = [row(i, float(i % 977)) for i in range(10_000)]
    diff = store.apply_tickets(rows, full=True)
    assert len(diff.added) == 10_000
    ids = store.ordered_ids()
    assert len(ids) == 10_000 and ids[0] == 9769  # ts 976, the highest id with it
    assert store.apply_tickets([row(5, 5000)], full=False).changed == (5,)
    assert store.ordered_ids()[0] == 5


# -- seen marks -------------------------------------------------------------------------------


def test_a_seen_mark_read_from_the_cache_shares_the_rows_string(store):
    store.apply_tickets([row(1, 100.0), row(2, 200.0)], full=True)
    loaded = {1: "".join(["t", "100.0"]), 2: "t1.0"}  # new string objects, as SQLite gives
    assert loaded[1] is not store.tickets[1].updated_at
    store.load_seen(loaded)
    assert not store.unseen(1) and store.unseen(2)
    assert store.seen[1] is store.tickets[1].updated_at  # one string, not two per ticket
    assert store.seen[2] == "t1.0"


def test_new_and_changed_rows_are_unseen_until_marked(store, events):
    store.apply_tickets([row(1), row(2)], full=True)
    assert store.unseen(1) and store.unseen(2)
    store.mark_seen(1)
    assert not store.unseen(1) and store.unseen(2)
    assert events["tickets"][-1] == TicketDiff(marked=(1,))
    store.apply_tickets([row(1, 2000)], full=False)  # a customer replied
    assert store.unseen(1)
    assert not store.unseen(99)  # unknown ids are not "unseen"


def test_mark_seen_notifies_only_when_the_mark_changes(store, events):
    store.apply_tickets([row(1)], full=True)
    store.mark_seen(1)
    store.mark_seen(1)
    store.mark_seen(42)
    assert events["tickets"] == [TicketDiff(added=(1,)), TicketDiff(marked=(1,))]


def test_mark_all_seen_for_a_first_load(store, events):
    store.apply_tickets([row(1), row(2), row(3)], full=True)
    store.mark_seen(2)
    store.mark_all_seen()
    assert events["tickets"][-1] == TicketDiff(marked=(1, 3))
    assert not any(store.unseen(i) for i in (1, 2, 3))
    assert store.unseen_ids() == frozenset()


def test_load_seen_from_the_cache(store, events):
    store.apply_tickets([row(1), row(2, 2000)], full=True)
    store.load_seen({1: "t1000.0", 2: "t1000.0", 77: "old"})  # 2 changed since last seen
    assert not store.unseen(1)
    assert store.unseen(2)
    assert events["tickets"][-1] == TicketDiff(marked=(1,))
    assert dict(store.seen) == {1: "t1000.0", 2: "t1000.0", 77: "old"}
    assert store.unseen_ids() == {2}


def test_seen_loaded_before_the_rows_applies_to_them(store):
    store.load_seen({1: "t1000.0"})
    store.apply_tickets([row(1), row(2)], full=True)
    assert store.unseen_ids() == {2}


# -- details ----------------------------------------------------------------------------------


def test_detail_is_served_while_the_row_is_unchanged(store, events):
    store.apply_tickets([row(1)], full=True)
    store.set_detail(1, {"subject": "x"}, "t1000.0")
    assert store.detail_for(1) == {"subject": "x"}
    assert events["detail"] == [1]


def test_detail_is_dropped_when_the_rows_updated_at_changes(store):
    store.apply_tickets([row(1)], full=True)
    store.set_detail(1, "old detail", "t1000.0")
    store.apply_tickets([row(1, 2000)], full=False)
    assert store.detail_for(1) is None


def test_a_detail_fetched_ahead_of_the_row_is_used_once_the_row_catches_up(store):
    store.apply_tickets([row(1)], full=True)
    store.set_detail(1, "newer detail", "t2000.0")
    assert store.detail_for(1) is None  # the row still says t1000.0
    store.apply_tickets([row(1, 2000)], full=False)
    assert store.detail_for(1) == "newer detail"


def test_detail_without_a_row_is_served(store):
    store.set_detail(5, "closed ticket opened by number", "t1.0")
    assert store.detail_for(5) == "closed ticket opened by number"
    assert store.detail_for(6) is None


def test_only_the_most_recent_details_are_kept():
    store = Store(max_details=3)
    for i in range(5):
        store.set_detail(i, f"d{i}", "t")
    store.set_detail(2, "d2 again", "t")
    assert [store.detail_for(i) for i in range(5)] == [None, None, "d2 again", "d3", "d4"]
    store.set_detail(5, "d5", "t")
    assert store.detail_for(3) is None and store.detail_for(2) == "d2 again"


# -- account, sync, timer ---------------------------------------------------------------------


def test_account_updates_notify_once_per_change(store, events):
    users = {7: "Bob", 8: "Ann"}
    store.set_account(statuses=["New", "In Progress"], me={"id": 7, "name": "Bob"}, users=users)
    store.set_account(statuses=("New", "In Progress"), users={8: "Ann", 7: "Bob"})
    assert events["account"] == [store.account]
    assert store.account.statuses == store.statuses == ("New", "In Progress")
    assert store.me == {"id": 7, "name": "Bob"}
    assert store.users == users and store.priorities == () and store.labor_products == {}
    users[9] = "Eve"  # the caller's dict is copied, and the store's cannot be changed
    assert 9 not in store.users
    with pytest.raises(TypeError):
        store.users[9] = "Eve"
    with pytest.raises(TypeError):
        store.set_account(colour="red")


def test_sync_state_phase_fields_reset_and_others_persist(store, events):
    store.set_sync("cached", from_cache=True, cached_at=500.0)
    store.set_sync("offline", message="connection refused", retry_at=1020.0)
    assert store.sync == SyncState(
        "offline", retry_at=1020.0, message="connection refused", from_cache=True, cached_at=500.0
    )
    store.set_sync("idle", last_synced=1030.0, from_cache=False)
    assert store.sync == SyncState("idle", last_synced=1030.0, cached_at=500.0)
    store.set_sync("idle")
    assert len(events["sync"]) == 3
    assert store.sync.cache_age(now=560.0) == 60.0
    assert SyncState().cache_age(now=1.0) is None
    with pytest.raises(ValueError):
        store.set_sync("napping")


def test_timer_notifies_on_change(store, events):
    store.set_timer({"ticket_id": 1, "started": 5.0})
    store.set_timer({"ticket_id": 1, "started": 5.0})
    store.set_timer(None)
    assert events["timer"] == [{"ticket_id": 1, "started": 5.0}, None]


# -- subscriptions ----------------------------------------------------------------------------


def test_unsubscribe_stops_notifications(store):
    got = []
    unsubscribe = store.subscribe("timer", got.append)
    store.set_timer("a")
    unsubscribe()
    unsubscribe()  # twice is harmless
    store.set_timer("b")
    assert got == ["a"]


def test_unknown_topic_is_rejected(store):
    with pytest.raises(ValueError):
        store.subscribe("weather", print)


def test_a_failing_subscriber_does_not_starve_the_others(store):
    got = []

    def broken(_):
        raise RuntimeError("widget bug")

    store.subscribe("timer", broken)
    store.subscribe("timer", got.append)
    with pytest.raises(RuntimeError, match="widget bug"):
        store.set_timer("t")
    assert got == ["t"]
    assert store.timer == "t"
