"""`e`: edit a ticket: status, priority, assignee, due date, subject, problem type and contact
in one PUT with one preview (only the fields that changed are sent)."""

from __future__ import annotations

from datetime import date
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.widgets import Input, Label, Select

from syncro_tui.core import choices, writes
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean
from syncro_tui.ui.screens.draft_modal import DraftModal, draft_buttons, not_sent_note

NOBODY = -1  # the assignee Select's "nobody" (Select cannot hold None as a value)
KIND = "edit"


def current_values(detail: Any, row: TicketRow) -> dict[str, Any]:
    """What the ticket holds now, in the form's terms."""
    due = getattr(detail, "due_date", None) or row.due_date
    return {
        "status": getattr(detail, "status", None) or row.status,
        "priority": getattr(detail, "priority", None) or row.priority,
        "user_id": getattr(detail, "user_id", None) or row.user_id or NOBODY,
        "due_date": str(due)[:10] if due else "",
        "subject": clean(getattr(detail, "subject", None) or row.subject),
        "problem_type": getattr(detail, "problem_type", None) or row.problem_type,
        "contact_id": getattr(detail, "contact_id", None) or NOBODY,
    }


def changes(before: dict[str, Any], after: dict[str, Any]) -> dict[str, Any]:
    """The fields to PUT: those that differ, in the API's terms (nobody -> null)."""
    out: dict[str, Any] = {}
    for key, value in after.items():
        if value == before.get(key):
            continue
        if key in ("user_id", "contact_id") and value == NOBODY:
            value = None
        out[key] = value
    return out


class EditModal(DraftModal[dict[str, Any] | None]):
    """Every editable field of a ticket on one screen. F2 previews the PUT."""

    row: TicketRow  # always opened on a ticket of the list

    KIND = KIND

    def __init__(
        self,
        row: TicketRow,
        drafts: Any,
        *,
        before: dict[str, Any],
        statuses: list[str],
        priorities: list[str],
        users: dict[int, str],
        me: int | None,
        me_name: str = "",
        problem_types: list[str],
        contacts: list[tuple[int, str]],
    ) -> None:
        super().__init__(row, drafts)
        self.before = before
        self.DEFAULTS = before  # type: ignore[misc]  # untouched fields are no draft
        self._lists = (statuses, priorities, users, me, problem_types, contacts)
        self.me_name = me_name

    def compose(self) -> ComposeResult:
        statuses, priorities, users, me, problem_types, contacts = self._lists
        v = {**self.before, **self.draft}

        def options(values: list[str], current: str) -> list[tuple[str, str]]:
            names = list(dict.fromkeys([*values, current] if current else values))
            return [(clean(n), n) for n in names]

        current = v["user_id"] if v["user_id"] != NOBODY else None
        people = [
            (label, uid)
            for uid, label in choices.assignees(users, me, current, me_name=self.me_name)
        ]
        people.append(("nobody (unassigned)", NOBODY))
        people_contacts = [(clean(n), cid) for cid, n in contacts] + [("none", NOBODY)]
        if v["contact_id"] not in {cid for _, cid in people_contacts}:
            people_contacts.insert(0, (f"contact {v['contact_id']}", v["contact_id"]))
        with Vertical():
            yield Label(Text(f"Edit #{self.row.number}"), classes="modal-title")
            yield from self.notes()
            with Vertical(id="form"):
                for label, widget in (
                    ("Subject", Input(v["subject"], id="subject", compact=True)),
                    ("Status", Select(options(choices.statuses(statuses, v["status"]), ""), value=v["status"], id="status", allow_blank=False, compact=True)),
                    ("Priority", Select(options(choices.priorities(priorities, v["priority"]), ""), value=v["priority"] or Select.BLANK, id="priority", compact=True)),
                    ("Assignee", Select(people, value=v["user_id"], id="user_id", allow_blank=False, compact=True)),
                    ("Due date", Input(v["due_date"], placeholder="YYYY-MM-DD or empty", id="due_date", compact=True)),
                    ("Problem type", Select(options(problem_types, v["problem_type"]), value=v["problem_type"] or Select.BLANK, id="problem_type", compact=True)),
                    ("Contact", Select(people_contacts, value=v["contact_id"], id="contact_id", allow_blank=False, compact=True)),
                ):  # fmt: skip
                    with Horizontal(classes="row"):
                        yield Label(label)
                        yield widget
            yield self.error_line()
            with Horizontal(id="buttons"):
                yield from draft_buttons()

    def on_mount(self) -> None:
        self.query_one("#subject", Input).focus()

    def values(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key in ("subject", "due_date"):
            out[key] = self.query_one(f"#{key}", Input).value.strip()
        for key in ("status", "priority", "user_id", "problem_type", "contact_id"):
            value = self.query_one(f"#{key}", Select).value
            out[key] = "" if value is Select.BLANK else value
        return out

    def action_submit(self) -> None:
        values = self.values()
        if not values["subject"]:
            self.show_error("The subject cannot be empty.")
            return
        if values["due_date"]:
            try:
                date.fromisoformat(values["due_date"])
            except ValueError:
                self.show_error(f"Due date must look like 2026-12-31, not {values['due_date']!r}.")
                return
        changed = changes(self.before, values)
        if not changed:
            self.show_error("Nothing changed.")
            return
        self.dismiss(changed)


class EditFlow:
    def __init__(self, app: Any, row: TicketRow) -> None:
        self.app = app
        self.row = row

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="edit")

    async def run(self) -> None:
        app, row = self.app, self.row
        store = app.store
        detail = store.detail_for(row.id)
        if detail is None:
            detail = await app.session.fetch_detail(row.id)
        customer_id = getattr(detail, "customer_id", None) or row.customer_id
        try:
            found = await app.session.contacts(customer_id) if customer_id else []
            contacts = [(int(c.id), clean(c.name or "")) for c in found]
        except Exception as exc:  # the contact list is a convenience: the others still work
            import logging

            logging.getLogger("syncro_tui.ui").warning("contacts not loaded: %s", exc)
            contacts = []
        before = current_values(detail, row)
        form = await app.push_screen_wait(
            EditModal(
                row,
                app.drafts,
                before=before,
                statuses=list(store.statuses),
                priorities=list(store.priorities),
                users=dict(store.users),
                me=getattr(store.me, "user_id", None),
                me_name=getattr(store.me, "user_name", "") or "",
                problem_types=list(store.problem_types),
                contacts=contacts,
            )
        )
        if form is None:
            app.notify(not_sent_note(app, KIND, row, "e"), markup=False)
            return
        payload = {k: v for k, v in form.items() if k != "due_date" or v}
        if "due_date" in form and not form["due_date"]:
            payload["due_date"] = None
        said = ", ".join(f"{k} -> {'nobody' if v is None else v}" for k, v in payload.items())
        intent = writes.update_ticket(row.id, payload, label=f"#{row.number}: {said}")
        await app.send_with_preview(f"Edit #{row.number}", [intent], draft_key=(KIND, row.id))
