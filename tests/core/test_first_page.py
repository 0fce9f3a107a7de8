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


async def test_due_times_read_before_the_accounts_zone_get_its_calendar_date(make_session):  # noqa: F811
    """A first start reads its first page before GET /settings answers (issue 14): a due
    *time* read then is dated in UTC until the account's zone is known, then in that zone;
    a bare due date is the same everywhere and stays."""
    from tests.api.fixtures.shapes import LIST_TICKET

    sb = Sandbox(clock=lambda: T0, tickets=20)  # America/Los_Angeles
    session = make_session(sb)
    items = [
        {**LIST_TICKET, "id": 99001, "due_date": "2026-12-31T04:00:00Z"},  # LA: the 30th
        {**LIST_TICKET, "id": 99002, "due_date": "2026-12-31"},
        {**LIST_TICKET, "id": 99003, "due_date": "2026-12-31T20:00:00Z"},  # LA: the 31st
    ]
    rows = session._page_rows(items)
    assert [r.due_date for r in rows] == ["2026-12-31"] * 3
    session.store.apply_tickets(rows, full=False)
    still_walking = session._page_rows([{**items[0], "id": 99005}])  # a later page
    await session.load_lists()
    session.store.apply_tickets(still_walking, full=False)  # the walk's end puts it in
    session._rezone_due_dates(walk_done=True)
    assert session.store.tickets[99005].due_date == "2026-12-30"
    held = session.store.tickets
    assert [held[i].due_date for i in (99001, 99002, 99003)] == [
        "2026-12-30",
        "2026-12-31",
        "2026-12-31",
    ]
    later = session._page_rows([{**items[0], "id": 99004}])  # the zone is known now
    assert later[0].due_date == "2026-12-30"
