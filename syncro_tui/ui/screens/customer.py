"""`u`: find a customer by typing (GET /customers/autocomplete) and see their contacts.

The modal gets its look-ups as functions, so it knows nothing about the client; typing is
debounced so a fast typist spends one request, not one per key.
"""

from __future__ import annotations

import textwrap
from collections.abc import Awaitable, Callable
from typing import Any

from rich.cells import cell_len
from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.timer import Timer
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from syncro_tui.api.errors import SyncroError
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.modal import BaseModal

DEBOUNCE = 0.3


def customer_lookups(
    app: Any,
) -> tuple[Callable[[str], Awaitable[list]], Callable[[int], Awaitable[list]]]:
    """The two look-ups, run as user actions through the app's session."""

    async def search(query: str) -> list:
        return await app.session.customer_autocomplete(query)

    async def contacts(customer_id: int) -> list:
        return await app.session.contacts(customer_id)

    return search, contacts


class ContactLines:
    """A customer's contacts, one per line: the name, then each way to reach them. A phone
    number or an email that does not fit goes whole onto the next line, under the first one,
    never back to the box's left edge (one longer than the box folds inside its column).
    ``str()`` is the plain text."""

    INDENT = 2

    def __init__(self, customer_name: str, contacts: list[Any]) -> None:
        self.heading = f"Contacts of {customer_name}:"
        self.lines: list[tuple[str, list[str]]] = []
        for c in contacts:
            ways = [clean(v) for v in (c.phone, c.mobile, c.email) if v]
            self.lines.append((clean(c.name or "") or "(no name)", [w for w in ways if w]))

    def __rich_console__(self, console: Any, options: Any) -> Any:
        width = max(options.max_width, 10)
        yield Text(self.heading, style="bold", overflow="fold")
        if not self.lines:
            yield Text(" " * self.INDENT + "(none)")
        for name, ways in self.lines:
            yield Text("\n".join(self._layout(name, ways, width)), overflow="fold")

    def _layout(self, name: str, ways: list[str], width: int) -> list[str]:
        lead = " " * self.INDENT + name
        col = cell_len(lead) + 2
        if col > width // 2:  # a long name: its ways go on the lines below it
            indent = " " * self.INDENT
            rows = textwrap.wrap(name, width, initial_indent=indent, subsequent_indent=indent)
            col = self.INDENT + 2
            line, used = " " * col, col
        else:
            rows, line, used = [], lead + "  ", col
        for way in ways:
            if used > col and used + 2 + cell_len(way) > width:  # whole onto the next line
                rows.append(line)
                line, used = " " * col, col
            elif used > col:
                line, used = line + "  ", used + 2
            while used + cell_len(way) > width:  # longer than the room left: fold it
                room = width - used
                rows.append(line + way[:room])
                line, used, way = " " * col, col, way[room:]
            line, used = line + way, used + cell_len(way)
        rows.append(line)
        return rows

    def __str__(self) -> str:
        body = ["  " + "  ".join([name, *ways]) for name, ways in self.lines] or ["  (none)"]
        return "\n".join([self.heading, *body])


class CustomerSearchModal(BaseModal[Any]):
    DEFAULT_CSS = """
    CustomerSearchModal OptionList { height: auto; max-height: 12; }
    CustomerSearchModal #contacts { height: auto; max-height: 8; color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("down", "to_list", "Results", show=False, id="customer.results"),
    ]

    def __init__(
        self, app: Any = None, *, search=None, contacts=None, title: str = "Find a customer"
    ) -> None:
        super().__init__()
        if search is None:
            search, contacts = customer_lookups(app)
        self._search, self._contacts = search, contacts
        self._title = title
        self._found: list[Any] = []
        self._timer: Timer | None = None
        self.results_for: str | None = None  # the query whose matches the list shows
        self._to_list_when_found: str | None = None  # Down/Enter came before its matches

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            yield Input(placeholder="Type part of a name (2+ letters)", id="query")
            yield OptionList(id="found")
            yield Static("", id="contacts")
            yield Label(
                Text("Type to search, Down to the results, Enter picks, Esc cancels"),
                classes="hint",
            )

    def on_mount(self) -> None:
        self.query_one("#query", Input).focus()

    @on(Input.Changed, "#query")
    def _typed(self, event: Input.Changed) -> None:
        if self._timer is not None:
            self._timer.stop()
        self._to_list_when_found = None  # still typing: the list waits for the next Down
        query = event.value.strip()
        if len(query) >= 2:
            self._timer = self.set_timer(DEBOUNCE, lambda: self.lookup(query))

    @on(Input.Submitted, "#query")
    def _submitted(self, event: Input.Submitted) -> None:
        self.action_to_list()

    @work(exclusive=True, group="customer-search", exit_on_error=False)
    async def lookup(self, query: str) -> None:
        try:
            found = await self._search(query)
        except SyncroError as exc:
            self._to_list_when_found = None  # Down or Enter tries again
            self.query_one("#contacts", Static).update(Text(f"Search failed: {exc}"))
            return
        from syncro_tui.core.customers import label, rank

        ranked = rank(query, list(found))  # the typed name first; looser matches say why
        self._found = [m.customer for m in ranked]
        olist = self.query_one("#found", OptionList)
        olist.clear_options()
        olist.add_options([Option(Text(label(m))) for m in ranked])
        self.results_for = query
        if not self._found:
            self.query_one("#contacts", Static).update(Text(f"No customer matches {query!r}."))
        else:
            olist.highlighted = 0
            if self._to_list_when_found == query:
                olist.focus()
        if self._to_list_when_found == query:
            self._to_list_when_found = None

    def action_to_list(self) -> None:
        """Down or Enter: to the matches of what is typed. If the list still shows an
        earlier query's matches (typed fast, inside the debounce), look up now and go to
        the list when the matches of the whole text are in, so Enter never picks a customer
        found for half a name."""
        query = self.query_one("#query", Input).value.strip()
        if len(query) >= 2 and self.results_for != query:
            if self._to_list_when_found != query:
                if self._timer is not None:
                    self._timer.stop()
                self._to_list_when_found = query
                self.query_one("#contacts", Static).update(Text(f"Searching for {query!r}…"))
                self.lookup(query)
            return
        if self._found:
            self.query_one("#found", OptionList).focus()

    @on(OptionList.OptionHighlighted, "#found")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self._contacts is not None and 0 <= event.option_index < len(self._found):
            self.show_contacts(self._found[event.option_index])

    @work(exclusive=True, group="customer-contacts", exit_on_error=False)
    async def show_contacts(self, customer: Any) -> None:
        box = self.query_one("#contacts", Static)
        try:
            contacts = await self._contacts(customer.id)
        except SyncroError as exc:
            box.update(Text(f"Could not load contacts: {exc}"))
            return
        box.update(ContactLines(clean(customer.display_name), contacts or []))

    @on(OptionList.OptionSelected, "#found")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self._found[event.option_index])

    def action_cancel(self) -> None:
        self.dismiss(None)
