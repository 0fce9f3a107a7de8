"""What the command line and the agent server read from Syncro, as plain data.

Reads go through the core Session (its client, its shared rate budget, at the USER priority a
command's default). Every string that came from Syncro is cleaned (``core.text.clean``) here,
so callers print or return these dicts as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from syncro_tui.core.rows import TicketRow
from syncro_tui.core.text import clean, html_to_text, looks_like_html, one_line

MAX_PAGES = 10_000
VIEWS = ("open", "mine")


async def ensure_users(session: Any) -> dict[int, str]:
    """Technician names (two requests, once per command)."""
    if not session.users:
        try:
            await session.load_lists()
        except Exception:  # names are a nicety; ids still show
            return {}
    return session.users


def ticket_filters(
    *,
    view: str | None,
    status: str | None,
    customer_id: int | None,
    query: str | None,
    closed: tuple[str, ...],
) -> tuple[dict[str, Any], Callable[[TicketRow], bool]]:
    """The GET /tickets filters for a view, and what to drop from its pages.

    Without --status the queue is the open one (``status="Not Closed"`` less the closed
    statuses of the config), as in the TUI; ``mine`` narrows it to the key's owner.
    """
    filters: dict[str, Any] = {}
    keep: Callable[[TicketRow], bool] = lambda row: True  # noqa: E731
    if status:
        filters["status"] = status
    else:
        filters["status"] = "Not Closed"
        shut = set(closed)
        keep = lambda row: row.status not in shut  # noqa: E731
    if view == "mine":
        filters["mine"] = True
    if customer_id is not None:
        filters["customer_id"] = customer_id
    if query:
        filters["query"] = query
    return filters, keep


async def ticket_rows(
    session: Any,
    *,
    limit: int | None = None,
    keep: Callable[[TicketRow], bool] = lambda row: True,
    **filters: Any,
) -> list[TicketRow]:
    """Every ticket matching ``filters`` (all pages), or the first ``limit`` of them."""
    from syncro_tui.core.session import row_from_ticket

    def rows(tickets: list[Any]) -> list[TicketRow]:
        return [r for r in (row_from_ticket(t, session.users) for t in tickets) if keep(r)]

    if limit is None:
        found = await session.all_tickets(each_page=rows, **filters)
        return _newest_first(found)
    by_id: dict[int, TicketRow] = {}
    page = 1
    while len(by_id) < limit and page <= MAX_PAGES:
        got = await session.ticket_page(page, 100, **filters)
        fresh = 0
        for row in rows(got.tickets):
            if row.id not in by_id:
                by_id[row.id] = row
                fresh += 1
        done = page >= got.meta.total_pages if got.meta.has_total else not got.tickets
        if done or (not got.meta.has_total and not fresh):
            break
        page += 1
    return _newest_first(list(by_id.values()))[:limit]


def _number_key(row: TicketRow) -> tuple[int, str]:
    digits = row.number.lstrip("#")
    return (int(digits), "") if digits.isdigit() else (-1, digits)


def _newest_first(rows: list[TicketRow]) -> list[TicketRow]:
    return sorted(rows, key=_number_key, reverse=True)


def ticket_json(row: TicketRow) -> dict[str, Any]:
    return {
        "number": row.number,
        "id": row.id,
        "status": row.status,
        "priority": row.priority,
        "customer": row.customer_name,
        "customer_id": row.customer_id,
        "subject": row.subject,
        "assignee": row.assignee,
        "assignee_id": row.user_id,
        "updated_at": row.updated_at or None,
        "due_date": row.due_date or None,
    }


def _iso(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.isoformat()
    return clean(str(value))


def comment_text(comment: Any) -> str:
    body = comment.body or ""
    if getattr(comment, "is_rich_text", False) or looks_like_html(body):
        return html_to_text(body)
    return clean(body)


async def find_ticket(session: Any, number: str) -> Any:
    """The ticket detail for ``#N`` (or N). CommandError-free: None when there is none."""
    return await session.find_by_number(str(number).strip().lstrip("#"))


def ticket_detail_json(detail: Any, users: dict[int, str], last_comments: int = 5) -> dict:
    """A ticket with fields, contact, last comments (newest first), line items, timers."""
    from syncro_tui.core.session import row_from_ticket

    row = row_from_ticket(detail, users)
    contact = detail.contact
    customer = detail.customer
    comments = sorted(
        detail.comments,
        key=lambda c: (c.created_at.timestamp() if c.created_at else 0.0, c.id),
        reverse=True,
    )
    return {
        **ticket_json(row),
        "problem_type": row.problem_type,
        "created_at": _iso(detail.created_at),
        "resolved_at": _iso(detail.resolved_at),
        "customer": {
            "id": row.customer_id,
            "name": row.customer_name or (clean(customer.display_name) if customer else ""),
            "email": clean(customer.email) if customer and customer.email else None,
            "phone": clean(customer.phone) if customer and customer.phone else None,
        },
        "contact": (
            {
                "id": contact.id,
                "name": clean(contact.name),
                "email": clean(contact.email) if contact.email else None,
                "phone": clean(contact.phone or contact.mobile or "") or None,
            }
            if contact is not None
            else ({"id": None, "name": row.contact_name} if row.contact_name else None)
        ),
        "comments_total": len(comments),
        "comments": [
            {
                "id": c.id,
                "created_at": _iso(c.created_at),
                "visibility": "private" if c.hidden else "public",
                "tech": clean(c.tech or ""),
                "subject": one_line(c.subject),
                "body": comment_text(c),
            }
            for c in comments[:last_comments]
        ],
        "line_items": [
            {
                "id": li.id,
                "name": one_line(li.name),
                "description": clean(li.description),
                "quantity": str(li.quantity) if li.quantity is not None else None,
                "price_retail": str(li.price_retail) if li.price_retail is not None else None,
                "invoiced": li.converted,
            }
            for li in detail.line_items
        ],
        "timers": [
            {
                "id": t.id,
                "start": _iso(t.start_time),
                "end": _iso(t.end_time),
                "minutes": int(t.duration.total_seconds() // 60) if t.duration else None,
                "notes": clean(t.notes or ""),
                "charged": bool(t.recorded),
                "line_item_id": t.ticket_line_item_id,
            }
            for t in detail.ticket_timers
        ],
    }


async def customers(session: Any, query: str, limit: int = 25) -> list[dict[str, Any]]:
    """Customers matching ``query`` (name, business, email, phone), first page."""
    found = await session.customers(query)
    return [
        {
            "id": c.id,
            "name": one_line(c.display_name),
            "email": clean(c.email) if c.email else None,
            "phone": clean(c.phone) if c.phone else None,
        }
        for c in found[:limit]
    ]
