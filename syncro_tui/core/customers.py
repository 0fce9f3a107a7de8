"""Ranking customer search results so the customer the technician typed wins.

Syncro's autocomplete also matches contacts and other fields: searching "park" returns the
realty firm with a contact named Noah Park before Park Construction. ``rank`` puts exact
and prefix matches of the customer's own name first and says why a looser match matched.
Stdlib only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from syncro_tui.core.text import clean, one_line


@dataclass(frozen=True)
class Match:
    customer: Any
    name: str  # the customer's name, cleaned
    reason: str  # "" when the name itself matched; else e.g. "contact Noah Park"
    score: int  # 0 exact, 1 prefix, 2 a word starts with it, 3 contains it, 4 other field


def _name(customer: Any) -> str:
    for attr in ("display_name", "business_then_name", "business_name", "fullname"):
        value = getattr(customer, attr, None)
        if value:
            return one_line(clean(str(value)))
    return f"customer {getattr(customer, 'id', '?')}"


def _score(query: str, text: str) -> int | None:
    q, t = query.casefold(), text.casefold()
    if not q or q not in t:
        return None
    if t == q:
        return 0
    if t.startswith(q):
        return 1
    if any(word.startswith(q) for word in t.split()):
        return 2
    return 3


def why(query: str, customer: Any) -> str:
    """What matched when the name did not: a contact's name or email, else the email."""
    q = query.casefold().strip()
    for contact in getattr(customer, "contacts", None) or []:
        name = one_line(clean(getattr(contact, "name", "") or ""))
        if q and q in name.casefold():
            return f"contact {name}"
        email = one_line(clean(getattr(contact, "email", "") or ""))
        if q and q in email.casefold():
            return f"contact {email}"
    for attr in ("email", "fullname", "firstname", "lastname"):
        value = one_line(clean(str(getattr(customer, attr, "") or "")))
        if q and q in value.casefold():
            return f"{attr} {value}"
    return "matched by Syncro on another field"


def rank(query: str, customers: list[Any]) -> list[Match]:
    """Exact, then prefix, then word-prefix, then substring matches of the customer's name,
    then the rest (with the reason); Syncro's order within each group."""
    q = " ".join((query or "").split())
    matches = []
    for customer in customers:
        name = _name(customer)
        score = _score(q, name)
        if score is None:
            matches.append(Match(customer, name, why(q, customer), 4))
        else:
            matches.append(Match(customer, name, "", score))
    return sorted(matches, key=lambda m: m.score)  # sorted() is stable


def label(match: Match) -> str:
    return f"{match.name}  ({match.reason})" if match.reason else match.name
