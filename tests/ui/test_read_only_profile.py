"""The read-only profile on screen: no write in footer, help or palette; pressed, a note."""

from __future__ import annotations

from textual.widgets import Footer

from syncro_tui.ui import actions
from syncro_tui.ui.screens.help import binding_rows
from tests.ui.conftest import settle
from tests.ui.helpers import main_screen, notifications

WRITE_KEYS = {a.key for a in actions.MAIN_SCREEN if a.writes}


def footer_keys(app) -> set[str]:
    screen = main_screen(app)
    return {
        key
        for key, active in screen.active_bindings.items()
        if active.binding.show and active.enabled
    }


async def test_read_only_hides_every_write_and_sends_nothing(make_app, sandbox):
    app = make_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.query_one(Footer)
        shown = footer_keys(app)
        assert shown and not (shown & WRITE_KEYS)
        assert "r" in shown  # reading stays
        before = len(sandbox.requests)
        for key in ("s", "a", "p", "x", "n", "c", "b", "t", "T"):
            await pilot.press(key)
            await settle(pilot)
            assert app.screen is main_screen(app), f"{key} opened {app.screen!r}"
        writes = [r for r in sandbox.requests[before:] if r.method != "GET"]
        assert writes == []
        notes = [n for n in notifications(app) if n.startswith("Read-only profile: writing is off")]
        assert len(notes) == 9
        # help lists no write, and says why
        await pilot.press("question_mark")
        await settle(pilot)
        text = "\n".join(str(w.content) for w in app.screen.query("Static"))
        assert "Read-only profile" in text
        await pilot.press("escape")
        await settle(pilot)


async def test_read_only_palette_offers_no_write(make_app):
    from syncro_tui.ui.commands import TicketCommands

    app = make_app(read_only=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = TicketCommands(app.screen)
        titles = [hit.text for hit in [h async for h in provider.discover()]]
        assert "Refresh now" in titles
        assert not {"Change status", "Comment on the ticket", "Bill time"} & set(titles)


def test_help_rows_without_writes():
    everything = {bid for _, _, bid in binding_rows({})}
    reading = {bid for _, _, bid in binding_rows({}, read_only=True)}
    assert actions.write_action_ids() <= everything
    assert not actions.write_action_ids() & reading
    assert "refresh" in reading


async def test_writable_profile_keeps_the_write_keys(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert {"s", "c", "b"} <= footer_keys(app)
