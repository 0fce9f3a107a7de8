"""`n`: open a ticket. Customer first (autocomplete), then the form, then similar open tickets
of that customer and the exact request, confirmed with `y`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, TextArea

from syncro_tui.api.errors import SyncroError
from syncro_tui.core import choices as offer
from syncro_tui.core.drafts import Drafts
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.draft_modal import DraftModal, draft_buttons

DRAFT_KIND = "new_ticket"  # keyed by the customer's id: one unsent new ticket per customer
NO_PRIORITY = "(none)"  # a deliberate choice in the priority list, never the default

FIELDS = (
    "contact_id",
    "subject",
    "problem_type",
    "ticket_type_id",
    "priority",
    "user_id",
    "due_date",
    "description",
)


def check_due_date(text: str, today: date) -> str | None:
    """Empty is fine; otherwise YYYY-MM-DD, a real date, not in the past."""
    text = text.strip()
    if not text:
        return None
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        return "Due date must look like 2026-12-31."
    try:
        value = date.fromisoformat(text)
    except ValueError:
        return f"{text} is not a real date."
    if value < today:
        return "Due date is in the past."
    return None


@dataclass(frozen=True)
class NewTicketForm:
    customer_id: int
    customer_name: str
    contact_id: int | None
    subject: str
    problem_type: str | None
    priority: str | None
    user_id: int | None
    due_date: str | None
    description: str
    ticket_type_id: int | None = None


def type_label(ticket_type: Any) -> str:
    """A ticket type as the form lists it, naming the fields it will ask for."""
    required = ", ".join(f.name for f in ticket_type.required_fields)
    return f"{ticket_type.name}  (required: {required})" if required else ticket_type.name


class NewTicketModal(DraftModal[NewTicketForm | None]):
    """Contact, subject, problem type, ticket type, priority, assignee, due date and the
    first comment. A ``DraftModal`` keyed ("new_ticket", customer id) like every other form:
    saved as typed and at once on Esc and F2, restored when a ticket is opened for the same
    customer again, F8 (then yes) discards it. The draft also holds the ticket types' field
    answers (``ticket_fields``, by type id), typed in ``TicketFieldsModal``."""

    KIND = DRAFT_KIND
    DEFAULT_CSS = """
    NewTicketModal > Vertical { max-height: 34; }
    NewTicketModal Label.field { color: $text-muted; margin-top: 0; }
    NewTicketModal TextArea { height: 5; }
    """

    def __init__(
        self,
        customer: Any,
        contacts: list[Any],
        *,
        drafts: Drafts,
        problem_types: list[str],
        priorities: list[str],
        users: dict[int, str],
        default_user: int | None,
        me: int | None = None,
        me_name: str = "",
        today: date,
        draft: dict[str, Any] | None = None,
        ticket_types: list[Any] | None = None,
        require_type: bool = False,
    ) -> None:
        super().__init__(None, drafts, draft_id=customer.id, draft=draft)
        self.ticket_types = list(ticket_types or [])
        self.require_type = require_type and bool(self.ticket_types)
        self.customer = customer
        self.contacts = contacts
        self.problem_types = problem_types
        self.priorities = priorities
        self.users = users
        self.default_user = default_user
        self.me, self.me_name = me, me_name
        self.today = today
        self.ticket_fields: dict[str, Any] = dict(self.draft.get("ticket_fields") or {})

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical():
            yield Label(
                Text(f"New ticket for {clean(self.customer.display_name)}"), classes="modal-title"
            )
            yield from self.notes()
            with Vertical(id="form"):
                yield Label("Contact", classes="field")
                yield Select(
                    [(clean(c.name or f"contact {c.id}"), c.id) for c in self.contacts],
                    prompt="(no contact)",
                    value=d.get("contact_id", Select.NULL) or Select.NULL,
                    id="contact_id",
                    compact=True,
                )
                yield Label("Subject (required)", classes="field")
                yield Input(
                    value=d.get("subject", ""),
                    placeholder="Who is affected and what happens",
                    id="subject",
                    compact=True,
                )
                yield Label("Problem type", classes="field")
                yield Select(
                    [(p, p) for p in self.problem_types],
                    prompt="(none)",
                    value=d.get("problem_type") or Select.NULL,
                    id="problem_type",
                    compact=True,
                )
                if self.ticket_types:
                    yield Label(
                        "Ticket type (required by this account)"
                        if self.require_type
                        else "Ticket type (optional)",
                        classes="field",
                    )
                    ids = {t.id for t in self.ticket_types}
                    yield Select(
                        [(type_label(t), t.id) for t in self.ticket_types],
                        prompt="(choose a ticket type)"
                        if self.require_type
                        else "(no ticket type)",
                        value=d.get("ticket_type_id")
                        if d.get("ticket_type_id") in ids
                        else Select.NULL,
                        id="ticket_type_id",
                        compact=True,
                    )
                yield Label("Priority (required: pick one, or (none) on purpose)", classes="field")
                choices = [(p, p) for p in offer.priorities(self.priorities) if p != NO_PRIORITY]
                choices.append((f"{NO_PRIORITY}: leave it unset", NO_PRIORITY))
                wanted = d.get("priority")
                yield Select(
                    choices,
                    prompt="(choose a priority)",
                    value=wanted if wanted in {v for _, v in choices} else Select.NULL,
                    id="priority",
                    compact=True,
                )
                yield Label("Assignee", classes="field")
                user = d.get("user_id", self.default_user)
                people = offer.assignees(self.users, self.me, me_name=self.me_name)
                yield Select(
                    [(label, uid) for uid, label in people],
                    prompt="(unassigned)",
                    value=user if user in {uid for uid, _ in people} else Select.NULL,
                    id="user_id",
                    compact=True,
                )
                yield Label("Due date (YYYY-MM-DD, optional)", classes="field")
                yield Input(
                    value=d.get("due_date", ""),
                    placeholder="2026-12-31",
                    id="due_date",
                    compact=True,
                )
                yield Label("Initial description (posted as the first comment)", classes="field")
                yield TextArea(d.get("description", ""), id="description", compact=True)
            yield self.error_line()
            with Horizontal(id="buttons"):
                yield from draft_buttons()

    def on_mount(self) -> None:
        self.query_one("#subject", Input).focus()

    def values(self) -> dict[str, Any]:
        def sel(name: str) -> Any:
            value = self.query_one(f"#{name}", Select).value
            return None if value is Select.NULL else value

        return {
            "contact_id": sel("contact_id"),
            "subject": self.query_one("#subject", Input).value,
            "problem_type": sel("problem_type"),
            "ticket_type_id": sel("ticket_type_id") if self.ticket_types else None,
            "priority": sel("priority"),
            "user_id": sel("user_id"),
            "due_date": self.query_one("#due_date", Input).value,
            "description": self.query_one("#description", TextArea).text,
        }

    def draft_fields(self) -> dict[str, Any]:
        return {**self.values(), "ticket_fields": self.ticket_fields}

    def validate(self, values: dict[str, Any]) -> str | None:
        if not values["subject"].strip():
            return "Subject is required."
        if self.require_type and values["ticket_type_id"] is None:
            return "This account requires a ticket type: pick one."
        if values["priority"] is None:
            return "Pick a priority, or (none) to leave it unset on purpose."
        if values["user_id"] is None:
            return "Pick an assignee: without one Syncro leaves the ticket unassigned."
        return check_due_date(values["due_date"], self.today)

    def action_submit(self) -> None:
        values = self.values()
        problem = self.validate(values)
        if problem:
            self.show_error(problem)
            field = (
                "#subject"
                if not values["subject"].strip()
                else "#ticket_type_id"
                if self.require_type and values["ticket_type_id"] is None
                else "#priority"
                if values["priority"] is None
                else "#user_id"
                if values["user_id"] is None
                else "#due_date"
            )
            self.query_one(field).focus()
            return
        self.dismiss(
            NewTicketForm(
                customer_id=self.customer.id,
                customer_name=self.customer.display_name,
                contact_id=values["contact_id"],
                subject=values["subject"].strip(),
                problem_type=values["problem_type"],
                priority=None if values["priority"] == NO_PRIORITY else values["priority"],
                user_id=values["user_id"],
                due_date=values["due_date"].strip() or None,
                description=values["description"],
                ticket_type_id=values["ticket_type_id"],
            )
        )


class TicketFieldsModal(DraftModal[dict | None]):
    """The chosen ticket type's custom fields, each asked as its kind: text, dropdown,
    date (YYYY-MM-DD) or checkbox; required ones must be answered. F2 goes on, Esc goes
    back to the form. The answers belong to the new ticket's draft (same key as the form:
    ``ticket_fields`` by type id), saved as they are typed like every form's fields."""

    KIND = DRAFT_KIND
    DEFAULT_CSS = """
    TicketFieldsModal > Vertical { height: auto; }
    TicketFieldsModal VerticalScroll { height: auto; max-height: 20; }
    TicketFieldsModal Label.field { color: $text-muted; }
    """
    BINDINGS = [
        Binding("escape", "close", "Back to the form", id="ticket_fields.back"),
        Binding("f2", "preview", "Preview", id="ticket_fields.preview"),
    ]

    def __init__(
        self,
        ticket_type: Any,
        customer_name: str,
        *,
        drafts: Drafts,
        customer_id: int,
        form: dict[str, Any] | None = None,
    ) -> None:
        """``form`` is the new ticket's draft as the form left it (its ``ticket_fields``
        hold the answers given so far)."""
        super().__init__(None, drafts, draft_id=customer_id, draft=form)
        self.ticket_type = ticket_type
        self.customer_name = customer_name
        self.answers = dict((self.draft.get("ticket_fields") or {}).get(str(ticket_type.id)) or {})

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(
                Text(f"{self.ticket_type.name} ticket for {clean(self.customer_name)}: its fields"),
                classes="modal-title",
            )
            with VerticalScroll():
                for i, f in enumerate(self.ticket_type.fields):
                    need = "required" if f.required else "optional"
                    value = self.answers.get(f.name)
                    if f.kind == "checkbox":
                        yield Checkbox(
                            f"{f.name} ({need})", bool(value), id=f"field-{i}", compact=True
                        )
                        continue
                    yield Label(Text(f"{f.name} ({f.kind}, {need})"), classes="field")
                    if f.kind == "dropdown" and f.answers:
                        yield Select(
                            [(a, a) for a in f.answers],
                            prompt="(choose)",
                            value=value if value in f.answers else Select.NULL,
                            id=f"field-{i}",
                            compact=True,
                        )
                    else:
                        yield Input(
                            value=str(value or ""),
                            placeholder="2026-12-31" if f.kind == "date" else "",
                            id=f"field-{i}",
                            compact=True,
                        )
            yield self.error_line()
            yield Label(
                Text("F2: preview.  Esc: back to the form (kept).  F8: discard the draft."),
                classes="hint",
            )

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for i, f in enumerate(self.ticket_type.fields):
            widget = self.query_one(f"#field-{i}")
            if isinstance(widget, Checkbox):
                out[f.name] = widget.value
            elif isinstance(widget, Select):
                out[f.name] = None if widget.value is Select.NULL else widget.value
            elif isinstance(widget, Input):
                out[f.name] = widget.value
        return out

    def draft_fields(self) -> dict[str, Any]:
        answers = {
            **(self.draft.get("ticket_fields") or {}),
            str(self.ticket_type.id): self.values(),
        }
        return {**self.draft, "ticket_fields": answers}

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        event.stop()
        self.focus_next()

    def action_submit(self) -> None:
        from syncro_tui.core.ticket_types import properties

        values = self.values()
        _, problems = properties(values, self.ticket_type)
        if problems:
            self.show_error(" ".join(problems))
            return
        self.dismiss(values)


def similar(subject: str, rows: list[Any], limit: int = 5) -> list[Any]:
    """Open tickets whose subject shares words with the new one (a duplicate is a conscious choice)."""
    words = {w for w in re.findall(r"\w{3,}", subject.lower())}
    scored = []
    for row in rows:
        common = words & set(re.findall(r"\w{3,}", row.subject.lower()))
        if common:
            scored.append((len(common), row))
    scored.sort(key=lambda pair: -pair[0])
    return [row for _, row in scored[:limit]]


class NewTicketFlow:
    """Customer -> form -> the ticket type's fields -> preview -> send on `y`.

    n or Esc in the preview, and Esc on the type's fields, go back to the form with
    everything kept. Each form is a ``DraftModal`` on the same draft; the flow also holds
    the last thing each form saved (``kept``), so a draft the disk refused to keep still
    comes back on the next form of this flow.
    """

    def __init__(self, app: Any) -> None:
        self.app = app
        self.kept: dict[str, Any] | None = None  # the draft as the last form left it

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="new-ticket")

    async def run(self) -> None:
        from syncro_tui.core.ticket_types import require_type, ticket_types
        from syncro_tui.ui.screens.customer import CustomerSearchModal

        app = self.app
        customer = await app.push_screen_wait(
            CustomerSearchModal(app, title="New ticket: which customer?")
        )
        if customer is None:
            return
        try:
            contacts = await app.session.contacts(customer.id)
        except SyncroError as exc:
            app.notify(
                f"Could not load contacts of {clean(customer.display_name)}: {exc}",
                severity="warning",
                markup=False,
            )
            contacts = []
        settings = getattr(app.session, "ticket_settings", None)
        types = ticket_types(settings) if settings is not None else []
        required = require_type(settings) if settings is not None else False
        store = app.store
        key = (DRAFT_KIND, customer.id)
        while True:  # n or Esc in the preview comes back here with everything kept
            modal = NewTicketModal(
                customer,
                contacts,
                drafts=app.drafts,
                problem_types=store.problem_types,
                priorities=store.priorities,
                users=store.users,
                default_user=app.default_assignee(),
                me=getattr(store.me, "user_id", None),
                me_name=getattr(store.me, "user_name", "") or "",
                today=date.fromtimestamp(app.clock()),
                draft=self.kept,
                ticket_types=types,
                require_type=required,
            )
            form = await app.push_screen_wait(modal)
            self.kept = modal.last_fields or self.kept
            if form is None:
                app.notify(self.not_sent_note(customer), markup=False)
                return
            typed = await self.ask_fields(form, types)
            if typed is None:
                if self.kept is None:  # F8 on the type's fields: the draft is gone
                    app.notify(self.not_sent_note(customer), markup=False)
                    return
                continue  # Esc on the type's fields: back to the form, kept
            sent = await self.preview_and_send(form, customer, key, *typed, contacts=contacts)
            if sent is not None:
                if sent:
                    app.refresh_now()
                return

    def not_sent_note(self, customer: Any) -> str:
        name = clean(customer.display_name)
        if self.app.drafts.load(DRAFT_KIND, customer.id) is None:
            return "Nothing was sent."
        return f"Nothing was sent. Your draft is kept: press n and pick {name} to continue."

    async def ask_fields(
        self, form: NewTicketForm, types: list[Any]
    ) -> tuple[int | None, dict] | None:
        """(ticket_type_id, properties) for the type chosen on the form; its fields are
        asked by kind when it has any. None when the technician went back (Esc) or
        discarded the draft (F8: ``kept`` is then None)."""
        from syncro_tui.core.ticket_types import properties

        if form.ticket_type_id is None:
            return None, {}
        chosen = next((t for t in types if t.id == form.ticket_type_id), None)
        if chosen is None or not chosen.fields:
            return form.ticket_type_id, {}
        modal = TicketFieldsModal(
            chosen,
            form.customer_name,
            drafts=self.app.drafts,
            customer_id=form.customer_id,
            form=self.kept,
        )
        answers = await self.app.push_screen_wait(modal)
        self.kept = None if modal.discarded else modal.last_fields or self.kept
        if answers is None:
            return None
        props, _ = properties(answers, chosen)
        return chosen.id, props

    async def preview_and_send(
        self,
        form: NewTicketForm,
        customer: Any,
        key: tuple,
        ticket_type_id: int | None = None,
        props: dict | None = None,
        *,
        contacts: Sequence[Any] = (),
    ) -> bool | None:
        """None when the preview was declined (back to the form), else whether it landed.
        The preview names who is emailed: nobody by this write unless its first comment is
        public, and where Syncro's own new-ticket email would go (the contact, else the
        customer; dropped for a customer set to No Email)."""
        from syncro_tui.core import comments, writes

        app, store = self.app, self.app.store
        try:
            open_rows = await app.session.search(
                customer_id=customer.id, status="Not Closed", max_pages=2
            )
        except SyncroError:
            open_rows = [r for r in store.tickets.values() if r.customer_id == customer.id]
        alike = similar(form.subject, open_rows)
        notes = (
            [f"Similar open tickets of {clean(form.customer_name)}:"]
            + [f"  #{r.number}  {r.status}  {r.subject}" for r in alike]
            if alike
            else [f"{clean(form.customer_name)} has no open ticket with a similar subject."]
        )
        intent = writes.new_ticket(
            customer_id=form.customer_id,
            subject=form.subject,
            contact_id=form.contact_id,
            problem_type=form.problem_type,
            priority=form.priority,
            user_id=form.user_id,  # type: ignore[arg-type]  # the form refuses an empty assignee
            due_date=date.fromisoformat(form.due_date) if form.due_date else None,
            description=form.description,
            ticket_type_id=ticket_type_id,
            properties=props,
        )
        warnings = (
            [f"{len(alike)} similar open ticket(s) exist: is this a duplicate?"] if alike else []
        )
        contact = next((c for c in contacts if c.id == form.contact_id), None)
        red, said = comments.new_ticket_email_lines(intent, comments.recipients(contact, customer))
        warnings += red
        notes = said + notes
        if not await app.confirm_writes(
            f"Open a ticket for {clean(form.customer_name)} (customer {form.customer_id})",
            [intent],
            warnings=warnings,
            notes=notes,
        ):
            return None
        return await app.send_confirmed([intent], draft_key=key)
