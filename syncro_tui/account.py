"""`syncro-tui login` and `syncro-tui logout`."""

from __future__ import annotations

import asyncio
import getpass
import sys

from syncro_tui import logsetup, secrets, startup
from syncro_tui.config import Settings


def _read_key(account: str) -> str:
    if sys.stdin.isatty():
        return getpass.getpass(f"Syncro API key for {account} (input hidden): ")
    return sys.stdin.readline()


async def _whoami(settings: Settings, key: secrets.SecretKey):
    from syncro_tui.core.connect import make_client

    async with make_client(settings, key) as client:
        return await client.me()


def describe_error(exc: BaseException) -> str:
    """A one-line, key-free description of why a request failed."""
    from syncro_tui.api.errors import SyncroError
    from syncro_tui.core.text import one_line

    # Error text may quote the server: plain text on one line, never escape sequences.
    if isinstance(exc, SyncroError):
        return one_line(str(exc))
    return one_line(f"{type(exc).__name__}: {logsetup.redact(str(exc))}")


def login(settings: Settings) -> int:
    startup.begin(settings.log_level)
    account = settings.account  # raises ConfigError when nothing is configured
    key = secrets.SecretKey(_read_key(account))
    if not key:
        print("No key entered; nothing was stored.", file=sys.stderr)
        return 1
    print(f"Checking the key with GET {settings.api_base_url}/me ...")
    try:
        me = asyncio.run(_whoami(settings, key))
    except Exception as exc:  # every failure ends the same way: say why, store nothing
        print(f"The key was not accepted: {describe_error(exc)}", file=sys.stderr)
        print("Nothing was stored.", file=sys.stderr)
        return 1
    from syncro_tui.core.text import clean

    # The name comes from the server: plain text only (no OSC 52, title or clear-screen codes).
    print(f"Authenticated as {clean(me.user_name)} (user_id {clean(me.user_id)})")
    try:
        where, warning = secrets.store_key(account, key)
    except OSError as exc:
        folder = secrets.credentials_file().parent
        print(
            f"The key works, but it could not be stored. {startup.folder_problem(folder, exc)} "
            f"Or set {secrets.ENV_VAR} in your shell instead.",
            file=sys.stderr,
        )
        return 1
    if warning:
        print(f"Warning: {warning}", file=sys.stderr)
    print(f"Key stored in the {where} for {account}.")
    return 0


def logout(settings: Settings) -> int:
    account = settings.account
    removed = secrets.delete_key(account)
    if removed:
        print(f"Removed the key for {account} from the {' and the '.join(removed)}.")
    else:
        print(f"No stored key for {account}.")
    if secrets.ENV_VAR in __import__("os").environ:
        print(f"Note: {secrets.ENV_VAR} is still set in this shell and takes precedence.")
    return 0
