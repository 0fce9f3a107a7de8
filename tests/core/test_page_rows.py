"""List pages read into rows without the models (core.page_rows) give exactly the rows the
models give, or hand the ticket to the models; never a different row, never a failed page."""

from __future__ import annotations

import copy
from datetime import UTC

import pytest

from syncro_tui.api.client import SyncroClient
from syncro_tui.api.models import Ticket, read_list_ticket
from syncro_tui.core.account_time import account_zone
from syncro_tui.core.page_rows import plain_ticket
from syncro_tui.core.session import row_from_ticket
from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox
from syncro_tui.sandbox.defaults import DEMO_BASE_URL
from tests.api.fixtures.shapes import LIST_TICKET

USERS = {101: "Alex Rivera", 102: "Sam Chen"}
ZONES = [UTC, account_zone("Pacific Time (US & Canada)", "-08:00"), account_zone("", "+05:30")]


async def sandbox_items(tickets: int = 400) -> list[dict]:
    sb = Sandbox(tickets=tickets)
    items: list[dict] = []
    async with SyncroClient(DEMO_BASE_URL, DEFAULT_API_KEY, transport=sb.transport()) as api:
        page, total = 1, 1
        while page <= total:
            got, meta = await api.list_ticket_items(
                lambda raw: raw, status="Not Closed", page=page, per_page=100
            )
            items += got
            total, page = meta.total_pages, page + 1
    return items


def same_row_either_way(item) -> bool:
    """The plain reading, when it takes the item, gives the model's row; False: it did not."""
    plain = plain_ticket(copy.deepcopy(item))
    model = read_list_ticket(copy.deepcopy(item))
    if plain is None:
        return False
    assert not model.unreadable, f"read plainly, but the model refuses it: {item}"
    for zone in ZONES:
        assert row_from_ticket(plain, USERS, zone) == row_from_ticket(model, USERS, zone), item
    return True


async def test_every_sandbox_ticket_reads_plainly_into_the_models_row():
    items = await sandbox_items()
    assert len(items) > 250
    taken = sum(same_row_either_way(item) for item in items)
    assert taken == len(items)  # the usual shape never needs the models


VARIANTS = [
    {},
    {"number": "31877"},
    {"number": 31877.0},
    {"number": None},
    {"user": None},
    {"user": {}},
    {"user": "Dana"},
    {"user": {"id": 7, "email": "dana@example.test"}},
    {"user": {"id": 7, "name": "", "full_name": None, "email": "d@x.test"}},
    {"user": {"id": 7, "full_name": "Dana Okafor", "name": "dana"}},
    {"user": {"id": "7", "full_name": "Dana"}},
    {"user": {"id": 7, "admin": "yes"}},
    {"user_id": 101},
    {"user_id": ""},
    {"user_id": "101"},
    {"customer_id": None},
    {"created_at": "2026-10-05T09:15:00Z"},
    {"created_at": "2026-10-05T09:15:00.123456+05:30"},
    {"created_at": "2026-10-05 09:15:00"},
    {"created_at": "2026-10-05"},
    {"created_at": ""},
    {"created_at": None},
    {"updated_at": "  2026-10-05T09:15:00-07:00 "},
    {"updated_at": "2026-13-45T99:00:00Z"},
    {"updated_at": 1760000000},
    {"due_date": "2026-12-31"},
    {"due_date": "2026-12-31T00:00:00.000-08:00"},
    {"due_date": "2026-12-31T17:00:00Z"},
    {"due_date": "0000-00-00"},
    {"due_date": "not a date"},
    {"due_date": ""},
    {"due_date": None},
    {"customer_reply": None},
    {"customer_reply": True},
    {"customer_reply": "true"},
    {"sla_breached": True},
    {"sla_breaching_soon": 1},
    {"subject": None},
    {"subject": 12345},
    {"subject": "\x1b[31mred\x1b[0m [bold]x[/]\n  two  lines"},
    {"status": None, "priority": None},
    {"priority": 3},
    {"problem_type": ["Hardware"]},
    {"customer_business_then_name": 678},
    {"customer_business_then_name": None},
    {"contact_fullname": None},
    {"ticket_type_name": "Onsite", "sla_name": "Gold", "contract_name": "MSP Basic"},
    {"contract_name": None, "contract_id": 12},
    {"contract_id": "x"},
    {"id": "not-an-id"},
    {"id": True},
    {"tag_list": None},
    {"tag_list": ["a", 1]},
    {"properties": None},
    {"properties": []},
    {"properties": "x"},
    {"location_id": "here"},
    {"start_at": "garbage"},
    {"start_at": 5},
    {"comments": []},
    {"comments": [{"id": 1, "body": "hi"}]},
    {"comments": [{"id": 1, "body": None, "hidden": "no"}]},
    {"comments": [{"id": "1"}]},
    {"comments": [{"id": 1, "user": "x"}]},
    {"comments": [{"id": 1, "created_at": "yesterday"}]},
    {"comments": None},
    {"comments": "none"},
]


@pytest.mark.parametrize(
    "change", VARIANTS, ids=lambda c: ",".join(f"{k}={v!r}" for k, v in c.items())[:60] or "as-is"
)
def test_each_variance_reads_as_the_model_reads_it_or_goes_to_the_model(change):
    item = {**LIST_TICKET, **change}
    taken = same_row_either_way(item)
    if read_list_ticket(copy.deepcopy(item)).unreadable:
        assert not taken  # the model's placeholder (with what was wrong) is what the row shows


def test_a_missing_field_reads_as_the_model_reads_it():
    for key in list(LIST_TICKET):
        if key == "id":
            continue
        item = {k: v for k, v in LIST_TICKET.items() if k != key}
        same_row_either_way(item)


def test_not_an_object_goes_to_the_model():
    for item in (None, 3, "ticket", [1, 2]):
        assert plain_ticket(item) is None
        assert read_list_ticket(item).unreadable


def test_repeated_text_is_one_string_object():
    a = row_from_ticket(plain_ticket({**LIST_TICKET, "id": 1}), USERS, UTC)
    b = row_from_ticket(Ticket.model_validate({**LIST_TICKET, "id": 2}), USERS, UTC)
    assert a.status is b.status and a.customer_name is b.customer_name
