"""The sandbox's defaults, in one place.

``syncro-tui --demo`` (in-process) and ``syncro-tui sandbox`` (loopback) both build their
Sandbox from these values, so with default flags they serve exactly the same data.
"""

from __future__ import annotations

DEFAULT_API_KEY = "sandbox-demo-key"
DEMO_BASE_URL = "https://demo.syncromsp.com/api/v1"
API_PREFIX = "/api/v1"

# The demo account's labor products, keyed like config's [labor_products] table.
DEMO_LABOR_PRODUCTS = {
    "remote": 5001,
    "onsite": 5002,
    "emergency": 5003,
    "project": 5004,
    "internal": 5005,
    "travel": 5006,
}
DEFAULT_LABOR_PRODUCT_ID = DEMO_LABOR_PRODUCTS["remote"]

DEFAULT_SEED = 7
DEFAULT_TICKETS = 300
MAX_TICKETS = 75_000  # ~50,000 of them open: the benchmarks need queues of 10,000 and 50,000

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765

# The real limit: "180 requests per minute per IP address" (rolling window in the sandbox).
DEFAULT_RATE_LIMIT = 180
RATE_WINDOW_SECONDS = 60.0
