"""The action catalogue: every action a technician runs from the main screen, described once.

Each ``Action`` names its binding id (what ``[keymap]`` remaps), its default key(s), the short
label the footer shows, and one sentence the help screen, the footer's tooltip and the command
palette (Ctrl+P) all show. From this one list come:

* ``BINDINGS`` of ``MainScreen``, ``TicketList`` and ``SyncroApp`` (``bindings(...)``);
* the rows of the help screen (``ui/screens/help.py``, ``help.DOES``);
* the entries of the command palette (``ui/commands.py``, ``commands.ACTIONS``).

Adding an action is one entry here plus its ``action_<id>`` method on the screen (or the app,
with ``action="app.<name>"``). The order of a group is the footer's order for that pane: the work on the
highlighted ticket first (comment, bill, timer, status, resolve).
``tests/ui/test_actions.py`` proves every binding is in help and in the palette.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from typing import Any

from textual.binding import Binding, BindingType


@dataclass(frozen=True, slots=True)
class Action:
    id: str  # binding id; [keymap] remaps it; also the action name unless ``action`` says else
    key: str  # default key(s), comma separated, Textual key names
    label: str  # short: the footer
    description: str  # one sentence: help, palette and the footer's tooltip
    name: str = ""  # what the palette lists and matches (default: the label)
    action: str = ""  # the Textual action string (default: the id)
    show: bool = True  # in the footer
    palette: bool = True  # in the command palette (list navigation is not)
    priority: bool = False
    ticket: bool = False  # acts on one ticket: also bound in the full-screen detail
    writes: bool = False  # leads to a write: off (hidden, refused with a note) when read-only

    @property
    def title(self) -> str:
        return self.name or self.label

    @property
    def action_string(self) -> str:
        return self.action or self.id

    def binding(self) -> Binding:
        return Binding(
            self.key,
            self.action_string,
            self.label,
            show=self.show,
            priority=self.priority,
            tooltip=self.description,
            id=self.id,
        )


def bindings(actions: Iterable[Action]) -> list[BindingType]:
    """The ``BINDINGS`` of a screen or widget, in catalogue order."""
    return [action.binding() for action in actions]


# fmt: off
MAIN_SCREEN: tuple[Action, ...] = (
    Action("comment", "c", "Comment", "Comment: internal, public, or public + email",
           name="Comment on the ticket", ticket=True, writes=True),
    Action("bill", "b", "Bill", "Bill time: comment, line item, invoice, status Invoiced",
           name="Bill time", ticket=True, writes=True),
    Action("timer", "t", "Timer", "Start / stop the timer (survives restarts)",
           name="Timer: start / stop", ticket=True, writes=True),
    Action("take", "i", "Take", "Take it: assign to me and set the working status, one preview",
           name="Take the ticket (assign to me, in progress)", ticket=True, writes=True),
    Action("edit", "e", "Edit",
           "Edit status, priority, assignee, due date, subject, problem type, contact: one PUT",
           name="Edit the ticket (every field, one PUT)", ticket=True, writes=True),
    Action("status", "s", "Status", "Change status (preview, then y)", name="Change status",
           ticket=True, writes=True),
    Action("resolve", "x", "Resolve", "Resolve; warns about timers; offers a session log",
           name="Resolve ticket", ticket=True, writes=True),
    Action("assign", "a", "Assign", "Assign a technician (preview, then y)",
           name="Assign technician", ticket=True, writes=True),
    Action("priority", "p", "Priority", "Change priority (preview, then y)",
           name="Change priority", show=False, ticket=True, writes=True),
    Action("charge_timer", "T", "Charge timer", "Charge a timer entry to a line item",
           name="Charge timer entry", show=False, ticket=True, writes=True),
    Action("copy_number", "y", "Copy #", "Copy the ticket number to the clipboard (OSC 52)",
           name="Copy ticket number", show=False, ticket=True),
    Action("copy_url", "Y", "Copy URL", "Copy the ticket's web address to the clipboard",
           name="Copy ticket web URL", show=False, ticket=True),
    Action("open_web", "W", "Browser", "Open the ticket in a web browser (where one exists)",
           name="Open ticket in browser", show=False, ticket=True),
    Action("new_ticket", "n", "New", "New ticket (customer, contact, subject, ...)",
           name="New ticket", writes=True),
    Action("filter", "slash", "Filter",
           "Filter the list as you type (number, subject, customer, status)",
           name="Filter the list"),
    Action("views", "v", "Views", "Views: open, mine, by status, by customer, server search",
           name="View: pick a view"),
    Action("goto", "number_sign", "Go to #",
           "Go to a ticket by number (fetched if not in the list)", name="Go to ticket number"),
    Action("search", "f", "Search", "Search all tickets on the server (closed and old too)",
           name="Search all tickets on the server"),
    Action("customer", "u", "Customer", "Customer search: their tickets and contacts",
           name="Customer search"),
    Action("read_comments", "l", "Read all",
           "Read the long comments of the ticket in full (in $PAGER, read-only)",
           name="Read long comments in full", show=False),
    Action("write_log", "w", "Writes", "Write log: today's writes; verify or resend",
           name="Write log"),
    Action("refresh", "r", "Refresh", "Refresh now (full reload of the open queue)",
           name="Refresh now"),
    Action("clear_filter", "escape", "Clear filter",
           "Clear the filter; again: back to all open tickets", show=False),
    Action("open_detail", "enter", "Detail", "Open the ticket (full screen below 100 columns)",
           name="Open the ticket", show=False),
    Action("toggle_detail", "z", "Wide list",
           "Hide/show the detail pane: the list gets every column",
           name="Toggle detail pane (wide list)", show=False),
    Action("sort", "O", "Sort", "Sort: updated, created, priority, due, status, customer",
           name="Sort the list (next order)", show=False),
    Action("sort_reverse", "R", "Reverse", "Reverse the sort order",
           name="Reverse the sort order", show=False),
    *(Action(f"saved_view_{n}", str(n), f"View {n}",
             f"Saved view {n} from the config ([[views]]), shown as a tab with its count",
             name=f"Saved view {n} ([[views]] in the config)", action=f"saved_view({n})",
             show=False) for n in range(1, 10)),
    Action("view_open", "o", "Open", "View: all open tickets", name="View: open tickets",
           show=False),
    Action("view_mine", "m", "Mine", "View: open tickets assigned to me",
           name="View: my tickets", show=False),
    # q lives here, not app-wide: q must never quit mid-write (Ctrl+Q quits from anywhere)
    Action("quit", "q", "Quit", "Quit (asks first when a draft, a timer or a write waits)",
           name="Quit syncro-tui", action="app.quit_asking"),
)

TICKET_LIST: tuple[Action, ...] = (
    Action("ticket_list.cursor_up", "up,k", "Up", "Up", action="cursor_up", show=False,
           palette=False),
    Action("ticket_list.cursor_down", "down,j", "Down", "Down", action="cursor_down",
           show=False, palette=False),
    Action("ticket_list.first", "g,home", "First", "First", action="first", show=False,
           palette=False),
    Action("ticket_list.last", "G,end", "Last", "Last", action="last", show=False,
           palette=False),
    Action("ticket_list.page_up", "pageup", "Page up", "Page up", action="page_up", show=False,
           palette=False),
    Action("ticket_list.page_down", "pagedown", "Page down", "Page down", action="page_down",
           show=False, palette=False),
    Action("ticket_list.select", "enter", "Open", "Open", action="select", palette=False),
)

APP: tuple[Action, ...] = (
    Action("help", "question_mark", "Help", "This help", name="Help: every key",
           action="app.help"),
)
# fmt: on

HELP_GROUPS: tuple[tuple[Action, ...], ...] = (MAIN_SCREEN, TICKET_LIST, APP)
"""The help screen lists these, in this order (the first of a binding id wins)."""


def catalogue() -> list[Action]:
    """Every action once (the first of a binding id wins), in help order."""
    seen: set[str] = set()
    actions = []
    for group in HELP_GROUPS:
        for action in group:
            if action.id not in seen:
                seen.add(action.id)
                actions.append(action)
    return actions


def ticket_bindings() -> list[BindingType]:
    """Every action on one ticket, under the same ids and keys, as ``ticket('<id>')``: the
    full-screen detail runs them on the ticket it shows (``DetailScreen.action_ticket``)."""
    return [replace(a, action=f"ticket({a.id!r})").binding() for a in MAIN_SCREEN if a.ticket]


def palette_actions(*, read_only: bool = False) -> list[Action]:
    """What the command palette offers (it runs them on the main screen); a read-only
    profile offers no write."""
    return [a for a in catalogue() if a.palette and not (read_only and a.writes)]


def write_action_ids() -> frozenset[str]:
    """Binding ids of the actions that lead to a write."""
    return frozenset(a.id for a in catalogue() if a.writes)


def hide_writes(node: Any) -> None:
    """A read-only profile: the write keys leave ``node``'s footer (its own copy of its
    bindings); pressed anyway, the screen says why nothing happens."""
    writes = write_action_ids()
    for key, bound in node._bindings.key_to_bindings.items():
        node._bindings.key_to_bindings[key] = [
            replace(b, show=False) if b.id in writes else b for b in bound
        ]


READ_ONLY_NOTE = (
    "Read-only profile: writing is off (started with --read-only or read_only = true). "
    "Nothing was sent."
)
