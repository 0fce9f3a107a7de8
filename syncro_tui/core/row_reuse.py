"""A reconcile keeps the rows of the tickets whose list item did not change, without reading
them again.

A full reconcile brings back mostly the very tickets the store holds, unchanged: reading each
item into its row (``core.page_rows.plain_row``: the times, the due date in the account's
zone, the text cleaning, the row object) cost about 30 of its 45 µs per ticket, 0.3 s of
CPU at 10,000 open tickets, to build a row equal to the one held. So every row read from a
list item during a walk is remembered with a fingerprint of the item's values that the row
is read from (``plain_row`` reads nothing else), and the same values again (with the same
technicians' names and time zone) give the held row back as it is.

What is checked before a held row is kept, every time:

* the fingerprint: with orjson (the optional ``[fast]`` extra that reads the bodies) a hash
  of the whole item as orjson writes it (every field, the comments too, with their types:
  1, 1.0 and true differ), 1-2 µs; without it a hash of the values of every field
  ``plain_row`` reads, and then the fields the row does not use must still have the types
  the model takes (``page_rows.usual_rest``, as ``plain_row`` checks), so a ticket the model
  would now refuse still becomes its "unreadable" row. A changed ticket keeps its old row
  only if its new fingerprint equals the old one, about 1 in 2^64, and the next change of
  any field corrects it;
* the same users dict and zone objects as when the row was read (``Session`` replaces them,
  never edits them in place): anything else forgets every fingerprint.

(orjson writes NaN and Infinity as null: a field changing from null to NaN, which only a body
that is not JSON can hold and the standard library reads, is the one change the whole-item
fingerprint does not see.)

Memory: one (int, row) pair per open ticket (the row is mostly the one the store holds).
Stdlib only.
"""

from __future__ import annotations

from collections.abc import Container
from typing import Any

from syncro_tui.core.page_rows import usual_rest
from syncro_tui.core.rows import TicketRow

_dumps: Any = None  # typed so that mypy agrees with or without orjson installed
try:
    from orjson import dumps
except ImportError:  # the optional fast path: the fields' values are hashed instead
    pass
else:
    _dumps = dumps

__all__ = ["RowReuse", "fingerprint"]

_FIELDS = (
    *("id", "number", "subject", "status", "priority", "problem_type"),
    *("customer_business_then_name", "contact_fullname", "ticket_type_name", "sla_name"),
    *("contract_name", "customer_id", "user_id", "contract_id", "customer_reply"),
    *("sla_breached", "sla_breaching_soon", "created_at", "updated_at", "due_date"),
)
"""Every field ``plain_row`` reads, ``user`` aside (``tests/core/test_row_reuse.py`` changes
each one and expects the item read again)."""


def fingerprint(item: Any) -> int | None:
    """A hash of the values ``plain_row`` reads from ``item``; None for an item it would
    not read (not an object, no whole-number id, a value that cannot be hashed)."""
    if type(item) is not dict or type(item.get("id")) is not int:
        return None
    if _dumps is not None:
        try:
            return hash(_dumps(item))
        except TypeError:  # orjson.JSONEncodeError: a lone surrogate, an integer past 64 bits
            return None
    user = item.get("user")
    if type(user) is dict:
        user = tuple(user.items())
    try:  # "number" missing reads as "", null as the model decides: told apart
        return hash((*map(item.get, _FIELDS), "number" in item, user))
    except TypeError:  # a list or an object where a plain value belongs
        return None


class RowReuse:
    """Ticket id -> (fingerprint, the row read from an item with it)."""

    __slots__ = ("_context", "_known")

    def __init__(self) -> None:
        self._known: dict[int, tuple[int, TicketRow]] = {}
        self._context: tuple[Any, Any] | None = None

    def __len__(self) -> int:
        return len(self._known)

    def begin(self, users: Any, zone: Any) -> None:
        """Before a page's items: rows read with other names or another zone are not kept."""
        context = self._context
        if context is None or context[0] is not users or context[1] is not zone:
            self._known.clear()
            self._context = (users, zone)  # held, so that no other object takes their ids

    def held(self, item: Any, fp: int | None) -> TicketRow | None:
        """The row read before from an item with these values, or None to read it. (When
        the store holds another row for it since, a detail fetch's say, the list item is
        what the walk reads, as when it is read afresh.)"""
        if fp is None:
            return None
        known = self._known.get(item["id"])  # a whole number: the fingerprint says so
        if known is None or known[0] != fp:
            return None
        if _dumps is None and not usual_rest(item):  # (the whole item is in orjson's)
            return None
        return known[1]

    def remember(self, fp: int | None, row: TicketRow) -> None:
        if fp is not None:
            self._known[row.id] = (fp, row)

    def forget(self, ids: Any) -> None:
        known = self._known
        for ticket_id in ids:
            known.pop(ticket_id, None)

    def keep_only(self, ids: Container[int]) -> None:
        """After a full walk: only the tickets the store holds (closed ones leave)."""
        known = self._known
        gone = [ticket_id for ticket_id in known if ticket_id not in ids]
        for ticket_id in gone:
            del known[ticket_id]
