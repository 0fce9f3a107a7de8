"""Write intents: the exact JSON a write sends, built once and shown before it is sent.

The preview the technician confirms and the request the outbox sends are the same
``WriteIntent``: nothing is re-assembled between ``y`` and the wire, so what was read is
what Syncro gets. Builders validate their input (empty subject or body, bad ids, a
timer that ends before it starts) with ``ValueError`` messages meant for the modal.

Each intent carries a ``fingerprint``: a stable hash of what the write creates (kind,
path and the identifying fields). The outbox uses it to refuse posting the same thing
twice by accident and to find the record again when a reply is lost.

Stdlib only: the UI imports this to build previews before the network stack is loaded.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

# Kinds of write: each is one entry of ``core.kinds.KINDS`` (how it is sent and verified).
from syncro_tui.core.kinds import (  # re-exported: W.COMMENT and so on
    CHARGE_TIMER,
    COMMENT,
    DELETE_TIMER,
    INVOICE,
    LINE_ITEM,
    NEW_TICKET,
    TICKET_UPDATE,
    TIMER_ENTRY,
    UPDATE_LINE_ITEM,
)
from syncro_tui.core.kinds import emails_customer as _emails_customer

# Comment visibility: (hidden, do_not_email). Internal is the default everywhere because
# a public comment without do_not_email sends the customer a real email.
VISIBILITIES = {
    "internal": (True, True),
    "public": (False, True),
    "public_email": (False, False),
}
VISIBILITY_LABELS = {
    "internal": "Internal note (hidden, no email)",
    "public": "Public, no email",
    "public_email": "Public and email the customer",
}
INITIAL_ISSUE_SUBJECT = "Initial Issue"  # what Syncro's own UI calls a ticket's first comment


@dataclass(frozen=True)
class WriteIntent:
    """One write, exactly as it will be sent.

    ``payload`` is the JSON body (plain JSON types only). ``ticket_id`` is None for writes
    that are not about an existing ticket (a new ticket); ``scope`` then says what the
    outbox serialises on (the customer). ``label`` is a short human description for the
    write log.
    """

    kind: str
    method: str
    path: str
    payload: dict[str, Any]
    ticket_id: int | None
    label: str
    fingerprint: str
    scope: str = field(default="")

    def preview_json(self) -> str:
        """The body as the preview shows it (same JSON the client sends)."""
        return json.dumps(self.payload, indent=2, ensure_ascii=False)

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "method": self.method,
            "path": self.path,
            "payload": self.payload,
            "ticket_id": self.ticket_id,
            "label": self.label,
            "fingerprint": self.fingerprint,
            "scope": self.scope,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WriteIntent:
        return cls(**data)


def fingerprint(kind: str, path: str, identity: dict[str, Any]) -> str:
    """Stable across processes and Python versions: sha256 of canonical JSON."""
    canonical = json.dumps(
        [kind, path, identity], sort_keys=True, ensure_ascii=False, separators=(",", ":")
    )
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()[:32]


def _intent(
    kind: str,
    method: str,
    path: str,
    payload: dict[str, Any],
    ticket_id: int | None,
    label: str,
    identity_keys: tuple[str, ...] | None = None,
    scope: str = "",
) -> WriteIntent:
    identity = payload if identity_keys is None else {k: payload.get(k) for k in identity_keys}
    return WriteIntent(
        kind,
        method,
        path,
        payload,
        ticket_id,
        label,
        fingerprint(kind, path, identity),
        scope or (f"ticket:{ticket_id}" if ticket_id is not None else ""),
    )


# --------------------------------------------------------------------------- validation


def _positive_id(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise ValueError(f"{what} must be a positive whole number, not {value!r}.")
    return value


def _required_text(value: Any, what: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValueError(f"The {what} is empty: type something before sending.")
    return value


def _on_ticket(ticket_id: int, number: str | None) -> str:
    return f"#{number}" if number else f"ticket {ticket_id}"


def _iso(moment: datetime, what: str) -> str:
    if not isinstance(moment, datetime) or moment.tzinfo is None:
        raise ValueError(f"{what} must be a date-time with a time zone.")
    return moment.isoformat(timespec="seconds")


def quantity_json(hours: Decimal, *, two_places: bool = True) -> float:
    """Decimal hours as the JSON number Syncro expects (0.75). New lines have two places at
    most, so the float's shortest repr is exactly the decimal the preview showed; a line
    being corrected keeps whatever quantity Syncro gave it."""
    if not isinstance(hours, Decimal) or not hours.is_finite() or hours <= 0:
        raise ValueError(f"Quantity must be a positive number of hours, not {hours!r}.")
    if two_places and hours != hours.quantize(Decimal("0.01")):
        raise ValueError(f"Quantity {hours} has more than two decimal places.")
    return float(hours)


# --------------------------------------------------------------------------- comments


def comment_payload(subject: str, body: str, visibility: str = "internal") -> dict[str, Any]:
    """The body of POST /tickets/{id}/comment. Text is sent exactly as typed."""
    if visibility not in VISIBILITIES:
        raise ValueError(
            f"Visibility must be one of {', '.join(VISIBILITIES)}, not {visibility!r}."
        )
    hidden, do_not_email = VISIBILITIES[visibility]
    return {
        "subject": _required_text(subject, "subject"),
        "body": _required_text(body, "comment body"),
        "hidden": hidden,
        "do_not_email": do_not_email,
    }


def comment(
    ticket_id: int,
    subject: str,
    body: str,
    visibility: str = "internal",
    *,
    number: str | None = None,
) -> WriteIntent:
    tid = _positive_id(ticket_id, "Ticket id")
    payload = comment_payload(subject, body, visibility)
    label = f"Comment on {_on_ticket(tid, number)}: {subject.strip()[:60]}"
    return _intent(
        COMMENT,
        "POST",
        f"/tickets/{tid}/comment",
        payload,
        tid,
        label,
        ("subject", "body", "hidden"),
    )


def emails_customer(intent: WriteIntent) -> bool:
    """True when sending this intent emails the customer (a comment, or a new ticket's
    first comment, that is public without do_not_email): its kind says (``core.kinds``)."""
    return _emails_customer(intent)


def email_warning(intent: WriteIntent, contact_name: str | None, email: str | None) -> str | None:
    """The red line of the preview: who gets an email, or None when nobody does."""
    if not emails_customer(intent):
        return None
    from syncro_tui.core.text import clean

    who = " ".join(
        part for part in (clean(contact_name), f"<{clean(email)}>" if email else "") if part
    )
    return f"This will email {who or 'the customer'}."


# --------------------------------------------------------------------------- tickets


def new_ticket(
    *,
    customer_id: int,
    subject: str,
    user_id: int,
    priority: str | None = "",
    problem_type: str | None = "",
    contact_id: int | None = None,
    due_date: date | None = None,
    description: str | None = "",
    description_visibility: str = "internal",
    ticket_type_id: int | None = None,
    properties: dict[str, Any] | None = None,
) -> WriteIntent:
    """POST /tickets. ``user_id`` is required: Syncro leaves a ticket unassigned without it.

    The description becomes the ticket's first comment ("Initial Issue"), internal by
    default: a public first comment emails the customer the moment the ticket exists,
    which a technician logging a call rarely means to do. The modal may offer the other
    visibilities; the preview then says who will be emailed.
    """
    payload: dict[str, Any] = {
        "customer_id": _positive_id(customer_id, "Customer id"),
        "subject": _required_text(subject, "ticket subject"),
        "user_id": _positive_id(user_id, "Assignee (user id)"),
    }
    if contact_id is not None:
        payload["contact_id"] = _positive_id(contact_id, "Contact id")
    if problem_type and problem_type.strip():
        payload["problem_type"] = problem_type
    if priority and priority.strip():
        payload["priority"] = priority
    if due_date is not None:
        payload["due_date"] = due_date.isoformat()
    if ticket_type_id is not None:
        payload["ticket_type_id"] = _positive_id(ticket_type_id, "Ticket type id")
    if properties:
        payload["properties"] = dict(properties)
    if description and description.strip():
        first = comment_payload(INITIAL_ISSUE_SUBJECT, description, description_visibility)
        payload["comments_attributes"] = [first]
    label = f"New ticket for customer {customer_id}: {subject.strip()[:60]}"
    return _intent(
        NEW_TICKET,
        "POST",
        "/tickets",
        payload,
        None,
        label,
        ("customer_id", "subject"),
        scope=f"customer:{customer_id}",
    )


TICKET_FIELDS = (
    "status",
    "user_id",
    "priority",
    "due_date",
    "subject",
    "problem_type",
    "contact_id",
)


def update_ticket(
    ticket_id: int, changes: dict[str, Any], *, label: str | None = None, number: str | None = None
) -> WriteIntent:
    """PUT /tickets/{id} with only the fields that change (status, user_id or None,
    priority, due_date as an ISO date "YYYY-MM-DD" or None, subject, problem_type,
    contact_id or None)."""
    tid = _positive_id(ticket_id, "Ticket id")
    unknown = sorted(set(changes) - set(TICKET_FIELDS))
    if unknown:
        raise ValueError(
            f"Cannot change {', '.join(unknown)} here; only {', '.join(TICKET_FIELDS)}."
        )
    if not changes:
        raise ValueError("Nothing to change: give a status, an assignee, a priority or a due date.")
    payload: dict[str, Any] = {}
    if "status" in changes:
        payload["status"] = _required_text(changes["status"], "status")
    if "user_id" in changes:
        user_id = changes["user_id"]  # None unassigns
        payload["user_id"] = (
            None if user_id is None else _positive_id(user_id, "Assignee (user id)")
        )
    if "priority" in changes:
        if not isinstance(changes["priority"], str):
            raise ValueError(f"Priority must be text, not {changes['priority']!r}.")
        payload["priority"] = changes["priority"]
    if "due_date" in changes:
        due = changes["due_date"]
        try:  # None clears it
            payload["due_date"] = (
                None if due is None else date.fromisoformat(str(due)[:10]).isoformat()
            )
        except ValueError:
            raise ValueError(f"Due date must be a date like 2026-12-31, not {due!r}.") from None
    if "subject" in changes:
        payload["subject"] = _required_text(changes["subject"], "subject")
    if "problem_type" in changes:
        payload["problem_type"] = str(changes["problem_type"] or "")
    if "contact_id" in changes:
        contact = changes["contact_id"]  # None: no contact
        payload["contact_id"] = None if contact is None else _positive_id(contact, "Contact id")
    shown = ", ".join(f"{k} {v}" for k, v in payload.items())
    return _intent(
        TICKET_UPDATE,
        "PUT",
        f"/tickets/{tid}",
        payload,
        tid,
        label or f"Set {shown} on {_on_ticket(tid, number)}",
    )


# --------------------------------------------------------------------------- line items


def line_item(
    ticket_id: int,
    *,
    product_id: int,
    product_name: str,
    description: str,
    hours: Decimal,
    number: str | None = None,
) -> WriteIntent:
    """POST /tickets/{id}/add_line_item. ``name`` is the product's name (Syncro does not
    fill it in), ``taxable`` is false explicitly (the API taxes labor when it is missing)
    and no price field is sent, so Syncro charges the product's configured rate."""
    tid = _positive_id(ticket_id, "Ticket id")
    payload = {
        "product_id": _positive_id(product_id, "Labor product id"),
        "name": _required_text(product_name, "product name"),
        "description": _required_text(description, "line item description"),
        "quantity": quantity_json(hours),
        "taxable": False,
    }
    return _intent(
        LINE_ITEM,
        "POST",
        f"/tickets/{tid}/add_line_item",
        payload,
        tid,
        f"Add {hours} h {product_name} to {_on_ticket(tid, number)}",
        ("product_id", "name", "description", "quantity"),
    )


def update_line_item(
    ticket_id: int,
    line_item_id: int,
    *,
    product_id: int,
    name: str,
    description: str,
    hours: Decimal,
    taxable: bool,
    number: str | None = None,
) -> WriteIntent:
    """PUT /tickets/{id}/update_line_item with the complete line (a PUT may reset what it
    omits), e.g. to correct the product Syncro chose when it charged a timer."""
    tid = _positive_id(ticket_id, "Ticket id")
    payload = {
        "ticket_line_item_id": _positive_id(line_item_id, "Line item id"),
        "product_id": _positive_id(product_id, "Product id"),
        "name": _required_text(name, "line item name"),
        "description": _required_text(description, "line item description"),
        "quantity": quantity_json(hours, two_places=False),
        "taxable": bool(taxable),
    }
    return _intent(
        UPDATE_LINE_ITEM,
        "PUT",
        f"/tickets/{tid}/update_line_item",
        payload,
        tid,
        f"Correct line item {line_item_id} on {_on_ticket(tid, number)} to {name}",
    )


# --------------------------------------------------------------------------- timers


def timer_entry(
    ticket_id: int,
    *,
    start_at: datetime,
    end_at: datetime,
    notes: str,
    product_id: int,
    number: str | None = None,
) -> WriteIntent:
    """POST /tickets/{id}/timer_entry: ISO times with their offset, the labor product."""
    tid = _positive_id(ticket_id, "Ticket id")
    start, end = _iso(start_at, "Start"), _iso(end_at, "End")
    if end_at <= start_at:
        raise ValueError("The timer ends before it starts.")
    payload = {
        "start_at": start,
        "end_at": end,
        "notes": notes if isinstance(notes, str) else "",
        "product_id": _positive_id(product_id, "Labor product id"),
    }
    minutes = int((end_at - start_at).total_seconds() // 60)
    return _intent(
        TIMER_ENTRY,
        "POST",
        f"/tickets/{tid}/timer_entry",
        payload,
        tid,
        f"Timer entry of {minutes} min on {_on_ticket(tid, number)}",
        ("start_at", "end_at", "notes"),
    )


def charge_timer(ticket_id: int, timer_entry_id: int, *, number: str | None = None) -> WriteIntent:
    """POST /tickets/{id}/charge_timer_entry. Charging twice makes two line items."""
    tid = _positive_id(ticket_id, "Ticket id")
    payload = {"timer_entry_id": _positive_id(timer_entry_id, "Timer entry id")}
    return _intent(
        CHARGE_TIMER,
        "POST",
        f"/tickets/{tid}/charge_timer_entry",
        payload,
        tid,
        f"Charge timer {timer_entry_id} on {_on_ticket(tid, number)}",
    )


def delete_timer(ticket_id: int, timer_entry_id: int, *, number: str | None = None) -> WriteIntent:
    tid = _positive_id(ticket_id, "Ticket id")
    payload = {"timer_entry_id": _positive_id(timer_entry_id, "Timer entry id")}
    return _intent(
        DELETE_TIMER,
        "POST",
        f"/tickets/{tid}/delete_timer_entry",
        payload,
        tid,
        f"Delete timer {timer_entry_id} on {_on_ticket(tid, number)}",
    )


# --------------------------------------------------------------------------- invoices


def invoice(ticket_id: int, customer_id: int, *, number: str | None = None) -> WriteIntent:
    """POST /invoices for a ticket: like "Make Invoice", it pulls the ticket's line items
    (not its uncharged timers)."""
    tid = _positive_id(ticket_id, "Ticket id")
    payload = {"ticket_id": tid, "customer_id": _positive_id(customer_id, "Customer id")}
    return _intent(INVOICE, "POST", "/invoices", payload, tid, f"Invoice {_on_ticket(tid, number)}")


# --------------------------------------------------------------------------- attribution


def attribution(me: Any, expected_user: str = "") -> tuple[str, str | None]:
    """("Sent as NAME (user_id N), the owner of the API key.", warning or None): the one
    attribution line, in every preview of every front end (TUI, command line, agent).

    Syncro attributes every write to the owner of the API key. ``expected_user`` (config)
    is a name or a user id; when /me disagrees the warning says who will be credited.
    ``me`` is the /me model (``user_name``, ``user_id``) or None when /me failed.
    """
    from syncro_tui.core.text import one_line

    if me is None:
        return (
            "Sent as the owner of the API key (GET /me failed, so who that is is unknown).",
            "Could not check who this API key belongs to (GET /me failed).",
        )
    name = one_line(getattr(me, "user_name", "") or "") or "unknown user"
    user_id = getattr(me, "user_id", None)
    line = f"Sent as {name} (user_id {user_id}), the owner of the API key."
    wanted = (expected_user or "").strip()
    if not wanted or wanted.lower() in (str(user_id), name.lower()):
        return line, None
    return line, (
        f"This API key belongs to {name}, not {wanted}: everything you post "
        f"will be attributed to {name}."
    )
