"""What the detail pane says about a ticket's type, custom fields, SLA, contract and
appointments: plain text from the API's many shapes. Stdlib only.

Custom fields (``properties``) are keyed by field name. Their values come as Syncro stores
them: text, dropdown answers as the answer's text or as an integer answer id, checkboxes as
``"1"``/``"0"`` (or booleans), dates as ``YYYY-MM-DD``. The ticket type's ``ticket_fields``
(with their ``answers``) give the order, the kind and the text of an answer id.
"""

from __future__ import annotations

from datetime import datetime, tzinfo
from typing import Any

from syncro_tui.core.text import one_line

_CHECKED = {"1", "true", "yes", "on"}
_UNCHECKED = {"0", "false", "no", "off"}


def _get(obj: Any, name: str) -> Any:
    if isinstance(obj, dict):
        return obj.get(name)
    return getattr(obj, name, None)


def type_name(ticket: Any) -> str:
    kind = _get(ticket, "ticket_type")
    name = _get(kind, "name") if kind else None
    return one_line(name or _get(ticket, "ticket_type_name") or "")


def _fields(ticket: Any) -> list[dict]:
    """The ticket's custom field definitions: its type's, else the top-level list."""
    kind = _get(ticket, "ticket_type")
    found = _get(kind, "ticket_fields") if kind else None
    if not found:
        found = _get(ticket, "ticket_fields")
    return [f for f in (found or []) if isinstance(f, dict) and f.get("name")]


def field_value(value: Any, definition: dict | None = None) -> str:
    """One custom field's value as text ("yes"/"no" for a checkbox, an answer's text)."""
    kind = (definition or {}).get("field_type") or ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if kind in ("check_box", "checkbox") and str(value).strip().lower() in _CHECKED | _UNCHECKED:
        return "yes" if str(value).strip().lower() in _CHECKED else "no"
    if isinstance(value, int) and definition:
        for answer in definition.get("answers") or []:
            if isinstance(answer, dict) and answer.get("id") == value:
                return one_line(answer.get("content") or value)
    if isinstance(value, (list, tuple)):
        return ", ".join(field_value(v, definition) for v in value)
    if isinstance(value, dict):
        return one_line(", ".join(f"{k}: {v}" for k, v in value.items()))
    return one_line(value)


def custom_fields(ticket: Any) -> list[tuple[str, str]]:
    """(name, value) of every filled custom field, in the type's order, then the others."""
    properties = _get(ticket, "properties")
    if not isinstance(properties, dict) or not properties:
        return []
    definitions = {f["name"]: f for f in _fields(ticket)}
    names = [n for n in definitions if n in properties]
    names += [n for n in properties if n not in definitions]
    out = []
    for name in names:
        value = properties[name]
        if value is None or value == "" or value == []:
            continue
        out.append((one_line(name), field_value(value, definitions.get(name))))
    return out


def sla_state(ticket: Any) -> str:
    if _get(ticket, "sla_breached"):
        return "breached"
    if _get(ticket, "sla_breaching_soon"):
        return "breaching soon"
    return ""


def sla_text(name: str, state: str) -> str:
    """``Premium 24x7 (BREACHED)``; the state alone when the SLA has no name."""
    shown = {"breached": "BREACHED", "breaching soon": "breaching soon"}.get(state, "")
    if name and shown:
        return f"{name} ({shown})"
    return name or shown


def contract_text(ticket: Any) -> str:
    name = _get(ticket, "contract_name")
    if name:
        return one_line(name)
    cid = _get(ticket, "contract_id")
    return f"contract {cid}" if cid else ""


def appointment_lines(ticket: Any, zone: tzinfo | None = None) -> list[str]:
    """``2026-11-24 09:00-11:00  Onsite  Onsite visit: ...`` in local time, soonest first."""
    items = [a for a in (_get(ticket, "appointments") or []) if a is not None]

    def start(a: Any) -> float:
        when = _get(a, "start_at")
        return when.timestamp() if isinstance(when, datetime) else 0.0

    lines = []
    for a in sorted(items, key=start):
        begin, end = _get(a, "start_at"), _get(a, "end_at")
        when = "?"
        if isinstance(begin, datetime):
            local = begin.astimezone(zone) if zone else begin.astimezone()
            when = f"{local:%Y-%m-%d %H:%M}"
            if isinstance(end, datetime):
                until = end.astimezone(zone) if zone else end.astimezone()
                when += (
                    f"-{until:%H:%M}"
                    if until.date() == local.date()
                    else f" - {until:%Y-%m-%d %H:%M}"
                )
        bits = [when, one_line(_get(a, "location") or ""), one_line(_get(a, "summary") or "")]
        lines.append("  ".join(b for b in bits if b))
    return lines
