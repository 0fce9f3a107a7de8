"""Live updates inform instead of flooding: one notification per poll."""

from __future__ import annotations

from syncro_tui.core.triage import summarize_alerts
from tests.ui.conftest import settle
from tests.ui.helpers import listing, notifications


async def test_many_changes_in_one_poll_make_one_notification(make_app, sandbox, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        before = len(notifications(app))
        clock.advance(120)
        for i in range(5, 9):
            sandbox.simulate_customer_reply(lst.row_at(i).id, f"still broken {i}")
        for n in range(2):
            sandbox.simulate_new_ticket(subject=f"Outage number {n}")
        app.poll()
        await settle(pilot)
        news = notifications(app)[before:]
        assert news == ["4 customer replies, 2 new tickets"]
        assert len(app.store.unseen_ids()) >= 6  # the marks carry the detail


def test_summary_wording():
    assert summarize_alerts(["New ticket #9: Printer"]) == "New ticket #9: Printer"
    assert summarize_alerts(["Customer reply on #1: a", "New ticket #2: b"]) == (
        "1 customer reply, 1 new ticket"
    )


async def test_a_detail_that_disagrees_with_the_cached_row_still_shows(make_app, sandbox):
    from dataclasses import replace

    from tests.ui.helpers import detail_text

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        row = lst.row_at(4)
        # A cached row stamped later than the server's ticket (a restart, a clock, a format).
        newer = replace(row, updated_at="2099-01-01T00:00:00+00:00", updated_ts=4070908800.0)
        app.store.apply_tickets([newer], full=False)
        assert app.store.detail_for(row.id) is None
        lst.move_to_id(row.id)
        await pilot.pause(0.05)
        await settle(pilot)
        text = detail_text(app)
        assert "Comments" in text and "Loading details" not in text


async def test_a_cached_ticket_that_now_404s_leaves_the_list_with_a_note(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        row = lst.row_at(6)
        del sandbox.state.tickets[row.id]
        lst.move_to_id(row.id)
        await pilot.pause(0.05)
        await settle(pilot)
        assert row.id not in app.store.tickets
        assert row.id not in [lst.row_at(i).id for i in range(lst.visible_count)]
        assert any(f"#{row.number} is no longer in Syncro" in n for n in notifications(app))


async def test_after_a_resize_the_detail_shows_the_highlighted_ticket(make_app):
    from tests.ui.helpers import detail_text

    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("j", "j")
        await settle(pilot)
        number = listing(app).row_at(2).number
        await pilot.resize_terminal(120, 40)
        await pilot.pause(0.1)
        await settle(pilot)
        assert f"#{number}" in detail_text(app)


async def test_the_demo_starts_consistent_on_a_second_launch(tmp_path):
    from syncro_tui.config import load_settings
    from syncro_tui.core.cache import cache_path
    from syncro_tui.launch import build_app

    settings = load_settings(env={}).with_overrides(poll_seconds=3600)
    for launch in (1, 2):
        app = build_app(settings, demo=True, bell=False)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot, timeout=30)
            lst = listing(app)
            assert lst.visible_count > 0
            assert not app.store.unseen_ids(), launch  # nothing is news
            assert not any("Syncro" in n or "no longer" in n for n in notifications(app))
    assert cache_path("demo_sandbox").exists()
    assert not cache_path(
        settings.with_overrides(base_url="https://demo.syncromsp.com/api/v1").account
    ).exists()
