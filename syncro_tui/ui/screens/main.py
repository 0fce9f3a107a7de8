"""The main screen: status header, ticket list, detail pane, filter line, footer."""

from __future__ import annotations

import logging
from typing import Any

from textual import events, on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.geometry import Size
from textual.reactive import reactive
from textual.timer import Timer
from textual.widgets import Input, Static

from syncro_tui.api.errors import SyncroError
from syncro_tui.core import triage
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean
from syncro_tui.ui import actions, views
from syncro_tui.ui.screens.base import BaseScreen
from syncro_tui.ui.widgets.detail import TicketDetailPane
from syncro_tui.ui.widgets.filter_box import DETAIL_WAIT, FilterBox
from syncro_tui.ui.widgets.footer import KeyFooter
from syncro_tui.ui.widgets.header import StatusHeader
from syncro_tui.ui.widgets.ticket_list import TicketList

UNASSIGN = object()  # the assignee picker's "nobody"
NARROW = 100  # below this many columns the detail opens full-screen on Enter

log = logging.getLogger("syncro_tui.ui")


class MainScreen(BaseScreen):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (NARROW, "-wide")]
    BINDINGS = actions.bindings(actions.MAIN_SCREEN)

    list_only: reactive[bool] = reactive(False)
    """`z`: the detail pane is hidden and the list gets every column (class -list-only)."""
    filtering: reactive[bool] = reactive(False)
    """The filter line is shown (class -active on #filter), even while it is empty."""

    def __init__(self) -> None:
        super().__init__()
        # Textual's breakpoint class for the terminal's width, given before the first
        # Resize: set by that Resize instead, it restyled the whole screen (every widget and
        # its component classes) right after the screen had been styled (issue 14)
        wide = self.app.size.width >= NARROW
        self.set_class(wide, "-wide", update=False).set_class(not wide, "-narrow", update=False)
        if self.app.settings.read_only or self.app.read_only:
            self._hide_writes()
        self.view: views.View = views.OPEN
        self._detail_timer: Timer | None = None
        self._detail_waits = False  # the timer above is set and has not fired
        self._target: tuple[int, TicketRow | None] | None = None  # act_on's ticket
        self._sorts: dict[str, tuple[str, bool]] = {}  # view label -> (sort key, reversed)
        self._unsubscribe: list[Any] = []
        self._touched = (
            False  # the technician has moved the cursor (not just the start-up highlight)
        )
        self._resumed = False  # (see on_screen_resume)

    # -- read-only profile -------------------------------------------------------------------

    def _hide_writes(self) -> None:
        """Write keys leave the footer; pressed anyway, ``_read_only_guard`` says why."""
        actions.hide_writes(self)

    def refuse_write(self) -> bool:
        """True (after a clear note) when this is a read-only profile."""
        if not self.app.settings.read_only:
            return False
        self.app.notify(actions.READ_ONLY_NOTE, title="Read-only", severity="warning", markup=False)
        return True

    def compose(self) -> ComposeResult:
        app = self.app
        plain = app.settings.ui.plain
        yield StatusHeader(plain=plain, id="status")
        with Horizontal(id="panes"):
            with Vertical(id="list-pane"):
                yield Static("", id="view-tabs", markup=False)
                yield Static("", id="list-title", markup=False)
                yield TicketList(now=app.clock, plain=plain, id="tickets")
            yield TicketDetailPane(plain=plain, id="detail")
        yield FilterBox(
            placeholder="Filter: words, status:reply  p:1  @me  due:overdue (Esc clears)",
            id="filter",
            follow=self._filter_to,
        )
        yield KeyFooter()

    @property
    def tickets(self) -> TicketList:
        return self.query_one("#tickets", TicketList)

    @property
    def detail(self) -> TicketDetailPane:
        return self.query_one("#detail", TicketDetailPane)

    def on_mount(self) -> None:
        store = self.app.store
        self._unsubscribe = [
            store.subscribe("tickets", self._tickets_changed),
            store.subscribe("detail", self._detail_changed),
            store.subscribe("timer", self._timer_changed),
            store.subscribe("account", self._account_changed),
        ]
        self._account_changed()
        self._tickets_changed()
        self._timer_changed()
        self.tickets.focus()

    def on_unmount(self) -> None:
        for unsubscribe in self._unsubscribe:
            unsubscribe()

    # -- store -> widgets ------------------------------------------------------------------

    def _rows(self) -> list[TicketRow]:
        store = self.app.store
        me = getattr(store.me, "user_id", None) if store.me is not None else None
        ordered = [store.tickets[i] for i in store.ordered_ids()]
        key, reverse = self.sort
        if self.view.kind == "saved":
            rows = list(filter(self._saved_test(self.view), ordered))
        else:
            rows = self.view.select(ordered, me)
        if key == "updated" and not reverse:
            return rows
        return triage.sort_rows(rows, key, reverse, store.priorities)

    @property
    def sort(self) -> tuple[str, bool]:
        """This view's order: (key, reversed); remembered per view (a saved view starts
        with its own ``sort``)."""
        default = ("updated", False)
        if self.view.spec is not None:
            wanted = str(self.view.spec.get("sort", "updated"))
            default = (wanted.lstrip("-"), wanted.startswith("-"))
        return self._sorts.get(self.view.label, default)

    def _saved_test(self, view: views.View) -> Any:
        from datetime import datetime

        store = self.app.store
        return triage.view_predicate(
            view.spec or {},
            me=getattr(store.me, "user_id", None),
            priorities=store.priorities,
            today=datetime.fromtimestamp(self.app.clock()).date(),
        )

    def _tabs(self) -> None:
        """The saved views as tabs with their counts: `1 Replies 7 | 2 Mine 12`."""
        from rich.text import Text

        tabs = self.query_one("#view-tabs", Static)
        saved = [views.saved(n, spec) for n, spec in enumerate(self.app.settings.views, 1)]
        tabs.display = bool(saved)
        if not saved:
            return
        rows = [self.app.store.tickets[i] for i in self.app.store.ordered_ids()]
        text = Text()
        for view in saved:
            count = sum(1 for _ in filter(self._saved_test(view), rows))
            if text:
                text.append(" | " if self.app.settings.ui.plain else " │ ")
            active = self.view.kind == "saved" and self.view.value == view.value
            text.append(f" {view.value} {view.label} {count} ", style="reverse" if active else "")
        tabs.update(text)

    def action_saved_view(self, number: int) -> None:
        specs = self.app.settings.views
        if not 1 <= number <= len(specs):
            self.notify(
                f"No view {number}: add [[views]] tables to the config (see config.example.toml).",
                severity="warning",
                markup=False,
            )
            return
        self.set_view(views.saved(number, specs[number - 1]))

    def _account_changed(self, *_: Any) -> None:
        store = self.app.store
        me = getattr(store.me, "user_id", None) if store.me is not None else None
        self.tickets.set_context(me=me, statuses=store.statuses, priorities=store.priorities)
        self.drafts_changed()
        # Connected at last (after a start from the cache): the ticket the cursor rests on
        # could not be fetched before.
        self._want_detail(self.tickets.highlighted_id)
        current = self.tickets.highlighted_id
        if current is not None and self.app.store.detail_for(current) is not None:
            self._show(current)  # shown before the account's zone came (a first start)

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        """Back from a form: its draft may have been kept or sent.

        (Runs before Textual's own handler.) The first resume, as the app starts, finds
        every widget styled at its mount a moment ago: Textual restyled the whole screen
        once more there, every widget and its component classes (issue 14)."""
        if not self._resumed:
            self._resumed = True
            event.refresh_styles = False
        self.drafts_changed()

    def drafts_changed(self) -> None:
        drafts = self.app.drafts
        if drafts is not None:
            self.tickets.set_drafts(drafts.ticket_ids())

    def _title(self) -> None:
        """`Open (37) · by priority · "print"`: where you are, how many, what narrows it."""
        listing = self.tickets
        parts = [f"{self.view.label} ({listing.visible_count})"]
        key, reverse = self.sort
        if (key, reverse) != ("updated", False):
            parts.append(f"by {key}" + (" (reversed)" if reverse else ""))
        if listing.filter_text:
            parts.append(f'"{listing.filter_text}"')
        # one line high and as wide as the pane (app.tcss): a new text never needs a layout
        self.query_one("#list-title", Static).update(" · ".join(parts), layout=False)

    def _tickets_changed(self, *_: Any) -> None:
        listing = self.tickets
        store = self.app.store
        # (the rest of a warm start's cache, counted before it is in: only the open queue)
        pending = store.pending if self.view.kind == "open" else 0
        listing.set_rows(self._rows(), pending=pending)
        listing.set_unseen(self.app.store.unseen_ids())
        if self.view.kind == "open" and not self.app.store.tickets:
            listing.set_empty_text(
                "Loading open tickets..." if self.app.session is None else "No open tickets"
            )
        else:
            listing.set_empty_text("No tickets in this view")
        self.sub_title = self.view.label
        self._title()
        self._tabs()

    def _timer_changed(self, *_: Any) -> None:
        timer = self.app.store.timer
        self.tickets.set_timer_ticket(timer.ticket_id if timer is not None else None)

    def _detail_changed(self, ticket_id: Any = None, *_: Any) -> None:
        current = self.tickets.highlighted_id
        if ticket_id is None or ticket_id == current:
            self._show(current)

    # -- detail ----------------------------------------------------------------------------

    def on_key(self, event: Any) -> None:
        self._touched = True

    def on_click(self, event: Any) -> None:
        self._touched = True

    @on(TicketList.Highlighted)
    def _highlighted(self, event: TicketList.Highlighted) -> None:
        """The pane follows the cursor once it rests: holding `j` repaints only the list."""
        if event.ticket_id is None:
            if self._detail_timer is not None:
                self._detail_timer.stop()
            self._detail_waits = False
            self._show(None)
            return
        self._rest_later(event.ticket_id)

    def _rest_later(self, ticket_id: int) -> None:
        """(Re)start the pane's wait for the cursor to rest on `ticket_id`."""
        if self._detail_timer is not None:
            self._detail_timer.stop()
        delay = max(0.01, self.app.settings.ui.detail_debounce_ms / 1000)
        if self.query_one("#filter", Input).has_focus:
            # typing a filter moves the cursor with every letter: the pane (a remount and a
            # layout of the screen, and maybe a request) waits until the typing rests
            delay *= DETAIL_WAIT
        self._detail_waits = True

        def rested() -> None:
            self._detail_waits = False
            self._rested_on(ticket_id)

        self._detail_timer = self.set_timer(delay, rested)

    def _row(self, ticket_id: int | None) -> TicketRow | None:
        if ticket_id is None:
            return None
        row = self.app.store.tickets.get(ticket_id)
        if row is None and self.view.rows is not None:
            row = next((r for r in self.view.rows if r.id == ticket_id), None)
        return row

    def watch_list_only(self, list_only: bool) -> None:
        self.set_class(list_only, "-list-only")
        if self.is_mounted:
            self.tickets.focus()
            if not list_only:
                self._show(self.tickets.highlighted_id)

    def watch_filtering(self, filtering: bool) -> None:
        if self.is_mounted:
            self.query_one("#filter", Input).set_class(filtering, "-active")

    def _show(self, ticket_id: int | None) -> None:
        # -narrow is Textual's breakpoint class (HORIZONTAL_BREAKPOINTS), not our state
        if self.has_class("-narrow") or self.list_only:
            return  # the pane is hidden; Enter opens the detail full-screen
        store = self.app.store
        row = self._row(ticket_id)
        if row is None:
            self.detail.show_nothing(
                "No ticket selected" if ticket_id is None else "Ticket not in this view"
            )
            return
        detail = store.detail_for(row.id)
        timer = store.timer
        running = timer is not None and timer.ticket_id == ticket_id
        if detail is not None:
            self.detail.show_detail(detail, timer_running=running)
        else:
            self.detail.show_row(row)

    def _rested_on(self, ticket_id: int) -> None:
        """The cursor stayed on a ticket: mark it seen and fetch its detail if not cached."""
        if self.tickets.highlighted_id != ticket_id:
            return
        self._show(ticket_id)
        store = self.app.store
        if self._touched and store.unseen(ticket_id):
            store.mark_seen(ticket_id)
            self.app.remember_seen(ticket_id)
            self.tickets.set_unseen(store.unseen_ids())
        self._want_detail(ticket_id)

    def _want_detail(self, ticket_id: int | None) -> None:
        """Fetch the ticket's detail unless it is cached (or there is no connection yet)."""
        if ticket_id is None or self.app.session is None:
            return
        if self.app.store.detail_for(ticket_id) is None:
            self.fetch_detail(ticket_id)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def fetch_detail(self, ticket_id: int) -> None:
        from syncro_tui.api.errors import NotFound

        try:
            await self.app.session.fetch_detail(ticket_id)
        except NotFound:
            self._gone(ticket_id)
        except SyncroError as exc:
            if self.tickets.highlighted_id == ticket_id:
                row = self._row(ticket_id)
                if row is not None:
                    self.detail.show_row(row, note=f"Could not load details: {exc}")

    def _gone(self, ticket_id: int) -> None:
        """A cached ticket that now 404s leaves the list, with a note."""
        row = self._row(ticket_id)
        if not self.app.store.forget(ticket_id):
            return
        if self.app.cache is not None:
            try:
                self.app.cache.remove([ticket_id])
            except Exception as exc:  # the cache is a convenience: the list is right already
                log.warning("ticket %s not removed from the cache: %s", ticket_id, exc)
        number = f"#{row.number}" if row is not None else f"Ticket {ticket_id}"
        self.notify(
            f"{number} is no longer in Syncro (deleted or merged); it left the list.",
            severity="warning",
            markup=False,
        )

    def _screen_resized(self, size: Size) -> None:
        """Textual lays the whole screen out again on every Resize the app passes on, also
        one of the size it was just laid out at: the terminal's size is reported twice at
        start (the driver's, then its own), and the first layout's own Resize of the screen
        comes back here too. A cold demo made three such layouts of the full screen before its
        first rows (issue 14), hello.py one. A size already laid out needs none: whatever
        changed meanwhile asked for its own layout, which the next frame makes."""
        if self._compositor.root is self and self._compositor.size == size:
            return
        super()._screen_resized(size)

    def on_resize(self) -> None:
        """Back to a width with the detail pane: show the highlighted ticket in it."""
        self.call_after_refresh(lambda: self._show(self.tickets.highlighted_id))

    def action_open_detail(self) -> None:
        ticket_id = self.tickets.highlighted_id
        if ticket_id is None:
            return
        if self.size.width < NARROW or self.list_only:
            from syncro_tui.ui.screens.detail import DetailScreen

            self.app.push_screen(DetailScreen(ticket_id, self._row(ticket_id), act_on=self.act_on))
            if not any(w.group == "detail" and not w.is_finished for w in self.workers):
                self._want_detail(ticket_id)
        else:
            self.detail.focus()

    def action_toggle_detail(self) -> None:
        """Hide the detail pane so the list gets the width for every column (priority, assignee)."""
        self.list_only = not self.list_only

    @on(TicketList.Selected)
    def _selected(self, event: TicketList.Selected) -> None:
        self.action_open_detail()

    # -- filter ----------------------------------------------------------------------------

    def action_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.has_focus:
            return
        self.app.typeahead.hold()  # "/wif" in one burst: "wif" goes into the box
        self.filtering = True
        box.focus()

    def _filter_to(self, value: str) -> None:
        """The box's value changed (FilterBox calls this inside the keystroke, so the echo and
        the filtered list are drawn in one frame)."""
        listing = self.tickets
        if value != listing.filter_text:
            listing.set_filter(value)
            self._title()
            if self._detail_waits and listing.highlighted_id is not None:
                # a letter that leaves the cursor on its ticket posts no Highlighted: the
                # pane still waits for the typing to rest, not for the cursor to stay put
                # (it used to fire mid-word: a remount and three layouts, 100-200 ms)
                self._rest_later(listing.highlighted_id)

    @on(Input.Submitted, "#filter")
    def _filter_done(self, event: Input.Submitted) -> None:
        if not event.value:
            self.filtering = False
        self.tickets.focus()

    def action_clear_filter(self) -> None:
        box = self.query_one("#filter", Input)
        if box.value or self.filtering:
            box.value = ""
            self.filtering = False
            self.tickets.set_filter("")
            self._title()
            self.tickets.focus()
        elif self.view is not views.OPEN:
            self.set_view(views.OPEN)

    # -- views -----------------------------------------------------------------------------

    def set_view(self, view: views.View) -> None:
        self.view = view
        self._tickets_changed()
        self.tickets.focus()
        self.notify(view.label, timeout=2, markup=False)

    def action_sort(self) -> None:
        """Cycle the order: updated, created, priority, due, status, customer."""
        key, reverse = self.sort
        order = triage.SORTS
        self._sorts[self.view.label] = (order[(order.index(key) + 1) % len(order)], reverse)
        self._tickets_changed()

    def action_sort_reverse(self) -> None:
        key, reverse = self.sort
        self._sorts[self.view.label] = (key, not reverse)
        self._tickets_changed()

    def action_view_open(self) -> None:
        self.set_view(views.OPEN)

    def action_view_mine(self) -> None:
        if self.app.store.me is None:
            self.notify("Still loading who you are; try again in a moment.", severity="warning")
            return
        self.set_view(views.MINE)

    def action_views(self) -> None:
        statuses = self.app.store.statuses or sorted(
            {r.status for r in self.app.store.tickets.values()}
        )
        choices: list[tuple[Any, str]] = [
            ("open", "Open tickets (all)"),
            ("mine", "Mine (assigned to me)"),
        ]
        choices += [(("status", s), f"Status: {s}") for s in statuses]
        choices += [
            (("saved", n), f"{n}: {spec['name']}")
            for n, spec in enumerate(self.app.settings.views, 1)
        ]
        session = self.app.session
        for search_id, name in getattr(session, "saved_searches", []) if session else []:
            choices.append((("saved_search", search_id, name), f"Saved search: {name}"))
        choices += [("customer", "By customer..."), ("search", "Search on the server...")]

        def picked(value: Any) -> None:
            if value is None:
                return
            if value == "open":
                self.action_view_open()
            elif value == "mine":
                self.action_view_mine()
            elif value == "customer":
                self.action_customer()
            elif value == "search":
                self.action_search()
            elif value[0] == "saved":
                self.action_saved_view(value[1])
            elif value[0] == "saved_search":
                _, search_id, name = value
                self.load_remote_view(
                    views.View("search", f"Saved search: {name}", search_id, ()),
                    ticket_search_id=search_id,
                )
            else:
                status = value[1]
                if status in self.app.settings.closed_statuses:
                    self.load_remote_view(
                        views.View("status", f"Status: {status}", status, ()), status=status
                    )
                else:
                    self.set_view(views.View("status", f"Status: {status}", status))

        from syncro_tui.ui.screens.dialogs import PickModal

        self.app.push_screen(PickModal("Show which tickets?", choices), picked)

    def action_search(self) -> None:
        def asked(query: str | None) -> None:
            if query:
                self.load_remote_view(
                    views.View("search", f"Search: {query}", query, ()), query=query
                )

        from syncro_tui.ui.screens.dialogs import AskModal

        self.app.push_screen(
            AskModal(
                "Search all tickets on the server (closed and old ones too)",
                placeholder="words, number or customer",
            ),
            asked,
        )

    @work(exclusive=True, group="view", exit_on_error=False)
    async def load_remote_view(self, view: views.View, **filters: Any) -> None:
        if self.app.session is None:
            self.notify("Not connected yet; try again in a moment.", severity="warning")
            return
        self.notify(f"Loading {view.label}...", timeout=2, markup=False)
        try:
            rows = await self.app.session.search(**filters)
        except SyncroError as exc:
            self.notify(f"{view.label} failed: {exc}", severity="error", markup=False)
            return
        self.set_view(views.View(view.kind, f"{view.label} ({len(rows)})", view.value, tuple(rows)))

    def action_customer(self) -> None:
        from syncro_tui.ui.screens.customer import CustomerSearchModal

        def picked(customer: Any) -> None:
            if customer is not None:
                self.load_remote_view(
                    views.View(
                        "customer", f"Customer: {clean(customer.display_name)}", customer.id, ()
                    ),
                    customer_id=customer.id,
                )

        self.app.push_screen(CustomerSearchModal(self.app), picked)

    # -- go to -----------------------------------------------------------------------------

    def action_goto(self) -> None:
        def asked(value: str | None) -> None:
            if value:
                self.goto_number(value.lstrip("#").strip())

        from syncro_tui.ui.screens.dialogs import AskModal

        self.app.push_screen(
            AskModal("Go to ticket number", placeholder="e.g. 32164", validate=_check_number), asked
        )

    def show_ticket(self, ticket_id: int) -> None:
        """Put the cursor on this ticket (our own new one, say), widening the view if needed."""
        if not self.tickets.move_to_id(ticket_id):
            self.set_view(views.OPEN)
            self.tickets.set_filter("")
            self.query_one("#filter", Input).value = ""
            self.tickets.move_to_id(ticket_id)

    def goto_number(self, number: str) -> None:
        for row in self.app.store.tickets.values():
            if row.number == number:
                if not self.tickets.move_to_id(row.id):
                    self.set_view(views.OPEN)
                    self.tickets.set_filter("")
                    self.query_one("#filter", Input).value = ""
                    self.tickets.move_to_id(row.id)
                return
        self.fetch_number(number)

    @work(exclusive=True, group="goto", exit_on_error=False)
    async def fetch_number(self, number: str) -> None:
        if self.app.session is None:
            self.notify("Not connected yet; try again in a moment.", severity="warning")
            return
        try:
            detail = await self.app.session.find_by_number(number)
        except SyncroError as exc:
            self.notify(f"Could not look up #{number}: {exc}", severity="error", markup=False)
            return
        if detail is None:
            self.notify(f"There is no ticket #{number}.", severity="warning", markup=False)
            return
        from syncro_tui.core.session import row_from_ticket

        row = row_from_ticket(detail, self.app.session.users)
        self.set_view(views.View("search", f"Ticket #{number}", number, (row,)))
        self.tickets.move_to_id(row.id)

    # -- actions on the highlighted ticket -------------------------------------------------

    def act_on(self, ticket_id: int, name: str, *, row: TicketRow | None = None) -> None:
        """Run a ticket action on this ticket (from the full-screen detail), whatever the
        list shows; the list's cursor does not move."""
        self._target = (ticket_id, row)
        try:
            getattr(self, f"action_{name}")()
        finally:
            self._target = None

    def current_row(self) -> TicketRow | None:
        if self._target is not None:
            ticket_id, fallback = self._target
            return self._row(ticket_id) or fallback
        row = self._row(self.tickets.highlighted_id)
        if row is None:
            self.notify("Highlight a ticket first.", severity="warning")
        return row

    def _need_session(self) -> bool:
        if self.app.session is None or self.app.store.me is None:
            self.notify("Still connecting to Syncro; try again in a moment.", severity="warning")
            return False
        if self.app.read_only:  # no writes without a journal
            self.notify(self.app.read_only, title="Read-only", severity="error", markup=False)
            return False
        return True

    def action_refresh(self) -> None:
        self.app.refresh_now()
        ticket_id = self.tickets.highlighted_id
        if ticket_id is not None and self.app.session is not None:
            self.fetch_detail(ticket_id)

    def action_status(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.core import choices
        from syncro_tui.ui.screens.dialogs import PickModal

        statuses = choices.statuses(self.app.store.statuses, row.status)
        self.app.push_screen(
            PickModal(
                f"Status for #{row.number}",
                [(s, s) for s in statuses],
                current=row.status,
                leads_on=True,  # the pick opens a write preview (ui.typeahead)
            ),
            lambda value: self._update(row, "status", value, row.status),
        )

    def action_priority(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.core import choices
        from syncro_tui.ui.screens.dialogs import PickModal

        # The account's own list (GET /settings), never one of ours.
        priorities = choices.priorities(self.app.store.priorities, row.priority) or [row.priority]
        self.app.push_screen(
            PickModal(
                f"Priority for #{row.number}",
                [(p, p) for p in priorities],
                current=row.priority,
                leads_on=True,
            ),
            lambda value: self._update(row, "priority", value, row.priority),
        )

    def action_assign(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.core import choices as offer

        store = self.app.store
        choices: list[tuple[Any, str]] = list(
            offer.assignees(store.users, store.me.user_id, row.user_id, me_name=store.me.user_name)
        )
        if row.user_id:
            choices.append((UNASSIGN, "Unassign (nobody)"))

        def picked(value: Any) -> None:
            if value is UNASSIGN:
                self._update(row, "user_id", None, row.user_id, allow_none=True)
            else:
                self._update(row, "user_id", value, row.user_id)

        from syncro_tui.ui.screens.dialogs import PickModal

        self.app.push_screen(
            PickModal(
                f"Assign #{row.number} to",
                choices,
                current=row.user_id,
                filterable=True,
                leads_on=True,
            ),
            picked,
        )

    def _url(self, row: TicketRow) -> str:
        settings = self.app.settings
        return triage.ticket_url(settings.api_base_url, settings.subdomain, row.id)

    def action_copy_number(self) -> None:
        """OSC 52: works over SSH and in tmux (with set-clipboard on)."""
        row = self.current_row()
        if row is not None:
            self.app.copy_to_clipboard(f"#{row.number}")
            self.notify(f"Copied #{row.number}", timeout=2, markup=False)

    def action_copy_url(self) -> None:
        row = self.current_row()
        if row is not None:
            url = self._url(row)
            self.app.copy_to_clipboard(url)
            self.notify(f"Copied {url}", timeout=3, markup=False)

    def action_open_web(self) -> None:
        import os
        import sys

        row = self.current_row()
        if row is None:
            return
        url = self._url(row)
        if not triage.can_open_browser(dict(os.environ), sys.platform):
            self.app.copy_to_clipboard(url)
            self.notify(f"No browser on this machine; copied {url}", markup=False)
            return
        self.app.open_url(url)
        self.notify(f"Opened {url}", timeout=3, markup=False)

    def action_edit(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.ui.screens.edit import EditFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        EditFlow(self.app, row).start()

    def action_take(self) -> None:
        """Assign to me and set the account's working status: one PUT, one preview."""
        row = self.current_row()
        if row is None or not self._need_session():
            return
        store = self.app.store
        me = store.me.user_id
        status = triage.working_status(store.statuses)
        changes: dict[str, Any] = {}
        if row.user_id != me:
            changes["user_id"] = me
        if status and row.status != status:
            changes["status"] = status
        if not changes:
            self.notify(f"#{row.number} is already yours and {row.status}.", markup=False)
            return
        from syncro_tui.core import writes

        said = ", ".join(
            f"{k.replace('_id', '')} -> {store.users.get(v, v) if k == 'user_id' else v}"
            for k, v in changes.items()
        )
        intent = writes.update_ticket(row.id, changes, label=f"#{row.number}: {said}")
        self.app.run_worker(
            self.app.send_with_preview(f"Take #{row.number}", [intent]),
            group="write",
            exit_on_error=False,
        )

    def _update(
        self, row: TicketRow, field: str, value: Any, old: Any, *, allow_none: bool = False
    ) -> None:
        if (value is None and not allow_none) or value == old:
            self.app.typeahead.release()  # no preview comes: what was typed runs here
            return
        from syncro_tui.core import writes

        shown = self.app.store.users.get(value, value) if field == "user_id" else value
        if field == "user_id" and value is None:
            shown = "nobody"
        intent = writes.update_ticket(
            row.id, {field: value}, label=f"#{row.number}: {field} -> {shown}"
        )
        title = f"Change {field.replace('_id', '')} of #{row.number}"
        worker = self.app.run_worker(
            self.app.send_with_preview(title, [intent]), group="write", exit_on_error=False
        )
        self.app.typeahead.follow(worker)  # keys typed after the pick wait for its preview

    def action_resolve(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.ui.screens.resolve import ResolveFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        ResolveFlow(self.app, row).start()

    def action_new_ticket(self) -> None:
        if not self._need_session():
            return
        from syncro_tui.ui.screens.new_ticket import NewTicketFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        NewTicketFlow(self.app).start()

    def action_comment(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.ui.screens.comment import CommentFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        CommentFlow(self.app, row).start()

    def action_bill(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.ui.screens.billing import BillingFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        BillingFlow(self.app, row).start()

    def action_timer(self) -> None:
        """Start a timer on the highlighted ticket, or stop the running one (any ticket)."""
        from syncro_tui.ui.screens.timer import TimerFlow

        running = self.app.store.timer
        row = self.current_row()
        if running is not None:
            if not self._need_session():
                return
            self.app.typeahead.hold()  # the notes of the stopped time, or what to do with it
            if row is not None and row.id != running.ticket_id:
                TimerFlow(self.app).switch_to(row)  # stop-and-post / keep / discard, then start
                return
            TimerFlow(self.app).stop()
            return
        if row is not None and self.app.read_only:  # the timer file cannot be saved
            self.notify(self.app.read_only, title="Read-only", severity="error", markup=False)
        elif row is not None:
            if any(s.ticket_id == row.id for s in self.app.timers.unposted()):
                self.app.typeahead.hold()  # it asks what to do with the unposted time
            TimerFlow(self.app).start_on(row)

    def action_charge_timer(self) -> None:
        row = self.current_row()
        if row is None or not self._need_session():
            return
        from syncro_tui.ui.screens.timer import TimerFlow

        self.app.typeahead.hold()  # what is typed next goes into the form
        TimerFlow(self.app).charge(row)

    def action_read_comments(self) -> None:
        from syncro_tui.ui.widgets.detail import TicketDetailPane

        self.query_one(TicketDetailPane).action_read_all()

    def action_write_log(self) -> None:
        from syncro_tui.ui.screens.write_log import WriteLogScreen

        if self.app.session is None:
            self.notify("Still connecting to Syncro; try again in a moment.", severity="warning")
            return
        self.app.push_screen(WriteLogScreen())


def _check_number(value: str) -> str | None:
    value = value.lstrip("#").strip()
    if not value.isdigit():
        return "A ticket number is digits only, e.g. 32164."
    return None


def _read_only_guard(method: Any) -> Any:
    """Wrap a write action: in a read-only profile it only says why nothing happens."""
    import functools
    import inspect

    if inspect.iscoroutinefunction(method):

        @functools.wraps(method)
        async def guarded_async(self: MainScreen, *args: Any, **kwargs: Any) -> Any:
            if self.refuse_write():
                return None
            return await method(self, *args, **kwargs)

        return guarded_async

    @functools.wraps(method)
    def guarded(self: MainScreen, *args: Any, **kwargs: Any) -> Any:
        if self.refuse_write():
            return None
        return method(self, *args, **kwargs)

    return guarded


for _action in actions.MAIN_SCREEN:
    if _action.writes:
        _name = f"action_{_action.action_string}"
        setattr(MainScreen, _name, _read_only_guard(getattr(MainScreen, _name)))
