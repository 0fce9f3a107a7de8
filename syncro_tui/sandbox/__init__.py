"""A faithful fake of the Syncro MSP API v1, shipped inside the package.

It serves the demo (``syncro-tui --demo``), every test and every benchmark, in-process
through an httpx transport or on loopback through ``syncro-tui sandbox``. Stdlib and httpx
only; nothing from syncro_tui.api/core/ui.
"""

from __future__ import annotations

from .defaults import (
    DEFAULT_API_KEY, DEFAULT_PORT, DEFAULT_SEED, DEFAULT_TICKETS, DEMO_BASE_URL,
    DEMO_LABOR_PRODUCTS,
)
from .facade import Sandbox

__all__ = ["DEFAULT_API_KEY", "DEFAULT_PORT", "DEFAULT_SEED", "DEFAULT_TICKETS", "DEMO_BASE_URL",
           "DEMO_LABOR_PRODUCTS", "Sandbox"]
