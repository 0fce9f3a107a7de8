"""The outbox against the in-process sandbox and the real client: journal, states,
duplicates, verification, resend rules, drafts, corruption and per-ticket ordering.

``Env``/``make_env`` are shared with the other core test modules (fault matrix, billing,
timers, restart).
"""

from __future__ import annotations

import asyncio
import os
import sqlite3
import stat
import time
from contextlib import asynccontextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from syncro_tui.api.client import SyncroClient
from syncro_tui.api.ratelimit import RateLimiter
from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.drafts import Drafts
from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_BASE_URL, Sandbox
from syncro_tui.sandbox.state import CLOSED_STATUSES


class FakeTime:
    """Monotonic time that sleeping advances, so backoffs and 429 pauses cost nothing."""

    def __init__(self) -> None:
        self.now = 1000.0

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += max(seconds, 0.0)
        await asyncio.sleep(0)


@dataclass
class Env:
    sandbox: Sandbox
    client: SyncroClient
    outbox: O.Outbox
    drafts: Drafts
    db: Path
    fake: FakeTime

    def open_ticket(self, index: int = 0):
        """An open, never-invoiced sandbox ticket (index picks another one)."""
        tickets = [
            t
            for t in self.sandbox.state.tickets.values()
            if t.status not in CLOSED_STATUSES and not t.invoice_ids
        ]
        return tickets[index]

    def new_client(self) -> SyncroClient:
        return SyncroClient(
            DEMO_BASE_URL,
            DEFAULT_API_KEY,
            transport=self.sandbox.transport(),
            timeout=0.2,
            read_retries=0,
            sleep=self.fake.sleep,
            limiter=RateLimiter(150, clock=self.fake.monotonic, sleep=self.fake.sleep),
        )

    def new_outbox(self, client: SyncroClient | None = None) -> O.Outbox:
        """Another outbox on the same journal: what a restarted app opens."""
        return O.Outbox(
            self.db,
            client or self.new_client(),
            drafts=self.drafts,
            settle_seconds=0.0,
            sleep=self.fake.sleep,
        )


@asynccontextmanager
async def make_env(tmp_path: Path, faults: str | None = None, **sandbox_kw):
    fake = FakeTime()
    sandbox = Sandbox(tickets=30, faults=faults, **sandbox_kw)
    drafts = Drafts(tmp_path / "drafts")
    env = Env(sandbox, None, None, drafts, tmp_path / "data" / "outbox.db", fake)  # type: ignore[arg-type]
    env.client = env.new_client()
    env.outbox = env.new_outbox(env.client)
    try:
        yield env
    finally:
        env.outbox.close()
        await env.client.aclose()


def comments_with(ticket, body: str) -> int:
    return sum(1 for c in ticket.comments if c.body == body)


@pytest.fixture
async def env(tmp_path):
    async with make_env(tmp_path) as e:
        yield e


# --------------------------------------------------------------------------- happy path


async def test_a_confirmed_comment_records_its_id_and_exact_payload(env):
    ticket = env.open_ticket()
    intent = W.comment(ticket.id, "Update", "Rebooted the switch.", "public")
    outcome = await env.outbox.submit(intent)

    assert outcome.state == O.CONFIRMED and outcome.applied
    posted = next(c for c in ticket.comments if c.body == "Rebooted the switch.")
    assert outcome.record_id == posted.id and posted.hidden is False
    request = [r for r in env.sandbox.requests if r.method == "POST"][-1]
    assert request.json == intent.payload
    [entry] = env.outbox.entries()
    assert entry.state == O.CONFIRMED and entry.intent == intent and entry.this_session
    assert entry.attempts == 1 and entry.sent_at is not None


async def test_the_write_is_journaled_before_it_is_sent(env):
    ticket = env.open_ticket()
    seen = []

    class Peeking:
        """Looks at the journal file from outside at the moment the client sends."""

        def __getattr__(self, name):
            return getattr(env.client, name)

        async def add_comment(self, ticket_id, payload):
            with sqlite3.connect(env.db) as conn:
                seen.extend(conn.execute("SELECT state, intent FROM entries").fetchall())
            return await env.client.add_comment(ticket_id, payload)

    outbox = O.Outbox(env.db, Peeking(), settle_seconds=0.0)
    await outbox.submit(W.comment(ticket.id, "Update", "journaled first"))
    outbox.close()
    assert len(seen) == 1
    state, intent = seen[0]
    assert state == O.SENT and "journaled first" in intent


async def test_a_definite_refusal_is_failed_with_syncros_message_and_nothing_applied(tmp_path):
    async with make_env(tmp_path, permissions={"Tickets - Edit": False}) as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "no permission"))
        assert outcome.state == O.FAILED and not outcome.applied
        assert "permission" in outcome.message.lower()
        assert comments_with(ticket, "no permission") == 0
        # A definite failure was not applied, so submitting it again is allowed.
        env.sandbox.state.set_permission("Tickets - Edit", True)
        again = await env.outbox.submit(W.comment(ticket.id, "Update", "no permission"))
        assert again.state == O.CONFIRMED
        assert comments_with(ticket, "no permission") == 1


# --------------------------------------------------------------------------- duplicates


async def test_the_same_comment_twice_is_refused_unless_the_user_insists(env):
    ticket = env.open_ticket()
    intent = W.comment(ticket.id, "Update", "Called, no answer.")
    await env.outbox.submit(intent)
    with pytest.raises(O.DuplicateWrite) as refused:
        await env.outbox.submit(W.comment(ticket.id, "Update", "Called, no answer."))
    assert not refused.value.unsettled and "already reached Syncro" in str(refused.value)
    assert comments_with(ticket, "Called, no answer.") == 1

    outcome = await env.outbox.submit(intent, allow_duplicate=True)
    assert outcome.state == O.CONFIRMED
    assert comments_with(ticket, "Called, no answer.") == 2


async def test_an_unsettled_write_blocks_its_twin_even_when_the_user_insists(tmp_path):
    faults = "POST /tickets/*/comment=drop_after*1;GET /tickets/*/comments=error_before*1"
    async with make_env(tmp_path, faults) as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "unclear")
        first = await env.outbox.submit(intent)
        assert first.state == O.UNKNOWN  # the check itself failed: still undecided
        assert "Could not check yet" in first.message
        with pytest.raises(O.DuplicateWrite) as refused:
            await env.outbox.submit(intent, allow_duplicate=True)
        assert refused.value.unsettled
        with pytest.raises(O.ResendRefused):
            await env.outbox.resend(first.entry_id)
        # Later, with the network back, checking again finds it.
        checked = await env.outbox.verify(first.entry_id)
        assert checked.state == O.LANDED
        assert checked.record_id == next(c.id for c in ticket.comments if c.body == "unclear")
        assert comments_with(ticket, "unclear") == 1
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1


async def test_a_write_verified_absent_goes_again_only_by_resend(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before*1") as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "absent once")
        outcome = await env.outbox.submit(intent)
        assert outcome.state == O.ABSENT
        with pytest.raises(O.DuplicateWrite, match="send that one again from the write log"):
            await env.outbox.submit(intent, allow_duplicate=True)
        assert (await env.outbox.resend(outcome.entry_id)).state == O.CONFIRMED
        assert comments_with(ticket, "absent once") == 1


async def test_a_ticket_update_may_be_repeated(env):
    ticket = env.open_ticket()
    for status in ("In Progress", "Waiting on Customer", "In Progress"):
        outcome = await env.outbox.submit(W.update_ticket(ticket.id, {"status": status}))
        assert outcome.state == O.CONFIRMED
    assert ticket.status == "In Progress"


# --------------------------------------------------------------------------- verification


async def test_verification_ignores_an_identical_comment_another_entry_owns(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before*1") as env:
        ticket = env.open_ticket()
        env.sandbox.faults.clear()
        first = await env.outbox.submit(W.comment(ticket.id, "Update", "same words"))
        env.sandbox.faults.add("POST /tickets/*/comment=error_before*1")
        second = await env.outbox.submit(
            W.comment(ticket.id, "Update", "same words"), allow_duplicate=True
        )
        # The only matching comment is the first entry's, so the second did not land.
        assert first.state == O.CONFIRMED and second.state == O.ABSENT
        assert comments_with(ticket, "same words") == 1


async def test_tenants_without_the_comments_endpoint_are_checked_on_the_ticket(tmp_path):
    faults = "POST /tickets/*/comment=drop_after*1;GET /tickets/*/comments=error_before:404"
    async with make_env(tmp_path, faults) as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "old tenant"))
        assert outcome.state == O.LANDED
        assert env.sandbox.count("GET", f"/tickets/{ticket.id}") == 1
        assert comments_with(ticket, "old tenant") == 1


async def test_a_ticket_update_that_lost_its_reply_is_verified_by_reading_the_ticket(tmp_path):
    async with make_env(tmp_path, "PUT /tickets/*=drop_after*1") as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.update_ticket(ticket.id, {"status": "Scheduled"}))
        assert outcome.state == O.LANDED and ticket.status == "Scheduled"


async def test_a_charge_that_lost_its_reply_is_verified_by_the_recorded_flag(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/charge_timer_entry=malformed*1") as env:
        ticket = env.open_ticket()
        now = time.time()
        timer = env.sandbox.state.add_timer(
            ticket, now, start=now - 1800, end=now, notes="x", product_id=None, user_id=None
        )
        outcome = await env.outbox.submit(W.charge_timer(ticket.id, timer.id))
        assert outcome.state == O.LANDED and outcome.record_id == timer.ticket_line_item_id
        assert len([li for li in ticket.line_items if li.id == timer.ticket_line_item_id]) == 1


# --------------------------------------------------------------------------- resend rules


async def test_resend_refuses_anything_but_absent(env):
    ticket = env.open_ticket()
    outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "fine"))
    with pytest.raises(O.ResendRefused, match="only a write verified absent"):
        await env.outbox.resend(outcome.entry_id)
    assert comments_with(ticket, "fine") == 1


async def test_resend_checks_again_and_does_not_send_what_turned_up(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before*1") as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "late arrival"))
        assert outcome.state == O.ABSENT and outcome.may_resend
        # Meanwhile the comment appears (e.g. a slow server finished the first request),
        # attributed to the key's user as every comment made with the key is.
        env.sandbox.state.add_comment(
            ticket,
            time.time(),
            subject="Update",
            body="late arrival",
            hidden=True,
            user_id=env.sandbox.state.me_id,
        )
        again = await env.outbox.resend(outcome.entry_id)
        assert again.state == O.LANDED
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1
        assert comments_with(ticket, "late arrival") == 1


# --------------------------------------------------------------------------- drafts


async def test_a_confirmed_write_deletes_its_draft_and_a_failed_one_keeps_it(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=rate_limit*1") as env:
        ticket = env.open_ticket()
        fields = {"subject": "Update", "body": "typed carefully"}
        env.drafts.save("comment", ticket.id, fields)
        intent = W.comment(ticket.id, **fields)
        failed = await env.outbox.submit(intent, draft=env.drafts.link("comment", ticket.id))
        assert failed.state == O.FAILED and "rate limit" in failed.message.lower()
        assert env.drafts.load("comment", ticket.id) == fields

        sent = await env.outbox.submit(intent, draft=env.drafts.link("comment", ticket.id))
        assert sent.state == O.CONFIRMED
        assert env.drafts.load("comment", ticket.id) is None


async def test_a_draft_typed_after_sending_survives_the_confirmation(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=latency:50*1") as env:
        ticket = env.open_ticket()
        env.drafts.save("comment", ticket.id, {"body": "first"})
        link = env.drafts.link("comment", ticket.id)
        sending = asyncio.create_task(
            env.outbox.submit(W.comment(ticket.id, "Update", "first"), draft=link)
        )
        await asyncio.sleep(0.01)
        env.drafts.save("comment", ticket.id, {"body": "second thoughts"})
        assert (await sending).state == O.CONFIRMED
        assert env.drafts.load("comment", ticket.id) == {"body": "second thoughts"}


# --------------------------------------------------------------------------- journal file


async def test_the_journal_is_private(env):
    mode = stat.S_IMODE(os.stat(env.db).st_mode)
    assert mode == 0o600


async def test_a_corrupt_journal_is_moved_aside_and_replaced(tmp_path):
    db = tmp_path / "data" / "outbox.db"
    db.parent.mkdir(parents=True)
    db.write_bytes(b"this is not a database" * 100)
    async with make_env(tmp_path) as env:
        assert env.outbox.notice and "moved to" in env.outbox.notice
        aside = [p for p in db.parent.iterdir() if ".corrupt-" in p.name]
        assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not")
        outcome = await env.outbox.submit(W.comment(env.open_ticket().id, "Update", "works"))
        assert outcome.state == O.CONFIRMED


async def test_entries_since_lists_the_days_writes_newest_first(env):
    clock = [time.time() - 3 * 86400]
    outbox = O.Outbox(env.db, env.client, clock=lambda: clock[0], settle_seconds=0.0)
    ticket = env.open_ticket()
    await outbox.submit(W.comment(ticket.id, "Update", "old"))
    clock[0] = time.time()
    await outbox.submit(W.comment(ticket.id, "Update", "today"))
    today = [e.intent.payload["body"] for e in outbox.entries(since=clock[0] - 3600)]
    everything = [e.intent.payload["body"] for e in outbox.entries()]
    outbox.close()
    assert today == ["today"] and everything == ["today", "old"]


# --------------------------------------------------------------------------- ordering


async def test_one_write_in_flight_per_ticket(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=latency:30") as env:
        a, b = env.open_ticket(0), env.open_ticket(1)
        in_flight: dict[int, int] = {}
        peak: dict[int, int] = {}
        overall = [0, 0]

        class Counting:
            def __getattr__(self, name):
                return getattr(env.client, name)

            async def add_comment(self, ticket_id, payload):
                in_flight[ticket_id] = in_flight.get(ticket_id, 0) + 1
                overall[0] += 1
                peak[ticket_id] = max(peak.get(ticket_id, 0), in_flight[ticket_id])
                overall[1] = max(overall[1], overall[0])
                try:
                    return await env.client.add_comment(ticket_id, payload)
                finally:
                    in_flight[ticket_id] -= 1
                    overall[0] -= 1

        outbox = O.Outbox(env.db, Counting(), settle_seconds=0.0)
        outcomes = await asyncio.gather(
            *(
                outbox.submit(W.comment(t.id, "Update", f"note {n}"))
                for n in range(3)
                for t in (a, b)
            )
        )
        outbox.close()
        assert all(o.state == O.CONFIRMED for o in outcomes)
        assert peak == {a.id: 1, b.id: 1}
        assert overall[1] == 2  # different tickets do go in parallel


# --------------------------------------------------------------------------- listeners


async def test_listeners_see_every_state_change(env):
    seen = []
    env.outbox.subscribe(lambda entry: seen.append(entry.state))
    await env.outbox.submit(
        W.line_item(
            env.open_ticket().id,
            product_id=5001,
            product_name="Labor - Remote Business",
            description="Remote fix",
            hours=Decimal("0.5"),
        )
    )
    assert seen == [O.SENT, O.CONFIRMED]
