"""StripScrollBar: Textual's vertical scrollbar, drawn straight into strips.

Textual renders a scrollbar's bar through a Rich console (a renderable, `console.render`,
`Segment.split_and_crop_lines`): on the ticket list, whose thumb moves with every filter
keystroke, that cost about as much as drawing every row on screen. The bar's segments come
from Textual's own `ScrollBarRender.render_bar`, so it looks the same (tests compare the two);
only the trip through Rich is skipped.

A bar has a handful of distinct lines (track, thumb, the thumb's two half-cell ends), so each
strip is kept by its text and style and handed out again when the thumb moves: building 38
strips per keystroke cost more than the rest of the bar, and a strip seen before also keeps
the crops and filters Textual cached on it.

`render_lines` hands those strips to the compositor directly, with the app's line filters
applied as Textual would: a scrollbar has no border, padding, tint or opacity, so Textual's
per-line styling pass (`StylesCache.render_line`, about as costly per line as drawing a ticket
row) only copied them, 40 lines a keystroke. A bar that has any of those goes Textual's way.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.color import Color
from rich.segment import Segment
from rich.style import Style
from textual.geometry import Region, Size
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget


class StripScrollBar(ScrollBar):
    """A vertical ScrollBar whose lines are built from `render_bar` without Rich rendering."""

    _bar_lines: list[Strip] | None = None
    _strips: dict[tuple[str, Style], Strip] | None = None

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        """As Textual's, without asking for a layout of the screen when the bar's virtual
        size changes: a bar lays nothing out inside itself. Shown for the first time (the
        cold demo's first page of rows), it asked for a second full layout."""
        return super()._size_updated(size, virtual_size, container_size, layout=False)

    def render_lines(self, crop: Region) -> list[Strip]:
        if not self.vertical or not plain_box(self):
            return super().render_lines(crop)
        return direct_lines(self, crop, self.render_line)

    def render_line(self, y: int) -> Strip:
        if not self.vertical:  # only the vertical bar is drawn here
            return super().render_line(y)
        lines = self._bar_lines
        if self._dirty_regions or lines is None or len(lines) != self.size.height:
            lines = self._bar_lines = self._draw()
            self._dirty_regions.clear()
        if 0 <= y < len(lines):
            return lines[y]
        return Strip.blank(self.size.width, self.visual_style.rich_style)

    def _draw(self) -> list[Strip]:
        """One strip per line, as Textual's `Visual.to_strips` would make them: each segment
        of the bar over the widget's own style."""
        width, height = self.size
        bar = self.render()
        if not isinstance(bar, ScrollBarRender) or not isinstance(bar.style, Style):
            return _textual_strips(self)  # a renderer this module does not know
        style = bar.style
        segments = bar.render_bar(
            size=height,
            virtual_size=bar.virtual_size,
            window_size=bar.window_size,
            position=bar.position,
            thickness=width,
            vertical=True,
            back_color=style.bgcolor or Color.parse("#555555"),
            bar_color=style.color or Color.parse("bright_magenta"),
        )
        base = self.visual_style.rich_style
        strips = self._strips
        if strips is None or len(strips) > STRIPS_KEPT:
            strips = self._strips = {}
        lines = []
        for segment in segments.segments:
            style = base + segment.style if segment.style else base
            key = (segment.text, style)
            strip = strips.get(key)
            if strip is None:
                strip = strips[key] = Strip([Segment(segment.text, style)], width)
            lines.append(strip)
        return lines


STRIPS_KEPT = 64
"""Distinct bar lines kept (a few per theme, width and hover state)."""


def plain_box(widget: Widget) -> bool:
    """True when Textual's per-line styling pass would only copy the widget's lines: no
    border, outline, padding, tint, hatch or opacity."""
    styles = widget.styles
    return not (
        styles.tint.a
        or widget.opacity != 1.0
        or styles.text_opacity != 1.0
        or any(edge for edge, _ in styles.border)
        or any(edge for edge, _ in styles.outline)
        or any(styles.padding)
        or (styles.has_rule("hatch") and styles.hatch != "none")
    )


def direct_lines(widget: Widget, crop: Region, line: Callable[[int], Strip]) -> list[Strip]:
    """The lines in ``crop`` (``line(y)`` each, already the widget's full width) as Textual's
    per-line styling pass would give them for a ``plain_box`` widget: the app's line filters
    applied, then cropped to the columns asked for."""
    _, background = widget.background_colors
    filters = widget.get_line_filters()
    strips = []
    for y in crop.line_range:
        strip = line(y)
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        strips.append(strip)
    if crop.column_span != (0, widget.size.width):
        x1, x2 = crop.column_span
        strips = [strip.crop(x1, x2) for strip in strips]
    return strips


def _textual_strips(bar: ScrollBar) -> list[Strip]:
    """Textual's own path (`Widget._render_content`)."""
    from textual.visual import Visual

    width, height = bar.size
    return Visual.to_strips(bar, bar._render(), width, height, bar.visual_style)
