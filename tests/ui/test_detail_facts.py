"""The detail pane's facts: a value that wraps goes on under its own column, and each way
to reach the contact is on its own line (a phone number is never split)."""

from __future__ import annotations

from types import SimpleNamespace

from rich.console import Console

from syncro_tui.ui.widgets.detail import Facts, contact_facts


def drawn(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


def test_a_long_value_wraps_under_its_own_column():
    facts = Facts([("Status", "New"), ("Customer", "Northgate Title & Escrow of the Pacific")])
    lines = drawn(facts, 32)
    assert lines[0] == "Status    New"
    assert lines[1].startswith("Customer  Northgate")
    assert len(lines) > 2  # it did wrap
    for line in lines[2:]:
        assert line.startswith(" " * 10), line  # never back under the labels


def test_the_plain_text_is_what_is_drawn_at_full_width():
    facts = Facts([("Status", "New"), ("Contact", "")])
    assert str(facts) == "Status   New\nContact  -"
    assert drawn(facts, 80) == ["Status   New", "Contact  -"]


def test_each_way_to_reach_the_contact_is_its_own_line():
    contact = SimpleNamespace(
        name="Zoë Lindqvist", phone="(503) 555-0157", mobile="", email="zoe@example.com"
    )
    assert contact_facts(contact) == [
        ("Contact", "Zoë Lindqvist"),
        ("Phone", "(503) 555-0157"),
        ("Email", "zoe@example.com"),
    ]
    assert contact_facts(None, "Walk-in") == [("Contact", "Walk-in")]
    lines = drawn(Facts(contact_facts(contact)), 26)
    assert "Phone    (503) 555-0157" in lines  # whole, on one line, in a narrow pane


def test_api_text_in_a_fact_is_plain_text():
    facts = Facts([("Customer", "[bold]Acme[/bold] \x1b[31mred")])
    (line,) = drawn(facts, 80)
    assert "[bold]Acme[/bold]" in line and "\x1b" not in line
