"""`syncro-tui doctor`."""

from __future__ import annotations

import argparse

HELP = "check config, key, permissions, labor products and terminal"
DESCRIPTION = "Check the set-up and say what is wrong in plain words."


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="the checks as JSON")


def run(args: argparse.Namespace) -> int:
    import sys

    from syncro_tui.cli.common import settings_from
    from syncro_tui.cli.exitcodes import USAGE
    from syncro_tui.doctor import run_doctor

    if getattr(args, "demo", False):  # it was ignored, and then "No account" was a FAIL
        from syncro_tui import startup

        startup.begin(getattr(args, "log_level", None) or "INFO", network=False)
        print(
            "syncro-tui doctor: the demo account needs no set-up; doctor checks your own "
            "(config, key, permissions, labor products, terminal). Run it without --demo.",
            file=sys.stderr,
        )
        return USAGE
    return run_doctor(settings_from(args, demo=False), as_json=getattr(args, "json", False))
