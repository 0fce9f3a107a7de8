"""The `/` filter on the main screen: what the technician sees while typing a word.

The list follows the box inside the keystroke (FilterBox's `follow`), so no frame shows the
typed text above a list that is not filtered by it yet, keys typed in one burst end on exactly
the rows the matcher picks, and the detail pane waits for the typing to rest even when the
cursor stays on its ticket between letters.
"""

from __future__ import annotations

from dataclasses import replace

from textual.widgets import Input, Static

from syncro_tui.core import triage
from syncro_tui.ui.screens.main import MainScreen
from syncro_tui.ui.widgets.filter_box import FilterBox
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing, main_screen


def all_rows(lst) -> list:
    return [lst.row_at(i) for i in range(lst.visible_count)]


def expected(rows, text: str) -> list[int]:
    match = triage.matcher(text, me=None)
    return [r.id for r in rows if match is None or match(r, triage.fold(r.search_text()))]


def shown(lst) -> list[int]:
    return [r.id for r in all_rows(lst)]


async def test_a_burst_typed_fast_filters_to_exactly_the_right_rows(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        rows = all_rows(lst)
        # typed, corrected, a second word, erased again: as fast as a laggy link delivers it
        keys = ["slash", *"prinx", "backspace", *"ter", "space", *"off"]
        burst(app, keys)
        await settle(pilot)
        box = main_screen(app).query_one("#filter", Input)
        assert box.value == "printer off"
        assert shown(lst) == expected(rows, "printer off")
        assert 0 < lst.visible_count < len(rows)
        title = str(main_screen(app).query_one("#list-title", Static).content)
        assert f"({lst.visible_count})" in title and '"printer off"' in title
        burst(app, ["backspace"] * 4 + [*"vpn"])
        await settle(pilot)
        assert box.value == "printervpn"
        assert shown(lst) == expected(rows, "printervpn") == []
        burst(app, ["backspace"] * 10)
        await settle(pilot)
        assert box.value == ""
        assert shown(lst) == [r.id for r in rows]


async def test_no_frame_shows_the_typed_text_above_an_unfiltered_list(make_app, monkeypatch):
    """The echo and the filtered list are drawn in the same frame (one frame per key): after
    every frame, the list on screen was last drawn for the text the box shows."""
    drawn: dict[str, str] = {}
    frames: list[tuple[str, str]] = []
    draw_box, draw_list = FilterBox.render_lines, TicketList.render_lines
    draw_frame = MainScreen._compositor_refresh

    def box_lines(self: FilterBox, crop):  # noqa: ANN001, ANN202
        drawn["box"] = self.value
        return draw_box(self, crop)

    def list_lines(self: TicketList, crop):  # noqa: ANN001, ANN202
        drawn["list"] = self.filter_text
        return draw_list(self, crop)

    def frame(self: MainScreen) -> None:
        draw_frame(self)
        if "box" in drawn:
            frames.append((drawn["box"], drawn.get("list", "")))

    monkeypatch.setattr(FilterBox, "render_lines", box_lines)
    monkeypatch.setattr(TicketList, "render_lines", list_lines)
    monkeypatch.setattr(MainScreen, "_compositor_refresh", frame)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        frames.clear()
        for key in [*"print", "backspace", "backspace", *"nter"]:
            await pilot.press(key)  # one key at a time, each drawn before the next
            await pilot.pause(0.05)
        await settle(pilot)
        assert main_screen(app).query_one("#filter", Input).value == "printer"
        assert {value for value, _ in frames} >= {"p", "pr", "pri", "prin", "print", "printer"}
        assert all(value == filtered for value, filtered in frames), frames


async def test_the_detail_pane_waits_until_the_typing_rests(make_app):
    """Letters that leave the cursor on its ticket post no Highlighted; the pane still waits
    for the last letter (it used to follow mid-word: a remount and a layout per word)."""
    app = make_app()
    app.settings = replace(app.settings, ui=replace(app.settings.ui, detail_debounce_ms=300))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        screen = main_screen(app)
        box = screen.query_one("#filter", Input)
        word = "printer"
        # where the cursor goes after each letter: it stays on its ticket while that matches
        rows, cursor, moves = all_rows(lst), lst.highlighted_id, []
        for n in range(1, len(word) + 1):
            ids = expected(rows, word[:n])
            if cursor not in ids:
                cursor = ids[0]
                moves.append(n)
        assert moves and moves[-1] <= len(word) - 3, "the data no longer moves the cursor early"
        while screen._detail_waits:  # the pane first rests on the ticket the list opened on
            await pilot.pause(0.05)
        rested: list[str] = []
        real = screen._rested_on

        def spy(ticket_id: int) -> None:
            rested.append(box.value)
            real(ticket_id)

        screen._rested_on = spy
        await pilot.press("slash")
        for letter in word:
            await pilot.press(letter)
            await pilot.pause(0.25)  # a typist's pace, well inside the pane's wait (0.6 s)
        assert rested == []  # nothing followed the cursor while the letters kept coming
        await pilot.pause(1.0)
        await settle(pilot)
        assert rested == [word]
