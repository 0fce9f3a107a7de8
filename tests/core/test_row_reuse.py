"""A reconcile keeps the held row of a ticket whose list item did not change, without reading
it again (core.row_reuse), and reads it again on any change: the rows are always the ones a
fresh reading gives."""

from __future__ import annotations

import copy

import pytest

from syncro_tui.core import row_reuse
from syncro_tui.core import session as session_module
from syncro_tui.core.account_time import account_zone
from syncro_tui.core.row_reuse import _FIELDS, fingerprint
from syncro_tui.sandbox import Sandbox
from tests.api.fixtures.shapes import LIST_TICKET
from tests.core.test_page_rows import VARIANTS
from tests.core.test_variance import T0, make_session, open_ids  # noqa: F401  (fixture)

USERS = {101: "Alex Rivera", 102: "Sam Chen"}


def items(n: int = 5) -> list[dict]:
    return [{**copy.deepcopy(LIST_TICKET), "id": 500 + k, "number": 9000 + k} for k in range(n)]


def read_and_hold(session, page: list[dict]) -> list:
    rows = session._page_rows(copy.deepcopy(page))
    session.store.apply_tickets(rows, full=False)
    return rows


def fresh_rows(make_session, page: list[dict], users=USERS, zone=None) -> list:  # noqa: F811
    other = make_session(Sandbox(clock=lambda: T0, tickets=5))
    other.users = users
    if zone is not None:
        other.zone = zone
    return other._page_rows(copy.deepcopy(page))


@pytest.fixture(autouse=True, params=["orjson", "fields"])
def fingerprints(request, monkeypatch):
    """Both fingerprints: the whole item as orjson writes it, the fields' values without it."""
    if request.param == "fields":
        monkeypatch.setattr(row_reuse, "_dumps", None)
    elif row_reuse._dumps is None:
        pytest.skip("orjson is not installed (the optional fast path)")
    return request.param


@pytest.fixture
def session(make_session):  # noqa: F811
    s = make_session(Sandbox(clock=lambda: T0, tickets=5))
    s.users = USERS
    return s


def test_an_unchanged_item_keeps_the_held_row_without_reading_it(session, monkeypatch):
    page = items()
    held = read_and_hold(session, page)

    def no_reading(*args):
        raise AssertionError("an unchanged item was read again")

    monkeypatch.setattr(session_module, "plain_row", no_reading)
    again = session._page_rows(copy.deepcopy(page))  # new JSON objects, equal values
    assert all(a is b for a, b in zip(again, held, strict=True))


@pytest.mark.parametrize(
    "change", VARIANTS, ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items())[:60] or "as-is"
)
def test_any_change_of_an_item_gives_the_row_a_fresh_reading_gives(session, make_session, change):  # noqa: F811
    held = read_and_hold(session, items(1))[0]
    changed = [{**items(1)[0], **copy.deepcopy(change)}]
    got = session._page_rows(copy.deepcopy(changed))
    assert got == fresh_rows(make_session, changed)
    if got[0] != held:
        assert got[0] is not held


@pytest.mark.parametrize("field", [*_FIELDS, "user"])
def test_every_field_the_row_reads_is_in_the_fingerprint(field, fingerprints):
    item = items(1)[0]
    for value in ("something else", 424242, None, True):
        if item.get(field) != value:
            assert fingerprint({**item, field: value}) != fingerprint(item), (field, value)
    assert fingerprint({k: v for k, v in item.items() if k != "number"}) != fingerprint(item)
    if fingerprints == "orjson":  # the whole item, with its types
        for change in (
            {"comments": []},
            {"tag_list": ["x"]},
            {"customer_id": 1.0 * item["customer_id"]},
        ):
            assert fingerprint({**item, **change}) != fingerprint(item), change


def test_a_field_the_row_does_not_use_turning_unreadable_gives_the_unreadable_row(
    session,
    make_session,  # noqa: F811
):
    from syncro_tui.api.models import read_list_ticket

    held = read_and_hold(session, items(1))[0]
    broken = [{**items(1)[0], "comments": "none"}]  # the row's own fields are unchanged
    assert read_list_ticket(copy.deepcopy(broken[0])).unreadable
    got = session._page_rows(copy.deepcopy(broken))
    assert got == fresh_rows(make_session, broken) and got[0] != held


def test_a_walk_gives_what_the_list_item_says_after_the_store_took_another_row(session):
    from dataclasses import replace

    page = items(2)
    held = read_and_hold(session, page)
    other = replace(held[0], subject="edited by a detail fetch")
    session.store.apply_tickets([other], full=False)
    again = session._page_rows(copy.deepcopy(page))
    assert again[0] == held[0]  # what the list item says now, as a fresh reading
    assert again[1] is held[1]


def test_new_names_or_a_new_zone_read_every_item_again(session, make_session):  # noqa: F811
    page = [{**items(1)[0], "user_id": 101, "due_date": "2026-12-31T04:00:00Z"}]
    read_and_hold(session, page)
    session.users = {**USERS, 101: "Alex Rivera-Okafor"}
    assert session._page_rows(copy.deepcopy(page))[0].assignee == "Alex Rivera-Okafor"
    zone = account_zone("Pacific Time (US & Canada)", "-08:00")
    session.zone = zone
    got = session._page_rows(copy.deepcopy(page))
    assert got == fresh_rows(make_session, page, users=session.users, zone=zone)
    assert got[0].due_date == "2026-12-30"


async def test_it_remembers_only_the_tickets_the_store_holds(make_session):  # noqa: F811
    sb = Sandbox(clock=lambda: T0, tickets=300)
    session = make_session(sb)
    await session.poll(force_full=True)
    await session.poll(force_full=True)
    assert len(session._reuse) == len(session.store.tickets) == len(open_ids(sb))
    closing = sorted(session.store.tickets)[:3]
    for ticket_id in closing:
        sb.state.tickets[ticket_id].status = "Resolved"
    await session.poll(force_full=True)
    assert not set(closing) & set(session.store.tickets)
    assert len(session._reuse) == len(session.store.tickets)
