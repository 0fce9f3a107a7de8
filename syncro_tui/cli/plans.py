"""Write plans for the command line and the agent server: the exact requests, checked first.

A ``Plan`` holds the ``WriteIntent``s (core/writes.py) the outbox will send, in order, and
what the preview shows: endpoint and exact JSON of each, who it is attributed to ("as NAME
(user_id N)", from GET /me), who gets emailed, warnings (similar open tickets, uncharged
time, a key that belongs to someone else). Billing is the core billing plan
(core/billing.py: comment, line item, invoice, read-back, status), the same as the TUI's.

Builders raise ``CommandError`` (code 2 for input, 1 otherwise) with what to do.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from syncro_tui.cli import exitcodes
from syncro_tui.cli.runtime import CommandError
from syncro_tui.core import writes as W
from syncro_tui.core.text import clean, one_line

DEFAULT_SUBJECT = "Update"  # the TUI comment form's default subject
KINDS = ("comment", "update", "bill", "new_ticket", "timer_entry")


@dataclass
class Step:
    title: str
    method: str
    path: str
    payload: dict[str, Any] | None  # None: a read (billing's invoice check)

    @property
    def endpoint(self) -> str:
        return f"{self.method} {self.path}"


@dataclass
class Plan:
    kind: str
    title: str
    intents: list[W.WriteIntent]
    steps: list[Step]
    attribution: str
    emails: str
    ticket_number: str | None = None
    warnings: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    billing: Any = None  # BillingRequest
    billing_ticket: Any = None  # the ticket detail billing plans on
    resume_run: int | None = None  # an unfinished billing run this plan resumes

    def preview_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "ticket": self.ticket_number,
            "requests": [
                {"title": s.title, "endpoint": s.endpoint, "json": s.payload} for s in self.steps
            ],
            "attribution": self.attribution,
            "emails": self.emails,
            "warnings": list(self.warnings),
            "notes": list(self.notes),
        }

    def preview_text(self) -> str:
        lines = [self.title, ""]
        several = len(self.steps) > 1
        for n, s in enumerate(self.steps, 1):
            lines.append(f"{n}. {s.title}" if several else s.title)
            lines.append(f"   {s.endpoint}")
            if s.payload is not None:
                body = json.dumps(s.payload, indent=2, ensure_ascii=False)
                lines += ["   " + line for line in body.splitlines()]
            lines.append("")
        lines.append(self.attribution)
        lines.append(f"Emails: {self.emails}")
        lines += [f"Warning: {w}" for w in self.warnings]
        lines += [f"Note: {n}" for n in self.notes]
        return "\n".join(clean(line) for line in lines)


def _step(intent: W.WriteIntent, title: str | None = None) -> Step:
    return Step(title or intent.label, intent.method, intent.path, intent.payload)


def usage(message: str) -> CommandError:
    return CommandError(message, exitcodes.USAGE)


# ------------------------------------------------------------------------------ context


async def who(session: Any, settings: Any) -> tuple[str, list[str]]:
    """("Sent as NAME (user_id N), the owner of the API key.", warnings) from GET /me: the
    TUI's line (``core.writes.attribution``)."""
    me = session.me or await session.load_me()
    line, warning = W.attribution(me, settings.expected_user)
    return line, [warning] if warning else []


async def ticket(session: Any, number: Any) -> Any:
    """The ticket detail for a number (#1030 or 1030); code 1 when there is none."""
    from syncro_tui.cli.reads import find_ticket

    text = str(number).strip().lstrip("#")
    if not text:
        raise usage("Give a ticket number, e.g. 1030.")
    detail = await find_ticket(session, text)
    if detail is None:
        raise CommandError(
            f"There is no ticket #{text}. `syncro-tui tickets --query TEXT` finds one."
        )
    return detail


def _contact_email(detail: Any) -> tuple[str, str | None]:
    contact = detail.contact
    name = (contact.name if contact is not None else "") or (detail.contact_fullname or "")
    email = contact.email if contact is not None else None
    if not email and detail.customer is not None:
        email = detail.customer.email
        name = name or detail.customer.display_name
    return name, email


async def assignee(session: Any, wanted: str | int | None) -> int | None:
    """ "me", a user id or a technician's name (unique, any case) -> user id."""
    if wanted is None or str(wanted).strip() == "":
        return None
    text = str(wanted).strip()
    if text.lower() == "me":
        me = session.me or await session.load_me()
        return int(me.user_id)
    if text.isdigit():
        return int(text)
    from syncro_tui.cli.reads import ensure_users

    users = await ensure_users(session)
    exact = [uid for uid, name in users.items() if name.lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    partial = [uid for uid, name in users.items() if text.lower() in name.lower()]
    if len(partial) == 1:
        return partial[0]
    known = ", ".join(f"{name} ({uid})" for uid, name in sorted(users.items())) or "none loaded"
    raise usage(f"No single technician matches {text!r}. Technicians: {known}.")


def _choice(value: str | None, allowed: list[str], what: str) -> str | None:
    """A status or priority as Syncro spells it (any case accepted when the list is known)."""
    if value is None:
        return None
    if not allowed:
        return value
    for option in allowed:
        if option.lower() == value.strip().lower():
            return option
    raise usage(f"{value!r} is not a {what} here. Choose one of: {', '.join(allowed)}.")


# ------------------------------------------------------------------------------ builders


async def comment(
    session: Any,
    settings: Any,
    *,
    number: Any,
    body: str,
    subject: str | None = None,
    public: bool = False,
    email: bool = False,
) -> Plan:
    """Internal note by default; ``public`` visible without email; ``email`` also emails."""
    detail = await ticket(session, number)
    visibility = "public_email" if email else ("public" if public else "internal")
    try:
        intent = W.comment(
            detail.id, subject or DEFAULT_SUBJECT, body, visibility, number=str(detail.number)
        )
    except ValueError as exc:
        raise usage(str(exc)) from None
    line, warnings = await who(session, settings)
    name, address = _contact_email(detail)
    emails = W.email_warning(intent, name, address) or (
        "nobody (internal note)" if visibility == "internal" else "nobody (public, no email)"
    )
    return Plan(
        "comment",
        f"Comment on #{detail.number} ({one_line(detail.subject)}): "
        f"{W.VISIBILITY_LABELS[visibility]}",
        [intent],
        [_step(intent, "Post the comment")],
        line,
        emails,
        str(detail.number),
        warnings,
    )


async def update(
    session: Any,
    settings: Any,
    *,
    number: Any,
    status: str | None = None,
    priority: str | None = None,
    assign: str | int | None = None,
    due: str | None = None,
) -> Plan:
    """One PUT /tickets/{id} with only the fields given."""
    detail = await ticket(session, number)
    changes: dict[str, Any] = {}
    if status is not None or priority is not None:
        try:
            await session.load_lists()
        except Exception:  # the lists only check spelling; Syncro checks the rest
            pass
    if status is not None:
        changes["status"] = _choice(status, list(session.store.statuses or []), "status")
    if priority is not None:
        changes["priority"] = _choice(priority, list(session.store.priorities or []), "priority")
    if assign is not None:
        changes["user_id"] = await assignee(session, assign)
    if due is not None:
        changes["due_date"] = _due(due)
    if not changes:
        raise usage("Nothing to change: give --status, --priority, --assign or --due.")
    try:
        intent = W.update_ticket(detail.id, changes, number=str(detail.number))
    except ValueError as exc:
        raise usage(str(exc)) from None
    line, warnings = await who(session, settings)
    notes = []
    if "user_id" in changes:
        from syncro_tui.cli.reads import ensure_users

        name = (await ensure_users(session)).get(changes["user_id"])
        notes.append(f"user_id {changes['user_id']} is {name or 'not a known technician'}.")
    return Plan(
        "update",
        f"Update #{detail.number} ({one_line(detail.subject)})",
        [intent],
        [_step(intent, "Change the ticket")],
        line,
        "nobody (a field change sends no email)",
        str(detail.number),
        warnings,
        notes,
    )


def _due(text: str) -> str:
    try:
        return date.fromisoformat(text.strip()[:10]).isoformat()
    except ValueError:
        raise usage(f"--due {text!r} is not a date: use YYYY-MM-DD.") from None


async def labor(session: Any, settings: Any, key: str) -> tuple[int, str]:
    """(product id, Syncro's product name) of a configured labor type; no default."""
    configured = dict(settings.labor_products)
    if not configured:
        raise usage(
            "No labor types are configured: add a [labor_products] table to the config "
            "(`syncro-tui doctor` checks it)."
        )
    if not key or key not in configured:
        raise usage(
            f"--labor {key!r} is not a configured labor type. Choose one of: "
            f"{', '.join(configured)}."
        )
    pid = configured[key]
    products = {p.id: p for p in await session.all_products()}
    if pid not in products:
        raise CommandError(
            f"Labor type {key} is product {pid}, which Syncro does not have. "
            "Fix [labor_products] in the config (`syncro-tui doctor` checks it)."
        )
    return pid, clean(products[pid].name) or key


async def bill(
    session: Any,
    settings: Any,
    *,
    number: Any,
    minutes: str | int,
    labor_key: str,
    description: str,
    comment: str | None = None,
    invoice: bool = False,
    again: bool = False,
) -> Plan:
    """The billing plan of core/billing.py. Resumes an unfinished run of the same billing."""
    from syncro_tui.core import billing as B
    from syncro_tui.core.timers import time_warnings

    try:
        count = B.parse_minutes(minutes)
    except ValueError as exc:
        raise usage(str(exc)) from None
    detail = await ticket(session, number)
    pid, product = await labor(session, settings, labor_key)
    try:
        request = B.BillingRequest(
            minutes=count,
            labor_key=labor_key,
            product_id=pid,
            product_name=product,
            description=description or "",
            comment_body=comment if comment and comment.strip() else (description or ""),
            create_invoice=bool(invoice),
        )
        B.TicketRef.of(detail)
        steps = B.plan(request, detail)
    except ValueError as exc:
        raise usage(str(exc)) from None
    line, warnings = await who(session, settings)
    warnings += time_warnings(detail, None)
    plan = Plan(
        "bill",
        f"Bill #{detail.number} ({one_line(detail.subject)}): {len(steps)} steps, in this order",
        [s.intent for s in steps if s.intent is not None],
        [
            _step(s.intent, s.title)
            if s.intent is not None
            else Step(s.title, "GET", s.endpoint[4:], None)
            for s in steps
        ],
        line,
        "nobody (the resolution comment is an internal note)",
        str(detail.number),
        warnings,
        [
            f"{count} min = {request.hours} h of {product}; no price is sent, so Syncro "
            "charges the product's rate.",
            "Step 4 reads the invoice back: its id is known only once step 3 lands."
            if invoice
            else "No invoice now: the time stays on the ticket as a line item.",
        ],
        billing=request,
        billing_ticket=detail,
    )
    if not again:
        _resume_unfinished(session, plan, detail)
    return plan


def _resume_unfinished(session: Any, plan: Plan, detail: Any) -> None:
    """A billing of this ticket that stopped earlier: the same request resumes it (steps that
    landed are not sent again); a different one is refused until it is finished."""
    from syncro_tui.core import billing as B

    run = session.stopped_billing(detail.id)
    if run is None:
        return
    run_id = run.run_id
    if run.request != plan.billing:
        raise CommandError(
            f"An earlier billing of #{detail.number} did not finish (run {run_id}): "
            f"{run.report().message} Finish it first: run that `bill` command again, or "
            "use the TUI (b). Add --again to bill separately anyway.",
            exitcodes.REPEAT,
        )
    done = {p.number for p in run.progress() if p.state == B.DONE}
    keep = [s for n, s in zip((s.number for s in run.steps), plan.steps) if n not in done]
    plan.steps = keep
    plan.intents = [s.intent for s in run.steps if s.intent is not None and s.number not in done]
    plan.resume_run = run_id
    plan.title = f"Resume billing #{detail.number} (run {run_id}): these steps are still to send"
    plan.notes.insert(0, f"Earlier: {run.report().message}")


async def new_ticket(
    session: Any,
    settings: Any,
    *,
    customer: str | int,
    subject: str,
    contact: int | None = None,
    priority: str | None = None,
    assign: str | int | None = None,
    problem_type: str | None = None,
    body: str | None = None,
) -> Plan:
    """POST /tickets, with the customer's similar open tickets listed before confirming."""
    cust = await find_customer(session, customer)
    user_id = await assignee(session, assign if assign is not None else settings.default_assignee)
    if user_id is None:  # Syncro leaves a ticket unassigned without one: the key's owner
        user_id = await assignee(session, "me")
    assert user_id is not None
    if priority is not None or problem_type is not None:
        try:
            await session.load_lists()
        except Exception:
            pass
    priority = _choice(priority, list(session.store.priorities or []), "priority")
    problem_type = _choice(problem_type, list(session.store.problem_types or []), "problem type")
    try:
        intent = W.new_ticket(
            customer_id=cust.id,
            subject=subject,
            user_id=user_id,
            priority=priority or "",
            problem_type=problem_type or "",
            contact_id=contact,
            description=body or "",
        )
    except ValueError as exc:
        raise usage(str(exc)) from None
    name = one_line(cust.display_name)
    open_rows = await session.search(customer_id=cust.id, status="Not Closed", max_pages=2)
    alike = similar(subject, open_rows)
    notes = (
        [f"Similar open tickets of {name}:"]
        + [f"  #{r.number}  {r.status}  {r.subject}" for r in alike]
        if alike
        else [f"{name} has no open ticket with a similar subject."]
    )
    warnings = [f"{len(alike)} similar open ticket(s) exist: is this a duplicate?"] if alike else []
    line, more = await who(session, settings)
    return Plan(
        "new_ticket",
        f"Open a ticket for {name} (customer {cust.id})",
        [intent],
        [_step(intent, "Create the ticket")],
        line,
        "nobody (the description is an internal first comment)"
        if body
        else "nobody (no first comment)",
        None,
        warnings + more,
        notes,
    )


def similar(subject: str, rows: list[Any], limit: int = 5) -> list[Any]:
    """Open tickets whose subject shares words of 3+ letters with the new one (as the TUI)."""
    words = set(re.findall(r"\w{3,}", subject.lower()))
    scored = []
    for row in rows:
        common = words & set(re.findall(r"\w{3,}", row.subject.lower()))
        if common:
            scored.append((len(common), row))
    scored.sort(key=lambda pair: -pair[0])
    return [row for _, row in scored[:limit]]


async def find_customer(session: Any, wanted: str | int) -> Any:
    """A customer by id, or by name when exactly one matches."""
    text = str(wanted).strip()
    if text.isdigit():
        from syncro_tui.api.errors import NotFound

        try:
            return await session.customer(int(text))
        except NotFound:
            raise usage(f"There is no customer {text}.") from None
    found = await session.customers(text)
    exact = [c for c in found if one_line(c.display_name).lower() == text.lower()]
    if len(exact) == 1:
        return exact[0]
    if len(found) == 1:
        return found[0]
    if not found:
        raise usage(f"No customer matches {text!r}.")
    names = "; ".join(f"{one_line(c.display_name)} ({c.id})" for c in found[:10])
    raise usage(f"Several customers match {text!r}: {names}. Give the id.")


async def timer_entry(
    session: Any,
    settings: Any,
    *,
    number: Any,
    start_at: datetime,
    end_at: datetime,
    notes: str,
    labor_key: str,
) -> Plan:
    """POST /tickets/{id}/timer_entry (the agent server's "timer entry")."""
    detail = await ticket(session, number)
    pid, product = await labor(session, settings, labor_key)
    try:
        intent = W.timer_entry(
            detail.id,
            start_at=start_at,
            end_at=end_at,
            notes=notes,
            product_id=pid,
            number=str(detail.number),
        )
    except ValueError as exc:
        raise usage(str(exc)) from None
    line, warnings = await who(session, settings)
    return Plan(
        "timer_entry",
        f"Timer entry on #{detail.number} ({one_line(detail.subject)}) as {product}",
        [intent],
        [_step(intent, "Add the timer entry")],
        line,
        "nobody",
        str(detail.number),
        warnings,
    )
