"""Settings: a TOML file, overridden by ``SYNCRO_TUI_*`` environment variables, overridden by flags.

Plain dataclasses and ``tomllib`` rather than pydantic: the settings are read before the first
paint, and importing pydantic and building models costs about 150 ms there (measured), which is
most of the start-up budget. The validation below is small and gives messages that name the file,
the setting and what is wrong.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syncro_tui import paths

ENV_PREFIX = "SYNCRO_TUI_"
MAX_BUDGET = 180  # Syncro's limit per IP per minute
DEFAULT_CLOSED = ("Resolved", "Invoiced", "Closed")


class ConfigError(ValueError):
    """A setting is missing or wrong. The message says which, where, and what to do."""


@dataclass(frozen=True)
class UISettings:
    theme: str = "textual-dark"
    plain: bool = False  # ASCII borders and markers, ANSI theme (jump boxes)
    bell: bool = True  # ring the terminal bell on new tickets and customer replies
    notify: bool = True  # toast on new tickets and customer replies
    detail_debounce_ms: int = 250


@dataclass(frozen=True)
class BudgetSettings:
    """Who shares the rate budget (Syncro counts requests per IP address)."""

    scope: str = "machine"  # machine: every user on this machine | user: this UNIX user only
    shared_dir: str = ""  # machine scope's folder; "" = <system temp dir>/syncro-tui-budget
    redis_url: str = ""  # every machine of an office through Redis (syncro-tui[redis])


BUDGET_SCOPES = ("machine", "user")


@dataclass(frozen=True)
class Settings:
    subdomain: str = ""
    base_url: str = ""
    auth_style: str = "header"
    requests_per_minute: int = 150
    poll_seconds: int = 60
    reconcile_minutes: int = 15
    timeout_seconds: float = 20.0
    closed_statuses: tuple[str, ...] = DEFAULT_CLOSED
    labor_products: Mapping[str, int] = field(default_factory=dict)
    default_assignee: str = "me"
    expected_user: str = ""
    session_log_dir: str = ""  # empty: <data folder>/session-logs (core.sessionlog.log_folder)
    log_level: str = "INFO"
    ui: UISettings = field(default_factory=UISettings)
    budget: BudgetSettings = field(default_factory=BudgetSettings)
    keymap: Mapping[str, str] = field(default_factory=dict)
    # A profile that cannot write: every write is hidden in the UI and refused by the client.
    read_only: bool = False
    views: tuple[Mapping[str, Any], ...] = ()  # [[views]]: saved views on keys 1-9
    # Where the values came from; not settings themselves.
    config_file: Path | None = None
    config_found: bool = False
    warnings: tuple[str, ...] = ()
    demo: bool = False
    # Where each setting came from, by dotted name ("poll_seconds", "ui.theme"):
    # ("file", path), ("env", VARIABLE), ("flag", "--option"). Absent: the default.
    sources: Mapping[str, tuple[str, str]] = field(default_factory=dict)

    @property
    def api_base_url(self) -> str:
        if self.base_url:
            return self.base_url.rstrip("/")
        if self.subdomain:
            return f"https://{self.subdomain}.syncromsp.com/api/v1"
        raise ConfigError(
            "No Syncro account is configured: set `subdomain` (or `base_url`) in "
            f"{self.config_file or paths.default_config_file()}, or pass --subdomain or "
            "--base-url. First time? `syncro-tui --subdomain NAME login` checks your key and "
            "can write a starter config (`syncro-tui config init` writes the documented "
            "example); `syncro-tui --demo` tries the app on a built-in demo account."
        )

    @property
    def account(self) -> str:
        """A stable name for this account: keyring entry, cache file, header."""
        if self.subdomain and not self.base_url:
            return self.subdomain
        host = urlsplit(self.api_base_url).netloc
        return host or self.api_base_url

    @property
    def has_account(self) -> bool:
        return bool(self.subdomain or self.base_url)

    def with_overrides(self, **values: Any) -> Settings:
        sources = dict(self.sources)
        for key, value in values.items():
            if key == "ui" and isinstance(value, UISettings):
                for f in fields(UISettings):
                    if getattr(value, f.name) != getattr(self.ui, f.name):
                        sources[f"ui.{f.name}"] = ("override", "command line")
            elif key in _TOP:
                sources[key] = ("override", "command line")
        return _validated(replace(self, **values, sources=sources), "command line")

    def source(self, name: str) -> str:
        """Where setting ``name`` came from, in words ("default" when nowhere)."""
        return describe_source(self.sources.get(name))


def describe_source(source: tuple[str, str] | None) -> str:
    if source is None:
        return "default"
    kind, detail = source
    if kind == "file":
        return detail
    if kind == "env":
        return f"environment variable {detail}"
    if kind == "flag":
        return f"command line ({detail})"
    return detail


# ---------------------------------------------------------------------------------------------
# Loading


def load_settings(
    config_path: str | Path | None = None,
    *,
    env: Mapping[str, str] | None = None,
    flags: Mapping[str, Any] | None = None,
) -> Settings:
    """Read the file, apply the environment, then flags. Raises ConfigError on bad values."""
    env = os.environ if env is None else env
    path = Path(config_path or env.get(ENV_PREFIX + "CONFIG") or paths.default_config_file())
    path = path.expanduser()
    raw: dict[str, Any] = {}
    found = False
    if path.exists():
        import tomllib

        try:
            raw = tomllib.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            raise ConfigError(f"Cannot read {path}: {exc}") from None
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{path} is not valid TOML: {exc}") from None
        found = True
    elif config_path:
        raise ConfigError(f"Config file {path} does not exist.")

    warnings: list[str] = []
    sources: dict[str, tuple[str, str]] = {}
    file_values = _from_mapping(raw, str(path), warnings)
    env_names: dict[str, str] = {}
    env_values = _from_env(env, warnings, env_names)
    flag_values = {key: value for key, value in (flags or {}).items() if value is not None}
    layers: list[tuple[dict[str, Any], Any]] = [
        (file_values, lambda name: ("file", str(path))),
        (env_values, lambda name: ("env", env_names[name])),
        (flag_values, lambda name: ("flag", "--" + name.replace("_", "-"))),
    ]
    # The account is one choice: the strongest source naming a subdomain or a base_url
    # decides it (`--subdomain` beats `base_url` in the file: flags win, always).
    account_keys = ("subdomain", "base_url")
    strongest = max(
        (i for i, (layer, _) in enumerate(layers) if any(k in layer for k in account_keys)),
        default=None,
    )
    values: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {name: {} for name in _TABLES}
    for i, (layer, where) in enumerate(layers):
        for key, value in layer.items():
            if key in account_keys and strongest is not None and i < strongest:
                continue
            if key in _TABLES:
                for ukey, uvalue in value.items():
                    tables[key][ukey] = uvalue
                    sources[f"{key}.{ukey}"] = where(f"{key}.{ukey}")
            else:
                values[key] = value
                sources[key] = where(key)
    settings = Settings(
        **values,
        ui=UISettings(**tables["ui"]),
        budget=BudgetSettings(**tables["budget"]),
        config_file=path,
        config_found=found,
        warnings=tuple(warnings),
        sources=sources,
    )
    return _validated(settings, str(path))


_TOP = {f.name for f in fields(Settings)} - {
    "config_file",
    "config_found",
    "warnings",
    "demo",
    "sources",
}
_UI = {f.name for f in fields(UISettings)}
_TABLES = {"ui": _UI, "budget": {f.name for f in fields(BudgetSettings)}}


def _from_mapping(raw: Mapping[str, Any], where: str, warnings: list[str]) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key in _TABLES:
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}: [{key}] must be a table.")
            table = {}
            for ukey, uvalue in value.items():
                if ukey in _TABLES[key]:
                    table[ukey] = uvalue
                else:
                    warnings.append(f"{where}: unknown setting {key}.{ukey} (ignored)")
            values[key] = table
        elif key == "mcp":  # read by `syncro-tui mcp` itself (cli/agent.py)
            if not isinstance(value, Mapping):
                raise ConfigError(f"{where}: [mcp] must be a table.")
            warnings.extend(
                f"{where}: unknown setting mcp.{mkey} (ignored)"
                for mkey in value
                if mkey != "allow_writes"
            )
            if not isinstance(value.get("allow_writes", False), bool):
                raise ConfigError(f"{where}: mcp.allow_writes must be true or false.")
        elif key in _TOP:
            values[key] = value
        else:
            warnings.append(f"{where}: unknown setting {key} (ignored)")
    return values


def _from_env(
    env: Mapping[str, str], warnings: list[str], names: dict[str, str] | None = None
) -> dict[str, Any]:
    names = {} if names is None else names
    values: dict[str, Any] = {}
    tables: dict[str, dict[str, Any]] = {}
    for name, text in env.items():
        if not name.startswith(ENV_PREFIX) or name in (ENV_PREFIX + "CONFIG", ENV_PREFIX + "HOME"):
            continue
        key = name[len(ENV_PREFIX) :].lower()
        table, sep, tkey = key.partition("__")
        if sep and table in _TABLES:
            if tkey in _TABLES[table]:
                tables.setdefault(table, {})[tkey] = _env_value(text)
                names[f"{table}.{tkey}"] = name
            else:
                warnings.append(f"environment: unknown setting {name} (ignored)")
        elif key in _TOP:
            values[key] = _env_value(text)
            names[key] = name
        else:
            warnings.append(f"environment: unknown setting {name} (ignored)")
    values.update(tables)
    return values


def _env_value(text: str) -> Any:
    """Environment values are strings; JSON is accepted for lists and tables."""
    stripped = text.strip()
    if stripped[:1] in "[{":
        import json  # here: nothing else before the TUI's first paint needs json

        try:
            return json.loads(stripped)
        except ValueError:
            pass
    return text


# ---------------------------------------------------------------------------------------------
# Validation

_SUBDOMAIN = re.compile(r"^[a-z0-9][a-z0-9-]{0,62}$", re.I)
_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR")


def _as_int(where: str, name: str, value: Any, low: int, high: int | None = None) -> int:
    if isinstance(value, bool):
        raise ConfigError(f"{where}: {name} must be a whole number (got {value!r}).")
    try:
        number = int(str(value).strip())
    except ValueError:
        raise ConfigError(f"{where}: {name} must be a whole number (got {value!r}).") from None
    if number < low or (high is not None and number > high):
        limit = f"between {low} and {high}" if high is not None else f"at least {low}"
        raise ConfigError(f"{where}: {name} must be {limit} (got {number}).")
    return number


def _as_bool(where: str, name: str, value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower()
    if text in ("1", "true", "yes", "on"):
        return True
    if text in ("0", "false", "no", "off", ""):
        return False
    raise ConfigError(f"{where}: {name} must be true or false (got {value!r}).")


def _as_list(where: str, name: str, value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [part for part in (p.strip() for p in value.split(",")) if part]
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where}: {name} must be a list of names.")
    return tuple(value)


VIEW_KEYS = ("name", "status", "assignee", "customer", "query", "sort")
VIEW_SORTS = ("updated", "created", "priority", "due", "status", "customer")


def _views(where: str, value: Any) -> tuple[dict[str, Any], ...]:
    """``[[views]]``: at most 9 tables, each with a name; status, assignee and customer are
    a name or a list of names, query a filter text, sort one of VIEW_SORTS ("-" reverses)."""
    if not value:
        return ()
    if not isinstance(value, (list, tuple)) or not all(isinstance(v, Mapping) for v in value):
        raise ConfigError(f'{where}: views must be [[views]] tables (name = "...", status = ...).')
    if len(value) > 9:
        raise ConfigError(f"{where}: at most 9 [[views]] (keys 1-9); there are {len(value)}.")
    out = []
    for i, view in enumerate(value, 1):
        unknown = sorted(set(view) - set(VIEW_KEYS))
        if unknown:
            raise ConfigError(
                f"{where}: view {i} has unknown keys {', '.join(unknown)}; "
                f"use {', '.join(VIEW_KEYS)}."
            )
        name = view.get("name")
        if not isinstance(name, str) or not name.strip():
            raise ConfigError(f'{where}: view {i} needs a name (name = "Replies").')
        for key in ("status", "assignee", "customer"):
            if key in view:
                _as_list(where, f"views[{i}].{key}", view[key])
        if "query" in view and not isinstance(view["query"], str):
            raise ConfigError(f"{where}: views[{i}].query must be text.")
        sort = view.get("sort", "updated")
        if not isinstance(sort, str) or sort.lstrip("-") not in VIEW_SORTS:
            raise ConfigError(
                f"{where}: views[{i}].sort must be one of {', '.join(VIEW_SORTS)} "
                f'(a "-" in front reverses), not {sort!r}.'
            )
        out.append({k: view[k] for k in VIEW_KEYS if k in view} | {"name": name.strip()})
    return tuple(out)


def _validated(s: Settings, where: str) -> Settings:
    def at(name: str) -> str:
        """Blame the source the value came from (a variable, a flag), not always the file."""
        source = s.sources.get(name) or s.sources.get(name.split(".")[0])
        return describe_source(source) if source else where

    subdomain = str(s.subdomain or "").strip()
    if subdomain and not _SUBDOMAIN.match(subdomain):
        raise ConfigError(
            f"{at('subdomain')}: subdomain {subdomain!r} is not a Syncro subdomain "
            '(the part before .syncromsp.com, e.g. "acme").'
        )
    base_url = str(s.base_url or "").strip()
    if base_url:
        parts = urlsplit(base_url)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ConfigError(
                f"{at('base_url')}: base_url must be a full URL such as "
                f"https://acme.syncromsp.com/api/v1 (got {base_url!r})."
            )
        if parts.scheme == "http" and parts.hostname not in ("127.0.0.1", "localhost", "::1"):
            raise ConfigError(
                f"{at('base_url')}: base_url must use https (plain http only on loopback)."
            )
    auth = str(s.auth_style).strip().lower()
    if auth not in ("header", "query"):
        raise ConfigError(
            f'{at("auth_style")}: auth_style must be "header" or "query" (got {s.auth_style!r}).'
        )
    budget = _as_int(
        at("requests_per_minute"), "requests_per_minute", s.requests_per_minute, 1, MAX_BUDGET
    )
    poll = _as_int(at("poll_seconds"), "poll_seconds", s.poll_seconds, 15, 3600 * 24)
    reconcile = _as_int(
        at("reconcile_minutes"), "reconcile_minutes", s.reconcile_minutes, 1, 24 * 60
    )
    try:
        if isinstance(s.timeout_seconds, bool):  # TOML `true` is not 1 second
            raise TypeError
        timeout = float(s.timeout_seconds)
    except (TypeError, ValueError):
        raise ConfigError(
            f"{at('timeout_seconds')}: timeout_seconds must be a number of seconds (got {s.timeout_seconds!r})."
        ) from None
    if not 1 <= timeout <= 300:
        raise ConfigError(
            f"{at('timeout_seconds')}: timeout_seconds must be between 1 and 300 (got {timeout:g})."
        )
    closed = _as_list(at("closed_statuses"), "closed_statuses", s.closed_statuses)
    labor = s.labor_products
    if not isinstance(labor, Mapping):
        raise ConfigError(
            f"{at('labor_products')}: [labor_products] must be a table of name = product_id."
        )
    labor = {
        str(name): _as_int(at(f"labor_products.{name}"), f"labor_products.{name}", pid, 1)
        for name, pid in labor.items()
    }
    keymap = s.keymap
    if not isinstance(keymap, Mapping) or not all(isinstance(v, str) for v in keymap.values()):
        raise ConfigError(f'{at("keymap")}: [keymap] must be a table of binding_id = "keys".')
    views = _views(at("views"), s.views)
    level = str(s.log_level).strip().upper()
    if level not in _LEVELS:
        raise ConfigError(
            f"{at('log_level')}: log_level must be one of {', '.join(_LEVELS)} (got {s.log_level!r})."
        )
    ui = s.ui
    ui = UISettings(
        theme=str(ui.theme),
        plain=_as_bool(at("ui.plain"), "ui.plain", ui.plain),
        bell=_as_bool(at("ui.bell"), "ui.bell", ui.bell),
        notify=_as_bool(at("ui.notify"), "ui.notify", ui.notify),
        detail_debounce_ms=_as_int(
            at("ui.detail_debounce_ms"), "ui.detail_debounce_ms", ui.detail_debounce_ms, 0, 5000
        ),
    )
    budget_scope = str(s.budget.scope).strip().lower()
    if budget_scope not in BUDGET_SCOPES:
        raise ConfigError(
            f'{where}: budget.scope must be "machine" or "user" (got {s.budget.scope!r}).'
        )
    redis_url = str(s.budget.redis_url or "").strip()
    if redis_url and urlsplit(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError(
            f"{where}: budget.redis_url must look like redis://host:6379/0 (or rediss:// for TLS)."
        )
    budget_settings = BudgetSettings(
        scope=budget_scope, shared_dir=str(s.budget.shared_dir or "").strip(), redis_url=redis_url
    )
    return replace(
        s,
        subdomain=subdomain,
        base_url=base_url,
        auth_style=auth,
        requests_per_minute=budget,
        poll_seconds=poll,
        reconcile_minutes=reconcile,
        timeout_seconds=timeout,
        closed_statuses=closed,
        labor_products=labor,
        keymap=dict(keymap),
        views=views,
        default_assignee=str(s.default_assignee or "me"),
        expected_user=str(s.expected_user or ""),
        session_log_dir=str(s.session_log_dir),
        log_level=level,
        ui=ui,
        budget=budget_settings,
        read_only=_as_bool(at("read_only"), "read_only", s.read_only),
    )
