"""Comments that cannot mislead (issue 11): the visibility reads as words, the preview names
who Syncro emails (or says in red that nobody will get it), says which status a subject
sets, and the same text twice needs a second, different key. Every test checks what the
sandbox received."""

from __future__ import annotations

import pytest

from syncro_tui.sandbox.render import Views
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from syncro_tui.ui.widgets.visibility import VisibilityField
from tests.ui.test_comment import (
    COMMENTS,
    SIZES,
    finished,
    open_comment,
    screenshot,
    sent_json,
    shown,
    start,
    text_of,
)


def red_lines(screen) -> list[str]:
    return [str(w.content) for w in screen.query(".warning") if w.display]


async def reload_detail(app, ticket_id: int) -> None:
    await app.session.fetch_detail(ticket_id)


def no_email_for(monkeypatch, customer_id: int) -> None:
    """The sandbox renders this customer with ``no_email: true`` (as Syncro does after a
    bounce); tolerant of the sandbox growing the field itself."""
    original = Views.customer

    def customer(self, customer):
        data = original(self, customer)
        if customer.id == customer_id:
            data["no_email"] = True
        return data

    monkeypatch.setattr(Views, "customer", customer)


# --------------------------------------------------------------------------- visibility


@pytest.mark.parametrize("mode", ["colour", "plain", "no_color"])
async def test_a_restored_public_email_draft_says_so_in_words(make_app, sandbox, monkeypatch, mode):
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
    app = make_app(plain=mode == "plain")
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        app.drafts.save(
            "comment",
            ticket_id,
            {"subject": "Update", "body": "Fixed", "visibility": "public_email"},
            CommentModal.DEFAULTS,
        )
        modal = await open_comment(pilot)
        field = modal.query_one(VisibilityField)
        assert field.value == "public_email"
        shown_text = text_of(modal)
        assert "Visibility: PUBLIC AND EMAILED TO THE CUSTOMER" in shown_text
        assert "restored, set to PUBLIC AND EMAIL THE CUSTOMER" in shown_text
        # only the chosen visibility is drawn: no second marker to confuse with the focus
        assert "INTERNAL NOTE" not in shown_text
        assert not field.has_focus
        await pilot.press("tab")
        await pilot.pause()
        assert field.has_focus
        assert "> Visibility: PUBLIC AND EMAILED" in str(field.content)
        await pilot.press("1")
        await pilot.pause()
        assert "Visibility: INTERNAL NOTE: hidden from the customer" in str(field.content)
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await finished(pilot)
        [payload] = sent_json(sandbox, COMMENTS)
        assert (payload["hidden"], payload["do_not_email"]) == (True, True)


# --------------------------------------------------------------------------- recipients


async def test_no_contact_emails_the_customer_address(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        ticket = sandbox.ticket(ticket_id)
        ticket.contact_id = None
        customer = sandbox.state.customers[ticket.customer_id]
        await reload_detail(app, ticket_id)
        await open_comment(pilot, body="All fixed.")
        await pilot.press("tab", "3", "f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert f"This will email {customer.business_then_name} <{customer.email}>." in red_lines(
            preview
        )
        await pilot.press("y")
        await finished(pilot)
        [payload] = sent_json(sandbox, COMMENTS)
        assert payload["do_not_email"] is False


async def test_nobody_to_email_is_red_and_n_goes_back_to_the_form(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        ticket = sandbox.ticket(ticket_id)
        ticket.contact_id = None
        sandbox.state.customers[ticket.customer_id].email = ""
        await reload_detail(app, ticket_id)
        await open_comment(pilot, subject="Done", body="All fixed.")
        await pilot.press("tab", "3", "f2")
        preview = await shown(pilot, ConfirmWriteModal)
        [line] = [w for w in red_lines(preview) if "email" in w]
        assert line.startswith("Nobody to email") and "Public, no email" in line

        await pilot.press("n")
        modal = await shown(pilot, CommentModal)  # back to the form, everything kept
        assert modal.query_one("#subject").value == "Done"
        assert modal.query_one("#body").text == "All fixed."
        assert modal.query_one(VisibilityField).value == "public_email"
        assert sandbox.count("POST", COMMENTS) == 0

        modal.query_one(VisibilityField).focus()
        await pilot.press("2", "f2")  # the suggested public-no-email
        preview = await shown(pilot, ConfirmWriteModal)
        assert not [w for w in red_lines(preview) if "email" in w]
        await pilot.press("y")
        await finished(pilot)
        [payload] = sent_json(sandbox, COMMENTS)
        assert (payload["hidden"], payload["do_not_email"]) == (False, True)


async def test_no_email_customer_is_red_and_esc_sends_nothing(make_app, sandbox, monkeypatch):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        ticket = sandbox.ticket(ticket_id)
        contact = sandbox.state.contacts[ticket.contact_id]
        customer = sandbox.state.customers[ticket.customer_id]
        no_email_for(monkeypatch, customer.id)
        await reload_detail(app, ticket_id)
        await open_comment(pilot, body="Fixed.")
        await pilot.press("tab", "3", "f2")
        preview = await shown(pilot, ConfirmWriteModal)
        lines = red_lines(preview)
        assert not any(line.startswith("This will email") for line in lines)
        assert (
            f"{customer.business_then_name} is set to No Email in Syncro: the email to "
            f"{contact.name} <{contact.email}> will be silently dropped"
        ) in " ".join(lines)
        await pilot.press("escape")
        await shown(pilot, CommentModal)
        await pilot.press("escape")
        await finished(pilot)
        assert sandbox.count("POST", COMMENTS) == 0


# --------------------------------------------------------------------------- status subjects


@pytest.mark.parametrize(
    ("subject", "status"), [("parts ORDER", "Waiting for Parts"), ("Diagnosis", "In Progress")]
)
async def test_a_status_changing_subject_is_stated(make_app, sandbox, subject, status):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        before = sandbox.ticket(ticket_id).status
        await open_comment(pilot, subject=subject, body="Ordered a fuser.")
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert any(
            f"makes Syncro change the ticket's status to {status} (now {before})" in w
            if before != status
            else f"keeps the ticket {status}" in w
            for w in red_lines(preview)
        )
        await pilot.press("y")
        await finished(pilot)
        assert [p["subject"] for p in sent_json(sandbox, COMMENTS)] == [subject]
        assert sandbox.ticket(ticket_id).status == status  # Syncro (the sandbox) moved it
        for _ in range(100):  # the landed comment re-reads the ticket
            row = app.store.tickets.get(ticket_id)
            if row is not None and row.status == status:
                break
            await pilot.pause(0.02)
        assert app.store.tickets[ticket_id].status == status


async def test_an_ordinary_subject_states_no_status_change(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        before = sandbox.ticket(ticket_id).status
        await open_comment(pilot, subject="Update", body="Still looking.")
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert not any("status" in w for w in red_lines(preview))
        await pilot.press("y")
        await finished(pilot)
        assert sandbox.ticket(ticket_id).status == before


# --------------------------------------------------------------------------- same text twice


async def test_the_same_text_twice_needs_a_second_different_key(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        await open_comment(pilot, body="Rebooted the router.")
        await pilot.press("f2")
        first = await shown(pilot, ConfirmWriteModal)
        assert not any("already landed" in w for w in red_lines(first))
        await pilot.press("y")
        await finished(pilot)
        assert sandbox.count("POST", COMMENTS) == 1

        await open_comment(pilot, body="Rebooted the router.")
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        [line] = [w for w in red_lines(preview) if "already landed" in w]
        assert "This exact comment (same subject and body) already landed" in line
        assert "at 15:00 on 2026-11-20" in line  # the frozen clock's time
        await pilot.press("y", "y", "y", "enter")  # a double press after a slow reply
        await pilot.pause(0.1)
        assert app.screen is preview
        assert sandbox.count("POST", COMMENTS) == 1
        assert "Second confirmation: press a to post it a second time" in text_of(preview)

        await pilot.press("a")
        await finished(pilot)
        assert [p["body"] for p in sent_json(sandbox, COMMENTS)] == ["Rebooted the router."] * 2
        assert (
            len([c for c in sandbox.ticket(ticket_id).comments if c.body == "Rebooted the router."])
            == 2
        )


async def test_a_before_y_sends_nothing(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await open_comment(pilot, body="Same")
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        await finished(pilot)
        await open_comment(pilot, body="Same")
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        await pilot.press("a")
        await pilot.pause(0.1)
        assert app.screen is preview
        await pilot.press("n")
        await shown(pilot, CommentModal)
        assert sandbox.count("POST", COMMENTS) == 1


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", SIZES)
async def test_restored_public_email_modal_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        ticket_id = await start(pilot)
        app.drafts.save(
            "comment",
            ticket_id,
            {"subject": "Update", "body": "Your printer is fixed.", "visibility": "public_email"},
            CommentModal.DEFAULTS,
        )
        await open_comment(pilot)
        await shown(pilot, CommentModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_no_email_preview_snapshot(make_app, sandbox, monkeypatch, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        ticket_id = await start(pilot)
        no_email_for(monkeypatch, sandbox.ticket(ticket_id).customer_id)
        await reload_detail(app, ticket_id)
        await open_comment(pilot, subject="parts order", body="Fuser ordered.")
        await pilot.press("tab", "3", "f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_same_text_preview_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        for _ in range(2):
            await open_comment(pilot, body="Rebooted the router.")
            await pilot.press("f2")
            await shown(pilot, ConfirmWriteModal)
            await pilot.press("y")
        await pilot.pause(0.1)
        assert await screenshot(pilot) == svg_snapshot
