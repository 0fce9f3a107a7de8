"""What a ticket asks of the technician, at a glance (pure functions, stdlib only).

Statuses and priorities come from the account (Syncro lets every shop name its own), so
nothing here is a table per tenant: a status's *kind* is read from its words, its short form
is derived from its words and kept unique among the account's statuses, and a priority's
rank is ``core.priorities``'s (the one ranker for sort, filter and column).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import date
from typing import Any

from syncro_tui.api.timestamps import timestamp
from syncro_tui.core import priorities as prio

# kind -> (what it asks, glyph, ASCII glyph); the order is how urgent it is for us
KINDS: dict[str, tuple[str, str, str]] = {
    "reply": ("the customer answered: they wait for us", "!", "!"),
    "new": ("new: nobody has looked at it yet", "+", "+"),
    "working": ("ours, in hand (in progress, scheduled)", "▸", ">"),
    "waiting": ("the ball is theirs (customer, vendor, parts)", "…", "~"),
    "done": ("resolved or invoiced", "✓", "="),
    "other": ("a status of this account's own", "·", "."),
}

_KIND_WORDS = (  # first match wins; words are matched at the start of a word
    ("reply", ("reply", "replied", "respon", "answer")),
    ("waiting", ("wait", "pending", "hold", "on hold", "parts", "vendor")),
    ("done", ("resolv", "closed", "invoic", "done", "complete", "cancel")),
    ("new", ("new", "open", "unassigned", "triage")),
    ("working", ("progress", "working", "work", "schedul", "assigned", "active")),
)

_STOP = {"on", "for", "the", "of", "to", "a", "an", "by", "with", "from", "in"}


def status_kind(status: str) -> str:
    """reply | new | working | waiting | done | other, from the status's own words."""
    words = re.findall(r"[a-z]+", status.casefold())
    for kind, stems in _KIND_WORDS:
        for stem in stems:
            if " " in stem:
                if stem in " ".join(words):
                    return kind
            elif any(w.startswith(stem) for w in words):
                return kind
    return "other"


def short_statuses(statuses: Iterable[str], width: int) -> dict[str, str]:
    """A short form of each status, at most ``width`` cells, never two alike.

    "Waiting on Customer" -> "Wait Cust", "Waiting on Vendor" -> "Wait Vend", "Customer
    Reply" -> "Cust Reply". A status that fits stays as it is."""
    unique = list(dict.fromkeys(s for s in statuses if s))
    out: dict[str, str] = {}
    for status in unique:
        out[status] = status if len(status) <= width else _shorten(status, width, 4)
    # Collisions: give the colliding ones more letters, then a number.
    for _ in range(3):
        groups: dict[str, list[str]] = {}
        for status, short in out.items():
            groups.setdefault(short.casefold(), []).append(status)
        clashes = [g for g in groups.values() if len(g) > 1]
        if not clashes:
            return out
        for group in clashes:
            for status in group:
                if len(status) > width:
                    out[status] = _shorten(status, width, 6, squeeze_first=True)
    groups = {}
    for status, short in out.items():
        groups.setdefault(short.casefold(), []).append(status)
    for group in groups.values():
        for i, status in enumerate(group[1:], 2):
            out[status] = out[status][: max(1, width - len(str(i)))] + str(i)
    return out


def _shorten(status: str, width: int, letters: int, squeeze_first: bool = False) -> str:
    words = status.split()
    words = words[:1] + [w for w in words[1:] if w.casefold() not in _STOP]
    if len(words) > 1:  # "Cust Reply", "Wait Parts": the last word whole when it fits
        for n in range(letters, 3, -1):
            text = " ".join([w[:n] for w in words[:-1]] + [words[-1]])
            if len(text) <= width:
                return text
    for n in range(letters, 0, -1):
        first = min(n, 4) if squeeze_first else n
        parts = [words[0][:first]] + [w[:n] for w in words[1:]]
        text = " ".join(parts)
        if len(text) <= width:
            return text
        text = "".join(p[:1].upper() + p[1:] for p in parts)
        if len(text) <= width:
            return text
    return status[:width]


def working_status(statuses: Sequence[str]) -> str:
    """The account's status for "I am on it": "In Progress" where it exists, else the first
    status that reads as work in hand; "" when the account has none."""
    for status in statuses:
        if "progress" in status.casefold():
            return status
    return next((s for s in statuses if status_kind(s) == "working"), "")


def due_state(due: str, today: date) -> str:
    """ "" (none), "overdue", "today", "soon" (within 2 days), "later"."""
    if not due:
        return ""
    try:
        day = date.fromisoformat(due[:10])
    except ValueError:
        return ""
    days = (day - today).days
    if days < 0:
        return "overdue"
    if days == 0:
        return "today"
    if days <= 2:
        return "soon"
    return "later"


def due_text(due: str, today: date) -> str:
    """The list's due cell: "-3d" / "-7w" overdue by (readable without colour), "today",
    else the date as "MM-DD"; "" for none or a broken date."""
    state = due_state(due, today)
    if state == "overdue":
        days = (today - date.fromisoformat(due[:10])).days
        return f"-{days}d" if days < 7 else f"-{days // 7}w" if days < 365 else f"-{days // 365}y"
    if state == "today":
        return "today"
    return due[5:10] if state else ""


def fold(text: str) -> str:
    """Text as the filter compares it: case and accents folded, punctuation and spaces gone,
    so "wifi" finds "Wi-Fi" and "sorensen" finds "Sørensen"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    text = text.translate(_FOLD_EXTRA)
    return "".join(c for c in text if c.isalnum())


_FOLD_EXTRA = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ß": "ss", "đ": "d", "ł": "l"})


SORTS = ("updated", "created", "priority", "due", "status", "customer")
"""The orders the list cycles through (one key), each reversible (another key)."""

_KIND_ORDER = {kind: i for i, kind in enumerate(KINDS)}


def sort_rows(rows: Sequence[Any], key: str, reverse: bool, priorities: Sequence[str] = ()) -> list:
    """``rows`` (newest activity first) in the order ``key`` names; ties keep that order.

    updated and created: newest first; priority: most urgent first (``core.priorities.rank``:
    unknown words, then none, last), the oldest ticket first within one priority (first come,
    first served); due: soonest first, none last; status: what asks most of us first (reply,
    new, working, waiting, done); customer: A to Z. ``reverse`` turns any of them around."""
    rows = list(rows)
    if key == "created":
        rows.sort(key=lambda r: r.created_at, reverse=True)
    elif key == "priority":
        ranks: dict[str, tuple[int, int, str]] = {}  # a few distinct values, many rows
        for row in rows:
            if row.priority not in ranks:
                ranks[row.priority] = prio.rank(row.priority, priorities)
        rows.sort(key=lambda r: (ranks[r.priority], timestamp(r.created_at) or 0.0, r.id))
    elif key == "due":
        rows.sort(key=lambda r: (not r.due_date, r.due_date))
    elif key == "status":
        rows.sort(key=lambda r: (_KIND_ORDER[status_kind(r.status)], r.status.casefold()))
    elif key == "customer":
        rows.sort(key=lambda r: fold(r.customer_name))
    if reverse:
        rows.reverse()
    return rows


def summarize_alerts(alerts: Sequence[str]) -> str:
    """One line for a poll's news: the alert itself when there is one, else counts
    ("12 customer replies, 3 new tickets"); the list's marks carry the detail.

    Alerts are ``core.session``'s lines: "New ticket #N: ..." / "Customer reply on #N: ..."."""
    if len(alerts) == 1:
        return alerts[0]
    new = sum(1 for a in alerts if a.startswith("New ticket"))
    replies = sum(1 for a in alerts if a.startswith("Customer reply"))
    other = len(alerts) - new - replies
    parts = []
    if replies:
        parts.append(f"{replies} customer repl{'y' if replies == 1 else 'ies'}")
    if new:
        parts.append(f"{new} new ticket{'' if new == 1 else 's'}")
    if other:
        parts.append(f"{other} other change{'' if other == 1 else 's'}")
    return ", ".join(parts)


def ticket_url(api_base_url: str, subdomain: str, ticket_id: int) -> str:
    """The ticket's page in Syncro's web app: https://SUBDOMAIN.syncromsp.com/tickets/ID
    (the subdomain from the config, else the API host's first label)."""
    from urllib.parse import urlsplit

    host = f"{subdomain}.syncromsp.com" if subdomain else urlsplit(api_base_url).netloc
    return f"https://{host}/tickets/{ticket_id}"


def can_open_browser(environ: dict[str, str], platform: str) -> bool:
    """A graphical browser can open here (not over SSH on a jump box, where a text browser
    would take over the terminal)."""
    if platform == "darwin" or platform.startswith("win"):
        return True
    return bool(environ.get("DISPLAY") or environ.get("WAYLAND_DISPLAY"))


Match = Callable[[Any, str], bool]
"""A filter: (row, the row's folded search text) -> shown?"""


def matcher(
    text: str, *, me: int | None, priorities: Sequence[str] = (), today: date | None = None
) -> Match | None:
    """The `/` filter as one predicate; None when ``text`` has no term.

    Words must all appear in the folded text (case, accents and punctuation folded).
    Field terms: ``status:reply`` (a kind or words of the status), ``p:1`` (rank or words),
    ``due:overdue|today|soon|none``, ``sla:late|soon``, ``customer:acme``, ``@me``,
    ``@none``, ``@name``."""
    today = today or date.today()
    words: list[str] = []
    tests: list[Callable[[Any], bool]] = []
    for term in text.split():
        field, sep, value = term.partition(":")
        test = (
            _field_test(field.casefold(), value, me, priorities, today) if sep and value else None
        )
        if test is None and term.startswith("@") and len(term) > 1:
            test = _assignee_test(term[1:], me)
        if test is not None:
            tests.append(test)
        elif folded := fold(term):
            words.append(folded)
    if not words and not tests:
        return None

    def match(row: Any, folded_text: str) -> bool:
        return all(w in folded_text for w in words) and all(t(row) for t in tests)

    return match


def _field_test(
    field: str, value: str, me: int | None, priorities: Sequence[str], today: date
) -> Callable[[Any], bool] | None:
    wanted = fold(value)
    if field in ("status", "s", "st"):
        kinds = [k for k in KINDS if k.startswith(wanted)]
        return lambda row: status_kind(row.status) in kinds or wanted in fold(row.status)
    if field in ("p", "priority", "prio"):
        return lambda row: prio.matches(row.priority, value, priorities)
    if field == "due":
        states = {
            "overdue": ("overdue",),
            "today": ("overdue", "today"),
            "soon": ("overdue", "today", "soon"),
            "none": ("",),
        }.get(wanted)
        if states is None:
            return None
        return lambda row: due_state(row.due_date, today) in states
    if field in ("customer", "c"):
        return lambda row: wanted in fold(row.customer_name)
    if field == "sla":
        slas = {
            "breached": ("breached",),
            "late": ("breached",),
            "soon": ("breached", "breaching soon"),
            "any": ("breached", "breaching soon"),
        }.get(wanted)
        if slas is None:
            return None
        return lambda row: row.sla_state in slas
    return None


def _assignee_test(who: str, me: int | None) -> Callable[[Any], bool]:
    wanted = fold(who)
    if wanted == "me":
        return lambda row: me is not None and row.user_id == me
    if wanted in ("none", "nobody"):
        return lambda row: not row.user_id
    return lambda row: wanted in fold(row.assignee)


def view_predicate(
    spec: Mapping[str, Any], *, me: int | None, priorities: Sequence[str] = (), today: date
) -> Callable[[Any], bool]:
    """A saved view from the config (``[[views]]``) as one test of a row: any of its
    ``status`` (names or kinds such as "reply"), any of its ``assignee`` ("me", "none", a
    name), any of its ``customer``, and its ``query`` (a `/` filter text)."""
    tests: list[Callable[[Any], bool]] = []
    for key in ("status", "assignee", "customer"):
        names = _names(spec.get(key))
        if not names:
            continue
        one: list[Callable[[Any], bool] | None]
        if key == "status":
            one = [_field_test("status", n, me, priorities, today) for n in names]
        elif key == "assignee":
            one = [_assignee_test(n, me) for n in names]
        else:
            one = [_field_test("customer", n, me, priorities, today) for n in names]
        tests.append(_any_of([t for t in one if t is not None]))
    query = matcher(str(spec.get("query") or ""), me=me, priorities=priorities, today=today)
    if query is not None:
        tests.append(lambda row: query(row, fold(row.search_text())))
    return lambda row: all(t(row) for t in tests)


def _any_of(tests: list[Callable[[Any], bool]]) -> Callable[[Any], bool]:
    return lambda row: any(t(row) for t in tests)


def _names(value: Any) -> list[str]:
    if not value:
        return []
    return [str(v) for v in value] if isinstance(value, (list, tuple)) else [str(value)]
