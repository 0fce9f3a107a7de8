"""List pages read into rows without the models (core.page_rows) give exactly the rows the
models give, or hand the ticket to the models; never a different row, never a failed page."""

from __future__ import annotations

import copy
import json
from datetime import UTC

import pytest

from syncro_tui.api.client import SyncroClient
from syncro_tui.api.models import Ticket, read_list_ticket
from syncro_tui.core import page_rows
from syncro_tui.core.account_time import account_zone
from syncro_tui.core.page_rows import plain_row, plain_ticket
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


def same_row_either_way(item, users=USERS) -> bool:
    """The plain readings, when they take the item, give the model's row; False: they did
    not. ``plain_row`` (what the sync path uses) takes exactly what ``plain_ticket`` takes."""
    plain = plain_ticket(copy.deepcopy(item))
    direct = [plain_row(copy.deepcopy(item), users, zone) for zone in ZONES]
    model = read_list_ticket(copy.deepcopy(item))
    if plain is None:
        assert direct == [None] * len(ZONES), f"plain_row took what plain_ticket refused: {item}"
        return False
    assert None not in direct, f"plain_row refused what plain_ticket took: {item}"
    assert not model.unreadable, f"read plainly, but the model refuses it: {item}"
    for zone, row in zip(ZONES, direct, strict=True):
        expected = row_from_ticket(model, users, zone)
        assert row_from_ticket(plain, users, zone) == expected, item
        assert row == expected, item
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
    # the times plain_row writes as text itself (datetime.isoformat's exact output)
    {"created_at": "2026-10-05T09:15:00.5Z", "updated_at": "2026-10-05T09:15:00.000Z"},
    {"created_at": "2026-10-05T09:15:00.000001-00:00", "updated_at": "2026-10-05T09:15:00+00:00"},
    {"created_at": "2026-10-05T09:15:00.12-05:00", "updated_at": "2026-10-05T09:15:00.1234+14:00"},
    {"created_at": "2024-02-29T23:59:59.999999+05:45", "updated_at": "2026-02-29T10:00:00Z"},
    {"updated_at": "2026-10-05T24:00:00Z"},
    {"updated_at": "2026-10-05T09:15:00.1234567Z"},
    {"updated_at": "2026-10-05T09:15Z"},
    {"updated_at": "\t2026-10-05T09:15:00.250+02:00\n"},
    # what the inline checks of the fields the row does not use must still refuse or take
    {"contact_id": ""},
    {"parent_id": True},
    {"sla_id": 2.0},
    {"resolved_at": 5},
    {"billing_status": ["x"]},
    {"tag_list": []},
    {"contract_id": 9, "contract_name": ""},
    {"comments": [{"id": 1, "created_at": "2026-10-05T09:15:00Z", "updated_at": "later"}]},
    {"comments": [{"id": 1, "created_at": "soon", "updated_at": "soon"}]},
    {"comments": [{"id": 1, "created_at": "2026-10-05T09:15:00Z"}, {"id": 2, "hidden": 1}]},
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


def test_without_the_technicians_names_the_row_uses_the_tickets_user():
    for change in ({"user_id": 101}, {"user_id": 7, "user": {"id": 7, "email": "d@x.test"}}):
        assert same_row_either_way({**LIST_TICKET, **change}, users={})


def test_the_text_cleaned_once_per_value_stays_bounded_and_clean(monkeypatch):
    monkeypatch.setattr(page_rows, "_SHARED_MAX", 3)
    monkeypatch.setattr(page_rows, "_SHARED", {})
    rows = [
        plain_row({**LIST_TICKET, "id": n, "status": f"Status\x1b[2J {n}\n"}, USERS, UTC)
        for n in range(10)
    ]
    assert [r.status for r in rows] == [f"Status {n}" for n in range(10)]
    assert len(page_rows._SHARED) <= 3


def test_rows_read_from_items_share_one_object_per_customer_id(monkeypatch):
    from syncro_tui.core import rows as rows_module

    monkeypatch.setattr(rows_module, "SHARED_IDS_MAX", 3)
    monkeypatch.setattr(rows_module, "SHARED_IDS", {})
    rows = [
        plain_row(
            json.loads(json.dumps({**LIST_TICKET, "id": n, "customer_id": 70_000 + n % 2})),
            USERS,
            UTC,
        )
        for n in range(10)
    ]
    assert [r.customer_id for r in rows] == [70_000 + n % 2 for n in range(10)]
    assert rows[0].customer_id is rows[2].customer_id  # JSON gives each item its own int
    for n in range(10):  # as many customers as tickets: the ids kept stay bounded
        plain_row({**LIST_TICKET, "id": n, "customer_id": 80_000 + n}, USERS, UTC)
        assert len(rows_module.SHARED_IDS) <= 3


async def test_a_reconcile_reads_no_usual_ticket_through_the_models(monkeypatch, tmp_path):
    """The sync path itself (``Session._page_rows``), not only the reader: a sandbox queue
    never reaches ``api.models`` (it cost twice the plain reading per ticket)."""
    import syncro_tui.api.models as models
    from syncro_tui.config import load_settings
    from syncro_tui.core.backend import Connection
    from syncro_tui.core.session import Session
    from syncro_tui.core.store import Store
    from syncro_tui.secrets import SecretKey

    items = await sandbox_items(300)
    settings = load_settings(env={"SYNCRO_TUI_HOME": str(tmp_path)})
    session = Session(
        settings,
        Store(),
        Connection(SecretKey(DEFAULT_API_KEY), "sandbox"),
        client=SyncroClient(DEMO_BASE_URL, DEFAULT_API_KEY, transport=Sandbox().transport()),
        outbox_path=tmp_path / "journal.sqlite",
    )

    def no_model(item):
        raise AssertionError(f"the model read ticket {item.get('id')}")

    monkeypatch.setattr(models, "read_list_ticket", no_model)
    rows = session._page_rows(items)
    assert [r.id for r in rows] == [i["id"] for i in items]
    monkeypatch.undo()
    assert rows == [row_from_ticket(read_list_ticket(i), {}, UTC) for i in items]
    await session.aclose()
