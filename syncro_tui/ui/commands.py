"""Command palette (ctrl+p): every action on the main screen, and "Go to ticket #N"."""

from __future__ import annotations

from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider

ACTIONS = [
    ("Refresh now", "refresh", "Reload the open queue from Syncro"),
    ("Filter the list", "filter", "Type to narrow by number, subject, customer, status"),
    ("View: open tickets", "view_open", "All open tickets"),
    ("View: my tickets", "view_mine", "Open tickets assigned to you"),
    ("View: pick a view", "views", "Open, mine, by status, by customer, search"),
    ("Search all tickets on the server", "search", "Reaches closed and old tickets"),
    ("Customer search", "customer", "Autocomplete a customer; see their tickets and contacts"),
    ("Go to ticket number", "goto", "Jump to a ticket by number"),
    ("Change status", "status", "Of the highlighted ticket"),
    ("Assign technician", "assign", "Of the highlighted ticket"),
    ("Change priority", "priority", "Of the highlighted ticket"),
    ("Resolve ticket", "resolve", "Warns about timers; offers a session log"),
    ("New ticket", "new_ticket", "Customer, contact, subject, ..."),
]


class TicketCommands(Provider):
    """Actions run on the main screen; numbers offer a jump to that ticket."""

    def _main(self):
        from syncro_tui.ui.screens.main import MainScreen

        for screen in reversed(self.app.screen_stack):
            if isinstance(screen, MainScreen):
                return screen
        return None

    def _run(self, action: str) -> None:
        main = self._main()
        if main is not None:
            getattr(main, f"action_{action}")()

    def _goto(self, number: str) -> None:
        main = self._main()
        if main is not None:
            main.goto_number(number)

    async def discover(self) -> Hits:
        for title, action, help_text in ACTIONS:
            yield DiscoveryHit(title, partial(self._run, action), help=help_text)

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        number = query.strip().lstrip("#").strip()
        if number.isdigit():
            known = next((r for r in self.app.store.tickets.values() if r.number == number), None)
            label = f"Go to ticket #{number}" + (f"  {known.subject}" if known else "")
            yield Hit(1.0, label, partial(self._goto, number), text=label)
        for title, action, help_text in ACTIONS:
            score = matcher.match(title)
            if score > 0:
                yield Hit(
                    score, matcher.highlight(title), partial(self._run, action), help=help_text
                )
