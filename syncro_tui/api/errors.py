"""What can go wrong when talking to Syncro, as a small hierarchy of plain exceptions.

Stdlib only (the UI imports this for ``isinstance`` checks without pulling in httpx/pydantic).

Every error carries ``.title`` (a few words for a notification), ``.status`` (HTTP status or
None), ``.method`` and ``.path`` (the API path, never a URL with the key), and ``str()`` is a
human sentence. Errors never hold httpx request/response objects: those carry the key.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "SyncroError",
    "AuthError",
    "PermissionDenied",
    "NotFound",
    "ValidationFailed",
    "BadRequest",
    "RateLimited",
    "ServerError",
    "NetworkError",
    "UnexpectedResponse",
    "OutcomeUnknown",
    "ReadOnlyRefused",
    "parse_error_messages",
    "describe_body",
    "text_excerpt",
]


class SyncroError(Exception):
    """Base class. ``str(err)`` is the human message."""

    title = "Syncro error"

    def __init__(
        self,
        message: str,
        *,
        status: int | None = None,
        method: str | None = None,
        path: str | None = None,
        messages: list[str] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.messages: list[str] = list(messages) if messages else []

    def __str__(self) -> str:
        return self.message

    def __repr__(self) -> str:
        bits = [repr(self.message)]
        if self.status is not None:
            bits.append(f"status={self.status}")
        if self.method:
            bits.append(f"method={self.method!r}")
        if self.path:
            bits.append(f"path={self.path!r}")
        return f"{type(self).__name__}({', '.join(bits)})"

    @property
    def endpoint(self) -> str:
        """``"GET /tickets/5"`` (or ``""`` when unknown)."""
        return f"{self.method or ''} {self.path or ''}".strip()

    def __reduce__(self):  # picklable (e.g. across a worker boundary) without request objects
        return (_rebuild, (type(self), self.__dict__.copy()))


def _rebuild(cls, state):
    obj = cls.__new__(cls)
    Exception.__init__(obj, state.get("message", ""))
    obj.__dict__.update(state)
    return obj


class ReadOnlyRefused(SyncroError):
    """A write asked of a read-only profile: refused before anything was sent."""

    title = "Read-only profile"

    def __init__(self, method: str, path: str) -> None:
        super().__init__(
            f"This is a read-only profile: {method} {path} was not sent (nothing changed "
            "in Syncro). Start syncro-tui without --read-only, or set read_only = false in "
            "the config, to write.",
            method=method,
            path=path,
        )


class AuthError(SyncroError):
    """401: the key is missing, wrong or revoked."""

    title = "Not signed in"


class PermissionDenied(SyncroError):
    """401 with Syncro's "Not authorized ..." permission body, or 403."""

    title = "Permission denied"


class NotFound(SyncroError):
    title = "Not found"


class ValidationFailed(SyncroError):
    """422 (or a 200 with ``success: false``): Syncro refused the input. Nothing was changed."""

    title = "Syncro refused the change"


class BadRequest(SyncroError):
    """400 (including an HTML error page) and other definite 4xx refusals."""

    title = "Bad request"


class RateLimited(SyncroError):
    title = "Rate limited"

    def __init__(self, message: str, *, retry_after: float | None = None, **kw: Any) -> None:
        super().__init__(message, **kw)
        self.retry_after = retry_after


class ServerError(SyncroError):
    """5xx on a read."""

    title = "Syncro server error"


class NetworkError(SyncroError):
    """Could not reach Syncro / connection failed or timed out (reads; writes only when the
    request was certainly not sent)."""

    title = "Network error"


class UnexpectedResponse(SyncroError):
    """A 2xx (or otherwise unusable) response that is not JSON or not the expected shape."""

    title = "Unexpected response"


class OutcomeUnknown(SyncroError):
    """A write was sent but we cannot tell whether Syncro applied it.

    Syncro has no idempotency: re-sending may create a duplicate. Check first (e.g. re-read the
    ticket's comments) before retrying. ``payload`` is exactly the dict that was sent and
    ``cause`` a short, key-free description of what went wrong.
    """

    title = "Outcome unknown"

    def __init__(
        self,
        method: str,
        path: str,
        payload: dict[str, Any] | None,
        cause: str,
        *,
        status: int | None = None,
    ) -> None:
        message = (
            f"{method} {path}: Syncro may or may not have applied this change ({cause}). "
            "Check before sending it again; a second send can create a duplicate."
        )
        super().__init__(message, status=status, method=method, path=path)
        self.payload = payload
        self.cause = cause

    def __repr__(self) -> str:
        return (
            f"OutcomeUnknown(method={self.method!r}, path={self.path!r}, "
            f"cause={self.cause!r}, status={self.status!r})"
        )


# --------------------------------------------------------------------------- 422 parsing

_TAG = re.compile(r"<[^>]+>")
_SCRIPT = re.compile(r"<(script|style|head)\b.*?</\1\s*>", re.I | re.S)
_TITLE = re.compile(r"<title[^>]*>(.*?)</title\s*>", re.I | re.S)
_H1 = re.compile(r"<h1[^>]*>(.*?)</h1\s*>", re.I | re.S)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_WS = re.compile(r"\s+")

_SKIP_KEYS = {"success", "params", "record", "status", "code"}


def _clean(text: str) -> str:
    text = _CONTROL.sub(" ", text)
    return _WS.sub(" ", text).strip()


def strip_html(text: str) -> str:
    """Tags and entities out, whitespace collapsed (no script/style bodies)."""
    import html  # here: html.entities' table is not needed before the TUI's first paint

    text = _SCRIPT.sub(" ", text)
    text = _TAG.sub(" ", text)
    return _clean(html.unescape(text))


def text_excerpt(raw_text: str, limit: int = 200) -> str:
    """A short, single-line, tag-free excerpt of a response body."""
    if not raw_text:
        return ""
    text = strip_html(raw_text) if looks_like_html(raw_text) else _clean(raw_text)
    if len(text) > limit:
        text = text[: limit - 1].rstrip() + "…"
    return text


def looks_like_html(raw_text: str) -> bool:
    head = raw_text.lstrip()[:200].lower()
    return (
        head.startswith("<!doctype html")
        or head.startswith("<html")
        or (
            head.startswith("<")
            and (
                "<body" in raw_text[:2000].lower()
                or "<head" in head
                or "<h1" in head
                or "<p" in head
            )
        )
    )


def html_title(raw_text: str) -> str:
    for pattern in (_TITLE, _H1):
        m = pattern.search(raw_text)
        if m:
            title = strip_html(m.group(1))
            if title:
                return title[:120]
    return ""


def _flatten(value: Any, prefix: str = "") -> list[str]:
    """errors/error/message values -> messages. Dicts become "field: msg" (nested with dots)."""
    out: list[str] = []
    if value is None or value is False or value is True:
        return out
    if isinstance(value, str):
        text = _clean(value)
        if text:
            out.append(f"{prefix}: {text}" if prefix else text)
    elif isinstance(value, (int, float)):
        out.append(f"{prefix}: {value}" if prefix else str(value))
    elif isinstance(value, (list, tuple)):
        for item in value:
            out.extend(_flatten(item, prefix))
    elif isinstance(value, dict):
        for key, item in value.items():
            key = str(key)
            if key == "base":  # Rails' record-level messages
                sub = prefix
            else:
                sub = f"{prefix}.{key}" if prefix else key
            out.extend(_flatten(item, sub))
    return out


def parse_error_messages(body: Any, raw_text: str = "") -> list[str]:
    """Every Syncro error shape -> readable messages (never empty when there is any text).

    Order: ``errors`` (str | list | dict, nested dicts flattened into ``"a.b: msg"``), then
    ``error`` (str | list), then ``message`` (str | list); then a Rails-style
    ``{"field": ["msg", ...]}`` hash; finally the raw text (HTML tags stripped, trimmed).
    """
    messages: list[str] = []
    if isinstance(body, dict):
        for key in ("errors", "error", "message"):
            if key in body:
                messages.extend(_flatten(body[key]))
        if not messages:
            for key, value in body.items():
                if key in _SKIP_KEYS or key in ("errors", "error", "message"):
                    continue
                if (
                    isinstance(value, str)
                    or (
                        isinstance(value, list) and value and all(isinstance(v, str) for v in value)
                    )
                    or isinstance(value, dict)
                ):
                    messages.extend(_flatten(value, str(key)))
    elif isinstance(body, (list, tuple, str)):
        messages.extend(_flatten(body))
    seen: set[str] = set()
    unique = []
    for m in messages:
        if m not in seen:
            seen.add(m)
            unique.append(m)
    if unique:
        return unique
    excerpt = text_excerpt(raw_text or "", 300)
    return [excerpt] if excerpt else []


def describe_body(raw_text: str, status: int) -> str:
    """A short human phrase for a body that is not JSON."""
    if not raw_text or not raw_text.strip():
        return f"Syncro answered with an empty body (HTTP {status})"
    if looks_like_html(raw_text):
        title = html_title(raw_text)
        suffix = f": {title}" if title else ""
        return f"Syncro answered with an HTML page instead of JSON (HTTP {status}){suffix}"
    return f'Syncro answered with plain text instead of JSON (HTTP {status}): "{text_excerpt(raw_text, 120)}"'
