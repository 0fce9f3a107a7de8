"""Which tickets the list shows: the open queue, mine, one status, one customer, a search.

Views of the open queue filter the store locally (no request). Views that reach beyond it
(closed statuses, a customer's history, a server-side search) carry their own rows, fetched on
demand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from syncro_tui.core.rows import TicketRow


@dataclass(frozen=True)
class View:
    kind: str  # open | mine | status | customer | search
    label: str
    value: str | int | None = None
    rows: tuple[TicketRow, ...] | None = field(default=None, compare=False)  # remote results
    spec: Mapping[str, Any] | None = field(default=None, compare=False)  # a [[views]] table

    def select(self, rows: Sequence[TicketRow], me_id: int | None) -> list[TicketRow]:
        """Apply this view to the open queue (ordered newest activity first)."""
        if self.rows is not None:
            return sorted(self.rows, key=lambda r: r.updated_ts, reverse=True)
        if self.kind == "mine":
            return [r for r in rows if me_id is not None and r.user_id == me_id]
        if self.kind == "status":
            return [r for r in rows if r.status == self.value]
        return list(rows)


def saved(number: int, spec: Mapping[str, Any]) -> View:
    """A view from the config's ``[[views]]``, on key ``number``."""
    return View("saved", str(spec["name"]), number, spec=spec)


OPEN = View("open", "Open")
MINE = View("mine", "Open · mine")
