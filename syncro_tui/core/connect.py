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
    """``scope = "user"``: one budget file per user and machine (every process of the user)."""
    return paths.ensure(paths.runtime_dir()) / "budget.json"


def make_limiter(settings: Settings, *, shared: bool = True) -> RateLimiter:
    """The limiter for ``settings``: its tiers, best first (see README, "Rate budget").

    * ``redis_url``: the office-wide window in Redis, then the machine-wide file as fallback;
    * ``scope = "machine"`` (default): the machine-wide file in the shared folder;
    * ``scope = "user"``: the per-user file of earlier versions.
    """
    from pathlib import Path

    from syncro_tui.api.budget_machine import MachineWindow, default_shared_dir, state_file
    from syncro_tui.api.ratelimit import RateLimiter

    tiers: list = []
    if shared:
        budget = settings.budget
        account = settings.api_base_url
        if budget.redis_url:
            from syncro_tui.api.budget_machine import account_key
            from syncro_tui.api.budget_redis import RedisWindow

            tiers.append(RedisWindow(budget.redis_url, account_key(account)))
        if budget.scope == "user":
            tiers.append(MachineWindow(shared_budget_file(settings), shared=False))
        else:
            folder = Path(budget.shared_dir).expanduser() if budget.shared_dir else None
            tiers.append(MachineWindow(state_file(folder or default_shared_dir(), account)))
    return RateLimiter(settings.requests_per_minute, tiers=tiers)


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
        # An in-process transport (the demo) sends nothing over the network: no shared budget.
        limiter=limiter
        if limiter is not None
        else make_limiter(settings, shared=transport is None),
        transport=transport,
        timeout=settings.timeout_seconds,
        read_only=settings.read_only,
        **kwargs,
    )
