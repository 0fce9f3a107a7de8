"""Build the one API client a process uses, from settings and a key."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from syncro_tui import logsetup, paths
from syncro_tui.config import Settings
from syncro_tui.secrets import SecretKey

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.api.client import SyncroClient
    from syncro_tui.api.ratelimit import RateLimiter


def shared_budget_file(settings: Settings):
    """One budget file per user and machine: Syncro counts requests per IP, not per key."""
    return paths.ensure(paths.runtime_dir()) / "budget.json"


def make_limiter(settings: Settings, *, shared: bool = True) -> RateLimiter:
    from syncro_tui.api.ratelimit import RateLimiter

    return RateLimiter(
        settings.requests_per_minute,
        shared_state=shared_budget_file(settings) if shared else None,
    )


def make_client(
    settings: Settings,
    key: SecretKey,
    *,
    transport: Any = None,
    limiter: RateLimiter | None = None,
    **kwargs: Any,
) -> SyncroClient:
    from syncro_tui.api.client import SyncroClient

    logsetup.register_secret(key.reveal())
    return SyncroClient(
        settings.api_base_url,
        key,
        auth_style=settings.auth_style,
        limiter=limiter if limiter is not None else make_limiter(settings),
        transport=transport,
        timeout=settings.timeout_seconds,
        **kwargs,
    )
