"""`syncro-tui sandbox`: serve the fake Syncro API on loopback."""

from __future__ import annotations

import argparse

# The sandbox's flags are declared once, by the sandbox (``python -m syncro_tui.sandbox.server``
# takes the same); this module was a second copy that had fallen behind (no --data-time).
from syncro_tui.sandbox.server import add_arguments

__all__ = ["DESCRIPTION", "HELP", "add_arguments", "run"]

HELP = "serve the fake Syncro API on loopback"
DESCRIPTION = "Serve the built-in fake Syncro API (same data as --demo) at http://HOST:PORT/api/v1."


def run(args: argparse.Namespace) -> int:
    from syncro_tui.sandbox.server import run_from_args

    return run_from_args(args)
