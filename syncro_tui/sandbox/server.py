"""``syncro-tui sandbox`` and ``python -m syncro_tui.sandbox.server``: flags, build, serve.

The HTTP server itself is ``loopback.RunningServer`` (re-exported here); this module builds
the sandbox the flags describe and serves it until Ctrl+C. It imports the facade; the facade
imports only ``loopback`` (no import cycle).
"""

from __future__ import annotations

import argparse
import sys
import threading

from .defaults import (
    DEFAULT_API_KEY,
    DEFAULT_HOST,
    DEFAULT_PORT,
    DEFAULT_RATE_LIMIT,
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    MAX_TICKETS,
)
from .loopback import RunningServer

__all__ = ["RunningServer", "add_arguments", "banner", "launch", "main", "options", "run"]

_LOOPBACK = ("127.0.0.1", "localhost", "::1")


# -- command line ------------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The sandbox flags, so ``syncro-tui sandbox`` and ``python -m`` share them."""
    parser.add_argument(
        "--host",
        default=DEFAULT_HOST,
        help="address to bind (default %(default)s; keep it on loopback)",
    )
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help="default %(default)s")
    parser.add_argument("--api-key", default=DEFAULT_API_KEY, help="default %(default)s")
    parser.add_argument(
        "--tickets",
        type=int,
        default=DEFAULT_TICKETS,
        help=f"demo tickets to generate, up to {MAX_TICKETS} (default %(default)s)",
    )
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="default %(default)s")
    parser.add_argument(
        "--faults",
        default=None,
        metavar="SPEC",
        help="fault rules, e.g. 'POST /tickets/*/comment=drop_after*1'",
    )
    parser.add_argument(
        "--latency-ms", type=float, default=0.0, help="added to every request (default %(default)s)"
    )
    parser.add_argument(
        "--rate-limit",
        type=int,
        default=DEFAULT_RATE_LIMIT,
        help="requests per rolling minute per address, 0 for none (default %(default)s)",
    )
    parser.add_argument(
        "--rich-text",
        action="store_true",
        default=None,
        help="a rich-text tenant: every comment reads back as HTML (<br>/<p>, entities)",
    )
    parser.add_argument(
        "--priorities",
        choices=["numbered", "plain", "mixed"],
        default="mixed",
        help='the account\'s priority style: "numbered" ("0 Urgent" .. "3 Low"), "plain" '
        '(Low, Normal, High, Urgent) or "mixed" (numbered list, legacy words on some '
        "tickets; the default); some tickets always have none",
    )
    parser.add_argument(
        "--big-ids",
        action="store_true",
        default=False,
        help="every id and ticket number above 2^31 (as on large live accounts)",
    )
    parser.add_argument(
        "--time-zone",
        default="America/Los_Angeles",
        metavar="ZONE",
        help="the account's time zone in GET /settings; a date-only due date is midnight "
        "there (default America/Los_Angeles)",
    )
    parser.add_argument(
        "--time-offset",
        default=None,
        metavar="OFFSET",
        help='render timestamps at this offset, e.g. "-08:00" (default: UTC, "Z")',
    )
    parser.add_argument(
        "--data-time",
        type=float,
        default=None,
        metavar="SECONDS",
        help="place the demo data as if it was made at this Unix time, so a restarted "
        "sandbox serves the same tickets with the same times (default: now)",
    )
    parser.add_argument(
        "--deny",
        action="append",
        default=None,
        metavar="PERMISSION",
        help='switch a token permission off (repeatable), e.g. "Ticket Canned Responses - '
        'Manage"; answered with the real 401 body',
    )


def options(args: argparse.Namespace | None = None, **overrides) -> dict:
    """The flags in effect: defaults, then parsed ``args``, then keyword overrides.

    A None value means "the default", so a caller's parser may leave flags unset and
    ``syncro-tui sandbox`` still serves exactly the demo's data.
    """
    defaults = argparse.ArgumentParser(add_help=False)
    add_arguments(defaults)
    opts = vars(defaults.parse_args([]))
    given = {**(vars(args) if args is not None else {}), **overrides}
    opts.update({name: value for name, value in given.items() if value is not None})
    return opts


def launch(opts: dict):
    """Build the sandbox the flags describe and start serving it; returns (sandbox, server)."""
    from .facade import Sandbox

    sandbox = Sandbox(
        seed=opts["seed"],
        tickets=opts["tickets"],
        api_key=opts["api_key"],
        rate_limit=opts["rate_limit"] or None,
        faults=opts["faults"],
        latency_ms=opts["latency_ms"],
        rich_text=bool(opts.get("rich_text")),
        priorities=opts["priorities"],
        big_ids=bool(opts["big_ids"]),
        time_zone=opts["time_zone"],
        time_offset=opts["time_offset"],
        permissions=dict.fromkeys(opts["deny"] or (), False),
        data_time=opts["data_time"],
    )
    return sandbox, sandbox.serve(opts["host"], opts["port"], verbose=True)


def banner(opts: dict, sandbox, server: RunningServer) -> str:
    lines = [
        f"Syncro sandbox serving {server.url}",
        f"  API key:   {opts['api_key']}",
        f"  tickets={opts['tickets']} seed={opts['seed']} "
        f"rate_limit={opts['rate_limit'] or 'off'}/min latency_ms={opts['latency_ms']:g} "
        f"faults={str(sandbox.faults) or '(none)'}"
        + (" rich_text" if opts.get("rich_text") else ""),
        f"  priorities={opts['priorities']} big_ids={bool(opts['big_ids'])} "
        f"time_zone={opts['time_zone']} time_offset={opts['time_offset'] or 'Z'}"
        + (f" denied={', '.join(opts['deny'])}" if opts["deny"] else "")
        + (f" data_time={opts['data_time']:.0f}" if opts.get("data_time") is not None else ""),
        f"  try: curl -H 'Authorization: Bearer {opts['api_key']}' {server.url}/me",
    ]
    if opts["host"] not in _LOOPBACK:
        lines.append(
            f"  warning: listening on {opts['host']}; anyone who can reach it can use this key"
        )
    lines.append("Press Ctrl+C to stop.")
    return "\n".join(lines)


def run(args: argparse.Namespace | None = None, **overrides) -> int:
    """Serve until Ctrl+C. Takes parsed flags (see add_arguments) and/or keyword overrides."""
    opts = options(args, **overrides)
    server: RunningServer | None = None
    try:  # Ctrl+C at any moment (even while starting or printing the banner) stops cleanly
        try:
            sandbox, server = launch(opts)
        except (ValueError, OSError, KeyError) as exc:  # KeyError: an unknown --deny name
            print(f"syncro-tui sandbox: {str(exc).strip(chr(34))}", file=sys.stderr)
            return 2
        print(banner(opts, sandbox, server), flush=True)
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        if server is not None:
            server.close()
    return 0


def run_from_args(args: argparse.Namespace) -> int:
    """What ``syncro-tui sandbox`` calls with its parsed flags."""
    return run(args)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="syncro-tui sandbox", description="Serve the fake Syncro API on loopback."
    )
    add_arguments(parser)
    return run(parser.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
