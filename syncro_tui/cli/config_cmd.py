"""`syncro-tui config show` and `syncro-tui config init`."""

from __future__ import annotations

import argparse
import json
from dataclasses import fields
from typing import Any

HELP = "show the effective settings and where each came from, or write the example config"
DESCRIPTION = (
    "config show: every setting in effect and where it came from (file, environment variable, "
    "command line or default); the API key only by where it would be found.\n"
    "config init: write the documented example (every setting, commented) to the config "
    "folder, or to --config PATH."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", choices=["show", "init"], help="show or init")
    parser.add_argument("--json", action="store_true", help="config show: as JSON")
    parser.add_argument(
        "--force", action="store_true", help="config init: replace an existing file"
    )


def example_text() -> str:
    """The documented example shipped inside the package (the repository's
    config.example.toml is the same file)."""
    from importlib.resources import files

    return files("syncro_tui").joinpath("config.example.toml").read_text(encoding="utf-8")


def run(args: argparse.Namespace) -> int:
    if args.action == "init":
        return init(args)
    return show(args)


def init(args: argparse.Namespace) -> int:
    from pathlib import Path

    from syncro_tui import paths, startup
    from syncro_tui.cli import exitcodes
    from syncro_tui.cli.output import err, out

    target = Path(getattr(args, "config", None) or paths.default_config_file()).expanduser()
    if target.exists() and not args.force:
        err(f"syncro-tui: {target} already exists; nothing was changed (--force replaces it).")
        return exitcodes.ERROR
    try:
        paths.write_private(target, example_text())
    except OSError as exc:
        err(f"syncro-tui: {startup.folder_problem(target.parent, exc)}")
        return exitcodes.ERROR
    out(f"Wrote the example settings to {target}.")
    out("Set `subdomain` and [labor_products] in it, then run `syncro-tui login`.")
    return exitcodes.OK


def _rows(settings: Any) -> list[tuple[str, Any, str]]:
    from syncro_tui.config import Settings, UISettings

    skip = {"config_file", "config_found", "warnings", "demo", "sources", "ui"}
    rows: list[tuple[str, Any, str]] = []
    for f in fields(Settings):
        if f.name in skip or f.name.startswith("_"):
            continue
        value = getattr(settings, f.name)
        if isinstance(value, tuple):
            value = list(value)
        elif hasattr(value, "items"):
            value = dict(value)
        rows.append((f.name, value, settings.source(f.name)))
    for f in fields(UISettings):
        rows.append((f"ui.{f.name}", getattr(settings.ui, f.name), settings.source(f"ui.{f.name}")))
    for extra in ("budget",):  # tables added by other settings groups, shown whole
        value = getattr(settings, extra, None)
        if value is not None and extra not in {r[0] for r in rows}:
            rows.append((extra, str(value), settings.source(extra)))
    return rows


def key_source(settings: Any) -> str:
    """Where the key would come from: never the key."""
    from syncro_tui import secrets

    if not settings.has_account:
        return "none (no account configured)"
    found = secrets.find_key(settings.account)
    if found is None:
        return f"none for {settings.account} (run `syncro-tui login`)"
    if found.source == "environment":
        return f"environment variable {secrets.ENV_VAR}"
    if found.source == "credentials file":
        return f"credentials file {secrets.credentials_file()}"
    return f"OS keyring (service {secrets.SERVICE!r}, entry {settings.account!r})"


def show(args: argparse.Namespace) -> int:
    from syncro_tui.cli import exitcodes
    from syncro_tui.cli.common import settings_from
    from syncro_tui.cli.output import out

    settings = settings_from(args)
    rows = _rows(settings)
    file_line = (
        f"{settings.config_file}"
        if settings.config_found
        else f"{settings.config_file} (not found)"
    )
    key = key_source(settings)
    if args.json:
        data = {
            "config_file": str(settings.config_file),
            "config_found": settings.config_found,
            "settings": {name: {"value": value, "from": src} for name, value, src in rows},
            "api_key": {"from": key},
            "warnings": list(settings.warnings),
        }
        out(json.dumps(data, indent=2, default=str))
        return exitcodes.OK
    out(f"config file: {file_line}")
    width = max(len(name) for name, _, _ in rows)
    for name, value, src in rows:
        shown = json.dumps(value, default=str, ensure_ascii=False)
        out(f"{name:<{width}} = {shown}   # {src}")
    out(f"{'api key':<{width}}   # {key}")
    for warning in settings.warnings:
        out(f"warning: {warning}")
    return exitcodes.OK
