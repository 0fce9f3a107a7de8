"""List and poll pages straight into rows, without building a pydantic model per ticket.

A full reconcile of 10,000 open tickets spent more CPU validating ``api.models.Ticket``
objects (and reading them back attribute by attribute) than on anything else, to keep a
dozen fields of each. ``plain_ticket`` reads one list item of the usual shape into a
lightweight stand-in that carries exactly the values the model would hold for the fields a
row uses, so ``session.row_from_ticket`` builds the very same row from it. It is deliberately
narrow: any value of an unusual type or form (a number where text is expected, a timestamp
that is not plain ISO-8601 with an offset, a flag that is not true/false/null ...) gives
None and the caller reads that ticket with the model, as before, which also keeps the
"one malformed ticket never fails the page" rule in one place (``api.models``).

Both shapes of a list item the reference allows are read the same way as the model reads
them (``user`` as an object, ``null``, ``{}`` or anything else; ``customer_reply`` present or
not; ``due_date`` as a date or a time). Stdlib only.
"""

from __future__ import annotations

import re
import sys
from datetime import UTC, datetime
from typing import Any

from syncro_tui.api.timestamps import parse_rails_time, parse_time
from syncro_tui.core.account_time import due_date
from syncro_tui.core.rows import TicketRow, share_id
from syncro_tui.core.text import one_line

__all__ = ["plain_row", "plain_ticket", "usual_rest"]

_STAMP = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,6})?(?:Z|[+-]\d\d:\d\d)")
"""Rails' rendering of a time (``2026-11-20T09:14:03.512-05:00``). Anything else goes to
the model's parser."""

_DAY = re.compile(r"\d{4}-\d\d-\d\d")

_TEXT_FIELDS = ("subject", "status", "priority", "problem_type")
_OPT_TEXT_FIELDS: tuple[str, ...] = (
    "customer_business_then_name",
    "contact_fullname",
    "ticket_type_name",
    "sla_name",
    "contract_name",
)
_OPT_INT_FIELDS = ("customer_id", "user_id", "contract_id")
_FLAG_FIELDS = ("customer_reply", "sla_breached", "sla_breaching_soon")

_intern = sys.intern
_fromisoformat = parse_rails_time


class PlainTicket:
    """The attributes of ``api.models.Ticket`` that a row reads; nothing else (a missing
    attribute reads as absent through ``getattr(..., None)``, as on the model)."""

    __slots__ = (
        "id",
        "number",
        *_TEXT_FIELDS,
        *_OPT_TEXT_FIELDS,
        *_OPT_INT_FIELDS,
        *_FLAG_FIELDS,
        "user",
        "created_at",
        "updated_at",
        "due_date",
        "due_calendar_date",
    )
    # Declared for the type checker (annotations only: no class attributes beside __slots__).
    id: int
    number: str
    subject: str
    status: str
    priority: str
    problem_type: str
    customer_business_then_name: str | None
    contact_fullname: str | None
    ticket_type_name: str | None
    sla_name: str | None
    contract_name: str | None
    customer_id: int | None
    user_id: int | None
    contract_id: int | None
    customer_reply: bool | None
    sla_breached: bool | None
    sla_breaching_soon: bool | None
    user: PlainUser | None
    created_at: datetime | None
    updated_at: datetime | None
    due_date: datetime | None
    due_calendar_date: str | None

    unreadable = None

    @property
    def customer_name(self) -> str:
        return self.customer_business_then_name or ""


class PlainUser:
    __slots__ = ("full_name", "name")

    def __init__(self, full_name: str | None, name: str) -> None:
        self.full_name = full_name
        self.name = name


class _Unusual(Exception):
    pass


def _text(value: Any) -> str:
    """``Text``: null -> "", text as it is (interned: statuses, names repeat)."""
    if value is None:
        return ""
    if type(value) is str:
        return value
    raise _Unusual


def _opt_text(value: Any) -> str | None:
    if value is None or type(value) is str:
        return value
    raise _Unusual


def _opt_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    if type(value) is int:
        return value
    raise _Unusual


def _flag(value: Any) -> bool | None:
    if value is None or value is True or value is False:
        return value
    raise _Unusual


def _stamp(value: Any) -> datetime | None:
    """``Timestamp``: null or blank -> None; an aware ISO-8601 time."""
    if value is None:
        return None
    if type(value) is not str:
        raise _Unusual
    text = value.strip()
    if not text:
        return None
    if not _STAMP.fullmatch(text):
        raise _Unusual  # the model's own parser decides (and may refuse the ticket)
    # ``parse_time`` of this shape, without its second strip and Z rewrite (Python 3.11
    # reads "Z"); a ValueError ("2026-13-45T...") is unusual too, for every caller
    return _fromisoformat(text)


def _user(value: Any) -> PlainUser | None:
    """``user``: an object becomes a user; null, {} or anything else none (as ``_tidy``)."""
    if not isinstance(value, dict) or not value:
        return None
    full_name, name, email = value.get("full_name"), value.get("name"), value.get("email")
    for part in (full_name, name, email):
        if part is not None and type(part) is not str:
            raise _Unusual
    if "id" in value:
        _opt_int(value["id"])  # the model would refuse the ticket for a bad user id
    for key in ("group", "color"):
        if value.get(key) is not None and type(value.get(key)) is not str:
            raise _Unusual
    if value.get("admin") not in (None, True, False):
        raise _Unusual
    return PlainUser(full_name, name or full_name or email or "")


def _due(ticket: PlainTicket, value: Any) -> None:
    """``due_date`` (lenient on the model: unreadable reads as none) and its calendar date."""
    ticket.due_calendar_date = None
    if value is None:
        ticket.due_date = None
        return
    if type(value) is not str:
        raise _Unusual
    text = value.strip()
    if not text:
        ticket.due_date = None
    elif _DAY.fullmatch(text) or _STAMP.fullmatch(text):
        ticket.due_date = parse_time(text)
        if ticket.due_date is None:
            raise _Unusual  # "2026-13-45": the model reads it as no date; let it
        if len(text) == 10:
            ticket.due_calendar_date = text
    else:
        raise _Unusual


def plain_ticket(item: Any) -> PlainTicket | None:
    """The list item read without the model, or None when it needs the model."""
    if type(item) is not dict:
        return None
    ident = item.get("id")
    if type(ident) is not int:
        return None
    number = item.get("number", "")
    if type(number) is int:
        number = str(number)
    elif type(number) is not str:
        return None
    ticket = PlainTicket()
    ticket.id = ident
    ticket.number = number
    get = item.get
    try:
        for name in _TEXT_FIELDS:
            setattr(ticket, name, _intern(_text(get(name))))
        for name in _OPT_TEXT_FIELDS:
            setattr(ticket, name, _opt_text(get(name)))
        for name in _OPT_INT_FIELDS:
            setattr(ticket, name, _opt_int(get(name)))
        for name in _FLAG_FIELDS:
            setattr(ticket, name, _flag(get(name)))
        ticket.user = _user(get("user"))
        ticket.created_at = _stamp(get("created_at"))
        ticket.updated_at = _stamp(get("updated_at"))
        _due(ticket, get("due_date"))
        _rest_would_validate(item)
    except (_Unusual, ValueError):
        return None
    return ticket


def _rest_would_validate(item: dict) -> None:
    """Fields the row does not use, but whose wrong type makes the model refuse the ticket
    (so the row says "unreadable"): checked so that both paths agree on which tickets those
    are. Only their types are looked at (inline: this runs for every ticket of a walk)."""
    get = item.get
    for name in _REST_INT_FIELDS:  # _opt_int
        value = get(name)
        if value is not None and type(value) is not int and value != "":
            raise _Unusual
    for name in _REST_TEXT_FIELDS:  # _opt_text, and the times the row does not read
        value = get(name)
        if value is not None and type(value) is not str:
            raise _Unusual
    tags = get("tag_list")
    if tags is not None and not (type(tags) is list and all(type(t) is str for t in tags)):
        raise _Unusual
    properties = get("properties")
    if properties is not None and properties != [] and type(properties) is not dict:
        raise _Unusual
    comments = get("comments")
    if comments is not None:
        if type(comments) is not list:
            raise _Unusual
        for comment in comments:
            _comment_would_validate(comment)


def usual_rest(item: dict) -> bool:
    """Whether the fields a row does not use have the types the model takes
    (``core.row_reuse`` checks it before it keeps a held row for an unchanged item)."""
    try:
        _rest_would_validate(item)
    except _Unusual:
        return False
    return True


_REST_INT_FIELDS = ("contact_id", "location_id", "ticket_type_id", "sla_id", "parent_id")
_REST_TEXT_FIELDS = (
    *("location_name", "billing_status", "total_formatted_billable_time"),
    *("start_at", "end_at", "resolved_at"),
)


def _comment_would_validate(comment: Any) -> None:
    """A list item's comments (the reference lists ``comments[]`` among the common fields):
    of the types ``api.models.Comment`` takes, else the model decides."""
    if type(comment) is not dict or type(comment.get("id")) is not int:
        raise _Unusual
    for name in ("ticket_id", "user_id"):
        _opt_int(comment.get(name))
    for name in ("subject", "body"):
        _text(comment.get(name))
    _opt_text(comment.get("tech"))
    if comment.get("hidden", False) not in (True, False):
        raise _Unusual
    _flag(comment.get("is_rich_text"))
    user = comment.get("user")
    if user not in (None, {}, []):
        if type(user) is not dict:
            raise _Unusual
        _user(user)
    created, updated = comment.get("created_at"), comment.get("updated_at")
    _stamp(created)
    if updated != created:  # mostly the same text: read once
        _stamp(updated)


# -- straight to the row ----------------------------------------------------------------------

_SHARED: dict[str, str] = {}
"""Raw text -> its one-line, interned form, for the fields many rows repeat (statuses, names,
types): one dict look-up instead of cleaning the same words for every row."""
_SHARED_MAX = 50_000  # a hostile account cannot grow it without bound: start over


def _shared(value: str) -> str:
    found = _SHARED.get(value)
    if found is None:
        if len(_SHARED) >= _SHARED_MAX:
            _SHARED.clear()
        found = _SHARED[value] = _intern(one_line(value))
    return found


def _row_stamp(value: Any) -> tuple[str, float]:
    """(ISO text as ``row_from_ticket`` writes it, POSIX seconds) of a ``Timestamp`` field:
    what ``_stamp`` reads, without its second look at the text, and the ISO text written
    from the text itself (``datetime.isoformat`` cost 6 µs a call, a third of a row)."""
    if value is None:
        return "", 0.0
    if type(value) is not str:
        raise _Unusual
    text = value.strip()
    if not text:
        return "", 0.0
    if not _STAMP.fullmatch(text):
        raise _Unusual
    moment = _fromisoformat(text)  # a ValueError ("2026-13-45") is unusual too
    if text[11:13] == "24":  # (a Python that reads 24:00 as the next day)
        return moment.isoformat(), moment.timestamp()
    micro = moment.microsecond
    offset = "+00:00" if text[-1] == "Z" or text[-6:] == "-00:00" else text[-6:]
    iso = f"{text[:19]}.{micro:06d}{offset}" if micro else text[:19] + offset
    return iso, moment.timestamp()


def plain_row(item: Any, users: dict[int, str], zone: Any) -> TicketRow | None:
    """The list item read straight into its row, or None when it needs the model.

    The very row ``row_from_ticket(plain_ticket(item), users, zone)`` gives (the tests hold
    both to the model's row), in one pass: no stand-in object, no attribute look-ups, and
    the text that rows repeat cleaned once per distinct value. It takes exactly the items
    ``plain_ticket`` takes."""
    if type(item) is not dict:
        return None
    get = item.get
    ident = get("id")
    if type(ident) is not int:
        return None
    number = get("number", "")
    if type(number) is int:
        number = str(number)
    elif type(number) is not str:
        return None
    try:
        subject = _text(get("subject"))
        status = _text(get("status"))
        priority = _text(get("priority"))
        problem = _text(get("problem_type"))
        customer = _opt_text(get("customer_business_then_name"))
        contact = _opt_text(get("contact_fullname"))
        type_name = _opt_text(get("ticket_type_name"))
        sla_name = _opt_text(get("sla_name"))
        contract = _opt_text(get("contract_name"))
        customer_id = _opt_int(get("customer_id"))
        user_id = _opt_int(get("user_id"))
        contract_id = _opt_int(get("contract_id"))
        reply = _flag(get("customer_reply"))
        breached = _flag(get("sla_breached"))
        soon = _flag(get("sla_breaching_soon"))
        user = _user(get("user"))
        created, _ = _row_stamp(get("created_at"))
        updated, updated_ts = _row_stamp(get("updated_at"))
        due = _row_due(get("due_date"), zone)
        _rest_would_validate(item)
    except (_Unusual, ValueError):
        return None
    assignee = (users.get(user_id, "") if users else "") if user_id else ""
    if not assignee and user is not None:
        assignee = user.full_name or user.name or ""
    if contract:
        contract_text = _shared(contract)
    else:
        contract_text = _intern(f"contract {contract_id}") if contract_id else ""
    return TicketRow(
        ident,
        number or str(ident),
        one_line(subject),
        _shared(status),
        _shared(priority),
        share_id(customer_id),
        _shared(customer or ""),
        _shared(contact or ""),
        share_id(user_id),
        _shared(assignee),
        _shared(problem),
        created,
        updated,
        updated_ts,
        due,
        bool(reply),
        _shared(type_name or ""),
        _shared(sla_name or ""),
        "breached" if breached else ("breaching soon" if soon else ""),
        contract_text,
    )


def _row_due(value: Any, zone: Any) -> str:
    """``due_date`` as the row's calendar date in the account's zone ("" for none)."""
    if value is None:
        return ""
    holder = PlainTicket()
    _due(holder, value)
    if holder.due_date is None:
        return ""
    found = due_date(holder.due_calendar_date or holder.due_date, zone or UTC)
    return _intern(found.iso()) if found else ""
