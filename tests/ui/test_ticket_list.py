"""TicketList: rendering, keys, updates that keep the cursor, filter, markers, sizes, snapshots."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

import pytest
from syrupy.assertion import SnapshotAssertion
from textual.app import App, ComposeResult

from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.widgets.columns import SUBJECT_MIN, age, fit, layout
from syncro_tui.ui.widgets.ticket_list import TicketList

NOW = 1_760_000_000.0  # a fixed clock, so ages (and snapshots) never drift


def row(ticket_id: int, **fields: Any) -> TicketRow:
    values: dict[str, Any] = {
        "number": str(32000 + ticket_id),
        "subject": f"Subject {ticket_id}",
        "status": "New",
        "priority": "2 Normal",
        "customer_name": f"Customer {ticket_id}",
        "assignee": "Alex Rivera",
        "updated_ts": NOW - 3 * 3600,
    }
    values.update(fields)
    return TicketRow(id=ticket_id, **values)


SEED = [
    row(
        1,
        number="32164",
        subject="Own cloud thing again",
        customer_name="Jerry Burger",
        updated_ts=NOW - 5 * 60,
    ),
    row(
        2,
        number="32163",
        subject="[bold]Printer[/] on fire [red]",
        status="In Progress",
        priority="1 High",
        customer_name="Acme [Corp]",
        updated_ts=NOW - 3 * 3600,
    ),
    row(
        3,
        number="32160",
        subject="Outlook keeps asking for password",
        status="Waiting on Customer",
        customer_name="Bluebird Dental",
        assignee="",
        updated_ts=NOW - 2 * 86400,
    ),
    row(
        4,
        number="32155",
        subject="New starter laptop",
        status="Scheduled",
        priority="3 Low",
        customer_name="Harbour Freight Ltd",
        updated_ts=NOW - 3 * 7 * 86400,
    ),
    row(
        5,
        number="32101",
        subject="VPN drops every 10 minutes since the firewall update last week",
        status="Customer Reply",
        customer_name="Jerry Burger",
        updated_ts=NOW - 20,
    ),
]


class ListApp(App[None]):
    def __init__(self, rows: list[TicketRow] | None = None, *, plain: bool = False) -> None:
        super().__init__()
        self.initial_rows = SEED if rows is None else rows
        self.plain = plain
        self.highlighted: list[int | None] = []
        self.selected: list[int] = []

    def compose(self) -> ComposeResult:
        yield TicketList(now=lambda: NOW, plain=self.plain, id="tickets")

    def on_mount(self) -> None:
        self.query_one(TicketList).set_rows(self.initial_rows)

    def on_ticket_list_highlighted(self, message: TicketList.Highlighted) -> None:
        self.highlighted.append(message.ticket_id)

    def on_ticket_list_selected(self, message: TicketList.Selected) -> None:
        self.selected.append(message.ticket_id)


def lines(app: ListApp) -> list[str]:
    """The list's on-screen text, line by line (line 0 is the header)."""
    ticket_list = app.query_one(TicketList)
    return [ticket_list.render_line(y).text for y in range(ticket_list.size.height)]


def visible_ids(ticket_list: TicketList) -> list[int]:
    return [ticket_list.row_at(i).id for i in range(ticket_list.visible_count)]


def many(count: int) -> list[TicketRow]:
    return [row(i, updated_ts=NOW - i * 60) for i in range(1, count + 1)]


async def test_rows_render_every_column_at_120() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        header, first, *_ = lines(app)
        titles = ["#", "Status", "P", "Customer", "Subject", "Assignee", "Age", "Upd"]
        assert header.split() == titles  # no ticket has a due date: no Due column
        assert first.split() == [
            "#32164",
            "+",
            "New",
            "2",
            "Jerry",
            "Burger",
            "Own",
            "cloud",
            "thing",
            "again",
            "Alex",
            "Rivera",
            "5m",
        ]
        assert len(first) == 120  # 5 rows need no scrollbar: the row spans the width
        ages = [line.split()[-1] for line in lines(app)[1:6]]
        assert ages == ["5m", "3h", "2d", "3w", "now"]
        assert "No open tickets" not in "".join(lines(app))


async def test_markup_in_api_text_is_shown_literally() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        line = lines(app)[2]
        assert "[bold]Printer[/] on fire [red]" in line
        assert "Acme [Corp]" in line
        strip = app.query_one(TicketList).render_line(2)
        subject = next(seg for seg in strip if "Printer" in seg.text)
        assert not (subject.style and subject.style.bold)  # no markup was parsed


async def test_control_characters_never_reach_the_terminal() -> None:
    subject = "evil\x1b]0;title\x07\x1b[2Jtext\r\nnext\u202eevil"
    app = ListApp([row(1, subject=subject, status="New\x00")])
    async with app.run_test(size=(120, 10)) as pilot:
        await pilot.pause()
        text = lines(app)[1]
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e]", text)
        assert "evil]0;title[2Jtext  nextevil" in text


async def test_keys_move_the_cursor_and_post_highlighted() -> None:
    app = ListApp(many(100))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.focus()
        assert app.highlighted == [1]
        steps = [
            ("j", 2),
            ("down", 3),
            ("k", 2),
            ("up", 1),
            ("G", 100),
            ("g", 1),
            ("end", 100),
            ("home", 1),
            ("pagedown", 24),
            ("pagedown", 47),
            ("pageup", 24),
        ]
        for key, expected in steps:
            await pilot.press(key)
            await pilot.pause()
            assert ticket_list.highlighted_id == expected, key
        assert app.highlighted == [1] + [expected for _, expected in steps]
        await pilot.press("up", "up", "k")
        await pilot.pause()
        assert ticket_list.highlighted_id == 21
        app.highlighted.clear()
        for _ in range(5):  # five moves in one turn of the event loop: one message
            ticket_list.action_cursor_down()
        await pilot.pause()
        assert app.highlighted == [26]
        await pilot.press("enter")
        await pilot.pause()
        assert app.selected == [26]


async def test_cursor_stays_on_screen_while_moving() -> None:
    app = ListApp(many(100))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.query_one(TicketList).focus()
        for _ in range(30):
            await pilot.press("j")
        await pilot.pause()
        assert "#32031" in lines(app)[-1]  # 23 row lines under the header: the cursor is last
        await pilot.press("G")
        await pilot.pause()
        assert "#32100" in lines(app)[-1]
        await pilot.press("pageup")
        await pilot.pause()
        assert "#32077" in lines(app)[-1] and app.query_one(TicketList).highlighted_id == 77


async def test_click_highlights_and_a_second_click_selects() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        await pilot.click(TicketList, offset=(20, 3))
        await pilot.pause()
        assert ticket_list.highlighted_id == 3
        assert app.selected == []
        await pilot.click(TicketList, offset=(20, 3))
        await pilot.pause()
        assert app.selected == [3]
        await pilot.click(TicketList, offset=(20, 0))  # the header
        await pilot.click(TicketList, offset=(20, 30))  # below the last row
        await pilot.pause()
        assert ticket_list.highlighted_id == 3 and app.selected == [3]


async def test_update_keeps_the_cursor_on_the_same_ticket() -> None:
    app = ListApp(many(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        assert ticket_list.move_to_id(5)
        await pilot.pause()
        app.highlighted.clear()
        rows = [row(100), row(101), *many(10)]
        ticket_list.set_rows(rows)
        await pilot.pause()
        assert ticket_list.highlighted_id == 5
        assert ticket_list.row_at(6).id == 5
        assert app.highlighted == []  # same ticket: nothing to announce
        assert "#32100" in lines(app)[1]


async def test_update_removing_the_highlighted_ticket_moves_to_its_neighbour() -> None:
    app = ListApp(many(10))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.move_to_id(5)
        ticket_list.set_rows([r for r in many(10) if r.id != 5])
        await pilot.pause()
        assert ticket_list.highlighted_id == 6
        assert app.highlighted[-1] == 6
        ticket_list.move_to_id(10)
        ticket_list.set_rows(many(8))
        await pilot.pause()
        assert ticket_list.highlighted_id == 8
        ticket_list.set_rows([])
        await pilot.pause()
        assert ticket_list.highlighted_id is None and app.highlighted[-1] is None
        assert "No open tickets" in lines(app)[1]


async def test_update_repaints_only_the_changed_line(monkeypatch: pytest.MonkeyPatch) -> None:
    app = ListApp(many(100))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        repainted: list[int] = []
        full: list[object] = []
        monkeypatch.setattr(ticket_list, "refresh_line", repainted.append)
        monkeypatch.setattr(ticket_list, "refresh", lambda *args, **kwargs: full.append(args))
        rows = many(100)
        rows[3] = row(4, subject="Changed")
        ticket_list.set_rows(rows)
        assert sorted(set(repainted)) == [1, 4]  # the cursor's line and the changed row's line
        rows[80] = row(81, subject="Changed off screen")
        repainted.clear()
        ticket_list.set_rows(rows)
        assert repainted == [1]
        assert full == []
        monkeypatch.undo()


async def test_shrinking_the_list_while_scrolled_to_the_end() -> None:
    app = ListApp(many(100))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.action_last()
        await pilot.pause()
        assert ticket_list.scroll_offset.y == 77
        ticket_list.set_rows(many(30))
        await pilot.pause()
        assert ticket_list.highlighted_id == 30
        assert ticket_list.scroll_offset.y == 7
        assert "#32030" in lines(app)[-1]


async def test_filter_narrows_and_empty_filter_restores() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.move_to_id(5)
        ticket_list.set_filter("jerry")  # customer, case-insensitive
        assert visible_ids(ticket_list) == [1, 5]
        assert ticket_list.highlighted_id == 5  # it survived the filter
        for text, ids in [
            ("#3216", [1, 2, 3]),
            ("PRINTER", [2]),
            ("waiting on", [3]),
            ("[red]", [2]),
        ]:
            ticket_list.set_filter(text)
            assert visible_ids(ticket_list) == ids, text
        assert ticket_list.filter_text == "[red]"
        assert ticket_list.highlighted_id == 2
        ticket_list.set_filter("nothing like this")
        await pilot.pause()
        assert ticket_list.highlighted_id is None and ticket_list.visible_count == 0
        assert 'No tickets match "nothing like this"' in lines(app)[1]
        ticket_list.set_filter("scheduled")
        ticket_list.set_filter("")
        await pilot.pause()
        assert ticket_list.visible_count == 5
        assert ticket_list.highlighted_id == 4  # the cursor stays on the ticket it was on
        assert app.highlighted == [1, None, 4]  # changes within one turn coalesce


async def test_filter_uses_updated_rows() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.set_filter("toner")
        assert ticket_list.visible_count == 0
        ticket_list.set_rows([*SEED[:4], row(5, subject="Out of toner")])
        assert ticket_list.visible_count == 1 and ticket_list.highlighted_id == 5


async def test_a_reconcile_that_changes_only_times_keeps_the_filter_texts() -> None:
    """Every row comes back as a new object with new times (a full reconcile after the
    clock moved): the folded filter texts are kept, not folded again; a row whose subject
    changed gets a new one, and the filter finds it by its new subject only."""
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.set_filter("printer")  # every text folded
        before = dict(ticket_list._texts)
        assert len(before) == len(SEED)
        moved = [
            replace(
                r, updated_ts=r.updated_ts + 60, subject="Out of toner" if r.id == 3 else r.subject
            )
            for r in SEED
        ]
        ticket_list.set_rows(moved)
        ticket_list.set_filter("toner")
        assert visible_ids(ticket_list) == [3]
        after = ticket_list._texts
        assert all(after[r.id] is before[r.id] for r in SEED if r.id != 3)
        assert after[3] != before[3] and "toner" in after[3]
        ticket_list.set_filter("outlook")  # row 3's old subject
        assert visible_ids(ticket_list) == []
        ticket_list.set_filter("printer")
        assert visible_ids(ticket_list) == [2]


def test_same_search_text_compares_the_fields_the_text_is_made_of() -> None:
    base = SEED[1]
    assert base.same_search_text(base)
    assert base.same_search_text(replace(base, updated_ts=1.0, assignee="x", priority="3 Low"))
    assert not base.same_search_text(None)
    for field in ("number", "subject", "customer_name", "status"):
        other = replace(base, **{field: "changed"})
        assert not base.same_search_text(other)
        assert other.search_text() != base.search_text()


async def test_unseen_and_timer_markers() -> None:
    app = ListApp()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.set_unseen({2, 3})
        ticket_list.set_timer_ticket(3)
        await pilot.pause()
        marks = [line[:4] for line in lines(app)[1:6]]
        assert marks == ["    ", "●   ", "● ◷ ", "    ", "    "]
        assert all(s.style.bold for s in ticket_list.render_line(2) if s.text.strip())
        ticket_list.set_unseen({3})
        ticket_list.set_timer_ticket(None)
        await pilot.pause()
        assert [line[:4] for line in lines(app)[1:6]] == ["    ", "    ", "●   ", "    ", "    "]


async def test_plain_mode_is_ascii_only() -> None:
    app = ListApp(plain=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.set_unseen({1})
        ticket_list.set_timer_ticket(1)
        await pilot.pause()
        text = lines(app)
        assert text[1].startswith("* T  #32164")
        assert all(line.isascii() for line in text)
        assert "VPN drops every 10" in text[5]  # cut without an ellipsis


@pytest.mark.parametrize(
    ("size", "present", "absent"),
    [
        ((80, 24), ["#", "Status", "P", "Customer", "Subject", "Upd"], ["Assignee"]),
        ((60, 20), ["#", "Subject", "Upd"], ["Status", "P", "Assignee"]),
        ((40, 12), ["#", "Subject", "Upd"], ["Customer", "Status"]),
    ],
)
async def test_narrow_terminals(
    size: tuple[int, int], present: list[str], absent: list[str]
) -> None:
    app = ListApp()
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        header, first, *_ = lines(app)
        assert all(title in header.split() for title in present)
        assert not any(title in header.split() for title in absent)
        assert first.startswith("     #32164 ") and first.endswith(" 5m")
        await pilot.press("j", "G")
        await pilot.pause()


async def test_tiny_terminal_does_not_crash() -> None:
    app = ListApp()
    async with app.run_test(size=(12, 3)) as pilot:
        await pilot.pause()
        await pilot.press("j", "pagedown", "G", "pageup", "enter")
        await pilot.pause()
        assert all(len(line) <= 12 for line in lines(app))
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        assert "Own cloud thing again" in lines(app)[1]


async def test_empty_list_message_can_be_changed() -> None:
    app = ListApp([])
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        assert "No open tickets" in lines(app)[1]
        ticket_list.set_empty_text("No tickets assigned to you")
        await pilot.press("j", "enter")
        await pilot.pause()
        assert "No tickets assigned to you" in lines(app)[1]
        assert app.selected == [] and app.highlighted == []


async def test_ten_thousand_rows_reach_the_last_with_G() -> None:
    app = ListApp(many(10_000))
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.focus()
        await pilot.press("G")
        await pilot.pause()
        assert ticket_list.highlighted_id == 10_000
        assert "#42000" in lines(app)[-1]
        ticket_list.set_filter("#41999")
        assert ticket_list.highlighted_id == 9999 and ticket_list.visible_count == 1


# -- pure helpers --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("width", "keys"),
    [
        (
            124,
            [
                "mark",
                "number",
                "status",
                "priority",
                "customer",
                "subject",
                "assignee",
                "due",
                "sla",
                "created",
                "updated",
            ],
        ),
        (
            95,
            [
                "mark",
                "number",
                "status",
                "priority",
                "customer",
                "subject",
                "due",
                "sla",
                "created",
                "updated",
            ],
        ),
        (
            79,
            [
                "mark",
                "number",
                "status",
                "priority",
                "customer",
                "subject",
                "due",
                "sla",
                "updated",
            ],
        ),
        (59, ["mark", "number", "customer", "subject", "updated"]),
        (40, ["mark", "number", "subject", "updated"]),
    ],
)
def test_layout_drops_columns_and_gives_the_rest_to_the_subject(
    width: int, keys: list[str]
) -> None:
    columns = layout(width)
    assert [column.key for column, _ in columns] == keys
    assert sum(cells for _, cells in columns) + len(columns) - 1 == width
    assert dict((column.key, cells) for column, cells in columns)["subject"] >= SUBJECT_MIN


def test_layout_widens_the_number_column_for_long_numbers() -> None:
    assert dict((column.key, cells) for column, cells in layout(120, 9))["number"] == 9
    assert dict((column.key, cells) for column, cells in layout(120, 5))["number"] == 5


def test_the_customer_narrows_before_due_and_sla_are_dropped() -> None:
    wide = dict((c.key, cells) for c, cells in layout(124))
    assert wide["customer"] == 16
    narrow = dict((c.key, cells) for c, cells in layout(79))
    assert "due" in narrow and "sla" in narrow and 10 <= narrow["customer"] < 16
    assert narrow["subject"] >= SUBJECT_MIN
    assert "sla" not in dict((c.key, n) for c, n in layout(120, data={"sla": 0}))


def test_fit_cuts_pads_and_counts_cells() -> None:
    assert fit("abc", 5) == "abc  "
    assert fit("abc", 5, align="right") == "  abc"
    assert fit("abcdef", 4) == "abc…"
    assert fit("abcdef", 4, ellipsis="") == "abcd"
    assert fit("日本語テキスト", 6) == "日本 …"  # wide characters: 2 cells each
    assert fit("a\tb\x1bc", 5) == "a bc "


@pytest.mark.parametrize(
    ("seconds", "text"),
    [
        (-30, "now"),
        (59, "now"),
        (60, "1m"),
        (3599, "59m"),
        (3600, "1h"),
        (86399, "23h"),
        (86400, "1d"),
        (6 * 86400, "6d"),
        (7 * 86400, "1w"),
        (364 * 86400, "52w"),
        (365 * 86400, "1y"),
        (3 * 365 * 86400, "3y"),
    ],
)
def test_age(seconds: float, text: str) -> None:
    assert age(seconds) == text


# -- snapshots -----------------------------------------------------------------------------


@pytest.mark.parametrize("size", [(80, 24), (120, 40)], ids=["80x24", "120x40"])
async def test_snapshot(size: tuple[int, int], svg_snapshot: SnapshotAssertion) -> None:
    rows = SEED + [
        row(i, subject=f"Follow-up call about ticket {i}", updated_ts=NOW - i * 3000)
        for i in range(6, 60)
    ]
    app = ListApp(rows)
    async with app.run_test(size=size) as pilot:
        await pilot.pause()
        ticket_list = app.query_one(TicketList)
        ticket_list.focus()
        ticket_list.set_unseen({2, 5})
        ticket_list.set_timer_ticket(3)
        await pilot.press("j", "j")
        await pilot.pause()
        assert app.export_screenshot() == svg_snapshot
