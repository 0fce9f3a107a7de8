"""The demo and test backend: an in-process sandbox behind the same client and Session.

Beside ``core`` (which never imports the sandbox) and ``sandbox`` (which imports nothing of
the app): ``launch`` and the command line pick this backend for ``--demo``.
"""

from __future__ import annotations

import asyncio
from typing import Any

from syncro_tui import secrets
from syncro_tui.config import Settings
from syncro_tui.core.backend import Connection


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
