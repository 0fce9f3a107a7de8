"""Regenerate screenshots/*.svg from the demo, at 120x40 and 80x24.

    python screenshots/regenerate.py            # all scenes
    python screenshots/regenerate.py main help  # some

Runs the real app on the in-process sandbox with a frozen clock and a throwaway home folder,
drives it with keys like a user, and saves what the terminal shows.
"""

from __future__ import annotations

import asyncio
import os
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC).timestamp()
SIZES = ((120, 40), (80, 24))


async def settle(pilot) -> None:
    from textual.screen import ModalScreen

    app = pilot.app
    for _ in range(500):
        await pilot.pause()
        busy = [w for w in app.workers if not w.is_finished]
        if not busy or (
            isinstance(app.screen, ModalScreen) and all(w.group == "write" for w in busy)
        ):
            break
        await asyncio.sleep(0.01)
    await pilot.pause(0.35)  # debounced look-ups (detail, customer search)
    for widget in app.screen.query("Input, TextArea"):
        widget.cursor_blink = False
    await pilot.pause()


async def keys(pilot, *presses: str) -> None:
    for press in presses:
        await pilot.press(press)
        await settle(pilot)


Scene = Callable[[object], Awaitable[None]]


async def _nothing(pilot) -> None:
    await keys(pilot, "j", "j")


async def _detail(pilot) -> None:
    await keys(pilot, "enter" if pilot.app.size.width < 100 else "tab")


async def _type(pilot, text: str) -> None:
    await pilot.press(*text)
    await settle(pilot)


async def _status_preview(pilot) -> None:
    await keys(pilot, "s", "down", "enter")


async def _customer(pilot) -> None:
    await keys(pilot, "u")
    await _type(pilot, "dent")
    await keys(pilot, "down")


async def _new_ticket(pilot) -> None:
    await keys(pilot, "n")
    await _type(pilot, "dent")
    await keys(pilot, "down", "enter")
    await _type(pilot, "Printer offline again")


async def _comment(pilot) -> None:
    await keys(pilot, "c")
    await keys(pilot, "tab")
    await _type(pilot, "Rebooted the print server; queue is moving again.")


async def _comment_preview(pilot) -> None:
    await _comment(pilot)
    await keys(pilot, "f2")


async def _bill(pilot) -> None:
    await keys(pilot, "b")
    await _type(pilot, "45")


async def _timer_stop(pilot) -> None:
    await keys(pilot, "t")
    pilot.app.clock.advance(47 * 60)
    await keys(pilot, "t")


async def _palette(pilot) -> None:
    await keys(pilot, "ctrl+p")
    await _type(pilot, "status")


SCENES: dict[str, Scene] = {
    "main": _nothing,
    "detail": _detail,
    "filter": lambda p: _filter(p),
    "help": lambda p: keys(p, "question_mark"),
    "palette": _palette,
    "views": lambda p: keys(p, "v"),
    "status": lambda p: keys(p, "s"),
    "preview": _status_preview,
    "goto": lambda p: keys(p, "number_sign"),
    "customer": _customer,
    "new-ticket": _new_ticket,
    "comment": _comment,
    "comment-preview": _comment_preview,
    "bill": _bill,
    "timer-stop": _timer_stop,
    "write-log": lambda p: _write_log(p),
}


async def _write_log(pilot) -> None:
    """One status change sent (s, pick, y), then the log."""
    await keys(pilot, "s", "down", "enter", "y")
    await keys(pilot, "w")


async def _filter(pilot) -> None:
    await keys(pilot, "slash")
    await _type(pilot, "dental")


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += seconds


async def shoot(name: str, scene: Scene, size: tuple[int, int]) -> Path:
    from syncro_tui.api.ratelimit import RateLimiter
    from syncro_tui.config import load_settings
    from syncro_tui.demo import SandboxBackend
    from syncro_tui.launch import build_app
    from syncro_tui.sandbox import Sandbox

    with tempfile.TemporaryDirectory() as home:
        os.environ["SYNCRO_TUI_HOME"] = home
        clock = Clock()
        settings = load_settings(env={}).with_overrides(poll_seconds=3600)
        settings = settings.with_overrides(ui=replace(settings.ui, detail_debounce_ms=10))
        app = build_app(
            settings,
            demo=True,
            backend=SandboxBackend(Sandbox(clock=clock)),
            cache=False,
            clock=clock,
            limiter=RateLimiter(150),
            bell=False,
        )
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            await scene(pilot)
            await settle(pilot)
            path = HERE / f"{name}-{size[0]}x{size[1]}.svg"
            path.write_text(app.export_screenshot(title=f"syncro-tui {name}"), encoding="utf-8")
    return path


def main(argv: list[str]) -> int:
    os.environ["TZ"] = "UTC"
    time.tzset()
    names = argv or list(SCENES)
    unknown = [n for n in names if n not in SCENES]
    if unknown:
        print(
            f"unknown scene(s): {', '.join(unknown)}; known: {', '.join(SCENES)}", file=sys.stderr
        )
        return 2
    for name in names:
        for size in SIZES:
            path = asyncio.run(shoot(name, SCENES[name], size))
            print(path.relative_to(HERE.parent))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
