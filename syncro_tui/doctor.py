"""`syncro-tui doctor`: check the set-up and say, in plain words, what is wrong and what to do."""

from __future__ import annotations

import asyncio
import os
import shutil
import sys
from dataclasses import dataclass, field
from typing import Any

from syncro_tui import secrets, startup
from syncro_tui.config import Settings

OK, WARN, FAIL = "ok", "warn", "FAIL"

# What the app does -> which /me permission it needs (GET /me reports ticket/invoice/customer
# read/write/delete; timers, comments and line items ride on ticket write).
NEEDS = (
    ("read tickets", "ticket", "read"),
    ("create and edit tickets", "ticket", "write"),
    ("post comments", "ticket", "write"),
    ("log timers", "ticket", "write"),
    ("add line items", "ticket", "write"),
    ("create invoices", "invoice", "write"),
    ("look up customers", "customer", "read"),
)


@dataclass
class Report:
    lines: list[tuple[str, str]] = field(default_factory=list)

    def add(self, state: str, text: str) -> None:
        self.lines.append((state, text))

    @property
    def failed(self) -> bool:
        return any(state == FAIL for state, _ in self.lines)

    def render(self) -> str:
        return "\n".join(f"[{state:>4}] {text}" for state, text in self.lines)


def check_terminal(report: Report, env: dict[str, str] | None = None) -> None:
    env = dict(os.environ if env is None else env)
    size = shutil.get_terminal_size((0, 0))
    if size.columns == 0:
        report.add(WARN, "Terminal size unknown (not a terminal?).")
    elif size.columns < 80 or size.lines < 24:
        report.add(WARN, f"Terminal is {size.columns}x{size.lines}; 80x24 or larger works best.")
    else:
        report.add(OK, f"Terminal is {size.columns}x{size.lines}.")
    term = env.get("TERM", "")
    colorterm = env.get("COLORTERM", "")
    if "NO_COLOR" in env:
        report.add(OK, "NO_COLOR is set: colours are off.")
    elif colorterm in ("truecolor", "24bit"):
        report.add(OK, f"Colours: truecolor (TERM={term or '?'}).")
    elif "256color" in term:
        report.add(OK, f"Colours: 256 (TERM={term}).")
    elif term in ("", "dumb"):
        report.add(WARN, f"TERM={term or '(unset)'}: set TERM=xterm-256color, or run with --plain.")
    else:
        report.add(WARN, f"Colours: basic (TERM={term}); --plain or an ANSI theme reads best.")


async def _api_checks(
    report: Report, settings: Settings, key: secrets.SecretKey, transport: Any
) -> None:
    from syncro_tui.account import describe_error
    from syncro_tui.core.connect import make_client
    from syncro_tui.core.text import clean

    async with make_client(settings, key, transport=transport, read_retries=0) as client:
        try:
            me = await client.me()
        except Exception as exc:
            report.add(FAIL, f"GET /me failed: {describe_error(exc)}")
            return
        report.add(
            OK, f"GET /me answers: the key belongs to {clean(me.user_name)} (user_id {me.user_id})."
        )
        if settings.expected_user and settings.expected_user.strip().lower() not in (
            str(me.user_id),
            (me.user_name or "").strip().lower(),
        ):
            report.add(
                WARN,
                f"expected_user is {settings.expected_user!r} but the key belongs to {clean(me.user_name)}: "
                "everything you post will be attributed to them.",
            )
        perms = getattr(me, "permissions", None) or {}
        if not perms:
            report.add(WARN, "GET /me did not list permissions; cannot check them ahead of time.")
        for what, area, right in NEEDS:
            granted = (
                (perms.get(area) or {}).get(right) if isinstance(perms.get(area), dict) else None
            )
            if granted is True:
                report.add(OK, f"Permission to {what} ({area}.{right}).")
            elif granted is False:
                report.add(
                    FAIL,
                    f"The token may not {what} ({area}.{right} is off): ask your Syncro admin.",
                )
        await _canned_responses(report, client)
        try:
            products = await client.all_products()
        except Exception as exc:
            report.add(FAIL, f"GET /products failed: {describe_error(exc)}")
            return
        by_id = {p.id: p for p in products}
        choices = _labor_choices(products)
        if not settings.labor_products:
            report.add(
                FAIL,
                "No [labor_products] configured: billing cannot work (it always asks the labor "
                f"type). Add them to {settings.config_file}, e.g. [labor_products] remote = ID; "
                + (
                    f"products that look like labor: {choices}."
                    if choices
                    else "see GET /products."
                ),
            )
            return
        wrong = False
        for name, pid in settings.labor_products.items():
            product = by_id.get(pid)
            if product is None:
                wrong = True
                report.add(FAIL, f"Labor product {name} = {pid} does not exist in GET /products.")
            elif product.disabled:
                wrong = True
                report.add(
                    FAIL, f"Labor product {name} = {pid} ({clean(product.name)}) is disabled."
                )
            else:
                report.add(OK, f"Labor product {name} = {pid} ({clean(product.name)}).")
        if wrong:
            report.add(FAIL, f"Valid labor products: {choices or 'none found in GET /products'}.")


def _labor_choices(products: list[Any], limit: int = 12) -> str:
    """ "id name" of the enabled products that look like labor (else of all enabled ones)."""
    from syncro_tui.core.text import one_line

    enabled = [p for p in products if not p.disabled]
    labor = [
        p
        for p in enabled
        if "labor" in f"{p.product_category or ''} {p.category_path or ''} {p.name}".lower()
        or "labour" in f"{p.product_category or ''} {p.name}".lower()
    ] or enabled
    shown = ", ".join(f"{p.id} {one_line(p.name)}" for p in labor[:limit])
    return shown + (f" (and {len(labor) - limit} more)" if len(labor) > limit else "")


async def _canned_responses(report: Report, client: Any) -> None:
    """Canned responses need "Ticket Canned Responses - Manage", even to read them."""
    from syncro_tui.api import errors

    if not hasattr(client, "canned_responses"):
        return
    try:
        await client.canned_responses()
    except errors.PermissionDenied:
        report.add(
            WARN,
            'The token may not read canned responses (it needs "Ticket Canned Responses - '
            'Manage"): forms will offer none; ask your Syncro admin.',
        )
    except Exception as exc:
        from syncro_tui.account import describe_error

        report.add(WARN, f"GET /canned_responses failed: {describe_error(exc)}")
    else:
        report.add(OK, "Permission to read canned responses.")


def _read_only_fs(path: Any) -> bool:
    try:
        return bool(os.statvfs(path).f_flag & os.ST_RDONLY)
    except (OSError, AttributeError):
        return False


def check_install(report: Report) -> None:
    """Versions, folders (with their permissions, writability and free space), keyring."""
    import platform
    import stat
    from importlib.metadata import PackageNotFoundError, version

    from syncro_tui import __version__, paths, startup

    versions = [f"syncro-tui {__version__}", f"Python {platform.python_version()}"]
    for dist in ("textual", "httpx", "pydantic", "keyring"):
        try:
            versions.append(f"{dist} {version(dist)}")
        except PackageNotFoundError:
            pass
    report.add(OK, "Versions: " + ", ".join(versions) + ".")
    for label, folder in (
        ("config", paths.config_dir()),
        ("data", paths.data_dir()),
        ("cache", paths.cache_dir()),
        ("log", paths.log_dir()),
    ):
        if not folder.exists():
            parent = startup._blocked_at(folder)
            if os.access(parent, os.W_OK):
                report.add(OK, f"Folder {label}: {folder} (not created yet).")
            else:
                import errno

                state = FAIL if label in ("data", "config") else WARN
                report.add(
                    state,
                    f"Folder {label}: {folder} cannot be created. "
                    + startup.folder_problem(
                        parent, OSError(errno.EROFS if _read_only_fs(parent) else errno.EACCES, "")
                    ),
                )
            continue
        mode = stat.S_IMODE(folder.stat().st_mode)
        problem = startup.probe_writable(folder)
        try:
            free = shutil.disk_usage(folder).free
        except OSError:
            free = None
        free_text = f", {free / 2**20:,.0f} MiB free" if free is not None else ""
        if problem is not None:
            state = FAIL if label in ("data", "config") else WARN
            report.add(state, startup.folder_problem(folder, problem))
        elif mode & 0o077:
            report.add(
                WARN,
                f"Folder {label}: {folder} is mode {mode:04o}, readable by other users "
                "(the next start makes it 0700).",
            )
        elif free is not None and free < 50 * 2**20:
            report.add(
                WARN, f"Folder {label}: {folder}: only {free / 2**20:.0f} MiB free; free space."
            )
        else:
            report.add(OK, f"Folder {label}: {folder} (mode {mode:04o}{free_text}).")
    report.add(OK, f"Key storage: {secrets.backend_name()}.")


def diagnose(settings: Settings, *, transport: Any = None) -> Report:
    report = Report()
    check_install(report)
    if settings.config_found:
        report.add(OK, f"Config found: {settings.config_file} (valid).")
    else:
        report.add(
            WARN, f"No config file at {settings.config_file}; using defaults and environment."
        )
    for warning in settings.warnings:
        report.add(WARN, warning)
    if not settings.has_account:
        report.add(
            FAIL, "No account: set subdomain (or base_url) in the config, or pass --base-url."
        )
        check_terminal(report)
        return report
    report.add(
        OK,
        f"Account: {settings.account} ({settings.api_base_url}), auth style {settings.auth_style}.",
    )
    found = secrets.find_key(settings.account)
    if found is None:
        report.add(FAIL, f"No API key for {settings.account}: run `syncro-tui login`.")
    else:
        report.add(OK, f"API key found in the {found.source}.")
        if found.warning:
            report.add(WARN, found.warning)
        asyncio.run(_api_checks(report, settings, found.key, transport))
        if found.source == "environment":  # "run login" would not help: the variable wins
            fix = f"The key comes from {secrets.ENV_VAR}, which wins over a stored one: fix or unset it (unset {secrets.ENV_VAR}), then run `syncro-tui login` if you want it stored."
            report.lines = [
                (state, text.replace("Run `syncro-tui login` to store a valid key.", fix))
                if state == FAIL
                else (state, text)
                for state, text in report.lines
            ]
    check_terminal(report)
    return report


def run_doctor(settings: Settings, *, as_json: bool = False) -> int:
    startup.begin(settings.log_level)
    report = diagnose(settings)
    if as_json:
        import json

        print(
            json.dumps(
                {
                    "ok": not report.failed,
                    "checks": [{"state": s.strip().lower(), "text": t} for s, t in report.lines],
                },
                indent=2,
            )
        )
        sys.stdout.flush()
        return 1 if report.failed else 0
    print(report.render())
    print()
    print("Problems found: see FAIL lines above." if report.failed else "All checks passed.")
    sys.stdout.flush()
    return 1 if report.failed else 0
