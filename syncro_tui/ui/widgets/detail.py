"""The ticket detail pane: header facts, the last five comments, line items and timers.

Everything from the API goes through ``core.text`` (escapes stripped, HTML turned into text) and
into ``rich.text.Text``: nothing is ever parsed as markup.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rich.table import Table
from rich.text import Text
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.widgets import Static

from syncro_tui.api.timestamps import parse_time
from syncro_tui.core import ticket_facts
from syncro_tui.core.account_time import account_zone, due_text
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean, html_to_text, looks_like_html

LAST_COMMENTS = 5
# A body longer than this (characters, as received) is shown by its first SHOWN characters;
# the whole of it is cleaned off the UI thread and opened in a pager on `l`. Cleaning and
# laying out 5 MB on the UI thread froze the app for seconds.
LONG_BODY = 20_000
SHOWN = 4_000
READ_ALL_KEY = "l"


def _when(value: Any) -> str:
    moment = parse_time(value)
    if moment is not None:
        return moment.astimezone().strftime("%Y-%m-%d %H:%M")
    return clean(value) if isinstance(value, str) and value else "-"


def _date(value: Any) -> str:
    text = _when(value)
    return text[:10] if text != "-" else "-"


def body_text(body: str) -> str:
    return html_to_text(body) if looks_like_html(body) else clean(body)


def is_long(body: str | None) -> bool:
    return len(body or "") > LONG_BODY


def long_note(body: str) -> str:
    return (
        f"long comment: {len(body.encode('utf-8', 'replace')) // 1024:,} KB, "
        f"press {READ_ALL_KEY} to read all"
    )


def full_text(comments: list[Any]) -> str:
    """The long comments, whole and cleaned, for the pager (runs in a thread)."""
    parts = []
    for c in comments:
        head = f"{'PRIVATE' if c.private else 'PUBLIC'}  {_when(c.created_at)}  {clean(c.author or 'unknown')}"
        if c.subject:
            head += f"  {clean(c.subject)}"
        parts.append(f"{head}\n\n{body_text(c.body or '')}\n")
    return "\n".join(parts)


class Facts:
    """Label and value lines, the value wrapping under itself: in a narrow pane a long
    customer name or an email goes on below its own column, never back to the pane's left
    edge under the labels. ``str()`` is the plain text (what the tests and a copy read)."""

    def __init__(self, pairs: list[tuple[str, str]], title: Text | None = None) -> None:
        self.title = title
        self.pairs = [(key, clean(value) if value else "-") for key, value in pairs]

    def __rich_console__(self, console: Any, options: Any) -> Any:
        if self.title is not None:
            yield self.title
        grid = Table.grid(padding=(0, 2))
        grid.add_column(style="dim", no_wrap=True)
        grid.add_column(overflow="fold")  # a long unbroken email folds inside its column
        for key, value in self.pairs:
            grid.add_row(key, Text(value))
        yield grid

    def __str__(self) -> str:
        width = max(len(k) for k, _ in self.pairs)
        lines = [f"{key:<{width}}  {value}" for key, value in self.pairs]
        return "\n".join([self.title.plain, *lines] if self.title is not None else lines)


def contact_facts(contact: Any, fallback_name: str = "") -> list[tuple[str, str]]:
    """The contact's name, then each way to reach them on its own line, so a phone number
    is never split across two lines."""
    if contact is None:
        return [("Contact", fallback_name)]
    pairs = [("Contact", contact.name or fallback_name)]
    for label, value in (("Phone", contact.phone), ("Mobile", contact.mobile)):
        if value:
            pairs.append((label, value))
    if contact.email:
        pairs.append(("Email", contact.email))
    return pairs


def describe_row(row: TicketRow) -> Facts:
    title = Text(f"#{row.number}  ", style="bold")
    title.append(row.subject, style="bold")
    return Facts(
        [
            ("Status", row.status),
            ("Priority", row.priority),
            ("Customer", row.customer_name),
            ("Contact", row.contact_name),
            ("Assigned", row.assignee or "unassigned"),
            ("Updated", _when(row.updated_at)),
            *_row_extras(row),
        ],
        title=title,
    )


def _row_extras(row: TicketRow) -> list[tuple[str, str]]:
    """Type, due date, SLA and contract, only when the ticket has them."""
    pairs = [
        ("Type", row.ticket_type),
        ("Due", row.due_date),
        ("SLA", ticket_facts.sla_text(row.sla_name, row.sla_state)),
        ("Contract", row.contract_name),
    ]
    return [(k, v) for k, v in pairs if v]


class TicketDetailPane(VerticalScroll, can_focus=True):
    """Shows a TicketRow at once, then the full detail when it arrives."""

    DEFAULT_CSS = """
    TicketDetailPane { padding: 0 1; }
    TicketDetailPane > .title { text-style: bold; margin-bottom: 1; }
    TicketDetailPane > .section { color: $accent; text-style: bold; margin-top: 1; }
    TicketDetailPane > .comment-head { margin-top: 1; }
    TicketDetailPane > .comment-head.private { color: $warning; }
    TicketDetailPane > .comment-head.public { color: $success; }
    TicketDetailPane > .comment-body { padding-left: 2; }
    TicketDetailPane > .empty, TicketDetailPane > .loading { color: $text-muted; }
    TicketDetailPane > .note { color: $warning; text-style: bold; }
    TicketDetailPane > .ticket-detail--charged { color: $success; }
    TicketDetailPane > .ticket-detail--uncharged { color: $warning; text-style: bold; }
    """
    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "ticket-detail--charged",
        "ticket-detail--uncharged",
    }
    """
    | Class | Styles |
    | :- | :- |
    | `ticket-detail--charged` | A timer entry already charged (a line item). |
    | `ticket-detail--uncharged` | A timer entry NOT CHARGED yet. |

    Whole lines that warn (a note on the ticket's data, a running timer) are `.note`.
    """

    BINDINGS = [  # not in the footer: it shows the work keys (comment, bill, timer...)
        Binding(READ_ALL_KEY, "read_all", "Read long comments", show=False, id="detail.read_all"),
        Binding("j", "scroll_down", "Scroll down", show=False),
        Binding("k", "scroll_up", "Scroll up", show=False),
        Binding("g", "scroll_home", "Top", show=False),
        Binding("G", "scroll_end", "Bottom", show=False),
    ]

    def __init__(self, *, plain: bool = False, **kw) -> None:
        super().__init__(**kw)
        self._plain = plain
        self._shown: tuple[Any, ...] = ()
        self.ticket_id: int | None = None
        self.long_comments: list[Any] = []  # shown cut; `l` reads them whole

    def on_mount(self) -> None:
        self.show_nothing()

    def _replace(self, key: tuple, widgets: list[Static]) -> None:
        if key == self._shown:
            return
        self._shown = key
        with self.app.batch_update():
            self.remove_children()
            self.mount_all(widgets)
        self.scroll_home(animate=False)

    def action_read_all(self) -> None:
        """`l`: the long comments of this ticket, whole, in $PAGER (read-only)."""
        if not self.long_comments:
            self.notify("No long comment here: every comment is shown whole.", markup=False)
            return
        self.run_worker(
            self._read_all(list(self.long_comments)), group="detail-read", exclusive=True
        )

    async def _read_all(self, comments: list[Any]) -> None:
        import asyncio
        import os
        import shlex
        import shutil
        import subprocess
        import tempfile
        from pathlib import Path

        from textual.app import SuspendNotSupported

        text = await asyncio.to_thread(full_text, comments)  # off the UI thread
        setting = os.environ.get("PAGER", "").strip()
        command = shlex.split(setting) if setting else []
        if not command:
            found = shutil.which("less") or shutil.which("more")
            command = [found] if found else []
        if not command:
            self.notify("No pager found: set $PAGER (for example less).", severity="error")
            return
        fd, name = tempfile.mkstemp(prefix="syncro-tui-comment-", suffix=".txt")  # 0600
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            os.chmod(name, 0o400)  # read-only: nothing typed there goes anywhere
            try:
                with self.app.suspend():
                    subprocess.call([*command, name])
            except SuspendNotSupported:
                self.notify("This terminal cannot hand over to a pager.", severity="error")
            except FileNotFoundError:
                self.notify(f"Pager {command[0]!r} was not found; set $PAGER.", severity="error")
        finally:
            Path(name).unlink(missing_ok=True)

    def show_nothing(self, message: str = "No ticket selected") -> None:
        self.ticket_id = None
        self._replace(("empty", message), [Static(Text(message), classes="empty")])

    def show_row(self, row: TicketRow, note: str = "Loading details...") -> None:
        """The row's facts at once, while the detail loads.

        Holding `j` passes through many rows: when a row is already shown, its two widgets
        are updated in place instead of being unmounted and mounted again.
        """
        self.ticket_id = row.id
        key = ("row", row, note)
        if key == self._shown:
            return
        children = list(self.query_children(Static))
        if self._shown and self._shown[0] == "row" and len(children) == 2:
            self._shown = key
            children[0].update(describe_row(row))
            children[1].update(Text(note))
            return
        self._replace(key, [Static(describe_row(row)), Static(Text(note), classes="loading")])

    def show_detail(self, detail: Any, *, timer_running: bool = False, note: str = "") -> None:
        self.ticket_id = int(detail.id)
        # the account's zone too: a first start can show a detail before GET /settings
        zone = str(self._account_zone())
        key = ("detail", detail.id, str(detail.updated_at), timer_running, note, zone)
        self._replace(key, self._build(detail, timer_running, note))

    # -- rendering -----------------------------------------------------------------------------

    def _listed(self, ticket_id: Any) -> TicketRow | None:
        """The list's row (list-only fields the detail view may lack: SLA, contract)."""
        store = getattr(self.app, "store", None)
        return store.tickets.get(ticket_id) if store is not None else None

    def _account_zone(self) -> Any:
        account = getattr(getattr(self.app, "store", None), "account", None)
        return account_zone(getattr(account, "time_zone", ""), getattr(account, "time_offset", ""))

    def _build(self, d: Any, timer_running: bool, note: str) -> list[Static]:
        out: list[Static] = []
        title = Text(f"#{d.number}  ", style="bold")
        title.append(clean(d.subject or ""), style="bold")
        out.append(Static(title, classes="title"))
        customer = d.customer.display_name if d.customer is not None else d.customer_name
        row = self._listed(d.id)
        zone = self._account_zone()
        if d.customer is not None and d.customer.no_email:
            customer = f"{customer}  (No Email: Syncro sends this customer no email)"
        facts = [
            ("Status", d.status or ""),
            ("Priority", d.priority or ""),
            ("Problem", d.problem_type or ""),
            ("Customer", customer or ""),
            *contact_facts(d.contact, d.contact_name or ""),
            ("Assigned", d.assignee or "unassigned"),
            ("Created", _when(d.created_at)),
            ("Due", due_text(d.due_calendar_date or d.due_date, zone) or "-"),
            ("Updated", _when(d.updated_at)),
        ]
        sla = ticket_facts.sla_text(d.sla_name or "", ticket_facts.sla_state(d))
        if not sla and row is not None and d.sla_breached is None:
            sla = ticket_facts.sla_text(row.sla_name, row.sla_state)
        contract = ticket_facts.contract_text(d) or (row.contract_name if row else "")
        kind = ticket_facts.type_name(d) or (row.ticket_type if row else "")
        if kind:  # only when the ticket has one, like SLA and contract
            facts.insert(2, ("Type", kind))
        facts += [(k, v) for k, v in (("SLA", sla), ("Contract", contract)) if v]
        out.append(Static(Facts(facts)))
        fields = ticket_facts.custom_fields(d)
        if fields:
            out.append(Static(Text("Custom fields"), classes="section"))
            out.append(Static(Facts(fields)))
        appointments = ticket_facts.appointment_lines(d)
        if appointments:
            out.append(Static(Text("Appointments"), classes="section"))
            out.append(Static(Text("\n".join(appointments))))
        if note:
            out.append(Static(Text(note), classes="note"))
        comments = sorted(
            d.comments, key=lambda c: c.created_at.timestamp() if c.created_at else 0, reverse=True
        )[:LAST_COMMENTS]
        self.long_comments = [c for c in comments if is_long(c.body)]
        total = len(d.comments)
        heading = (
            f"Comments (last {len(comments)} of {total}, newest first)"
            if total > LAST_COMMENTS
            else "Comments"
        )
        out.append(Static(Text(heading), classes="section"))
        if not comments:
            out.append(Static(Text("No comments."), classes="empty"))
        for c in comments:
            private = c.private
            head = Text()
            head.append("PRIVATE " if private else "PUBLIC  ", style="bold")
            head.append(f"{_when(c.created_at)}  ")
            head.append(clean(c.author or "unknown"))
            if c.subject:
                head.append("  ")
                head.append(clean(c.subject), style="italic")
            out.append(Static(head, classes="comment-head " + ("private" if private else "public")))
            body = c.body or ""
            if is_long(body):  # the first part only: cleaning all of it here froze the UI
                out.append(Static(Text(body_text(body[:SHOWN]) + " ..."), classes="comment-body"))
                out.append(Static(Text(long_note(body), style="bold"), classes="comment-body"))
            else:
                out.append(Static(Text(body_text(body)), classes="comment-body"))
        out.append(Static(Text("Line items"), classes="section"))
        if not d.line_items:
            out.append(Static(Text("No line items."), classes="empty"))
        for item in d.line_items:
            line = Text()
            line.append(f"{item.quantity if item.quantity is not None else '?'} x ")
            line.append(clean(item.name or ""))
            if item.description:
                line.append(" - ")
                line.append(clean(item.description), style="dim")
            if item.total is not None:
                line.append(f"  {item.total:.2f}")
            out.append(Static(line))
        out.append(Static(Text("Timers"), classes="section"))
        timers = list(d.ticket_timers)
        if timer_running:
            out.append(
                Static(Text("A timer is running on this ticket (t stops it)."), classes="note")
            )
        if not timers:
            out.append(Static(Text("No timer entries."), classes="empty"))
        for timer in timers:
            line = Text()
            minutes = timer.duration_minutes
            line.append(
                f"{_when(timer.start_time)}  {minutes if minutes is not None else '?'} min  "
            )
            line.append(
                "charged" if timer.charged else "NOT CHARGED",
                style=self.get_component_rich_style(
                    "ticket-detail--charged" if timer.charged else "ticket-detail--uncharged",
                    partial=True,
                ),
            )
            out.append(Static(line))
            if timer.notes:
                out.append(Static(Text(clean(timer.notes), style="dim"), classes="comment-body"))
        return out
