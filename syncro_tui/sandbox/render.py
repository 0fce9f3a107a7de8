"""Records to the JSON shapes Syncro sends.

Field sets follow the fact sheet: the list view of a ticket differs from the detail view
(list-only fields, just the first comment; detail-only customer/contact/line_items/timers
and no ``contact_id``), money is rendered as Syncro does (decimal strings on invoices and
quantities, numbers for ``price_*``), and every timestamp goes through one formatter so the
``Z``/offset option applies everywhere.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from .formats import (
    cents,
    json_number,
    offset_text,
    render_time,
    rich_body,
    ruby_decimal,
    start_of_day,
    zone,
)
from .state import (
    Appointment,
    CannedResponse,
    Comment,
    Contact,
    Customer,
    Invoice,
    InvoiceLine,
    LineItem,
    State,
    Ticket,
    TicketField,
    TicketType,
    Timer,
    User,
)


class Views:
    def __init__(
        self, state: State, tz: timezone = UTC, account_tz: timezone | None = None
    ) -> None:
        self.state = state
        self.tz = tz
        # The account's own zone (GET /settings locale): local labels and date-only values.
        self.account_tz = account_tz or zone(state.time_zone, timezone(-timedelta(hours=8)))

    def time(self, ts: float | None) -> str | None:
        return render_time(ts, self.tz)

    # -- people ------------------------------------------------------------------------

    def user_by_id(self, user_id: int | None) -> dict | None:
        return self.user(self.state.users.get(user_id) if user_id is not None else None)

    def user(self, user: User | None) -> dict | None:
        if user is None:
            return None
        return {
            "id": user.id,
            "email": user.email,
            "full_name": user.name,
            "created_at": self.time(user.created_at),
            "updated_at": self.time(user.created_at),
            "group": user.group,
            "admin": user.admin,
            "color": user.color,
        }

    def me(self) -> dict:
        state, me = self.state, self.state.me
        return {
            "user_token": f"00000000-0000-4000-8000-{me.id:012d}",
            "user_email": me.email,
            "user_name": me.name,
            "user_id": me.id,
            "admin": me.admin,
            "can_use_app": True,
            "two_factor_required": False,
            "subdomain": state.subdomain,
            "default_location": None,
            "enable_multi_locations": False,
            "locations_allowed": [],
            "permissions": self.permissions(),
        }

    def permissions(self) -> dict:
        """The spec example's shape: groups of read/write/delete (worksheet add/manage/
        delete, script execute), derived from the named token permissions the sandbox
        enforces. No flat "Tickets - Edit" keys: a real tenant sends none (the sandbox
        serves no deletes, so ``delete`` is false)."""
        allowed = self.state.permissions
        return {
            "asset": {"read": False, "write": False, "delete": False},
            "customer": {
                "read": allowed["Customers - View Detail"],
                "write": False,
                "delete": False,
            },
            "ticket": {
                "read": allowed["Tickets - View Details"],
                "write": allowed["Tickets - Edit"],
                "delete": False,
            },
            "invoice": {
                "read": allowed["Invoices - View Details"],
                "write": allowed["Invoices - Create"],
                "delete": False,
            },
            "payment": {"read": False, "write": False, "delete": False},
            "worksheet": {"add": False, "manage": False, "delete": False},
            "script": {"execute": False},
        }

    def contact(self, contact: Contact | None) -> dict | None:
        if contact is None:
            return None
        return {
            "id": contact.id,
            "name": contact.name,
            "address1": None,
            "address2": None,
            "city": None,
            "state": None,
            "zip": None,
            "email": contact.email or None,
            "phone": contact.phone,
            "mobile": contact.mobile,
            "latitude": None,
            "longitude": None,
            "customer_id": contact.customer_id,
            "account_id": 1,
            "notes": None,
            "created_at": self.time(contact.created_at),
            "updated_at": self.time(contact.updated_at),
            "vendor_id": None,
            "properties": {"title": contact.title} if contact.title else {},
            "opt_out": False,
            "extension": None,
        }

    def customer(self, customer: Customer) -> dict:
        return {
            "id": customer.id,
            "firstname": customer.firstname,
            "lastname": customer.lastname,
            "fullname": customer.fullname,
            "business_name": customer.business_name,
            "email": customer.email,
            "phone": customer.phone,
            "mobile": None,
            "created_at": self.time(customer.created_at),
            "updated_at": self.time(customer.updated_at),
            "pdf_url": None,
            "address": customer.address,
            "address_2": None,
            "city": customer.city,
            "state": customer.state,
            "zip": customer.zip,
            "latitude": None,
            "longitude": None,
            "notes": None,
            "get_sms": False,
            "opt_out": False,
            "disabled": False,
            "no_email": customer.no_email,
            "location_name": None,
            "location_id": None,
            "properties": dict(customer.properties),
            "online_profile_url": None,
            "tax_rate_id": None,
            "notification_email": None,
            "invoice_cc_emails": None,
            "invoice_term_id": None,
            "referred_by": None,
            "ref_customer_id": None,
            "business_and_full_name": f"{customer.business_name} - {customer.fullname}",
            "business_then_name": customer.business_then_name,
            "contacts": [self.contact(c) for c in customer.contacts],
            **self._prepay(customer),
        }

    def _prepay(self, customer: Customer) -> dict:
        """``prepay_hours`` only for customers with a block (it is not in the spec)."""
        hours = self.state.prepay_hours.get(customer.id)
        return {} if hours is None else {"prepay_hours": ruby_decimal(hours)}

    # -- tickets -----------------------------------------------------------------------

    def _ticket_common(self, ticket: Ticket) -> dict:
        customer = self.state.customers.get(ticket.customer_id)
        return {
            "id": ticket.id,
            "number": ticket.number,
            "subject": ticket.subject,
            "created_at": self.time(ticket.created_at),
            "customer_id": ticket.customer_id,
            "customer_business_then_name": customer.business_then_name if customer else None,
            "due_date": self.time(ticket.due_date),
            "start_at": self.time(ticket.start_at),
            "end_at": self.time(ticket.end_at),
            "resolved_at": self.time(ticket.resolved_at),
            "location_id": None,
            "problem_type": ticket.problem_type,
            "status": ticket.status,
            "priority": ticket.priority,
            "properties": dict(ticket.properties),
            "user_id": ticket.user_id,
            "updated_at": self.time(ticket.updated_at),
            "pdf_url": None,
            "tag_list": list(ticket.tag_list),
        }

    def ticket_list_item(self, ticket: Ticket) -> dict:
        """GET /tickets: list-only fields and only the first (initial) comment."""
        contact = self.state.contacts.get(ticket.contact_id) if ticket.contact_id else None
        customer = self.state.customers.get(ticket.customer_id)
        ticket_type = self.state.ticket_types.get(ticket.ticket_type_id or 0)
        out = {
            **self._ticket_common(ticket),
            "location_name": None,
            "ticket_type_id": ticket.ticket_type_id,
            "ticket_type_name": ticket_type.name if ticket_type else None,
            "billing_status": "Invoiced" if ticket.invoice_ids else None,
            "sla_name": self.state.slas.get(ticket.sla_id or 0),
            "creator_name_or_email": customer.email if customer else None,
            "contact_fullname": contact.name if contact else None,
            "contract_name": self.state.contracts.get(ticket.contract_id or 0),
            "address_id": None,
            "parent": False,
            "parent_id": None,
            "child": False,
            "recurring": False,
            "customer_reply": ticket.customer_reply,
            "total_formatted_billable_time": None,
            "contact_id": ticket.contact_id,
            "sla_breached": ticket.sla_breached,
            "sla_breaching_soon": ticket.sla_breaching_soon,
            "contract_id": ticket.contract_id,
            "sla_id": ticket.sla_id,
            "customer_tag_list": [],
            "resolution_time": None,
            "response_time": None,
            "customer_icons": [],
            "comments": [self.comment(c) for c in ticket.comments[:1]],
            "user": self.user_by_id(ticket.user_id),
        }
        return {**out, **ticket.raw_overrides} if ticket.raw_overrides else out

    def ticket_detail(self, ticket: Ticket) -> dict:
        """GET/POST/PUT one ticket: comments (newest first), line_items, ticket_timers,
        customer with contacts, contact and user; no ``contact_id`` (as in the spec)."""
        customer = self.state.customers.get(ticket.customer_id)
        contact = self.state.contacts.get(ticket.contact_id) if ticket.contact_id else None
        ticket_type = self.state.ticket_types.get(ticket.ticket_type_id or 0)
        fields = (
            [self.ticket_field(f, ticket_type.id) for f in ticket_type.fields]
            if ticket_type
            else []
        )
        out = {
            **self._ticket_common(ticket),
            "intake_form_html": None,
            "signature_name": None,
            "signature_date": None,
            "asset_ids": [],
            "outtake_form_name": None,
            "outtake_form_date": None,
            "outtake_form_html": None,
            "comments": [self.comment(c) for c in reversed(ticket.comments)],
            "attachments": [],
            "ticket_timers": [self.timer(t) for t in ticket.timers],
            "line_items": [self.line_item(li) for li in ticket.line_items],
            "worksheet_results": [],
            "assets": [],
            "appointments": [
                self.appointment(self.state.appointments[a], with_customer=False)
                for a in ticket.appointment_ids
                if a in self.state.appointments
            ],
            "ticket_fields": fields,
            "ticket_answers": [],
            "mentionables": [],
            "customer": self.customer(customer) if customer else None,
            "contact": self.contact(contact),
            "user": self.user_by_id(ticket.user_id),
            "ticket_type": self.ticket_type(ticket_type) if ticket_type else None,
            "address": None,
            # List-only in the spec's examples; the issue has them in both views (the
            # client copes with either).
            "sla_id": ticket.sla_id,
            "sla_name": self.state.slas.get(ticket.sla_id or 0),
            "sla_breached": ticket.sla_breached,
            "sla_breaching_soon": ticket.sla_breaching_soon,
            "contract_id": ticket.contract_id,
            "contract_name": self.state.contracts.get(ticket.contract_id or 0),
        }
        return {**out, **ticket.raw_overrides} if ticket.raw_overrides else out

    def ticket_field(self, f: TicketField, type_id: int) -> dict:
        """A custom field as the spec's ticket_type.ticket_fields[] has it."""
        return {
            "id": f.id,
            "name": f.name,
            "field_type": f.field_type,
            "required": f.required or None,
            "account_id": 1,
            "ticket_type_id": type_id,
            "hidden": False,
            "position": None,
            "answers": [
                {"id": aid, "ticket_field_id": f.id, "content": text} for aid, text in f.answers
            ],
        }

    def ticket_type(self, ticket_type: TicketType) -> dict:
        return {
            "id": ticket_type.id,
            "name": ticket_type.name,
            "account_id": 1,
            "disabled": False,
            "intake_terms": None,
            "skip_intake": False,
            "outtake_terms": None,
            "skip_outtake": False,
            "ticket_fields": [self.ticket_field(f, ticket_type.id) for f in ticket_type.fields],
        }

    def comment(self, comment: Comment, *, with_user: bool = False) -> dict:
        """One comment, as every endpoint that returns comments renders it (the ticket
        detail, the list's first comment, GET /tickets/{id}/comments whatever its
        ``comment_format``, the POST answer): a rich-text comment reads back as HTML."""
        rich = comment.rich or self.state.rich_text
        body = rich_body(comment.body, paragraphs=comment.id % 2 == 1) if rich else comment.body
        out: dict[str, Any] = {
            "id": comment.id,
            "created_at": self.time(comment.created_at),
            "updated_at": self.time(comment.updated_at),
            "ticket_id": comment.ticket_id,
            "subject": comment.subject,
            "body": body,
            "tech": comment.tech,
            "hidden": comment.hidden,
            "user_id": comment.user_id,
            "is_rich_text": rich,
        }
        if with_user:
            out["user"] = self.user_by_id(comment.user_id) or {}
        return out

    def line_item(self, item: LineItem) -> dict:
        return {
            "id": item.id,
            "ticket_id": item.ticket_id,
            "user_id": item.user_id,
            "product_id": item.product_id,
            "name": item.name,
            "description": item.description,
            "quantity": ruby_decimal(item.quantity),
            "product_category": item.product_category,
            "upc_code": item.upc_code,
            "taxable": item.taxable,
            "cost_cents": cents(item.price_cost),
            "retail_cents": cents(item.price_retail),
            "created_at": self.time(item.created_at),
            "updated_at": self.time(item.updated_at),
            "converted": item.invoice_id is not None,
            "item_id": None,
            "position": item.position,
            "estimate_line_item_id": None,
            "old_price": None,
            "line_discount_percent": None,
            "discount_dollars": None,
            "original_ticket_line_item_id": None,
            "price_cost": json_number(item.price_cost),
            "price_retail": json_number(item.price_retail),
        }

    def timer(self, timer: Timer) -> dict:
        return {
            "id": timer.id,
            "ticket_id": timer.ticket_id,
            "user_id": timer.user_id,
            "start_time": self.time(timer.start_time),
            "end_time": self.time(timer.end_time),
            "recorded": timer.recorded,
            "created_at": self.time(timer.created_at),
            "updated_at": self.time(timer.updated_at),
            "billable": timer.billable,
            "notes": timer.notes,
            "toggl_id": None,
            "product_id": timer.product_id,
            "comment_id": None,
            "ticket_line_item_id": timer.ticket_line_item_id,
            "active_duration": timer.active_duration,
            "billable_time": None,
            "billable_override": None,
        }

    # -- settings ----------------------------------------------------------------------

    def ticket_settings(self) -> dict:
        state = self.state
        return {
            "ticket_status_list": list(state.statuses),
            "default_labor_product_id": state.default_labor_product_id,
            "ticket_timer_charge_by_default": False,
            "saved_searches": [],
            "ticket_types": [{"id": t.id, "name": t.name} for t in state.ticket_types.values()],
            "ticket_type_fields": self._type_fields(),
            "ticket_type_field_answers": self._type_answers(),
            "appointment_types": [],
            "users": [{"id": u.id, "name": u.name} for u in state.users.values()],
            "dashboard_settings": None,
            "worksheet_templates": [],
            "require_ticket_type": state.require_ticket_type,
            "require_intake_form_with_ticket": False,
            "require_outtake_form_with_ticket": False,
            "ticket_workflow_default_id": None,
        }

    def _type_fields(self) -> list[dict]:
        return [
            {k: v for k, v in self.ticket_field(f, t.id).items() if k != "answers"}
            for t in self.state.ticket_types.values()
            for f in t.fields
        ]

    def _type_answers(self) -> list[dict]:
        return [
            {"id": aid, "ticket_field_id": f.id, "content": text}
            for t in self.state.ticket_types.values()
            for f in t.fields
            for aid, text in f.answers
        ]

    def account_settings(self, now: float) -> dict:
        """GET /settings. ``locale.time_zone`` is the account's zone and ``time_offset`` its
        offset today."""
        return {
            "customers": {
                "required_fields": None,
                "customer_fields": list(self.state.customer_fields),
                "customer_field_answers": [],
            },
            "locale": {
                "iso_code": "en",
                "currency_symbol": "$",
                "date_format": "mm-dd-yy",
                "time_format": "hh:mm tt",
                "time_zone": self.state.time_zone,
                "time_offset": offset_text(self.account_tz, now),
            },
            "ticket": {
                "ticket_types": [
                    {"id": t.id, "name": t.name} for t in self.state.ticket_types.values()
                ],
                "ticket_type_fields": self._type_fields(),
                "ticket_type_field_answers": self._type_answers(),
                "problem_types": list(self.state.problem_types),
                "priorities": list(self.state.priorities),
            },
            "business_hours_enabled": False,
            "business_hours": [],
            "default_holiday_calendar": "USA",
            "msp_addon": None,
        }

    def product(self, product) -> dict:
        return {
            "id": product.id,
            "price_cost": json_number(product.price_cost),
            "price_retail": json_number(product.price_retail),
            "condition": None,
            "description": product.description,
            "maintain_stock": False,
            "name": product.name,
            "quantity": 0,
            "warranty": None,
            "sort_order": None,
            "reorder_at": None,
            "disabled": False,
            "taxable": product.taxable,
            "product_category": product.category,
            "category_path": product.category,
            "upc_code": product.upc_code,
            "discount_percent": None,
            "warranty_template_id": None,
            "qb_item_id": None,
            "desired_stock_level": None,
            "price_wholesale": 0,
            "notes": None,
            "tax_rate_id": None,
            "physical_location": None,
            "serialized": False,
            "vendor_ids": [],
            "product_skus": [],
            "long_description": None,
            "location_quantities": [],
            "photos": [],
        }

    # -- appointments, canned responses, search ----------------------------------------

    def appointment(self, appointment: Appointment, *, with_customer: bool = True) -> dict:
        """The spec's appointment object; ``start_at_label`` is in the account's zone and
        ``do_not_email`` is the string "1"/"0" as in the spec example."""
        customer = self.state.customers.get(appointment.customer_id or 0)
        start = datetime.fromtimestamp(appointment.start_at, self.account_tz)
        out: dict[str, Any] = {
            "id": appointment.id,
            "summary": appointment.summary,
            "description": appointment.description,
            "customer_id": appointment.customer_id,
            "created_at": self.time(appointment.created_at),
            "updated_at": self.time(appointment.updated_at),
            "start_at": self.time(appointment.start_at),
            "end_at": self.time(appointment.end_at),
            "duration": round((appointment.end_at - appointment.start_at) / 3600, 2),
            "location": appointment.location,
            "ticket_id": appointment.ticket_id,
            "user_id": appointment.user_id,
            "appointment_location_type": None,
            "start_at_label": start.strftime("%a %m-%d-%y %I:%M %p"),
            "all_day": appointment.all_day,
            "ticket": None,
            "do_not_email": "1" if appointment.do_not_email else "0",
        }
        if with_customer:
            out["customer"] = self.customer(customer) if customer else None
        return out

    def canned_response(self, response: CannedResponse) -> dict:
        return {
            "id": response.id,
            "title": response.title,
            "body": response.body,
            "subject": response.subject,
            "canned_response_category_id": response.category_id,
            "category_name": self.state.canned_categories.get(response.category_id or 0),
        }

    @staticmethod
    def search_hit(kind: str, index: str, ident: int, source: dict) -> dict:
        """One GET /search result: Elasticsearch-like, two ``table`` levels deep."""
        return {
            "table": {
                "_id": ident,
                "_type": kind,
                "_index": index,
                "_source": {"table": source},
            }
        }

    def customer_hit(self, customer: Customer) -> dict:
        return self.search_hit(
            "customer",
            "customers",
            customer.id,
            {
                "firstname": customer.firstname,
                "lastname": customer.lastname,
                "email": customer.email,
                "business_name": customer.business_name,
                "phones": [
                    {
                        "id": customer.id,
                        "label": "Phone",
                        "number": customer.phone,
                        "customer_id": customer.id,
                        "extension": None,
                    }
                ],
            },
        )

    def ticket_hit(self, ticket: Ticket) -> dict:
        customer = self.state.customers.get(ticket.customer_id)
        return self.search_hit(
            "ticket",
            "tickets",
            ticket.id,
            {
                "number": ticket.number,
                "subject": ticket.subject,
                "status": ticket.status,
                "customer_id": ticket.customer_id,
                "customer_business_then_name": customer.business_then_name if customer else None,
                "updated_at": self.time(ticket.updated_at),
            },
        )

    # -- invoices ----------------------------------------------------------------------

    def invoice(self, invoice: Invoice, *, detail: bool = False) -> dict:
        """POST /invoices answers without line items; GET /invoices/{id} carries them."""
        customer = self.state.customers.get(invoice.customer_id)
        day = self.time(start_of_day(invoice.date))
        out: dict[str, Any] = {
            "id": invoice.id,
            "customer_id": invoice.customer_id,
            "customer_business_then_name": customer.business_then_name if customer else None,
            "number": invoice.number,
            "created_at": self.time(invoice.created_at),
            "updated_at": self.time(invoice.updated_at),
            "date": day,
            "due_date": day,
            "subtotal": ruby_decimal(invoice.subtotal),
            "total": ruby_decimal(invoice.total),
            "tax": ruby_decimal(invoice.tax),
            "verified_paid": False,
            "tech_marked_paid": False,
            "ticket_id": invoice.ticket_id,
            "pdf_url": None,
            "is_paid": invoice.is_paid,
            "location_id": None,
            "po_number": None,
            "contact_id": None,
            "note": None,
            "hardwarecost": None,
            "user_id": invoice.user_id,
        }
        if detail:
            out["date_received"] = None
            out["customer"] = self.customer(customer) if customer else None
            out["line_items"] = [self.invoice_line(line) for line in invoice.lines]
            out["payments"] = []
        return out

    def invoice_line(self, line: InvoiceLine) -> dict:
        return {
            "id": line.id,
            "created_at": self.time(line.created_at),
            "updated_at": self.time(line.created_at),
            "invoice_id": line.invoice_id,
            "item": line.item,
            "name": line.name,
            "cost": ruby_decimal(line.cost),
            "price": ruby_decimal(line.price),
            "quantity": ruby_decimal(line.quantity),
            "product_id": line.product_id,
            "taxable": line.taxable,
            "discount_percent": None,
            "position": line.position,
            "invoice_bundle_id": None,
            "discount_dollars": "0.0",
            "product_category": None,
        }
