"""Correcting a stopped timer before it is posted: parsing and the rules of a span."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from syncro_tui.core.billing import TOO_SHORT, parse_minutes
from syncro_tui.core.timers import StoppedTimer, TimerStore, parse_moment, span_problems

NOW = datetime(2026, 11, 20, 15, 0, tzinfo=UTC)
ZONE = timezone(timedelta(hours=-8))


def test_clock_times_are_on_the_reference_day_in_its_zone():
    ref = datetime(2026, 11, 20, 9, 30, 12, tzinfo=ZONE)
    assert parse_moment("14:05", ref) == datetime(2026, 11, 20, 14, 5, tzinfo=ZONE)
    assert parse_moment(" 2026-11-19 08:00 ", ref) == datetime(2026, 11, 19, 8, 0, tzinfo=ZONE)


@pytest.mark.parametrize("text", ["", "25:00", "noon", "2026-13-01 10:00"])
def test_bad_times_say_how_to_type_them(text):
    with pytest.raises(ValueError, match="14:05"):
        parse_moment(text, NOW)


def test_a_good_span_has_no_problems():
    assert span_problems(NOW - timedelta(minutes=47), NOW, NOW) == []


@pytest.mark.parametrize(
    ("start", "end", "problem"),
    [
        (NOW, NOW - timedelta(minutes=5), "The end must be after the start."),
        (NOW - timedelta(seconds=30), NOW, TOO_SHORT),
        (NOW - timedelta(minutes=5), NOW + timedelta(minutes=1), "cannot end in the future"),
        (NOW - timedelta(hours=25), NOW, "longer than 24 hours"),
    ],
)
def test_span_rules(start, end, problem):
    assert any(problem in p for p in span_problems(start, end, NOW))


def test_under_a_minute_uses_the_billing_rule_and_words():
    with pytest.raises(ValueError) as raised:
        parse_minutes("0")
    assert str(raised.value) == TOO_SHORT == "Bill at least 1 minute."


def test_amend_replaces_the_unposted_span(tmp_path):
    store = TimerStore(tmp_path / "timer.json", clock=lambda: NOW)
    store.start(7, "1007", NOW - timedelta(hours=9))
    stopped = store.stop(NOW)
    fixed = store.amend(stopped, NOW - timedelta(hours=9), NOW - timedelta(hours=8))
    assert store.unposted() == [fixed]
    assert fixed == StoppedTimer(7, "1007", NOW - timedelta(hours=9), NOW - timedelta(hours=8))
    assert fixed.minutes == 60
