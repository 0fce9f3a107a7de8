"""Baseline: the floor of a filter keystroke in a bare Textual app (issue 14, figures 4c/4d).

usage: python filter_floor.py N [list|sync|echo]

* `list` (default): an Input above a minimal line-API list (a ScrollView with `render_line`, one
  plain Segment per row) of N fake tickets, filtered on every keystroke the way the Textual
  docs do it: an `on_input_changed` handler searches precomputed lower-cased texts (one `in`
  per row), assigns `virtual_size` and refreshes the list. What any Textual app pays at least
  to filter N rows per typed character.
* `sync`: the same list, filtered from the Input's value watcher in the keystroke's own
  handler (no message hop), so the echo and the list land in the same frame, and its scroll
  range (and the Input's) set without a layout of the screen: what syncro-tui does
  (FilterBox, TicketList._set_virtual_height), on the least a list can draw. What is left is
  Textual's own cost of a keystroke and a frame.
* `echo`: the Input alone: the absolute floor of one keystroke in Textual (key in, echo out).

Rows are generated deterministically (seeded) from the sandbox's own subjects, places and
statuses, so the benchmark's words (printer, outlook, vpn, ...) leave about the same share of
rows as in syncro-tui. Marker: FILTER-FLOOR (the title line). The Input has the focus. Quit:
ctrl+q.
"""

from __future__ import annotations

import random
import sys

from rich.segment import Segment
from rich.style import Style
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip
from textual.widgets import Input, Static

from syncro_tui.sandbox.data import PLACES, STATUS_WEIGHTS, SUBJECTS

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
MODE = sys.argv[2] if len(sys.argv) > 2 else "list"
FIRST_NAMES = ("Ana", "Ben", "Chloe", "Dev", "Eli", "Fay", "Gus", "Hana")


def tickets(n: int) -> list[str]:
    rnd = random.Random(42)
    statuses = [s for s, _ in STATUS_WEIGHTS]
    out = []
    for i in range(n):
        subject = rnd.choice(SUBJECTS).replace("{first}", rnd.choice(FIRST_NAMES))
        customer = f"{rnd.choice(PLACES)} Dental"
        out.append(f"#{10_001 + i:<8} {rnd.choice(statuses):<20} {customer:<24} {subject}")
    return out


class Rows(ScrollView, can_focus=False):
    DEFAULT_CSS = "Rows { height: 1fr; overflow-x: hidden; }"

    def __init__(self, rows: list[str]) -> None:
        super().__init__()
        self.rows = rows
        self.texts = [row.lower() for row in rows]
        self.shown = rows
        self.style = Style()
        self.virtual_size = Size(0, len(rows))

    def filter(self, value: str) -> None:
        word = value.lower()
        self.shown = (
            [row for row, text in zip(self.rows, self.texts) if word in text] if word else self.rows
        )
        size = Size(0, len(self.shown))
        if MODE == "sync":  # no layout: only the scroll range and the scrollbar change
            self.set_reactive(Rows.virtual_size, size)
            self._scroll_update(size)
        else:
            self.virtual_size = size
        self.refresh()

    def render_line(self, y: int) -> Strip:
        index = self.scroll_offset.y + y
        width = self.size.width
        text = self.shown[index] if index < len(self.shown) else ""
        return Strip([Segment(text[:width].ljust(width), self.style)], width)


class SyncInput(Input):
    """`sync`: the list follows the value inside the keystroke's own handler, and the box's
    scroll range is set without the layout of the screen Input asks for on every change."""

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if self.is_mounted and size != self.virtual_size:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)
        super()._watch_value(value)
        if self.is_mounted:
            self.app.query_one(Rows).filter(value)


class Floor(App):
    def compose(self) -> ComposeResult:
        yield Static(f"FILTER-FLOOR {MODE} {N}")
        yield (SyncInput if MODE == "sync" else Input)(placeholder="filter")
        if MODE != "echo":
            yield Rows(tickets(N))

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        if MODE == "list":
            self.query_one(Rows).filter(event.value)


if __name__ == "__main__":
    Floor().run()
