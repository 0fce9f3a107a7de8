"""The customer search never picks a customer found for half of what was typed: Down or
Enter typed inside the debounce waits for the matches of the whole text."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

from textual.widgets import OptionList

from syncro_tui.ui.screens.customer import CustomerSearchModal
from tests.ui.conftest import settle
from tests.ui.helpers import burst

ACORN = SimpleNamespace(id=1, display_name="Acorn Dental", contacts=[])
ACME = SimpleNamespace(id=2, display_name="Acme Plumbing", contacts=[])


class Directory:
    """A customer autocomplete whose answers for 'acme' wait until the test lets them go."""

    def __init__(self) -> None:
        self.queries: list[str] = []
        self.release = asyncio.Event()

    async def search(self, query: str) -> list:
        self.queries.append(query)
        if query == "acme":
            await self.release.wait()
        return [c for c in (ACORN, ACME) if c.display_name.casefold().startswith(query[:2])]

    async def contacts(self, customer_id: int) -> list:
        return []


async def wait_for(pilot, predicate, what: str) -> None:
    for _ in range(1000):
        await pilot.pause(0.01)
        if predicate():
            return
    raise AssertionError(f"never: {what}")


async def test_down_enter_typed_fast_never_picks_a_match_of_half_the_name(make_app):
    directory = Directory()
    picked: list = []
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        modal = CustomerSearchModal(search=directory.search, contacts=directory.contacts)
        app.push_screen(modal, picked.append)
        await pilot.pause()
        burst(app, "ac")
        await wait_for(pilot, lambda: modal.results_for == "ac", "matches for 'ac'")
        assert directory.queries == ["ac"]
        found = modal.query_one("#found", OptionList)
        assert found.highlighted == 0  # Acorn Dental, a match of the first two letters

        burst(app, ["m", "e", "down", "enter"])  # inside the debounce: no 'acme' matches yet
        await wait_for(pilot, lambda: len(directory.queries) == 2 or picked, "a lookup or a pick")
        await pilot.pause(0.05)
        assert picked == []  # Enter picked nothing from the 'ac' list (it had: Acorn Dental)
        assert directory.queries == ["ac", "acme"]
        assert app.screen is modal and not found.has_focus
        assert "Searching for 'acme'" in str(modal.query_one("#contacts").render())

        directory.release.set()
        await wait_for(pilot, lambda: modal.results_for == "acme", "matches for 'acme'")
        await wait_for(pilot, lambda: found.has_focus, "the list focused")
        assert directory.queries == ["ac", "acme"]  # Down and Enter spent one lookup
        await pilot.press("enter")
        await wait_for(pilot, lambda: picked, "a pick")
        assert picked == [ACME]
