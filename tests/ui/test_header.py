"""The header's words for each sync state (pure function)."""

from __future__ import annotations

from syncro_tui.core.store import SyncState
from syncro_tui.ui.widgets.header import describe_sync, format_age, format_elapsed

NOW = 1_800_000_000.0


def test_sync_words():
    assert describe_sync(SyncState(), NOW) == ("connecting", "ok")
    assert describe_sync(SyncState(phase="idle", last_synced=NOW - 12), NOW) == (
        "synced 12 s ago",
        "ok",
    )
    assert describe_sync(SyncState(phase="offline", retry_at=NOW + 20), NOW) == (
        "offline, retrying in 20 s",
        "error",
    )
    assert describe_sync(SyncState(phase="rate_limited", retry_at=NOW + 30), NOW) == (
        "rate limited, waiting 30 s",
        "warn",
    )
    assert describe_sync(SyncState(phase="auth_failed"), NOW) == (
        "key rejected: run syncro-tui login",
        "error",
    )
    cached = SyncState(phase="cached", from_cache=True, cached_at=NOW - 7200)
    assert describe_sync(cached, NOW) == ("cached (2 h old), syncing", "warn")
    assert describe_sync(SyncState(phase="offline", retry_at=NOW - 5), NOW)[0].endswith("in 0 s")


def test_ages_and_elapsed():
    assert [format_age(s) for s in (5, 90, 7200, 200000)] == ["5 s", "1 min", "2 h", "2 d"]
    assert format_elapsed(3725) == "01:02:05"
