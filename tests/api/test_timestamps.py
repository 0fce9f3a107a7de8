"""The one timestamp parser (api/timestamps.py) against every shape syncro-api.md allows."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from syncro_tui.api.timestamps import parse_time, timestamp

PDT = timezone(timedelta(hours=-7))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the spec's examples: UTC, Z, milliseconds
        ("2019-11-04T08:59:31.034Z", datetime(2019, 11, 4, 8, 59, 31, 34000, tzinfo=UTC)),
        ("2019-11-04T08:59:31Z", datetime(2019, 11, 4, 8, 59, 31, tzinfo=UTC)),
        ("2019-11-04t08:59:31z", datetime(2019, 11, 4, 8, 59, 31, tzinfo=UTC)),
        # the account's offset, Rails-style (unconfirmed: both shapes are read)
        ("2026-12-24T10:00:00-07:00", datetime(2026, 12, 24, 10, tzinfo=PDT)),
        ("2026-12-24T10:00:00.123-07:00", datetime(2026, 12, 24, 10, 0, 0, 123000, tzinfo=PDT)),
        ("2026-12-24T10:00:00-0700", datetime(2026, 12, 24, 10, tzinfo=PDT)),
        ("2026-12-24 10:00:00 -0700", datetime(2026, 12, 24, 10, tzinfo=PDT)),
        ("2019-11-04T08:59:31.034+00:00", datetime(2019, 11, 4, 8, 59, 31, 34000, tzinfo=UTC)),
        # fractional seconds of any length
        ("2026-12-24T10:00:00.5Z", datetime(2026, 12, 24, 10, 0, 0, 500000, tzinfo=UTC)),
        ("2026-12-24T10:00:00.1234567Z", datetime(2026, 12, 24, 10, 0, 0, 123456, tzinfo=UTC)),
        # no offset: the API's own times are UTC
        ("2026-12-24T10:00:00", datetime(2026, 12, 24, 10, tzinfo=UTC)),
        # a bare date (due_date): midnight
        ("2026-12-24", datetime(2026, 12, 24, tzinfo=UTC)),
        ("  2026-12-24T10:00:00Z ", datetime(2026, 12, 24, 10, tzinfo=UTC)),
    ],
)
def test_every_shape_reads_as_the_same_instant(text, expected):
    got = parse_time(text)
    assert got == expected and got.tzinfo is not None
    assert got.utcoffset() == expected.utcoffset()  # the offset it was sent with is kept
    assert timestamp(text) == expected.timestamp()


@pytest.mark.parametrize(
    "value", [None, "", "   ", "0000-00-00", "not a date", "2026-13-01", "24/12/2026", 17, [], {}]
)
def test_none_and_garbage_read_as_no_time(value):
    assert parse_time(value) is None
    assert timestamp(value) is None


def test_objects_and_the_zone_for_naive_times():
    aware = datetime(2026, 12, 24, 10, tzinfo=PDT)
    assert parse_time(aware) is aware
    assert parse_time(date(2026, 12, 24)) == datetime(2026, 12, 24, tzinfo=UTC)
    assert parse_time(datetime(2026, 12, 24, 10)) == datetime(2026, 12, 24, 10, tzinfo=UTC)
    # what a person typed: their zone; or kept naive (the due date's own calendar day)
    assert parse_time("2026-12-24T10:00", naive=PDT) == datetime(2026, 12, 24, 10, tzinfo=PDT)
    kept = parse_time("2026-12-24", naive=None)
    assert kept == datetime(2026, 12, 24) and kept.tzinfo is None


def test_the_models_and_the_rest_use_it():
    """No second parser: the lenient model fields read broken dates as no date through it."""
    from syncro_tui.api.models import TicketDetail

    base = {"id": 1, "number": "1", "subject": "s", "status": "New", "customer_id": 1}
    t = TicketDetail.model_validate(
        base | {"created_at": "2026-12-24T10:00:00-07:00", "due_date": "0000-00-00"}
    )
    assert t.due_date is None
    assert t.created_at == datetime(2026, 12, 24, 17, tzinfo=UTC)


def test_no_other_module_parses_api_times_itself():
    """``datetime.fromisoformat`` lives in the parser only. Exempt: the sandbox (it is the
    fake server) and core/timers.py (its own timer file, and the clock times a person types)."""
    from pathlib import Path

    import syncro_tui

    root = Path(syncro_tui.__file__).parent
    exempt = {"api/timestamps.py", "core/timers.py"}
    found = [
        str(p.relative_to(root))
        for p in root.rglob("*.py")
        if not str(p.relative_to(root)).startswith("sandbox/")
        and str(p.relative_to(root)) not in exempt
        and "datetime.fromisoformat" in p.read_text(encoding="utf-8")
    ]
    assert found == []
