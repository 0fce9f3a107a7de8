"""Column layout and cell formatting for the ticket list (pure functions, no Textual).

Widths come from this fixed model, never from measuring cells: a virtualised list must not
look at 10,000 rows to draw 40 of them. The subject column takes whatever width is left, and
less useful columns are dropped as the pane narrows, so a row stays one readable line.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from rich.cells import cell_len, set_cell_size

SUBJECT_MIN = 22
"""Columns are dropped until the subject gets at least this many cells: the subject says most
about a ticket, so at 80 columns it wins over assignee and created age."""


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    title: str
    width: int  # cells: the default, or the most the data may widen it to (``grow``)
    align: Literal["left", "right"] = "left"
    drop_rank: int = 0  # 0 = always shown; otherwise the highest rank is dropped first
    grow: bool = False  # the width follows the data (up to ``width``), see ``layout``


COLUMNS: tuple[Column, ...] = (
    Column("mark", "", 4),  # new/changed, customer spoke last, timer, unsent draft
    Column("number", "#", 7),  # widened by `layout` for long ticket numbers
    Column("status", "Status", 12, drop_rank=2, grow=True),  # glyph + short form
    Column("priority", "P", 1, drop_rank=3),  # the account's number (0 most urgent)
    Column("customer", "Customer", 16, drop_rank=1, grow=True),
    Column("subject", "Subject", SUBJECT_MIN),
    Column("assignee", "Assignee", 12, drop_rank=7, grow=True),  # "me" for your own
    Column("due", "Due", 5, drop_rank=4),  # "11-20", "today", "-3d" overdue (in red)
    Column("sla", "SLA", 4, drop_rank=5),  # "late" (breached), "soon" (breaching soon)
    Column("created", "Age", 4, align="right", drop_rank=6),  # since created
    Column("updated", "Upd", 4, align="right"),  # since the last update
)
"""Left to right. Drop order as the pane narrows: assignee, created age, then the customer
narrows (``SQUEEZE``), then SLA, due, priority, status, customer. The mark column is always
first and the updated age always last."""

SQUEEZE = {"customer": 10}
"""Columns that narrow to this many cells before a column of drop rank ``SQUEEZE_BEFORE`` or
less goes: a customer cut to "Northgate…" beats a list that hides overdue and SLA."""
SQUEEZE_BEFORE = 5

GAP = 1
"""Blank cells between two columns."""


Layout = tuple[tuple[Column, int], ...]
"""The columns shown, left to right, each with its width in cells."""


def layout(width: int, number_width: int = 7, data: dict[str, int] | None = None) -> Layout:
    """The columns shown in `width` cells, each with its width.

    `number_width` is the longest `#number` in the list, so big ticket numbers are never cut.
    `data` gives the widest cell of each growing column (customer, status, assignee): they
    take what the data needs, at most their default; a column whose `data` is 0 is left out. When even the narrowest layout does not
    fit, the subject shrinks (to 1 cell at least) and the line is cropped on the right: a
    tiny terminal shows what fits and never crashes.
    """
    data = data or {}
    # A column the data leaves empty (no ticket has a due date, say) gives its room away.
    columns = [c for c in COLUMNS if not (c.drop_rank and data.get(c.key, 1) == 0)]
    widths = {c.key: c.width for c in columns}
    for c in columns:
        if c.grow and c.key in data:
            widths[c.key] = max(len(c.title), min(c.width, data[c.key]))
    widths["number"] = max(2, number_width)

    def room_for_subject() -> int:
        fixed = sum(widths[c.key] for c in columns if c.key != "subject")
        return width - fixed - GAP * (len(columns) - 1)

    droppable = sorted((c for c in columns if c.drop_rank), key=lambda c: -c.drop_rank)
    wanted = dict(widths)
    squeezed = False
    while room_for_subject() < SUBJECT_MIN and droppable:
        if not squeezed and droppable[0].drop_rank <= SQUEEZE_BEFORE:
            squeezed = True
            for key, least in SQUEEZE.items():
                if key in widths:
                    need = SUBJECT_MIN - room_for_subject()
                    widths[key] = max(min(least, widths[key]), widths[key] - need)
            continue
        columns.remove(droppable.pop(0))
    for key in SQUEEZE:  # a column dropped after all: the squeezed ones take their room back
        if key in widths and room_for_subject() > SUBJECT_MIN:
            widths[key] = min(wanted[key], widths[key] + room_for_subject() - SUBJECT_MIN)
    widths["subject"] = max(1, room_for_subject())
    return tuple((c, widths[c.key]) for c in columns)


_CONTROL_CODES = (*range(0x20), *range(0x7F, 0xA0), *range(0x202A, 0x202F), *range(0x2066, 0x206A))
CONTROL_TABLE: dict[int, str | None] = dict.fromkeys(_CONTROL_CODES)
"""`str.translate` table: whitespace controls become spaces; other C0/C1 controls and the bidi
embeddings, overrides and isolates (which can make a subject display as different text) go.

Upstream `core.text.clean` already strips terminal escapes; this is the cheap last line of
defence where API text meets the terminal.
"""
CONTROL_TABLE.update({ord(c): " " for c in "\t\n\r\v\f\u2028\u2029"})


def fit(text: str, width: int, *, align: str = "left", ellipsis: str = "…") -> str:
    """`text` as exactly `width` (>= 1) cells: control characters removed, long text cut.

    Cut text ends in `ellipsis` (plain mode passes "" to stay ASCII). Width is counted in
    terminal cells, so a CJK subject does not push the next column out of line.
    """
    text = text.translate(CONTROL_TABLE)
    length = cell_len(text)
    if length > width:
        return set_cell_size(text, width - len(ellipsis)) + ellipsis
    pad = " " * (width - length)
    return pad + text if align == "right" else text + pad


_DAY = 86400
_AGE_UNITS = (  # suffix, seconds per unit, used below this many seconds
    ("m", 60, 3600),
    ("h", 3600, _DAY),
    ("d", _DAY, 7 * _DAY),
    ("w", 7 * _DAY, 365 * _DAY),
)


def age(seconds: float) -> str:
    """A short relative age: "now", "5m", "3h", "2d", "3w", "2y" (3 cells for 99 years)."""
    if seconds < 60:
        return "now"  # also for timestamps slightly in the future (clock skew)
    for unit, size, limit in _AGE_UNITS:
        if seconds < limit:
            return f"{int(seconds // size)}{unit}"
    return f"{int(seconds // (365 * _DAY))}y"


def age_lasts(seconds: float) -> float:
    """How many more seconds `age(seconds)` keeps saying the same thing (a cached line that
    shows an age is good until then)."""
    if seconds < 60:
        return 60 - seconds
    for _unit, size, limit in _AGE_UNITS:
        if seconds < limit:
            return min(size - seconds % size, limit - seconds)
    year = 365 * _DAY
    return year - seconds % year
