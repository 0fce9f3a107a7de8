"""Parse the arguments, then run the TUI or one command (imported only once it is chosen)."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Sequence
from types import ModuleType
from typing import NoReturn

from syncro_tui import __version__
from syncro_tui.cli import exitcodes
from syncro_tui.cli.common import add_common
from syncro_tui.cli.registry import COMMANDS


def _modules() -> dict[str, ModuleType]:
    return {c.name: importlib.import_module(c.module) for c in COMMANDS}


def _epilog(modules: dict[str, ModuleType]) -> str:
    width = max(len(name) for name in modules) + 2
    lines = [
        "commands:",
        f"  {'(none)':<{width}}run the TUI (add --demo for the built-in demo account)",
    ]
    lines += [f"  {name:<{width}}{mod.HELP}" for name, mod in modules.items()]
    lines += [
        "",
        "The flags --config, --base-url, --subdomain, --demo and --log-level go before or after",
        "the command name. `syncro-tui COMMAND --help` describes a command.",
        "",
        exitcodes.help_text(),
        "",
        "Config: `syncro-tui config init` writes the documented example, `config show` what is in",
        "effect. Docs: README.md (also the package description).",
    ]
    return "\n".join(lines)


def build_parser() -> argparse.ArgumentParser:
    modules = _modules()
    parser = argparse.ArgumentParser(
        prog="syncro-tui",
        description="A keyboard-driven terminal client for Syncro MSP tickets.",
        epilog=_epilog(modules),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"syncro-tui {__version__}")
    add_common(parser)
    parser.add_argument(
        "--plain", action="store_true", default=None, help="ASCII borders and an ANSI theme"
    )
    parser.add_argument("--theme", help="Textual theme name")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name, module in modules.items():
        epilog = getattr(module, "EPILOG", None)
        child = sub.add_parser(
            name,
            help=module.HELP,
            description=getattr(module, "DESCRIPTION", None) or module.HELP,
            epilog=epilog,
            formatter_class=argparse.RawDescriptionHelpFormatter,
        )
        add_common(child, sub=True)
        if hasattr(module, "add_arguments"):
            module.add_arguments(child)
        child.set_defaults(_run=module.run)
    return parser


class _NotTheTuiAlone(Exception):
    """The arguments are more than the TUI's own flags: the full parser decides."""


class _TuiFlags(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        raise _NotTheTuiAlone(message)


def _tui_flags() -> argparse.ArgumentParser:
    """The top-level flags alone, as ``build_parser`` gives them, without --help/--version."""
    parser = _TuiFlags(prog="syncro-tui", add_help=False, exit_on_error=False)
    add_common(parser)
    parser.add_argument("--plain", action="store_true", default=None)
    parser.add_argument("--theme")
    return parser


def parse_args(argv: Sequence[str] | None = None) -> argparse.Namespace:
    """What ``build_parser().parse_args(argv)`` gives. Arguments that are only the TUI's
    flags (``syncro-tui``, ``syncro-tui --demo``) are read without building the parsers of
    every command (importing their modules and some 200 argparse actions: 20-50 ms of CPU
    before every start of the TUI, issue 14); anything else (a command, --help, --version,
    an unknown or a wrong flag) goes to the full parser, which answers as it always did."""
    tokens = list(sys.argv[1:] if argv is None else argv)
    try:
        args, rest = _tui_flags().parse_known_args(tokens)
    except (_NotTheTuiAlone, argparse.ArgumentError):
        rest = tokens or ["?"]
    if not rest:
        args.command = None
        return args
    return build_parser().parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    from syncro_tui.config import ConfigError

    try:
        run = getattr(args, "_run", None)
        if run is not None:
            return run(args)
        from syncro_tui.core import heap

        heap.hold()  # until the TUI's first frame (SyncroApp.on_ready settles the heap)
        try:
            from syncro_tui.cli.common import settings_from
            from syncro_tui.launch import run_tui

            settings = settings_from(args, demo=False)
            return run_tui(settings, demo=args.demo, plain=args.plain, theme=args.theme)
        finally:
            heap.release()
    except ConfigError as exc:
        print(f"syncro-tui: {exc}", file=sys.stderr)
        return exitcodes.USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        _quiet_stdout()
        return exitcodes.OK


def _quiet_stdout() -> None:
    """The reader went away (`| head`): send what is left to /dev/null, end quietly."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
