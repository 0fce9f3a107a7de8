"""`syncro-tui logout`."""

from __future__ import annotations

import argparse

HELP = "remove the stored API key"


def run(args: argparse.Namespace) -> int:
    from syncro_tui.account import logout
    from syncro_tui.cli.common import settings_from

    return logout(settings_from(args, demo=False))
