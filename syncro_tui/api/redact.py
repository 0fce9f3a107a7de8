"""Keep the API key out of anything a person (or a log file) can read.

Stdlib only. The client uses these helpers for every URL it puts into an exception, a log
record or :meth:`SyncroClient.display_url`, and installs :class:`KeyRedactingFilter` on the
``httpx``/``httpcore`` loggers (httpx logs full request URLs at INFO, which carry the key when
the account uses query-style auth).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

MASK = "****"

_QUERY_KEY = re.compile(r"((?:^|[?&;\s\"'(])api_key=)[^&#\s'\"<>)]*", re.I)
_QUERY_KEY_ENCODED = re.compile(r"(api_key%3D)[^%&#\s'\"<>]*", re.I)
_AUTH_HEADER = re.compile(
    r"((?:authorization|x-api-key)['\"]?\s*[:=,]\s*['\"]?(?:bearer\s+)?)[^\s'\",})]+", re.I
)
_BEARER = re.compile(r"(\bbearer\s+)[A-Za-z0-9._~+/=-]{6,}", re.I)


def redact_text(text: str, extra_secrets: Iterable[str] = ()) -> str:
    """Mask ``api_key=...``, Authorization/Bearer values and the given key values in ``text``."""
    if not text:
        return text
    for secret in extra_secrets:
        if secret and secret in text:
            text = text.replace(secret, MASK)
    text = _QUERY_KEY.sub(r"\1" + MASK, text)
    text = _QUERY_KEY_ENCODED.sub(r"\1" + MASK, text)
    text = _AUTH_HEADER.sub(r"\1" + MASK, text)
    text = _BEARER.sub(r"\1" + MASK, text)
    return text


def redact_url(url: object) -> str:
    """``str(url)`` with the ``api_key`` query value replaced by ``****``."""
    return redact_text(str(url))


def redact_params(params: dict | None) -> dict:
    """A copy of query params with ``api_key`` masked (for DEBUG logging)."""
    if not params:
        return {}
    return {k: (MASK if str(k).lower() == "api_key" else v) for k, v in params.items()}


class KeyRedactingFilter(logging.Filter):
    """Rewrites a record's message with the key masked (and drops live exception objects).

    ``secrets`` is a live collection of exact values to mask as well (the key in use)."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        self._secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: keep the raw text, redacted
            message = str(record.msg)
        record.msg, record.args = redact_text(message, self._secrets), None
        if record.exc_info and record.exc_info[1] is not None:
            # Format the traceback now, redacted, and drop the live exception object.
            traceback = logging.Formatter().formatException(record.exc_info)
            record.exc_text = redact_text(traceback, self._secrets)
            record.exc_info = None
        return True


_THIRD_PARTY_LOGGERS = (
    "httpx",
    "httpcore",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)
_installed = False


def install_filters() -> None:
    """Attach the redacting filter to the loggers that might print a URL carrying the key.

    Filters on a logger only see records logged on that exact logger, so every httpcore child
    logger gets its own. Idempotent.
    """
    global _installed
    if _installed:
        return
    flt = KeyRedactingFilter()
    for name in _THIRD_PARTY_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, KeyRedactingFilter) for f in logger.filters):
            logger.addFilter(flt)
    _installed = True
