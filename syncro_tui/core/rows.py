"""TicketRow: the small, immutable summary of a ticket that the list shows.

Stdlib only: rows are built from the cache before httpx or pydantic are imported, so the first
paint does not wait for them. Text fields hold cleaned plain text (see ``core.text.clean``).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from operator import attrgetter


@dataclass(frozen=True, slots=True)
class TicketRow:
    id: int
    number: str
    subject: str
    status: str
    priority: str = ""
    customer_id: int | None = None
    customer_name: str = ""
    contact_name: str = ""
    user_id: int | None = None
    assignee: str = ""
    problem_type: str = ""
    created_at: str = ""  # ISO-8601 as the API sent it
    updated_at: str = ""  # ISO-8601 as the API sent it
    updated_ts: float = 0.0  # updated_at as POSIX seconds (sorting, relative age)
    due_date: str = ""  # YYYY-MM-DD, the account's calendar date
    customer_reply: bool = False
    ticket_type: str = ""
    sla_name: str = ""
    sla_state: str = ""  # "breached", "breaching soon" or ""
    contract_name: str = ""

    def as_tuple(self) -> tuple:
        """Every field's value in field order (what the cache stores)."""
        return _values(self)

    @classmethod
    def from_tuple(cls, values) -> TicketRow:
        return cls(*values)

    def search_text(self) -> str:
        """Lower-cased text the `/` filter matches against."""
        return f"#{self.number} {self.subject} {self.customer_name} {self.status}".lower()

    def same_search_text(self, other: TicketRow | None) -> bool:
        """True when ``other`` has this row's ``search_text`` (the fields it is made of are
        equal), so a filter text folded for one serves the other."""
        return other is self or (
            other is not None
            and other.number == self.number
            and other.subject == self.subject
            and other.customer_name == self.customer_name
            and other.status == self.status
        )


SHARED_IDS: dict[int, int] = {}
"""One int object per distinct customer or technician id, for every row that repeats it
(SQLite and JSON give each row its own: 32 bytes a ticket). ``share_id`` keeps it bounded."""
SHARED_IDS_MAX = 50_000


def share_id(value: int | None) -> int | None:
    """``value`` as the one int object the rows share for it."""
    if value is None:
        return None
    found = SHARED_IDS.get(value)
    if found is None:
        if len(SHARED_IDS) >= SHARED_IDS_MAX:  # a hostile account cannot grow it without bound
            SHARED_IDS.clear()
        found = SHARED_IDS[value] = value
    return found


ROW_FIELDS = tuple(f.name for f in fields(TicketRow))

_values = attrgetter(*ROW_FIELDS)
"""One C call for all fields (``dataclasses.fields()`` per row cost 6 µs, 60 ms at 10,000)."""
