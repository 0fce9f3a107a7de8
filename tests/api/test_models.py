"""The models accept the variance the real API shows, and parse the official spec's examples."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from syncro_tui.api.models import (
    AccountSettings,
    Comment,
    CommentPage,
    ContactPage,
    Customer,
    CustomerPage,
    Invoice,
    LineItem,
    Me,
    PageMeta,
    ProductPage,
    Ticket,
    TicketDetail,
    TicketPage,
    TicketSettings,
    TimerEntry,
    TimerPage,
    User,
    UserList,
)

SWAGGER = Path(__file__).resolve().parents[2].parent / "shared" / "syncro-openapi" / "swagger.json"


# --------------------------------------------------------------------------- variance


def test_number_int_or_str_becomes_str():
    assert Ticket.model_validate({"id": 1, "number": 2012}).number == "2012"
    assert Ticket.model_validate({"id": 1, "number": "2012"}).number == "2012"
    assert Ticket.model_validate({"id": 1, "number": None}).number == ""
    assert Invoice.model_validate({"id": 1, "number": 4444}).number == "4444"


def test_money_and_quantities_are_decimal_from_strings_or_numbers():
    li = LineItem.model_validate(
        {"id": 1, "quantity": "0.75", "price_retail": 15, "price_cost": 0.01, "retail_cents": 1500}
    )
    assert li.quantity == Decimal("0.75") and isinstance(li.quantity, Decimal)
    assert li.price_retail == Decimal("15")
    assert li.price_cost == Decimal("0.01")  # not 0.01000000000000000020816681711721685...
    assert li.total == Decimal("11.25")
    inv = Invoice.model_validate(
        {"id": 2, "subtotal": "0.0", "total": "123.45", "tax": "", "hardwarecost": None}
    )
    assert inv.total == Decimal("123.45") and inv.tax is None and inv.hardwarecost is None
    assert LineItem.model_validate({"id": 1, "retail_cents": 1999}).unit_price == Decimal("19.99")


def test_timestamps_with_z_or_offset_are_aware():
    t = Ticket.model_validate(
        {
            "id": 1,
            "created_at": "2019-11-04T08:59:31.034Z",
            "updated_at": "2026-04-01T09:15:00.000-07:00",
            "due_date": "2026-04-02",
            "resolved_at": "",
        }
    )
    assert t.created_at == datetime(2019, 11, 4, 8, 59, 31, 34000, tzinfo=UTC)
    assert t.updated_at.utcoffset() == timedelta(hours=-7)
    assert t.updated_at == datetime(2026, 4, 1, 16, 15, tzinfo=UTC)
    assert t.due_date.tzinfo is not None  # date-only is taken as UTC midnight
    assert t.resolved_at is None


def test_missing_optional_fields_and_unknown_extras():
    t = Ticket.model_validate({"id": 7, "brand_new_field": 1})
    assert t.number == "" and t.subject == "" and t.comments == [] and t.customer_name == ""
    assert not hasattr(t, "brand_new_field")  # list model drops extras
    d = TicketDetail.model_validate({"id": 7, "brand_new_field": 1, "mentionables": []})
    assert d.model_extra["brand_new_field"] == 1  # detail model keeps them
    c = Comment.model_validate({"id": 1, "body": None, "destination_emails": "a@b"})
    assert c.body == "" and c.model_extra["destination_emails"] == "a@b"


def test_list_ticket_convenience_properties():
    t = Ticket.model_validate(
        {
            "id": 1,
            "number": 5,
            "customer_business_then_name": "Acme Ltd",
            "contact_fullname": "Ann Smith",
            "user": {"id": 3, "full_name": "Tess Tech", "email": "t@x"},
        }
    )
    assert (
        t.customer_name == "Acme Ltd"
        and t.contact_name == "Ann Smith"
        and t.assignee == "Tess Tech"
    )
    assert Ticket.model_validate({"id": 1, "user": {}}).assignee == ""


def test_detail_contact_id_falls_back_to_contact_and_comments_newest_first():
    d = TicketDetail.from_response(
        {
            "ticket": {
                "id": 9,
                "number": "1009",
                "customer": {"id": 4, "business_then_name": "Acme"},
                "contact": {"id": 12, "name": "Bob"},
                "comments": [
                    {"id": 1, "created_at": "2026-01-01T10:00:00Z", "body": "old"},
                    {"id": 3, "created_at": "2026-01-03T10:00:00+02:00", "body": "newest"},
                    {"id": 2, "created_at": "2026-01-02T10:00:00Z", "body": "mid"},
                ],
                "line_items": [
                    {"id": 5, "quantity": "2.0", "price_retail": "10.5", "name": "Labor"}
                ],
                "ticket_timers": [
                    {
                        "id": 6,
                        "start_time": "2026-01-01T10:00:00Z",
                        "end_time": "2026-01-01T10:30:00Z",
                    }
                ],
            }
        }
    )
    assert d.contact_id == 12 and d.contact_name == "Bob"
    assert d.customer_id == 4 and d.customer_name == "Acme"
    assert [c.body for c in d.comments] == ["newest", "mid", "old"]
    assert d.line_items[0].total == Decimal("21.00")
    assert d.ticket_timers[0].duration_minutes == 30 and d.uncharged_timers == d.ticket_timers
    explicit = TicketDetail.model_validate({"id": 1, "contact_id": 99, "contact": {"id": 12}})
    assert explicit.contact_id == 99
    bare = TicketDetail.model_validate({"id": 1, "contact": None, "customer": {}})
    assert bare.contact_id is None and bare.customer is None


def test_invoice_wrapped_or_bare():
    data = {
        "id": 6,
        "number": "4444",
        "total": "10.00",
        "line_items": [
            {"id": 1, "item": "Labor", "name": "Remote", "price": "10.0", "quantity": "1.0"}
        ],
    }
    for shape in ({"invoice": data}, data):
        inv = Invoice.from_response(shape)
        assert inv.id == 6 and inv.number == "4444" and inv.total == Decimal("10.00")
        assert inv.line_items[0].total == Decimal("10.00")


def test_timer_bare_or_wrapped_and_request_field_names():
    data = {
        "id": 3,
        "ticket_id": 29,
        "start_time": "2013-08-06T13:41:15.000Z",
        "end_time": "2013-08-06T14:41:15.000Z",
        "recorded": True,
        "active_duration": None,
    }
    for shape in (data, {"timer": data}, {"ticket_timer": data}):
        t = TimerEntry.from_response(shape)
        assert t.id == 3 and t.recorded and t.duration == timedelta(hours=1)
    t = TimerEntry.model_validate(
        {"id": 1, "start_at": "2026-01-01T10:00:00Z", "active_duration": 600}
    )
    assert t.start_time is not None and t.duration_minutes == 10


def test_line_item_bare_on_add_wrapped_on_update():
    data = {"id": 3, "name": "Updated", "quantity": "1.0", "price_retail": 100}
    assert LineItem.from_response(data).name == "Updated"
    assert LineItem.from_response({"ticket_line_item": data}).price_retail == Decimal("100")


def test_comment_wrapped_and_author():
    c = Comment.from_response({"comment": {"id": 2, "tech": "Joe", "hidden": True, "user": {}}})
    assert c.id == 2 and c.private and c.author == "Joe" and c.user is None


def test_users_from_pairs_and_objects():
    users = UserList.model_validate({"users": [[1, "Joe Doe"], [2, "Ann"]]}).users
    assert [(u.id, u.name) for u in users] == [(1, "Joe Doe"), (2, "Ann")]
    settings = TicketSettings.model_validate(
        {"users": [{"id": 1, "name": "Bat Man"}], "ticket_status_list": ["New"]}
    )
    assert settings.users[0].name == "Bat Man" and settings.statuses == ["New"]
    full = User.model_validate({"id": 1, "email": "b@m", "full_name": "Bat Man", "group": "Admins"})
    assert full.name == "Bat Man" and full.display_name == "Bat Man"


def test_me_permissions_and_token_hidden_from_repr():
    me = Me.model_validate(
        {
            "user_id": 1,
            "user_name": "Joe",
            "user_token": "abcd-secret",
            "permissions": {"ticket": {"write": False}},
        }
    )
    assert me.can("ticket", "write") is False and me.can("invoice", "write") is None
    assert "abcd-secret" not in repr(me)


def test_page_meta_variants():
    assert PageMeta.model_validate({"total_pages": 3, "page": 2}).has_total
    meta = PageMeta.model_validate({})
    assert meta.total_pages == 1 and not meta.has_total
    page = TicketPage.model_validate({"tickets": [{"id": 1}], "meta": None})
    assert page.meta.page == 1 and len(page) == 1 and page.items[0].id == 1
    assert TicketPage.model_validate([{"id": 1}]).tickets[0].id == 1


def test_customer_display_name():
    assert (
        Customer.model_validate({"id": 1, "firstname": "A", "lastname": "B"}).display_name == "A B"
    )
    assert (
        Customer.model_validate({"id": 1, "business_name": "Acme", "fullname": "A B"}).display_name
        == "Acme"
    )


def test_account_settings_shape():
    s = AccountSettings.model_validate(
        {
            "ticket": {"problem_types": ["Virus"], "priorities": ["", "1 High"]},
            "locale": {"time_zone": "America/Los_Angeles"},
        }
    )
    assert (
        s.problem_types == ["Virus"]
        and s.priorities == ["", "1 High"]
        and s.time_zone == "America/Los_Angeles"
    )
    assert AccountSettings.model_validate({}).problem_types == []


def test_ten_thousand_list_tickets_parse_quickly():
    import time

    row = {
        "id": 1,
        "number": 1,
        "subject": "x",
        "created_at": "2019-11-04T08:59:31.034Z",
        "updated_at": "2019-11-04T08:59:31.034Z",
        "customer_id": 1,
        "customer_business_then_name": "W",
        "status": "New",
        "user": {"id": 1, "full_name": "T"},
        "comments": [{"id": 1, "body": "b"}],
        "extra1": 1,
        "extra2": [1, 2],
        "customer_icons": [],
        "properties": {},
    }
    data = {
        "tickets": [dict(row, id=i) for i in range(10_000)],
        "meta": {"total_pages": 1, "page": 1},
    }
    started = time.perf_counter()
    page = TicketPage.model_validate(data)
    assert len(page.tickets) == 10_000
    assert time.perf_counter() - started < 5.0


# --------------------------------------------------------------------------- spec examples


def _spec():
    if not SWAGGER.is_file():
        pytest.skip(
            f"Syncro's OpenAPI file is not available at {SWAGGER} (reference material, not shipped)"
        )
    return json.loads(SWAGGER.read_text(encoding="utf-8"))


def _example(spec, path, method, status="200"):
    content = spec["paths"][path][method]["responses"][status]["content"]["application/json"]
    if "example" in content:
        return content["example"]
    if "examples" in content:
        return next(iter(content["examples"].values()))["value"]
    pytest.skip(f"{method.upper()} {path} has no example in the spec")


SPEC_CASES = [
    ("/me", "get", lambda d: Me.model_validate(d), lambda m: m.user_id == 1 and m.user_name),
    (
        "/tickets",
        "get",
        lambda d: TicketPage.model_validate(d),
        lambda p: p.tickets[0].number == "1",
    ),
    ("/tickets", "post", TicketDetail.from_response, lambda t: t.number == "2012" and t.comments),
    ("/tickets/{id}", "get", TicketDetail.from_response, lambda t: t.customer is not None),
    ("/tickets/{id}", "put", TicketDetail.from_response, lambda t: t.id == 5),
    (
        "/tickets/{id}/comments",
        "get",
        lambda d: CommentPage.model_validate(d),
        lambda p: p.comments[0].id == 1,
    ),
    ("/tickets/{id}/comment", "post", Comment.from_response, lambda c: c.id == 2 and c.hidden),
    (
        "/tickets/{id}/add_line_item",
        "post",
        LineItem.from_response,
        lambda li: li.quantity == Decimal("1.0"),
    ),
    (
        "/tickets/{id}/update_line_item",
        "put",
        LineItem.from_response,
        lambda li: li.price_retail == Decimal("100"),
    ),
    (
        "/tickets/{id}/timer_entry",
        "post",
        TimerEntry.from_response,
        lambda t: t.duration_minutes == 10,
    ),
    (
        "/tickets/{id}/update_timer_entry",
        "put",
        TimerEntry.from_response,
        lambda t: t.notes == "Updated Notes",
    ),
    ("/tickets/{id}/charge_timer_entry", "post", TimerEntry.from_response, lambda t: t.recorded),
    (
        "/ticket_timers",
        "get",
        lambda d: TimerPage.model_validate(d),
        lambda p: p.ticket_timers[0].id == 1,
    ),
    (
        "/tickets/settings",
        "get",
        lambda d: TicketSettings.model_validate(d),
        lambda s: "New" in s.statuses and s.users[0].name,
    ),
    (
        "/settings",
        "get",
        lambda d: AccountSettings.model_validate(d),
        lambda s: "Virus" in s.problem_types,
    ),
    (
        "/customers",
        "get",
        lambda d: CustomerPage.model_validate(d),
        lambda p: p.customers[0].display_name == "Walkin Customer",
    ),
    (
        "/customers/autocomplete",
        "get",
        lambda d: CustomerPage.model_validate(d),
        lambda p: p.customers,
    ),
    (
        "/customers/{id}",
        "get",
        lambda d: Customer.model_validate(d["customer"]),
        lambda c: c.id == 1,
    ),
    (
        "/contacts",
        "get",
        lambda d: ContactPage.model_validate(d),
        lambda p: p.contacts[0].name == "Boba Fett" and p.meta.per_page == 50,
    ),
    (
        "/products",
        "get",
        lambda d: ProductPage.model_validate(d),
        lambda p: p.products[0].price_retail == Decimal("0.01"),
    ),
    ("/users", "get", lambda d: UserList.model_validate(d), lambda u: u.users[0].name == "Joe Doe"),
    (
        "/invoices",
        "post",
        Invoice.from_response,
        lambda i: i.number == "9999" and i.total == Decimal("0.0"),
    ),
]


@pytest.mark.parametrize(
    "path, method, parse, check", SPEC_CASES, ids=[f"{m.upper()} {p}" for p, m, *_ in SPEC_CASES]
)
def test_spec_examples_parse(path, method, parse, check):
    spec = _spec()
    model = parse(_example(spec, path, method))
    assert check(model)


def test_spec_invoice_schema_fields_parse():
    """GET /invoices/{id} has a schema (no example): build a sample from its property types."""
    spec = _spec()
    schema = spec["paths"]["/invoices/{id}"]["get"]["responses"]["200"]["content"][
        "application/json"
    ]["schema"]
    samples = {
        "integer": 1,
        "string": "1",
        "boolean": False,
        "number": 1.5,
        "object": {},
        "array": [],
    }
    data = {}
    for name, prop in schema["properties"].items():
        if prop.get("format") == "date-time":
            data[name] = "2019-11-06T08:24:20.821Z"
        elif prop.get("format") == "date":
            data[name] = "2019-11-06"
        else:
            data[name] = samples[prop["type"]]
    data["customer"] = {"id": 2, "business_then_name": "Wonk Donk", "contacts": [{"email": "x@y"}]}
    data["line_items"] = [{"item": "Labor", "name": "Remote support"}]
    for shape in (data, {"invoice": data}):
        inv = Invoice.from_response(shape)
        assert (
            inv.id == 1
            and inv.customer.display_name == "Wonk Donk"
            and inv.line_items[0].item == "Labor"
        )
        assert inv.hardwarecost == Decimal("1.5") and inv.due_date.tzinfo is not None
