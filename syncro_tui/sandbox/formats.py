"""How the sandbox writes and reads the values Syncro is picky about.

Timestamps are kept as POSIX seconds and rendered like Rails does (ISO-8601 with
milliseconds, ``Z`` by default or an account offset such as ``-08:00`` when asked), because
the client must cope with both. Money and quantities are rendered as Ruby BigDecimal strings
("1.0", "0.75"), the shape that trips up naive float parsing.
"""

from __future__ import annotations

import html as _html
import re
from datetime import UTC, date, datetime, time, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

_OFFSET = re.compile(r"^([+-])(\d{2}):(\d{2})$")


def parse_offset(text: str | None) -> timezone:
    """``None`` or ``"Z"`` means UTC; otherwise ``"+HH:MM"`` / ``"-HH:MM"``."""
    if text in (None, "", "Z"):
        return UTC
    match = _OFFSET.match(text)
    if not match:
        raise ValueError(f"time offset must look like -08:00, got {text!r}")
    sign, hours, minutes = match.groups()
    delta = timedelta(hours=int(hours), minutes=int(minutes))
    return timezone(-delta if sign == "-" else delta)


def render_time(ts: float | None, tz: timezone = UTC) -> str | None:
    """``2026-05-09T07:35:25.123Z`` (UTC) or ``2026-05-08T23:35:25.123-08:00``."""
    if ts is None:
        return None
    text = datetime.fromtimestamp(ts, tz).isoformat(timespec="milliseconds")
    return text.replace("+00:00", "Z") if tz is UTC else text


def parse_time(value: object, date_zone: tzinfo = UTC) -> float:
    """Read a client-supplied date or date-time the way Syncro accepts them.

    Date-only strings mean midnight in ``date_zone`` (UTC for filters; the account's zone for
    a ticket's due date, as a Rails app reads a zone-less date); naive date-times are taken as
    UTC. Anything else raises ValueError with Ruby's wording, which the routes turn into a 422.
    """
    text = str(value).strip() if value is not None else ""
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time(), date_zone)
        else:
            parsed = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f'no time information in "{text}"') from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed.timestamp()


def start_of_day(ts: float) -> float:
    """Midnight UTC of the day holding ``ts`` (for tenants that honour only the date)."""
    day = datetime.fromtimestamp(ts, UTC).date()
    return datetime.combine(day, time(), UTC).timestamp()


def to_decimal(value: object) -> Decimal:
    """Numbers and numeric strings to Decimal; raises ValueError for anything else."""
    if isinstance(value, bool) or value is None:
        raise ValueError(f"not a number: {value!r}")
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        raise ValueError(f"not a number: {value!r}") from None
    if not result.is_finite():
        raise ValueError(f"not a number: {value!r}")
    return result


def ruby_decimal(value: Decimal) -> str:
    """Decimal as Ruby's BigDecimal#to_s in JSON: "1.0", "0.75", "123.5"."""
    normal = value.normalize()
    exponent = normal.as_tuple().exponent
    if isinstance(exponent, int) and exponent >= 0:
        return f"{int(normal)}.0"
    return format(normal, "f")


def json_number(value: Decimal) -> int | float:
    """Decimal as a JSON number, the way Syncro sends ``price_retail`` (15, 0.01)."""
    return int(value) if value == value.to_integral_value() else float(value)


def cents(value: Decimal) -> int:
    return int((value * 100).to_integral_value())


def rich_body(text: str, *, paragraphs: bool) -> str:
    """A body the way a rich-text tenant hands it back: ``&`` ``<`` ``>`` as entities,
    trailing whitespace trimmed, line breaks as ``<br>`` or (``paragraphs``) each line in
    ``<p>``. Real tenants differ in exactly these ways (syncro-api.md section 9, point 1)."""
    lines = [_html.escape(line.rstrip(), quote=False) for line in text.rstrip().split("\n")]
    if paragraphs:
        return "".join(f"<p>{line}</p>" for line in lines)
    return "<br>".join(lines)


def zone(name: str, fallback: timezone = UTC) -> tzinfo:
    """The IANA zone ``name`` (the account's), or ``fallback`` where the machine lacks it."""
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo(name)
    except Exception:
        return fallback


def offset_text(tz: tzinfo, at: float) -> str:
    """``-08:00`` (or ``-07:00`` in summer): the zone's offset at ``at``."""
    text = datetime.fromtimestamp(at, tz).strftime("%z") or "+0000"
    return f"{text[:3]}:{text[3:]}"
