"""Billing: minutes parsing, the request's validation, the plan, and the run against the
sandbox: the whole chain, a failure at each step followed by resume (no step repeated),
and a resume after a restart."""

from __future__ import annotations

from decimal import Decimal

import pytest

from syncro_tui.core import billing as B
from tests.core.test_outbox import make_env

# --------------------------------------------------------------------------- minutes


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("45", 45),
        ("1h30m", 90),
        ("1h 30m", 90),
        ("1:30", 90),
        ("90m", 90),
        ("2h", 120),
        (" 2H ", 120),
        ("1440", 1440),
        ("0:05", 5),
        (45, 45),
    ],
)
def test_parse_minutes_accepts_the_usual_ways_of_writing_time(text, minutes):
    assert B.parse_minutes(text) == minutes


@pytest.mark.parametrize(
    "text, message",
    [
        ("abc", "'abc' is not a time. Enter minutes like 45"),
        ("0", "Bill at least 1 minute."),
        ("-5", "Minutes cannot be negative (got -5)."),
        ("100000", "At most 1440 minutes (24 hours)"),
        ("1h75m", "In 1h75m the minutes part must be under 60 when hours are given."),
        ("1:75", "minutes after the colon must be under 60"),
        ("", "The minutes are required."),
        ("25h", "At most 1440 minutes"),
    ],
)
def test_parse_minutes_explains_what_is_wrong(text, message):
    with pytest.raises(ValueError) as err:
        B.parse_minutes(text)
    assert message in str(err.value)


@pytest.mark.parametrize(
    "minutes, hours", [(45, "0.75"), (60, "1.00"), (50, "0.83"), (1, "0.02"), (90, "1.50")]
)
def test_minutes_become_decimal_hours_with_two_places(minutes, hours):
    assert B.minutes_to_hours(minutes) == Decimal(hours)
    assert str(B.minutes_to_hours(minutes)) == hours


# --------------------------------------------------------------------------- request and plan


def request(**changes) -> B.BillingRequest:
    fields = dict(
        minutes=45,
        labor_key="remote",
        product_id=5001,
        product_name="Labor - Remote Business",
        description="Replaced the NIC driver",
        comment_body="Fixed: driver rolled back, user confirmed.",
        create_invoice=True,
    )
    fields.update(changes)
    return B.BillingRequest(**fields)


def test_labor_and_description_are_required_with_no_default():
    with pytest.raises(B.BillingInputError) as err:
        request(labor_key="", product_id=None, product_name="", description=" ", comment_body="")
    assert err.value.problems == [
        "Choose the labor type: there is no default.",
        "The line item description is required.",
        "The resolution comment is empty.",
    ]


def test_minutes_out_of_range_are_refused_by_the_request_too():
    with pytest.raises(B.BillingInputError, match="from 1 to 1440"):
        request(minutes=0)


class FakeTicket:
    id, number, customer_id = 77, "1234", 9


def test_the_plan_lists_every_step_with_its_exact_payload():
    steps = B.plan(request(), FakeTicket())
    assert [s.number for s in steps] == [1, 2, 3, 4, 5]
    assert [s.endpoint for s in steps] == [
        "POST /tickets/77/comment",
        "POST /tickets/77/add_line_item",
        "POST /invoices",
        "GET /invoices/{id of the invoice from step 3}",
        "PUT /tickets/77",
    ]
    assert steps[0].intent.payload == {
        "subject": "Resolution",
        "body": "Fixed: driver rolled back, user confirmed.",
        "hidden": True,
        "do_not_email": True,
    }
    assert steps[1].intent.payload == {
        "product_id": 5001,
        "name": "Labor - Remote Business",
        "description": "Replaced the NIC driver",
        "quantity": 0.75,
        "taxable": False,
    }
    assert steps[2].intent.payload == {"ticket_id": 77, "customer_id": 9}
    assert steps[3].intent is None
    assert steps[4].intent.payload == {"status": "Invoiced"}


def test_time_only_plans_two_steps():
    steps = B.plan(request(create_invoice=False), FakeTicket())
    assert [s.number for s in steps] == [1, 2]


# --------------------------------------------------------------------------- runs


def counts(env, ticket) -> dict[str, int]:
    """Records this billing made, by kind (never more than one each)."""
    return {
        "comment": sum(c.body.startswith("Fixed: driver") for c in ticket.comments),
        "line_item": sum(li.description == "Replaced the NIC driver" for li in ticket.line_items),
        "invoice": sum(inv.ticket_id == ticket.id for inv in env.sandbox.state.invoices.values()),
    }


async def test_the_full_chain_bills_the_ticket(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))
        seen = []
        report = await run.execute(on_progress=lambda steps: seen.append([p.state for p in steps]))

        assert report.finished, report.message
        assert counts(env, ticket) == {"comment": 1, "line_item": 1, "invoice": 1}
        item = next(li for li in ticket.line_items if li.description == "Replaced the NIC driver")
        assert item.quantity == Decimal("0.75") and item.taxable is False
        assert item.product_id == 5001 and item.name == "Labor - Remote Business"
        invoice = next(
            inv for inv in env.sandbox.state.invoices.values() if inv.ticket_id == ticket.id
        )
        assert [
            (line.item, line.quantity)
            for line in invoice.lines
            if line.name == "Replaced the NIC driver"
        ] == [("Labor - Remote Business", Decimal("0.75"))]
        assert ticket.status == "Invoiced"
        assert run.record_id(B.INVOICE_STEP) == invoice.id
        assert run.record_id(B.LINE_ITEM_STEP) == item.id
        assert seen[-1] == [B.DONE] * 5
        assert B.BillingRun.unfinished(env.outbox) == []
        assert report.message.startswith("Billing complete: 1 comment")


STEP_FAULTS = [
    pytest.param(1, "POST /tickets/*/comment=error_before*1", id="comment"),
    pytest.param(2, "POST /tickets/*/add_line_item=error_before*1", id="line_item"),
    pytest.param(3, "POST /invoices=error_before*1", id="invoice"),
    pytest.param(4, "GET /invoices/*=error_before*1", id="check"),
    pytest.param(5, "PUT /tickets/*=error_before*1", id="status"),
]


@pytest.mark.parametrize("failing, fault", STEP_FAULTS)
async def test_a_failure_at_any_step_stops_there_and_resume_repeats_nothing(
    tmp_path, failing, fault
):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))
        env.sandbox.faults.add(fault)
        report = await run.execute()

        assert not report.finished
        states = {p.number: p.state for p in report.steps}
        assert [n for n, s in states.items() if s == B.DONE] == list(range(1, failing))
        assert states[failing] == B.STOPPED
        assert f"Stopped at step {failing}" in report.message
        assert "Not done: step" in report.message
        assert ticket.status != "Invoiced"

        resumed = await run.resume()
        assert resumed.finished, resumed.message
        assert counts(env, ticket) == {"comment": 1, "line_item": 1, "invoice": 1}
        assert ticket.status == "Invoiced"
        sends = {
            1: env.sandbox.count("POST", "/tickets/*/comment"),
            2: env.sandbox.count("POST", "/tickets/*/add_line_item"),
            3: env.sandbox.count("POST", "/invoices"),
            5: env.sandbox.count("PUT", "/tickets/*"),
        }
        # Each write went out once, except the one that failed before Syncro applied it.
        assert sends == {n: 2 if n == failing else 1 for n in sends}


async def test_a_step_whose_reply_was_lost_is_verified_and_the_run_goes_on(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/add_line_item=drop_after*1") as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))
        report = await run.execute()
        assert report.finished, report.message
        assert counts(env, ticket) == {"comment": 1, "line_item": 1, "invoice": 1}
        assert env.sandbox.count("POST", "/tickets/*/add_line_item") == 1


async def test_an_invoice_without_the_line_item_fails_the_check_clearly(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))

        def hide_line_item_from_the_invoice(steps):
            # Someone invoiced the line elsewhere between steps 2 and 3.
            if steps[1].state == B.DONE and steps[2].state == B.TODO:
                for li in ticket.line_items:
                    li.invoice_id = li.invoice_id or -1

        report = await run.execute(on_progress=hide_line_item_from_the_invoice)
        assert not report.finished
        check = next(p for p in report.steps if p.number == B.CHECK_STEP)
        assert check.state == B.STOPPED
        assert "does not hold the 0.75 h Labor - Remote Business line" in check.message
        assert ticket.status != "Invoiced"


async def test_a_stopped_run_resumes_after_a_restart(tmp_path):
    async with make_env(tmp_path, "POST /invoices=error_before*1") as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))
        assert not (await run.execute()).finished
        env.outbox.close()

        restarted = env.new_outbox()
        await restarted.recover()
        [run_id] = B.BillingRun.unfinished(restarted)
        again = B.BillingRun.load(restarted, run_id)
        assert [p.state for p in again.progress()][:3] == [B.DONE, B.DONE, B.STOPPED]
        report = await again.resume()
        restarted.close()
        assert report.finished, report.message
        assert counts(env, ticket) == {"comment": 1, "line_item": 1, "invoice": 1}
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1
        assert env.sandbox.count("POST", "/tickets/*/add_line_item") == 1


async def test_an_abandoned_run_is_no_longer_offered(tmp_path):
    async with make_env(tmp_path, "POST /invoices=error_before*1") as env:
        ticket = env.open_ticket()
        run = B.BillingRun.start(env.outbox, request(), await env.client.get_ticket(ticket.id))
        await run.execute()
        assert B.BillingRun.unfinished(env.outbox) == [run.run_id]
        run.abandon()
        assert B.BillingRun.unfinished(env.outbox) == []
        assert counts(env, ticket) == {"comment": 1, "line_item": 1, "invoice": 0}
