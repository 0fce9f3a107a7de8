"""How the sandbox writes and reads the values Syncro is picky about.

Timestamps are kept as POSIX seconds and rendered like Rails does (ISO-8601 with
milliseconds, ``Z`` by default or an account offset such as ``-08:00`` when asked), because
the client must cope with both. Money and quantities are rendered as Ruby BigDecimal strings
("1.0", "0.75"), the shape that trips up naive float parsing.
"""

from __future__ import annotations

import html as _html
import re
from datetime import UTC, date, datetime, time, timedelta, timezone
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


def parse_time(value: object) -> float:
    """Read a client-supplied date or date-time the way Syncro accepts them.

    Date-only strings mean midnight UTC; naive date-times are taken as UTC. Anything else
    raises ValueError with Ruby's wording, which the routes turn into a 422.
    """
    text = str(value).strip() if value is not None else ""
    try:
        if len(text) == 10:
            parsed = datetime.combine(date.fromisoformat(text), time(), UTC)
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
