"""TicketList: a virtualised ticket list built on the Line API.

Why not DataTable: it measures every cell when rows are added (about 78 µs a row, so 10,000
tickets take almost a second to first paint). Here only the lines on screen are rendered, column
widths come from `columns.layout` (a fixed model, never the data), and every update, filter
and cursor move costs in proportion to what is visible or changed:

* `set_rows` walks the new list once to reuse each unchanged row's lower-cased search text and
  repaints only the on-screen lines whose row changed;
* a filter keystroke is one `in` check per row over those precomputed texts;
* a cursor move repaints two lines (or the viewport when it has to scroll);
* a drawn line is kept per row (`_lines`, LINE_CACHE_ROWS of them, finished as the
  compositor takes it) while the row object, its markers, the width, the columns, the theme
  and its ages stay the same, so the rows a filter keystroke brings back (or that stay on
  screen) are a dict lookup, not a redraw;
* the vertical scrollbar is a `StripScrollBar`: the thumb moves with every filter keystroke.

Virtual line 0 is the column header; `render_line` pins it to the top, so row `i` lives on
virtual line `i + 1` and the scroll range runs over rows only.

Text from the API is drawn as plain `Segment`s (never parsed as markup), after
`columns.fit` has stripped any control character that slipped past `core.text.clean`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from itertools import compress, islice
from typing import ClassVar

from rich.segment import Segment
from rich.style import Style
from textual import events
from textual.binding import BindingType
from textual.color import Color
from textual.filter import LineFilter
from textual.geometry import Region, Size
from textual.message import Message
from textual.scroll_view import ScrollView
from textual.scrollbar import ScrollBar
from textual.strip import Strip

from syncro_tui.api.timestamps import timestamp
from syncro_tui.core import priorities as prio
from syncro_tui.core import triage
from syncro_tui.core.rows import TicketRow
from syncro_tui.ui import actions
from syncro_tui.ui.widgets.columns import GAP, Layout, age, age_lasts, fit, layout
from syncro_tui.ui.widgets.strip_scrollbar import StripScrollBar, plain_box

LONGEST_FIELDS = ("number", "customer_name", "assignee", "due_date", "sla_state")
EVERY_VALUE_FIELDS = ("status",)
"""What the columns' widths follow (`set_rows`, `_measure`): the longest value of each of the
first fields (an empty one hides its column), and every value of the others. A first frame
painted from part of the queue holds a row for each of them (`core.cache.load_preview`), so
its columns are those of the whole queue. A new data-driven width must be named here."""

AGE_REFRESH_SECONDS = 60
"""Repaint the visible rows this often so "5m" does not stay "5m" all afternoon."""


class TicketList(ScrollView, can_focus=True, inherit_bindings=False):
    """One line per ticket, in the order the caller gives; the cursor follows the ticket id."""

    BINDINGS: ClassVar[list[BindingType]] = actions.bindings(actions.TICKET_LIST)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-list--header",
        "ticket-list--cursor",
        "ticket-list--unseen",
        "ticket-list--marker",
        "ticket-list--dim",
        "ticket-list--st-reply",
        "ticket-list--st-new",
        "ticket-list--st-working",
        "ticket-list--st-waiting",
        "ticket-list--st-done",
        "ticket-list--st-other",
        "ticket-list--urgent",
        "ticket-list--overdue",
        "ticket-list--soon",
        "ticket-list--me",
    }
    """
    | Class | Description |
    | :- | :- |
    | `ticket-list--header` | The column titles. |
    | `ticket-list--cursor` | The highlighted row (block cursor colours, dimmer without focus). |
    | `ticket-list--unseen` | Rows new or changed since the technician last saw them. |
    | `ticket-list--marker` | The unseen and timer markers. |
    | `ticket-list--dim` | The age columns and the empty-list message. |
    | `ticket-list--st-KIND` | A status by what it asks of the technician: reply (the customer
      waits for us), new, working, waiting (the ball is theirs), done, other. |
    | `ticket-list--urgent` | Priority level 0 or 1 (Urgent, High; `core.priorities`). |
    | `ticket-list--overdue` / `--soon` | Due date passed / today or within two days; the
      SLA breached / breaching soon. |
    | `ticket-list--me` | "me" in the assignee column. |
    """

    DEFAULT_CSS = """
    TicketList {
        width: 1fr;
        height: 1fr;
        overflow-x: hidden;
        overflow-y: auto;
        scrollbar-size-vertical: 1;
        background: $surface;
        color: $foreground;
        & > .ticket-list--header {
            text-style: bold;
            background: $panel;
            color: $foreground;
        }
        & > .ticket-list--cursor {
            background: $block-cursor-blurred-background;
            color: $block-cursor-blurred-foreground;
            text-style: $block-cursor-blurred-text-style;
        }
        &:focus > .ticket-list--cursor {
            background: $block-cursor-background;
            color: $block-cursor-foreground;
            text-style: $block-cursor-text-style;
        }
        & > .ticket-list--unseen {
            text-style: bold;
        }
        & > .ticket-list--marker {
            color: $accent;
        }
        & > .ticket-list--dim {
            color: $text-muted;
        }
        & > .ticket-list--st-reply { color: $error; text-style: bold; }
        & > .ticket-list--st-new { color: $warning; text-style: bold; }
        & > .ticket-list--st-working { color: $primary; }
        & > .ticket-list--st-waiting { color: $text-muted; }
        & > .ticket-list--st-done { color: $success; }
        & > .ticket-list--st-other { color: $foreground; }
        & > .ticket-list--urgent { color: $error; text-style: bold; }
        & > .ticket-list--overdue { color: $error; text-style: bold; }
        & > .ticket-list--soon { color: $warning; }
        & > .ticket-list--me { color: $accent; text-style: bold; }
    }
    """

    class Highlighted(Message):
        """The highlighted ticket changed (None: the list shows no ticket).

        Posted at most once per turn of the event loop, so holding `j` does not flood the
        consumer; it should still debounce detail fetches.
        """

        def __init__(self, ticket_list: TicketList, ticket_id: int | None) -> None:
            super().__init__()
            self.ticket_list = ticket_list
            self.ticket_id = ticket_id

        @property
        def control(self) -> TicketList:
            return self.ticket_list

    class Selected(Message):
        """Enter (or a click on the highlighted row) chose a ticket."""

        def __init__(self, ticket_list: TicketList, ticket_id: int) -> None:
            super().__init__()
            self.ticket_list = ticket_list
            self.ticket_id = ticket_id

        @property
        def control(self) -> TicketList:
            return self.ticket_list

    def __init__(
        self,
        *,
        now: Callable[[], float] = time.time,
        plain: bool = False,
        name: str | None = None,
        id: str | None = None,
        classes: str | None = None,
        disabled: bool = False,
    ) -> None:
        super().__init__(name=name, id=id, classes=classes, disabled=disabled)
        self._now = now
        self._ellipsis = "~" if plain else "…"  # plain: cut text still shows it was cut
        self._plain = plain
        # "◷" rather than "⏱": DejaVu Sans Mono and many terminal fonts lack U+23F1, which then
        # falls back to a two-cell colour emoji and pushes the row out of line.
        self._markers = MARKERS_PLAIN if plain else MARKERS
        # Every row by id in caller order, and each row's lower-cased filter text in the same
        # order. A text is recomputed only when its row object changed, so a poll that hands
        # back the same objects costs a dict pass, and a keystroke one `in` per row.
        self._rows: dict[int, TicketRow] = {}
        self._texts: dict[int, str] = {}
        self._folding = False  # a step of `_fold_some` is scheduled
        self._texts_done = True  # _texts holds every row's text, in row order
        self._visible: list[TicketRow] = []  # the rows that pass the filter, in order
        self._pending = 0  # rows that follow `_rows` but are not loaded yet (set_rows)
        self._filter = ""
        # (rows, words, matching rows, their texts) of the last plain-word filter: the next,
        # longer word searches only these while the rows are the same
        self._narrowed: tuple[dict[int, TicketRow], list[str], list, list] | None = None
        self._cursor = 0  # index into _visible
        self._unseen: frozenset[int] = frozenset()
        self._timer_id: int | None = None
        self._empty_text = "No open tickets"
        self._number_width = 7
        self._columns_cache: tuple[tuple, Layout, int] | None = None
        self._data_widths: dict[str, int] = {}
        self._me: int | None = None
        self._short: dict[str, str] = {}  # status -> its short form in this account
        self._priorities: tuple[str, ...] = ()
        self._drafts: frozenset[int] = frozenset()
        self._created_ts: dict[str, float] = {}
        self._base_style = Style()
        # Per paint (`_prepare_paint`): the clock, today and the width every line uses.
        self._painting = False
        self._paint_now = 0.0
        self._paint_today = date.today()
        self._paint_width = 0
        # The line cache: ticket id -> (row object, its markers, good until, line), at most
        # LINE_CACHE_ROWS, all dropped when the paint key (width, columns, theme, context,
        # today) changes; a filter keystroke then redraws only rows never drawn under it.
        self._lines: dict[int, tuple[TicketRow, tuple[bool, bool, bool], float, Strip]] = {}
        self._lines_key: tuple | None = None
        # When this paint hands its lines to the compositor itself (`_lines_for`): the
        # widget's width, its background style, the app's line filters and the background
        # colour they take; else None. Kept lines are finished with it once (`_finished`).
        self._pad: tuple[int, Style, tuple[LineFilter, ...], Color] | None = None
        # What `_lines_for` handed out at each line: y -> (ticket id, the kept strip).
        self._shown: dict[int, tuple[int, Strip]] = {}
        self._part_styles: dict[str, Style] = {}
        self._no_color = False
        self._announced: int | None = None
        self._announce_pending = False
        self.virtual_size = Size(0, 2)  # header + the empty-state line

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        """The vertical scrollbar, a `StripScrollBar` (Textual's property, another class)."""
        if self._vertical_scrollbar is None:
            self._vertical_scrollbar = bar = StripScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            bar.display = False
            self.app._start_widget(self, bar)
        return self._vertical_scrollbar

    # -- public API ------------------------------------------------------------------------

    @property
    def highlighted_id(self) -> int | None:
        """The id of the ticket under the cursor, or None when no ticket is shown."""
        return self._visible[self._cursor].id if self._visible else None

    @property
    def visible_count(self) -> int:
        """How many tickets pass the filter (with those still pending, unfiltered)."""
        return len(self._visible) + self._shown_pending()

    @property
    def filter_text(self) -> str:
        """The text set with `set_filter` ("" when the list is unfiltered)."""
        return self._filter

    def row_at(self, index: int) -> TicketRow:
        """The visible row at `index` (raises IndexError like a list)."""
        return self._visible[index]

    def set_rows(self, rows: Sequence[TicketRow], *, pending: int = 0) -> None:
        """Show `rows` (already ordered); the cursor stays on the same ticket id if present.

        If the highlighted ticket is gone, the cursor keeps its position, which now holds the
        ticket that followed it. `pending`: that many more rows follow, not loaded yet (a warm
        start's first frame, see `Store.pending`): counted and scrolled over, never drawn.
        """
        self._pending = pending
        old_rows, old_texts = self._rows, self._texts
        self._rows = {row.id: row for row in rows}
        # Filter texts are kept for rows whose text fields did not change (a reconcile that
        # brings every ticket with new times, say); new ones are folded after the paint (in
        # steps, see `_fold_some`) or when a filter needs them first: folding 10,000 texts
        # took 130 ms, which the first paint of a warm start no longer waits for.
        self._texts = {
            ticket_id: old_texts[ticket_id]
            for ticket_id, row in self._rows.items()
            if ticket_id in old_texts and row.same_search_text(old_rows.get(ticket_id))
        }
        # (kept in row order, so complete means ready)
        self._texts_done = len(self._texts) == len(self._rows)
        self._fold_later()
        number_width = 1 + max((len(row.number) for row in rows), default=6)
        data = self._measure(rows)
        if number_width != self._number_width or data != self._data_widths:
            self._number_width = number_width  # every line's columns move
            self._data_widths = data
            self.refresh()
        self._apply(fallback=self._cursor)

    def set_filter(self, text: str) -> None:
        """Show only tickets that match every term of `text` ("" shows all): words match the
        number, subject, customer or status with case, accents and punctuation folded
        ("wifi" finds "Wi-Fi"); `status:reply`, `p:1`, `@me`, `@name`, `due:overdue` match
        fields. The cursor stays on its ticket if it still matches, else goes to the first."""
        if text != self._filter:
            self._filter = text
            self._apply(fallback=0)

    def set_context(
        self, *, me: int | None, statuses: Sequence[str], priorities: Sequence[str]
    ) -> None:
        """Who "me" is, and the account's statuses and priorities (short forms, ranks)."""
        statuses = list(statuses) + sorted({r.status for r in self._rows.values()})
        short = triage.short_statuses(statuses, STATUS_CELLS) if statuses else {}
        if (me, short, tuple(priorities)) != (self._me, self._short, self._priorities):
            self._me, self._short, self._priorities = me, short, tuple(priorities)
            self._data_widths = self._measure(list(self._rows.values()))
            self.refresh()

    def set_drafts(self, ids: set[int] | frozenset[int]) -> None:
        """Mark the tickets that hold an unsent draft."""
        changed = self._drafts ^ ids
        self._drafts = frozenset(ids)
        self._refresh_visible(lambda index, row: row.id in changed)

    def set_unseen(self, ids: set[int] | frozenset[int]) -> None:
        """Mark these tickets as new or changed since last seen (bold, with a marker)."""
        changed = self._unseen ^ ids
        self._unseen = frozenset(ids)
        self._refresh_visible(lambda index, row: row.id in changed)

    def set_timer_ticket(self, ticket_id: int | None) -> None:
        """Show the timer marker on this ticket (None: no timer is running)."""
        changed = {self._timer_id, ticket_id}
        self._timer_id = ticket_id
        self._refresh_visible(lambda index, row: row.id in changed)

    def set_empty_text(self, text: str) -> None:
        """The message shown when there are no tickets at all (not when a filter hides all)."""
        self._empty_text = text
        if not self._visible:
            self.refresh_line(1)

    def move_to_id(self, ticket_id: int) -> bool:
        """Highlight this ticket; False if it is not in the (filtered) list."""
        index = self._index_of(ticket_id)
        if index is None:
            return False
        self._move(index)
        return True

    # -- actions ---------------------------------------------------------------------------

    def action_cursor_up(self) -> None:
        self._move(self._cursor - 1)

    def action_cursor_down(self) -> None:
        self._move(self._cursor + 1)

    def action_first(self) -> None:
        self._move(0)

    def action_last(self) -> None:
        self._move(len(self._visible) - 1)

    def action_page_up(self) -> None:
        self._page(-1)

    def action_page_down(self) -> None:
        self._page(1)

    def action_select(self) -> None:
        ticket_id = self.highlighted_id
        if ticket_id is not None:
            self.post_message(self.Selected(self, ticket_id))

    # -- events ----------------------------------------------------------------------------

    def on_mount(self) -> None:
        self.set_interval(AGE_REFRESH_SECONDS, self.refresh)
        self._fold_later()

    def on_resize(self) -> None:
        self._scroll_to_cursor()

    def on_click(self, event: events.Click) -> None:
        """A click highlights a row; a click on the highlighted row selects it."""
        offset = event.get_content_offset(self)
        if offset is None or offset.y == 0:  # border, padding or header
            return
        index = self.scroll_offset.y + offset.y - 1
        if index >= len(self._visible):
            return
        if index == self._cursor:
            self.action_select()
        else:
            self._move(index)

    # -- rendering -------------------------------------------------------------------------

    def notify_style_update(self) -> None:
        """The theme or the CSS changed: every cached line and component style is stale."""
        super().notify_style_update()
        self._part_styles.clear()
        self._lines.clear()

    def render_lines(self, crop: Region) -> list[Strip]:
        self._prepare_paint()
        self._painting = True
        try:
            if self._pad is not None:
                return self._lines_for(crop)
            return super().render_lines(crop)
        finally:
            self._painting = False

    def _lines_for(self, crop: Region) -> list[Strip]:
        """The lines in `crop` as Textual's per-line styling pass (`StylesCache`) would give
        them for a widget without border, padding, tint or opacity: each line padded to the
        width in the background, then the app's line filters. That pass re-wraps every line in
        a new strip (about as costly as drawing a row; ~36 lines a filter keystroke); here a
        line kept in `_lines` is kept finished (padded and filtered) and handed out as it is,
        so Textual's caches on it (crops, divisions) serve again too."""
        pad = self._pad
        assert pad is not None  # `_prepare_paint` found a plain box
        height = self.size.height
        visible, first, cursor = self._visible, self.scroll_offset.y - 1, self._cursor
        width = self._paint_width
        shown = self._shown
        before = list(shown.values())
        strips = []
        for y in crop.line_range:
            index = first + y
            if 0 < y < height and index < len(visible) and index != cursor:
                row = visible[index]
                strip = self._render_row(row, index, width)  # finished
                shown[y] = (row.id, strip)
            else:
                shown.pop(y, None)
                if y < height:
                    strip = self._finished(self.render_line(y))
                else:
                    strip = self._finished(Strip.blank(pad[0], pad[1]))
            strips.append(strip)
        self._let_go(before)
        if crop.column_span != (0, self.size.width):
            x1, x2 = crop.column_span
            strips = [strip.crop(x1, x2) for strip in strips]
        return strips

    def _let_go(self, before: list[tuple[int, Strip]]) -> None:
        """Kept lines that were on screen before this paint and are not now keep their text
        but not what Textual derived from them while shown (its divisions at the screen's
        cuts, crops, terminal text: some 10 strips a line, ~10 KiB): a fresh strip of the
        same segments takes their place. Kept as they were, 512 lines grew the app by some
        5 MiB over an hour of changing tickets (the soak, issue 14)."""
        if not before:
            return
        now = {id(strip) for _, strip in self._shown.values()}
        lines = self._lines
        for ticket_id, strip in before:
            if id(strip) in now:
                continue
            entry = lines.get(ticket_id)
            if entry is not None and entry[3] is strip:
                lines[ticket_id] = (*entry[:3], Strip(strip, strip.cell_length))
                now.add(id(strip))  # the same line shown at two places: let go once

    def _finished(self, strip: Strip) -> Strip:
        """A line as the compositor takes it: padded to the widget's width in its background,
        then the app's line filters (see `_prepare_paint`)."""
        assert self._pad is not None
        width, inner, filters, background = self._pad
        strip = strip.adjust_cell_length(width, inner)
        for line_filter in filters:
            strip = strip.apply_filter(line_filter, background)
        return strip

    def render_line(self, y: int) -> Strip:
        if not self._painting:  # called on its own (tests, exports): set up as a paint would
            self._prepare_paint()
        width = self._paint_width
        if y == 0:
            return self._render_header(width)
        index = self.scroll_offset.y + y - 1
        if index < len(self._visible):
            return self._render_row(self._visible[index], index, width)
        if index == 0:
            return self._render_empty(width)
        return Strip.blank(width, self._base_style)

    def _prepare_paint(self) -> None:
        """What every line of a paint shares, looked up once: the styles (`rich_style` walks
        every ancestor), the width, the clock. Cached lines drawn under anything else that
        shapes a line (width, columns, theme, who "me" is, statuses, priorities, today) go."""
        self._base_style = self.rich_style
        self._no_color = self.app.no_color
        self._paint_now = self._now()
        self._paint_today = datetime.fromtimestamp(self._paint_now).date()
        self._paint_width = width = self.scrollable_content_region.width
        self._columns(width)
        assert self._columns_cache is not None
        self._pad = None
        if plain_box(self) and self.content_region.size == self.region.size:
            base_background, background = self.background_colors
            inner = self._styles_cache.get_inner_outer(base_background, background)[0]
            filters = tuple(self.get_line_filters())
            self._pad = (self.size.width, inner.rich_style, filters, background)
        key = (
            self._columns_cache[0],
            self._pad,
            self._base_style,
            self._no_color,
            self._me,
            tuple(self._short.items()),
            self._priorities,
            self._paint_today,
        )
        if key != self._lines_key:
            self._lines_key = key
            self._lines.clear()
            self._part_styles.clear()

    def _component(self, name: str) -> Style:
        """A component class's style, kept until the theme or CSS changes (Textual's own
        cache is emptied by every `refresh`, which a keystroke calls once per changed line)."""
        style = self._part_styles.get(name)
        if style is None:
            style = self._part_styles[name] = self.get_component_rich_style(name)
        return style

    def _columns(self, width: int) -> tuple[Layout, int]:
        """`columns.layout` for this width and data, recomputed when either changes."""
        key = (width, self._number_width, tuple(sorted(self._data_widths.items())))
        if self._columns_cache is None or self._columns_cache[0] != key:
            columns = layout(width, self._number_width, self._data_widths)
            total = sum(cells for _, cells in columns) + GAP * (len(columns) - 1)
            self._columns_cache = (key, columns, total)
        return self._columns_cache[1:]

    def _render_header(self, width: int) -> Strip:
        style = self._base_style + self._component("ticket-list--header")
        columns, total = self._columns(width)
        titles = [
            fit(column.title, cells, align=column.align, ellipsis=self._ellipsis)
            for column, cells in columns
        ]
        return _strip([Segment((" " * GAP).join(titles), style)], total, width)

    def _render_empty(self, width: int) -> Strip:
        style = self._base_style + self._component("ticket-list--dim")
        text = f'No tickets match "{self._filter}"' if self._filter else self._empty_text
        return Strip([Segment(fit(text, width, ellipsis=self._ellipsis), style)], width)

    def _render_row(self, row: TicketRow, index: int, width: int) -> Strip:
        """A row's line, from the line cache when this row object was drawn before with the
        same markers under the same paint key (see `_prepare_paint`) and its ages still read
        the same. The cursor's line is always drawn: its colours follow the focus."""
        if index == self._cursor:
            return self._draw_row(row, width, cursor=True)[0]
        marks = (row.id in self._unseen, row.id == self._timer_id, row.id in self._drafts)
        lines = self._lines
        entry = lines.get(row.id)
        if (
            entry is not None
            and (entry[0] is row or entry[0] == row)  # a poll may hand back an equal copy
            and entry[1] == marks
            and entry[2] > self._paint_now
        ):
            del lines[row.id]  # to the end: the least recently drawn go first
            lines[row.id] = entry
            return entry[3]
        strip, good_until = self._draw_row(row, width, cursor=False)
        if self._pad is not None:  # kept as handed to Textual: no padded or filtered copy
            strip = self._finished(strip)
        if entry is None and len(lines) >= LINE_CACHE_ROWS:
            for ticket_id in list(islice(lines, LINE_CACHE_ROWS // 4)):  # the oldest quarter
                del lines[ticket_id]
        lines[row.id] = (row, marks, good_until, strip)
        return strip

    def _draw_row(self, row: TicketRow, width: int, *, cursor: bool) -> tuple[Strip, float]:
        """One segment per cell, each in the style of what it says (status kind, urgent
        priority, overdue); the cursor goes on last so its colours win. Also returns until
        when the line holds (its ages change then)."""
        component = self._component
        style = self._base_style
        if row.id in self._unseen:
            style += component("ticket-list--unseen")
        if cursor:
            cursor_style = self.get_component_rich_style("ticket-list--cursor")
            if self._no_color:  # NO_COLOR drops its background
                cursor_style += _REVERSE
            plain = style + cursor_style
        else:
            plain = style
        columns, total = self._columns(width)
        segments: list[Segment] = []
        gap = Segment(" " * GAP, plain)
        for i, (column, cells) in enumerate(columns):
            text, name = self._cell(column.key, row)
            if name:
                cell_style = style + component(name)
                if cursor:
                    cell_style += cursor_style
            else:
                cell_style = plain
            if i:
                segments.append(gap)
            cell = fit(text, cells, align=column.align, ellipsis=self._ellipsis)
            segments.append(Segment(cell, cell_style))
        now = self._paint_now
        good_until = math.inf
        if row.updated_ts:
            good_until = now + age_lasts(now - row.updated_ts)
        created = self._created(row.created_at)
        if created:
            good_until = min(good_until, now + age_lasts(now - created))
        return _strip(segments, total, width), good_until

    def _cell(self, key: str, row: TicketRow) -> tuple[str, str]:
        """The text of one cell and the component class that colours it ("" for none)."""
        if key == "mark":
            unseen, reply, timer, draft = self._markers
            return (
                (unseen if row.id in self._unseen else " ")
                + (reply if row.customer_reply else " ")
                + (timer if row.id == self._timer_id else " ")
                + (draft if row.id in self._drafts else " ")
            ), "ticket-list--marker"
        if key == "status":
            kind = triage.status_kind(row.status)
            glyph = triage.KINDS[kind][2 if self._plain else 1]
            return f"{glyph} {self._short.get(row.status, row.status)}", f"ticket-list--st-{kind}"
        if key == "priority":
            urgent = prio.urgent(row.priority, self._priorities)
            return prio.label(row.priority, self._priorities), (
                "ticket-list--urgent" if urgent else ""
            )
        if key == "assignee":
            if self._me is not None and row.user_id == self._me:
                return "me", "ticket-list--me"
            return row.assignee, ""
        if key == "due":
            today = self._paint_today
            state = triage.due_state(row.due_date, today)
            if not state:
                return "", ""
            return triage.due_text(row.due_date, today), {
                "overdue": "ticket-list--overdue",
                "today": "ticket-list--soon",
                "soon": "ticket-list--soon",
            }.get(state, "")
        if key == "sla":
            text = SLA_CELLS.get(row.sla_state, "")
            if not text:
                return "", ""
            return text, "ticket-list--overdue" if text == "late" else "ticket-list--soon"
        if key == "updated":
            return (
                age(self._paint_now - row.updated_ts) if row.updated_ts else ""
            ), "ticket-list--dim"
        if key == "created":
            created = self._created(row.created_at)
            return (age(self._paint_now - created) if created else ""), "ticket-list--dim"
        return _CELL_TEXT[key](row), ""

    def _today(self) -> date:
        return datetime.fromtimestamp(self._now()).date()

    def _created(self, value: str) -> float:
        ts = self._created_ts.get(value)
        if ts is None:
            ts = timestamp(value) or 0.0
            if len(self._created_ts) > 50_000:
                self._created_ts.clear()
            self._created_ts[value] = ts
        return ts

    def _measure(self, rows: Sequence[TicketRow]) -> dict[str, int]:
        """The widest cell of each column whose width follows the data."""
        customer = assignee = due = sla = 0
        statuses = set()
        for row in rows:
            customer = max(customer, len(row.customer_name))
            assignee = max(assignee, len(row.assignee))
            statuses.add(row.status)
            if row.due_date:
                due = 5
            if row.sla_state:
                sla = 4
        if not statuses <= self._short.keys():  # a status the account lists did not name
            known = list(self._short) + sorted(statuses - self._short.keys())
            self._short = triage.short_statuses(known, STATUS_CELLS)
        status = max((len(self._short.get(s, s)) for s in statuses), default=4) + 2
        if self._me is not None and assignee:
            assignee = max(assignee, 2)
        return {
            "customer": customer,
            "status": status,
            "assignee": assignee,
            "due": due,
            "sla": sla,
        }

    # -- internals -------------------------------------------------------------------------

    def _apply(self, fallback: int) -> None:
        """Rebuild the visible list after the rows or the filter changed.

        Keeps the cursor on the highlighted ticket when it survives; otherwise it goes to
        `fallback` (clamped). Repaints only on-screen lines whose row changed.
        """
        ticket_id = self.highlighted_id
        old_visible, old_cursor = self._visible, self._cursor
        self._visible = self._filtered()
        index = self._index_of(ticket_id) if ticket_id is not None else None
        self._cursor = max(0, min(fallback if index is None else index, len(self._visible) - 1))
        self._set_virtual_height(max(len(self._visible) + self._shown_pending(), 1) + 1)

        def changed(i: int, row: TicketRow) -> bool:
            if i in (self._cursor, old_cursor):
                return True
            return i >= len(old_visible) or old_visible[i] != row

        self._refresh_visible(changed)
        if not self._visible:
            self.refresh_line(1)  # the empty-state message
        else:
            # lines that held a row and are blank now, on screen only: Textual keeps every
            # line it is told to refresh in a set until it is drawn, and lines below the pane
            # never are (a first letter at 10,000 rows left 9,700 of them, 0.8 MiB)
            top = self.scroll_offset.y
            start = max(len(self._visible), top) + 1
            end = min(len(old_visible), top + self._rows_on_screen()) + 1
            if end > start:
                self.refresh_lines(start, end - start)
        self._scroll_to_cursor()
        self._announce_later()

    def _filtered(self) -> list[TicketRow]:
        """The rows that pass the filter, in order.

        Plain words (the common case: typing a word) are one `in` per row inline; when the new
        words contain the previous ones ("pr" -> "pri", "pri" -> "pri net") only the rows that
        matched before are searched again. Field terms go through `triage.matcher`."""
        narrowed, self._narrowed = self._narrowed, None
        words = _plain_words(self._filter)
        if words is None or words:
            self._ensure_texts()
        if words is None:
            match = self._matcher()
            pairs = zip(self._rows.values(), self._texts.values())
            return [row for row, text in pairs if match is None or match(row, text)]
        if not words:
            return list(self._rows.values())
        rows: Iterable[TicketRow]
        texts: Iterable[str]
        if (
            narrowed is not None
            and narrowed[0] is self._rows
            and all(any(old in new for new in words) for old in narrowed[1])
        ):
            rows, texts = narrowed[2], narrowed[3]
        else:
            rows, texts = self._rows.values(), self._texts.values()
        # A mask and `compress` allocate two lists, not a tuple per row (which would wake
        # the garbage collector over the whole heap while typing).
        if len(words) == 1:
            word = words[0]
            mask = [word in text for text in texts]
        else:
            mask = [all(w in text for w in words) for text in texts]
        kept_rows = list(compress(rows, mask))
        self._narrowed = (self._rows, words, kept_rows, list(compress(texts, mask)))
        return kept_rows

    def _shown_pending(self) -> int:
        return 0 if self._filter else self._pending

    def _fold_later(self) -> None:
        """Fold the missing filter texts soon, a step at a time, between other work."""
        if not self._folding and self.is_mounted and len(self._texts) < len(self._rows):
            self._folding = True
            self.set_timer(FOLD_PAUSE, self._fold_some)

    def _fold_some(self) -> None:
        self._folding = False
        texts, fold, left = self._texts, triage.fold, FOLD_STEP
        for ticket_id, row in self._rows.items():
            if ticket_id not in texts:
                texts[ticket_id] = fold(row.search_text())
                left -= 1
                if not left:
                    break
        if len(texts) < len(self._rows):
            self._fold_later()
        else:
            self._ensure_texts()

    def _ensure_texts(self) -> None:
        """Every row's filter text, in row order (what `_filtered` walks beside the rows)."""
        if self._texts_done:
            return
        texts, fold = self._texts, triage.fold
        self._texts = {
            ticket_id: texts[ticket_id] if ticket_id in texts else fold(row.search_text())
            for ticket_id, row in self._rows.items()
        }
        self._texts_done = True

    def _set_virtual_height(self, height: int) -> None:
        """Set the scroll range. When the scrollbar stays (or stays away) only the scrollbar
        and the scroll offset are updated: assigning `virtual_size` lays out the whole screen,
        which cost more than the rest of a filter keystroke together."""
        size = Size(0, height)
        if size == self.virtual_size:
            return
        viewport = self.container_size.height
        if (
            self.is_mounted
            and viewport
            and self.styles.overflow_y == "auto"
            and (self.virtual_size.height > viewport) == (height > viewport)
        ):
            self.set_reactive(TicketList.virtual_size, size)
            self._scroll_update(size)  # scrollbar thumb, and scroll_y clamped to the new range
        else:
            self.virtual_size = size
            if self.is_mounted and viewport:
                # the scrollbar comes (or goes) in the layout just asked for, not in a second
                # one that layout's Resize would ask for (the cold demo's first rows: two
                # full layouts, the rows drawn a column too wide in between; issue 14)
                self._scroll_update(size)

    def _matcher(self) -> Callable[[TicketRow, str], bool] | None:
        """The filter as one predicate over (row, folded text); None when there is none."""
        return triage.matcher(
            self._filter, me=self._me, priorities=self._priorities, today=self._today()
        )

    def _index_of(self, ticket_id: int) -> int | None:
        return next((i for i, row in enumerate(self._visible) if row.id == ticket_id), None)

    def _rows_on_screen(self) -> int:
        """Lines available for rows (the header takes one)."""
        return self.scrollable_content_region.height - 1

    def _refresh_visible(self, predicate: Callable[[int, TicketRow], bool]) -> None:
        """Repaint the on-screen rows for which `predicate(index, row)` is true.

        A few rows are refreshed one by one; more (a filter keystroke changes most of the
        screen) as one span from the first to the last, in one `refresh` (each call empties
        Textual's caches again): the unchanged rows between come from the line cache."""
        top = self.scroll_offset.y
        visible = self._visible
        changed = [
            index
            for index in range(top, min(top + self._rows_on_screen(), len(visible)))
            if predicate(index, visible[index])
        ]
        if len(changed) > SPAN_REFRESH:
            self.refresh_lines(changed[0] + 1, changed[-1] - changed[0] + 1)
        else:
            for index in changed:
                self.refresh_line(index + 1)

    def _move(self, index: int) -> None:
        if not self._visible:
            return
        index = max(0, min(index, len(self._visible) - 1))
        if index != self._cursor:
            self.refresh_line(self._cursor + 1)
            self.refresh_line(index + 1)
            self._cursor = index
            self._announce_later()
        self._scroll_to_cursor()

    def _page(self, direction: int) -> None:
        """Move a screenful, scrolling by the same amount so the cursor keeps its line."""
        page = max(1, self._rows_on_screen())
        self.scroll_to(y=self.scroll_offset.y + direction * page, animate=False, force=True)
        self._move(self._cursor + direction * page)

    def _scroll_to_cursor(self) -> None:
        rows = self._rows_on_screen()
        if rows < 1:  # not laid out yet; on_resize calls again
            return
        top = self.scroll_offset.y
        if self._cursor < top:
            self.scroll_to(y=self._cursor, animate=False, force=True)
        elif self._cursor >= top + rows:
            self.scroll_to(y=self._cursor - rows + 1, animate=False, force=True)

    def _announce_later(self) -> None:
        """Post Highlighted once this turn's changes settle, and only if the id changed."""
        if not self._announce_pending:
            self._announce_pending = True
            self.call_later(self._announce)

    def _announce(self) -> None:
        self._announce_pending = False
        ticket_id = self.highlighted_id
        if ticket_id != self._announced:
            self._announced = ticket_id
            self.post_message(self.Highlighted(self, ticket_id))


def _plain_words(text: str) -> list[str] | None:
    """The folded words of a filter made of plain words only (what `triage.matcher` would
    look for); None when a term may be a field term (`status:reply`, `@me`)."""
    terms = text.split()
    if any(":" in term or term.startswith("@") for term in terms):
        return None
    return [folded for term in terms if (folded := triage.fold(term))]


def _strip(segments: list[Segment], total: int, width: int) -> Strip:
    """A strip of `total` cells (the layout's width) cut to `width` on a too-narrow pane.

    Passing the known length spares Strip from measuring every segment again."""
    strip = Strip(segments, total)
    return strip if total <= width else strip.crop(0, width)


SPAN_REFRESH = 4
"""More changed rows than this on screen are refreshed as one span (see `_refresh_visible`)."""

LINE_CACHE_ROWS = 512
"""Rows whose drawn line is kept, the least recently shown dropped first: about a dozen
screens, which covers typing a word and erasing it (every screen the filter showed comes
back). Off screen a kept line is its segments and one strip (see `_let_go`), about 1 MiB in
all."""

FOLD_STEP = 2000
FOLD_PAUSE = 0.02
"""Filter texts folded after a paint: this many rows per step, a step every FOLD_PAUSE s."""

STATUS_CELLS = 10
"""The longest short form of a status (its glyph and a space come before it)."""

_REVERSE = Style(reverse=True)

SLA_CELLS = {"breached": "late", "breaching soon": "soon"}
"""The SLA column: words, so it reads the same without colour (NO_COLOR, --plain)."""

MARKERS = ("●", "«", "◷", "✎")
MARKERS_PLAIN = ("*", "<", "T", "d")
"""new or changed since you saw it; the customer spoke last; timer running; unsent draft."""


_CELL_TEXT: dict[str, Callable[[TicketRow], str]] = {
    "number": lambda row: f"#{row.number}",
    "status": lambda row: row.status,
    "priority": lambda row: row.priority,
    "customer": lambda row: row.customer_name,
    "subject": lambda row: row.subject,
    "assignee": lambda row: row.assignee,
}
"""The text of each plain column (the mark and age columns are drawn specially)."""
