"""Typed views of Syncro's JSON (pydantic v2), tolerant of the variance the real API shows.

* ``number`` (tickets, invoices): int or str -> ``str``.
* Money and quantities: ``Decimal`` (from ``"0.75"`` strings or numbers); ``""`` -> ``None``.
* Timestamps: aware ``datetime`` (``Z`` or an offset; a naive value is taken as UTC); ``""`` -> None.
* Every field except ``id`` is optional; unknown fields are kept on detail models
  (``extra="allow"``) and dropped on list models (``extra="ignore"``: 10,000 tickets parse fast).
* Wrapped or bare responses: use the ``from_response`` classmethods (``d.get("invoice", d)``).
"""

from __future__ import annotations

import zlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Annotated, Any, ClassVar

from pydantic import (
    AfterValidator,
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from syncro_tui.api.timestamps import parse_time

# --------------------------------------------------------------------------- field types


def _to_str_number(value: Any) -> Any:
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    if isinstance(value, Decimal):
        return str(value)
    if value is None:
        return ""
    return value


def _to_decimal(value: Any) -> Any:
    if value is None or isinstance(value, bool):
        return None if value is None else Decimal(int(value))
    if isinstance(value, str):
        text = value.strip().replace(",", "")
        if text.startswith("$"):
            text = text[1:]
        if not text:
            return None
        try:
            return Decimal(text)
        except InvalidOperation:
            return None
    if isinstance(value, float):
        return Decimal(repr(value))
    return value


def _to_aware(value: Any) -> Any:
    if value is None:
        return None
    if isinstance(value, str):
        if not value.strip():
            return None
        return value.strip()
    return value


def _ensure_tz(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value


def _none_to_empty(value: Any) -> Any:
    return "" if value is None else _number_to_text(value)


def _number_to_text(value: Any) -> Any:
    """A numeric subject, name or priority (``3``, ``12.5``) is read as its text."""
    if isinstance(value, bool):
        return value  # not text: left for the validator to refuse
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(value)
    return value


def _lenient_time(value: Any) -> Any:
    """For dates that do not decide anything in sync (due, start, end): an unreadable value
    ("0000-00-00", "not a date") reads as no date rather than making the ticket unreadable."""
    return parse_time(value)


def _none_to_list(value: Any) -> Any:
    return [] if value is None else value


def _none_to_dict(value: Any) -> Any:
    return {} if value is None or value == [] else value


def _int_or_none(value: Any) -> Any:
    if value == "" or value is None:
        return None
    return value


def _to_flag(value: Any) -> Any:
    """Checkbox-like values: ``"1"``/``"0"``, ``"true"``/``"false"``, numbers, booleans."""
    if isinstance(value, str):
        text = value.strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off", ""):
            return False
        return None
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return bool(value)
    return value


NumberStr = Annotated[str, BeforeValidator(_to_str_number)]
Flag = Annotated[bool | None, BeforeValidator(_to_flag)]
Money = Annotated[Decimal | None, BeforeValidator(_to_decimal)]
Quantity = Annotated[Decimal | None, BeforeValidator(_to_decimal)]


Timestamp = Annotated[datetime | None, BeforeValidator(_to_aware), AfterValidator(_ensure_tz)]
Text = Annotated[str, BeforeValidator(_none_to_empty)]
OptText = Annotated[str | None, BeforeValidator(_number_to_text)]
SoftTimestamp = Annotated[
    datetime | None, BeforeValidator(_lenient_time), AfterValidator(_ensure_tz)
]
OptInt = Annotated[int | None, BeforeValidator(_int_or_none)]


StrList = Annotated[list[str], BeforeValidator(_none_to_list)]
AnyDict = Annotated[dict[str, Any], BeforeValidator(_none_to_dict)]
AnyList = Annotated[list[Any], BeforeValidator(_none_to_list)]


class _Detail(BaseModel):
    model_config = ConfigDict(extra="allow", populate_by_name=True)


class _Light(BaseModel):
    model_config = ConfigDict(extra="ignore", populate_by_name=True)


def _unwrap(data: Any, *keys: str) -> Any:
    if isinstance(data, dict):
        for key in keys:
            inner = data.get(key)
            if isinstance(inner, dict):
                return inner
    return data


# --------------------------------------------------------------------------- people


class User(_Detail):
    """A technician. From ``[id, name]`` pairs (GET /users), ``{"id","name"}`` objects
    (/tickets/settings) or full user objects (``{"id","email","full_name",...}``)."""

    id: OptInt = None
    name: Text = ""
    email: str | None = None
    full_name: str | None = None
    group: str | None = None
    admin: bool | None = None
    color: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_pair(cls, data: Any) -> Any:
        if isinstance(data, (list, tuple)):
            pair = list(data) + [None, None]
            return {"id": pair[0], "name": pair[1] or ""}
        if isinstance(data, dict) and not data.get("name"):
            data = dict(data)
            data["name"] = data.get("full_name") or data.get("email") or ""
        return data

    @property
    def display_name(self) -> str:
        return self.name or self.full_name or self.email or (f"user {self.id}" if self.id else "")


class Me(_Detail):
    """GET /me (bare)."""

    user_id: OptInt = None
    user_name: Text = ""
    user_email: str | None = None
    user_token: str | None = Field(default=None, repr=False)
    admin: bool | None = None
    can_use_app: bool | None = None
    two_factor_required: bool | None = None
    subdomain: str | None = None
    default_location: Any = None
    enable_multi_locations: bool | None = None
    locations_allowed: AnyList = []
    permissions: AnyDict = {}

    def can(self, area: str, right: str) -> bool | None:
        """``me.can("ticket", "write")``: True/False, or None when /me does not say."""
        section = self.permissions.get(area)
        if isinstance(section, dict) and right in section:
            return bool(section[right])
        return None


class Contact(_Detail):
    id: OptInt = None  # nested contacts (invoice.customer.contacts) may omit it
    name: Text = ""
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    extension: str | None = None
    customer_id: OptInt = None
    address1: str | None = None
    address2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    notes: str | None = None
    opt_out: bool | None = None
    properties: AnyDict = {}
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def title(self) -> str:
        value = self.properties.get("title") if isinstance(self.properties, dict) else None
        return str(value) if value else ""


class Customer(_Detail):
    id: int
    firstname: str | None = None
    lastname: str | None = None
    fullname: str | None = None
    business_name: str | None = None
    business_then_name: str | None = None
    business_and_full_name: str | None = None
    email: str | None = None
    phone: str | None = None
    mobile: str | None = None
    address: str | None = None
    address_2: str | None = None
    city: str | None = None
    state: str | None = None
    zip: str | None = None
    notes: str | None = None
    disabled: bool | None = None
    no_email: bool | None = None
    prepay_hours: Quantity = None
    properties: AnyDict = {}
    contacts: Annotated[list[Contact], BeforeValidator(_none_to_list)] = []
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def display_name(self) -> str:
        person = self.fullname or " ".join(p for p in (self.firstname, self.lastname) if p)
        return self.business_then_name or self.business_name or person or f"customer {self.id}"


# --------------------------------------------------------------------------- ticket parts


class Comment(_Detail):
    id: int
    ticket_id: OptInt = None
    subject: Text = ""
    body: Text = ""
    tech: str | None = None
    hidden: bool = False
    user_id: OptInt = None
    is_rich_text: bool | None = None
    user: User | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @model_validator(mode="before")
    @classmethod
    def _empty_user(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("user") in ({}, []):
            data = dict(data)
            data["user"] = None
        return data

    @property
    def private(self) -> bool:
        return bool(self.hidden)

    @property
    def author(self) -> str:
        if self.tech:
            return self.tech
        if self.user is not None and self.user.display_name:
            return self.user.display_name
        return ""

    @classmethod
    def from_response(cls, data: Any) -> Comment:
        return cls.model_validate(_unwrap(data, "comment"))


class LineItem(_Detail):
    """A ticket line item. ``quantity`` arrives as ``"1.0"``; ``price_*`` are dollars (numbers),
    ``*_cents`` integers."""

    id: int
    ticket_id: OptInt = None
    user_id: OptInt = None
    product_id: OptInt = None
    name: Text = ""
    description: Text = ""
    quantity: Quantity = None
    price_cost: Money = None
    price_retail: Money = None
    cost_cents: OptInt = None
    retail_cents: OptInt = None
    taxable: bool | None = None
    product_category: str | None = None
    upc_code: str | None = None
    position: OptInt = None
    discount_dollars: Money = None
    line_discount_percent: Money = None
    converted: bool | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def unit_price(self) -> Decimal | None:
        if self.price_retail is not None:
            return self.price_retail
        if self.retail_cents is not None:
            return Decimal(self.retail_cents) / 100
        return None

    @property
    def total(self) -> Decimal | None:
        price = self.unit_price
        if price is None:
            return None
        return price * (self.quantity if self.quantity is not None else Decimal(1))

    @classmethod
    def from_response(cls, data: Any) -> LineItem:
        return cls.model_validate(_unwrap(data, "ticket_line_item", "line_item"))


class TimerEntry(_Detail):
    """A ticket timer. Requests say ``start_at``/``end_at``; responses ``start_time``/``end_time``
    (both accepted). ``active_duration`` is in seconds."""

    id: int
    ticket_id: OptInt = None
    user_id: OptInt = None
    start_time: Timestamp = Field(
        default=None, validation_alias=AliasChoices("start_time", "start_at")
    )
    end_time: Timestamp = Field(default=None, validation_alias=AliasChoices("end_time", "end_at"))
    recorded: bool = False
    billable: bool | None = None
    notes: str | None = None
    product_id: OptInt = None
    comment_id: OptInt = None
    ticket_line_item_id: OptInt = None
    active_duration: OptInt = None
    billable_time: OptInt = None
    billable_override: Any = None
    toggl_id: Any = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def duration(self) -> timedelta | None:
        if self.active_duration is not None:
            return timedelta(seconds=self.active_duration)
        if self.start_time is not None and self.end_time is not None:
            return self.end_time - self.start_time
        return None

    @property
    def duration_minutes(self) -> int | None:
        d = self.duration
        return None if d is None else int(round(d.total_seconds() / 60))

    @property
    def charged(self) -> bool:
        return bool(self.recorded)

    @classmethod
    def from_response(cls, data: Any) -> TimerEntry:
        return cls.model_validate(_unwrap(data, "ticket_timer", "timer", "timer_entry"))


class Appointment(_Detail):
    """GET /appointments items (each wrapped in ``appointment`` in the spec example, bare
    elsewhere: both accepted) and ``ticket.appointments[]``. Ids go above 2^31."""

    id: int
    summary: Text = ""
    description: Text = ""
    customer_id: OptInt = None
    ticket_id: OptInt = None
    user_id: OptInt = None
    start_at: Timestamp = None
    end_at: Timestamp = None
    location: str | None = None
    all_day: Flag = None
    do_not_email: Flag = None
    start_at_label: str | None = None
    customer: Customer | None = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any) -> Any:
        data = _unwrap(data, "appointment")
        if isinstance(data, dict) and not isinstance(data.get("customer"), dict | None):
            data = dict(data)
            data["customer"] = None
        elif isinstance(data, dict) and data.get("customer") == {}:
            data = dict(data)
            data["customer"] = None
        return data

    @classmethod
    def from_response(cls, data: Any) -> Appointment:
        return cls.model_validate(data)


# --------------------------------------------------------------------------- tickets


class Ticket(_Light):
    """A ticket as GET /tickets lists it (light: unknown fields are dropped)."""

    id: int
    number: NumberStr = ""
    subject: Text = ""
    status: Text = ""
    priority: Text = ""
    problem_type: Text = ""
    customer_id: OptInt = None
    customer_business_then_name: OptText = None
    contact_id: OptInt = None
    contact_fullname: OptText = None
    user_id: OptInt = None
    user: User | None = None
    location_id: OptInt = None
    location_name: OptText = None
    ticket_type_id: OptInt = None
    ticket_type_name: OptText = None
    billing_status: OptText = None
    customer_reply: bool | None = None
    sla_id: OptInt = None
    sla_name: OptText = None
    sla_breached: bool | None = None
    sla_breaching_soon: bool | None = None
    contract_id: OptInt = None
    contract_name: OptText = None
    parent_id: OptInt = None
    tag_list: StrList = []
    properties: AnyDict = {}
    total_formatted_billable_time: OptText = None
    created_at: Timestamp = None
    updated_at: Timestamp = None
    due_date: SoftTimestamp = None
    start_at: SoftTimestamp = None
    end_at: SoftTimestamp = None
    resolved_at: SoftTimestamp = None
    comments: Annotated[list[Comment], BeforeValidator(_none_to_list)] = []
    # Set only on a placeholder for a ticket of a list page that could not be read: what was
    # wrong with it (the rest of the page is read as usual).
    unreadable: str | None = None
    due_date_raw: str | None = Field(default=None, exclude=True)

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any) -> Any:
        if isinstance(data, dict):
            user = data.get("user")
            if (user is not None and not isinstance(user, dict)) or user == {}:
                data = dict(data)
                data["user"] = None
            due = data.get("due_date")
            if isinstance(due, str) and due.strip():
                data = dict(data)
                data["due_date_raw"] = due.strip()
        return data

    @classmethod
    def placeholder(cls, item: Any, problem: str) -> Ticket:
        """A stand-in for a list item that could not be read: its id and number when they
        can be made out (else a negative id that no request will use), and what was wrong."""
        raw = item if isinstance(item, dict) else {}
        ident = raw.get("id")
        try:
            tid = int(ident) if ident is not None and not isinstance(ident, bool) else None
        except (TypeError, ValueError):
            tid = None
        number = raw.get("number")
        number_text = str(number) if isinstance(number, (str, int)) and number != "" else ""
        if tid is None or tid <= 0:
            seed = f"{ident!r}/{number_text}".encode()
            tid = -(zlib.crc32(seed) % 2_000_000_000 + 1)  # stable across runs (the cache)
        return cls.model_construct(
            id=tid,
            number=number_text or (str(tid) if tid > 0 else "?"),
            unreadable=problem,
        )

    @property
    def due_calendar_date(self) -> str | None:
        """``YYYY-MM-DD`` as Syncro sent it when the due date has no time (date only)."""
        raw = self.due_date_raw
        return raw if raw and len(raw) == 10 and self.due_date is not None else None

    @property
    def customer_name(self) -> str:
        return self.customer_business_then_name or ""

    @property
    def contact_name(self) -> str:
        return self.contact_fullname or ""

    @property
    def assignee(self) -> str:
        return self.user.display_name if self.user is not None else ""

    @property
    def customer_reply_waiting(self) -> bool:
        return bool(self.customer_reply)


class TicketDetail(Ticket):
    """A ticket as GET/POST/PUT /tickets/{id} return it (unknown fields kept)."""

    model_config = ConfigDict(extra="allow", populate_by_name=True)

    line_items: Annotated[list[LineItem], BeforeValidator(_none_to_list)] = []
    ticket_timers: Annotated[list[TimerEntry], BeforeValidator(_none_to_list)] = []
    customer: Customer | None = None
    contact: Contact | None = None
    attachments: AnyList = []
    asset_ids: AnyList = []
    appointments: Annotated[list[Appointment], BeforeValidator(_none_to_list)] = []
    ticket_type: AnyDict | None = None
    intake_form_html: str | None = None
    signature_name: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _detail_tidy(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for key in ("customer", "contact", "ticket_type"):
                if data.get(key) in ({}, []):
                    data[key] = None
        return data

    @model_validator(mode="after")
    def _fallbacks(self) -> TicketDetail:
        if self.contact_id is None and self.contact is not None:
            self.contact_id = self.contact.id
        if not self.contact_fullname and self.contact is not None and self.contact.name:
            self.contact_fullname = self.contact.name
        if not self.customer_business_then_name and self.customer is not None:
            self.customer_business_then_name = self.customer.display_name
        if self.customer_id is None and self.customer is not None:
            self.customer_id = self.customer.id
        # Newest first, whatever order the server used (undated comments last).
        epoch = datetime.min.replace(tzinfo=UTC)
        self.comments = sorted(
            self.comments, key=lambda c: (c.created_at or epoch, c.id), reverse=True
        )
        return self

    @property
    def public_comments(self) -> list[Comment]:
        return [c for c in self.comments if not c.hidden]

    @property
    def uncharged_timers(self) -> list[TimerEntry]:
        return [t for t in self.ticket_timers if not t.recorded]

    @classmethod
    def from_response(cls, data: Any) -> TicketDetail:
        return cls.model_validate(_unwrap(data, "ticket"))


# --------------------------------------------------------------------------- invoices


class InvoiceLineItem(_Detail):
    id: OptInt = None
    invoice_id: OptInt = None
    item: str | None = None
    name: Text = ""
    quantity: Quantity = None
    price: Money = None
    cost: Money = None
    taxable: bool | None = None
    product_id: OptInt = None
    position: OptInt = None
    discount_dollars: Money = None
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @property
    def total(self) -> Decimal | None:
        if self.price is None:
            return None
        return self.price * (self.quantity if self.quantity is not None else Decimal(1))


class Invoice(_Detail):
    """POST /invoices and GET /invoices/{id} (wrapped in ``invoice`` or bare)."""

    id: int
    number: NumberStr = ""
    customer_id: OptInt = None
    customer_business_then_name: str | None = None
    ticket_id: OptInt = None
    contact_id: OptInt = None
    user_id: OptInt = None
    location_id: OptInt = None
    date: Timestamp = None
    due_date: Timestamp = None
    subtotal: Money = None
    total: Money = None
    tax: Money = None
    hardwarecost: Money = None
    is_paid: bool | None = None
    verified_paid: bool | None = None
    tech_marked_paid: bool | None = None
    po_number: str | None = None
    note: str | None = None
    pdf_url: str | None = None
    customer: Customer | None = None
    line_items: Annotated[list[InvoiceLineItem], BeforeValidator(_none_to_list)] = []
    payments: AnyList = []
    created_at: Timestamp = None
    updated_at: Timestamp = None

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("customer") in ({}, []):
            data = dict(data)
            data["customer"] = None
        return data

    @property
    def customer_name(self) -> str:
        if self.customer_business_then_name:
            return self.customer_business_then_name
        return self.customer.display_name if self.customer is not None else ""

    @classmethod
    def from_response(cls, data: Any) -> Invoice:
        return cls.model_validate(_unwrap(data, "invoice"))


# --------------------------------------------------------------------------- catalogue


class Product(_Detail):
    id: int
    name: Text = ""
    description: str | None = None
    price_cost: Money = None
    price_retail: Money = None
    price_wholesale: Money = None
    quantity: Quantity = None
    taxable: bool | None = None
    disabled: bool | None = None
    maintain_stock: bool | None = None
    product_category: str | None = None
    category_path: str | None = None
    upc_code: str | None = None


class CannedResponse(_Detail):
    """GET /canned_responses items: ``title, subject, body, category_name``."""

    id: int
    title: Text = ""
    subject: Text = ""
    body: Text = ""
    canned_response_category_id: OptInt = None
    category_name: str | None = None


class CannedResponseCategory(_Detail):
    id: OptInt = None
    name: Text = ""


class CannedResponseSettings(_Detail):
    """GET /canned_responses/settings (bare)."""

    canned_response_categories: Annotated[
        list[CannedResponseCategory], BeforeValidator(_none_to_list)
    ] = []
    subjects: StrList = []
    can_manage: bool | None = None

    @property
    def categories(self) -> list[str]:
        return [c.name for c in self.canned_response_categories if c.name]


class SearchHit(_Detail):
    """One GET /search result, from ``{"table": {"_id", "_type", "_index", "_source":
    {"table": {...}}}}`` (the spec's shape) or the same without the ``table`` levels."""

    kind: Text = ""
    index: Text = ""
    id: OptInt = None
    fields: AnyDict = {}

    @model_validator(mode="before")
    @classmethod
    def _from_es(cls, data: Any) -> Any:
        if not isinstance(data, dict) or "kind" in data:
            return data
        hit = _unwrap(data, "table")
        source = hit.get("_source") if isinstance(hit, dict) else None
        source = _unwrap(source, "table")
        return {
            "kind": hit.get("_type") or "",
            "index": hit.get("_index") or "",
            "id": hit.get("_id"),
            "fields": source if isinstance(source, dict) else {},
        }


class SearchResults(_Light):
    """GET /search: ``{"quick_result", "results": [...], "error"}``."""

    quick_result: Any = None
    results: Annotated[list[SearchHit], BeforeValidator(_none_to_list)] = []
    error: Any = None

    def of_kind(self, kind: str) -> list[SearchHit]:
        return [hit for hit in self.results if hit.kind == kind]


# --------------------------------------------------------------------------- settings


class TicketSettings(_Detail):
    """GET /tickets/settings (bare)."""

    ticket_status_list: StrList = []
    default_labor_product_id: OptInt = None
    ticket_timer_charge_by_default: bool | None = None
    users: Annotated[list[User], BeforeValidator(_none_to_list)] = []
    ticket_types: AnyList = []
    saved_searches: AnyList = []
    appointment_types: AnyList = []
    problem_types: StrList = []

    @property
    def statuses(self) -> list[str]:
        return list(self.ticket_status_list)


class Locale(_Detail):
    iso_code: str | None = None
    currency_symbol: str | None = None
    date_format: str | None = None
    time_format: str | None = None
    time_zone: str | None = None
    time_offset: str | None = None


class TicketOptions(_Detail):
    problem_types: StrList = []
    priorities: StrList = []
    ticket_types: AnyList = []


class AccountSettings(_Detail):
    """GET /settings (bare)."""

    ticket: TicketOptions = Field(default_factory=TicketOptions)
    locale: Locale = Field(default_factory=Locale)
    business_hours: AnyList = []
    business_hours_enabled: bool | None = None

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = dict(data)
            for key in ("ticket", "locale"):
                if not isinstance(data.get(key), dict):
                    data.pop(key, None)
        return data

    @property
    def problem_types(self) -> list[str]:
        return list(self.ticket.problem_types)

    @property
    def priorities(self) -> list[str]:
        return list(self.ticket.priorities)

    @property
    def time_zone(self) -> str | None:
        return self.locale.time_zone


# --------------------------------------------------------------------------- pages


class PageMeta(_Light):
    """``meta`` of a list response. Tickets only promise ``total_pages`` and ``page``."""

    total_pages: int = 1
    page: int = 1
    per_page: OptInt = None
    total_entries: OptInt = None
    has_total: bool = Field(default=False, exclude=True)  # did the server send total_pages?

    @model_validator(mode="before")
    @classmethod
    def _tidy(cls, data: Any) -> Any:
        if isinstance(data, dict):
            data = {k: v for k, v in data.items() if v is not None and k != "has_total"}
            data["has_total"] = "total_pages" in data
            return data
        return {} if data is None else data


class _Page(_Light):
    items_key: ClassVar[str] = ""
    meta: PageMeta = Field(default_factory=PageMeta)

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: Any) -> Any:
        if isinstance(data, list):
            return {cls.items_key: data}
        if isinstance(data, dict) and data.get("meta") is None and "meta" in data:
            data = dict(data)
            data.pop("meta")
        return data

    @property
    def items(self) -> list:
        return getattr(self, self.items_key)

    @property
    def has_more(self) -> bool:
        return self.meta.page < self.meta.total_pages

    def __len__(self) -> int:
        return len(self.items)


class TicketPage(_Page):
    """A list page, read ticket by ticket: one malformed ticket becomes a placeholder
    (``Ticket.unreadable`` says what was wrong) and never fails the others."""

    items_key: ClassVar[str] = "tickets"
    tickets: list[Ticket]

    @model_validator(mode="before")
    @classmethod
    def _each_ticket(cls, data: Any) -> Any:
        if isinstance(data, list):
            data = {"tickets": data}
        if not isinstance(data, dict) or not isinstance(data.get("tickets"), list):
            return data
        data = dict(data)
        data["tickets"] = [_read_ticket(item) for item in data["tickets"]]
        return data

    @property
    def unreadable(self) -> list[Ticket]:
        return [t for t in self.tickets if t.unreadable]


def read_list_ticket(item: Any) -> Ticket:
    """One item of a list page as a model; a malformed one as its placeholder."""
    return _read_ticket(item)


def _read_ticket(item: Any) -> Ticket:
    if isinstance(item, Ticket):
        return item
    try:
        return Ticket.model_validate(item)
    except ValidationError as exc:
        return Ticket.placeholder(item, describe_validation(exc))


def describe_validation(exc: ValidationError) -> str:
    """``priority: not text (got a list)``: the first problem, in a few plain words."""
    try:
        err = exc.errors(include_url=False, include_input=True)[0]
    except Exception:  # pragma: no cover - pydantic always has one error here
        return "unreadable"
    where = ".".join(str(p) for p in err.get("loc", ())) or "ticket"
    got = err.get("input")
    kind = type(got).__name__ if got is not None else "null"
    kind = {"str": "text", "int": "a number", "float": "a number", "list": "a list"}.get(kind, kind)
    shown = repr(got)[:40] if isinstance(got, (str, int, float)) else kind
    msg = str(err.get("msg", "invalid")).replace("Input should be", "should be")
    return f"{where}: {msg[:80]} (got {shown})"


class CommentPage(_Page):
    items_key: ClassVar[str] = "comments"
    comments: list[Comment]


class TimerPage(_Page):
    items_key: ClassVar[str] = "ticket_timers"
    ticket_timers: list[TimerEntry]


class CustomerPage(_Page):
    items_key: ClassVar[str] = "customers"
    customers: list[Customer]


class ContactPage(_Page):
    items_key: ClassVar[str] = "contacts"
    contacts: list[Contact]


class ProductPage(_Page):
    items_key: ClassVar[str] = "products"
    products: list[Product]


class InvoicePage(_Page):
    """GET /invoices: ``{"invoices": [...], "meta": {"total_pages", "page"}}``."""

    items_key: ClassVar[str] = "invoices"
    invoices: list[Invoice]


class CannedResponsePage(_Page):
    """GET /canned_responses: ``{"canned_responses": [...]}``, no meta in the spec."""

    items_key: ClassVar[str] = "canned_responses"
    canned_responses: list[CannedResponse]


class AppointmentPage(_Page):
    items_key: ClassVar[str] = "appointments"
    appointments: list[Appointment]


class UserList(_Light):
    """GET /users: ``{"users": [[id, name], ...]}`` (objects accepted too)."""

    users: list[User]


__all__ = [
    "AccountSettings",
    "Appointment",
    "AppointmentPage",
    "CannedResponse",
    "CannedResponseCategory",
    "CannedResponsePage",
    "CannedResponseSettings",
    "SearchHit",
    "SearchResults",
    "Comment",
    "CommentPage",
    "Contact",
    "ContactPage",
    "Customer",
    "CustomerPage",
    "Invoice",
    "InvoiceLineItem",
    "InvoicePage",
    "LineItem",
    "Locale",
    "Me",
    "PageMeta",
    "Product",
    "ProductPage",
    "Ticket",
    "TicketDetail",
    "TicketOptions",
    "TicketPage",
    "TicketSettings",
    "TimerEntry",
    "TimerPage",
    "User",
    "UserList",
]
