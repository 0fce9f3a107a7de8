"""`syncro-tui login`."""

from __future__ import annotations

import argparse

HELP = "store your API key after checking it with GET /me"


def run(args: argparse.Namespace) -> int:
    from syncro_tui.account import login
    from syncro_tui.cli.common import settings_from

    return login(settings_from(args, demo=False))
