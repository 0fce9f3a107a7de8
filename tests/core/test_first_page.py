"""A first start shows the first list page as soon as it is read (the rest of the walk still
settles the queue), and rows read before the technicians' names get them afterwards."""

from __future__ import annotations

import asyncio

import httpx

from syncro_tui.sandbox import Sandbox
from tests.core.test_variance import T0, make_session, open_ids  # noqa: F401  (fixture)


class HeldPages(httpx.AsyncBaseTransport):
    """The sandbox, with every ticket-list page after the first held until released."""

    def __init__(self, inner: httpx.AsyncBaseTransport) -> None:
        self.inner = inner
        self.release = asyncio.Event()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/tickets") and request.url.params.get("page") not in (
            None,
            "1",
        ):
            self.held += 1
            await self.release.wait()
        return await self.inner.handle_async_request(request)


async def test_the_first_page_shows_before_the_walk_ends_and_is_not_news(make_session):  # noqa: F811
    sb = Sandbox(clock=lambda: T0, tickets=600)
    session = make_session(sb)
    held = HeldPages(sb.transport())
    session.client._http._transport = held
    poll = asyncio.ensure_future(session.poll(force_full=True))
    for _ in range(200):
        await asyncio.sleep(0.01)
        if held.held:
            break
    store = session.store
    assert 0 < len(store.tickets) <= 100  # page 1, while the other pages wait
    assert not store.unseen_ids()  # a first run: nothing shown is news
    held.release.set()
    result = await poll
    assert result.full and set(store.tickets) == set(open_ids(sb))
    assert not store.unseen_ids()


async def test_rows_read_before_the_names_get_their_assignee(make_session):  # noqa: F811
    sb = Sandbox(clock=lambda: T0, tickets=120)
    session = make_session(sb)
    await session.poll(force_full=True)  # beside load_lists: the names may come later
    assigned = [r for r in session.store.tickets.values() if r.user_id]
    assert assigned
    await session.load_lists()
    for row in assigned:
        name = session.store.tickets[row.id].assignee
        assert name and name == session.users[row.user_id]
