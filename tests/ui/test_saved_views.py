"""Saved views: [[views]] from the config on keys 1-9 as tabs with counts; the account's
saved searches in `v`."""

from __future__ import annotations

import pytest
from textual.widgets import Static

from syncro_tui.config import ConfigError, load_settings
from syncro_tui.ui.screens.dialogs import PickModal
from tests.ui.conftest import settle
from tests.ui.helpers import listing, main_screen

VIEWS = (
    {"name": "Replies", "status": "reply"},
    {"name": "Mine urgent", "assignee": "me", "query": "p:1", "sort": "-due"},
)


async def test_number_keys_open_saved_views_with_counts_in_tabs(make_app):
    app = make_app(views=VIEWS)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = list(app.store.tickets.values())
        replies = [r for r in rows if r.status == "Customer Reply"]
        me = app.store.me.user_id
        # p:1 is the priority's level: "1 High" and the legacy "High" beside it
        urgent = [r for r in rows if r.user_id == me and r.priority in ("1 High", "High")]
        tabs = str(main_screen(app).query_one("#view-tabs", Static).render())
        assert f"1 Replies {len(replies)}" in tabs and f"2 Mine urgent {len(urgent)}" in tabs
        await pilot.press("1")
        await settle(pilot)
        lst = listing(app)
        assert {lst.row_at(i).id for i in range(lst.visible_count)} == {r.id for r in replies}
        title = str(main_screen(app).query_one("#list-title", Static).render())
        assert title.startswith(f"Replies ({len(replies)})")
        await pilot.press("2")
        await settle(pilot)
        dues = [lst.row_at(i).due_date for i in range(lst.visible_count)]
        assert {lst.row_at(i).id for i in range(lst.visible_count)} == {r.id for r in urgent}
        assert "by due (reversed)" in str(main_screen(app).query_one("#list-title").render())
        assert [d for d in dues if d] == sorted((d for d in dues if d), reverse=True)
        await pilot.press("9")  # not configured: says how
        await settle(pilot)


async def test_saved_searches_of_the_account_are_offered_in_v(make_app, monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        asked = []
        app.session.saved_searches = [(77, "Printers this week")]
        real_search = app.session.search

        async def search(**filters):
            asked.append(filters)
            return (await real_search(query="printer"))[:3]

        monkeypatch.setattr(app.session, "search", search)
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PickModal)
        labels = [c[1] for c in app.screen._choices]
        index = labels.index("Saved search: Printers this week")
        app.screen.query_one("OptionList").highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert asked == [{"ticket_search_id": 77}]
        assert main_screen(app).view.label.startswith("Saved search: Printers this week")


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ('[[views]]\nstatus = "New"\n', "needs a name"),
        ('[[views]]\nname = "x"\nsort = "size"\n', "sort must be one of"),
        ('[[views]]\nname = "x"\ncolour = "red"\n', "unknown keys colour"),
    ],
)
def test_bad_views_in_the_config_say_what_to_fix(tmp_path, toml, message):
    path = tmp_path / "config.toml"
    path.write_text(toml)
    with pytest.raises(ConfigError, match=message):
        load_settings(path, env={})


def test_views_are_read_from_the_config(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text('[[views]]\nname = "Replies"\nstatus = ["reply", "New"]\nsort = "-due"\n')
    assert load_settings(path, env={}).views == (
        {"name": "Replies", "status": ["reply", "New"], "sort": "-due"},
    )
