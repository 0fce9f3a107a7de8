"""Dates in the account's time zone (GET /settings ``locale.time_zone`` / ``time_offset``).

A date-only ``due_date`` is a calendar date in the account: it is shown as that date, never
shifted a day by a time-zone conversion. Syncro may send it as ``"2026-12-31"``, as midnight
in the account's zone (``2026-12-31T00:00:00-08:00`` or ``2026-12-31T08:00:00Z``) or as
midnight UTC (``2026-12-31T00:00:00Z``, rendered as ``2026-12-30T16:00:00-08:00`` by an
account at -08:00): the reference does not say which, so every one of them reads as
2026-12-31. A due date with a real time is shown in the account's zone, with its name.
Stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo

from syncro_tui.api.timestamps import parse_time

_OFFSET = re.compile(r"^([+-])(\d{1,2}):?(\d{2})$")


def account_zone(time_zone: str | None, time_offset: str | None = None) -> tzinfo:
    """The account's zone: the IANA name when this machine knows it, else the fixed offset
    /settings gave beside it, else UTC."""
    if time_zone:
        try:
            from zoneinfo import ZoneInfo

            return ZoneInfo(time_zone)
        except Exception:  # unknown name or no tz database on this machine
            pass
    match = _OFFSET.match((time_offset or "").strip())
    if match:
        sign, hours, minutes = match.groups()
        delta = timedelta(hours=int(hours), minutes=int(minutes))
        offset = -delta if sign == "-" else delta
        return timezone(offset, time_zone) if time_zone else timezone(offset)
    return UTC


def zone_label(zone: tzinfo) -> str:
    key = getattr(zone, "key", None)
    if key:
        return str(key)
    return zone.tzname(None) or "UTC"


@dataclass(frozen=True, slots=True)
class DueDate:
    day: date
    at: datetime | None = None  # set when the due date carries a real time (account zone)

    def iso(self) -> str:
        return self.day.isoformat()


def _is_midnight(value: datetime) -> bool:
    return value.time() == time(0, 0)


def due_date(value: datetime | str | None, zone: tzinfo = UTC) -> DueDate | None:
    """The due date as the account means it (see the module docstring)."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        moment = parse_time(value, naive=None)  # a bare date: naive midnight, its own day
        if moment is None:
            return None
        value = moment
    if value.tzinfo is None:
        return DueDate(value.date()) if _is_midnight(value) else DueDate(value.date(), value)
    if _is_midnight(value):  # midnight in the offset it was sent with
        return DueDate(value.date())
    local = value.astimezone(zone)
    if _is_midnight(local):  # midnight in the account's zone
        return DueDate(local.date())
    utc = value.astimezone(UTC)
    if _is_midnight(utc):  # a date stored as midnight UTC
        return DueDate(utc.date())
    return DueDate(local.date(), local)


def due_text(value: datetime | str | None, zone: tzinfo = UTC) -> str:
    """``2026-12-31`` for a date; ``2026-12-31 17:00 America/Los_Angeles`` with a time."""
    due = due_date(value, zone)
    if due is None:
        return ""
    if due.at is None:
        return due.iso()
    return f"{due.at:%Y-%m-%d %H:%M} {zone_label(zone)}"
