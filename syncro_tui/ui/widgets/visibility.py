"""A comment's visibility as one line of words: what is chosen is all it shows.

A radio list has two markers (the focus bar and the selected dot) that a technician can
confuse, and under NO_COLOR the dot is grey on black. Here nothing but the chosen
visibility is drawn, in words that read the same in colour, ANSI and NO_COLOR; the focus
only adds the keys that change it (`>` in front and the hint after).
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual.binding import Binding
from textual.message import Message
from textual.reactive import reactive
from textual.widgets import Static

from syncro_tui.core import writes

ORDER = tuple(writes.VISIBILITIES)
SHORT = {
    "internal": "INTERNAL NOTE: hidden from the customer, no email",
    "public": "PUBLIC, NO EMAIL: the customer can see it, nobody is emailed",
    "public_email": "PUBLIC AND EMAILED TO THE CUSTOMER",
}


class VisibilityField(Static, can_focus=True):
    """Left/Right or Space cycle; 1, 2, 3 pick. Posts ``VisibilityField.Changed``."""

    DEFAULT_CSS = """
    VisibilityField { height: auto; width: 100%; padding: 0 1; background: $boost; }
    VisibilityField:focus { background: $accent 30%; text-style: bold; }
    VisibilityField.emails { color: $error; text-style: bold; }
    """
    BINDINGS = [
        Binding("left", "step(-1)", "Previous visibility", show=False),
        Binding("right,space", "step(1)", "Next visibility", show=False),
        Binding("1", "pick('internal')", "Internal note", show=False),
        Binding("2", "pick('public')", "Public, no email", show=False),
        Binding("3", "pick('public_email')", "Public and email", show=False),
    ]

    value: reactive[str] = reactive("internal")

    @dataclass
    class Changed(Message):
        field: VisibilityField
        value: str

    def __init__(self, value: str = "internal", *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.set_reactive(VisibilityField.value, value if value in ORDER else "internal")

    def on_mount(self) -> None:
        self._show()

    def watch_value(self, _old: str, _new: str) -> None:
        self._show()
        self.post_message(self.Changed(self, self.value))

    def watch_has_focus(self, has_focus: bool) -> None:
        super().watch_has_focus(has_focus)
        self._show()

    def _show(self) -> None:
        self.set_class(self.value == "public_email", "emails")
        lead = "> " if self.has_focus else "  "
        line = Text(f"{lead}Visibility: {SHORT[self.value]}")
        if self.has_focus:
            line.append("   (Left/Right or 1 internal, 2 public, 3 public+email)")
        else:
            line.append("   (Tab here to change)")
        self.update(line)

    def action_step(self, delta: int) -> None:
        self.value = ORDER[(ORDER.index(self.value) + delta) % len(ORDER)]

    def action_pick(self, value: str) -> None:
        self.value = value

    def on_click(self) -> None:
        self.focus()
