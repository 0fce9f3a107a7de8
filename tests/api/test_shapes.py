"""Our own response bodies in the spec's shapes (tests/api/fixtures/shapes.py) parse with the
models: the same coverage as the spec-example tests in test_models.py / test_errors.py, which
skip where Syncro's OpenAPI file is absent (clean clones, CI)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from syncro_tui.api.errors import parse_error_messages
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
    ProductPage,
    TicketDetail,
    TicketPage,
    TicketSettings,
    TimerEntry,
    TimerPage,
    UserList,
)
from tests.api.fixtures.shapes import BODIES, ERROR_BODIES

CASES = [
    ("GET /me", Me.model_validate, lambda m: m.user_id == 7 and m.can("ticket", "write") is True),
    (
        "GET /tickets",
        TicketPage.model_validate,
        lambda p: p.tickets[0].number == "31877" and p.meta.total_pages == 3,
    ),
    (
        "POST /tickets",
        TicketDetail.from_response,
        lambda t: t.number == "31877" and t.comments[0].hidden,
    ),
    (
        "GET /tickets/{id}",
        TicketDetail.from_response,
        lambda t: (
            t.customer is not None
            and t.contact is not None
            and t.line_items[0].quantity == Decimal("0.75")
            and t.ticket_timers[0].product_id == 5001
            and t.created_at.tzinfo is not None
        ),
    ),
    ("PUT /tickets/{id}", TicketDetail.from_response, lambda t: t.status == "In Progress"),
    (
        "GET /tickets/{id}/comments",
        CommentPage.model_validate,
        lambda p: {c.id for c in p.comments} == {9000, 9001},
    ),
    ("POST /tickets/{id}/comment", Comment.from_response, lambda c: c.id == 9001 and c.hidden),
    (
        "POST /tickets/{id}/add_line_item",
        LineItem.from_response,
        lambda li: li.quantity == Decimal("0.75") and li.price_retail == Decimal("120"),
    ),
    (
        "PUT /tickets/{id}/update_line_item",
        LineItem.from_response,
        lambda li: li.quantity == Decimal("1.5"),
    ),
    (
        "POST /tickets/{id}/timer_entry",
        TimerEntry.from_response,
        lambda t: t.id == 555 and not t.recorded and t.start_time.tzinfo is not None,
    ),
    (
        "PUT /tickets/{id}/update_timer_entry",
        TimerEntry.from_response,
        lambda t: t.notes == "Remote session, second part",
    ),
    ("POST /tickets/{id}/charge_timer_entry", TimerEntry.from_response, lambda t: t.recorded),
    ("GET /ticket_timers", TimerPage.model_validate, lambda p: p.ticket_timers[0].id == 555),
    (
        "GET /tickets/settings",
        TicketSettings.model_validate,
        lambda s: "On Hold (Technician)" in s.statuses and s.users[1].name == "Lee Varga",
    ),
    (
        "GET /settings",
        AccountSettings.model_validate,
        lambda s: "Network" in s.problem_types and "2 Normal" in s.priorities,
    ),
    (
        "GET /customers",
        CustomerPage.model_validate,
        lambda p: p.customers[0].display_name == "Quinlan Dental",
    ),
    ("GET /customers/autocomplete", CustomerPage.model_validate, lambda p: len(p.customers) == 1),
    ("GET /customers/{id}", lambda d: Customer.model_validate(d["customer"]), lambda c: c.id == 88),
    (
        "GET /contacts",
        ContactPage.model_validate,
        lambda p: p.contacts[0].name == "Marta Quinlan" and p.meta.per_page == 50,
    ),
    (
        "GET /products",
        ProductPage.model_validate,
        lambda p: p.products[0].price_retail == Decimal("120.5"),
    ),
    ("GET /users", UserList.model_validate, lambda u: [x.name for x in u.users][1] == "Lee Varga"),
    (
        "POST /invoices",
        Invoice.from_response,
        lambda i: i.number == "31877" and i.total == Decimal("90.0"),
    ),
    ("GET /invoices/{id}", Invoice.from_response, lambda i: i.id == 6100 and i.ticket_id == 4242),
]


def test_every_body_has_a_case():
    assert {name for name, *_ in CASES} == set(BODIES)


@pytest.mark.parametrize("name, parse, check", CASES, ids=[name for name, *_ in CASES])
def test_our_bodies_in_the_spec_shapes_parse(name, parse, check):
    assert check(parse(BODIES[name]))


@pytest.mark.parametrize("status, body, expected", ERROR_BODIES)
def test_every_error_shape_gives_its_message(status, body, expected):
    import json

    messages = parse_error_messages(body, json.dumps(body))
    assert messages and all(isinstance(m, str) and m for m in messages)
    assert any(expected in m for m in messages), (status, body, messages)
