"""The customer search's contacts box: a phone number or an email that does not fit goes
whole onto the next line under the first way to reach the contact, never back to the box's
left edge, and API text is drawn as plain text."""

from __future__ import annotations

from types import SimpleNamespace

from rich.console import Console

from syncro_tui.ui.screens.customer import ContactLines


def drawn(renderable, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None, legacy_windows=False)
    console.print(renderable)
    return [line.rstrip() for line in console.export_text().splitlines()]


ZOE = SimpleNamespace(
    name="Zoë Reyes",
    phone="(503) 555-0140",
    mobile="(503) 555-0135",
    email="zo.reyes@brightsmiledentalofclearwater.example",
)


def test_what_does_not_fit_goes_whole_under_the_first_way_to_reach():
    lines = drawn(ContactLines("Bright Smile Dental", [ZOE]), 68)
    assert lines == [
        "Contacts of Bright Smile Dental:",
        "  Zoë Reyes  (503) 555-0140  (503) 555-0135",
        "             zo.reyes@brightsmiledentalofclearwater.example",
    ]


def test_a_phone_number_is_never_split_and_a_long_email_folds_in_its_column():
    lines = drawn(ContactLines("Bright Smile Dental", [ZOE]), 36)
    assert "(503) 555-0140" in lines[1] and "(503) 555-0135" in lines[2]
    for line in lines[2:]:
        assert line.startswith(" " * 13), line
    assert "".join(line.strip() for line in lines[3:]) == ZOE.email


def test_a_long_name_puts_its_ways_to_reach_on_the_lines_below():
    long = SimpleNamespace(
        name="Maximilian Alexander Featherstonehaugh-Smythe",
        phone="555-0100",
        mobile=None,
        email="",
    )
    lines = drawn(ContactLines("Acme", [long]), 40)
    assert lines[1:] == ["  Maximilian Alexander", "  Featherstonehaugh-Smythe", "    555-0100"]


def test_plain_text_no_contacts_and_api_text_is_not_markup():
    evil = SimpleNamespace(name="[bold red]Eve\x1b[31m", phone=None, mobile=None, email=None)
    box = ContactLines("Acme [link]", [evil])
    assert str(box) == "Contacts of Acme [link]:\n  [bold red]Eve"
    assert drawn(box, 60) == ["Contacts of Acme [link]:", "  [bold red]Eve"]
    assert drawn(ContactLines("Acme", []), 60) == ["Contacts of Acme:", "  (none)"]
