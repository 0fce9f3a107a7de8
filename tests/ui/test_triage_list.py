"""The list shows what matters: status kinds, due, me, sort, title, filter terms, legend."""

from __future__ import annotations

from datetime import date

from textual.widgets import Static

from syncro_tui.core.priorities import level
from syncro_tui.ui.screens.help import HelpScreen
from tests.ui.conftest import settle
from tests.ui.helpers import burst, listing, main_screen, screen_text


def title(app) -> str:
    return str(main_screen(app).query_one("#list-title", Static).render())


async def test_title_says_view_count_sort_and_filter(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        total = listing(app).visible_count
        assert title(app) == f"Open ({total})"
        await pilot.press("m")
        await settle(pilot)
        mine = listing(app).visible_count
        assert title(app) == f"Open · mine ({mine})" and 0 < mine < total
        await pilot.press("O", "O")  # updated -> created -> priority
        assert title(app) == f"Open · mine ({mine}) · by priority"
        burst(app, "/print")
        await settle(pilot)
        count = listing(app).visible_count
        assert title(app) == f'Open · mine ({count}) · by priority · "print"'


async def test_sort_cycles_reverses_and_is_kept_per_view(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        await pilot.press("O", "O")  # priority
        shown = [lst.row_at(i).priority for i in range(lst.visible_count)]
        account = app.store.priorities
        assert "High" in shown and "1 High" in shown  # the demo's mixed priorities
        levels = [level(p, account) for p in shown]
        known = [lv for lv in levels if lv is not None]
        assert known == sorted(known) and known[0] == 0  # urgent first
        assert shown.index("High") < shown.index("2 Normal")  # "High" ranks with "1 High"
        assert not shown[-1]  # no priority last
        await pilot.press("R")
        assert [lst.row_at(i).priority for i in range(lst.visible_count)] == shown[::-1]
        await pilot.press("m")
        await settle(pilot)
        assert "by" not in title(app)  # mine has its own order
        await pilot.press("o")
        await settle(pilot)
        assert title(app).endswith("by priority (reversed)")


async def test_status_short_forms_due_overdue_and_me(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("z")  # every column
        await settle(pilot)
        text = screen_text(app)
        header = text.splitlines()[0].split()
        assert header[:3] == ["#", "Status", "P"] and "Due" in header and "Upd" in header
        assert "Wait Cust" in text or "Cust Reply" in text
        assert "Waiting o…" not in text
        assert " me " in text
        lst = listing(app)
        overdue = next(
            i for i in range(1, 30) if "2026-11-20" > lst.row_at(i).due_date > ""
        )  # on screen, not under the cursor
        strip = lst.render_line(overdue + 1)
        days = (date(2026, 11, 20) - date.fromisoformat(lst.row_at(overdue).due_date)).days
        due = f"-{days}d" if days < 7 else f"-{days // 7}w"  # how long overdue, without colour
        segment = next(s for s in strip if s.text.strip() == due)
        red = lst.get_component_rich_style("ticket-list--overdue")
        assert segment.style.color == red.color


async def test_sla_breached_and_breaching_soon_show_in_words(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = listing(app)
        header = screen_text(app).splitlines()[0].split()
        assert "SLA" in header and "Due" in header  # at 80 columns too
        rows = [lst.row_at(i) for i in range(lst.visible_count)]
        late = next(i for i, r in enumerate(rows[:15]) if r.sla_state == "breached")
        strip = lst.render_line(late + 1)
        cell = next(s for s in strip if s.text.strip() == "late")
        assert cell.style.color == lst.get_component_rich_style("ticket-list--overdue").color
        lst.set_filter("sla:late")
        shown = [lst.row_at(i).id for i in range(lst.visible_count)]
        assert shown == [r.id for r in rows if r.sla_state == "breached"] and shown
        lst.set_filter("sla:soon")
        assert lst.visible_count == len([r for r in rows if r.sla_state])


async def test_filter_folds_text_and_takes_field_terms(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        rows = [lst.row_at(i) for i in range(lst.visible_count)]
        me = app.store.me.user_id
        for text, expected in [
            (
                "wifi",
                [r for r in rows if "wi-fi" in r.subject.lower() or "wifi" in r.subject.lower()],
            ),
            ("status:reply", [r for r in rows if r.status == "Customer Reply"]),
            ("@me", [r for r in rows if r.user_id == me]),
            ("p:1", [r for r in rows if r.priority in ("1 High", "High")]),
            ("due:overdue", [r for r in rows if r.due_date and r.due_date < "2026-11-20"]),
        ]:
            lst.set_filter(text)
            got = [lst.row_at(i).id for i in range(lst.visible_count)]
            assert got == [r.id for r in expected] and got, text
        lst.set_filter("@me status:reply")
        assert all(
            lst.row_at(i).user_id == me and lst.row_at(i).status == "Customer Reply"
            for i in range(lst.visible_count)
        )


async def test_draft_marker_and_the_legend(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(0)
        await pilot.press("c", *"half typed")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert screen_text(app).splitlines()[1][:4].endswith("✎")
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        from rich.console import Console

        from syncro_tui.ui.screens.help import legend as make_legend

        console = Console(width=100, record=True, file=open("/dev/null", "w"))  # noqa: SIM115
        console.print(make_legend(False))
        legend = console.export_text()
        for words in ("unsent draft", "customer spoke last", "timer", "overdue", "wait for us"):
            assert words in legend, words
        assert row.id in app.drafts.ticket_ids()
