"""Canned responses: placeholders filled from the ticket, and what a picker lists.

Syncro's canned responses may carry placeholders in double braces. The ones a technician
needs in a reply are filled from the ticket: the customer's and the contact's names and the
ticket's number and subject, written either way Syncro's templates spell them
(``{{customer_name}}``, ``{{customer.name}}``, any case and spacing). A placeholder this
does not know is left exactly as written and named, so nothing is guessed. Stdlib only.
"""

from __future__ import annotations

import re
from typing import Any

from syncro_tui.core.text import clean, one_line

PLACEHOLDER = re.compile(r"\{\{\s*([A-Za-z][A-Za-z0-9_. ]*?)\s*\}\}")
PERMISSION = "Ticket Canned Responses - Manage"

_ALIASES = {
    "customer": (
        "customer_name",
        "customer",
        "customer.name",
        "customer_business_then_name",
        "customer.business_then_name",
        "business_name",
        "customer.business_name",
    ),
    "customer_first": ("customer_firstname", "customer.firstname", "customer_first_name"),
    "contact": ("contact_name", "contact", "contact.name", "contact_fullname"),
    "contact_first": (
        "contact_firstname",
        "contact.firstname",
        "contact_first_name",
        "first_name",
        "firstname",
    ),
    "number": ("ticket_number", "ticket.number", "ticket_id_number", "number"),
    "subject": ("ticket_subject", "ticket.subject", "subject"),
    "tech": ("tech_name", "technician", "user_name", "user.name", "tech"),
}


def _norm(name: str) -> str:
    return re.sub(r"\s+", "_", name.strip().casefold())


def ticket_values(detail: Any, row: Any = None, tech: str = "") -> dict[str, str]:
    """The values for the placeholders, from a ticket detail (or its list row)."""
    customer = getattr(detail, "customer", None)
    contact = getattr(detail, "contact", None)
    customer_name = (
        (getattr(customer, "display_name", "") if customer is not None else "")
        or getattr(row, "customer_name", "")
        or getattr(detail, "customer_business_then_name", "")
    )
    contact_name = (getattr(contact, "name", "") if contact is not None else "") or getattr(
        row, "contact_name", ""
    )
    first = (getattr(customer, "firstname", "") if customer is not None else "") or ""
    found = {
        "customer": customer_name or "",
        "customer_first": first or (customer_name or "").split(" ")[0],
        "contact": contact_name or "",
        "contact_first": (contact_name or "").split(" ")[0],
        "number": str(getattr(detail, "number", "") or getattr(row, "number", "") or ""),
        "subject": getattr(detail, "subject", "") or getattr(row, "subject", "") or "",
        "tech": tech,
    }
    values = {}
    for key, names in _ALIASES.items():
        text = one_line(clean(found[key] or ""))
        if text:
            for name in names:
                values[_norm(name)] = text
    return values


def fill(text: str, values: dict[str, str]) -> tuple[str, list[str]]:
    """``text`` with every known placeholder filled; also the ones left as written."""
    unfilled: list[str] = []

    def one(match: re.Match[str]) -> str:
        value = values.get(_norm(match.group(1)))
        if value is None:
            unfilled.append(match.group(0))
            return match.group(0)
        return value

    return PLACEHOLDER.sub(one, clean(text or "")), unfilled


def choice_label(response: Any) -> str:
    """ "Replies / Looking into it: Thanks for reaching out..." for the picker."""
    category = one_line(clean(getattr(response, "category_name", "") or "")) or "(no category)"
    title = one_line(clean(getattr(response, "title", "") or "")) or "(untitled)"
    body = one_line(clean(getattr(response, "body", "") or ""))
    return f"{category} / {title}: {body[:60]}{'...' if len(body) > 60 else ''}"
