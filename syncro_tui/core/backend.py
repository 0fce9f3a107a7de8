"""Where requests go: the real Syncro (key from env/keyring/file) or a sandbox (demo, tests).

A backend is resolved after the first paint: finding the key may import keyring (and block on
D-Bus), and the demo sandbox imports httpx. Both run in a thread so painting never waits.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from syncro_tui import secrets
from syncro_tui.config import Settings


class NoKeyError(Exception):
    """There is no API key for this account."""

    title = "No API key"

    def __init__(self, account: str) -> None:
        super().__init__(f"No API key for {account}: quit and run `syncro-tui login`.")


@dataclass
class Connection:
    key: secrets.SecretKey
    key_source: str
    transport: Any = None  # an httpx transport, or None for the real network
    warning: str | None = None


class RealBackend:
    """The Syncro account named in the settings."""

    demo = False

    async def connect(self, settings: Settings) -> Connection:
        found = await asyncio.to_thread(secrets.find_key, settings.account)
        if found is None:
            raise NoKeyError(settings.account)
        return Connection(found.key, found.source, None, found.warning)


class SandboxBackend:
    """An in-process sandbox. With no sandbox given, the demo one is built (in a thread)."""

    demo = True

    def __init__(self, sandbox: Any = None, *, api_key: str | None = None) -> None:
        self.sandbox = sandbox
        self._api_key = api_key

    def _build(self) -> Any:
        from syncro_tui.sandbox import Sandbox

        return Sandbox()

    async def connect(self, settings: Settings) -> Connection:
        if self.sandbox is None:
            self.sandbox = await asyncio.to_thread(self._build)
        from syncro_tui.sandbox import DEFAULT_API_KEY

        key = secrets.SecretKey(self._api_key or DEFAULT_API_KEY)
        return Connection(key, "sandbox", self.sandbox.transport())


def demo_settings(settings: Settings) -> Settings:
    """The demo account: the in-process sandbox with its own labor products."""
    from syncro_tui.sandbox.defaults import DEMO_BASE_URL, DEMO_LABOR_PRODUCTS

    return settings.with_overrides(
        base_url=DEMO_BASE_URL,
        subdomain="",
        auth_style="header",
        labor_products=dict(DEMO_LABOR_PRODUCTS),
        demo=True,
    )
