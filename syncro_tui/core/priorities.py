"""Priorities as the account defines them (GET /settings ``ticket.priorities``).

Syncro's priorities are free strings: numbered (``"0 Urgent"``, ``"2 Normal"``), plain words
(``"Low"`` .. ``"Urgent"``), empty or null, and mixed in one account when a list was renamed.
Nothing here invents a priority: order and choices come from the account's own list; a
ticket's value outside it (a legacy word) sorts beside the entry with the same word.
Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBERED = re.compile(r"^\s*\d+\s+(.*\S)\s*$")


def word(value: str | None) -> str:
    """``"1 High"`` -> ``"high"``; ``"High"`` -> ``"high"``."""
    text = (value or "").strip()
    match = _NUMBERED.match(text)
    return (match.group(1) if match else text).lower()


def rank(value: str | None, account: Sequence[str]) -> tuple[int, str]:
    """A sort key: the account's order (its first entry first), legacy words beside their
    numbered twin, unknown values after them, empty and null last."""
    text = (value or "").strip()
    listed = [p for p in account if p.strip()]
    if not text:
        return (len(listed) + 2, "")
    if text in listed:
        return (listed.index(text), "")
    words = [word(p) for p in listed]
    if word(text) in words:
        return (words.index(word(text)), text)
    return (len(listed) + 1, text.lower())


def choices(account: Sequence[str], current: str | None = None) -> list[str]:
    """What the priority picker offers: the account's own list (empty entry left out), plus
    the ticket's current value when the list does not have it (so it can be kept)."""
    listed = [p for p in account if p and p.strip()]
    current = (current or "").strip()
    if current and current not in listed:
        listed.append(current)
    return listed
