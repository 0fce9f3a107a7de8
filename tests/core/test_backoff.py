"""The sync's back-off after a failed poll: a pure function of the error and the count."""

from __future__ import annotations

import pytest

from syncro_tui.api import errors as E
from syncro_tui.core.backoff import MAX_BACKOFF, sync_retry


def test_a_rejected_key_stops_polling_and_says_run_login():
    retry = sync_retry(E.AuthError("bad key", status=401), 1)
    assert retry.stop and retry.wait is None
    assert retry.state == "auth_failed"
    assert "syncro-tui login" in (retry.message or "")
    assert retry.notify


def test_a_permission_refusal_is_not_a_rejected_key():
    retry = sync_retry(E.PermissionDenied("no", status=403), 1)
    assert not retry.stop
    assert retry.state == "offline" and retry.notify


@pytest.mark.parametrize(
    ("retry_after", "failures", "wait"),
    [(None, 1, 30.0), (None, 3, 90.0), (120.0, 1, 120.0), (10.0, 2, 60.0), (None, 50, MAX_BACKOFF)],
)
def test_rate_limited_waits_retry_after_but_at_least_30_s_per_failure(retry_after, failures, wait):
    retry = sync_retry(E.RateLimited("slow down", status=429, retry_after=retry_after), failures)
    assert retry.state == "rate_limited"
    assert retry.wait == wait
    assert not retry.notify  # the header says it; no toast per poll


def test_a_huge_retry_after_is_capped():
    retry = sync_retry(E.RateLimited("slow down", status=429, retry_after=999999.0), 1)
    assert retry.wait == MAX_BACKOFF


@pytest.mark.parametrize("error", [E.NetworkError("down"), E.ServerError("500", status=500)])
def test_network_trouble_doubles_from_10_s(error):
    assert [sync_retry(error, n).wait for n in (1, 2, 3, 4, 5, 6)] == [
        10.0,
        20.0,
        40.0,
        80.0,
        160.0,
        MAX_BACKOFF,
    ]
    assert sync_retry(error, 1).state == "offline"
    assert not sync_retry(error, 1).notify


def test_many_failures_in_a_row_never_overflow():
    assert sync_retry(E.NetworkError("down"), 10_000).wait == MAX_BACKOFF


def test_an_unexpected_error_is_told_and_retried_more_slowly():
    retry = sync_retry(RuntimeError("boom"), 2)
    assert retry.state == "offline" and retry.message == "sync failed"
    assert retry.notify and retry.title == "Unexpected error"
    assert retry.wait == 120.0
    assert sync_retry(RuntimeError("boom"), 0).wait == 60.0  # a count of 0 counts as the first
