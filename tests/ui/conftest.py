"""UI fixtures: the app against an in-process sandbox, on a frozen clock, in UTC."""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime

import pytest
from syrupy.assertion import SnapshotAssertion

from tests.support.svg import TextualSVG


@dataclass(frozen=True)
class Notice:
    message: str
    title: str
    severity: str


def spy_on_notify(app) -> list[Notice]:
    """Every notification the app shows, in order (Textual drops expired toasts)."""
    seen: list[Notice] = []
    real = app.notify

    def notify(message, *, title: str = "", severity: str = "information", **kw):
        seen.append(Notice(str(message), title, severity))
        return real(message, title=title, severity=severity, **kw)

    app.notify = notify
    return seen


NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC).timestamp()


@pytest.fixture(autouse=True)
def utc(monkeypatch):
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture(autouse=True)
def steady_cursors(monkeypatch):
    """Cursors never blink in tests: a screenshot taken on a slow machine half a second later
    than usual must show the same picture (a blinking cursor made snapshots flaky)."""
    from textual.widgets import Input, TextArea

    def input_cursor_stays(self) -> None:
        self._cursor_visible = True

    def area_cursor_stays(self) -> None:
        return None

    monkeypatch.setattr(Input, "_toggle_cursor", input_cursor_stays)
    monkeypatch.setattr(TextArea, "_toggle_cursor_blink_visible", area_cursor_stays)


@pytest.fixture
def svg_snapshot(snapshot: SnapshotAssertion) -> SnapshotAssertion:
    return snapshot.use_extension(TextualSVG)


class Clock:
    def __init__(self, now: float = NOW) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def sandbox(clock):
    from syncro_tui.sandbox import Sandbox

    sb = Sandbox(clock=clock, tickets=120)
    yield sb
    # A request the sandbox itself failed on is answered 500 like Rails would, which a test
    # could mistake for Syncro's behaviour: it is a bug in the fake, so say so here.
    assert not sb.internal_errors, sb.internal_errors[0]


@pytest.fixture
def make_app(sandbox, clock, tmp_path, monkeypatch):
    """Build the app on the sandbox. poll_seconds is huge so only explicit polls run."""

    def factory(
        *, cache: bool = False, plain: bool = False, sandbox_=None, limiter=None, **overrides
    ):
        from dataclasses import replace

        from syncro_tui.api.ratelimit import RateLimiter
        from syncro_tui.config import load_settings
        from syncro_tui.demo import SandboxBackend
        from syncro_tui.launch import build_app

        settings = load_settings(env={}).with_overrides(
            poll_seconds=3600, session_log_dir=str(tmp_path / "logs")
        )
        settings = settings.with_overrides(
            ui=replace(settings.ui, plain=plain, detail_debounce_ms=0), **overrides
        )
        limiter = limiter or RateLimiter(settings.requests_per_minute)
        app = build_app(
            settings,
            demo=True,
            backend=SandboxBackend(sandbox_ or sandbox),
            cache=cache,
            clock=clock,
            limiter=limiter,
            bell=False,
        )
        app.notices = spy_on_notify(app)
        return app

    from syncro_tui.core.outbox import Outbox

    # Verification waits a few seconds for a slow server to finish; not in tests.
    monkeypatch.setitem(Outbox.__init__.__kwdefaults__, "settle_seconds", 0.0)
    return factory


async def settle(pilot, timeout: float = 15.0) -> None:
    """Wait until the app is idle: workers done, or waiting for the user in a modal.

    A write flow's worker stays alive while its modal waits for a key, so "idle" means every
    unfinished worker is such a flow and a modal is on top.
    """
    import asyncio

    from textual.screen import ModalScreen

    app = pilot.app
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while True:
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        waiting_for_user = isinstance(app.screen, ModalScreen)
        if not busy or (waiting_for_user and all(w.group == "write" for w in busy)):
            break
        if loop.time() > deadline:
            raise AssertionError(
                f"app did not settle: {[(w.name, w.group, w.state) for w in busy]}"
            )
        await asyncio.sleep(0.01)
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()
