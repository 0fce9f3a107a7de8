"""`syncro-tui login`."""

from __future__ import annotations

import argparse

HELP = "store your API key after checking it with GET /me"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--write-config",
        action=argparse.BooleanOptionalAction,
        default=None,
        help="write a starter config (account + labor products) when there is none "
        "(default: ask, in a terminal)",
    )
    parser.add_argument(
        "--labor", metavar="IDS", help="labor product ids for the starter config, e.g. 5001,5002"
    )


def run(args: argparse.Namespace) -> int:
    from syncro_tui.account import login
    from syncro_tui.cli.common import settings_from

    return login(
        settings_from(args, demo=False),
        write_config=getattr(args, "write_config", None),
        labor=getattr(args, "labor", None),
    )
