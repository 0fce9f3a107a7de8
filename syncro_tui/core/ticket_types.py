"""Ticket types and their custom fields, as GET /tickets/settings describes them.

Where the account requires a ticket type (``require_ticket_type``) a new ticket needs a
``ticket_type_id``, and the type's required fields (``ticket_type_fields`` with
``required``) need an answer in ``properties``, keyed by the field's name. Kinds: text,
dropdown (``select_box``: the answer's text), date (YYYY-MM-DD), checkbox ("1" or "0").
Settings arrive as plain JSON (lists of dicts); missing pieces are tolerated. Stdlib only.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from syncro_tui.core.text import clean, one_line

KINDS = {
    "text_field": "text",
    "text_area": "text",
    "select_box": "dropdown",
    "drop_down": "dropdown",
    "date_field": "date",
    "check_box": "checkbox",
}


@dataclass(frozen=True)
class TicketField:
    id: int | None
    name: str
    kind: str  # text, dropdown, date, checkbox
    required: bool
    answers: tuple[str, ...] = ()


@dataclass(frozen=True)
class TicketType:
    id: int
    name: str
    fields: tuple[TicketField, ...] = field(default_factory=tuple)

    @property
    def required_fields(self) -> tuple[TicketField, ...]:
        return tuple(f for f in self.fields if f.required)


def _get(obj: Any, key: str, default: Any = None) -> Any:
    if isinstance(obj, dict):
        return obj.get(key, default)
    value = getattr(obj, key, None)
    if value is None:
        extra = getattr(obj, "model_extra", None) or {}
        value = extra.get(key, default)
    return value


def require_type(settings: Any) -> bool:
    return bool(_get(settings, "require_ticket_type", False))


def ticket_types(settings: Any) -> list[TicketType]:
    """The account's ticket types with their fields (from the type's own ``ticket_fields``,
    else the flat ``ticket_type_fields`` list), dropdown answers attached."""
    answers: dict[Any, list[str]] = {}
    for answer in _get(settings, "ticket_type_field_answers", None) or []:
        text = one_line(clean(str(_get(answer, "content", "") or "")))
        if text:
            answers.setdefault(_get(answer, "ticket_field_id"), []).append(text)
    flat = list(_get(settings, "ticket_type_fields", None) or [])
    found = []
    for raw in _get(settings, "ticket_types", None) or []:
        type_id = _get(raw, "id")
        if not isinstance(type_id, int) or isinstance(type_id, bool):
            continue
        raw_fields = _get(raw, "ticket_fields", None) or [
            f for f in flat if _get(f, "ticket_type_id") == type_id
        ]
        fields = []
        for f in raw_fields:
            fid = _get(f, "id")
            own = [
                one_line(clean(str(_get(a, "content", "") or "")))
                for a in _get(f, "answers", None) or []
            ]
            fields.append(
                TicketField(
                    fid,
                    one_line(clean(str(_get(f, "name", "") or ""))) or f"field {fid}",
                    KINDS.get(str(_get(f, "field_type", "") or ""), "text"),
                    bool(_get(f, "required", False)),
                    tuple(a for a in own if a) or tuple(answers.get(fid, ())),
                )
            )
        name = one_line(clean(str(_get(raw, "name", "") or ""))) or f"type {type_id}"
        found.append(TicketType(type_id, name, tuple(fields)))
    return found


def properties(kind_values: dict[str, Any], ticket_type: TicketType) -> tuple[dict, list[str]]:
    """The ``properties`` to send for the answers given (by field name), and what is wrong
    (a required field without an answer, a date that is not a date, an unknown answer)."""
    out: dict[str, Any] = {}
    problems = []
    for f in ticket_type.fields:
        value = kind_values.get(f.name)
        if f.kind == "checkbox":
            if value is None and f.required:
                problems.append(f"{f.name} (checkbox) needs an answer.")
            elif value is not None:
                out[f.name] = "1" if value else "0"
            continue
        text = "" if value is None else str(value).strip()
        if not text:
            if f.required:
                problems.append(f"{f.name} is required for {ticket_type.name} tickets.")
            continue
        if f.kind == "date":
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
                problems.append(f"{f.name} must be a date like 2026-12-31.")
                continue
            try:
                date.fromisoformat(text)
            except ValueError:
                problems.append(f"{f.name}: {text} is not a real date.")
                continue
        if f.kind == "dropdown" and f.answers and text not in f.answers:
            problems.append(f"{f.name} must be one of: {', '.join(f.answers)}.")
            continue
        out[f.name] = text
    return out, problems
