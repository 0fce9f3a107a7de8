"""The demo data: deterministic, varied, hostile where it should be, and scalable."""

from __future__ import annotations

import pytest

from syncro_tui.sandbox import Sandbox
from syncro_tui.sandbox.data import ESCAPE_BODY, TRICKY_BODIES, generate
from syncro_tui.sandbox.render import Views

from .helpers import T0


def snapshot(sb: Sandbox) -> list[dict]:
    views = Views(sb.state)
    return [views.ticket_detail(t) for t in sb.state.tickets.values()]


def test_same_seed_same_data():
    assert snapshot(Sandbox(clock=lambda: T0)) == snapshot(Sandbox(clock=lambda: T0))


def test_different_seed_different_data():
    assert snapshot(Sandbox(clock=lambda: T0, seed=8)) != snapshot(Sandbox(clock=lambda: T0))


def test_default_account_shape(sb):
    state = sb.state
    assert len(state.tickets) == 300
    assert 35 <= len(state.customers) <= 45
    assert all(1 <= len(c.contacts) <= 4 for c in state.customers.values())
    assert sorted(state.users) == [101, 102, 103] and state.me_id == 101
    assert {t.status for t in state.tickets.values()} == set(state.statuses)
    # "mixed": the account's numbered list, legacy plain words on some tickets, some null.
    priorities = {t.priority for t in state.tickets.values()}
    assert priorities - set(state.priorities) == {"Low", "Normal", "High", "Urgent", None}
    assert set(state.priorities) - {""} <= priorities
    open_share = (
        sum(t.status not in ("Resolved", "Invoiced", "Closed") for t in state.tickets.values())
        / 300
    )
    assert open_share > 0.5
    assert any(t.user_id is None for t in state.tickets.values())
    assert any(t.due_date for t in state.tickets.values())
    ages = [T0 - t.created_at for t in state.tickets.values()]
    assert max(ages) <= 60 * 86400 and max(ages) > 30 * 86400
    assert 5 <= sum(T0 - t.updated_at < 3600 for t in state.tickets.values()) <= 15


def test_comments_are_varied(sb):
    comments = [c for t in sb.state.tickets.values() for c in t.comments]
    assert any(c.hidden for c in comments) and any(not c.hidden for c in comments)
    replies = [t for t in sb.state.tickets.values() if t.customer_reply]
    assert replies
    for ticket in replies:
        contact = sb.state.contacts.get(ticket.contact_id)
        assert ticket.comments[-1].user_id is None
        assert ticket.comments[-1].tech in (
            contact.name if contact else None,
            sb.state.customers[ticket.customer_id].fullname,
        )


def test_hostile_bodies_are_planted_and_exactly_one_escape(sb):
    bodies = [c.body for t in sb.state.tickets.values() for c in t.comments]
    for tricky in TRICKY_BODIES:
        assert tricky in bodies, tricky
    assert any("[bold]urgent[/]" in b for b in bodies)
    assert any("<p>" in b and "&amp;" in b for b in bodies)
    assert any("日本" in b for b in bodies) and any("🎉" in b for b in bodies)
    assert sum("\x1b" in b for b in bodies) == 1
    assert bodies.count(ESCAPE_BODY) == 1 and "\x1b]0;pwned\x07" in ESCAPE_BODY


def test_billing_data_exists(sb):
    state = sb.state
    timers = list(state.timers.values())
    assert any(t.recorded for t in timers) and any(not t.recorded for t in timers)
    assert any(t.line_items for t in state.tickets.values())
    invoiced = [t for t in state.tickets.values() if t.status == "Invoiced"]
    assert invoiced and all(t.invoice_ids for t in invoiced)
    assert {p.name for p in state.products.values()} >= {
        "Labor - Remote Business",
        "Labor - Onsite Business",
        "Labor - Emergency or After Hours Business",
        "Labor - Prepaid Project Labor",
        "Labor - Internal Labor",
        "Fee - Travel Time",
    }


def test_records_never_lie_in_the_future(sb):
    for ticket in sb.state.tickets.values():
        assert ticket.created_at <= ticket.updated_at <= T0
        assert all(c.created_at <= ticket.updated_at for c in ticket.comments)
        assert all(t.end_time <= T0 for t in ticket.timers)


def test_ten_thousand_tickets_have_distinct_customers():
    # How fast this builds is measured by the benchmarks, not asserted here.
    state = generate(7, 10_000, T0)
    assert len(state.tickets) == 10_000 and len(state.customers) > 1000
    assert len({c.business_name for c in state.customers.values()}) == len(state.customers)


def test_size_knob_is_bounded():
    assert len(Sandbox(tickets=0).state.tickets) == 0
    from syncro_tui.sandbox.defaults import MAX_TICKETS

    with pytest.raises(ValueError):
        Sandbox(tickets=MAX_TICKETS + 1)
