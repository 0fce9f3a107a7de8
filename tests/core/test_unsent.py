"""The one line `q` shows when something would be left waiting."""

from __future__ import annotations

from types import SimpleNamespace as NS

from syncro_tui.core.unsent import unsent_line


def test_nothing_waits():
    assert unsent_line([], None, [], [NS(state="confirmed"), NS(state="failed")]) == ""


def test_everything_in_one_line():
    line = unsent_line(
        [("comment", 7), ("billing", 8)],
        NS(ticket_number="1007"),
        [NS()],
        [NS(state="unknown"), NS(state="landed")],
        {7: "1115", 8: "1094"},
    )
    assert line == (
        "Unsent: 2 drafts (comment on #1115, billing on #1094); a timer running on #1007; "
        "1 stopped timer not posted; 1 write still being verified."
    )
    assert "\n" not in line


def test_many_drafts_are_counted_not_listed():
    line = unsent_line([("comment", i) for i in range(5)], None, [], [])
    assert line == "Unsent: 5 drafts (comment, comment, comment and 2 more)."
