"""Verifying a new ticket whose outcome was unclear (tickets cannot be told apart once two
exist, and a duplicate ticket cannot be deleted through the API).

* the server's ``created_after`` is asked a day early: a tenant that reads only its date,
  as a day of the account, must not hide a ticket created a minute ago;
* a ticket of the customer made in the window whose subject differs (Syncro stored it
  changed, or someone else made one) is ``unknown``, named, and cannot be resent;
* ``absent`` only when the customer has no ticket at all made since the send.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.verification import created_after_day
from syncro_tui.sandbox import Sandbox
from tests.core.test_outbox import Env, FakeTime

DROP = "POST /tickets=drop_after*1"
NOT_APPLIED = "POST /tickets=error_before*1"
LATE = datetime(2026, 11, 21, 2, 0, tzinfo=UTC).timestamp()  # 18:00 the day before in LA


class Clock:
    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def make(tmp_path, faults: str, **kw) -> tuple[Env, Clock]:
    clock = Clock(LATE)
    sandbox = Sandbox(tickets=30, faults=faults, clock=clock, **kw)
    fake = FakeTime()
    env = Env(sandbox, None, None, None, tmp_path / "outbox.db", fake)  # type: ignore[arg-type]
    env.client = env.new_client()
    env.outbox = O.Outbox(env.db, env.client, clock=clock, settle_seconds=0.0)
    return env, clock


def intent(customer_id: int, subject: str = "Printer offline in HR") -> W.WriteIntent:
    return W.new_ticket(customer_id=customer_id, subject=subject, user_id=101, priority="2 Normal")


async def close(env: Env) -> None:
    env.outbox.close()
    await env.client.aclose()


def test_created_after_is_asked_a_day_before_the_send_in_utc():
    assert created_after_day(LATE) == date(2026, 11, 20)


async def test_a_ticket_made_late_in_the_utc_day_is_found_on_a_date_only_tenant(tmp_path):
    env, _ = make(tmp_path, DROP, since_date_only=True)
    try:
        customer = min(env.sandbox.state.customers)
        outcome = await env.outbox.submit(intent(customer))
        assert outcome.state == O.LANDED, outcome.message
        [query] = [
            r.query for r in env.sandbox.requests if r.method == "GET" and r.path == "/tickets"
        ]
        assert query["created_after"] == "2026-11-20"
        with pytest.raises(O.ResendRefused):
            await env.outbox.resend(outcome.entry_id)
        assert env.sandbox.count("POST", "/tickets") == 1
    finally:
        await close(env)


async def test_another_ticket_of_the_customer_in_the_window_keeps_it_unknown(tmp_path):
    env, clock = make(tmp_path, NOT_APPLIED)
    try:
        customer = min(env.sandbox.state.customers)
        # The write never arrived, but meanwhile a colleague opened one for the same customer
        # (or Syncro stored this one with a changed subject): it cannot be told apart.
        other = env.sandbox.state.create_ticket(
            clock.now + 1, customer_id=customer, subject="HR printer: offline again"
        )
        outcome = await env.outbox.submit(intent(customer))
        assert outcome.state == O.UNKNOWN
        assert not outcome.may_resend
        assert "Needs your look" in outcome.message
        assert f"#{other.number} 'HR printer: offline again'" in outcome.message
        with pytest.raises(O.ResendRefused):
            await env.outbox.resend(outcome.entry_id)
        assert env.sandbox.count("POST", "/tickets") == 1
    finally:
        await close(env)


async def test_a_subject_read_back_with_entities_is_landed(tmp_path):
    env, _ = make(tmp_path, DROP)
    try:
        customer = min(env.sandbox.state.customers)
        outcome_intent = intent(customer, "Printer & scanner <HR> offline")
        # Syncro handing the subject back HTML-escaped still matches.
        real_create = env.sandbox.state.create_ticket

        def escaped(now, *, customer_id, subject, **fields):
            subject = subject.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
            return real_create(now, customer_id=customer_id, subject=subject, **fields)

        env.sandbox.state.create_ticket = escaped  # type: ignore[method-assign]
        outcome = await env.outbox.submit(outcome_intent)
        assert outcome.state == O.LANDED, outcome.message
    finally:
        await close(env)


async def test_absent_only_when_the_customer_has_no_ticket_made_since(tmp_path):
    env, _ = make(tmp_path, NOT_APPLIED)
    try:
        customer = min(env.sandbox.state.customers)
        outcome = await env.outbox.submit(intent(customer))
        assert outcome.state == O.ABSENT, outcome.message
        assert outcome.may_resend
        assert "no ticket made since it was sent" in outcome.message
        again = await env.outbox.resend(outcome.entry_id)
        assert again.applied
        assert env.sandbox.count("POST", "/tickets") == 2  # the first never arrived
        made = [t for t in env.sandbox.state.tickets.values() if t.customer_id == customer]
        assert sum(t.subject == "Printer offline in HR" for t in made) == 1
    finally:
        await close(env)
