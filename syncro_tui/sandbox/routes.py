"""The endpoints: request parsing, the real validation rules and 422 shapes, wrappers.

Each route takes a ``Call`` (the parsed request plus the moment it is handled) and returns
``(status, payload)``; a failed check raises ``Reject`` with the exact status and body the
real API sends. The caller (``handler.Core``) holds the lock, so routes may mutate state.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, tzinfo
from datetime import time as dtime
from decimal import Decimal
from operator import attrgetter

from .formats import parse_time, start_of_day, to_decimal
from .render import Views
from .state import CLOSED_STATUSES, Comment, State, Ticket, Timer

NOT_FOUND = {"message": "Not found"}
PERMISSION_DENIED = {
    "error": "Not authorized. Please ask account admin to update your group permissions."
}
TIMER_NEEDS_START = {"error": "no implicit conversion of nil into String"}
TICKET_PAGE, TICKET_PAGE_MAX = 25, 100
COMMENT_PAGE = 10
CUSTOMER_PAGE = 25
CONTACT_PAGE = 50
PRODUCT_PAGE = 25
TIMER_PAGE = 100  # observed live (documented as 25)
INVOICE_PAGE = 25  # documented and observed live
APPOINTMENT_PAGE = 25
SEARCH_LIMIT = 25
CANNED = "Ticket Canned Responses - Manage"
_TRUE = {"true", "1", "yes", "on"}


class Reject(Exception):
    """Answer with this status and body instead of the route's normal result."""

    def __init__(self, status: int, payload: object) -> None:
        super().__init__(status, payload)
        self.status = status
        self.payload = payload


@dataclass(slots=True)
class Call:
    now: float
    query: dict[str, list[str]]
    json: dict

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def int_arg(self, name: str, default: int | None = None) -> int | None:
        value = self.arg(name)
        return default if value in (None, "") else _ruby_int(value)

    def page(self) -> int:
        return max(1, self.int_arg("page", 1) or 1)

    def per_page(self, default: int, maximum: int = TICKET_PAGE_MAX) -> int:
        value = self.int_arg("per_page", default) or default
        return min(value, maximum) if value > 0 else default

    def time_arg(self, name: str) -> float | None:
        value = self.arg(name)
        return None if value in (None, "") else _time(value)


# Syncro's own rule ("How ticket statuses change", reference section 9.16): a comment with
# one of these subjects moves the ticket to the status; other subjects change nothing. The
# match is taken as case- and spacing-insensitive, as the client's preview assumes.
STATUS_SUBJECTS = {
    "diagnosis": "In Progress",
    "parts arrival": "In Progress",
    "parts order": "Waiting for Parts",
}


def _ruby_int(value: object) -> int:
    """Ruby's String#to_i: leading digits or 0, so ``customer_id=abc`` matches nothing."""
    match = re.match(r"\s*([+-]?\d+)", str(value))
    return int(match.group(1)) if match else 0


def _time(value: object, date_zone: tzinfo = UTC) -> float:
    try:
        return parse_time(value, date_zone)
    except ValueError as exc:
        raise Reject(422, {"error": str(exc)}) from None


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in _TRUE


def _optional_int(value: object) -> int | None:
    return None if value in (None, "") else _ruby_int(value)


def _blank(value: object) -> bool:
    return value is None or not str(value).strip()


def _paginate(items: list, page: int, per_page: int) -> tuple[list, int]:
    """A page past the end is an empty list, never an error."""
    total_pages = math.ceil(len(items) / per_page)
    return items[(page - 1) * per_page : page * per_page], total_pages


class Routes:
    """One method per endpoint; ``TABLE`` maps (method, path regex) to it and its permission."""

    def __init__(self, state: State, views: Views, *, since_date_only: bool = False) -> None:
        self.state = state
        self.views = views
        # Some tenants honour only the date part of since_updated_at (PS-EXPORT) and of
        # created_after (read in the account's zone, section 9.4 of the reference).
        self.since_date_only = since_date_only

    def _ticket(self, ticket_id: str) -> Ticket:
        ticket = self.state.tickets.get(int(ticket_id))
        if ticket is None:
            raise Reject(404, NOT_FOUND)
        return ticket

    # -- account ---------------------------------------------------------------------------

    def me(self, call: Call) -> tuple[int, object]:
        return 200, self.views.me()

    def users(self, call: Call) -> tuple[int, object]:
        return 200, {"users": [[u.id, u.name] for u in self.state.users.values()]}

    def ticket_settings(self, call: Call) -> tuple[int, object]:
        return 200, self.views.ticket_settings()

    def account_settings(self, call: Call) -> tuple[int, object]:
        return 200, self.views.account_settings(call.now)

    # -- tickets ---------------------------------------------------------------------------

    def list_tickets(self, call: Call) -> tuple[int, object]:
        """Every documented filter; newest updated first; 25 per page, per_page up to 100."""
        # Tickets are stored in id order, so reversing gives the tie-break (newest id first)
        # and one stable sort on updated_at does the rest (a tuple key is 3x slower at 10k).
        tickets = list(reversed(self.state.tickets.values()))
        status = call.arg("status")
        if status == "Not Closed":
            tickets = [t for t in tickets if t.status not in CLOSED_STATUSES]
        elif status:
            tickets = [t for t in tickets if t.status == status]
        if _truthy(call.arg("mine", "false")):
            tickets = [t for t in tickets if t.user_id == self.state.me_id]
        for name in ("user_id", "customer_id", "contact_id"):
            wanted = call.int_arg(name)
            if wanted is not None:
                tickets = [t for t in tickets if getattr(t, name) == wanted]
        number = call.arg("number")
        if number:
            tickets = [t for t in tickets if str(t.number) == number.strip()]
        text = (call.arg("query") or "").strip().lower()
        if text:
            tickets = [t for t in tickets if self._ticket_matches(t, text)]
        since = call.time_arg("since_updated_at")
        if since is not None:
            if self.since_date_only:
                since = start_of_day(since)
            tickets = [t for t in tickets if t.updated_at >= since]
        created_after = call.time_arg("created_after")
        if created_after is not None:
            if self.since_date_only:  # the date alone, read as a day of the account's zone
                created_after = self._account_day_start(created_after)
            tickets = [t for t in tickets if t.created_at >= created_after]
        resolved_after = call.time_arg("resolved_after")
        if resolved_after is not None:
            tickets = [t for t in tickets if t.resolved_at and t.resolved_at >= resolved_after]
        tickets.sort(key=attrgetter("updated_at"), reverse=True)
        page = call.page()
        chunk, total_pages = _paginate(tickets, page, call.per_page(TICKET_PAGE))
        return 200, {
            "tickets": [self.views.ticket_list_item(t) for t in chunk],
            "meta": {"total_pages": total_pages, "page": page},
        }

    def _account_day_start(self, ts: float) -> float:
        """Midnight, in the account's zone, of the UTC date holding ``ts`` (a Rails app that
        reads only the date part of a filter reads it as a day of the account)."""
        day = datetime.fromtimestamp(ts, UTC).date()
        return datetime.combine(day, dtime(), self.views.account_tz).timestamp()

    def _ticket_matches(self, ticket: Ticket, text: str) -> bool:
        customer = self.state.customers.get(ticket.customer_id)
        name = customer.business_then_name.lower() if customer else ""
        return text in str(ticket.number) or text in ticket.subject.lower() or text in name

    def get_ticket(self, call: Call, ticket_id: str) -> tuple[int, object]:
        return 200, {"ticket": self.views.ticket_detail(self._ticket(ticket_id))}

    def create_ticket(self, call: Call) -> tuple[int, object]:
        body = call.json
        customer_id = _optional_int(body.get("customer_id"))
        if customer_id not in self.state.customers:
            raise Reject(422, {"error": "Customer required field"})
        if _blank(body.get("subject")):
            raise Reject(422, {"success": False, "message": ["Subject can't be blank"]})
        if self.state.require_ticket_type and _blank(body.get("ticket_type_id")):
            raise Reject(422, {"success": False, "message": ["Ticket type can't be blank"]})
        fields = self._ticket_fields(body)
        fields.pop("subject", None)  # passed on its own (PUT applies it through the fields)
        comments = self._nested_comments(body)
        ticket = self.state.create_ticket(
            call.now, customer_id=customer_id, subject=str(body["subject"]), **fields
        )
        for comment in comments:
            self._comment(ticket, call.now, comment)
        return 200, {"ticket": self.views.ticket_detail(ticket)}

    def update_ticket(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        body = call.json
        if "subject" in body and _blank(body["subject"]):
            raise Reject(422, {"success": False, "message": ["Subject can't be blank"]})
        fields = self._ticket_fields(body)
        if "subject" in body:
            fields["subject"] = str(body["subject"])
        if "customer_id" in body:
            customer_id = _optional_int(body["customer_id"])
            if customer_id not in self.state.customers:
                raise Reject(422, {"error": "Customer required field"})
            fields["customer_id"] = customer_id
        comments = self._nested_comments(body)
        self.state.update_ticket(ticket, call.now, **fields)
        for comment in comments:
            self._comment(ticket, call.now, comment)
        return 200, {"ticket": self.views.ticket_detail(ticket)}

    def _ticket_fields(self, body: dict) -> dict:
        """The writable ticket fields present in ``body``. ``number`` and ``line_items``
        are ignored: numbers are assigned by the account, line items need their own call."""
        fields: dict = {}
        for name in ("status", "priority", "problem_type", "subject"):
            if name in body:
                value = body[name]
                fields[name] = None if value is None else str(value)
        if fields.get("status") in (None, ""):
            fields.pop("status", None)
        if fields.get("subject") in (None, ""):
            fields.pop("subject", None)
        for name in ("user_id", "contact_id", "ticket_type_id", "sla_id"):
            if name in body:
                fields[name] = _optional_int(body[name])
        for name in ("due_date", "start_at", "end_at"):
            if name in body:
                # A date-only due date is a calendar date of the account (its midnight).
                day_zone = self.views.account_tz if name == "due_date" else UTC
                fields[name] = None if body[name] in (None, "") else _time(body[name], day_zone)
        if isinstance(body.get("tag_list"), list):
            fields["tag_list"] = [str(tag) for tag in body["tag_list"]]
        if isinstance(body.get("properties"), dict):
            fields["properties"] = dict(body["properties"])
        return fields

    def _nested_comments(self, body: dict) -> list[dict]:
        """``comments_attributes`` as a list (or Rails' {"0": {...}} hash), validated."""
        raw = body.get("comments_attributes") or []
        if isinstance(raw, dict):
            raw = list(raw.values())
        comments = [c for c in raw if isinstance(c, dict)]
        errors = []
        if any(_blank(c.get("body")) for c in comments):
            errors.append("Comments body can't be blank")
        if any(_blank(c.get("subject")) for c in comments):
            errors.append("Comments subject can't be blank")
        if errors:
            raise Reject(422, {"success": False, "message": errors})
        return comments

    # -- comments --------------------------------------------------------------------------

    def list_comments(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        page, per_page = call.page(), call.per_page(COMMENT_PAGE)
        newest_first = sorted(ticket.comments, key=lambda c: (c.created_at, c.id), reverse=True)
        chunk, total_pages = _paginate(newest_first, page, per_page)
        return 200, {
            "comments": [self.views.comment(c, with_user=True) for c in chunk],
            "meta": {"total_pages": total_pages, "page": page, "per_page": per_page},
        }

    def add_comment(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        body = call.json
        errors = []
        if _blank(body.get("body")):
            errors.append("Body can't be blank")
        if _blank(body.get("subject")):
            errors.append("Subject can't be blank")
        if errors:
            raise Reject(422, {"success": False, "message": errors})
        return 200, {"comment": self.views.comment(self._comment(ticket, call.now, body))}

    def _comment(self, ticket: Ticket, now: float, body: dict) -> Comment:
        """``do_not_email`` is accepted and dropped: Syncro never returns it. A subject
        Syncro acts on (``STATUS_SUBJECTS``) moves the ticket to its status."""
        me = self.state.me
        tech = body.get("tech")
        subject = str(body["subject"])
        comment = self.state.add_comment(
            ticket,
            now,
            subject=subject,
            body=str(body["body"]),
            hidden=_truthy(body.get("hidden", False)),
            tech=str(tech) if not _blank(tech) else me.name,
            user_id=me.id,
        )
        status = STATUS_SUBJECTS.get(" ".join(subject.split()).casefold())
        if status is not None and status != ticket.status:
            self.state.update_ticket(ticket, now, status=status)
        return comment

    # -- line items ------------------------------------------------------------------------

    def add_line_item(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        body = call.json
        self._require_name_and_description(body, ("name", "description"))
        item = self.state.add_line_item(
            ticket,
            call.now,
            name=str(body["name"]),
            description=str(body["description"]),
            quantity=self._quantity(body),
            product_id=_optional_int(body.get("product_id")),
            price_retail=self._decimal(body, "price_retail", None),
            taxable=_truthy(body.get("taxable", True)),
        )
        return 200, self.views.line_item(item)

    def update_line_item(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        body = call.json
        item = self.state.line_item(ticket, _optional_int(body.get("ticket_line_item_id")))
        if item is None:
            raise Reject(404, NOT_FOUND)
        self._require_name_and_description(body, [f for f in ("name", "description") if f in body])
        fields: dict = {}
        for name in ("name", "description"):
            if name in body:
                fields[name] = str(body[name])
        if "quantity" in body:
            fields["quantity"] = self._decimal(body, "quantity", item.quantity)
        if "price_retail" in body:
            fields["price_retail"] = self._decimal(body, "price_retail", item.price_retail)
        if "taxable" in body:
            fields["taxable"] = _truthy(body["taxable"])
        if "product_id" in body:
            fields["product_id"] = _optional_int(body["product_id"])
        self.state.update_line_item(ticket, item, call.now, **fields)
        return 200, {"ticket_line_item": self.views.line_item(item)}

    def remove_line_item(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        item = self.state.line_item(ticket, _optional_int(call.json.get("ticket_line_item_id")))
        if item is None:
            raise Reject(404, NOT_FOUND)
        self.state.remove_line_item(ticket, item, call.now)
        return 200, {"success": True, "message": ""}

    @staticmethod
    def _require_name_and_description(body: dict, fields) -> None:
        """The add_line_item 422: ``errors`` is one string, ``params`` an empty object.
        Both are required even with a product_id (no auto-fill from the product)."""
        errors = [
            f"{field.capitalize()} can't be blank" for field in fields if _blank(body.get(field))
        ]
        if errors:
            raise Reject(422, {"errors": ", ".join(errors), "params": {}})

    @staticmethod
    def _quantity(body: dict) -> Decimal:
        quantity = Routes._decimal(body, "quantity", Decimal(1))
        return Decimal(1) if quantity is None else quantity

    @staticmethod
    def _decimal(body: dict, name: str, default: Decimal | None) -> Decimal | None:
        if body.get(name) in (None, ""):
            return default
        try:
            return to_decimal(body[name])
        except ValueError:
            raise Reject(
                422, {"errors": f"{name.capitalize()} is not a number", "params": {}}
            ) from None

    # -- timers ----------------------------------------------------------------------------

    def add_timer(self, call: Call, ticket_id: str) -> tuple[int, object]:
        """``start_at`` is required; ``duration_minutes`` computes ``end_time`` when no
        ``end_at`` is given; ``billable`` is ignored (always true)."""
        ticket = self._ticket(ticket_id)
        body = call.json
        if body.get("start_at") in (None, ""):
            raise Reject(422, TIMER_NEEDS_START)
        start = _time(body["start_at"])
        end = None
        if body.get("end_at") not in (None, ""):
            end = _time(body["end_at"])
        elif body.get("duration_minutes") not in (None, ""):
            end = start + _ruby_int(body["duration_minutes"]) * 60
        timer = self.state.add_timer(
            ticket,
            call.now,
            start=start,
            end=end,
            notes=body.get("notes"),
            product_id=_optional_int(body.get("product_id")),
            user_id=_optional_int(body.get("user_id")),
        )
        return 200, self.views.timer(timer)

    def update_timer(self, call: Call, ticket_id: str) -> tuple[int, object]:
        """As observed live, ``duration_minutes`` here changes neither end_time nor
        active_duration (and ``end_at`` is not a field of this endpoint)."""
        ticket = self._ticket(ticket_id)
        body = call.json
        timer = self._timer(ticket, body)
        fields: dict = {}
        if body.get("start_at") not in (None, ""):
            fields["start_time"] = _time(body["start_at"])
        if "notes" in body:
            fields["notes"] = body["notes"]
        for name in ("product_id", "user_id"):
            if body.get(name) not in (None, ""):
                fields[name] = _ruby_int(body[name])
        self.state.update_timer(ticket, timer, call.now, **fields)
        return 200, self.views.timer(timer)

    def delete_timer(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        self.state.delete_timer(ticket, self._timer(ticket, call.json), call.now)
        return 200, {"success": True}

    def charge_timer(self, call: Call, ticket_id: str) -> tuple[int, object]:
        ticket = self._ticket(ticket_id)
        timer = self._timer(ticket, call.json)
        self.state.charge_timer(ticket, timer, call.now)
        return 200, self.views.timer(timer)

    def _timer(self, ticket: Ticket, body: dict) -> Timer:
        timer = self.state.timer(ticket, _optional_int(body.get("timer_entry_id")))
        if timer is None:
            raise Reject(404, NOT_FOUND)
        return timer

    def list_timers(self, call: Call) -> tuple[int, object]:
        timers = sorted(self.state.timers.values(), key=lambda t: t.id)
        after, before = call.time_arg("created_at_gt"), call.time_arg("created_at_lt")
        if after is not None:
            timers = [t for t in timers if t.created_at > after]
        if before is not None:
            timers = [t for t in timers if t.created_at < before]
        page = call.page()
        chunk, total_pages = _paginate(timers, page, call.per_page(TIMER_PAGE))
        return 200, {
            "ticket_timers": [self.views.timer(t) for t in chunk],
            "meta": {"total_pages": total_pages, "page": page},
        }

    # -- customers, contacts, products -------------------------------------------------------

    def _customers_matching(self, text: str) -> list:
        customers = sorted(
            self.state.customers.values(), key=lambda c: (c.business_then_name.lower(), c.id)
        )
        text = text.strip().lower()
        if not text:
            return customers
        return [
            c
            for c in customers
            if text in c.business_then_name.lower()
            or text in c.fullname.lower()
            or text in (c.email or "").lower()
            or any(text in contact.name.lower() for contact in c.contacts)  # as Syncro does
        ]

    def list_customers(self, call: Call) -> tuple[int, object]:
        customers = self._customers_matching(call.arg("query") or "")
        page, per_page = call.page(), call.per_page(CUSTOMER_PAGE)
        chunk, total_pages = _paginate(customers, page, per_page)
        return 200, {
            "customers": [self.views.customer(c) for c in chunk],
            "meta": {
                "total_pages": total_pages,
                "total_entries": len(customers),
                "per_page": per_page,
                "page": page,
            },
        }

    def autocomplete_customers(self, call: Call) -> tuple[int, object]:
        customers = self._customers_matching(call.arg("query") or "")[:CUSTOMER_PAGE]
        return 200, {"customers": [self.views.customer(c) for c in customers]}

    def get_customer(self, call: Call, customer_id: str) -> tuple[int, object]:
        customer = self.state.customers.get(int(customer_id))
        if customer is None:
            raise Reject(404, NOT_FOUND)
        return 200, {"customer": self.views.customer(customer)}

    def list_contacts(self, call: Call) -> tuple[int, object]:
        contacts = sorted(self.state.contacts.values(), key=lambda c: c.id)
        customer_id = call.int_arg("customer_id")
        if customer_id is not None:
            contacts = [c for c in contacts if c.customer_id == customer_id]
        page = call.page()
        chunk, total_pages = _paginate(contacts, page, CONTACT_PAGE)
        return 200, {
            "contacts": [self.views.contact(c) for c in chunk],
            "meta": {
                "total_pages": total_pages,
                "total_entries": len(contacts),
                "per_page": CONTACT_PAGE,
                "page": page,
            },
        }

    def get_contact(self, call: Call, contact_id: str) -> tuple[int, object]:
        """GET /contacts/{id} answers the bare contact (no ``contact`` wrapper)."""
        contact = self.state.contacts.get(int(contact_id))
        if contact is None:
            raise Reject(404, NOT_FOUND)
        return 200, self.views.contact(contact)

    # -- search, canned responses, appointments --------------------------------------------

    def search(self, call: Call) -> tuple[int, object]:
        """Global search: customers and tickets, each kind only with its list permission
        (as the spec says), as Elasticsearch-like hits; no paging."""
        text = (call.arg("query") or "").strip().lower()
        results: list[dict] = []
        if text:
            allowed = self.state.permissions
            if allowed["Customers - List/Search"]:
                results += [
                    self.views.customer_hit(c)
                    for c in self._customers_matching(text)[:SEARCH_LIMIT]
                ]
            if allowed["Tickets - List/Search"]:
                tickets = sorted(
                    (t for t in self.state.tickets.values() if self._ticket_matches(t, text)),
                    key=attrgetter("updated_at"),
                    reverse=True,
                )
                results += [self.views.ticket_hit(t) for t in tickets[:SEARCH_LIMIT]]
        return 200, {"quick_result": None, "results": results, "error": None}

    def list_canned_responses(self, call: Call) -> tuple[int, object]:
        """``query`` matches title, subject or body; no meta, as in the spec."""
        responses = sorted(self.state.canned_responses.values(), key=lambda r: r.id)
        text = (call.arg("query") or "").strip().lower()
        if text:
            responses = [
                r
                for r in responses
                if text in r.title.lower() or text in r.subject.lower() or text in r.body.lower()
            ]
        return 200, {"canned_responses": [self.views.canned_response(r) for r in responses]}

    def canned_response_settings(self, call: Call) -> tuple[int, object]:
        state = self.state
        subjects = sorted({r.subject for r in state.canned_responses.values()})
        return 200, {
            "canned_response_categories": [
                {"id": cid, "name": name} for cid, name in state.canned_categories.items()
            ],
            "subjects": subjects,
            "can_manage": True,
        }

    def list_appointments(self, call: Call) -> tuple[int, object]:
        """``mine``, ``date_from``/``date_to`` (on start_at), soonest first, 25 a page. Each
        item is wrapped in ``appointment`` as in the spec example. Without "Appointments -
        View All" a token sees only its own (see-own is never restricted)."""
        appointments = sorted(self.state.appointments.values(), key=lambda a: (a.start_at, a.id))
        own_only = not self.state.permissions["Appointments - View All"]
        if own_only or _truthy(call.arg("mine", "false")):
            appointments = [a for a in appointments if a.user_id == self.state.me_id]
        date_from, date_to = call.time_arg("date_from"), call.time_arg("date_to")
        if date_from is not None:
            appointments = [a for a in appointments if a.start_at >= date_from]
        if date_to is not None:
            if len(call.arg("date_to") or "") == 10:  # a date: the whole day counts
                date_to += 86_400
            appointments = [a for a in appointments if a.start_at < date_to]
        page = call.page()
        chunk, total_pages = _paginate(appointments, page, APPOINTMENT_PAGE)
        return 200, {
            "appointments": [{"appointment": self.views.appointment(a)} for a in chunk],
            "meta": {"total_pages": total_pages, "page": page},
        }

    def list_products(self, call: Call) -> tuple[int, object]:
        products = sorted(self.state.products.values(), key=lambda p: p.id)
        text = (call.arg("query") or "").strip().lower()
        if text:
            products = [
                p for p in products if text in p.name.lower() or text in p.description.lower()
            ]
        chunk, _ = _paginate(products, call.page(), PRODUCT_PAGE)
        return 200, {"products": [self.views.product(p) for p in chunk]}

    # -- invoices --------------------------------------------------------------------------

    def create_invoice(self, call: Call) -> tuple[int, object]:
        """``{"ticket_id", "customer_id"}`` works like "Make Invoice"; a ``line_items`` array
        in the body is ignored, as on the real API."""
        body = call.json
        ticket = None
        if body.get("ticket_id") not in (None, ""):
            ticket = self._ticket(str(_ruby_int(body["ticket_id"])))
        customer_id = _optional_int(body.get("customer_id"))
        if customer_id is None and ticket is not None:
            customer_id = ticket.customer_id
        if customer_id not in self.state.customers:
            raise Reject(422, {"success": False, "message": ["Customer can't be blank"]})
        invoice = self.state.create_invoice(
            call.now, customer_id=customer_id, ticket=ticket, day=call.now
        )
        return 200, {"invoice": self.views.invoice(invoice)}

    def list_invoices(self, call: Call) -> tuple[int, object]:
        """GET /invoices: ``ticket_id``, ``paid``/``unpaid``, ``since_updated_at``; newest
        first, 25 a page, the sparse meta of the spec (``total_pages`` and ``page`` only)."""
        invoices = sorted(self.state.invoices.values(), key=lambda i: i.id, reverse=True)
        ticket_id = call.int_arg("ticket_id")
        if ticket_id is not None:
            invoices = [i for i in invoices if i.ticket_id == ticket_id]
        # Nothing in the sandbox is ever paid; the flags still filter as Syncro's would.
        if _truthy(call.arg("paid", "false")):
            invoices = [i for i in invoices if i.is_paid]
        if _truthy(call.arg("unpaid", "false")):
            invoices = [i for i in invoices if not i.is_paid]
        since = call.time_arg("since_updated_at")
        if since is not None:
            invoices = [i for i in invoices if i.updated_at >= since]
        page = call.page()
        chunk, total_pages = _paginate(invoices, page, INVOICE_PAGE)
        return 200, {
            "invoices": [self.views.invoice(i) for i in chunk],
            "meta": {"total_pages": total_pages, "page": page},
        }

    def get_invoice(self, call: Call, key: str) -> tuple[int, object]:
        invoice = self.state.invoice_by_id_or_number(key)
        if invoice is None:
            raise Reject(404, NOT_FOUND)
        return 200, {"invoice": self.views.invoice(invoice, detail=True)}


_ID = r"(\d+)"
TICKETS_LIST = "Tickets - List/Search"
TICKETS_VIEW = "Tickets - View Details"
TICKETS_EDIT = "Tickets - Edit"
TIMERS = "Ticket Timers - Overview"

# (method, path regex below /api/v1, Routes method name, required permission or None)
TABLE = [
    ("GET", r"/me", "me", None),
    ("GET", r"/users", "users", None),
    ("GET", r"/settings", "account_settings", None),
    ("GET", r"/tickets/settings", "ticket_settings", None),
    ("GET", r"/tickets", "list_tickets", TICKETS_LIST),
    ("POST", r"/tickets", "create_ticket", "Tickets - Create"),
    ("GET", rf"/tickets/{_ID}", "get_ticket", TICKETS_VIEW),
    ("PUT", rf"/tickets/{_ID}", "update_ticket", TICKETS_EDIT),
    ("GET", rf"/tickets/{_ID}/comments", "list_comments", TICKETS_VIEW),
    ("POST", rf"/tickets/{_ID}/comment", "add_comment", TICKETS_EDIT),
    ("POST", rf"/tickets/{_ID}/add_line_item", "add_line_item", TICKETS_EDIT),
    ("PUT", rf"/tickets/{_ID}/update_line_item", "update_line_item", TICKETS_EDIT),
    ("POST", rf"/tickets/{_ID}/remove_line_item", "remove_line_item", TICKETS_EDIT),
    ("POST", rf"/tickets/{_ID}/timer_entry", "add_timer", TIMERS),
    ("PUT", rf"/tickets/{_ID}/update_timer_entry", "update_timer", TIMERS),
    ("POST", rf"/tickets/{_ID}/delete_timer_entry", "delete_timer", TIMERS),
    ("POST", rf"/tickets/{_ID}/charge_timer_entry", "charge_timer", TIMERS),
    ("GET", r"/ticket_timers", "list_timers", TIMERS),
    ("GET", r"/customers", "list_customers", "Customers - List/Search"),
    ("GET", r"/customers/autocomplete", "autocomplete_customers", "Customers - List/Search"),
    ("GET", rf"/customers/{_ID}", "get_customer", "Customers - View Detail"),
    ("GET", r"/contacts", "list_contacts", "Customers - View Detail"),
    ("GET", rf"/contacts/{_ID}", "get_contact", "Customers - View Detail"),
    ("GET", r"/search", "search", None),
    ("GET", r"/canned_responses", "list_canned_responses", CANNED),
    ("GET", r"/canned_responses/settings", "canned_response_settings", CANNED),
    ("GET", r"/appointments", "list_appointments", None),
    ("GET", r"/products", "list_products", "Products - List/Search"),
    ("GET", r"/invoices", "list_invoices", "Invoices - List/Search"),
    ("POST", r"/invoices", "create_invoice", "Invoices - Create"),
    ("GET", r"/invoices/([^/]+)", "get_invoice", "Invoices - View Details"),
]
COMPILED = [
    (method, re.compile(pattern + r"/?"), name, permission)
    for method, pattern, name, permission in TABLE
]


def resolve(method: str, path: str) -> tuple[str, tuple[str, ...], str | None] | None:
    """(route name, path ids, permission) for a request, or None for an unknown route."""
    for route_method, pattern, name, permission in COMPILED:
        if route_method == method:
            match = pattern.fullmatch(path)
            if match:
                return name, match.groups(), permission
    return None
