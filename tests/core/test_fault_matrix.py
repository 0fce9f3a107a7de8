"""Every fault the sandbox can inject, on every kind of write the app sends.

For comments, line items, timer entries, invoices and new tickets (records created), and
for ticket updates, line item updates, charging and deleting a timer (changes), each of:
5xx before apply, 5xx after apply, response dropped after apply, timeout after apply, 429
and a malformed 200. Whatever happens, the sandbox ends with exactly one record (or one
change) per intent that ended applied, or none where the technician declined to send it
again: never two. Every kind in ``core.kinds.KINDS`` has its row here.

Comments run twice more on a rich-text tenant (``Sandbox(rich_text=True)``), which hands
every body back reformatted as HTML: the seed's incident was a landed comment taken for
absent and offered for resend.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from tests.core.test_outbox import Env, make_env

MARK = "fault-matrix 7f3a"  # text that identifies the records this test creates


@dataclass(frozen=True)
class Kind:
    name: str
    route: str  # fault glob (below /api/v1)
    build: Callable[[Env, object], W.WriteIntent]
    count: Callable[[Env, object], int]  # records (or changes) of this intent in the sandbox
    prepare: Callable[[Env, object], None] = lambda env, ticket: None
    sandbox: dict = field(default_factory=dict)  # Sandbox options (the tenant's variance)
    method: str = "POST"


def _invoiceable(env: Env, ticket) -> None:
    """Make Invoice needs a line item to pull in (and verification looks at it)."""
    env.sandbox.state.add_line_item(
        ticket,
        time.time(),
        name="Labor - Remote Business",
        description="Remote fix",
        quantity=Decimal("0.5"),
        product_id=5001,
        price_retail=None,
        taxable=False,
    )


START = datetime(2026, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=-7)))


def _with_line_item(env: Env, ticket) -> None:
    env.sandbox.state.add_line_item(
        ticket,
        time.time(),
        name="Labor - Remote Business",
        description="before the update",
        quantity=Decimal("0.5"),
        product_id=5001,
        price_retail=None,
        taxable=False,
    )


def _with_timer(env: Env, ticket) -> None:
    now = time.time()
    env.sandbox.state.add_timer(
        ticket, now, start=now - 2700, end=now, notes=MARK, product_id=5002, user_id=None
    )


def _line_item(ticket):
    return next(li for li in ticket.line_items if li.description in ("before the update", MARK))


def _timer_id(ticket) -> int:
    return next(t.id for t in ticket.timers if t.notes == MARK)


def _charges(env: Env, ticket) -> int:
    """Line items made by charging the prepared timer (charging twice makes a second)."""
    return sum(li.description == MARK for li in ticket.line_items)


def _deleted(env: Env, ticket) -> int:
    return int(not any(t.notes == MARK for t in ticket.timers))


# A body that a rich-text tenant changes in every way it can: entities, line breaks (as
# <br> or <p>, by comment id), trailing whitespace.
RICH_BODY = f"{MARK}: AP & switch <rack 2> rebooted.  \nChecked again after 5 min.\n\n"

KINDS = [
    Kind(
        "comment-rich-text-tenant",
        "/tickets/*/comment",
        lambda env, t: W.comment(t.id, "Update", RICH_BODY),
        lambda env, t: sum(c.body.startswith(f"{MARK}: AP") for c in t.comments),
        sandbox={"rich_text": True},
    ),
    Kind(
        "comment-rich-text-tenant-private",
        "/tickets/*/comment",
        lambda env, t: W.comment(t.id, "Diagnosis & plan", "one\ntwo\nthree", "internal"),
        lambda env, t: sum(c.body == "one\ntwo\nthree" for c in t.comments),
        sandbox={"rich_text": True},
    ),
    Kind(
        "comment",
        "/tickets/*/comment",
        lambda env, t: W.comment(t.id, "Update", MARK),
        lambda env, t: sum(c.body == MARK for c in t.comments),
    ),
    Kind(
        "line_item",
        "/tickets/*/add_line_item",
        lambda env, t: W.line_item(
            t.id,
            product_id=5001,
            product_name="Labor - Remote Business",
            description=MARK,
            hours=Decimal("0.75"),
        ),
        lambda env, t: sum(li.description == MARK for li in t.line_items),
    ),
    Kind(
        "timer_entry",
        "/tickets/*/timer_entry",
        lambda env, t: W.timer_entry(
            t.id, start_at=START, end_at=START + timedelta(minutes=45), notes=MARK, product_id=5002
        ),
        lambda env, t: sum(tm.notes == MARK for tm in t.timers),
    ),
    Kind(
        "invoice",
        "/invoices",
        lambda env, t: W.invoice(t.id, t.customer_id),
        lambda env, t: sum(inv.ticket_id == t.id for inv in env.sandbox.state.invoices.values()),
        _invoiceable,
    ),
    Kind(
        "new_ticket",
        "/tickets",
        lambda env, t: W.new_ticket(
            customer_id=t.customer_id,
            subject=MARK,
            user_id=101,
            priority="2 Normal",
            problem_type="Network",
            description="Internet down since 9am",
        ),
        lambda env, t: sum(x.subject == MARK for x in env.sandbox.state.tickets.values()),
    ),
    Kind(
        "ticket_update",
        "/tickets/*",
        lambda env, t: W.update_ticket(t.id, {"status": "Waiting on Customer"}),
        lambda env, t: int(t.status == "Waiting on Customer"),
        method="PUT",
    ),
    Kind(
        "update_line_item",
        "/tickets/*/update_line_item",
        lambda env, t: W.update_line_item(
            t.id,
            _line_item(t).id,
            product_id=5001,
            name="Labor - Remote Business",
            description=MARK,
            hours=Decimal("0.75"),
            taxable=False,
        ),
        lambda env, t: sum(li.description == MARK for li in t.line_items),
        _with_line_item,
        method="PUT",
    ),
    Kind(
        "charge_timer",
        "/tickets/*/charge_timer_entry",
        lambda env, t: W.charge_timer(t.id, _timer_id(t)),
        _charges,
        _with_timer,
    ),
    Kind(
        "delete_timer",
        "/tickets/*/delete_timer_entry",
        lambda env, t: W.delete_timer(t.id, _timer_id(t)),
        _deleted,
        _with_timer,
    ),
]

APPLIED_FAULTS = ["error_after", "drop_after", "timeout_after", "malformed"]
NOT_APPLIED_FAULTS = ["error_before", "rate_limit"]

CASES = [pytest.param(k, f, None, id=f"{k.name}-{f}") for k in KINDS for f in APPLIED_FAULTS] + [
    pytest.param(k, f, answer, id=f"{k.name}-{f}-{answer}")
    for k in KINDS
    for f in NOT_APPLIED_FAULTS
    for answer in ("accept", "decline")
]


@pytest.mark.parametrize("kind, fault, answer", CASES)
async def test_fault_never_makes_two(tmp_path, kind: Kind, fault: str, answer: str | None):
    faults = f"{kind.method} {kind.route}={fault}*1"
    async with make_env(tmp_path, faults, **kind.sandbox) as env:
        ticket = env.open_ticket()
        kind.prepare(env, ticket)
        intent = kind.build(env, ticket)
        outcome = await env.outbox.submit(intent)

        if fault in APPLIED_FAULTS:
            # Syncro applied it but the app could not tell: verified, never re-sent.
            assert outcome.state == O.LANDED, outcome.message
            assert kind.count(env, ticket) == 1
            with pytest.raises(O.ResendRefused):
                await env.outbox.resend(outcome.entry_id)
            if kind.method == "POST":
                with pytest.raises(O.DuplicateWrite):
                    await env.outbox.submit(intent)
            assert env.sandbox.count(kind.method, kind.route) == 1
            assert kind.count(env, ticket) == 1
            return

        # Not applied: 5xx before -> unknown, verified absent (resend offered);
        # 429 -> a definite failure (submit again offered).
        expected = O.ABSENT if fault == "error_before" else O.FAILED
        assert outcome.state == expected, outcome.message
        assert kind.count(env, ticket) == 0
        if answer == "accept":
            if outcome.state == O.ABSENT:
                again = await env.outbox.resend(outcome.entry_id)
            else:
                again = await env.outbox.submit(intent)
            assert again.state == O.CONFIRMED, again.message
            assert kind.count(env, ticket) == 1
            assert env.sandbox.count(kind.method, kind.route) == 2
        else:
            assert kind.count(env, ticket) == 0
            assert env.sandbox.count(kind.method, kind.route) == 1


def test_every_write_kind_has_its_row():
    from syncro_tui.core.kinds import KINDS as REGISTERED

    assert {k.name for k in KINDS if k.name in REGISTERED} == set(REGISTERED)
