"""A faithful fake of the Syncro MSP API v1, shipped inside the package.

It serves the demo (``syncro-tui --demo``), every test and every benchmark, in-process
through an httpx transport or on loopback through ``syncro-tui sandbox``. Stdlib and httpx
only; nothing from syncro_tui.api/core/ui.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .defaults import (
    DEFAULT_API_KEY,
    DEFAULT_PORT,
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    DEMO_BASE_URL,
    DEMO_LABOR_PRODUCTS,
)

if TYPE_CHECKING:  # pragma: no cover
    from .facade import Sandbox


def __getattr__(name: str):
    """``Sandbox`` is imported on first use: the demo reads only the defaults before its first
    paint, and the whole fake API (HTTP server, data generator) costs ~50 ms to import."""
    if name == "Sandbox":
        from .facade import Sandbox

        return Sandbox
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_API_KEY",
    "DEFAULT_PORT",
    "DEFAULT_SEED",
    "DEFAULT_TICKETS",
    "DEMO_BASE_URL",
    "DEMO_LABOR_PRODUCTS",
    "Sandbox",
]
