"""The async Syncro client: one httpx.AsyncClient, one rate limiter, typed results.

Rules this module keeps (see docs/ARCHITECTURE.md and ../shared/reference/syncro-api.md):

* Every send (retries included) waits for ``limiter.acquire(current_priority.get())``; a 429
  calls ``limiter.penalize(...)`` so every request sharing the budget pauses; a Retry-After
  is capped at ``ratelimit.MAX_PAUSE`` (5 minutes) first.
* Reads retry after 429, network errors and gateway errors (502/503/504): ``Retry-After`` when
  given, else ``backoff_base * 2**n`` capped at 60 s, at most ``read_retries`` times.
* Writes are never retried. If a write may have reached Syncro but we cannot tell what happened
  (timeout, dropped connection, 5xx, unreadable or wrongly shaped 2xx) it raises
  :class:`OutcomeUnknown` carrying the payload that was sent. Connect failures (nothing sent),
  429 and 4xx answers are definite and raise the ordinary errors.
* The key never leaks: it is added by :class:`_SyncroAuth` (the one place that reveals it) and
  every URL or response text placed into an exception, a log record or ``display_url`` is
  redacted. Errors are raised outside ``except`` blocks so they never chain httpx exceptions
  (which hold the request, and with it the key).
"""

from __future__ import annotations

import asyncio
import copy
import email.utils
import importlib.util
import json
import logging
import sys
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

import httpx

from syncro_tui import __version__
from syncro_tui.api import errors as E
from syncro_tui.api import json_body
from syncro_tui.api.lazy import Lazy as _Lazy
from syncro_tui.api.ratelimit import MAX_PAUSE, RateLimiter, current_priority
from syncro_tui.api.redact import MASK, install_filters, redact_params, redact_text
from syncro_tui.secrets import SecretKey

if TYPE_CHECKING:
    import pydantic as _pydantic

    from syncro_tui.api import models as _M
else:
    _M = _Lazy("syncro_tui.api.models")
    _pydantic = _Lazy("pydantic")

log = logging.getLogger("syncro_tui.http")


def _settle_missing_sniffio() -> None:
    """httpcore asks ``import sniffio`` on every request (each lock and connection it sets
    up: 4-5 times a request) and falls back to asyncio when that fails. Without sniffio
    installed (httpx 0.28 no longer needs it) each of those is a failed import that searches
    every ``sys.path`` entry again: 500 path scans in a 101-page walk. Looked up once here;
    when it is absent, ``sys.modules`` says so, and every later ``import sniffio`` fails at
    once with the same ImportError. Installed, it is left alone."""
    if "sniffio" not in sys.modules and importlib.util.find_spec("sniffio") is None:
        sys.modules["sniffio"] = None  # type: ignore[assignment]


_settle_missing_sniffio()

T = TypeVar("T")
Sleep = Callable[[float], Awaitable[Any]]

MAX_BACKOFF = 60.0
MAX_RETRY_AFTER_WAIT = 120.0  # a longer Retry-After is reported instead of waited out
CONNECT_TIMEOUT = 10.0
RETRYABLE_READ_STATUS = frozenset({502, 503, 504})

AUTH_STYLES = ("header", "query")


# --------------------------------------------------------------------------- auth


class _SyncroAuth(httpx.Auth):
    """Adds the key to each request: ``Authorization: Bearer`` or ``?api_key=``."""

    def __init__(self, key: SecretKey, style: str) -> None:
        self._key = key
        self._style = style

    def _secret(self) -> str:
        # The only place the key is revealed in syncro_tui.api.
        return self._key.reveal()

    def auth_flow(self, request: httpx.Request):
        secret = self._secret()
        if self._style == "query":
            request.url = request.url.copy_merge_params({"api_key": secret})
        else:
            request.headers["Authorization"] = f"Bearer {secret}"
        yield request

    def scrub(self, text: str) -> str:
        """``text`` with the key (and any api_key=/Bearer value) masked."""
        secret = self._secret()
        return redact_text(text, (secret,) if secret else ())

    def __repr__(self) -> str:
        return f"_SyncroAuth(style={self._style!r}, key={MASK!r})"


# --------------------------------------------------------------------------- helpers


@dataclass(frozen=True)
class RequestInfo:
    """What the last request did (for the UI's status line and tests). Key-free."""

    method: str
    path: str
    status: int | None
    outcome: str  # "200", "timeout", "dropped", ...
    duration_ms: int
    retries: int
    url: str  # redacted


@dataclass
class _Reply:
    status: int
    body: Any
    is_json: bool
    text: str
    content_type: str


class _BadShape(Exception):
    """Raised by parse functions: the 2xx body is not what the endpoint returns."""


def _when(value: date | datetime | str | None) -> str | None:
    """Filter dates: aware datetimes go out as UTC ``...Z``; dates as ``YYYY-MM-DD``."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        return value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def _flag(value: bool | None) -> str | None:
    if value is None:
        return None
    return "true" if value else "false"


def _ident(value: Any, what: str = "id") -> int:
    """Ids go into paths: insist on an integer (no '../' or query tricks)."""
    if isinstance(value, bool):
        raise TypeError(f"{what} must be an integer, not {value!r}")
    try:
        ident = int(value)
    except (TypeError, ValueError):
        raise TypeError(f"{what} must be an integer, not {value!r}") from None
    if str(ident) != str(value).strip():
        raise TypeError(f"{what} must be an integer, not {value!r}")
    return ident


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _retry_after(value: str | None) -> float | None:
    if not value:
        return None
    value = value.strip()
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        seconds = (when - datetime.now(UTC)).total_seconds()
    if seconds != seconds:  # NaN
        return None
    return max(0.0, seconds)


@dataclass(frozen=True, slots=True)
class PlainMeta:
    """``models.PageMeta`` of a usual ``meta`` (whole numbers or null), read without it."""

    total_pages: int = 1
    page: int = 1
    per_page: int | None = None
    total_entries: int | None = None
    has_total: bool = False


_META_FIELDS = ("total_pages", "page", "per_page", "total_entries")


def page_meta(meta: Any) -> PlainMeta | _M.PageMeta:
    """A list response's ``meta`` as ``models.PageMeta`` reads it: plainly when every field
    it keeps is a whole number or null (anything else, "3" say, goes to the model)."""
    if meta is None:
        return PlainMeta()
    if type(meta) is not dict:
        return _M.PageMeta.model_validate(meta)
    found: dict[str, Any] = {}
    for name in _META_FIELDS:
        value = meta.get(name)
        if value is None:
            continue
        if type(value) is not int:
            return _M.PageMeta.model_validate(meta)
        found[name] = value
    return PlainMeta(**found, has_total="total_pages" in found)


def _decode(response: httpx.Response) -> _Reply:
    content_type = response.headers.get("content-type", "").lower()
    try:
        text = response.text
    except Exception:  # undecodable bytes: keep going with a replacement decode
        text = response.content.decode("utf-8", "replace")
    stripped = text.strip()
    body: Any = None
    is_json = False
    if stripped and ("json" in content_type or stripped[:1] in '{["'):
        # the bytes as they came when they are the UTF-8 the text was decoded from
        utf8 = (response.encoding or "").lower().replace("_", "-") in ("utf-8", "utf8")
        try:
            body = json_body.loads(response.content if utf8 else None, stripped)
            is_json = True
        except ValueError:
            pass
    return _Reply(response.status_code, body, is_json, text, content_type)


def _looks_like_json(reply: _Reply) -> bool:
    return "json" in reply.content_type or reply.text.strip()[:1] in ("{", "[")


def _body_problem(reply: _Reply) -> str:
    """Human phrase for a body we could not use."""
    if (
        reply.text.strip()
        and not reply.is_json
        and _looks_like_json(reply)
        and not E.looks_like_html(reply.text)
    ):
        return f"Syncro answered with malformed JSON (HTTP {reply.status})"
    return E.describe_body(reply.text, reply.status)


_RESOURCES = {
    "tickets": "tickets",
    "ticket_timers": "ticket timers",
    "customers": "customers",
    "contacts": "contacts",
    "products": "products",
    "invoices": "invoices",
    "appointments": "appointments",
    "canned_responses": "canned responses",
    "search": "search",
    "users": "users",
    "settings": "account settings",
    "me": "your user profile",
}
_TICKET_ACTIONS = {
    "comment": "ticket comments",
    "comments": "ticket comments",
    "add_line_item": "ticket line items",
    "update_line_item": "ticket line items",
    "remove_line_item": "ticket line items",
    "timer_entry": "ticket timers",
    "update_timer_entry": "ticket timers",
    "delete_timer_entry": "ticket timers",
    "charge_timer_entry": "ticket timers",
    "settings": "ticket settings",
}


def _resource(path: str) -> str:
    parts = [p for p in path.split("?", 1)[0].strip("/").split("/") if p]
    if not parts:
        return "this request"
    if parts[0] == "tickets" and len(parts) >= 2:
        action = parts[-1] if len(parts) >= 3 else parts[1]
        if action in _TICKET_ACTIONS:
            return _TICKET_ACTIONS[action]
    return _RESOURCES.get(parts[0], parts[0].replace("_", " "))


def _describe_exc(exc: BaseException) -> str:
    text = str(exc).strip()
    name = type(exc).__name__
    return f"{name}: {text}" if text else name


# --------------------------------------------------------------------------- the client


class SyncroClient:
    """Async client for the Syncro REST API v1.

    >>> async with SyncroClient("https://acme.syncromsp.com/api/v1", key) as api:
    ...     me = await api.me()
    """

    def __init__(
        self,
        base_url: str,
        api_key: SecretKey | str,
        *,
        auth_style: str = "header",
        limiter: RateLimiter | None = None,
        transport: httpx.AsyncBaseTransport | None = None,
        timeout: float = 20.0,
        read_retries: int = 3,
        backoff_base: float = 5.0,
        sleep: Sleep = asyncio.sleep,
        read_only: bool = False,
    ) -> None:
        if auth_style not in AUTH_STYLES:
            raise ValueError(f"auth_style must be one of {AUTH_STYLES}, not {auth_style!r}")
        key = api_key if isinstance(api_key, SecretKey) else SecretKey(str(api_key))
        base = str(base_url).strip().rstrip("/")
        if not base.startswith(("http://", "https://")):
            raise ValueError("base_url must start with http:// or https://")
        install_filters()
        self.base_url = base
        self.auth_style = auth_style
        self.timeout = float(timeout)
        self.read_retries = max(0, int(read_retries))
        self.backoff_base = float(backoff_base)
        self._sleep = sleep
        self.read_only = bool(read_only)  # every POST/PUT/PATCH/DELETE refused, nothing sent
        self._limiter = limiter if limiter is not None else RateLimiter(150)
        self._auth = _SyncroAuth(key, auth_style)
        self._http = httpx.AsyncClient(
            base_url=base + "/",
            auth=self._auth,
            transport=transport,
            timeout=httpx.Timeout(self.timeout, connect=min(CONNECT_TIMEOUT, self.timeout)),
            headers={
                "Accept": "application/json",
                "Content-Type": "application/json",
                "User-Agent": f"syncro-tui/{__version__}",
            },
            follow_redirects=False,
            trust_env=transport is None,
        )
        self.request_count = 0  # HTTP sends (retries included)
        self.retry_count = 0
        self.last_request: RequestInfo | None = None

    # ------------------------------------------------------------------ lifecycle

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> SyncroClient:
        return self

    async def __aexit__(self, *exc_info: Any) -> None:
        await self.aclose()

    @property
    def closed(self) -> bool:
        return self._http.is_closed

    @property
    def limiter(self) -> RateLimiter:
        return self._limiter

    def __repr__(self) -> str:
        return f"SyncroClient({self.base_url!r}, auth_style={self.auth_style!r})"

    # ------------------------------------------------------------------ introspection

    def display_url(self, path: str = "", params: Mapping[str, Any] | None = None) -> str:
        """The URL a request to ``path`` goes to, safe to show (``api_key=****``)."""
        path = str(path or "")
        query = ""
        if "?" in path:
            path, query = path.split("?", 1)
        url = self.base_url + ("/" + path.lstrip("/") if path else "")
        pairs = [(k, v) for k, v in (params or {}).items() if v is not None]
        if self.auth_style == "query":
            pairs.append(("api_key", MASK))
        encoded = urlencode(pairs, safe="*")
        query = "&".join(q for q in (query, encoded) if q)
        return self._auth.scrub(url + ("?" + query if query else ""))

    # ------------------------------------------------------------------ core send

    def _backoff(self, attempt: int) -> float:
        return min(self.backoff_base * (2**attempt), MAX_BACKOFF)

    def _scrub(self, text: str) -> str:
        return self._auth.scrub(text)

    def _record(
        self,
        method: str,
        path: str,
        params: Mapping[str, Any] | None,
        status: int | None,
        outcome: str,
        started: float,
        retries: int,
    ) -> None:
        ms = int((time.perf_counter() - started) * 1000)
        self.last_request = RequestInfo(
            method, path, status, outcome, ms, retries, self.display_url(path, params)
        )
        log.info(
            "%s %s -> %s in %d ms (retries %d)", method, self._scrub(path), outcome, ms, retries
        )

    def _clean_params(self, params: Mapping[str, Any] | None) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in (params or {}).items():
            if value is None:
                continue
            if isinstance(value, bool):
                value = _flag(value)
            elif isinstance(value, (datetime, date)):
                value = _when(value)
            out[key] = value
        return out

    async def _send(
        self,
        method: str,
        path: str,
        *,
        params: Mapping[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
    ) -> _Reply:
        """One logical request: limiter, send, read retries. Returns a 2xx reply or raises."""
        write = method != "GET"
        if write and self.read_only:
            log.info("%s %s refused: read-only profile", method, self._scrub(path))
            raise E.ReadOnlyRefused(method, path)
        query = self._clean_params(params)
        content = None
        if write:
            content = json.dumps(
                payload if payload is not None else {}, default=_json_default
            ).encode()
        sent_payload = copy.deepcopy(payload) if write else None
        retries = 0
        if log.isEnabledFor(logging.DEBUG):
            log.debug(
                "%s %s params=%s%s",
                method,
                self._scrub(path),
                redact_params(query),
                f" fields={sorted(payload)}" if write and isinstance(payload, dict) else "",
            )
        while True:
            await self._limiter.acquire(current_priority.get())
            self.request_count += 1
            started = time.perf_counter()
            response: httpx.Response | None = None
            failure: str | None = None
            kind = ""
            not_sent = False
            try:
                response = await self._http.request(
                    method, path.lstrip("/"), params=query or None, content=content
                )
            except (
                httpx.ConnectError,
                httpx.ConnectTimeout,
                httpx.PoolTimeout,
                httpx.UnsupportedProtocol,
                httpx.LocalProtocolError,
                httpx.ProxyError,
            ) as exc:
                kind, not_sent = "connect", True
                failure = f"could not connect ({_describe_exc(exc)})"
            except httpx.TimeoutException as exc:
                kind = "timeout"
                failure = f"no answer within {self.timeout:g} s ({_describe_exc(exc)})"
            except (
                httpx.RemoteProtocolError,
                httpx.ReadError,
                httpx.WriteError,
                httpx.CloseError,
            ) as exc:
                kind = "dropped"
                failure = f"the connection was dropped ({_describe_exc(exc)})"
            except httpx.RequestError as exc:
                kind = "network"
                failure = f"network error ({_describe_exc(exc)})"
            except OSError as exc:  # a transport that raises plain socket errors
                kind = "network"
                failure = f"network error ({_describe_exc(exc)})"

            if response is None:
                failure = self._scrub(failure or "network error")
                self._record(method, path, query, None, kind, started, retries)
                if not write and retries < self.read_retries:
                    delay = self._backoff(retries)
                    retries += 1
                    self.retry_count += 1
                    await self._sleep(delay)
                    continue
                if write and not not_sent:
                    raise E.OutcomeUnknown(method, path, sent_payload, failure)
                what = "not sent" if write else "request failed"
                raise E.NetworkError(
                    f"Could not reach Syncro for {method} {path} ({what}): {failure}",
                    method=method,
                    path=path,
                )

            reply = _decode(response)
            retry_after_header = response.headers.get("retry-after")
            del response  # nothing below keeps the request (and its URL) alive
            self._record(method, path, query, reply.status, str(reply.status), started, retries)
            status = reply.status

            if 200 <= status < 300:
                return reply

            if status == 429:
                retry_after = _retry_after(retry_after_header)
                if retry_after is not None:
                    # What a server may impose is capped (a hostile or broken one asking for
                    # days must not stop the app, and every restart of it, for that long).
                    retry_after = min(retry_after, MAX_PAUSE)
                delay = retry_after if retry_after is not None else self._backoff(retries)
                self._limiter.penalize(delay)
                if not write and retries < self.read_retries and delay <= MAX_RETRY_AFTER_WAIT:
                    retries += 1
                    self.retry_count += 1
                    await self._sleep(delay)
                    continue
                wait = f"{retry_after:g} s" if retry_after is not None else f"about {delay:g} s"
                raise E.RateLimited(
                    f"Syncro's rate limit was hit ({method} {path}); wait {wait} and try again."
                    + (" Nothing was changed." if write else ""),
                    retry_after=retry_after,
                    status=429,
                    method=method,
                    path=path,
                )

            if not write and status in RETRYABLE_READ_STATUS and retries < self.read_retries:
                delay = self._backoff(retries)
                retries += 1
                self.retry_count += 1
                await self._sleep(delay)
                continue

            raise self._error_for(method, path, reply, write=write, payload=sent_payload)

    def _error_for(
        self, method: str, path: str, reply: _Reply, *, write: bool, payload: dict[str, Any] | None
    ) -> E.SyncroError:
        status = reply.status
        messages = [
            self._scrub(m)
            for m in E.parse_error_messages(reply.body if reply.is_json else None, "")
        ]
        said = "; ".join(messages)
        problem = None if reply.is_json else self._scrub(_body_problem(reply))
        kw: dict[str, Any] = {
            "status": status,
            "method": method,
            "path": path,
            "messages": messages,
        }

        if status >= 500:
            detail = said or problem or f"HTTP {status}"
            if write:
                return E.OutcomeUnknown(
                    method, path, payload, f"Syncro answered HTTP {status}: {detail}", status=status
                )
            return E.ServerError(
                f"Syncro had a problem answering {method} {path} (HTTP {status}): {detail}", **kw
            )

        if status == 401 or status == 403:
            lowered = said.lower()
            if status == 403 or "not authorized" in lowered or "permission" in lowered:
                what = _resource(path)
                return E.PermissionDenied(
                    f"Your API token lacks permission for {what} ({method} {path}). "
                    "Ask your Syncro admin to grant it in Admin > API Tokens."
                    + (f" Syncro said: {said}" if said else ""),
                    **kw,
                )
            return E.AuthError(
                f"Syncro rejected the API key (HTTP 401 on {method} {path}). "
                "Run `syncro-tui login` to store a valid key.",
                **kw,
            )

        if status == 404:
            return E.NotFound(
                f"Syncro has no {_resource(path)} at {path} (HTTP 404)"
                + (f": {said}" if said else "."),
                **kw,
            )

        if status == 422:
            if not messages:
                messages = [problem or "no reason given"]
                kw["messages"] = messages
            return E.ValidationFailed(
                f"Syncro refused {method} {path}: {'; '.join(messages)}", **kw
            )

        if 400 <= status < 500:
            if problem:
                return E.BadRequest(problem, **kw)
            return E.BadRequest(
                f"Syncro rejected {method} {path} (HTTP {status})" + (f": {said}" if said else "."),
                **kw,
            )

        # 1xx/3xx: not something this API does; a redirect usually means a login page or WAF.
        text = f"Syncro answered {method} {path} with HTTP {status} instead of JSON"
        if write:
            return E.OutcomeUnknown(method, path, payload, text, status=status)
        return E.UnexpectedResponse(text + ".", **kw)

    async def _call(
        self,
        method: str,
        path: str,
        parse: Callable[[Any], T],
        *,
        params: Mapping[str, Any] | None = None,
        payload: dict[str, Any] | None = None,
        allow_empty: bool = False,
    ) -> T:
        """Send, then turn the 2xx body into a model (bad shapes -> Unexpected/OutcomeUnknown)."""
        write = method != "GET"
        reply = await self._send(method, path, params=params, payload=payload)
        problem: str | None = None
        result: Any = None
        if not reply.is_json and not (allow_empty and not reply.text.strip()):
            problem = _body_problem(reply)
        else:
            body = reply.body
            if isinstance(body, dict) and body.get("success") is False:
                messages = [self._scrub(m) for m in E.parse_error_messages(body, "")] or [
                    "no reason given"
                ]
                raise E.ValidationFailed(
                    f"Syncro refused {method} {path}: {'; '.join(messages)}",
                    status=reply.status,
                    method=method,
                    path=path,
                    messages=messages,
                )
            try:
                result = parse(body)
            except _pydantic.ValidationError as exc:
                problem = f"the response did not have the expected fields ({exc.error_count()} problem(s), first: {_first_error(exc)})"
            except (_BadShape, KeyError, TypeError, ValueError) as exc:
                problem = f"the response had an unexpected shape ({exc})"
        if problem is None:
            return result
        problem = self._scrub(problem)
        if write:
            raise E.OutcomeUnknown(
                method,
                path,
                copy.deepcopy(payload),
                f"HTTP {reply.status} but {problem}",
                status=reply.status,
            )
        raise E.UnexpectedResponse(
            f"{method} {path}: {problem}.", status=reply.status, method=method, path=path
        )

    # ------------------------------------------------------------------ reads

    async def me(self) -> _M.Me:
        return await self._call("GET", "/me", lambda b: _M.Me.model_validate(_need_dict(b)))

    async def list_tickets(
        self,
        *,
        status: str | None = None,
        mine: bool | None = None,
        user_id: int | None = None,
        customer_id: int | None = None,
        contact_id: int | None = None,
        query: str | None = None,
        number: str | int | None = None,
        since_updated_at: date | datetime | str | None = None,
        created_after: date | datetime | str | None = None,
        resolved_after: date | datetime | str | None = None,
        ticket_search_id: int | None = None,
        page: int | None = None,
        per_page: int | None = None,
    ) -> _M.TicketPage:
        """GET /tickets with Syncro's filters (``status="Not Closed"`` for open tickets)."""
        return await self._call(
            "GET",
            "/tickets",
            lambda b: _M.TicketPage.model_validate(_need_list_key(b, "tickets")),
            params=_ticket_params(
                status=status,
                mine=mine,
                user_id=user_id,
                customer_id=customer_id,
                contact_id=contact_id,
                query=query,
                number=number,
                since_updated_at=since_updated_at,
                created_after=created_after,
                resolved_after=resolved_after,
                ticket_search_id=ticket_search_id,
                page=page,
                per_page=per_page,
            ),
        )

    async def list_ticket_items(
        self, read: Callable[[list[Any]], list[Any]], **filters: Any
    ) -> tuple[list[Any], PlainMeta | _M.PageMeta]:
        """GET /tickets (the filters of ``list_tickets``), its items handed to ``read`` as
        JSON: the sync path turns them into rows without a model per ticket (and reads any
        unusual one with the model itself, so one malformed ticket never fails the page).
        The usual ``meta`` is read plainly too: a first start can paint its first page
        before pydantic and the models are imported."""

        def parse(body: Any) -> tuple[list[Any], PlainMeta | _M.PageMeta]:
            body = _need_list_key(body, "tickets")
            if isinstance(body, list):
                return read(body), PlainMeta()
            return read(body["tickets"]), page_meta(body.get("meta"))

        return await self._call("GET", "/tickets", parse, params=_ticket_params(**filters))

    async def all_tickets(
        self,
        *,
        concurrency: int = 3,
        per_page: int | None = 100,
        each_page: Callable[[list[_M.Ticket]], list[Any]] | None = None,
        read_items: Callable[[list[Any]], list[Any]] | None = None,
        **filters: Any,
    ) -> list[Any]:
        """Every ticket matching ``filters``: page 1, then pages 2..meta.total_pages concurrently
        (at most ``concurrency`` in flight, all through the limiter). De-duplicated by id (pages
        shift while tickets change), in page order; tolerant of any page size.

        ``each_page`` converts every page as it arrives (to small rows, say), so 10,000 parsed
        models never sit in memory at once; the result holds what it returns. ``read_items``
        instead gets each page's items as JSON (``list_ticket_items``) and returns what to
        keep (objects with an ``id``).
        """
        filters.pop("page", None)
        keep = each_page or (lambda tickets: tickets)

        async def fetch_page(n: int) -> tuple[list[Any], Any]:
            if read_items is not None:
                return await self.list_ticket_items(
                    read_items, page=n, per_page=per_page, **filters
                )
            got = await self.list_tickets(page=n, per_page=per_page, **filters)
            return keep(got.tickets), got.meta

        first, meta = await fetch_page(1)
        pages: dict[int, list[Any]] = {1: first}
        if meta.has_total:
            total = max(1, meta.total_pages)
            if total > 1:
                sem = asyncio.Semaphore(max(1, int(concurrency)))

                async def fetch(n: int) -> None:
                    async with sem:
                        pages[n] = (await fetch_page(n))[0]

                await _gather_all([fetch(n) for n in range(2, total + 1)])
        else:
            # No meta: walk until an empty page or a page with nothing new (n8n's way).
            seen = {t.id for t in first}
            n = 1
            while pages[n] and n < 10_000:
                n += 1
                got, _ = await fetch_page(n)
                fresh = [t for t in got if t.id not in seen]
                if not fresh:
                    break
                seen.update(t.id for t in fresh)
                pages[n] = got
        out: list[_M.Ticket] = []
        seen_ids: set[int] = set()
        for n in sorted(pages):
            for ticket in pages[n]:
                if ticket.id not in seen_ids:
                    seen_ids.add(ticket.id)
                    out.append(ticket)
        return out

    async def ticket_by_number(self, number: str | int) -> _M.TicketDetail | None:
        """GET /tickets?number=N, then the detail. None when no ticket has that number."""
        wanted = str(number).strip().lstrip("#")
        if not wanted:
            return None
        page = await self.list_tickets(number=wanted)
        match = next((t for t in page.tickets if t.number.strip() == wanted), None)
        if match is None:
            return None
        try:
            return await self.get_ticket(match.id)
        except E.NotFound:
            return None

    async def get_ticket(self, ticket_id: int) -> _M.TicketDetail:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "GET", f"/tickets/{tid}", lambda b: _wrapped(b, _M.TicketDetail, "ticket")
        )

    async def ticket_comments(
        self, ticket_id: int, *, page: int = 1, per_page: int | None = None
    ) -> _M.CommentPage:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "GET",
            f"/tickets/{tid}/comments",
            lambda b: _M.CommentPage.model_validate(_need_list_key(b, "comments")),
            params={"page": page, "per_page": per_page},
        )

    async def ticket_timers(
        self,
        *,
        page: int = 1,
        created_at_gt: date | datetime | str | None = None,
        created_at_lt: date | datetime | str | None = None,
    ) -> _M.TimerPage:
        return await self._call(
            "GET",
            "/ticket_timers",
            lambda b: _M.TimerPage.model_validate(_need_list_key(b, "ticket_timers")),
            params={
                "page": page,
                "created_at_gt": _when(created_at_gt),
                "created_at_lt": _when(created_at_lt),
            },
        )

    async def ticket_settings(self) -> _M.TicketSettings:
        return await self._call(
            "GET", "/tickets/settings", lambda b: _M.TicketSettings.model_validate(_need_dict(b))
        )

    async def account_settings(self) -> _M.AccountSettings:
        return await self._call(
            "GET", "/settings", lambda b: _M.AccountSettings.model_validate(_need_dict(b))
        )

    async def customers(self, *, query: str | None = None, page: int = 1) -> _M.CustomerPage:
        return await self._call(
            "GET",
            "/customers",
            lambda b: _M.CustomerPage.model_validate(_need_list_key(b, "customers")),
            params={"query": query, "page": page},
        )

    async def customer_autocomplete(self, query: str) -> list[_M.Customer]:
        return await self._call(
            "GET",
            "/customers/autocomplete",
            lambda b: _M.CustomerPage.model_validate(_need_list_key(b, "customers")).customers,
            params={"query": query},
        )

    async def customer(self, customer_id: int) -> _M.Customer:
        cid = _ident(customer_id, "customer_id")
        return await self._call(
            "GET", f"/customers/{cid}", lambda b: _wrapped(b, _M.Customer, "customer")
        )

    async def contacts(self, *, customer_id: int | None = None, page: int = 1) -> _M.ContactPage:
        return await self._call(
            "GET",
            "/contacts",
            lambda b: _M.ContactPage.model_validate(_need_list_key(b, "contacts")),
            params={"customer_id": customer_id, "page": page},
        )

    async def contact(self, contact_id: int) -> _M.Contact:
        """GET /contacts/{id}: a bare contact (``{"contact": ...}`` accepted too)."""
        cid = _ident(contact_id, "contact_id")
        return await self._call(
            "GET", f"/contacts/{cid}", lambda b: _wrapped(b, _M.Contact, "contact")
        )

    async def search(self, query: str) -> _M.SearchResults:
        """GET /search?query=: Syncro's global search (customers, tickets, ...)."""
        return await self._call(
            "GET",
            "/search",
            lambda b: _M.SearchResults.model_validate(_need_dict(b)),
            params={"query": query},
        )

    async def canned_responses(
        self, query: str | None = None, page: int = 1
    ) -> _M.CannedResponsePage:
        """GET /canned_responses (needs "Ticket Canned Responses - Manage" even to read:
        without it, :class:`PermissionDenied`). The spec documents neither paging nor meta;
        ``page`` is sent past the first page only."""
        return await self._call(
            "GET",
            "/canned_responses",
            lambda b: _M.CannedResponsePage.model_validate(_need_list_key(b, "canned_responses")),
            params={"query": query or None, "page": page if page != 1 else None},
        )

    async def all_canned_responses(
        self, query: str | None = None, *, max_pages: int = 20
    ) -> list[_M.CannedResponse]:
        """Every canned response matching ``query``, whether or not the server pages them."""
        return await _walk(lambda n: self.canned_responses(query, n), max_pages)

    async def canned_response_settings(self) -> _M.CannedResponseSettings:
        """GET /canned_responses/settings: categories and subjects."""
        return await self._call(
            "GET",
            "/canned_responses/settings",
            lambda b: _M.CannedResponseSettings.model_validate(_need_dict(b)),
        )

    async def appointments(
        self,
        *,
        mine: bool | None = None,
        date_from: date | datetime | str | None = None,
        date_to: date | datetime | str | None = None,
        page: int = 1,
    ) -> _M.AppointmentPage:
        """GET /appointments (items wrapped in ``appointment`` or bare, both accepted)."""
        return await self._call(
            "GET",
            "/appointments",
            lambda b: _M.AppointmentPage.model_validate(_need_list_key(b, "appointments")),
            params={
                "mine": _flag(mine),
                "date_from": _when(date_from),
                "date_to": _when(date_to),
                "page": page,
            },
        )

    async def all_appointments(
        self,
        *,
        mine: bool | None = None,
        date_from: date | datetime | str | None = None,
        date_to: date | datetime | str | None = None,
        max_pages: int = 40,
    ) -> list[_M.Appointment]:
        return await _walk(
            lambda n: self.appointments(mine=mine, date_from=date_from, date_to=date_to, page=n),
            max_pages,
        )

    async def products_page(self, *, query: str | None = None, page: int = 1) -> _M.ProductPage:
        return await self._call(
            "GET",
            "/products",
            lambda b: _M.ProductPage.model_validate(_need_list_key(b, "products")),
            params={"query": query, "page": page},
        )

    async def products(self, *, query: str | None = None, page: int = 1) -> list[_M.Product]:
        return (await self.products_page(query=query, page=page)).products

    async def all_products(
        self, *, query: str | None = None, max_pages: int = 100
    ) -> list[_M.Product]:
        """Every product. GET /products documents no meta, so without one this walks pages
        until an empty page (or one with nothing new); with meta it follows total_pages."""
        first = await self.products_page(query=query, page=1)
        out = list(first.products)
        seen = {p.id for p in out}
        if first.meta.has_total:
            for n in range(2, min(first.meta.total_pages, max_pages) + 1):
                out.extend((await self.products_page(query=query, page=n)).products)
        else:
            n = 1
            while n < max_pages:
                n += 1
                fresh = [
                    p
                    for p in (await self.products_page(query=query, page=n)).products
                    if p.id not in seen
                ]
                if not fresh:
                    break
                seen.update(p.id for p in fresh)
                out.extend(fresh)
        unique: dict[int, _M.Product] = {}
        for product in out:
            unique.setdefault(product.id, product)
        return list(unique.values())

    async def users(self) -> list[_M.User]:
        return await self._call(
            "GET", "/users", lambda b: _M.UserList.model_validate(_need_list_key(b, "users")).users
        )

    async def invoice(self, invoice_id: int | str) -> _M.Invoice:
        """GET /invoices/{id} (Syncro takes an id or a number here)."""
        ident = str(invoice_id).strip()
        if not ident.isdigit():
            raise TypeError(f"invoice id or number must be digits, not {invoice_id!r}")
        return await self._call(
            "GET", f"/invoices/{ident}", lambda b: _wrapped(b, _M.Invoice, "invoice")
        )

    async def invoices(
        self,
        ticket_id: int | None = None,
        page: int = 1,
        *,
        paid: bool | None = None,
        unpaid: bool | None = None,
        since_updated_at: date | datetime | str | None = None,
    ) -> _M.InvoicePage:
        """GET /invoices (25 a page; meta has only total_pages and page). ``ticket_id``
        gives the invoices made from one ticket."""
        return await self._call(
            "GET",
            "/invoices",
            lambda b: _M.InvoicePage.model_validate(_need_list_key(b, "invoices")),
            params={
                "ticket_id": None if ticket_id is None else _ident(ticket_id, "ticket_id"),
                "paid": _flag(paid),
                "unpaid": _flag(unpaid),
                "since_updated_at": _when(since_updated_at),
                "page": page,
            },
        )

    async def ticket_invoices(self, ticket_id: int, *, max_pages: int = 20) -> list[_M.Invoice]:
        """Every invoice made from ``ticket_id`` (all pages, newest first as served)."""
        tid = _ident(ticket_id, "ticket_id")
        return await _walk(lambda n: self.invoices(tid, n), max_pages)

    # ------------------------------------------------------------------ writes (never retried)

    async def create_ticket(self, payload: dict[str, Any]) -> _M.TicketDetail:
        return await self._call(
            "POST",
            "/tickets",
            lambda b: _wrapped(b, _M.TicketDetail, "ticket"),
            payload=_payload(payload),
        )

    async def update_ticket(self, ticket_id: int, payload: dict[str, Any]) -> _M.TicketDetail:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "PUT",
            f"/tickets/{tid}",
            lambda b: _wrapped(b, _M.TicketDetail, "ticket"),
            payload=_payload(payload),
        )

    async def add_comment(self, ticket_id: int, payload: dict[str, Any]) -> _M.Comment:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "POST",
            f"/tickets/{tid}/comment",
            lambda b: _wrapped(b, _M.Comment, "comment"),
            payload=_payload(payload),
        )

    async def add_line_item(self, ticket_id: int, payload: dict[str, Any]) -> _M.LineItem:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "POST",
            f"/tickets/{tid}/add_line_item",
            lambda b: _wrapped(b, _M.LineItem, "ticket_line_item", "line_item"),
            payload=_payload(payload),
        )

    async def update_line_item(self, ticket_id: int, payload: dict[str, Any]) -> _M.LineItem:
        """PUT /tickets/{id}/update_line_item; ``payload`` carries ``ticket_line_item_id``."""
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "PUT",
            f"/tickets/{tid}/update_line_item",
            lambda b: _wrapped(b, _M.LineItem, "ticket_line_item", "line_item"),
            payload=_payload(payload),
        )

    async def remove_line_item(self, ticket_id: int, line_item_id: int) -> None:
        tid = _ident(ticket_id, "ticket_id")
        lid = _ident(line_item_id, "line_item_id")
        await self._call(
            "POST",
            f"/tickets/{tid}/remove_line_item",
            _success,
            payload={"ticket_line_item_id": lid},
            allow_empty=True,
        )

    async def add_timer_entry(self, ticket_id: int, payload: dict[str, Any]) -> _M.TimerEntry:
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "POST", f"/tickets/{tid}/timer_entry", _timer, payload=_payload(payload)
        )

    async def update_timer_entry(self, ticket_id: int, payload: dict[str, Any]) -> _M.TimerEntry:
        """PUT /tickets/{id}/update_timer_entry; ``payload`` carries ``timer_entry_id``."""
        tid = _ident(ticket_id, "ticket_id")
        return await self._call(
            "PUT", f"/tickets/{tid}/update_timer_entry", _timer, payload=_payload(payload)
        )

    async def delete_timer_entry(self, ticket_id: int, timer_entry_id: int) -> None:
        tid = _ident(ticket_id, "ticket_id")
        eid = _ident(timer_entry_id, "timer_entry_id")
        await self._call(
            "POST",
            f"/tickets/{tid}/delete_timer_entry",
            _success,
            payload={"timer_entry_id": eid},
            allow_empty=True,
        )

    async def charge_timer_entry(self, ticket_id: int, timer_entry_id: int) -> _M.TimerEntry:
        tid = _ident(ticket_id, "ticket_id")
        eid = _ident(timer_entry_id, "timer_entry_id")
        return await self._call(
            "POST", f"/tickets/{tid}/charge_timer_entry", _timer, payload={"timer_entry_id": eid}
        )

    async def create_invoice(self, payload: dict[str, Any]) -> _M.Invoice:
        return await self._call(
            "POST",
            "/invoices",
            lambda b: _wrapped(b, _M.Invoice, "invoice"),
            payload=_payload(payload),
        )

    # Short aliases matching Syncro's endpoint names.
    timer_entry = add_timer_entry
    comment = add_comment


# --------------------------------------------------------------------------- parse helpers


def _ticket_params(
    *,
    status: str | None = None,
    mine: bool | None = None,
    user_id: int | None = None,
    customer_id: int | None = None,
    contact_id: int | None = None,
    query: str | None = None,
    number: str | int | None = None,
    since_updated_at: date | datetime | str | None = None,
    created_after: date | datetime | str | None = None,
    resolved_after: date | datetime | str | None = None,
    ticket_search_id: int | None = None,
    page: int | None = None,
    per_page: int | None = None,
) -> dict[str, Any]:
    """The query of GET /tickets (None drops a filter)."""
    return {
        "status": status,
        "mine": _flag(mine),
        "user_id": user_id,
        "customer_id": customer_id,
        "contact_id": contact_id,
        "query": query,
        "number": None if number is None else str(number).strip().lstrip("#"),
        "since_updated_at": _when(since_updated_at),
        "created_after": _when(created_after),
        "resolved_after": _when(resolved_after),
        "ticket_search_id": ticket_search_id,
        "page": page,
        "per_page": per_page,
    }


def _payload(payload: Any) -> dict[str, Any]:
    if not isinstance(payload, dict):
        raise TypeError("payload must be a dict (the exact JSON body to send)")
    return payload


def _need_dict(body: Any) -> dict:
    if not isinstance(body, dict):
        raise _BadShape(f"expected a JSON object, got {type(body).__name__}")
    return body


def _need_list_key(body: Any, key: str) -> Any:
    if isinstance(body, list):
        return body
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        found = sorted(body)[:5] if isinstance(body, dict) else type(body).__name__
        raise _BadShape(f"expected a {key!r} list, got {found}")
    return body


def _wrapped(body: Any, model: type[T], *keys: str) -> T:
    """``{"key": {...}}`` or a bare object with an ``id`` -> model."""
    body = _need_dict(body)
    for key in keys:
        inner = body.get(key)
        if isinstance(inner, dict):
            return model.model_validate(inner)  # type: ignore[attr-defined]
    if "id" in body and not any(
        isinstance(v, dict) and "id" in v for k, v in body.items() if k in _WRAPPERS
    ):
        return model.model_validate(body)  # type: ignore[attr-defined]
    raise _BadShape(f"expected {' or '.join(repr(k) for k in keys)}, got keys {sorted(body)[:6]}")


_WRAPPERS = {
    "ticket",
    "comment",
    "ticket_line_item",
    "line_item",
    "invoice",
    "customer",
    "timer",
    "ticket_timer",
}


def _timer(body: Any) -> _M.TimerEntry:
    return _wrapped(body, _M.TimerEntry, "ticket_timer", "timer", "timer_entry")


def _success(body: Any) -> None:
    if body is None:
        return None
    if isinstance(body, dict):
        return None  # {"success": true, ...}; success:false is handled before parsing
    raise _BadShape(f"expected a JSON object, got {type(body).__name__}")


def _first_error(exc: _pydantic.ValidationError) -> str:
    try:
        err = exc.errors(include_url=False, include_input=False)[0]
    except Exception:
        return "?"
    where = ".".join(str(p) for p in err.get("loc", ()))
    return f"{where}: {err.get('msg', '')}".strip(": ")


async def _walk(fetch: Callable[[int], Awaitable[Any]], max_pages: int) -> list[Any]:
    """Items of pages 1..meta.total_pages (capped); without meta, until an empty page or
    one with nothing new. De-duplicated by id, in page order."""
    out: list[Any] = []
    seen: set[Any] = set()
    n = 0
    while n < max_pages:
        n += 1
        got = await fetch(n)
        fresh = [item for item in got.items if getattr(item, "id", None) not in seen]
        seen.update(getattr(item, "id", None) for item in fresh)
        out.extend(fresh)
        if got.meta.has_total:
            if n >= got.meta.total_pages:
                break
        elif not fresh:
            break
    return out


async def _gather_all(coros: Iterable[Awaitable[Any]]) -> None:
    """Run all; on the first failure cancel the rest and raise that error (not a group)."""
    tasks = [asyncio.ensure_future(c) for c in coros]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise
