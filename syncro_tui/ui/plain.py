"""`--plain`: pure ASCII on screen, whatever the widgets draw.

Textual and our widgets draw borders, the pane divider, scrollbars, toasts, the footer's key
glyphs and radio buttons with box-drawing and block characters. In plain mode one line filter
maps every such character to an ASCII one of the same width, so a new widget cannot bring
Unicode back, and toggle buttons show their state in characters ("(*)" / "( )", "[X]" /
"[ ]") rather than only in colour (which NO_COLOR removes).
"""

from __future__ import annotations

from rich.segment import Segment
from textual.color import Color
from textual.filter import LineFilter


def _table() -> dict[int, str]:
    table: dict[int, str] = {}
    for code in range(0x2500, 0x2580):  # box drawing
        name = chr(code)
        if name in "─━┄┅┈┉╌╍═╴╶╸╺╼╾":
            table[code] = "-"
        elif name in "│┃┆┇┊┋╎╏║╵╷╹╻╽╿":
            table[code] = "|"
        else:
            table[code] = "+"
    for code in range(0x2580, 0x25A0):  # block elements (half blocks, eighths, shades)
        if 0x2581 <= code <= 0x2587:  # lower blocks: bottom edges
            table[code] = "_"
        elif 0x2589 <= code <= 0x2590 or code == 0x2595:  # left/right blocks: side edges
            table[code] = "|"
        elif code == 0x2594 or code == 0x2580:  # upper blocks: top edges
            table[code] = "-"
        else:
            table[code] = "#"
    table.update(
        {
            ord("…"): "~",
            ord("⏎"): "<",
            ord("●"): "*",
            ord("○"): "o",
            ord("◉"): "*",
            ord("◷"): "T",
            ord("▶"): ">",
            ord("▸"): ">",
            ord("▼"): "v",
            ord("▾"): "v",
            ord("▲"): "^",
            ord("◀"): "<",
            ord("←"): "<",
            ord("→"): ">",
            ord("↑"): "^",
            ord("↓"): "v",
            ord("✓"): "v",
            ord("✔"): "v",
            ord("✗"): "x",
            ord("✘"): "x",
            ord("•"): "*",
            ord("·"): ".",
            ord("—"): "-",
            ord("–"): "-",
            ord("\u00a0"): " ",
        }
    )
    return table


ASCII = _table()


def to_ascii(text: str) -> str:
    return text.translate(ASCII)


class AsciiFilter(LineFilter):
    """Every drawing character the app paints, as ASCII of the same width."""

    def apply(self, segments: list[Segment], background: Color) -> list[Segment]:
        table = ASCII
        return [
            Segment(text.translate(table), style, control) if not control else segment
            for segment in segments
            for text, style, control in (segment,)
        ]


def install_toggle_glyphs() -> None:
    """Radio buttons and checkboxes show "(*)"/"( )" and "[X]"/"[ ]" in plain mode (their
    state is otherwise only a colour). Installed once; other apps are unaffected."""
    from textual.content import Content
    from textual.widgets import RadioButton
    from textual.widgets._toggle_button import ToggleButton

    if getattr(ToggleButton, "_syncro_plain", False):
        return
    original = ToggleButton._button

    def _button(self) -> Content:
        settings = getattr(self.app, "settings", None)
        if getattr(getattr(settings, "ui", None), "plain", False):
            if isinstance(self, RadioButton):
                return Content("(*)" if self.value else "( )")
            return Content("[X]" if self.value else "[ ]")
        return original.fget(self) if isinstance(original, property) else original(self)

    ToggleButton._button = property(_button) if isinstance(original, property) else _button  # type: ignore[method-assign]
    ToggleButton._syncro_plain = True  # type: ignore[attr-defined]
