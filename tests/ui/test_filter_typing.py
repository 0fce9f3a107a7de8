"""The `/` filter while typing: each character narrows the previous matches, and the list
(its rows, scroll range and scrollbar) is right after every one, whatever the path taken."""

from __future__ import annotations

from syncro_tui.core import triage
from syncro_tui.ui.widgets.ticket_list import TicketList
from tests.ui.test_ticket_list import NOW, ListApp, row, visible_ids


def queue(count: int):
    words = ["Printer jam", "Print server down", "Outlook password", "New laptop", "VPN drops"]
    return [
        row(
            i,
            subject=f"{words[i % len(words)]} {i}",
            customer_name=["Acme", "Bluebird Dental", "Jerry Burger"][i % 3],
            updated_ts=NOW - i * 60,
        )
        for i in range(1, count + 1)
    ]


def expected(rows, text: str) -> list[int]:
    match = triage.matcher(text, me=None)
    if match is None:
        return [r.id for r in rows]
    return [r.id for r in rows if match(r, triage.fold(r.search_text()))]


async def test_typing_narrows_and_backspace_widens_to_the_same_rows_as_the_matcher() -> None:
    rows = queue(300)
    app = ListApp(rows)
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        steps = ["p", "pr", "pri", "prin", "print", "printe", "printer", "print", "pr", ""]
        steps += ["acme", "acme p", "acme pr", "acme prin", "prin acme", "status:new", "s"]
        steps += ["s ", "jerry  print", "Jérry", "#3200", "#32001", "#320"]
        for text in steps:
            ticket_list.set_filter(text)
            assert visible_ids(ticket_list) == expected(rows, text), text
        ticket_list.set_filter("printer")
        # the rows change under the filter: narrowing starts again from all rows
        changed = [*rows[:-1], row(300, subject="printer on fire", updated_ts=NOW)]
        ticket_list.set_rows(changed)
        ticket_list.set_filter("printer o")
        assert visible_ids(ticket_list) == expected(changed, "printer o") == [300]


async def test_scroll_range_and_scrollbar_follow_each_character() -> None:
    app = ListApp(queue(300))
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        assert ticket_list.show_vertical_scrollbar
        ticket_list.action_last()
        await pilot.pause()
        ticket_list.set_filter("print")  # 120 of 300 match: still a scrollbar
        await pilot.pause()
        assert ticket_list.virtual_size.height == ticket_list.visible_count + 1
        assert ticket_list.show_vertical_scrollbar
        assert ticket_list.scroll_offset.y <= ticket_list.max_scroll_y
        assert ticket_list.highlighted_id is not None
        ticket_list.set_filter("print 29")  # a handful: the scrollbar goes
        await pilot.pause()
        assert ticket_list.visible_count < 10
        assert not ticket_list.show_vertical_scrollbar
        assert ticket_list.scroll_offset.y == 0
        ticket_list.set_filter("")
        await pilot.pause()
        assert ticket_list.show_vertical_scrollbar
        assert ticket_list.virtual_size.height == 301


async def test_a_filter_typed_at_once_after_the_rows_arrive_finds_them() -> None:
    """Filter texts are folded after the paint; a filter typed before that is still right."""
    rows = queue(3000)
    app = ListApp(rows[:10])
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.set_rows(rows)
        ticket_list.set_filter("jerry print")  # no pause: nothing folded in between
        assert visible_ids(ticket_list) == expected(rows, "jerry print")
        ticket_list.set_filter("")
        changed = [*rows[:100], row(99_999, subject="Printer for Jerry", updated_ts=NOW)]
        ticket_list.set_rows(changed)
        await pilot.pause(0.3)  # some folded in steps, the rest on demand
        ticket_list.set_filter("jerry print")
        assert visible_ids(ticket_list) == expected(changed, "jerry print")


async def test_the_detail_pane_waits_while_a_filter_is_typed(make_app, sandbox):
    """A pause between two letters longer than the detail debounce does not fetch or show
    the ticket the cursor passes; once the typing rests long enough it does."""
    import asyncio
    from dataclasses import replace

    import pytest

    from tests.ui.conftest import settle
    from tests.ui.helpers import burst, detail_text, listing

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.settings = replace(app.settings, ui=replace(app.settings.ui, detail_debounce_ms=2000))
        lst = listing(app)
        first = lst.highlighted_id
        here = triage.fold(lst.row_at(lst._cursor).search_text())
        word = next(  # a word of another ticket's subject that the highlighted one lacks
            w
            for i in range(1, lst.visible_count)
            for w in lst.row_at(i).subject.lower().split()
            if len(w) > 4 and w.isalpha() and triage.fold(w) not in here
        )
        loop = asyncio.get_running_loop()
        burst(app, "/" + word)
        deadline = loop.time() + 10
        while lst.filter_text != word and loop.time() < deadline:
            await pilot.pause(0.05)
        typed = loop.time()
        passing = lst.highlighted_id
        assert passing not in (None, first)
        number = f"#{lst.row_at(lst._cursor).number}"
        await asyncio.sleep(2.5)  # past the 2 s debounce, inside twice that
        await pilot.pause()
        if loop.time() - typed > 3.8:
            pytest.skip("the machine stalled past the filter's detail wait")
        assert not any(r.path.endswith(f"/tickets/{passing}") for r in sandbox.requests)
        assert number not in detail_text(app)
        deadline = loop.time() + 15
        while number not in detail_text(app) and loop.time() < deadline:
            await asyncio.sleep(0.2)
            await settle(pilot)
        assert number in detail_text(app)
