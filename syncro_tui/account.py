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


async def _products(settings: Settings, key: secrets.SecretKey):
    from syncro_tui.core.connect import make_client

    async with make_client(settings, key) as client:
        return await client.all_products()


def _ask(prompt: str) -> str:
    print(prompt, end="", flush=True)
    return sys.stdin.readline().strip()


def starter_config(settings: Settings, labor: dict[str, int]) -> str:
    """A small config.toml: the account and the chosen labor products (TOML strings are
    written JSON-quoted, which TOML reads back as the same text)."""
    import json

    lines = [
        "# Written by `syncro-tui login`. Every setting, documented: `syncro-tui config init`",
        "# writes the full example (or see config.example.toml).",
        "",
    ]
    if settings.subdomain and not settings.base_url:
        lines.append(f"subdomain = {json.dumps(settings.subdomain)}")
    else:
        lines.append(f"base_url = {json.dumps(settings.api_base_url)}")
    lines += [
        "",
        "# Labor types billing offers (name = product id from GET /products).",
        "[labor_products]",
    ]
    lines += [f"{json.dumps(name, ensure_ascii=False)} = {pid}" for name, pid in labor.items()]
    return "\n".join(lines) + "\n"


def _pick_labor(products: list, answer: str | None) -> dict[str, int]:
    from syncro_tui.core.text import one_line

    enabled = [p for p in products if not p.disabled]
    labor = [p for p in enabled if "labor" in f"{p.product_category or ''} {p.name}".lower()]
    offered = labor or enabled
    by_id = {p.id: p for p in enabled}
    if answer is None:
        print("Products that look like labor:")
        for i, p in enumerate(offered[:30], 1):
            print(f"  {i:>2}. {one_line(p.name)} (id {p.id})")
        answer = _ask(
            "Labor types for billing (numbers or product ids, e.g. 1,2; empty for none): "
        )
    chosen: dict[str, int] = {}
    for part in answer.replace(" ", ",").split(","):
        if not part.strip().isdigit():
            continue
        number = int(part)
        product = offered[number - 1] if 1 <= number <= min(len(offered), 30) else by_id.get(number)
        if product is not None:
            chosen[one_line(product.name) or f"product {product.id}"] = product.id
    return chosen


def offer_starter_config(
    settings: Settings, key: secrets.SecretKey, *, write: bool | None, labor: str | None
) -> int:
    """After a good login without a config file: write one so later commands need no flags."""
    from pathlib import Path

    from syncro_tui import paths

    target = Path(settings.config_file or paths.default_config_file())
    if write is False or (write is None and (settings.config_found or not sys.stdin.isatty())):
        return 0
    if target.exists():
        print(f"{target} already exists; left as it is.")
        return 0
    if write is None and _ask(f"Write a starter config to {target}? [Y/n] ").lower() in ("n", "no"):
        return 0
    try:
        products = asyncio.run(_products(settings, key))
    except Exception as exc:
        print(f"Could not read GET /products: {describe_error(exc)}", file=sys.stderr)
        products = []
    chosen = _pick_labor(products, labor)
    try:
        paths.write_private(target, starter_config(settings, chosen))
    except OSError as exc:
        print(f"No config written. {startup.folder_problem(target.parent, exc)}", file=sys.stderr)
        return 1
    print(f"Wrote {target} ({len(chosen)} labor product{'s' if len(chosen) != 1 else ''}).")
    if not chosen:
        print("Billing needs [labor_products]: add them there (`syncro-tui doctor` lists them).")
    return 0


def login(settings: Settings, *, write_config: bool | None = None, labor: str | None = None) -> int:
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
    return offer_starter_config(settings, key, write=write_config, labor=labor)


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
