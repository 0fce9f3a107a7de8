"""The `syncro-tui` command line (entry point ``syncro_tui.cli:main``).

Arguments are parsed before anything heavy is imported: `--version` and `--help` never load
Textual, httpx or pydantic; a command imports what it needs inside its ``run``. Commands are
listed in ``registry.py`` (one entry each).
"""

from __future__ import annotations

from syncro_tui.cli.entry import build_parser, main

__all__ = ["build_parser", "main"]
