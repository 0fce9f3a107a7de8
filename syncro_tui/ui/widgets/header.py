"""The status line at the top: account, who the key belongs to, sync state, budget, timer."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual.reactive import reactive
from textual.widget import Widget


@dataclass(frozen=True)
class HeaderState:
    account: str = ""
    user: str = ""  # "Authenticated as NAME" once /me answered
    attribution_warning: str = ""  # expected_user disagrees with /me
    sync: str = ""  # "synced 12 s ago", "offline, retrying in 20 s", ...
    sync_level: str = "ok"  # ok | warn | error
    spent: int = 0
    budget: int = 0
    budget_note: str = ""  # "3 sharing", "private": who shares the budget
    timer: str = ""  # "#1234 00:12:05"


def format_age(seconds: float) -> str:
    seconds = max(0, int(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min"
    if seconds < 86400:
        return f"{seconds // 3600} h"
    return f"{seconds // 86400} d"


def format_elapsed(seconds: float) -> str:
    seconds = max(0, int(seconds))
    return f"{seconds // 3600:02d}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


def budget_note(status) -> str:
    """Beside the meter: how many processes share the budget, or that it is a private one."""
    if status is None:
        return ""
    if status.degraded:
        return "fallback"
    if status.processes > 1:
        return f"{status.processes} sharing"
    return ""


def describe_sync(state, now: float) -> tuple[str, str]:
    """The header's words for a store ``SyncState``, and a level: ok, warn or error."""
    left = f"{max(0, int((state.retry_at or now) - now))} s"
    if state.phase == "auth_failed":
        return state.message or "key rejected: run syncro-tui login", "error"
    if state.phase == "rate_limited":
        return f"rate limited, waiting {left}", "warn"
    if state.phase == "offline":
        return f"{state.message or 'offline'}, retrying in {left}", "error"
    if state.from_cache:
        age = format_age(now - state.cached_at) if state.cached_at else "?"
        return f"cached ({age} old), syncing", "warn"
    if state.phase == "syncing":
        return "syncing", "ok"
    if state.last_synced is not None:
        return f"synced {format_age(now - state.last_synced)} ago", "ok"
    return "connecting", "ok"


class StatusHeader(Widget):
    """One line drawn from ``state`` (all API text goes in as plain Text).

    ``state`` follows the app's ``header_info`` reactive, which the app recomputes when the
    store's sync state or timer changes and once a second (ages, the timer's clock): the line
    is redrawn only when what it says changes.
    """

    state: reactive[HeaderState] = reactive(HeaderState, layout=False)

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "status-header--ok",
        "status-header--warn",
        "status-header--error",
        "status-header--timer",
    }
    """
    | Class | Styles |
    | :- | :- |
    | `status-header--ok` | A healthy sync line and a rate budget well within its limit. |
    | `status-header--warn` | Cached or slow sync, a budget nearing its limit. |
    | `status-header--error` | Offline, a budget at its limit, the attribution warning. |
    | `status-header--timer` | The running timer. |
    """

    DEFAULT_CSS = """
    StatusHeader {
        height: 1; background: $panel; color: $foreground;
        & > .status-header--ok { color: $success; }
        & > .status-header--warn { color: $warning; }
        & > .status-header--error { color: $error; text-style: bold; }
        & > .status-header--timer { color: $warning; text-style: bold; }
    }
    """

    def __init__(self, *, plain: bool = False, **kw) -> None:
        super().__init__(**kw)
        self._plain = plain

    def on_mount(self) -> None:
        self.refresh_state()  # the first paint already says what is known
        self.watch(self.app, "header_info", self._follow, init=True)

    def _follow(self, state: HeaderState) -> None:
        self.state = state

    def refresh_state(self) -> None:
        """Bring the line up to date now (the app recomputes its state)."""
        refresh = getattr(self.app, "refresh_header", None)
        if refresh is not None:
            refresh()

    def _style(self, level: str) -> Style:
        """The theme's style for ``level`` (ok, warn, error, timer): CSS, so every theme,
        the ANSI one and NO_COLOR apply."""
        return self.get_component_rich_style(
            f"status-header--{level}", partial=True, default=Style.null()
        )

    def render(self) -> Text:
        s = self.state
        sep = " | " if self._plain else " │ "
        text = Text(no_wrap=True, overflow="ellipsis")
        if self.size.width >= 100:
            text.append(" syncro-tui ", style="bold reverse")
            text.append(" ")
        text.append(s.account or "no account", style="bold")
        if s.user:
            text.append(sep)
            text.append(s.user)
        if s.attribution_warning:
            text.append(sep)
            text.append(s.attribution_warning, style=self._style("error"))
        if s.timer:
            text.append(sep)
            text.append(("T " if self._plain else "◷ ") + s.timer, style=self._style("timer"))
        if s.sync:
            text.append(sep)
            text.append(s.sync, style=self._style(s.sync_level))
        if s.budget:
            text.append(sep)
            ratio = s.spent / s.budget
            level = "ok" if ratio < 0.6 else "warn" if ratio < 0.9 else "error"
            text.append(f"{s.spent}/{s.budget} req/min", style=self._style(level))
            if s.budget_note:
                text.append(f" ({s.budget_note})", style="dim")
        return text
