"""What a comment will do besides being stored: who Syncro emails, which status it sets,
and whether the very same text already landed from this machine.

Pure functions on plain values and duck-typed models (stdlib only), so the preview and the
command line say the same thing and the rules are tested without a terminal.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncro_tui.core import writes
from syncro_tui.core.text import clean, one_line

SAME_TEXT_WINDOW = 24 * 3600.0

# Syncro's own rule ("How ticket statuses change"): these subjects move the ticket.
STATUS_SUBJECTS = {
    "diagnosis": "In Progress",
    "parts arrival": "In Progress",
    "parts order": "Waiting for Parts",
}

_APPLIED = ("confirmed", "landed")


@dataclass(frozen=True)
class Recipients:
    """Who Syncro will email for a public comment that is not ``do_not_email``.

    ``addresses`` are "Name <address>" strings; ``problem`` (shown in red before `y`) says
    why nobody will actually get it, or is empty when the mail goes out.
    """

    addresses: tuple[str, ...]
    problem: str = ""
    no_email: str = ""  # the customer's name when it is set to No Email (mail is dropped)

    @property
    def reaches_someone(self) -> bool:
        return bool(self.addresses) and not self.problem


def _name_address(name: Any, email: Any) -> str:
    name, email = one_line(clean(name or "")), one_line(clean(email or ""))
    if not email:
        return ""
    return f"{name} <{email}>" if name else f"<{email}>"


def recipients(contact: Any, customer: Any) -> Recipients:
    """The ticket's contact when it has an address, else the customer's email.

    A customer with ``no_email`` set (Syncro sets it by itself after a bounce and then drops
    mail silently) gets nothing, whatever the addresses say.
    """
    customer_name = ""
    if customer is not None:
        customer_name = one_line(
            clean(
                getattr(customer, "display_name", None)
                or getattr(customer, "business_then_name", None)
                or getattr(customer, "fullname", None)
                or ""
            )
        )
    contact_line = (
        _name_address(getattr(contact, "name", ""), getattr(contact, "email", ""))
        if contact is not None
        else ""
    )
    customer_line = (
        _name_address(customer_name, getattr(customer, "email", "")) if customer is not None else ""
    )
    target = contact_line or customer_line
    if customer is not None and getattr(customer, "no_email", False):
        who = customer_name or "This customer"
        to = f" to {target}" if target else ""
        return Recipients(
            (target,) if target else (),
            f"{who} is set to No Email in Syncro: the email{to} will be silently dropped "
            "and nobody will get it. Choose 'Public, no email' and tell them another way.",
            no_email=who,
        )
    if not target:
        return Recipients(
            (),
            "Nobody to email: neither the ticket's contact nor the customer has an email "
            "address, so nobody will get it. Choose 'Public, no email' instead.",
        )
    return Recipients((target,))


def email_lines(intent: writes.WriteIntent, found: Recipients) -> list[str]:
    """The red preview lines for a write that emails the customer (empty when it does not)."""
    if not writes.emails_customer(intent):
        return []
    if found.problem:
        return [found.problem]
    return [f"This will email {', '.join(found.addresses)}."]


def new_ticket_email_lines(
    intent: writes.WriteIntent, found: Recipients
) -> tuple[list[str], list[str]]:
    """(red warnings, notes) naming who a new ticket reaches by email.

    A public first comment emails the ticket's contact (else the customer) the moment the
    ticket exists: a warning naming them, or why nobody will get it. Otherwise this write
    emails nobody, and the note says so; it also names where Syncro's own "new ticket"
    notice would go on accounts that send one (the API does not say whether it is on)."""
    if writes.emails_customer(intent):
        return email_lines(intent, found), []
    first = intent.payload.get("comments_attributes") or []
    what = (
        "the description goes in as an internal note"
        if first
        else "there is no description, so no first comment"
    )
    if found.no_email:
        to = f" to {', '.join(found.addresses)}" if found.addresses else ""
        where = f"would be dropped{to}: {found.no_email} is set to No Email in Syncro"
    elif found.problem:
        where = "would reach nobody: neither the contact nor the customer has an email address"
    else:
        where = f"goes to {', '.join(found.addresses)}"
    return [], [
        f"Emails: none from this write ({what}).",
        f'Syncro\'s own "new ticket" email, where the account sends one, {where}.',
    ]


def status_change(subject: str) -> str | None:
    """The status Syncro moves the ticket to for this comment subject (any case), or None."""
    key = " ".join((subject or "").split()).casefold()
    return STATUS_SUBJECTS.get(key)


def status_change_line(subject: str, current_status: str = "") -> str | None:
    target = status_change(subject)
    if target is None:
        return None
    shown = one_line(clean(subject)).strip()
    if current_status and current_status.casefold() == target.casefold():
        return f'The subject "{shown}" keeps the ticket {target} (Syncro sets that status).'
    now = f" (now {current_status})" if current_status else ""
    return f'The subject "{shown}" makes Syncro change the ticket\'s status to {target}{now}.'


def same_text(
    entries: list[Any], ticket_id: int, subject: str, body: str, now: float
) -> Any | None:
    """The newest journal entry (this machine's outbox) of a comment with this exact subject
    and body on this ticket that landed in the last 24 hours, or None."""
    since = now - SAME_TEXT_WINDOW
    best = None
    for entry in entries:
        intent = entry.intent
        if intent.kind != writes.COMMENT or intent.ticket_id != ticket_id:
            continue
        if entry.state not in _APPLIED:
            continue
        when = entry.sent_at or entry.created_at
        if when < since:
            continue
        if intent.payload.get("subject") != subject or intent.payload.get("body") != body:
            continue
        if best is None or when > (best.sent_at or best.created_at):
            best = entry
    return best
