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
