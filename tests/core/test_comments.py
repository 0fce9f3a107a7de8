"""What a comment does besides being stored: recipients, status changes, same text twice."""

from __future__ import annotations

from types import SimpleNamespace as NS

import pytest

from syncro_tui.core import comments as C
from syncro_tui.core import writes as W

ANN = NS(name="Ann Lee", email="ann@dental.example")
SHOP = NS(display_name="Smile Dental", email="office@dental.example", no_email=False)


def test_the_contact_is_emailed_when_it_has_an_address():
    found = C.recipients(ANN, SHOP)
    assert found.addresses == ("Ann Lee <ann@dental.example>",)
    assert found.reaches_someone and not found.problem


@pytest.mark.parametrize("contact", [None, NS(name="Bo Park", email=""), NS(name="X", email=None)])
def test_else_the_customer_email(contact):
    assert C.recipients(contact, SHOP).addresses == ("Smile Dental <office@dental.example>",)


def test_nobody_to_email_is_a_problem():
    found = C.recipients(None, NS(display_name="Walk-in", email="", no_email=False))
    assert found.addresses == ()
    assert "Nobody to email" in found.problem and "Public, no email" in found.problem
    assert not found.reaches_someone


def test_no_email_customer_drops_mail_even_with_an_address():
    found = C.recipients(ANN, NS(display_name="Smile Dental", email="o@x.example", no_email=True))
    assert found.addresses == ("Ann Lee <ann@dental.example>",)
    assert found.problem.startswith(
        "Smile Dental is set to No Email in Syncro: the email to Ann Lee <ann@dental.example> "
        "will be silently dropped"
    )
    assert C.email_lines(W.comment(1, "Update", "x", "public_email"), found) == [found.problem]
    assert "silently dropped" in found.problem and "Public, no email" in found.problem
    assert not found.reaches_someone


def test_missing_no_email_field_is_tolerated():
    assert C.recipients(None, NS(display_name="Old", email="o@x.example")).reaches_someone


def test_names_and_addresses_are_cleaned():
    found = C.recipients(NS(name="\x1b[31mEve\x1b[0m", email="eve@x.example\n"), None)
    assert found.addresses == ("Eve <eve@x.example>",)


def test_email_lines_only_for_emailing_writes():
    found = C.recipients(ANN, SHOP)
    assert C.email_lines(W.comment(1, "Update", "x", "public"), found) == []
    assert C.email_lines(W.comment(1, "Update", "x", "public_email"), found) == [
        "This will email Ann Lee <ann@dental.example>."
    ]
    nobody = C.recipients(None, NS(display_name="W", email="", no_email=False))
    [line] = C.email_lines(W.comment(1, "Update", "x", "public_email"), nobody)
    assert line.startswith("Nobody to email")


@pytest.mark.parametrize(
    ("subject", "status"),
    [
        ("Diagnosis", "In Progress"),
        ("diagnosis", "In Progress"),
        ("  PARTS   arrival ", "In Progress"),
        ("Parts Order", "Waiting for Parts"),
        ("parts order", "Waiting for Parts"),
        ("Update", None),
        ("Diagnosis done", None),
        ("", None),
    ],
)
def test_status_changing_subjects(subject, status):
    assert C.status_change(subject) == status


def test_status_change_line_says_from_what_to_what():
    assert (
        C.status_change_line("parts order", "In Progress")
        == 'The subject "parts order" makes Syncro change the ticket\'s status to '
        "Waiting for Parts (now In Progress)."
    )
    assert "keeps the ticket In Progress" in C.status_change_line("Diagnosis", "In Progress")
    assert C.status_change_line("Update", "New") is None


def _entry(ticket_id=7, subject="Update", body="Done", state="confirmed", at=1000.0, kind=None):
    if kind is None:
        intent = W.comment(ticket_id, subject, body, "public")
    else:
        intent = W.update_ticket(ticket_id, {"status": "Resolved"})
    return NS(intent=intent, state=state, sent_at=at, created_at=at)


def test_same_text_finds_the_newest_landed_copy_within_a_day():
    now = 100_000.0
    old = _entry(at=now - 25 * 3600)
    landed = _entry(at=now - 3600)
    newer = _entry(at=now - 60, state="landed")
    assert C.same_text([old, landed, newer], 7, "Update", "Done", now) is newer
    assert C.same_text([old], 7, "Update", "Done", now) is None


@pytest.mark.parametrize(
    "entry",
    [
        _entry(ticket_id=8),
        _entry(subject="Other"),
        _entry(body="Done."),
        _entry(state="failed"),
        _entry(state="absent"),
        _entry(kind="update"),
    ],
)
def test_same_text_ignores_other_writes(entry):
    entry.sent_at = entry.created_at = 99_000.0
    assert C.same_text([entry], 7, "Update", "Done", 100_000.0) is None


def _new(description: str = "Printer jams", visibility: str = "internal") -> W.WriteIntent:
    return W.new_ticket(
        customer_id=5,
        subject="Printer",
        user_id=101,
        description=description,
        description_visibility=visibility,
    )


def test_a_new_ticket_names_who_syncro_would_email_and_that_this_write_emails_nobody():
    warnings, notes = C.new_ticket_email_lines(_new(), C.recipients(ANN, SHOP))
    assert warnings == []
    assert notes == [
        "Emails: none from this write (the description goes in as an internal note).",
        'Syncro\'s own "new ticket" email, where the account sends one, goes to '
        "Ann Lee <ann@dental.example>.",
    ]
    _, notes = C.new_ticket_email_lines(_new(""), C.recipients(None, SHOP))
    assert "no description, so no first comment" in notes[0]
    assert notes[1].endswith("goes to Smile Dental <office@dental.example>.")


def test_a_new_ticket_for_a_no_email_customer_or_nobody_says_so():
    dropped = NS(display_name="Smile Dental", email="o@x.example", no_email=True)
    _, notes = C.new_ticket_email_lines(_new(), C.recipients(ANN, dropped))
    assert notes[1].endswith(
        "would be dropped to Ann Lee <ann@dental.example>: Smile Dental is set to No Email "
        "in Syncro."
    )
    walk_in = NS(display_name="Walk-in", email="", no_email=False)
    _, notes = C.new_ticket_email_lines(_new(), C.recipients(None, walk_in))
    assert "would reach nobody" in notes[1]


def test_a_public_first_comment_is_a_red_line_naming_the_recipient():
    warnings, notes = C.new_ticket_email_lines(
        _new(visibility="public_email"), C.recipients(ANN, SHOP)
    )
    assert warnings == ["This will email Ann Lee <ann@dental.example>."] and notes == []
