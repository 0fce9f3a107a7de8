"""Cache-first start (issue 5): the last queue paints before the network answers."""

from __future__ import annotations

import asyncio

from syncro_tui.demo import SandboxBackend
from tests.ui.conftest import settle
from tests.ui.helpers import listing, screen_text


class GatedBackend(SandboxBackend):
    """Connects only when the test opens the gate: the network is 'slow'."""

    def __init__(self, sandbox) -> None:
        super().__init__(sandbox)
        self.gate = asyncio.Event()

    async def connect(self, settings):
        await self.gate.wait()
        return await super().connect(settings)


async def test_cached_queue_shows_before_the_first_poll_and_is_then_replaced(
    make_app, sandbox, clock
):
    first = make_app(cache=True)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        cached_count = listing(first).visible_count
        top = listing(first).row_at(0)
    requests_before = len(sandbox.requests)
    sandbox.simulate_update(top.id, subject="Changed while you were away")
    second = make_app(cache=True)
    gated = GatedBackend(sandbox)
    second.backend = gated
    async with second.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        await pilot.pause()
        assert listing(second).visible_count == cached_count
        assert len(sandbox.requests) == requests_before  # painted from the cache alone
        assert "cached" in second.header_state().sync
        assert top.subject[:15] in screen_text(second)
        gated.gate.set()
        await settle(pilot)
        assert "Changed while you" in screen_text(second)
        assert "synced" in second.header_state().sync


async def test_a_corrupt_cache_is_ignored(make_app, sandbox):
    from syncro_tui.core.cache import cache_path

    app = make_app(cache=True)
    path = cache_path(app.settings.account)
    app.cache.close()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"this is not a database" * 100)
    app = make_app(cache=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert listing(app).visible_count > 0
        assert "synced" in app.header_state().sync


async def test_seen_marks_survive_a_restart(make_app, sandbox, clock):
    first = make_app(cache=True)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not first.store.unseen_ids()  # the very first load is not news
        clock.advance(60)
        new = sandbox.simulate_new_ticket(subject="Fresh ticket")
        first.poll()
        await settle(pilot)
        assert first.store.unseen(new.id)
    second = make_app(cache=True)
    async with second.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert second.store.unseen(new.id)
        await pilot.press("j", "k")
        assert listing(second).move_to_id(new.id)
        await pilot.pause(0.1)
        await settle(pilot)
        assert not second.store.unseen(new.id)
    third = make_app(cache=True)
    async with third.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not third.store.unseen(new.id)


async def test_the_highlighted_ticket_loads_its_detail_once_connected_after_a_cached_start(
    make_app, sandbox
):
    """From the cache the cursor rests on a ticket before there is a connection to ask: once
    connected its comments load, in the pane (wide) and full-screen after Enter (narrow)."""
    from tests.ui.helpers import detail_text

    first = make_app(cache=True)
    async with first.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        top = listing(first).row_at(0)
    for size in [(120, 40), (80, 24)]:
        app = make_app(cache=True)
        gated = GatedBackend(sandbox)
        app.backend = gated
        async with app.run_test(size=size) as pilot:
            await pilot.pause()
            await pilot.pause()
            assert listing(app).highlighted_id == top.id
            if size == (80, 24):
                await pilot.press("enter")
            gated.gate.set()
            await settle(pilot)
            assert app.store.detail_for(top.id) is not None, size
            assert "Comments" in detail_text(app), size
            assert "Loading details" not in detail_text(app), size


class HeldAccountTransport:
    """The sandbox, with GET /me and the account lists held until released."""

    HELD = ("/me", "/settings", "/tickets/settings", "/users")

    def __init__(self, inner) -> None:
        self.inner = inner
        self.release = asyncio.Event()
        self.held: list[str] = []

    async def handle_async_request(self, request):
        path = request.url.path.removeprefix("/api/v1")
        if path in self.HELD:
            self.held.append(path)
            await self.release.wait()
        return await self.inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self.inner.aclose()


class HeldAccountBackend(SandboxBackend):
    async def connect(self, settings):
        from dataclasses import replace

        connection = await super().connect(settings)
        self.transport = HeldAccountTransport(connection.transport)
        return replace(connection, transport=self.transport)


async def test_a_first_start_paints_the_first_page_before_me_and_the_lists(make_app, sandbox):
    """No cache: the first list page does not wait for GET /me or the account lists (issue
    14); they follow, the walk completes, and the technicians' names reach the rows."""
    app = make_app(cache=False)
    backend = HeldAccountBackend(sandbox)
    app.backend = backend
    async with app.run_test(size=(120, 40)) as pilot:
        for _ in range(300):
            await pilot.pause(0.01)
            if listing(app).visible_count:
                break
        assert listing(app).visible_count > 0
        assert not app._user_line
        assert set(backend.transport.held) <= {"/me"}  # the lists are asked after /me
        assert app.store.me is None
        backend.transport.release.set()
        await settle(pilot)
        assert app._user_line.startswith("Authenticated as") and app.store.me is not None
        closed = set(app.settings.closed_statuses)
        open_ids = {t.id for t in sandbox.state.tickets.values() if t.status not in closed}
        assert set(app.store.tickets) == open_ids
        assert "synced" in app.header_state().sync
        assigned = [r for r in app.store.tickets.values() if r.user_id]
        assert assigned and all(r.assignee for r in assigned)
        assert sandbox.count("GET", "/me") == 1
