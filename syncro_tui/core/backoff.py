"""How long the sync waits after a failed poll or connect: a pure function, no clock, no UI.

The App counts consecutive failures and asks ``sync_retry(error, failures)`` what to do:
which sync state to show, how long to wait, and whether the technician must be told.

* A rejected key (401, not a permission refusal) stops polling: retrying cannot help.
* 429: Syncro's Retry-After, but at least 30 s per failure in a row.
* Network trouble, 5xx and unreadable answers: 10 s, doubling per failure.
* Anything else (a bug, a refusal we did not expect): 60 s per failure, and say so.

Every wait is capped at ``MAX_BACKOFF``.
"""

from __future__ import annotations

from dataclasses import dataclass

from syncro_tui.api import errors as E

MAX_BACKOFF = 300.0


@dataclass(frozen=True)
class SyncRetry:
    """What to do after a failure. ``wait`` is None when polling must stop."""

    state: str  # the sync state: "auth_failed", "rate_limited" or "offline"
    wait: float | None
    message: str | None = None  # the sync state's message (header), if any
    notify: bool = False  # tell the technician (a toast), not only the header
    title: str = ""  # the toast's title

    @property
    def stop(self) -> bool:
        return self.wait is None


def sync_retry(error: BaseException | None, failures: int) -> SyncRetry:
    """The retry for the ``failures``-th failure in a row (1 for the first)."""
    failures = max(failures, 1)
    if isinstance(error, E.AuthError) and not isinstance(error, E.PermissionDenied):
        return SyncRetry(
            "auth_failed",
            None,
            message="key rejected: run syncro-tui login",
            notify=True,
            title=error.title,
        )
    if isinstance(error, E.RateLimited):
        wait = min(max(error.retry_after or 0.0, 30.0 * failures), MAX_BACKOFF)
        return SyncRetry("rate_limited", wait)
    if isinstance(error, (E.NetworkError, E.ServerError, E.UnexpectedResponse)):
        return SyncRetry("offline", min(10.0 * 2 ** min(failures - 1, 16), MAX_BACKOFF))
    return SyncRetry(
        "offline",
        min(60.0 * failures, MAX_BACKOFF),
        message="sync failed",
        notify=True,
        title=getattr(error, "title", "Unexpected error"),
    )
