"""Deterministic demo data: a small MSP with its customers, tickets and billing.

Everything is drawn from ``random.Random(seed)`` and placed relative to ``now``, so the same
seed and clock always give the same account, and ``tickets=10_000`` still builds in a
fraction of a second (the benchmarks rely on that). A few comments are planted on purpose:
HTML bodies, unicode, text that looks like Rich markup and exactly one carrying terminal
escape sequences, because a terminal client must render all of them as inert text.
"""

from __future__ import annotations

import random
from bisect import bisect
from datetime import datetime, time
from decimal import Decimal
from itertools import accumulate

from .defaults import DEFAULT_LABOR_PRODUCT_ID
from .formats import zone
from .state import (
    CLOSED_STATUSES,
    PLAIN_PRIORITIES,
    PRIORITY_STYLES,
    CannedResponse,
    Contact,
    Customer,
    Product,
    State,
    Ticket,
    TicketField,
    TicketType,
    User,
)

DAY = 86_400.0
HOUR = 3_600.0

ESCAPE_BODY = (
    "Pasted from the server console:\n\x1b[2J\x1b]0;pwned\x07\x1b[31mFATAL\x1b[0m disk full"
)
TRICKY_BODIES = (
    "<p>Replaced the toner cartridge.</p><br>Receipt &amp; photos attached.",
    "<div>Hi team,<br><b>Server</b> is back &lt;online&gt; &mdash; thanks!</div>",
    "Grüße aus Köln: der Drucker läuft wieder. Danke für die schnelle Hilfe! ü",
    "日本語のファイル名が文字化けします (報告書.xlsx)",
    "Thank you so much!! 🎉🙏 Everything works now 👍",
    "[bold]urgent[/] please call the front desk",
    "The backup log ends with a stray [/] and then nothing.",
    "Portal link: [link=https://portal.example]click here[/link]",
    "[red]ERROR[/red] job 'Nightly' failed at 02:13",
)

TECHNICIANS = (
    (101, "Alex Rivera", "alex.rivera@demo-msp.example", "Admins", True, "1e3e96"),
    (102, "Priya Shah", "priya.shah@demo-msp.example", "Technicians", False, "0f7b6c"),
    (103, "Marcus Chen", "marcus.chen@demo-msp.example", "Technicians", False, "b35900"),
)
# Products that appear as manual line items in the demo (onsite/travel labor and hardware).
BILLED_PRODUCTS = (5002, 5006, 5101, 5102, 5103, 5104, 5105, 5106)
PRODUCTS = (
    # id, name, description, price_retail, price_cost, taxable, category
    # (5001-5006 are defaults.DEMO_LABOR_PRODUCTS)
    (5001, "Labor - Remote Business", "Remote support, per hour", "125", "0", False, "Labor"),
    (5002, "Labor - Onsite Business", "Onsite support, per hour", "150", "0", False, "Labor"),
    (
        5003,
        "Labor - Emergency or After Hours Business",
        "After hours support, per hour",
        "225",
        "0",
        False,
        "Labor",
    ),
    (
        5004,
        "Labor - Prepaid Project Labor",
        "Project labor from a prepaid block",
        "0",
        "0",
        False,
        "Labor",
    ),
    (5005, "Labor - Internal Labor", "Internal, not billed", "0", "0", False, "Labor"),
    (5006, "Fee - Travel Time", "Travel time, per hour", "65", "0", False, "Labor"),
    (5101, "Dell OptiPlex 7010 Micro", "i5, 16 GB, 512 GB SSD", "899", "712.5", True, "Hardware"),
    (5102, "Ubiquiti U6+ Access Point", "WiFi 6 access point", "149", "109", True, "Networking"),
    (5103, "Samsung 870 EVO 1TB SSD", "2.5in SATA SSD", "109", "79.99", True, "Hardware"),
    (5104, "APC Back-UPS 600VA", "Battery backup", "89.5", "61", True, "Hardware"),
    (
        5105,
        "Microsoft 365 Business Standard",
        "Per user, monthly",
        "12.5",
        "11",
        False,
        "Licensing",
    ),
    (5106, "Cat6 Patch Cable 7ft", "Blue", "6", "1.2", True, "Networking"),
)

PLACES = (
    "Oakridge",
    "Cedar Falls",
    "Riverbend",
    "Maple Grove",
    "Lakeside",
    "Pinecrest",
    "Harborview",
    "Summit",
    "Willow Creek",
    "Stonebridge",
    "Brookfield",
    "Fairview",
    "Highland",
    "Juniper",
    "Clearwater",
    "Redwood",
    "Ashford",
    "Bayside",
    "Elm Street",
    "Northgate",
    "Silver Lake",
    "Granite Peak",
    "Coastal",
    "Valley",
)
SURNAMES = (
    "Hartley",
    "Okafor",
    "Lindqvist",
    "Moreno",
    "Whitaker",
    "Nakamura",
    "Castellano",
    "Brennan",
    "Abernathy",
    "Kowalski",
    "Delgado",
    "Fitzgerald",
    "Haddad",
    "Ivanova",
    "Park",
    "Osei",
    "Müller",
    "Dubois",
    "Patel",
    "O'Connor",
    "Sørensen",
    "Baptiste",
    "Novak",
    "Reyes",
)
PLACE_PATTERNS = (
    "{} Family Dental",
    "Bright Smile Dental of {}",
    "{} Auto Repair",
    "{} Veterinary Clinic",
    "{} Realty",
    "{} Chiropractic",
    "{} Pediatrics",
    "{} Physical Therapy",
    "{} Bakery",
    "{} Animal Hospital",
    "{} Montessori School",
    "{} Brewing Co.",
    "{} Dermatology",
    "{} Title & Escrow",
    "{} Optometry",
    "{} Community Church",
    "{} Orthodontics",
    "{} Tire & Lube",
)
SURNAME_PATTERNS = (
    "{} & Associates Law",
    "{} Legal Group",
    "{}'s Auto Body",
    "{} CPA Group",
    "{} Insurance Agency",
    "{} Architects",
    "{} Construction",
    "{} Financial Advisors",
    "{} Plumbing & Heating",
    "{} Dental Studio",
    "{} Family Law",
    "{} Landscaping",
)
FIRST_NAMES = (
    "Maria",
    "James",
    "Aisha",
    "Tom",
    "Mei",
    "Carlos",
    "Hannah",
    "Dmitri",
    "Fatima",
    "Owen",
    "Sofia",
    "Raj",
    "Grace",
    "Liam",
    "Yuki",
    "Noah",
    "Zoë",
    "Ethan",
    "Amara",
    "Jonas",
    "Chloe",
    "Mateo",
    "Ingrid",
    "Samuel",
)
TITLES = (
    "Owner",
    "Office Manager",
    "Front Desk",
    "Paralegal",
    "Practice Manager",
    "Bookkeeper",
    "Service Writer",
    None,
)
CITIES = (
    ("Portland", "OR", "972"),
    ("Salem", "OR", "973"),
    ("Vancouver", "WA", "986"),
    ("Eugene", "OR", "974"),
    ("Tacoma", "WA", "984"),
)
STREETS = ("Main St", "Oak Ave", "Commerce Dr", "Harbor Blvd", "2nd St", "Mill Rd")

SUBJECTS = (
    "Outlook keeps asking for password",
    "Printer offline in front office",
    "New hire laptop setup for {first}",
    "VPN drops every few minutes",
    "Scanner to email not working",
    "Can't open QuickBooks company file",
    "Replace failing SSD in reception PC",
    "Wi-Fi slow in exam rooms",
    "Backup job failed overnight",
    "Phishing email reported by {first}",
    "Shared drive mapped to wrong letter",
    "Dentrix imaging bridge error",
    "Monitor flickering at workstation 3",
    "Reset MFA for {first}",
    "Firewall firmware update",
    "Teams audio cuts out",
    "Label printer prints blank labels",
    "Offboard departing employee",
    "Server disk space low",
    "Install UPS in network closet",
    "Domain renewal notice",
    "Windows update stuck at 35%",
    "Add user to shared mailbox",
    "Credit card terminal can't reach network",
    "Slow login on all PCs",
    "Browser pop-ups on front desk PC",
    "Set up new access point",
    "Migrate files to SharePoint",
    "Password reset for {first}",
    "License renewal: Microsoft 365",
    "Camera system not recording",
    "Replace toner and clean drum",
    "Email bouncing to one client",
)
DETAILS = (
    "Started this morning after the power blip.",
    "Happens to everyone in the office.",
    "Only on the computer by the window.",
    "We restarted it twice already.",
    "Please call before you come by, we have patients until noon.",
    "Not urgent but annoying.",
    "The error says access denied.",
    "It worked fine yesterday afternoon.",
)
TECH_NOTES = (
    "Remoted in and cleared the cached credentials. Monitoring.",
    "Ordered the replacement part, ETA two business days.",
    "Rebooted the switch and re-seated the cable. Looks stable.",
    "Scheduled onsite visit for tomorrow 9am.",
    "Applied the vendor patch and tested.",
    "Reset the profile; user confirmed it works.",
    "Escalated to the vendor, case opened.",
)
PRIVATE_NOTES = (
    "Admin password is in the vault under the client's folder.",
    "Client is behind on their invoice; check with billing before onsite.",
    "Suspect the switch is dying; quote a replacement.",
    "Spent extra time here, do not bill the second hour.",
)
CUSTOMER_REPLIES = (
    "Thanks, that fixed it!",
    "Still happening, sorry. Can you look again?",
    "Tomorrow works. Front door code is 4412.",
    "Great, thank you for the quick response.",
    "Is there any update on this?",
    "It happened again right after lunch.",
)

# (status, weight): mostly open work, like a real board.
STATUS_WEIGHTS = (
    ("New", 14),
    ("In Progress", 20),
    ("Waiting on Customer", 10),
    ("Waiting for Parts", 5),
    ("Scheduled", 6),
    ("Customer Reply", 8),
    ("Waiting on Vendor", 5),
    ("Resolved", 14),
    ("Invoiced", 8),
    ("Closed", 10),
)
PRIORITY_WEIGHTS = (("", 5), ("0 Urgent", 5), ("1 High", 20), ("2 Normal", 50), ("3 Low", 20))


def _table(pairs) -> tuple[tuple[str, ...], list[int]]:
    """(values, cumulative weights) for ``_Generator.weighted``."""
    return tuple(v for v, _ in pairs), list(accumulate(w for _, w in pairs))


_STATUS_TABLE = _table(STATUS_WEIGHTS)
_PRIORITY_TABLE = _table(PRIORITY_WEIGHTS)


def customer_count(tickets: int) -> int:
    """About 40 customers for 300 tickets, scaling linearly (1333 for 10,000)."""
    return max(5, tickets * 2 // 15)


CANNED_CATEGORIES = ((1, "Replies"), (2, "Scheduling"), (3, "Closing"))
CANNED_RESPONSES = (
    # id, category, title, subject, body
    (1, 1, "Looking into it", "Update", "Thanks for reaching out. We are looking into this now."),
    (2, 1, "Need more detail", "Update", "Could you send a screenshot of the error you see?"),
    (3, 1, "Remote session", "Update", "I will connect remotely in the next 15 minutes."),
    (4, 2, "Onsite visit", "Scheduled", "We have you down for an onsite visit. See you then."),
    (5, 2, "Parts ordered", "Parts Order", "The replacement part is ordered; ETA two days."),
    (6, 3, "Resolved, please confirm", "Resolved", "This should be fixed. Reply if not."),
    (7, 3, "Closing, no reply", "Closing", "Closing this ticket as we have not heard back."),
    (8, None, "Password reset done", "Update", "Your password was reset & a temporary one sent."),
)
APPOINTMENT_SUMMARIES = ("Onsite visit", "Remote session", "Install", "Follow-up call")
LOCATIONS = ("Onsite", "Remote", "In Shop")


# Custom fields of the demo's ticket types: (id, name, field_type, answers).
TICKET_TYPES = (
    (
        41,
        "Hardware Repair",
        (
            (411, "Device Type", "select_box", ("Laptop", "Desktop", "Printer", "Hard Drive")),
            (412, "Serial Number", "text_field", ()),
            (413, "Under Warranty", "check_box", ()),
            (414, "Purchase Date", "date_field", ()),
        ),
    ),
    (
        42,
        "User Onboarding",
        (
            (421, "Start Date", "date_field", ()),
            (422, "Needs Laptop", "check_box", ()),
            (423, "Department", "select_box", ("Front Office", "Clinical", "Billing")),
        ),
    ),
    (43, "Remote Support", ()),
)
DEPARTMENT_ANSWER_IDS = {"Front Office": 35984, "Clinical": 35985, "Billing": 35986}
SLAS = ((1, "Standard 8x5"), (2, "Premium 24x7"))
CONTRACTS = ((71, "Managed Services - Gold"), (72, "Block Hours (10 h)"))
MANAGED_STATUS = (35001, 35002, 35003)  # a dropdown customer field: answer ids, as integers
PLAIN_FOR = {"0 Urgent": "Urgent", "1 High": "High", "2 Normal": "Normal", "3 Low": "Low"}

# Ids of the demo account; ``big_ids`` moves every one above 2^31 (real invoice and
# appointment ids already are: 1649793879, 5560138523).
SMALL_IDS = {
    "customer": 2001,
    "contact": 6001,
    "ticket": 20001,
    "comment": 100001,
    "line_item": 300001,
    "timer": 400001,
    "invoice": 1_649_793_001,
    "invoice_line": 600001,
    "appointment": 5_560_138_501,
}
BIG_IDS = {
    "customer": 2_500_000_001,
    "contact": 2_600_000_001,
    "ticket": 4_300_000_001,
    "comment": 6_000_000_001,
    "line_item": 7_000_000_001,
    "timer": 8_000_000_001,
    "invoice": 9_100_000_001,
    "invoice_line": 9_200_000_001,
    "appointment": 9_300_000_001,
}
BIG_FIRST_NUMBER = 2_200_000_001  # ticket numbers above 2^31 too (the list's column)


def generate(
    seed: int,
    tickets: int,
    now: float,
    *,
    priorities: str = "mixed",
    big_ids: bool = False,
    time_zone: str = "America/Los_Angeles",
) -> State:
    """Build the demo account. Same (seed, tickets, now, switches) -> identical data."""
    if priorities not in PRIORITY_STYLES:
        raise ValueError(f"priorities must be one of {PRIORITY_STYLES}, got {priorities!r}")
    generator = _Generator(
        random.Random(seed), now, random.Random(f"{seed}/variety"), big_ids=big_ids
    )
    generator.state.time_zone = time_zone
    generator.priority_style = priorities
    return generator.build(tickets)


class _Generator:
    def __init__(
        self,
        rng: random.Random,
        now: float,
        extra: random.Random | None = None,
        *,
        big_ids: bool = False,
    ) -> None:
        self.rng = rng
        # Variety added after the first demo data draws from its own generator, so the base
        # account (and every screenshot of it) stays the same when a kind of variety is added.
        self.extra = extra or random.Random(0)
        self.priority_style = "mixed"
        self.now = now
        self.state = State()
        for kind, first in (BIG_IDS if big_ids else SMALL_IDS).items():
            self.state.start_ids(kind, first)
        self.state.next_ticket_number = BIG_FIRST_NUMBER if big_ids else 1001
        self.state.next_invoice_number = 7001

    # randint/choices are slow enough to matter at 10,000 tickets; these are 3-5x faster.
    def pick(self, seq):
        return seq[int(self.rng.random() * len(seq))]

    def between(self, low: int, high: int) -> int:
        return low + int(self.rng.random() * (high - low + 1))

    def weighted(self, table: tuple[tuple[str, ...], list[int]]) -> str:
        values, cumulative = table
        return values[bisect(cumulative, self.rng.random() * cumulative[-1])]

    def build(self, tickets: int) -> State:
        state = self.state
        for uid, name, email, group, admin, color in TECHNICIANS:
            state.users[uid] = User(uid, name, email, group, admin, color, self.now - 400 * DAY)
        state.me_id = TECHNICIANS[0][0]
        for pid, name, desc, retail, cost, taxable, category in PRODUCTS:
            state.products[pid] = Product(
                pid, name, desc, Decimal(retail), Decimal(cost), taxable, category
            )
        state.default_labor_product_id = DEFAULT_LABOR_PRODUCT_ID
        customers = [self.customer(name) for name in self.business_names(customer_count(tickets))]
        statuses = _STATUS_TABLE[0]
        made = []
        for index in range(tickets):
            # The first tickets walk every status once so each appears in any demo.
            status = statuses[index] if index < len(statuses) else self.weighted(_STATUS_TABLE)
            made.append(self.ticket(self.pick(customers), status))
        self.touch_recently(made)
        self.plant_tricky_comments(made)
        state.prepay_hours[customers[0].id] = Decimal("10.0")  # a block of prepaid hours
        self.appointments(made)
        self.canned_responses()
        self.mark_rich_text(made)
        self.account_fields()
        self.customer_variety(customers)
        self.ticket_variety(made)
        return state

    def account_fields(self) -> None:
        state = self.state
        for type_id, name, fields in TICKET_TYPES:
            state.ticket_types[type_id] = TicketType(
                type_id,
                name,
                [
                    TicketField(fid, fname, kind, self.answer_ids(fid, answers))
                    for fid, fname, kind, answers in fields
                ],
            )
        state.slas = dict(SLAS)
        state.contracts = dict(CONTRACTS)
        state.customer_fields = [
            {"id": 901, "name": "Managed Status", "field_type": "select_box"},
            {"id": 902, "name": "Managed IT", "field_type": "check_box"},
            {"id": 903, "name": "Contract Start", "field_type": "date_field"},
            {"id": 904, "name": "Account Manager", "field_type": "text_field"},
        ]
        if self.priority_style == "plain":
            state.priorities = list(PLAIN_PRIORITIES)

    def customer_variety(self, customers: list[Customer]) -> None:
        """Custom fields, "No Email" customers (a bounce sets it), contacts without email
        and contracts."""
        rng = self.extra
        for customer in customers:
            if rng.random() < 0.6:
                customer.properties = {
                    "Managed Status": rng.choice(MANAGED_STATUS),
                    "Managed IT": rng.choice(("1", "0")),
                    "Contract Start": f"20{rng.randint(20, 26)}-0{rng.randint(1, 9)}-01",
                    "Account Manager": rng.choice(("Alex Rivera", "Priya Shah", "")),
                }
            customer.no_email = rng.random() < 0.1
            for contact in customer.contacts:
                if rng.random() < 0.15:
                    contact.email = None
        self.contract_of = {c.id: rng.choice(CONTRACTS)[0] for c in customers if rng.random() < 0.4}

    def ticket_variety(self, tickets: list[Ticket]) -> None:
        """Priorities as the account's style has them (plus legacy words, empty and null),
        ticket types with custom fields, SLA and contract fields, date-only due dates."""
        rng, state, style = self.extra, self.state, self.priority_style
        day_zone = zone(state.time_zone)
        for ticket in tickets:
            roll = rng.random()
            if style == "plain":
                ticket.priority = PLAIN_FOR.get(ticket.priority or "", ticket.priority)
            elif style == "mixed" and roll < 0.15:
                ticket.priority = PLAIN_FOR.get(ticket.priority or "", "Normal")
            if roll > 0.96:
                ticket.priority = None
            if rng.random() < 0.5:
                ticket.ticket_type_id = rng.choice(TICKET_TYPES)[0]
                ticket.properties = self.ticket_properties(ticket.ticket_type_id)
            if rng.random() < 0.4:
                ticket.sla_id = rng.choice(SLAS)[0]
                if ticket.status not in CLOSED_STATUSES:
                    age_days = (self.now - ticket.created_at) / DAY
                    ticket.sla_breached = age_days > 10 and rng.random() < 0.6
                    ticket.sla_breaching_soon = not ticket.sla_breached and rng.random() < 0.2
            ticket.contract_id = self.contract_of.get(ticket.customer_id)
            if ticket.due_date is not None and rng.random() < 0.5:
                # A date-only due date: midnight of that calendar day in the account's zone.
                when = datetime.fromtimestamp(ticket.due_date, day_zone).date()
                ticket.due_date = datetime.combine(when, time(), day_zone).timestamp()

    @staticmethod
    def answer_ids(field_id: int, answers: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
        return tuple(
            (DEPARTMENT_ANSWER_IDS.get(text, field_id * 100 + n), text)
            for n, text in enumerate(answers)
        )

    def ticket_properties(self, type_id: int) -> dict:
        rng = self.extra
        if type_id == 41:
            return {
                "Device Type": rng.choice(("Laptop", "Desktop", "Printer", "Hard Drive")),
                "Serial Number": f"SN-{rng.randint(100000, 999999)}",
                "Under Warranty": rng.choice(("1", "0")),
                "Purchase Date": f"202{rng.randint(1, 6)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}",
            }
        if type_id == 42:
            return {
                "Start Date": f"2026-{rng.randint(10, 12)}-0{rng.randint(1, 9)}",
                "Needs Laptop": rng.choice(("1", "0")),
                "Department": rng.choice(tuple(DEPARTMENT_ANSWER_IDS.values())),
            }
        return {}

    # -- variety drawn from ``self.extra`` -----------------------------------------------------

    def appointments(self, tickets: list[Ticket]) -> None:
        """Scheduled tickets get their appointment; a few more belong to no ticket."""
        rng, state = self.extra, self.state
        for ticket in tickets:
            if ticket.status == "Scheduled" and ticket.start_at is not None:
                state.add_appointment(
                    ticket.updated_at,
                    summary=f"{rng.choice(APPOINTMENT_SUMMARIES)}: {ticket.subject}",
                    start_at=ticket.start_at,
                    end_at=ticket.end_at or ticket.start_at + HOUR,
                    ticket=ticket,
                    user_id=ticket.user_id or state.me_id,
                    location=rng.choice(LOCATIONS),
                )
        for n, (uid, *_rest) in enumerate(TECHNICIANS):
            start = self.now + (n - 1) * DAY + 15 * HOUR
            state.add_appointment(
                self.now - 7 * DAY,
                summary="Team meeting",
                start_at=start,
                end_at=start + HOUR,
                user_id=uid,
                location="Office",
            )

    def canned_responses(self) -> None:
        state = self.state
        state.canned_categories = dict(CANNED_CATEGORIES)
        for rid, category, title, subject, body in CANNED_RESPONSES:
            state.canned_responses[rid] = CannedResponse(rid, title, subject, body, category)

    # -- customers -------------------------------------------------------------------------

    def business_names(self, count: int) -> list[str]:
        names = [p.format(w) for p in PLACE_PATTERNS for w in PLACES]
        names += [p.format(w) for p in SURNAME_PATTERNS for w in SURNAMES]
        picked = self.rng.sample(names, min(count, len(names)))
        branches = ("North", "South", "East", "West", "Downtown", "Airport")
        while len(picked) < count:  # only past ~1,000 customers
            picked.append(f"{self.pick(names)} ({self.pick(branches)} {len(picked)})")
        return picked

    def customer(self, business: str) -> Customer:
        rng, state = self.rng, self.state
        city, region, zip_prefix = self.pick(CITIES)
        domain = "".join(c for c in business.lower() if c.isascii() and c.isalnum()) + ".example"
        created = self.now - rng.uniform(120, 1500) * DAY
        customer = Customer(
            id=state.new_id("customer"),
            business_name=business,
            firstname="",
            lastname="",
            email=f"office@{domain}",
            phone=self.phone(),
            address=f"{self.between(10, 9999)} {self.pick(STREETS)}",
            city=city,
            state=region,
            zip=f"{zip_prefix}{self.between(10, 99)}",
            created_at=created,
            updated_at=created,
        )
        for _ in range(self.between(1, 4)):
            first, last = self.pick(FIRST_NAMES), self.pick(SURNAMES)
            local = "".join(c for c in f"{first}.{last}".lower() if c.isascii() and c != "'")
            contact = Contact(
                id=state.new_id("contact"),
                customer_id=customer.id,
                name=f"{first} {last}",
                email=f"{local}@{domain}",
                phone=self.phone(),
                mobile=self.phone() if rng.random() < 0.5 else None,
                title=self.pick(TITLES),
                created_at=created,
                updated_at=created,
            )
            customer.contacts.append(contact)
            state.contacts[contact.id] = contact
        primary = customer.contacts[0].name.split(" ", 1)
        customer.firstname, customer.lastname = primary[0], primary[1]
        state.customers[customer.id] = customer
        return customer

    def phone(self) -> str:
        return f"(503) 555-01{self.between(0, 99):02d}"

    # -- tickets ---------------------------------------------------------------------------

    def ticket(self, customer: Customer, status: str) -> Ticket:
        rng, state, now = self.rng, self.state, self.now
        contact = self.pick(customer.contacts) if rng.random() < 0.8 else None
        created = now - rng.uniform(2 * HOUR, 60 * DAY)
        updated = created + (now - created) * rng.random() ** 2
        user_id = None if rng.random() < (0.6 if status == "New" else 0.1) else self.technician()
        first = (contact.name if contact else customer.firstname).split(" ")[0]
        ticket = state.create_ticket(
            created,
            customer_id=customer.id,
            subject=self.pick(SUBJECTS).format(first=first),
            contact_id=contact.id if contact else None,
            user_id=user_id,
            priority=self.weighted(_PRIORITY_TABLE),
            problem_type=self.pick(state.problem_types),
            due_date=created + self.between(1, 14) * DAY if rng.random() < 0.6 else None,
        )
        if status == "Scheduled":
            ticket.start_at = now + self.between(1, 7) * DAY
            ticket.end_at = ticket.start_at + 2 * HOUR
        self.comments(ticket, customer, contact, updated, status)
        self.billing(ticket, status, updated)
        state.update_ticket(ticket, updated, status=status)
        return ticket

    def technician(self) -> int:
        roll = self.rng.random()
        return 101 if roll < 0.4 else 102 if roll < 0.7 else 103

    def comments(
        self,
        ticket: Ticket,
        customer: Customer,
        contact: Contact | None,
        updated: float,
        status: str,
    ) -> None:
        rng, state = self.rng, self.state
        reporter = contact.name if contact else customer.fullname
        body = f"{ticket.subject}. {self.pick(DETAILS)}"
        state.add_comment(
            ticket,
            ticket.created_at,
            subject="Initial Issue",
            body=body,
            tech=reporter,
            from_customer=True,
        )
        follow_ups = self.between(0, 4)
        if status == "Customer Reply":
            follow_ups = max(follow_ups, 1)
        tech = state.users[ticket.user_id or state.me_id]
        for n in range(follow_ups):
            last = n == follow_ups - 1
            span = updated - ticket.created_at
            when = updated if last else ticket.created_at + span * rng.random()
            kind = (
                "reply"
                if last and status == "Customer Reply"
                else self.pick(("update", "update", "private", "reply"))
            )
            special = self.pick(TRICKY_BODIES) if rng.random() < 0.06 else None
            if kind == "reply":
                state.add_comment(
                    ticket,
                    when,
                    subject=f"Re: {ticket.subject}",
                    body=special or self.pick(CUSTOMER_REPLIES),
                    tech=reporter,
                    from_customer=True,
                )
            elif kind == "private":
                state.add_comment(
                    ticket,
                    when,
                    subject="Private Note",
                    body=special or self.pick(PRIVATE_NOTES),
                    hidden=True,
                    tech=tech.name,
                    user_id=tech.id,
                )
            else:
                state.add_comment(
                    ticket,
                    when,
                    subject="Update",
                    body=special or self.pick(TECH_NOTES),
                    tech=tech.name,
                    user_id=tech.id,
                )
        ticket.comments.sort(key=lambda c: c.created_at)
        ticket.customer_reply = status == "Customer Reply" or (
            len(ticket.comments) > 1 and ticket.comments[-1].user_id is None
        )

    def billing(self, ticket: Ticket, status: str, updated: float) -> None:
        """Line items, timers (some never charged) and, for Invoiced tickets, the invoice."""
        rng, state = self.rng, self.state
        closed = status in CLOSED_STATUSES
        if rng.random() < (0.45 if closed else 0.3):
            for _ in range(self.between(1, 2)):
                minutes = self.between(1, 8) * 15
                room = max(0.0, updated - ticket.created_at - minutes * 60)
                start = ticket.created_at + room * rng.random()
                timer = state.add_timer(
                    ticket,
                    start,
                    start=start,
                    end=start + minutes * 60,
                    notes=self.pick(TECH_NOTES),
                    product_id=self.pick((5001, 5001, 5002, 5003)),
                    user_id=ticket.user_id,
                )
                if (closed or rng.random() < 0.3) and timer.end_time is not None:
                    state.charge_timer(ticket, timer, timer.end_time)
        if rng.random() < (0.6 if closed else 0.2):
            product = state.products[self.pick(BILLED_PRODUCTS)]
            if product.category == "Labor":
                quantity = Decimal(self.between(1, 8)) / 4
            else:
                quantity = Decimal(self.between(1, 3))
            state.add_line_item(
                ticket,
                updated,
                name=product.name,
                description=product.description,
                quantity=quantity,
                product_id=product.id,
                price_retail=None,
                taxable=product.taxable,
            )
        if status == "Invoiced":
            state.create_invoice(
                updated, customer_id=ticket.customer_id, ticket=ticket, day=updated
            )

    # -- the handful of planted details ------------------------------------------------------

    def touch_recently(self, tickets: list[Ticket]) -> None:
        """A handful of tickets changed in the last hour, so "recent" views are never empty."""
        for ticket in self.rng.sample(tickets, min(len(tickets), max(5, len(tickets) // 60))):
            ticket.updated_at = max(ticket.updated_at, self.now - self.rng.uniform(60, HOUR))

    @staticmethod
    def mark_rich_text(tickets: list[Ticket]) -> None:
        """About one comment in four was written in Syncro's rich-text editor and reads back
        as HTML. Chosen by id, not by the random stream, so the rest of the data is the same
        with or without it; bodies that already hold HTML or markup-like text stay as typed."""
        for ticket in tickets:
            for comment in ticket.comments:
                if comment.id % 4 == 0 and not set("<&[\x1b") & set(comment.body):
                    comment.rich = True

    def plant_tricky_comments(self, tickets: list[Ticket]) -> None:
        """One comment of each tricky kind on open tickets, and the only escape sequence."""
        # Customer Reply tickets are left alone: a tech comment would end the reply state.
        candidates = [
            t for t in tickets if t.status not in CLOSED_STATUSES and t.status != "Customer Reply"
        ]
        open_tickets = candidates or tickets
        if not open_tickets:
            return
        bodies = (*TRICKY_BODIES, ESCAPE_BODY)
        for body, ticket in zip(bodies, self.rng.choices(open_tickets, k=len(bodies))):
            tech = self.state.users[ticket.user_id or 101]
            self.state.add_comment(
                ticket,
                ticket.updated_at,
                subject="Update",
                body=body,
                tech=tech.name,
                user_id=tech.id,
            )
