"""Flags every command takes, before or after its name, and the settings they give."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.config import Settings


def add_common(parser: argparse.ArgumentParser, *, sub: bool = False) -> None:
    """After a command name they must not reset what was given before it (SUPPRESS)."""

    def default(value: object) -> object:
        return argparse.SUPPRESS if sub else value

    parser.add_argument(
        "--config",
        metavar="PATH",
        default=default(None),
        help="settings file (default: platform config dir)",
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        default=default(None),
        help="full API base URL, e.g. https://acme.syncromsp.com/api/v1",
    )
    parser.add_argument(
        "--subdomain",
        metavar="NAME",
        default=default(None),
        help="Syncro subdomain (acme for acme.syncromsp.com)",
    )
    parser.add_argument(
        "--demo",
        action="store_true",
        default=default(False),
        help="use the embedded demo account (no Syncro needed)",
    )
    parser.add_argument(
        "--read-only",
        action="store_true",
        default=default(False),
        help="a profile that cannot write: every write is hidden and refused",
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        default=default(None),
        help="log detail",
    )


def settings_from(args: argparse.Namespace, *, demo: bool | None = None) -> Settings:
    """Settings from the file, the environment and these flags (the demo account with --demo).

    Raises ConfigError (exit code 2) when something is wrong or no account is set.
    """
    from syncro_tui.config import load_settings

    flags = {
        "base_url": getattr(args, "base_url", None),
        "subdomain": getattr(args, "subdomain", None),
        "log_level": getattr(args, "log_level", None),
        # Only a given flag counts: without it, the file and the environment decide.
        "read_only": True if getattr(args, "read_only", False) else None,
    }
    settings = load_settings(getattr(args, "config", None), flags=flags)
    if getattr(args, "demo", False) if demo is None else demo:
        from syncro_tui.demo import demo_settings

        settings = demo_settings(settings)
    return settings
