"""Priorities as the account defines them (GET /settings ``ticket.priorities``): the one
ranker the list's sort, its ``p:`` filter, its priority column and the picker share.

Syncro's priorities are free strings: numbered (``"0 Urgent"``, ``"2 Normal"``), plain words
(``"Low"`` .. ``"Urgent"``), empty or null, and mixed in one account when a list was renamed
(a ticket keeps "High" beside the account's "1 High"). Nothing here invents a priority: the
choices are the account's own list, and a value's *level* (0 = most urgent) is

1. the number it or its numbered twin in the account starts with (``"High"`` beside
   ``"1 High"`` -> 1): Syncro numbers its default list from the most urgent;
2. else its place in the account's own list, read in the direction the list's words run
   (a live tenant lists ``Low, Normal, High, Urgent``: least urgent first);
3. else what its word says (``"Critical"`` -> 0, ``"Low"`` -> 3), for a legacy word the
   account no longer lists;
4. else unknown: after every known level, A to Z; empty and null last.

Stdlib only.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_NUMBERED = re.compile(r"^\s*(\d+)\s*(.*?)\s*$")

# Words that say how urgent a priority is, on Syncro's own scale (0 Urgent .. 3 Low). Used
# to read which way a plain list runs and to place a legacy word; never to make up choices.
_WORD_LEVELS = {
    "emergency": 0,
    "critical": 0,
    "urgent": 0,
    "asap": 0,
    "highest": 0,
    "high": 1,
    "important": 1,
    "medium": 2,
    "normal": 2,
    "standard": 2,
    "moderate": 2,
    "low": 3,
    "lowest": 4,
    "minor": 3,
    "whenever": 4,
}

UNKNOWN = 1_000
"""The level group of a value nobody can place (after every known one)."""


def word(value: str | None) -> str:
    """``"1 High"`` -> ``"high"``; ``"High"`` -> ``"high"``."""
    match = _NUMBERED.match(value or "")
    return (match.group(2) if match else (value or "").strip()).casefold()


def _number(value: str) -> int | None:
    match = _NUMBERED.match(value)
    return int(match.group(1)) if match else None


def _word_level(value: str) -> int | None:
    words = re.findall(r"[a-z]+", word(value))
    return next((_WORD_LEVELS[w] for w in words if w in _WORD_LEVELS), None)


def _listed(account: Sequence[str]) -> list[str]:
    return [p.strip() for p in account if p and p.strip()]


def _plain_levels(listed: list[str]) -> dict[str, int]:
    """Each entry's place in a list without numbers, most urgent 0: the list is read
    backwards when its words run from least to most urgent (``Low, Normal, High, Urgent``)."""
    plain = list(listed)
    known = [lv for lv in (_word_level(p) for p in plain) if lv is not None]
    if len(known) >= 2 and known[0] > known[-1]:
        plain.reverse()
    return {word(p): i for i, p in enumerate(plain)}


def level(value: str | None, account: Sequence[str] = ()) -> int | None:
    """How urgent ``value`` is, 0 the most; None when empty, null or unplaceable."""
    text = (value or "").strip()
    if not text:
        return None
    number = _number(text)
    if number is not None:
        return number
    listed = _listed(account)
    key = word(text)
    for entry in listed:  # a plain word beside its numbered twin ("High" / "1 High")
        twin = _number(entry)
        if twin is not None and word(entry) == key:
            return twin
    if any(_number(e) is not None for e in listed):  # a numbered list with plain entries
        words = [word(e) for e in listed]
        if key in words:
            return _word_level(text) if _word_level(text) is not None else words.index(key)
        return _word_level(text)
    places = _plain_levels(listed)
    if key in places:
        return places[key]
    return _word_level(text)


def rank(value: str | None, account: Sequence[str] = ()) -> tuple[int, int, str]:
    """The sort key, most urgent first: known levels (0, 1, ...), then values nobody can
    place (A to Z), then empty and null."""
    text = (value or "").strip()
    if not text:
        return (2, 0, "")
    found = level(text, account)
    if found is None:
        return (1, UNKNOWN, text.casefold())
    return (0, found, "")


def label(value: str | None, account: Sequence[str] = ()) -> str:
    """The list's one-cell priority: the account's number when it numbers it ("High" beside
    "1 High" -> "1"), else the word's initial ("Urgent" -> "U"); "" for none."""
    text = (value or "").strip()
    if not text:
        return ""
    number = _number(text)
    if number is None:
        key = word(text)
        number = next(
            (_number(e) for e in _listed(account) if _number(e) is not None and word(e) == key),
            None,
        )
    if number is not None:
        return str(number)
    return word(text)[:1].upper()


def urgent(value: str | None, account: Sequence[str] = ()) -> bool:
    """Level 0 or 1 (Urgent, High): drawn in the error colour."""
    found = level(value, account)
    return found is not None and found <= 1


def matches(value: str | None, wanted: str, account: Sequence[str] = ()) -> bool:
    """The ``p:`` filter term: a number is a level (``p:1`` finds "1 High" and "High"), a
    word matches the priority's words (``p:high``); ``p:none`` finds empty and null."""
    wanted = wanted.strip().casefold()
    if wanted.isdigit():
        return level(value, account) == int(wanted)
    if wanted in ("none", "-"):
        return not (value or "").strip()
    return bool(wanted) and wanted in word(value)


def choices(account: Sequence[str], current: str | None = None) -> list[str]:
    """What the priority picker offers: the account's own list (empty entry left out), plus
    the ticket's current value when the list does not have it (so it can be kept)."""
    listed = [p for p in account if p and p.strip()]
    current = (current or "").strip()
    if current and current not in listed:
        listed.append(current)
    return listed
