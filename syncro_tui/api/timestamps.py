"""The one timestamp parser: every shape of time Syncro (and our own cache) writes.

syncro-api.md: the spec's examples are ISO-8601 UTC with milliseconds
(``2019-11-04T08:59:31.034Z``); whether live responses use ``Z`` or the account's offset
(``-07:00``, Rails' ``2026-12-24 10:00:00 -0700``) is unconfirmed, so both are read;
``due_date`` may be a bare date; some fields are null or broken (``0000-00-00``). Anything
that is not a time reads as None: the caller decides what a missing time means.

Here in ``api`` (stdlib only, no network) because the models parse with it and ``api``
never imports ``core``; core, the UI and the command line import it from here.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, tzinfo
from typing import Any

__all__ = ["parse_rails_time", "parse_time", "timestamp"]


def parse_time(value: Any, *, naive: tzinfo | None = UTC) -> datetime | None:
    """A ``datetime`` for any ISO-8601 shape the API or the cache uses, else None.

    Accepts ``Z`` and ``+HH:MM`` / ``+HHMM`` offsets, a space instead of ``T``, fractional
    seconds of any length, and a bare date (midnight). A time without an offset is taken to
    be in ``naive`` (UTC by default: the API's own times; pass the local zone for what a
    person typed, or None to keep it naive). None, "", garbage and other types give None.
    """
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, date):
        moment = datetime(value.year, value.month, value.day)
    elif isinstance(value, str):
        text = value.strip()
        if not text:
            return None
        if text[-1] in "zZ":
            text = text[:-1] + "+00:00"
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return None
    else:
        return None
    if moment.tzinfo is None and naive is not None:
        moment = moment.replace(tzinfo=naive)
    return moment


def timestamp(value: Any) -> float | None:
    """Seconds since the epoch for ``parse_time(value)`` (None when it is not a time)."""
    moment = parse_time(value)
    return moment.timestamp() if moment is not None else None


def parse_rails_time(text: str) -> datetime:
    """``parse_time`` of a text already known to be Rails' plain shape
    (``2026-11-20T09:14:03.512-05:00`` or ``...Z``, nothing around it), without its tidying:
    the list pages read two or three per ticket. ValueError when it is no time
    (``2026-13-45T...``); Python 3.11 reads the ``Z``."""
    return datetime.fromisoformat(text)
