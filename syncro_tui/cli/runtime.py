"""One command's connection to Syncro: settings -> key -> the core Session, and exit codes.

Every command runs its body through ``run``: the same Session (client, shared rate budget,
write journal) the TUI uses, and every failure turned into an exit code and a message on
stderr that says what to do (the key never appears: errors are redacted by the client).
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

from syncro_tui.cli import exitcodes
from syncro_tui.cli.output import err


class CommandError(Exception):
    """Ends the command with ``code`` after printing the message to stderr."""

    def __init__(self, message: str, code: int = exitcodes.ERROR) -> None:
        super().__init__(message)
        self.code = code


class Runtime:
    def __init__(self, args: argparse.Namespace) -> None:
        from syncro_tui.cli.common import settings_from

        self.args = args
        self.settings = settings_from(args)
        _ = self.settings.api_base_url  # ConfigError (code 2) when no account is set
        self.session: Any = None
        self.sandbox: Any = None  # the in-process sandbox with --demo

    @property
    def json(self) -> bool:
        return bool(getattr(self.args, "json", False))

    async def open(self) -> Any:
        from syncro_tui.core.backend import RealBackend
        from syncro_tui.core.session import Session
        from syncro_tui.core.store import Store
        from syncro_tui.demo import SandboxBackend

        backend = SandboxBackend(self.sandbox) if self.settings.demo else RealBackend()
        connection = await backend.connect(self.settings)
        if self.settings.demo:
            self.sandbox = getattr(backend, "sandbox", None)
        if connection.warning:
            err(f"Warning: {connection.warning}")
        from syncro_tui.startup import read_only_reason

        # A data folder that cannot be written: reads work, every write is refused (no
        # journal, no write), as in the TUI.
        self.session = Session(self.settings, Store(), connection, read_only=read_only_reason())
        if self.session.journal_notice:
            err(f"Warning: {self.session.journal_notice}")
        return self.session

    async def close(self) -> None:
        if self.session is not None:
            await self.session.aclose()
            self.session = None


def exit_code_for(exc: BaseException) -> tuple[int, str]:
    """(exit code, message) for anything a command can fail with."""
    from syncro_tui import logsetup
    from syncro_tui.config import ConfigError
    from syncro_tui.core.backend import NoKeyError

    if isinstance(exc, CommandError):
        return exc.code, str(exc)
    if isinstance(exc, ConfigError):
        return exitcodes.USAGE, str(exc)
    if isinstance(exc, NoKeyError):
        return exitcodes.AUTH, (
            f"{exc} Or set SYNCRO_API_KEY for this command (the key is never printed)."
        )
    from syncro_tui.api import errors as E

    if isinstance(exc, E.AuthError):
        return exitcodes.AUTH, f"{exc}"
    if isinstance(exc, E.SyncroError):
        return exitcodes.ERROR, str(exc)
    from syncro_tui.core.outbox import OutboxError

    if isinstance(exc, OutboxError):  # e.g. a read-only journal: nothing was sent
        return exitcodes.ERROR, str(exc)
    if isinstance(exc, ValueError):  # input a builder refused (empty body, bad id, ...)
        return exitcodes.USAGE, str(exc)
    return exitcodes.ERROR, (
        f"Unexpected error: {type(exc).__name__}: {logsetup.redact(str(exc))}. "
        "Nothing more was sent; `syncro-tui writes` shows what the journal knows."
    )


def run(args: argparse.Namespace, body: Callable[[Runtime], Awaitable[int]]) -> int:
    """Open the session, run ``body``, close; turn failures into exit codes."""
    from syncro_tui import startup

    try:
        rt = Runtime(args)
    except Exception as exc:
        code, message = exit_code_for(exc)
        err(f"syncro-tui: {message}")
        return code
    startup.begin(rt.settings.log_level, network=not rt.settings.demo)

    async def main() -> int:
        try:
            await rt.open()
            return await body(rt)
        finally:
            await rt.close()

    try:
        return asyncio.run(main())
    except KeyboardInterrupt:
        err("Interrupted. Anything sent is in the journal: `syncro-tui writes` shows its state.")
        return 130
    except BrokenPipeError:
        from syncro_tui.cli.output import _silence

        _silence()
        return exitcodes.OK
    except Exception as exc:
        code, message = exit_code_for(exc)
        err(f"syncro-tui: {message}")
        return code
