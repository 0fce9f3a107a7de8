"""Ticket types and required custom fields from GET /tickets/settings."""

from __future__ import annotations

from syncro_tui.core.ticket_types import properties, require_type, ticket_types

SETTINGS = {
    "require_ticket_type": True,
    "ticket_types": [{"id": 7, "name": "Hardware"}, {"id": 8, "name": "Onboarding"}],
    "ticket_type_fields": [
        {
            "id": 70,
            "name": "Device Type",
            "field_type": "select_box",
            "required": True,
            "ticket_type_id": 7,
        },
        {
            "id": 71,
            "name": "Serial",
            "field_type": "text_field",
            "required": None,
            "ticket_type_id": 7,
        },
        {
            "id": 80,
            "name": "Start date",
            "field_type": "date_field",
            "required": True,
            "ticket_type_id": 8,
        },
        {
            "id": 81,
            "name": "Laptop needed",
            "field_type": "check_box",
            "required": True,
            "ticket_type_id": 8,
        },
    ],
    "ticket_type_field_answers": [
        {"id": 1, "ticket_field_id": 70, "content": "Hard Drive"},
        {"id": 2, "ticket_field_id": 70, "content": "Printer"},
    ],
}


def test_types_fields_kinds_and_answers():
    hardware, onboarding = ticket_types(SETTINGS)
    assert require_type(SETTINGS) and not require_type({})
    assert (hardware.id, hardware.name) == (7, "Hardware")
    assert [(f.name, f.kind, f.required, f.answers) for f in hardware.fields] == [
        ("Device Type", "dropdown", True, ("Hard Drive", "Printer")),
        ("Serial", "text", False, ()),
    ]
    assert [f.kind for f in onboarding.fields] == ["date", "checkbox"]
    assert [f.name for f in hardware.required_fields] == ["Device Type"]


def test_fields_nested_in_the_type_win():
    settings = {
        "ticket_types": [
            {
                "id": 9,
                "name": "X",
                "ticket_fields": [
                    {"id": 90, "name": "Room", "field_type": "text_field", "required": True}
                ],
            }
        ]
    }
    [only] = ticket_types(settings)
    assert [f.name for f in only.fields] == ["Room"]


def test_properties_keyed_by_field_name():
    hardware, onboarding = ticket_types(SETTINGS)
    assert properties({"Device Type": "Printer", "Serial": " "}, hardware) == (
        {"Device Type": "Printer"},
        [],
    )
    assert properties({"Start date": "2026-12-01", "Laptop needed": True}, onboarding) == (
        {"Start date": "2026-12-01", "Laptop needed": "1"},
        [],
    )


def test_problems_say_what_to_fix():
    hardware, onboarding = ticket_types(SETTINGS)
    assert properties({}, hardware)[1] == ["Device Type is required for Hardware tickets."]
    assert properties({"Device Type": "Toaster"}, hardware)[1] == [
        "Device Type must be one of: Hard Drive, Printer."
    ]
    _, problems = properties({"Start date": "1 Dec"}, onboarding)
    assert problems == [
        "Start date must be a date like 2026-12-31.",
        "Laptop needed (checkbox) needs an answer.",
    ]


def test_broken_settings_are_tolerated():
    assert ticket_types({"ticket_types": [{"id": "x"}, {"name": "no id"}]}) == []
    assert ticket_types({}) == []
