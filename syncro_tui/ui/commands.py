"""Command palette (ctrl+p): every action of the catalogue, and "Go to ticket #N"."""

from __future__ import annotations

from functools import partial
from typing import TYPE_CHECKING

from textual.command import DiscoveryHit, Hit, Hits, Provider

from syncro_tui.ui import actions

if TYPE_CHECKING:
    from syncro_tui.ui.screens.main import MainScreen

ACTIONS: list[tuple[str, str, str]] = [
    (action.title, action.action_string, action.description) for action in actions.palette_actions()
]
"""(what the palette lists, the action string run on the main screen, the help line)."""

READ_ONLY_ACTIONS: list[tuple[str, str, str]] = [
    (action.title, action.action_string, action.description)
    for action in actions.palette_actions(read_only=True)
]
"""The same for a read-only profile: no write."""


class TicketCommands(Provider):
    """Actions run on the main screen; numbers offer a jump to that ticket."""

    def _main(self) -> MainScreen | None:
        from syncro_tui.ui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    async def _run(self, action: str) -> None:
        main = self._main()
        if main is not None:
            await self.app.run_action(action, main)

    def _goto(self, number: str) -> None:
        main = self._main()
        if main is not None:
            main.goto_number(number)

    def _actions(self) -> list[tuple[str, str, str]]:
        read_only = bool(getattr(getattr(self.app, "settings", None), "read_only", False))
        return READ_ONLY_ACTIONS if read_only else ACTIONS

    async def discover(self) -> Hits:
        for title, action, help_text in self._actions():
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        number = query.strip().lstrip("#").strip()
        if number.isdigit():
            known = next(
                (r for r in self.app.store.tickets.values() if r.number == number),  # type: ignore[attr-defined]
                None,
            )
            label = f"Go to ticket #{number}" + (f"  {known.subject}" if known else "")
            yield Hit(1.0, label, partial(self._goto, number), text=label)
        for title, action, help_text in self._actions():
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
