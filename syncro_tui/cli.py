"""The `syncro-tui` command.

Arguments are parsed before anything heavy is imported: `--version` and `--help` never load
Textual, and the TUI path imports the app only once it knows it will run it.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from syncro_tui import __version__

EPILOG = """\
commands:
  (none)      run the TUI (add --demo for the built-in sandbox account)
  login       store your API key (checked with GET /me first)
  logout      remove the stored API key
  doctor      check config, key, permissions, labor products and terminal
  sandbox     serve the fake Syncro API on loopback

Docs: README.md. Config: config.example.toml.
"""


def _common(parser: argparse.ArgumentParser, sub: bool = False) -> None:
    """Flags valid before and after a command (after it they must not reset the ones before)."""
    if sub:
        parser.argument_default = argparse.SUPPRESS
    parser.add_argument(
        "--config", metavar="PATH", help="settings file (default: platform config dir)"
    )
    parser.add_argument(
        "--base-url",
        metavar="URL",
        help="full API base URL, e.g. https://acme.syncromsp.com/api/v1",
    )
    parser.add_argument(
        "--subdomain", metavar="NAME", help="Syncro subdomain (acme for acme.syncromsp.com)"
    )
    parser.add_argument(
        "--log-level",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        type=str.upper,
        help="log detail",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="syncro-tui",
        description="A keyboard-driven terminal client for Syncro MSP tickets.",
        epilog=EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"syncro-tui {__version__}")
    _common(parser)
    parser.add_argument(
        "--demo", action="store_true", help="run on the embedded demo account (no Syncro needed)"
    )
    parser.add_argument(
        "--plain", action="store_true", default=None, help="ASCII borders and an ANSI theme"
    )
    parser.add_argument("--theme", help="Textual theme name")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    for name, text in (
        ("login", "store your API key after checking it with GET /me"),
        ("logout", "remove the stored API key"),
        ("doctor", "check the set-up and say what is wrong in plain words"),
    ):
        _common(sub.add_parser(name, help=text, description=text), sub=True)

    sb = sub.add_parser(
        "sandbox",
        help="serve the fake Syncro API on loopback",
        description=(
            "Serve the built-in fake Syncro API (same data as --demo) at http://HOST:PORT/api/v1."
        ),
    )
    from_sandbox_defaults(sb)
    return parser


def from_sandbox_defaults(sb: argparse.ArgumentParser) -> None:
    """Sandbox flags. None means "the demo's default", so --demo and `sandbox` serve the same data."""
    sb.add_argument("--host", default="127.0.0.1", help="address to bind (default 127.0.0.1)")
    sb.add_argument("--port", type=int, default=8765, help="port (default 8765)")
    sb.add_argument(
        "--api-key", default=None, help="accepted API key (default: the demo key, printed at start)"
    )
    sb.add_argument(
        "--tickets", type=int, default=None, help="number of tickets (default: the demo's)"
    )
    sb.add_argument("--seed", type=int, default=None, help="data seed (default: the demo's)")
    sb.add_argument(
        "--faults", default="", help='fault spec, e.g. "POST /tickets/*/comment=drop_after*1"'
    )
    sb.add_argument("--latency-ms", type=int, default=0, help="added latency per request, in ms")


def _settings(args: argparse.Namespace):
    from syncro_tui.config import load_settings

    flags = {
        "base_url": getattr(args, "base_url", None),
        "subdomain": getattr(args, "subdomain", None),
        "log_level": getattr(args, "log_level", None),
    }
    return load_settings(getattr(args, "config", None), flags=flags)


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    from syncro_tui.config import ConfigError

    try:
        if args.command == "sandbox":
            from syncro_tui.sandbox.server import run_from_args

            return run_from_args(args)
        settings = _settings(args)
        if args.command == "login":
            from syncro_tui.account import login

            return login(settings)
        if args.command == "logout":
            from syncro_tui.account import logout

            return logout(settings)
        if args.command == "doctor":
            from syncro_tui.doctor import run_doctor

            return run_doctor(settings)
        from syncro_tui.launch import run_tui

        return run_tui(settings, demo=args.demo, plain=args.plain, theme=args.theme)
    except ConfigError as exc:
        print(f"syncro-tui: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
