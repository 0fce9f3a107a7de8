"""Your own new ticket is not news: no "New ticket" toast, no unseen mark, and the cursor
moves to it once it is created (issue 10)."""

from __future__ import annotations

import re

from syncro_tui.core import writes
from tests.ui.conftest import settle
from tests.ui.helpers import listing

NEWS = re.compile(r"New ticket #|\d+ new tickets?")
"""A poll's news about new tickets (one ticket's line, or the count of several)."""


async def test_a_ticket_you_created_is_not_news_and_the_cursor_goes_to_it(make_app, sandbox, clock):
    customer = next(iter(sandbox.state.customers.values()))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        before = lst.highlighted_id
        intent = writes.new_ticket(
            customer_id=customer.id, subject="Our own new ticket", user_id=101, priority=""
        )
        assert await app.send_confirmed([intent])  # as the preview's `y` does
        await settle(pilot)
        app.refresh_now()  # the new-ticket flow polls at once
        await settle(pilot)
        new = max(sandbox.state.tickets.values(), key=lambda t: t.id)
        assert new.subject == "Our own new ticket"
        assert lst.highlighted_id == new.id != before
        assert new.id not in app.store.unseen_ids()
        news = [n.message for n in app.notices if NEWS.search(n.message)]
        assert not news, news
        # A ticket someone else creates meanwhile still is news.
        sandbox.state.create_ticket(
            clock(), customer_id=customer.id, subject="Theirs", user_id=None
        )
        app.refresh_now()
        await settle(pilot)
        theirs = max(sandbox.state.tickets.values(), key=lambda t: t.id)
        news = [n.message for n in app.notices if NEWS.search(n.message)]
        assert news == [f"New ticket #{theirs.number}: Theirs"]
        assert lst.highlighted_id == new.id  # the cursor stays on ours
