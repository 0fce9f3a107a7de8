"""Copy the ticket number or web URL (OSC 52), open it in a browser where one exists."""

from __future__ import annotations

from syncro_tui.core.triage import can_open_browser, ticket_url
from syncro_tui.ui.screens.detail import DetailScreen
from tests.ui.conftest import settle
from tests.ui.helpers import listing, notifications


async def test_copy_number_and_url_from_the_list_and_the_detail(make_app, monkeypatch):
    monkeypatch.delenv("DISPLAY", raising=False)
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        row = listing(app).row_at(0)
        await pilot.press("y")
        assert app.clipboard == f"#{row.number}"
        await pilot.press("Y")
        assert app.clipboard == f"https://demo.syncromsp.com/tickets/{row.id}"
        await pilot.press("j", "enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        second = listing(app).row_at(1)
        await pilot.press("W")  # no browser over SSH: the URL is copied instead
        assert app.clipboard == f"https://demo.syncromsp.com/tickets/{second.id}"
        assert any("No browser" in n for n in notifications(app))


def test_url_and_browser_rules():
    assert (
        ticket_url("https://x.invalid/api/v1", "acme", 7) == "https://acme.syncromsp.com/tickets/7"
    )
    assert ticket_url("https://acme.syncromsp.com/api/v1", "", 7).endswith(
        "acme.syncromsp.com/tickets/7"
    )
    assert not can_open_browser({}, "linux")
    assert can_open_browser({"DISPLAY": ":0"}, "linux") and can_open_browser({}, "darwin")
