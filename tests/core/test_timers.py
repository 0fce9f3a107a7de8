"""Timers: a running timer survives restarts, stopped time is kept until posted, the
warnings before billing, and the charge quirk corrected."""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import timers as T
from tests.core.test_outbox import make_env

TZ = timezone(timedelta(hours=-7))
NINE = datetime(2026, 3, 4, 9, 0, tzinfo=TZ)


def store(tmp_path, now=NINE) -> T.TimerStore:
    return T.TimerStore(tmp_path / "timer.json", clock=lambda: now)


def test_a_running_timer_survives_a_new_store(tmp_path):
    store(tmp_path).start(20001, "1042")
    again = store(tmp_path, NINE + timedelta(minutes=65))
    running = again.current()
    assert running == T.RunningTimer(20001, "1042", NINE)
    assert T.format_elapsed(running.elapsed(NINE + timedelta(minutes=65))) == "1:05"


def test_one_timer_at_a_time_and_stopping_none_is_an_error(tmp_path):
    s = store(tmp_path)
    s.start(1, "10")
    with pytest.raises(T.TimerError, match="already running on #10"):
        s.start(2, "11")
    s.stop(NINE + timedelta(minutes=5))
    with pytest.raises(T.TimerError, match="No timer is running"):
        s.stop()


def test_stopped_time_is_kept_until_posted(tmp_path):
    s = store(tmp_path)
    s.start(1, "10")
    stopped = s.stop(NINE + timedelta(minutes=45))
    assert (stopped.ticket_id, stopped.start, stopped.end, stopped.minutes) == (
        1,
        NINE,
        NINE + timedelta(minutes=45),
        45,
    )
    assert store(tmp_path).current() is None
    assert store(tmp_path).unposted() == [stopped]
    store(tmp_path).posted(stopped)
    assert store(tmp_path).unposted() == []


def test_the_timer_entry_for_a_stopped_span():
    stopped = T.StoppedTimer(7, "99", NINE, NINE + timedelta(minutes=45))
    intent = T.timer_entry_intent(stopped, notes="Swapped the PSU", product_id=5002)
    assert intent.path == "/tickets/7/timer_entry"
    assert intent.payload == {
        "start_at": "2026-03-04T09:00:00-07:00",
        "end_at": "2026-03-04T09:45:00-07:00",
        "notes": "Swapped the PSU",
        "product_id": 5002,
    }


def test_a_naive_start_is_refused(tmp_path):
    with pytest.raises(ValueError, match="time zone"):
        store(tmp_path).start(1, "10", started_at=datetime(2026, 3, 4, 9, 0))


class _Timer:
    def __init__(self, minutes, recorded):
        self.recorded = recorded
        self.duration_minutes = minutes


class _Ticket:
    id = 7
    ticket_timers = [_Timer(30, False), _Timer(15, False), _Timer(60, True)]


def test_warnings_before_resolving_or_billing():
    running = T.RunningTimer(7, "99", NINE)
    stopped = [
        T.StoppedTimer(7, "99", NINE, NINE + timedelta(minutes=20)),
        T.StoppedTimer(8, "100", NINE, NINE + timedelta(minutes=5)),
    ]
    warnings = T.time_warnings(_Ticket(), running, stopped, now=NINE + timedelta(minutes=12))
    assert warnings == [
        "A timer is running on this ticket (0:12 so far): stop it first or that time will not be billed.",
        "20 minutes of stopped timer time were never posted to Syncro.",
        "45 minutes of time not billed (2 uncharged timers).",
    ]
    other = T.RunningTimer(8, "100", NINE)

    class Clean:
        id = 7
        ticket_timers = [_Timer(60, True)]

    assert T.time_warnings(Clean(), other) == []


async def test_a_posted_timer_is_charged_and_its_product_corrected(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        s = store(tmp_path)
        s.start(ticket.id, str(ticket.number))
        stopped = s.stop(NINE + timedelta(minutes=45))
        posted = await env.outbox.submit(
            T.timer_entry_intent(stopped, notes="Onsite PSU swap", product_id=5002)
        )
        assert posted.state == O.CONFIRMED
        s.posted(stopped)

        detail = await env.client.get_ticket(ticket.id)
        assert T.time_warnings(detail, s.current()) == [
            "45 minutes of time not billed (1 uncharged timer)."
        ]

        # The sandbox charges with the default labor product (5001), like Syncro.
        result = await T.charge_and_fix(
            env.outbox,
            ticket.id,
            posted.record_id,
            product_id=5002,
            product_name="Labor - Onsite Business",
        )
        assert result.outcome.applied
        line = next(li for li in ticket.line_items if li.id == result.outcome.record_id)
        assert line.product_id == 5001 and line.quantity == Decimal("0.75")
        assert result.fix is not None
        assert result.fix.path == f"/tickets/{ticket.id}/update_line_item"
        assert result.fix.payload == {
            "ticket_line_item_id": line.id,
            "product_id": 5002,
            "name": "Labor - Onsite Business",
            "description": "Onsite PSU swap",
            "quantity": 0.75,
            "taxable": False,
        }

        fixed = await env.outbox.submit(result.fix)
        assert fixed.state == O.CONFIRMED
        assert (line.product_id, line.name, line.quantity) == (
            5002,
            "Labor - Onsite Business",
            Decimal("0.75"),
        )
        assert len(ticket.line_items) == len({li.id for li in ticket.line_items})
        assert T.time_warnings(await env.client.get_ticket(ticket.id), None) == []


async def test_no_correction_when_syncro_chose_the_right_product(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        now = time.time()
        timer = env.sandbox.state.add_timer(
            ticket, now, start=now - 3600, end=now, notes="remote", product_id=5001, user_id=None
        )
        result = await T.charge_and_fix(
            env.outbox, ticket.id, timer.id, product_id=5001, product_name="Labor - Remote Business"
        )
        assert result.outcome.applied and result.fix is None
        assert result.message == "Charged as Labor - Remote Business."


async def test_a_charge_that_failed_proposes_no_fix(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/charge_timer_entry=rate_limit*1") as env:
        ticket = env.open_ticket()
        now = time.time()
        timer = env.sandbox.state.add_timer(
            ticket, now, start=now - 600, end=now, notes="n", product_id=5002, user_id=None
        )
        result = await T.charge_and_fix(
            env.outbox, ticket.id, timer.id, product_id=5002, product_name="Labor - Onsite Business"
        )
        assert result.outcome.state == O.FAILED and result.fix is None
        assert not timer.recorded
