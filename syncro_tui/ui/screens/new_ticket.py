"""`n`: open a ticket. Customer first (autocomplete), then the form, then similar open tickets
of that customer and the exact request, confirmed with `y`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Button, Input, Label, Select, TextArea

from syncro_tui.core.text import clean
from syncro_tui.ui.screens.modal import BaseModal

NO_PRIORITY = "(none)"  # a deliberate choice in the priority list, never the default

FIELDS = ("contact_id", "subject", "problem_type", "priority", "user_id", "due_date", "description")


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


class NewTicketModal(BaseModal[NewTicketForm | None]):
    DEFAULT_CSS = """
    NewTicketModal > Vertical { height: 90%; max-height: 34; }
    NewTicketModal VerticalScroll { height: 1fr; }
    NewTicketModal Label.field { color: $text-muted; margin-top: 0; }
    NewTicketModal TextArea { height: 5; }
    NewTicketModal #buttons { height: auto; margin-top: 1; }
    NewTicketModal Button { min-width: 14; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel (draft kept)", id="modal.cancel"),
        Binding("f2", "submit", "Preview", id="new_ticket.preview"),
    ]

    def __init__(
        self,
        customer: Any,
        contacts: list[Any],
        *,
        problem_types: list[str],
        priorities: list[str],
        users: dict[int, str],
        default_user: int | None,
        today: date,
        draft: dict[str, Any] | None = None,
        on_change: Callable[[dict[str, Any]], None] | None = None,
    ) -> None:
        super().__init__()
        self.customer = customer
        self.contacts = contacts
        self.problem_types = problem_types
        self.priorities = priorities
        self.users = users
        self.default_user = default_user
        self.today = today
        self.draft = draft or {}
        self.on_change = on_change

    def compose(self) -> ComposeResult:
        d = self.draft
        with Vertical():
            yield Label(
                Text(f"New ticket for {clean(self.customer.display_name)}"), classes="modal-title"
            )
            with VerticalScroll():
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
                yield Label("Priority (required: pick one, or (none) on purpose)", classes="field")
                choices = [(p, p) for p in self.priorities if p and p != NO_PRIORITY]
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
                yield Select(
                    [
                        (clean(n), uid)
                        for uid, n in sorted(self.users.items(), key=lambda kv: kv[1].lower())
                    ],
                    prompt="(unassigned)",
                    value=user if user in self.users else Select.NULL,
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
            yield Label("", classes="error", id="error")
            with Horizontal(id="buttons"):
                yield Button("Preview (F2)", variant="primary", id="preview", compact=True)
                yield Button("Cancel (Esc)", id="cancel", compact=True)

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
            "priority": sel("priority"),
            "user_id": sel("user_id"),
            "due_date": self.query_one("#due_date", Input).value,
            "description": self.query_one("#description", TextArea).text,
        }

    def _changed(self) -> None:
        if self.on_change is not None and self.is_mounted:
            try:
                self.on_change(self.values())
            except OSError as exc:  # say so; the text stays in the form
                self.query_one("#error", Label).update(Text(f"Could not save the draft: {exc}"))

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _any_change(self, event: Any) -> None:
        self._changed()

    def validate(self, values: dict[str, Any]) -> str | None:
        if not values["subject"].strip():
            return "Subject is required."
        if values["priority"] is None:
            return "Pick a priority, or (none) to leave it unset on purpose."
        if values["user_id"] is None:
            return "Pick an assignee: without one Syncro leaves the ticket unassigned."
        return check_due_date(values["due_date"], self.today)

    def action_submit(self) -> None:
        values = self.values()
        problem = self.validate(values)
        if problem:
            self.query_one("#error", Label).update(Text(problem))
            field = (
                "#subject"
                if not values["subject"].strip()
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
            )
        )

    @on(Button.Pressed, "#preview")
    def _preview(self) -> None:
        self.action_submit()

    @on(Button.Pressed, "#cancel")
    def _cancel(self) -> None:
        self.action_cancel()

    def action_cancel(self) -> None:
        self.dismiss(None)


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
    def __init__(self, app: Any) -> None:
        self.app = app

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="new-ticket")

    async def run(self) -> None:
        from syncro_tui.ui.screens.customer import CustomerSearchModal

        app = self.app
        customer = await app.push_screen_wait(
            CustomerSearchModal(app, title="New ticket: which customer?")
        )
        if customer is None:
            return
        try:
            contacts = list((await app.session.client.contacts(customer_id=customer.id)).contacts)
        except Exception as exc:
            app.notify(
                f"Could not load contacts of {clean(customer.display_name)}: {exc}",
                severity="warning",
                markup=False,
            )
            contacts = []
        store = app.store
        drafts = app.drafts
        key = ("new_ticket", customer.id)
        while True:  # n or Esc in the preview comes back here with everything kept
            modal = NewTicketModal(
                customer,
                contacts,
                problem_types=store.problem_types,
                priorities=store.priorities,
                users=store.users,
                default_user=app.default_assignee(),
                today=date.fromtimestamp(app.clock()),
                draft=drafts.load(*key) if drafts else None,
                on_change=(lambda values: drafts.save(*key, values)) if drafts else None,
            )
            form = await app.push_screen_wait(modal)
            if form is None:
                return
            sent = await self.preview_and_send(form, customer, key)
            if sent is not None:
                if sent:
                    app.refresh_now()
                return

    async def preview_and_send(self, form: NewTicketForm, customer: Any, key: tuple) -> bool | None:
        """None when the preview was declined (back to the form), else whether it landed."""
        from syncro_tui.core import writes

        app, store = self.app, self.app.store
        try:
            open_rows = await app.session.search(
                customer_id=customer.id, status="Not Closed", max_pages=2
            )
        except Exception:
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
            user_id=form.user_id,
            due_date=date.fromisoformat(form.due_date) if form.due_date else None,
            description=form.description,
        )
        warnings = (
            [f"{len(alike)} similar open ticket(s) exist: is this a duplicate?"] if alike else []
        )
        if not await app.confirm_writes(
            f"Open a ticket for {clean(form.customer_name)} (customer {form.customer_id})",
            [intent],
            warnings=warnings,
            notes=notes,
        ):
            return None
        return await app.send_confirmed([intent], draft_key=key)
