"""Fault injection rules: the grammar from docs/ARCHITECTURE.md.

    SPEC = RULE(;RULE)*        RULE = METHOD PATHGLOB=KIND[:ARG][*TIMES]

METHOD and PATHGLOB may be ``*``; PATHGLOB is an fnmatch pattern over the path below
``/api/v1`` (``*`` also crosses ``/``), so ``POST /tickets/*/comment`` or ``* *``. A leading
``/api/v1`` in the pattern is accepted and ignored. ``*TIMES`` limits how often a rule fires.

A request collects every matching ``latency`` rule (their delays add up) and at most one
other rule: the first that matches and still has firings left. Only rules that fire use up
one of their TIMES.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from fnmatch import fnmatchcase

from .defaults import API_PREFIX

KINDS = (
    "latency",
    "error_before",
    "error_after",
    "drop_after",
    "timeout_after",
    "rate_limit",
    "malformed",
    "html",
)
# Kinds that take no ARG, and kinds whose ARG is an HTTP status.
_NO_ARG = ("drop_after", "malformed")
_STATUS_ARG = ("error_before", "error_after", "html")
DEFAULT_ERROR_STATUS = 500


@dataclass(slots=True)
class FaultRule:
    method: str
    path_glob: str
    kind: str
    arg: float | None = None
    times: int | None = None  # None: always

    def matches(self, method: str, path: str) -> bool:
        return (self.method in ("*", method)) and fnmatchcase(path, self.path_glob)

    @property
    def status(self) -> int:
        """The HTTP status for error_before / error_after / html."""
        return int(self.arg) if self.arg is not None else DEFAULT_ERROR_STATUS

    def __str__(self) -> str:
        arg = "" if self.arg is None else f":{self.arg:g}"
        times = "" if self.times is None else f"*{self.times}"
        return f"{self.method} {self.path_glob}={self.kind}{arg}{times}"


def parse_rule(text: str) -> FaultRule:
    """One ``METHOD PATHGLOB=KIND[:ARG][*TIMES]``; ValueError says what is wrong."""
    head, eq, action = text.strip().rpartition("=")
    parts = head.split()
    if not eq or len(parts) != 2:
        raise ValueError(f"fault rule {text!r}: expected 'METHOD PATHGLOB=KIND[:ARG][*TIMES]'")
    method, glob = parts[0].upper(), parts[1]
    if glob.startswith(API_PREFIX + "/"):
        glob = glob[len(API_PREFIX) :]
    action, star, times_text = action.partition("*")
    kind, colon, arg_text = action.strip().partition(":")
    if kind not in KINDS:
        raise ValueError(
            f"fault rule {text!r}: unknown kind {kind!r}; use one of {', '.join(KINDS)}"
        )
    arg = None
    if colon:
        if kind in _NO_ARG:
            raise ValueError(f"fault rule {text!r}: {kind} takes no argument")
        try:
            arg = float(arg_text)
        except ValueError:
            raise ValueError(
                f"fault rule {text!r}: argument {arg_text!r} is not a number"
            ) from None
        if kind in _STATUS_ARG and not 400 <= arg <= 599:
            raise ValueError(f"fault rule {text!r}: status {arg_text} must be 400-599")
        if arg < 0:
            raise ValueError(f"fault rule {text!r}: argument must not be negative")
    if kind == "latency" and arg is None:
        raise ValueError(f"fault rule {text!r}: latency needs milliseconds, e.g. latency:250")
    times = None
    if star:
        if not times_text.strip().isdigit() or int(times_text) < 1:
            raise ValueError(f"fault rule {text!r}: *TIMES must be a positive integer")
        times = int(times_text)
    return FaultRule(method, glob, kind, arg, times)


def parse_spec(spec: str | None) -> list[FaultRule]:
    return [parse_rule(part) for part in (spec or "").split(";") if part.strip()]


@dataclass(slots=True)
class FaultPlan:
    """What the faults decided for one request."""

    latency: float = 0.0  # seconds to wait before handling
    rule: FaultRule | None = None  # the one non-latency rule that fired


class FaultSet:
    """The active rules. Thread-safe: tests add rules while the loopback server runs."""

    def __init__(self, spec: str | None = None) -> None:
        self._lock = threading.Lock()
        self._rules: list[FaultRule] = parse_spec(spec)

    def add(self, spec: str) -> list[FaultRule]:
        """Add one or more ``;``-separated rules; returns them (their ``times`` count down)."""
        rules = parse_spec(spec)
        with self._lock:
            self._rules.extend(rules)
        return rules

    def clear(self) -> None:
        with self._lock:
            self._rules.clear()

    @property
    def rules(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def plan(self, method: str, path: str) -> FaultPlan:
        """Fire the rules matching this request, using up their TIMES."""
        plan = FaultPlan()
        with self._lock:
            for rule in self._rules:
                if rule.times == 0 or not rule.matches(method, path):
                    continue
                if rule.kind == "latency":
                    plan.latency += (rule.arg or 0) / 1000.0
                elif plan.rule is None:
                    plan.rule = rule
                else:
                    continue
                if rule.times is not None:
                    rule.times -= 1
            self._rules = [r for r in self._rules if r.times != 0]
        return plan

    def __str__(self) -> str:
        return ";".join(str(rule) for rule in self.rules)
