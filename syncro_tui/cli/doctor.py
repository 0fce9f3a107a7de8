"""`syncro-tui doctor`."""

from __future__ import annotations

import argparse

HELP = "check config, key, permissions, labor products and terminal"
DESCRIPTION = "Check the set-up and say what is wrong in plain words."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="the checks as JSON")


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.common import settings_from
    from syncro_tui.doctor import run_doctor

    return run_doctor(settings_from(args, demo=False), as_json=getattr(args, "json", False))
