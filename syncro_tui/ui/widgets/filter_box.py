"""FilterBox: the `/` filter line, an Input whose typing costs one frame and no layout.

* One frame per keystroke: the box hands every new value to `follow` (the screen filters the
  list there) from its own value watcher, inside the keystroke's handler. Through the
  `Input.Changed` message instead, the list changed only after the message had bubbled to the
  screen, and Textual had drawn a frame with the echo alone by then: two frames per key (the
  second at least one frame period, 1/60 s, after the first), measured as most of a filter
  keystroke's cost. `Input.Changed` is still posted, for anyone else.
* No layout: Textual's Input sets its `virtual_size` (the text's width, for scrolling a long
  value) on every change, and that reactive asks for a layout of the screen. The box has a
  fixed size and never shows scrollbars, so only its own scroll range changes: it is set here
  without the layout, which Input's watcher then finds already up to date.
"""

from __future__ import annotations

from collections.abc import Callable

from textual.binding import Binding
from textual.geometry import Size
from textual.widgets import Input

DETAIL_WAIT = 2.0
"""While the box has the focus, the detail pane waits this many times its usual debounce
(`ui.detail_debounce_ms`) before it follows the cursor: a typist's pause between two letters
(measured 180-300 ms with the list's repaint) no longer remounts the pane, lays out the
screen and fetches a ticket nobody looked at for every letter of a word."""


class FilterBox(Input):
    BINDINGS = [  # what the footer shows while typing a filter (letters go into the box)
        Binding("enter", "submit", "To the list", id="filter.done"),
        Binding("escape", "screen.clear_filter", "Clear", id="filter.clear"),
    ]

    def __init__(self, *, follow: Callable[[str], None] | None = None, **kwargs) -> None:
        super().__init__(**kwargs)
        self._follow = follow

    def _watch_value(self, value: str) -> None:
        size = Size(self.content_width, 1)
        if self.is_mounted and not self.styles.auto_dimensions and size != self.virtual_size:
            self.set_reactive(Input.virtual_size, size)
            self._scroll_update(size)  # the horizontal scroll range, scroll_x clamped to it
        super()._watch_value(value)
        if self._follow is not None and self.is_mounted:
            self._follow(value)
