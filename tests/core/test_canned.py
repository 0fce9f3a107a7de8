"""Canned responses: placeholders filled from the ticket, unknown ones left as written."""

from __future__ import annotations

from types import SimpleNamespace as NS

from syncro_tui.core.canned import choice_label, fill, ticket_values

DETAIL = NS(
    number="1115",
    subject="Printer offline",
    customer=NS(display_name="Fairview Auto Repair", firstname=""),
    contact=NS(name="Tom Moreno"),
)


def test_names_and_number_in_any_spelling():
    values = ticket_values(DETAIL, tech="Alex Rivera")
    text, unfilled = fill(
        "Hi {{contact_firstname}}, ticket #{{ ticket.number }} for {{Customer_Name}} "
        "({{contact.name}}) is fixed. {{tech_name}}",
        values,
    )
    assert text == (
        "Hi Tom, ticket #1115 for Fairview Auto Repair (Tom Moreno) is fixed. Alex Rivera"
    )
    assert unfilled == []


def test_unknown_placeholders_are_left_and_named():
    text, unfilled = fill("Invoice {{invoice_total}} for {{customer_name}}", ticket_values(DETAIL))
    assert text == "Invoice {{invoice_total}} for Fairview Auto Repair"
    assert unfilled == ["{{invoice_total}}"]


def test_no_contact_leaves_contact_placeholders_unfilled():
    detail = NS(number="7", subject="x", customer=None, contact=None)
    row = NS(customer_name="Walk-in", contact_name="", number="7", subject="x")
    text, unfilled = fill("{{customer_name}} / {{contact_name}}", ticket_values(detail, row))
    assert text == "Walk-in / {{contact_name}}" and unfilled == ["{{contact_name}}"]


def test_api_text_is_cleaned():
    values = ticket_values(
        NS(number="1", subject="", customer=NS(display_name="A\x1b[31mB"), contact=None)
    )
    assert fill("{{customer_name}}\x1b[2J", values)[0] == "AB"


def test_choice_label():
    response = NS(category_name="Replies", title="Looking into it", body="x" * 70)
    assert choice_label(response) == "Replies / Looking into it: " + "x" * 60 + "..."
