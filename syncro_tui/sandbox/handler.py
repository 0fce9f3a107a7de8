"""The pure, synchronous core that both front ends share.

``Core.plan(request)`` decides which faults fire (and how long to wait first);
``Core.handle(request, plan)`` does everything else under one lock: rate limit, body
parsing, auth, permissions, the route, the request log and the after-effects of faults.
The in-process httpx transport and the loopback HTTP server only move bytes and carry out
the ``Outcome.action`` (respond, drop the connection, or never answer), so both behave
identically.
"""

from __future__ import annotations

import hmac
import json
import threading
import traceback
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timezone
from fnmatch import fnmatchcase
from http import HTTPStatus
from urllib.parse import parse_qs, urlsplit

from .defaults import API_PREFIX, RATE_WINDOW_SECONDS
from .faults import FaultPlan, FaultRule, FaultSet
from .limits import RollingWindow
from .render import Views
from .routes import PERMISSION_DENIED, Call, Reject, Routes, resolve
from .state import State

RESPOND, DROP, TIMEOUT = "respond", "drop", "timeout"
_WRITES = frozenset({"POST", "PUT", "PATCH"})
# Fault kinds that answer in front of the API, so nothing is applied.
_BEFORE = frozenset({"error_before", "rate_limit", "html"})
JSON_TYPE = "application/json; charset=utf-8"
HTML_TYPE = "text/html; charset=utf-8"
BAD_KEY = {"error": "Unauthorized"}


@dataclass(slots=True, frozen=True)
class Request:
    method: str
    target: str  # path plus query, e.g. "/api/v1/tickets?page=2"
    headers: Mapping[str, str]  # names lower-cased
    body: bytes = b""
    client: str = "127.0.0.1"  # the address the rate limit counts against


@dataclass(slots=True)
class Outcome:
    status: int
    headers: dict[str, str]
    body: bytes
    action: str = RESPOND  # RESPOND, DROP (close, no answer), TIMEOUT (never answer)
    hold: float | None = None  # TIMEOUT: the rule's seconds, None for the front end's default


@dataclass(slots=True)
class RequestRecord:
    t: float
    method: str
    path: str  # below /api/v1, no query
    query: dict[str, str]
    status: int  # as sent; for drop/timeout, what the API had decided
    client: str
    json: object | None
    fault: str | None = None  # the fault kind that fired, if any


@dataclass(slots=True)
class _Parsed:
    method: str
    path: str  # below /api/v1 when in_api, else the raw path
    in_api: bool
    query: dict[str, list[str]]
    json_ok: bool  # False: a write whose body is not JSON
    json: object | None  # the decoded body of a write ({} when empty)


def _parse(request: Request) -> _Parsed:
    split = urlsplit(request.target)
    path = split.path
    in_api = path == API_PREFIX or path.startswith(API_PREFIX + "/")
    if in_api:
        path = path[len(API_PREFIX) :] or "/"
    method = request.method.upper()
    json_ok, body = True, None
    if method in _WRITES:
        try:
            body = json.loads(request.body) if request.body.strip() else {}
        except (ValueError, UnicodeDecodeError):
            json_ok = False
    return _Parsed(
        method, path, in_api, parse_qs(split.query, keep_blank_values=True), json_ok, body
    )


def json_outcome(status: int, payload: object, headers: dict | None = None) -> Outcome:
    body = b"" if payload is None else json.dumps(payload, ensure_ascii=False).encode()
    return Outcome(status, {"content-type": JSON_TYPE, **(headers or {})}, body)


def html_outcome(status: int, detail: str) -> Outcome:
    phrase = _phrase(status)
    page = (
        f"<!DOCTYPE html>\n<html><head><title>{status} {phrase}</title></head>\n"
        f"<body><h1>{phrase}</h1><p>{detail}</p></body></html>\n"
    )
    return Outcome(status, {"content-type": HTML_TYPE}, page.encode())


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


class Core:
    def __init__(
        self,
        state: State,
        *,
        api_key: str,
        clock: Callable[[], float],
        faults: FaultSet,
        rate_limit: int | None,
        latency_ms: float = 0.0,
        tz: timezone,
        since_date_only: bool = False,
    ) -> None:
        self.lock = threading.RLock()
        self.state = state
        self.api_key = api_key
        self.clock = clock
        self.faults = faults
        self.latency = latency_ms / 1000.0
        self.limiter = RollingWindow(rate_limit, RATE_WINDOW_SECONDS) if rate_limit else None
        self.views = Views(state, tz)
        self.routes = Routes(state, self.views, since_date_only=since_date_only)
        self.log: list[RequestRecord] = []
        # Tracebacks of routes that raised: each answered 500 and logged like any request.
        self.internal_errors: list[str] = []

    # -- the two steps ---------------------------------------------------------------------

    def plan(self, request: Request) -> FaultPlan:
        """Fire the matching fault rules; the front end waits ``plan.latency`` first."""
        parsed = _parse(request)
        plan = self.faults.plan(parsed.method, parsed.path)
        plan.latency += self.latency
        return plan

    def handle(self, request: Request, plan: FaultPlan) -> Outcome:
        parsed = _parse(request)
        rule = plan.rule
        with self.lock:
            now = self.clock()
            if rule is not None and rule.kind in _BEFORE:
                outcome = _fault_answer(rule)
            else:
                outcome = self._serve(request, parsed, now)
                if rule is not None:
                    outcome = _after(rule, outcome)
            self.log.append(
                RequestRecord(
                    t=now,
                    method=parsed.method,
                    path=parsed.path,
                    query={k: v[-1] for k, v in parsed.query.items()},
                    status=outcome.status,
                    client=request.client,
                    json=parsed.json,
                    fault=rule.kind if rule else None,
                )
            )
        return outcome

    # -- the API itself ----------------------------------------------------------------------

    def _serve(self, request: Request, parsed: _Parsed, now: float) -> Outcome:
        """Checks in the order a Rails app behind a per-IP throttle makes them: rate limit,
        body parsing (a non-JSON write never reaches the controller), key, route,
        permission; then the route itself."""
        if self.limiter is not None:
            wait = self.limiter.admit(request.client, now)
            if wait is not None:
                return json_outcome(
                    429,
                    {
                        "error": f"Rate limit exceeded: {self.limiter.limit} requests per minute. "
                        f"Retry in {wait} seconds."
                    },
                    {"retry-after": str(wait)},
                )
        if not parsed.in_api:
            return json_outcome(404, {"message": "Not found"})
        if parsed.method in _WRITES:
            content_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
            if content_type != "application/json":
                return html_outcome(400, "Bad Request: send Content-Type: application/json")
            if not parsed.json_ok:
                return html_outcome(400, "Bad Request: the body is not valid JSON")
        if not self._authorized(request, parsed):
            return json_outcome(401, BAD_KEY)
        found = resolve(parsed.method, parsed.path)
        if found is None:
            return json_outcome(404, {"message": "Not found"})
        name, ids, permission = found
        if permission and not self.state.permissions[permission]:
            return json_outcome(401, PERMISSION_DENIED)
        call = Call(now, parsed.query, parsed.json if isinstance(parsed.json, dict) else {})
        try:
            status, payload = getattr(self.routes, name)(call, *ids)
        except Reject as rejected:
            status, payload = rejected.status, rejected.payload
        except Exception:  # a bug in the sandbox: answered as a Rails app would, and kept
            self.internal_errors.append(traceback.format_exc())
            return html_outcome(500, "We're sorry, but something went wrong.")
        return json_outcome(status, payload)

    def _authorized(self, request: Request, parsed: _Parsed) -> bool:
        """``Authorization: Bearer KEY``, a bare ``Authorization: KEY`` or ``?api_key=KEY``."""
        offered = list(parsed.query.get("api_key", []))
        header = request.headers.get("authorization", "").strip()
        if header:
            scheme, _, rest = header.partition(" ")
            offered.append(rest.strip() if scheme.lower() == "bearer" else header)
        expected = self.api_key.encode()
        return any(hmac.compare_digest(key.encode(), expected) for key in offered)

    # -- introspection -----------------------------------------------------------------------

    def records(self) -> list[RequestRecord]:
        with self.lock:
            return list(self.log)

    def count(self, method: str = "*", path_glob: str = "*") -> int:
        method = method.upper()
        with self.lock:
            return sum(
                1 for r in self.log if method in ("*", r.method) and fnmatchcase(r.path, path_glob)
            )


def _fault_answer(rule: FaultRule) -> Outcome:
    """error_before / rate_limit / html: answered in front of the API, nothing applied."""
    if rule.kind == "html":
        return html_outcome(rule.status, "The server is temporarily unavailable (injected).")
    if rule.kind == "rate_limit":
        # Without ARG there is no Retry-After header, so clients exercise their own backoff.
        headers = {} if rule.arg is None else {"retry-after": f"{rule.arg:g}"}
        return json_outcome(429, {"error": "Too many requests (injected)."}, headers)
    return json_outcome(rule.status, {"status": rule.status, "error": _phrase(rule.status)})


def _after(rule: FaultRule, outcome: Outcome) -> Outcome:
    """error_after / drop_after / timeout_after / malformed: the API already applied it."""
    if rule.kind == "error_after":
        return json_outcome(rule.status, {"status": rule.status, "error": _phrase(rule.status)})
    if rule.kind == "malformed":
        cut = outcome.body[: len(outcome.body) // 2] or b"{"
        return Outcome(200, {"content-type": JSON_TYPE}, cut)
    if rule.kind == "drop_after":
        return Outcome(outcome.status, outcome.headers, outcome.body, action=DROP)
    if rule.kind == "timeout_after":
        return Outcome(outcome.status, outcome.headers, outcome.body, action=TIMEOUT, hold=rule.arg)
    return outcome
