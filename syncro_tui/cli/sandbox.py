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


def run(args: argparse.Namespace) -> int:
    from syncro_tui.sandbox.server import run_from_args

    return run_from_args(args)
