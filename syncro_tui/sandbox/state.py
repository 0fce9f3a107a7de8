"""The sandbox's records and the operations that change them.

Everything here is plain data plus domain rules (numbering, the charge quirk, what an
invoice pulls in). HTTP concerns (required fields, 422 shapes, wrappers) live in
``routes.py``; rendering to JSON lives in ``render.py``. Callers hold the sandbox lock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

# Statuses that ``status=Not Closed`` leaves out.
CLOSED_STATUSES = frozenset({"Resolved", "Invoiced", "Closed"})
DEFAULT_STATUSES = (
    "New",
    "In Progress",
    "Resolved",
    "Invoiced",
    "Waiting for Parts",
    "Waiting on Customer",
    "Scheduled",
    "Customer Reply",
)
CUSTOM_STATUSES = ("Waiting on Vendor", "Closed")
PRIORITIES = ("", "0 Urgent", "1 High", "2 Normal", "3 Low")  # the spec's /settings list
PLAIN_PRIORITIES = ("Low", "Normal", "High", "Urgent")  # seen live (ADV-TEST)
PRIORITY_STYLES = ("numbered", "plain", "mixed")
PROBLEM_TYPES = (
    "Hardware",
    "Software",
    "Network",
    "Email",
    "Printing",
    "Security",
    "User Onboarding",
    "Other",
)

# The token's custom permissions, named as in Syncro's API docs ("Required permission: ...").
PERMISSIONS = (
    "Tickets - List/Search",
    "Tickets - View Details",
    "Tickets - Create",
    "Tickets - Edit",
    "Ticket Timers - Overview",
    "Invoices - List/Search",
    "Invoices - Create",
    "Invoices - View Details",
    "Customers - List/Search",
    "Customers - View Detail",
    "Products - List/Search",
    "Ticket Canned Responses - Manage",
    "Appointments - View All",
)

TAX_RATE = Decimal("0.0825")
_CENT = Decimal("0.01")


@dataclass(slots=True)
class User:
    id: int
    name: str
    email: str
    group: str
    admin: bool
    color: str
    created_at: float


@dataclass(slots=True)
class Contact:
    id: int
    customer_id: int
    name: str
    email: str | None
    phone: str
    mobile: str | None
    title: str | None
    created_at: float
    updated_at: float


@dataclass(slots=True)
class Customer:
    id: int
    business_name: str
    firstname: str
    lastname: str
    email: str
    phone: str
    address: str
    city: str
    state: str
    zip: str
    created_at: float
    updated_at: float
    contacts: list[Contact] = field(default_factory=list)
    no_email: bool = False
    properties: dict = field(default_factory=dict)

    @property
    def fullname(self) -> str:
        return f"{self.firstname} {self.lastname}"

    @property
    def business_then_name(self) -> str:
        return self.business_name or self.fullname


@dataclass(slots=True)
class Product:
    id: int
    name: str
    description: str
    price_retail: Decimal
    price_cost: Decimal
    taxable: bool
    category: str
    upc_code: str | None = None


@dataclass(slots=True)
class Comment:
    id: int
    ticket_id: int
    subject: str
    body: str
    tech: str | None
    hidden: bool
    user_id: int | None
    created_at: float
    updated_at: float
    rich: bool = False  # stored by a rich-text editor: read back as HTML (see formats.rich_body)


@dataclass(slots=True)
class LineItem:
    id: int
    ticket_id: int
    user_id: int | None
    product_id: int | None
    name: str
    description: str
    quantity: Decimal
    price_retail: Decimal
    price_cost: Decimal
    taxable: bool
    product_category: str | None
    upc_code: str | None
    position: int
    created_at: float
    updated_at: float
    invoice_id: int | None = None


@dataclass(slots=True)
class Timer:
    id: int
    ticket_id: int
    user_id: int
    start_time: float
    end_time: float | None
    notes: str | None
    product_id: int | None
    created_at: float
    updated_at: float
    recorded: bool = False
    billable: bool = True
    ticket_line_item_id: int | None = None

    @property
    def active_duration(self) -> int | None:
        """Seconds between start and end, as Syncro reports it."""
        return None if self.end_time is None else int(self.end_time - self.start_time)


@dataclass(slots=True)
class InvoiceLine:
    id: int
    invoice_id: int
    ticket_line_item_id: int
    product_id: int | None
    item: str
    name: str
    quantity: Decimal
    price: Decimal
    cost: Decimal
    taxable: bool
    position: int
    created_at: float


@dataclass(slots=True)
class Invoice:
    id: int
    number: str
    customer_id: int
    ticket_id: int | None
    user_id: int
    date: float
    created_at: float
    updated_at: float
    lines: list[InvoiceLine] = field(default_factory=list)
    is_paid: bool = False

    @property
    def subtotal(self) -> Decimal:
        return sum((line.quantity * line.price for line in self.lines), Decimal(0)).quantize(_CENT)

    @property
    def tax(self) -> Decimal:
        taxable = sum((ln.quantity * ln.price for ln in self.lines if ln.taxable), Decimal(0))
        return (taxable * TAX_RATE).quantize(_CENT, ROUND_HALF_UP)

    @property
    def total(self) -> Decimal:
        return self.subtotal + self.tax


@dataclass(slots=True)
class Appointment:
    id: int
    summary: str
    description: str
    customer_id: int | None
    ticket_id: int | None
    user_id: int | None
    start_at: float
    end_at: float
    location: str | None
    created_at: float
    updated_at: float
    all_day: bool | None = None
    do_not_email: bool = True


@dataclass(slots=True)
class CannedResponse:
    id: int
    title: str
    subject: str
    body: str
    category_id: int | None


@dataclass(slots=True)
class Ticket:
    id: int
    number: int
    subject: str
    customer_id: int
    contact_id: int | None
    user_id: int | None
    status: str
    priority: str | None
    problem_type: str | None
    created_at: float
    updated_at: float
    due_date: float | None = None
    start_at: float | None = None
    end_at: float | None = None
    resolved_at: float | None = None
    customer_reply: bool = False
    properties: dict = field(default_factory=dict)
    tag_list: list[str] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)  # oldest first
    line_items: list[LineItem] = field(default_factory=list)
    timers: list[Timer] = field(default_factory=list)
    invoice_ids: list[int] = field(default_factory=list)
    appointment_ids: list[int] = field(default_factory=list)
    ticket_type_id: int | None = None
    sla_id: int | None = None
    sla_breached: bool = False
    sla_breaching_soon: bool = False
    contract_id: int | None = None
    # Raw JSON values served instead of the real ones (hostile or broken server data).
    raw_overrides: dict = field(default_factory=dict)


@dataclass(slots=True)
class TicketField:
    id: int
    name: str
    field_type: str  # "text_field", "select_box", "check_box", "date_field"
    answers: tuple[tuple[int, str], ...] = ()  # select_box choices: (answer id, text)
    required: bool = False


@dataclass(slots=True)
class TicketType:
    id: int
    name: str
    fields: list[TicketField] = field(default_factory=list)


class State:
    """All the sandbox's data, with the id counters that keep new records unique."""

    def __init__(self) -> None:
        self.users: dict[int, User] = {}
        self.me_id = 0
        self.customers: dict[int, Customer] = {}
        self.contacts: dict[int, Contact] = {}
        self.products: dict[int, Product] = {}
        self.tickets: dict[int, Ticket] = {}
        self.timers: dict[int, Timer] = {}
        self.invoices: dict[int, Invoice] = {}
        self.appointments: dict[int, Appointment] = {}
        self.canned_responses: dict[int, CannedResponse] = {}
        self.canned_categories: dict[int, str] = {}
        self.ticket_types: dict[int, TicketType] = {}
        self.slas: dict[int, str] = {}
        self.contracts: dict[int, str] = {}
        self.customer_fields: list[dict] = []
        self.time_zone = "America/Los_Angeles"
        self.statuses = list(DEFAULT_STATUSES + CUSTOM_STATUSES)
        self.priorities = list(PRIORITIES)
        self.problem_types = list(PROBLEM_TYPES)
        self.default_labor_product_id = 0
        self.permissions = dict.fromkeys(PERMISSIONS, True)
        self.subdomain = "demo"
        # A rich-text tenant: every comment (seeded or posted) reads back as HTML.
        self.rich_text = False
        # An account that requires a ticket type: POST /tickets without one is refused.
        self.require_ticket_type = False
        # Prepaid (block) hours by customer id: labor on an invoice draws them down.
        self.prepay_hours: dict[int, Decimal] = {}
        self._next_ids: dict[str, int] = {}
        self.next_ticket_number = 1
        self.next_invoice_number = 1

    # -- ids ---------------------------------------------------------------------------

    def start_ids(self, kind: str, first: int) -> None:
        self._next_ids[kind] = first

    def new_id(self, kind: str) -> int:
        value = self._next_ids[kind]
        self._next_ids[kind] = value + 1
        return value

    # -- permissions -------------------------------------------------------------------

    def set_permission(self, name: str, allowed: bool) -> None:
        """Switch one of the token's permissions (e.g. "Tickets - Edit") on or off."""
        if name not in self.permissions:
            raise KeyError(f"unknown permission {name!r}; known: {', '.join(PERMISSIONS)}")
        self.permissions[name] = allowed

    # -- lookups -----------------------------------------------------------------------

    @property
    def me(self) -> User:
        return self.users[self.me_id]

    def line_item(self, ticket: Ticket, item_id: object) -> LineItem | None:
        return next((li for li in ticket.line_items if li.id == item_id), None)

    def timer(self, ticket: Ticket, timer_id: object) -> Timer | None:
        return next((t for t in ticket.timers if t.id == timer_id), None)

    def invoice_by_id_or_number(self, key: str) -> Invoice | None:
        if key.isdigit() and int(key) in self.invoices:
            return self.invoices[int(key)]
        return next((inv for inv in self.invoices.values() if inv.number == key), None)

    # -- tickets and comments ----------------------------------------------------------

    def create_ticket(self, now: float, *, customer_id: int, subject: str, **fields) -> Ticket:
        """A new ticket numbered after the last one; ``user_id`` stays None unless given."""
        ticket = Ticket(
            id=self.new_id("ticket"),
            number=self.next_ticket_number,
            subject=subject,
            customer_id=customer_id,
            contact_id=None,
            user_id=None,
            status="New",
            priority=None,
            problem_type=None,
            created_at=now,
            updated_at=now,
        )
        self.next_ticket_number += 1
        self.tickets[ticket.id] = ticket
        self.update_ticket(ticket, now, **fields)
        return ticket

    def update_ticket(self, ticket: Ticket, now: float, **fields) -> None:
        """Set fields; entering a closed status stamps resolved_at, reopening clears it."""
        for name, value in fields.items():
            setattr(ticket, name, value)
        if "status" in fields:
            if ticket.status in CLOSED_STATUSES:
                ticket.resolved_at = ticket.resolved_at or now
            else:
                ticket.resolved_at = None
        ticket.updated_at = now

    def add_comment(
        self,
        ticket: Ticket,
        now: float,
        *,
        subject: str,
        body: str,
        hidden: bool = False,
        tech: str | None = None,
        user_id: int | None = None,
        from_customer: bool = False,
    ) -> Comment:
        comment = Comment(
            id=self.new_id("comment"),
            ticket_id=ticket.id,
            subject=subject,
            body=body,
            tech=tech,
            hidden=hidden,
            user_id=user_id,
            created_at=now,
            updated_at=now,
        )
        ticket.comments.append(comment)
        ticket.customer_reply = from_customer
        ticket.updated_at = now
        return comment

    # -- appointments --------------------------------------------------------------------

    def add_appointment(
        self,
        now: float,
        *,
        summary: str,
        start_at: float,
        end_at: float,
        ticket: Ticket | None = None,
        customer_id: int | None = None,
        user_id: int | None = None,
        description: str = "",
        location: str | None = None,
    ) -> Appointment:
        """An appointment, linked both ways when it belongs to a ticket."""
        appointment = Appointment(
            id=self.new_id("appointment"),
            summary=summary,
            description=description,
            customer_id=customer_id
            if customer_id is not None
            else (ticket.customer_id if ticket else None),
            ticket_id=ticket.id if ticket else None,
            user_id=user_id,
            start_at=start_at,
            end_at=end_at,
            location=location,
            created_at=now,
            updated_at=now,
        )
        self.appointments[appointment.id] = appointment
        if ticket is not None:
            ticket.appointment_ids.append(appointment.id)
        return appointment

    # -- line items ----------------------------------------------------------------------

    def add_line_item(
        self,
        ticket: Ticket,
        now: float,
        *,
        name: str,
        description: str,
        quantity: Decimal,
        product_id: int | None,
        price_retail: Decimal | None,
        taxable: bool,
    ) -> LineItem:
        """Price comes from ``price_retail`` or else the product; ``price_cost`` is never
        taken from the caller (Syncro ignores the other price fields)."""
        product = self.products.get(product_id) if product_id is not None else None
        if price_retail is None:
            price_retail = product.price_retail if product else Decimal(0)
        item = LineItem(
            id=self.new_id("line_item"),
            ticket_id=ticket.id,
            user_id=self.me_id,
            product_id=product_id,
            name=name,
            description=description,
            quantity=quantity,
            price_retail=price_retail,
            price_cost=product.price_cost if product else Decimal(0),
            taxable=taxable,
            product_category=product.category if product else None,
            upc_code=product.upc_code if product else None,
            position=len(ticket.line_items) + 1,
            created_at=now,
            updated_at=now,
        )
        ticket.line_items.append(item)
        ticket.updated_at = now
        return item

    def update_line_item(self, ticket: Ticket, item: LineItem, now: float, **fields) -> None:
        for name, value in fields.items():
            setattr(item, name, value)
        item.updated_at = ticket.updated_at = now

    def remove_line_item(self, ticket: Ticket, item: LineItem, now: float) -> None:
        ticket.line_items.remove(item)
        ticket.updated_at = now

    # -- timers --------------------------------------------------------------------------

    def add_timer(
        self,
        ticket: Ticket,
        now: float,
        *,
        start: float,
        end: float | None,
        notes: str | None,
        product_id: int | None,
        user_id: int | None,
    ) -> Timer:
        """``billable`` is always True (Syncro ignores ``billable: false``); the product
        defaults to the account's default labor product."""
        timer = Timer(
            id=self.new_id("timer"),
            ticket_id=ticket.id,
            user_id=user_id or self.me_id,
            start_time=start,
            end_time=end,
            notes=notes,
            product_id=product_id or self.default_labor_product_id,
            created_at=now,
            updated_at=now,
        )
        ticket.timers.append(timer)
        self.timers[timer.id] = timer
        ticket.updated_at = now
        return timer

    def update_timer(self, ticket: Ticket, timer: Timer, now: float, **fields) -> None:
        for name, value in fields.items():
            setattr(timer, name, value)
        timer.updated_at = ticket.updated_at = now

    def delete_timer(self, ticket: Ticket, timer: Timer, now: float) -> None:
        ticket.timers.remove(timer)
        del self.timers[timer.id]
        ticket.updated_at = now

    def charge_timer(self, ticket: Ticket, timer: Timer, now: float) -> LineItem:
        """Turn a timer into a line item, reproducing the real quirk: the line item always
        uses the account's default labor product, whatever product the timer carries, and
        charging twice makes a second line item."""
        product = self.products[self.default_labor_product_id]
        seconds = timer.active_duration or 0
        hours = (Decimal(seconds) / Decimal(3600)).quantize(_CENT, ROUND_HALF_UP)
        item = self.add_line_item(
            ticket,
            now,
            name=product.name,
            description=timer.notes or product.description,
            quantity=hours,
            product_id=product.id,
            price_retail=None,
            taxable=product.taxable,
        )
        item.user_id = timer.user_id
        timer.recorded = True
        timer.ticket_line_item_id = item.id
        timer.updated_at = now
        return item

    # -- invoices ------------------------------------------------------------------------

    def create_invoice(
        self, now: float, *, customer_id: int, ticket: Ticket | None, day: float
    ) -> Invoice:
        """Like "Make Invoice": the ticket's line items not yet invoiced become invoice
        lines. Timers that were never charged are not line items, so they stay out."""
        invoice = Invoice(
            id=self.new_id("invoice"),
            number=str(self.next_invoice_number),
            customer_id=customer_id,
            ticket_id=ticket.id if ticket else None,
            user_id=self.me_id,
            date=day,
            created_at=now,
            updated_at=now,
        )
        self.next_invoice_number += 1
        self.invoices[invoice.id] = invoice
        if ticket is not None:
            for item in ticket.line_items:
                if item.invoice_id is None:
                    self._invoice_line(invoice, item, now)
            self._draw_prepay(invoice)
            ticket.invoice_ids.append(invoice.id)
            ticket.updated_at = now
        return invoice

    def _draw_prepay(self, invoice: Invoice) -> None:
        """Syncro's block hours: billed labor (a Labor product with a rate) comes off the
        customer's prepaid balance; free labor (internal) does not."""
        if invoice.customer_id not in self.prepay_hours:
            return
        for line in invoice.lines:
            product = self.products.get(line.product_id) if line.product_id else None
            if product is not None and product.category == "Labor" and product.price_retail > 0:
                self.prepay_hours[invoice.customer_id] -= line.quantity

    def _invoice_line(self, invoice: Invoice, item: LineItem, now: float) -> None:
        item.invoice_id = invoice.id
        invoice.lines.append(
            InvoiceLine(
                id=self.new_id("invoice_line"),
                invoice_id=invoice.id,
                ticket_line_item_id=item.id,
                product_id=item.product_id,
                item=item.name,
                name=item.description,
                quantity=item.quantity,
                price=item.price_retail,
                cost=item.price_cost,
                taxable=item.taxable,
                position=len(invoice.lines) + 1,
                created_at=now,
            )
        )
