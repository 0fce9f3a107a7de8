"""Core against the sandbox's real-account variance: broken tickets in a list page,
priorities and time zones from the account, big ids through the cache."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import pytest

from syncro_tui.config import load_settings
from syncro_tui.core.account_time import account_zone, due_date, due_text
from syncro_tui.core.backend import Connection
from syncro_tui.core.session import Session
from syncro_tui.core.store import Store
from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox
from syncro_tui.sandbox.data import BIG_FIRST_NUMBER
from syncro_tui.secrets import SecretKey

T0 = datetime(2026, 11, 20, 15, 0, tzinfo=UTC).timestamp()


def open_ids(sb: Sandbox) -> list[int]:
    return [
        t.id
        for t in sb.state.tickets.values()
        if t.status not in ("Resolved", "Invoiced", "Closed")
    ]


@pytest.fixture
def make_session(tmp_path):
    made: list[Session] = []

    def factory(sb: Sandbox, *, cache=None) -> Session:
        from syncro_tui.api.ratelimit import RateLimiter
        from syncro_tui.sandbox.defaults import DEMO_BASE_URL

        settings = load_settings(env={}).with_overrides(base_url=DEMO_BASE_URL, subdomain="")
        connection = Connection(SecretKey(DEFAULT_API_KEY), "sandbox", sb.transport())
        session = Session(
            settings,
            Store(),
            connection,
            cache=cache,
            limiter=RateLimiter(180),
            wall_clock=sb.clock,
            outbox_path=tmp_path / f"outbox-{len(made)}.sqlite3",
        )
        made.append(session)
        return session

    yield factory


# -- one malformed ticket never fails a poll (issue 15) -----------------------------------------

BROKEN = [
    {"priority": 3},
    {"due_date": "0000-00-00"},
    {"due_date": "not a date"},
    {"updated_at": "2026-13-45T99:00:00Z"},
    {"subject": 12345, "customer_business_then_name": 678},
    {"problem_type": ["Hardware", "Network"]},
    {"id": "not-an-id"},
]


async def test_malformed_tickets_never_fail_a_poll(make_session, caplog):
    sb = Sandbox(clock=lambda: T0, tickets=60)
    victims = open_ids(sb)[: len(BROKEN)]
    for tid, raw in zip(victims, BROKEN, strict=True):
        sb.simulate_broken_ticket(tid, **raw)
    session = make_session(sb)
    await session.load_lists()
    with caplog.at_level(logging.WARNING, logger="syncro_tui.sync"):
        result = await session.poll(force_full=True)
    rows = session.store.tickets
    assert result.full and len(rows) == len(open_ids(sb))  # every ticket, broken or not
    by_number = {r.number: r for r in rows.values()}
    numbers = {tid: str(sb.state.tickets[tid].number) for tid in victims}
    # Readable with a lenient eye: a number as priority or subject, a date that is no date.
    assert by_number[numbers[victims[0]]].priority == "3"
    assert by_number[numbers[victims[1]]].due_date == ""
    assert by_number[numbers[victims[2]]].due_date == ""
    assert by_number[numbers[victims[4]]].subject == "12345"
    assert by_number[numbers[victims[4]]].customer_name == "678"
    # Unreadable: shown as such, with the number and what was wrong, and logged once.
    for tid, field in (
        (victims[3], "updated_at"),
        (victims[5], "problem_type"),
        (victims[6], "id"),
    ):
        row = by_number[numbers[tid]]
        assert row.subject.startswith("UNREADABLE") and field in row.subject
        assert any(
            numbers[tid] in rec.getMessage() and field in rec.getMessage() for rec in caplog.records
        )
    assert by_number[numbers[victims[6]]].id < 0  # no usable id: never requested
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="syncro_tui.sync"):
        again = await session.poll(force_full=True)
    assert again.full and not caplog.records  # not logged again every minute
    # And a fresh ticket still arrives while the broken ones sit in the queue.
    new = sb.simulate_new_ticket(subject="Printer on fire")
    await session.poll()
    assert new.id in session.store.tickets


async def test_an_unreadable_ticket_detail_is_refused_plainly(make_session):
    from syncro_tui.api.errors import UnexpectedResponse

    sb = Sandbox(clock=lambda: T0, tickets=20)
    tid = open_ids(sb)[0]
    sb.simulate_broken_ticket(tid, id="x")
    session = make_session(sb)
    await session.poll(force_full=True)
    broken = next(r for r in session.store.tickets.values() if r.id < 0)
    before = sb.count("GET", "/tickets/*")
    with pytest.raises(UnexpectedResponse):
        await session.fetch_detail(broken.id)
    assert sb.count("GET", "/tickets/*") == before


# -- the account's priorities ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("style", "expected"),
    [
        ("numbered", ("0 Urgent", "1 High", "2 Normal", "3 Low")),
        ("plain", ("Low", "Normal", "High", "Urgent")),
        ("mixed", ("0 Urgent", "1 High", "2 Normal", "3 Low")),
    ],
)
async def test_priorities_come_from_the_account(make_session, style, expected):
    session = make_session(Sandbox(clock=lambda: T0, tickets=40, priorities=style))
    await session.load_lists()
    assert session.store.priorities == expected


# -- time zones --------------------------------------------------------------------------------


async def test_due_dates_are_the_account_calendar_date(make_session):
    sb = Sandbox(
        clock=lambda: T0, tickets=20, time_zone="America/Los_Angeles", time_offset="-08:00"
    )
    tid = open_ids(sb)[0]
    session = make_session(sb)
    await session.load_lists()
    await session.client.update_ticket(tid, {"due_date": "2026-12-31"})
    await session.poll(force_full=True)
    assert session.store.tickets[tid].due_date == "2026-12-31"
    detail = await session.fetch_detail(tid)
    assert due_text(detail.due_date, session.zone) == "2026-12-31"
    assert session.store.account.time_zone == "America/Los_Angeles"


@pytest.mark.parametrize(
    "sent",
    [
        "2026-12-31",
        "2026-12-31T00:00:00-08:00",
        "2026-12-31T08:00:00Z",
        "2026-12-31T00:00:00.000Z",  # a date stored as midnight UTC ...
        "2026-12-30T16:00:00.000-08:00",  # ... and the same rendered at the account's offset
    ],
)
def test_every_shape_of_a_date_only_due_date_reads_as_that_date(sent):
    zone = account_zone("America/Los_Angeles", "-08:00")
    found = due_date(sent, zone)
    assert found is not None and found.iso() == "2026-12-31" and found.at is None


def test_a_due_time_is_shown_in_the_account_zone_with_its_name():
    zone = account_zone("America/Los_Angeles", "-08:00")
    assert due_text("2026-12-31T01:30:00Z", zone) == "2026-12-30 17:30 America/Los_Angeles"
    assert (
        due_text("2026-07-01T20:00:00Z", account_zone("", "+05:30")) == "2026-07-02 01:30 UTC+05:30"
    )
    assert due_text(None, zone) == "" and due_text("garbage", zone) == ""


# -- ids above 2^31 ----------------------------------------------------------------------------


async def test_big_ids_and_numbers_through_sync_and_cache(make_session, tmp_path):
    from syncro_tui.core.cache import TicketCache

    sb = Sandbox(clock=lambda: T0, tickets=30, big_ids=True)
    cache = TicketCache(tmp_path / "cache.sqlite3")
    session = make_session(sb, cache=cache)
    await session.poll(force_full=True)
    rows = session.store.tickets
    assert rows and all(tid > 2**32 for tid in rows)
    assert all(int(r.number) >= BIG_FIRST_NUMBER for r in rows.values())
    cached = {r.id: r for r in cache.load_rows()}
    assert cached == dict(rows)
    tid = next(iter(rows))
    detail = await session.fetch_detail(tid)
    assert detail.id == tid and detail.customer.id > 2**31
    found = await session.find_by_number(rows[tid].number)
    assert found is not None and found.id == tid


# -- custom fields, SLA, priorities: pure helpers ------------------------------------------------


def test_custom_fields_in_the_type_order_with_answer_text_and_checkboxes():
    from syncro_tui.core.ticket_facts import custom_fields

    ticket = {
        "properties": {"Extra": 7, "Department": 35985, "Needs Laptop": "0", "Start": ""},
        "ticket_type": {
            "name": "User Onboarding",
            "ticket_fields": [
                {"name": "Needs Laptop", "field_type": "check_box"},
                {
                    "name": "Department",
                    "field_type": "select_box",
                    "answers": [{"id": 35985, "content": "Clinical"}],
                },
                {"name": "Start", "field_type": "date_field"},
            ],
        },
    }
    assert custom_fields(ticket) == [
        ("Needs Laptop", "no"),
        ("Department", "Clinical"),
        ("Extra", "7"),
    ]
    assert custom_fields({"properties": None}) == []


def test_priority_rank_follows_the_account_and_never_invents():
    from syncro_tui.core.priorities import choices, label, level, rank, urgent

    account = ["", "0 Urgent", "1 High", "2 Normal", "3 Low"]
    values = ["3 Low", None, "High", "0 Urgent", "", "Weird", "2 Normal"]
    ordered = sorted(values, key=lambda v: rank(v, account))
    assert ordered == ["0 Urgent", "High", "2 Normal", "3 Low", "Weird", None, ""]
    # A live tenant's plain list runs from the least urgent: urgent still sorts first.
    plain = ["Low", "Normal", "High", "Urgent"]
    assert sorted(["Low", "Urgent", "", "High", None, "Normal"], key=lambda v: rank(v, plain)) == [
        "Urgent", "High", "Normal", "Low", "", None,
    ]  # fmt: skip
    assert [level(p, plain) for p in plain] == [3, 2, 1, 0]
    # A list in the other direction, and words nobody knows, keep the account's order.
    assert [level(p, ["P1", "P2", "P3"]) for p in ["P1", "P2", "P3"]] == [0, 1, 2]
    assert [level(p, ["Critical", "Minor"]) for p in ["Critical", "Minor"]] == [0, 1]
    # A legacy word the account no longer lists is placed by what it says.
    assert level("Critical", account) == 0 and level("Low", plain) == 3
    assert level(None, account) is None and level("Weird", account) is None
    # The one-cell column: the account's own number (the twin's), else the initial.
    assert [label(v, account) for v in ["1 High", "High", "", None, "Weird"]] == [
        "1", "1", "", "", "W",
    ]  # fmt: skip
    assert label("Urgent", plain) == "U"
    assert urgent("High", account) and urgent("Urgent", plain) and not urgent("Normal", plain)
    assert choices(account, "High") == ["0 Urgent", "1 High", "2 Normal", "3 Low", "High"]
    assert choices(plain, None) == plain and choices([], "") == []


def test_a_detail_without_list_only_fields_keeps_what_the_list_said():
    from syncro_tui.api.models import TicketDetail
    from syncro_tui.core.rows import TicketRow
    from syncro_tui.core.session import _keep_list_only, row_from_ticket

    listed = TicketRow(
        1, "5", "s", "New", ticket_type="Repair", sla_name="Gold", sla_state="breached",
        contract_name="Managed",
    )  # fmt: skip
    detail = TicketDetail.model_validate({"id": 1, "number": 5, "subject": "s"})
    kept = _keep_list_only(row_from_ticket(detail), listed, detail)
    assert (kept.ticket_type, kept.sla_name, kept.sla_state, kept.contract_name) == (
        "Repair",
        "Gold",
        "breached",
        "Managed",
    )
    cleared = TicketDetail.model_validate(
        {"id": 1, "number": 5, "sla_breached": False, "sla_name": None, "contract_id": None}
    )
    assert _keep_list_only(row_from_ticket(cleared), listed, cleared).sla_state == ""
