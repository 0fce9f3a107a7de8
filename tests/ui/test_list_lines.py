"""What the ticket list shows while its drawn lines are kept between paints: after a filter is
typed and erased, a resize, a theme change, a changed ticket, cursor moves and a minute on
the clock, the screen shows the same rows, cursor and colours as a list drawn from scratch.

The screen is read as the terminal gets it (the compositor's lines, with their styles)."""

from __future__ import annotations

import re

from textual.color import Color as TColor
from textual.geometry import Region
from textual.widget import Widget

from syncro_tui.ui.widgets.strip_scrollbar import StripScrollBar, plain_box
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing


def list_lines(app) -> list[list[tuple[str, object]]]:
    """The list pane as the terminal shows it: per line, its (text, style) runs."""
    lst = listing(app)
    region = lst.region
    strips = app.screen._compositor.render_strips()
    return [
        [(seg.text, seg.style) for seg in strip.crop(region.x, region.right)]
        for strip in strips[region.y : region.bottom]
    ]


def number(line: str) -> str:
    """The ticket number a list line shows."""
    found = re.search(r"#\d+", line)
    return found.group() if found else ""


def texts(lines) -> list[str]:
    return ["".join(text for text, _ in line) for line in lines]


def cursor_lines(app, lines) -> list[int]:
    """The lines drawn in the list's cursor colours."""
    lst = listing(app)
    cursor = lst.get_component_rich_style("ticket-list--cursor").bgcolor
    return [i for i, line in enumerate(lines) if any(s.bgcolor == cursor for _, s in line if s)]


async def fresh_lines(app, pilot) -> list[list[tuple[str, object]]]:
    """The same list drawn from scratch (no line kept), for comparison."""
    lst = listing(app)
    lst._lines.clear()
    lst.refresh()
    await pilot.pause()
    return list_lines(app)


async def test_typing_and_erasing_a_filter_shows_the_same_screen(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        await pilot.press("j", "j")
        await settle(pilot)
        before = list_lines(app)
        burst(app, "/print")
        await settle(pilot)
        assert lst.filter_text == "print" and lst.visible_count
        rows = texts(list_lines(app))[1 : 1 + lst.visible_count]
        assert rows and all("print" in line.lower() for line in rows)
        assert texts(list_lines(app)) == texts(await fresh_lines(app, pilot))
        burst(app, ["backspace"] * 5)
        await settle(pilot)
        assert lst.filter_text == ""
        after = list_lines(app)
        assert after == await fresh_lines(app, pilot)
        numbers = [number(line) for line in texts(after)[1:] if line.strip()]
        assert numbers == [number(line) for line in texts(before)[1 : 1 + len(numbers)]]
        highlighted_number = f"#{lst.row_at(lst._cursor).number}"
        assert [number(texts(after)[i]) for i in cursor_lines(app, after)] == [highlighted_number]


async def test_the_cursor_colours_only_the_highlighted_row_after_moves(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        await pilot.press("j", "j", "j", "k")
        await settle(pilot)
        lines = list_lines(app)
        assert cursor_lines(app, lines) == [1 + lst._cursor - lst.scroll_offset.y]
        assert lines == await fresh_lines(app, pilot)


async def test_a_resize_redraws_every_row_for_the_new_width(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "/p")
        await pilot.pause()
        burst(app, ["backspace"])
        await pilot.pause()
        wide = texts(list_lines(app))
        await pilot.resize_terminal(90, 30)
        await settle(pilot)
        narrow = list_lines(app)
        width = listing(app).region.width
        assert all(len(line) == width for line in texts(narrow))
        assert texts(narrow)[1] != wide[1][:width]  # the columns moved, not just cut
        assert narrow == await fresh_lines(app, pilot)


async def test_a_theme_change_recolours_rows_drawn_before(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        burst(app, "/p")
        await pilot.pause()
        burst(app, ["backspace", "enter"])
        await pilot.pause()
        old = list_lines(app)
        old_surface = TColor.parse(app.get_css_variables()["surface"]).rich_color
        app.theme = "textual-light" if app.theme != "textual-light" else "nord"
        await settle(pilot)
        new = list_lines(app)
        assert texts(new) == texts(old)
        surface = TColor.parse(app.get_css_variables()["surface"]).rich_color
        row = new[1 + (listing(app)._cursor == 0)]  # a row without the cursor
        backgrounds = {style.bgcolor for _, style in row if style}
        assert backgrounds == {surface} != {old_surface}
        assert new == await fresh_lines(app, pilot)


async def test_a_changed_ticket_is_redrawn_and_the_others_stay(make_app, sandbox, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        target = lst.row_at(3)
        clock.advance(30)
        sandbox.simulate_update(target.id, subject="Scanner smoking after the update")
        app.poll()
        await settle(pilot)
        lines = texts(list_lines(app))
        shown = next(line for line in lines if f"#{target.number} " in line)
        assert "Scanner smoking" in shown
        assert list_lines(app) == await fresh_lines(app, pilot)


async def test_ages_move_on_with_the_clock_on_kept_lines(make_app, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        before = texts(list_lines(app))
        clock.advance(2 * 86400)
        listing(app).refresh()  # what the once-a-minute timer does
        await pilot.pause()
        after = list_lines(app)
        assert texts(after) != before
        assert after == await fresh_lines(app, pilot)


async def test_the_list_scrollbar_looks_like_textuals(make_app):
    app = make_app()
    async with app.run_test(size=(120, 24)) as pilot:
        await settle(pilot)
        lst = listing(app)
        bar = lst.vertical_scrollbar
        assert isinstance(bar, StripScrollBar) and bar.display
        for keys in ([], ["G"], ["/", "p"], ["backspace", "enter", "g"]):
            burst(app, keys)
            await pilot.pause()
            ours = [bar.render_line(y) for y in range(bar.size.height)]
            bar._render_content()  # Textual's own drawing of the same bar
            theirs = [Widget.render_line(bar, y) for y in range(bar.size.height)]
            assert [list(s) for s in ours] == [list(s) for s in theirs]
            # and what the compositor gets: as Textual's per-line styling pass would give it
            whole = bar.size.region
            drawn = bar.render_lines(whole)
            bar._styles_cache.clear()
            styled = Widget.render_lines(bar, whole)
            assert [list(s) for s in drawn] == [list(s) for s in styled]
            assert any(
                seg.style and seg.style.reverse or seg.text.strip() for s in ours for seg in s
            )


async def test_the_list_hands_the_compositor_what_textuals_styling_pass_would(make_app):
    """TicketList draws its lines straight for the compositor (no per-line styling pass):
    the strips are the same as Textual's own path gives, on every screen of a typed filter,
    a cursor move and a horizontal crop."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = listing(app)
        assert plain_box(lst) and lst.content_region.size == lst.region.size
        whole = lst.size.region
        for keys in ([], ["j", "j"], ["/", "p", "r"], ["backspace", "backspace"], ["enter", "G"]):
            burst(app, keys)
            await pilot.pause()
            for crop in (whole, Region(3, 2, 40, 9)):
                ours = lst.render_lines(crop)
                lst._styles_cache.clear()
                lst._prepare_paint()
                lst._painting = True
                try:
                    theirs = Widget.render_lines(lst, crop)
                finally:
                    lst._painting = False
                assert [list(s) for s in ours] == [list(s) for s in theirs], keys


async def test_a_kept_line_is_the_strip_the_compositor_gets(make_app):
    """A row drawn before is handed out as kept (already padded to the widget and filtered),
    not re-wrapped: Textual caches what it derives from a strip (its crops, its divisions,
    its terminal text) on that strip, so a re-wrapped copy per paint kept a second strip and
    its caches beside every kept line (the soak's memory growth, issue 14)."""
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await settle(pilot)
        lst = listing(app)
        burst(app, ["j", "j"])
        await pilot.pause()
        lines = lst.render_lines(lst.size.region)
        kept = {id(entry[3]) for entry in lst._lines.values()}
        cursor_line = lst._cursor - lst.scroll_offset.y + 1
        rows = [i for i in range(1, lst.size.height) if i != cursor_line]
        assert len(rows) > 10
        assert all(id(lines[i]) in kept for i in rows)
        assert all(lines[i].cell_length == lst.size.width for i in rows)


async def test_the_line_cache_lets_go_of_the_least_recently_shown_rows(make_app, monkeypatch):
    """Bounded, the cache drops the rows shown longest ago, not the ones drawn first: the
    first screen, shown again since, comes back undrawn after the last screen needed room."""
    import syncro_tui.ui.widgets.ticket_list as module

    monkeypatch.setattr(module, "LINE_CACHE_ROWS", 40)
    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        lst = listing(app)
        first_screen = set(lst._lines)
        assert len(first_screen) == 15  # the cursor's line is never kept
        for keys in (["pagedown"], ["home"], ["end"]):  # 3 screens of 16, 40 kept
            burst(app, keys)
            await pilot.pause()
        assert len(lst._lines) <= 40
        drawn: list[int] = []
        draw = lst._draw_row

        def spy(row, width, *, cursor):  # noqa: ANN001, ANN202
            drawn.append(row.id)
            return draw(row, width, cursor=cursor)

        monkeypatch.setattr(lst, "_draw_row", spy)
        burst(app, ["home"])
        await pilot.pause()
        assert drawn and not (first_screen & set(drawn))  # the cursor's line only
        assert first_screen <= set(lst._lines)


async def test_a_line_that_leaves_the_screen_lets_go_of_what_was_derived_from_it(make_app):
    """Scrolled away, a kept line stays kept (same text and colours) but as a fresh strip:
    what Textual cached on the strip it was shown as (divisions, crops, terminal text) goes
    with that strip. Lines still on screen stay the strips the compositor has."""
    app = make_app()
    async with app.run_test(size=(120, 20)) as pilot:
        await settle(pilot)
        lst = listing(app)
        handed = {ticket_id: entry[3] for ticket_id, entry in lst._lines.items()}
        burst(app, ["pagedown"])
        await pilot.pause()
        kept = lst._lines
        assert set(handed) <= set(kept)
        on_screen = {ticket_id for ticket_id, _ in lst._shown.values()}
        gone = set(handed) - on_screen
        assert len(gone) >= 10
        for ticket_id in gone:
            assert kept[ticket_id][3] is not handed[ticket_id]
            assert list(kept[ticket_id][3]) == list(handed[ticket_id])
        burst(app, ["home"])
        await pilot.pause()
        for ticket_id, strip in handed.items():
            assert list(kept[ticket_id][3]) == list(strip)
