"""Payload builders: exact JSON, validation messages, fingerprints, attribution, and text
that must reach Syncro byte for byte (100 KB, unicode, markup-looking)."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from tests.core.test_outbox import make_env


@pytest.mark.parametrize(
    "visibility, hidden, do_not_email",
    [("internal", True, True), ("public", False, True), ("public_email", False, False)],
)
def test_comment_visibility_maps_to_hidden_and_do_not_email(visibility, hidden, do_not_email):
    intent = W.comment(12, "Update", "Body text", visibility, number="1001")
    assert intent.payload == {
        "subject": "Update",
        "body": "Body text",
        "hidden": hidden,
        "do_not_email": do_not_email,
    }
    assert (intent.kind, intent.method, intent.path, intent.ticket_id) == (
        W.COMMENT,
        "POST",
        "/tickets/12/comment",
        12,
    )
    assert intent.label == "Comment on #1001: Update"
    assert json.loads(intent.preview_json()) == intent.payload


@pytest.mark.parametrize(
    "subject, body, message",
    [
        ("", "text", "The subject is empty"),
        ("  ", "text", "The subject is empty"),
        ("Update", "", "The comment body is empty"),
        ("Update", "\n\t ", "The comment body is empty"),
    ],
)
def test_empty_subject_or_body_is_refused(subject, body, message):
    with pytest.raises(ValueError, match=message):
        W.comment(12, subject, body)


def test_an_unknown_visibility_is_refused():
    with pytest.raises(ValueError, match="internal, public, public_email"):
        W.comment(12, "Update", "x", "everyone")


def test_only_public_email_comments_warn_about_email():
    assert (
        W.email_warning(W.comment(1, "Update", "x", "public"), "Ann Lee", "ann@x.example") is None
    )
    warning = W.email_warning(
        W.comment(1, "Update", "x", "public_email"), "Ann Lee", "ann@x.example"
    )
    assert warning == "This will email Ann Lee <ann@x.example>."
    assert (
        W.email_warning(W.comment(1, "Update", "x", "public_email"), None, None)
        == "This will email the customer."
    )


def test_line_item_is_decimal_hours_named_untaxed_and_without_price():
    intent = W.line_item(
        5,
        product_id=5001,
        product_name="Labor - Remote Business",
        description="Remote fix",
        hours=Decimal("0.75"),
    )
    assert intent.payload == {
        "product_id": 5001,
        "name": "Labor - Remote Business",
        "description": "Remote fix",
        "quantity": 0.75,
        "taxable": False,
    }
    assert '"quantity": 0.75' in intent.preview_json()
    assert not any("price" in key for key in intent.payload)


@pytest.mark.parametrize(
    "hours, message",
    [
        (Decimal("0"), "positive number of hours"),
        (Decimal("-1"), "positive number of hours"),
        (Decimal("0.333"), "more than two decimal places"),
    ],
)
def test_line_item_quantity_is_checked(hours, message):
    with pytest.raises(ValueError, match=message):
        W.line_item(5, product_id=5001, product_name="Labor", description="d", hours=hours)


def test_line_item_needs_a_description():
    with pytest.raises(ValueError, match="line item description is empty"):
        W.line_item(5, product_id=5001, product_name="Labor", description="", hours=Decimal(1))


def test_timer_entry_sends_iso_times_with_their_offset():
    start = datetime(2026, 3, 4, 9, 15, tzinfo=timezone(timedelta(hours=-7)))
    intent = W.timer_entry(
        5, start_at=start, end_at=start + timedelta(minutes=45), notes="Onsite", product_id=5002
    )
    assert intent.payload == {
        "start_at": "2026-03-04T09:15:00-07:00",
        "end_at": "2026-03-04T10:00:00-07:00",
        "notes": "Onsite",
        "product_id": 5002,
    }
    with pytest.raises(ValueError, match="ends before it starts"):
        W.timer_entry(5, start_at=start, end_at=start, notes="", product_id=5002)
    with pytest.raises(ValueError, match="time zone"):
        W.timer_entry(5, start_at=start.replace(tzinfo=None), end_at=start, notes="", product_id=1)


def test_new_ticket_sets_assignee_priority_and_an_internal_first_comment():
    intent = W.new_ticket(
        customer_id=9,
        subject="Printer offline",
        user_id=101,
        priority="2 Normal",
        problem_type="Printing",
        contact_id=44,
        due_date=date(2026, 3, 6),
        description="Front desk printer.",
    )
    assert intent.payload == {
        "customer_id": 9,
        "subject": "Printer offline",
        "user_id": 101,
        "contact_id": 44,
        "problem_type": "Printing",
        "priority": "2 Normal",
        "due_date": "2026-03-06",
        "comments_attributes": [
            {
                "subject": "Initial Issue",
                "body": "Front desk printer.",
                "hidden": True,
                "do_not_email": True,
            }
        ],
    }
    assert intent.ticket_id is None and intent.scope == "customer:9"
    assert not W.emails_customer(intent)
    public = W.new_ticket(
        customer_id=9,
        subject="s",
        user_id=1,
        description="d",
        description_visibility="public_email",
    )
    assert W.emails_customer(public)


def test_ticket_update_sends_only_what_changes():
    assert W.update_ticket(3, {"status": "Invoiced"}).payload == {"status": "Invoiced"}
    both = W.update_ticket(3, {"user_id": 7, "priority": "1 High"}, number="1001")
    assert both.payload == {"user_id": 7, "priority": "1 High"}
    assert both.label == "Set user_id 7, priority 1 High on #1001"
    assert (
        W.update_ticket(3, {"status": "New"}, label="#1001: status -> New").label
        == "#1001: status -> New"
    )
    with pytest.raises(ValueError, match="Nothing to change"):
        W.update_ticket(3, {})
    with pytest.raises(ValueError, match="Cannot change customer_id here"):
        W.update_ticket(3, {"customer_id": 4})
    assert W.update_ticket(3, {"subject": "New words", "user_id": None}).payload == {
        "user_id": None,
        "subject": "New words",
    }
    with pytest.raises(ValueError, match="status is empty"):
        W.update_ticket(3, {"status": " "})


def test_ids_must_be_positive_integers():
    for bad in (0, -3, "12", True, None):
        with pytest.raises(ValueError, match="positive whole number"):
            W.comment(bad, "Update", "x")


def test_invoice_and_timer_actions():
    assert W.invoice(3, 9).payload == {"ticket_id": 3, "customer_id": 9}
    assert W.invoice(3, 9).path == "/invoices"
    assert W.charge_timer(3, 44).path == "/tickets/3/charge_timer_entry"
    assert W.delete_timer(3, 44).payload == {"timer_entry_id": 44}
    fix = W.update_line_item(
        3,
        8,
        product_id=5002,
        name="Labor - Onsite Business",
        description="d",
        hours=Decimal("0.7833"),
        taxable=False,
    )
    assert fix.method == "PUT" and fix.payload["ticket_line_item_id"] == 8
    assert fix.payload["quantity"] == 0.7833


def test_fingerprints_are_stable_and_follow_what_the_write_creates():
    a = W.comment(1, "Update", "same")
    assert a.fingerprint == W.comment(1, "Update", "same", number="99").fingerprint
    assert a.fingerprint != W.comment(2, "Update", "same").fingerprint
    assert a.fingerprint != W.comment(1, "Update", "other").fingerprint
    assert a.fingerprint != W.comment(1, "Update", "same", "public").fingerprint
    assert W.WriteIntent.from_dict(a.to_dict()) == a
    # Another process (a restarted app) computes the same fingerprint.
    code = (
        "from syncro_tui.core import writes as W; print(W.comment(1, 'Update', 'same').fingerprint)"
    )
    other = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert other.stdout.strip() == a.fingerprint


def test_attribution_line_and_mismatch_warning():
    class Me:
        user_name, user_id = "Alex Rivera", 101

    line = "Sent as Alex Rivera (user_id 101), the owner of the API key."
    assert W.attribution(Me(), "") == (line, None)
    assert W.attribution(Me(), "alex rivera")[1] is None
    assert W.attribution(Me(), "101")[1] is None
    got, warning = W.attribution(Me(), "Priya Shah")
    assert got == line
    assert warning == (
        "This API key belongs to Alex Rivera, not Priya Shah: everything you "
        "post will be attributed to Alex Rivera."
    )
    assert W.attribution(None, "Priya Shah")[1].startswith("Could not check")


def test_one_attribution_for_every_preview():
    """The TUI's previews and the command line's plans use this one function."""
    import inspect

    from syncro_tui.cli import plans
    from syncro_tui.ui.app import SyncroApp

    assert "writes.attribution(" in inspect.getsource(SyncroApp.attribution)
    assert "W.attribution(" in inspect.getsource(plans.who)


# --------------------------------------------------------------------------- round trips


ODD_TEXTS = [
    pytest.param("x" * 100 * 1024, id="100KB"),
    pytest.param("Grüße 日本語 🎉 Ünïcödé\n\tindented\r\nCRLF", id="unicode"),
    pytest.param("[bold]x[/] [red]ERROR[/red] [link=https://e.example]y[/link] [/]", id="markup"),
    pytest.param("<b>not html</b> &amp; \\n literal \"quotes\" 'single'", id="html-looking"),
]


@pytest.mark.parametrize("body", ODD_TEXTS)
async def test_odd_text_reaches_syncro_exactly(tmp_path, body):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update [b]x[/b]", body)
        assert intent.payload["body"] == body
        outcome = await env.outbox.submit(intent)
        assert outcome.state == O.CONFIRMED
        stored = next(c for c in ticket.comments if c.id == outcome.record_id)
        assert stored.body == body and stored.subject == "Update [b]x[/b]"
        assert outcome.result["body"] == body
        # The journal keeps it exactly too (what the write log and a resend would use).
        assert env.outbox.entry(outcome.entry_id).intent.payload["body"] == body
