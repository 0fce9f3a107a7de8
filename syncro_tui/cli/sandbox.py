"""`syncro-tui sandbox`: serve the fake Syncro API on loopback."""

from __future__ import annotations

import argparse

HELP = "serve the fake Syncro API on loopback"
DESCRIPTION = "Serve the built-in fake Syncro API (same data as --demo) at http://HOST:PORT/api/v1."


def add_arguments(sb: argparse.ArgumentParser) -> None:
    """None means "the demo's default", so --demo and `sandbox` serve the same data."""
    sb.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sb.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    sb.add_argument(
        "--api-key", default=None, help="accepted API key (default: the demo key, printed at start)"
    )
    sb.add_argument(
        "--tickets", type=int, default=None, help="number of tickets (default: the demo's)"
    )
    sb.add_argument("--seed", type=int, default=None, help="data seed (default: the demo's)")
    sb.add_argument(
        "--faults", default="", help='fault spec, e.g. "POST /tickets/*/comment=drop_after*1"'
    )
    sb.add_argument("--latency-ms", type=int, default=0, help="added latency per request, in ms")
    sb.add_argument(
        "--rich-text",
        action="store_true",
        default=None,
        help="a rich-text tenant: every comment reads back as HTML (<br>/<p>, entities)",
    )
    sb.add_argument(
        "--priorities",
        choices=["numbered", "plain", "mixed"],
        default=None,
        help='the account\'s priority style: "numbered" ("0 Urgent" .. "3 Low"), "plain" '
        '(Low, Normal, High, Urgent) or "mixed" (numbered list, legacy words on some '
        "tickets; the default); some tickets always have none",
    )
    sb.add_argument(
        "--big-ids",
        action="store_true",
        default=None,
        help="every id and ticket number above 2^31 (as on large live accounts)",
    )
    sb.add_argument(
        "--time-zone",
        default=None,
        metavar="ZONE",
        help="the account's time zone in GET /settings; a date-only due date is midnight "
        "there (default America/Los_Angeles)",
    )
    sb.add_argument(
        "--time-offset",
        default=None,
        metavar="OFFSET",
        help='render timestamps at this offset, e.g. "-08:00" (default: UTC, "Z")',
    )
    sb.add_argument(
        "--deny",
        action="append",
        default=None,
        metavar="PERMISSION",
        help='switch a token permission off (repeatable), e.g. "Ticket Canned Responses - '
        'Manage"; answered with the real 401 body',
    )


def run(args: argparse.Namespace) -> int:
    from syncro_tui.sandbox.server import run_from_args

    return run_from_args(args)
