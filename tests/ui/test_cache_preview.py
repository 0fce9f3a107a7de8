"""A warm start of a big queue paints from part of its cache (issue 14): the first frame is
exactly what the whole queue shows, and every key waits for the rest."""

from __future__ import annotations

import pytest

from syncro_tui.core import triage
from syncro_tui.core.backend import NoKeyError
from syncro_tui.core.cache import TicketCache
from syncro_tui.core.rows import TicketRow
from syncro_tui.demo import SandboxBackend
from syncro_tui.ui import app as app_module
from tests.ui.conftest import NOW, settle
from tests.ui.helpers import burst, listing, main_screen, screen_text

TOTAL = 60
FIRST = 20  # the preview's first rows: at least a screen (the list shows 16 at 120x20)
SIZE = (120, 20)


def cached_rows() -> list[TicketRow]:
    """Newest first by id; what sets a column's width is only in rows far below the first
    screen: the longest number, customer and assignee, the only due date and SLA state, and
    a status no other row has."""
    rows = []
    for i in range(1, TOTAL + 1):
        deep = i <= 20  # the oldest activity: at the bottom of the list
        rows.append(
            TicketRow(
                id=i,
                number=str(1000 + i) if i != 3 else "1234567",
                subject=f"{'deep' if deep else 'top'} ticket {i}",
                status="New" if i != 5 else "Waiting on Vendor Parts",
                priority="2 Normal",
                customer_name="Acme" if i != 7 else "Extraordinarily Long Customer Name Ltd",
                assignee="Bob" if i != 9 else "Maximiliana Wolff-Baumgartner",
                user_id=12,
                created_at="2026-11-01T10:00:00Z",
                updated_at=f"2026-11-20T10:{i:02d}:00Z",
                updated_ts=NOW - 3600 + i * 10.0,
                due_date="2026-11-25" if i == 11 else "",
                sla_state="breached" if i == 13 else "",
            )
        )
    return rows


class NoNetwork(SandboxBackend):
    """Only the cache: the list shows what it holds (the key is "missing")."""

    async def connect(self, settings):
        raise NoKeyError("no network in this test")


@pytest.fixture
def warm(make_app, sandbox, monkeypatch):
    """An app whose cache holds ``cached_rows`` and whose network never answers."""
    monkeypatch.setattr(app_module, "preview_rows", lambda: FIRST)
    first = make_app(cache=True)
    path = first.cache.path
    first.cache.close()
    with TicketCache(path) as cache:
        cache.save_rows(cached_rows())

    def build(**overrides):
        app = make_app(cache=True, **overrides)
        app.backend = NoNetwork(sandbox)
        return app

    return build


def frame(app) -> dict:
    widget = listing(app)
    return {
        "lines": screen_text(app),
        "title": str(main_screen(app).query_one("#list-title").content),
        "scroll range": widget.virtual_size,
        "count": widget.visible_count,
        "highlighted": widget.highlighted_id,
    }


async def test_the_first_frame_of_a_preview_is_the_whole_queues(warm, monkeypatch):
    previews: list[tuple[int, dict]] = []
    real_rest = app_module.SyncroApp._load_cache_rest

    def rest(self):
        if self._cache_rest:
            previews.append((len(self.store.tickets), frame(self)))
        real_rest(self)

    monkeypatch.setattr(app_module.SyncroApp, "_load_cache_rest", rest)
    app = warm()
    async with app.run_test(size=SIZE) as pilot:
        await settle(pilot)
        whole = frame(app)
        assert len(app.store.tickets) == TOTAL
    [(held, first)] = previews
    assert held < TOTAL // 2  # painted from part of the cache ...
    assert first == whole  # ... and it looked exactly like the whole queue
    assert whole["title"] == f"Open ({TOTAL})"
    header = whole["lines"].splitlines()[0].split()
    assert "Due" in header and "SLA" in header  # shown for one deep row each

    # the same as a start that reads every row first (no preview)
    monkeypatch.setattr(app_module, "preview_rows", lambda: TOTAL)
    previews.clear()
    full = warm()
    assert len(full.store.tickets) == TOTAL
    async with full.run_test(size=SIZE) as pilot:
        await settle(pilot)
        assert frame(full) == whole
    assert not previews


async def test_keys_typed_before_the_rest_is_in_see_every_row(warm, monkeypatch):
    """A burst typed as the first frame shows (`/deep`, Enter, Down) waits for the rest of
    the cache and then filters every row, as if the app had read them all first."""
    arrived: list[int] = []
    real_mount = app_module.SyncroApp.on_mount

    def on_mount(self):
        real_mount(self)
        real_key = self.typeahead.key

        async def key(event):
            arrived.append(len(self.store.tickets))
            await real_key(event)

        self.typeahead.key = key
        burst(self, ["slash", *"deep", "enter", "down"])

    monkeypatch.setattr(app_module.SyncroApp, "on_mount", on_mount)
    real_rest = app_module.SyncroApp._load_cache_rest

    def rest_later(self):  # a slow disk: keys would have run on the part long before
        self.set_timer(0.5, lambda: real_rest(self))

    monkeypatch.setattr(app_module.SyncroApp, "_load_cache_rest", rest_later)
    app = warm()
    async with app.run_test(size=SIZE) as pilot:
        for _ in range(200):
            await pilot.pause(0.02)
            if len(app.store.tickets) == TOTAL:
                break
        await settle(pilot)
        assert arrived and max(arrived) < TOTAL  # every key came before the rest was in
        widget = listing(app)
        rows = [app.store.tickets[i] for i in app.store.ordered_ids()]
        match = triage.matcher("deep", me=None, priorities=(), today=None)
        expected = [r.id for r in rows if match(r, triage.fold(r.search_text()))]
        assert len(expected) == 20
        assert [widget.row_at(i).id for i in range(widget.visible_count)] == expected
        assert str(main_screen(app).query_one("#list-title").content) == 'Open (20) · "deep"'
        assert widget.highlighted_id == expected[1]


async def test_saved_views_and_closed_statuses_read_the_whole_cache_first(warm):
    """Their first frame needs every row: saved views' tabs count them all; a closed status
    in the cache (the setting changed) drops rows, so the count of a part would be wrong."""
    assert len(warm().store.tickets) < TOTAL  # (the preview)
    views = [{"name": "Mine", "query": "@me"}]
    assert len(warm(views=views).store.tickets) == TOTAL
    closed = ("Resolved", "Waiting on Vendor Parts")
    assert len(warm(closed_statuses=closed).store.tickets) == TOTAL - 1
