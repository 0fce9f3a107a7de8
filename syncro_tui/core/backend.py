"""Where requests go: a ``Backend`` gives the Session its key and transport.

``RealBackend`` is the Syncro account named in the settings (key from env/keyring/file). The
demo and the tests use ``syncro_tui.demo.SandboxBackend`` (core never imports the sandbox).
A backend is resolved after the first paint: finding the key may import keyring (and block on
D-Bus), and the demo sandbox imports httpx. Both run in a thread so painting never waits.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any, Protocol

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


class Backend(Protocol):
    """What the App and the command line ask of a backend."""

    demo: bool

    async def connect(self, settings: Settings) -> Connection: ...


class RealBackend:
    """The Syncro account named in the settings."""

    demo = False

    async def connect(self, settings: Settings) -> Connection:
        found = await asyncio.to_thread(secrets.find_key, settings.account)
        if found is None:
            raise NoKeyError(settings.account)
        return Connection(found.key, found.source, None, found.warning)
