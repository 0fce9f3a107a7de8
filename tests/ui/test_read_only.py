"""A data folder that cannot be written: the TUI reads, says "read-only", and sends nothing."""

from __future__ import annotations

from tests.ui.conftest import settle
from tests.ui.helpers import notifications

REASON = (
    "Read-only: nothing can be sent, because the write journal cannot be saved. Cannot write to /x."
)


async def test_read_only_reads_the_queue_and_refuses_every_write(make_app, sandbox):
    app = make_app()
    app.read_only = REASON
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.store.tickets  # reading works
        assert "read-only" in app.header_state().attribution_warning
        for key in ("c", "b", "s", "t", "x", "n"):
            await pilot.press(key)
            await settle(pilot)
            assert type(app.screen).__name__ == "MainScreen", key
        assert notifications(app).count(REASON) == 6
    assert sandbox.count("POST", "*") == 0 and sandbox.count("PUT", "*") == 0
