"""`b`: the billing modal, preview, progress and resume against the in-process sandbox.

What a technician would notice: minutes and labor type are always asked, the preview lists
every step with its JSON, each step's progress is shown, a failed step stops the run and
`r` resumes it without sending any landed step twice, and Syncro ends with exactly one
comment, one line item and one invoice.
"""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from textual.widgets import Checkbox, Input, Select, TextArea

from syncro_tui.ui.screens.billing import BillingModal, BillingProgressScreen
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, PickModal
from tests.ui.test_comment import (
    SIZES,
    finished,
    messages,
    screenshot,
    sent_json,
    shown,
    start,
    text_of,
)

DESCRIPTION = "Replaced the NIC driver"
WRITES = {
    "comment": ("POST", "/tickets/*/comment"),
    "line item": ("POST", "/tickets/*/add_line_item"),
    "invoice": ("POST", "/invoices"),
    "status": ("PUT", "/tickets/*"),
}


async def open_billing(
    pilot,
    *,
    minutes: str = "45",
    labor: str | None = "remote",
    description: str = DESCRIPTION,
    invoice: bool = True,
    use_description: bool = True,
) -> BillingModal:
    await pilot.press("b")
    modal = await shown(pilot, BillingModal)
    await pilot.press(*minutes)  # the minutes field has the focus
    if labor is not None:
        modal.query_one("#labor", Select).value = labor
    modal.query_one("#description", Input).value = description
    modal.query_one("#invoice", Checkbox).value = invoice
    await pilot.pause()
    if use_description:  # the comment starts empty: F3 copies the description, visibly
        await pilot.press("f3")
        await pilot.pause()
    return modal


async def bill(pilot, **fields) -> BillingProgressScreen:
    """Fill the modal, confirm the preview with y, and wait for the run to stop or finish."""
    await open_billing(pilot, **fields)
    await pilot.press("f2")
    await shown(pilot, ConfirmWriteModal)
    await pilot.press("y")
    await finished(pilot)
    return pilot.app.screen


def states(screen: BillingProgressScreen) -> list[str]:
    return [str(s.content) for s in screen.query(".state")]


def sends(sandbox) -> dict[str, int]:
    return {name: sandbox.count(method, path) for name, (method, path) in WRITES.items()}


def records(sandbox, ticket_id: int) -> dict[str, int]:
    """What this billing made in Syncro, by kind (never more than one each)."""
    ticket = sandbox.ticket(ticket_id)
    return {
        "comment": sum(c.body == DESCRIPTION for c in ticket.comments),
        "line item": sum(li.description == DESCRIPTION for li in ticket.line_items),
        "invoice": sum(inv.ticket_id == ticket_id for inv in sandbox.state.invoices.values()),
    }


# --------------------------------------------------------------------------- the full chain


async def test_billing_the_full_chain_ends_invoiced_with_one_of_each(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        modal = await open_billing(pilot)
        assert modal.query_one("#comment", TextArea).text == DESCRIPTION  # F3 copied it
        assert "= 0.75 h" in text_of(modal)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)

        shown_text = text_of(preview)
        for line in (
            f"1. POST /tickets/{ticket_id}/comment",
            f"2. POST /tickets/{ticket_id}/add_line_item",
            "3. POST /invoices",
            "4. GET /invoices/{id of the invoice from step 3}",
            f"5. PUT /tickets/{ticket_id}",
        ):
            assert line in shown_text
        line_item = {
            "product_id": 5001,
            "name": "Labor - Remote Business",
            "description": DESCRIPTION,
            "quantity": 0.75,
            "taxable": False,
        }
        assert json.dumps(line_item) in shown_text  # one line per step: all five fit
        assert shown_text.count("(no body)") == 1  # the read-back of step 4
        assert "its id is known once step 3 lands" in shown_text
        assert "Sent as Alex Rivera (user_id 101)" in shown_text

        await pilot.press("y")
        await finished(pilot)
        progress = app.screen
        assert isinstance(progress, BillingProgressScreen)
        assert states(progress) == ["DONE"] * 5
        assert "Billing complete" in text_of(progress)

        assert records(sandbox, ticket_id) == {"comment": 1, "line item": 1, "invoice": 1}
        assert sends(sandbox) == {"comment": 1, "line item": 1, "invoice": 1, "status": 1}
        assert sent_json(sandbox, "/tickets/*/add_line_item") == [line_item]
        item = next(
            li for li in sandbox.ticket(ticket_id).line_items if li.description == DESCRIPTION
        )
        assert item.quantity == Decimal("0.75")
        assert sandbox.ticket(ticket_id).status == "Invoiced"
        assert app.drafts.load("billing", ticket_id) is None
        assert any(n.title == "Billed" for n in app.notices)

        await pilot.press("escape")
        await finished(pilot)
        assert not isinstance(app.screen, BillingProgressScreen)


async def test_only_adding_the_time_sends_two_steps_and_leaves_the_status(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        status = sandbox.ticket(ticket_id).status
        progress = await bill(pilot, minutes="1h30m", invoice=False)
        assert states(progress) == ["DONE", "DONE"]
        assert sends(sandbox) == {"comment": 1, "line item": 1, "invoice": 0, "status": 0}
        assert sent_json(sandbox, "/tickets/*/add_line_item")[0]["quantity"] == 1.5
        assert sandbox.ticket(ticket_id).status == status


# --------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "minutes, message",
    [
        ("abc", "'abc' is not a time. Enter minutes like 45"),
        ("0", "Bill at least 1 minute."),
        ("-5", "Minutes cannot be negative (got -5)."),
        ("100000", "At most 1440 minutes (24 hours) can be billed at once"),
        ("1h75m", "In 1h75m the minutes part must be under 60 when hours are given."),
    ],
)
async def test_bad_minutes_are_explained_and_nothing_is_lost(make_app, sandbox, minutes, message):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        modal = await open_billing(pilot, minutes=minutes)
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert message in text_of(modal)
        assert modal.query_one("#minutes", Input).value == minutes
        assert modal.query_one("#description", Input).value == DESCRIPTION
        assert sum(sends(sandbox).values()) == 0


async def test_labor_type_has_no_default_and_is_required(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        modal = await open_billing(pilot, labor=None, description="")
        assert modal.query_one("#labor", Select).is_blank()
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        shown_text = text_of(modal)
        assert "Choose the labor type: there is no default." in shown_text
        assert "The line item description is required." in shown_text
        assert modal.query_one("#minutes", Input).value == "45"
        await pilot.pause(0.4)
        assert app.drafts.load("billing", ticket_id)["minutes"] == "45"
        assert sum(sends(sandbox).values()) == 0


async def test_unknown_labor_products_are_left_out_with_a_warning(make_app):
    app = make_app()
    app.settings = app.settings.with_overrides(labor_products={"remote": 5001, "web": 999999})
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await pilot.press("b")
        modal = await shown(pilot, BillingModal)
        assert list(modal.labor) == ["remote"]
        assert any("web (999999)" in m and "no such product" in m for m in messages(app))


# --------------------------------------------------------------------------- warnings


async def test_a_running_timer_is_warned_about_in_the_preview(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        app.store.set_timer(app.timers.start(ticket_id, app.store.tickets[ticket_id].number))
        await open_billing(pilot)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert any(
            "A timer is running on this ticket" in str(w.content) for w in preview.query(".warning")
        )


# --------------------------------------------------------------------------- failure and resume


async def test_a_failed_step_stops_the_run_and_r_resumes_without_repeating(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        sandbox.faults.add("POST /invoices=error_before:500*1")
        progress = await bill(pilot)

        assert states(progress) == ["DONE", "DONE", "STOPPED", "TODO", "TODO"]
        report = text_of(progress)
        assert "Stopped at step 3 (Create the invoice)" in report
        assert "Landed: 1 comment" in report and "Not done: steps 3, 4, 5." in report
        assert "r resumes from step 3" in report
        assert sandbox.ticket(ticket_id).status != "Invoiced"
        assert app.drafts.load("billing", ticket_id) is not None  # not billed yet: keep the text

        await pilot.press("r")
        confirm = await shown(
            pilot, ConfirmWriteModal
        )  # resuming sends writes: preview and y first
        assert "POST /invoices" in text_of(confirm) and "/comment" not in text_of(confirm)
        await pilot.press("y")
        await finished(pilot)
        assert states(progress) == ["DONE"] * 5
        assert sends(sandbox) == {"comment": 1, "line item": 1, "invoice": 2, "status": 1}
        assert records(sandbox, ticket_id) == {"comment": 1, "line item": 1, "invoice": 1}
        assert sandbox.ticket(ticket_id).status == "Invoiced"


async def test_b_offers_to_resume_a_stopped_billing(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        sandbox.faults.add("PUT /tickets/*=error_before:500*1")
        progress = await bill(pilot)
        assert states(progress) == ["DONE"] * 4 + ["STOPPED"]
        await pilot.press("escape")
        await finished(pilot)

        await pilot.press("b")
        offer = await shown(pilot, PickModal)
        assert "Stopped at step 5" in text_of(offer)
        await pilot.press("enter")  # "Resume it"
        confirm = await shown(pilot, ConfirmWriteModal)
        assert f"PUT /tickets/{ticket_id}" in text_of(confirm)
        await pilot.press("enter")  # Enter never sends
        assert isinstance(app.screen, ConfirmWriteModal)
        await pilot.press("y")
        await finished(pilot)
        assert states(app.screen) == ["DONE"] * 5
        assert sends(sandbox) == {"comment": 1, "line item": 1, "invoice": 1, "status": 2}
        assert records(sandbox, ticket_id) == {"comment": 1, "line item": 1, "invoice": 1}
        assert sandbox.ticket(ticket_id).status == "Invoiced"


async def test_billing_the_same_thing_twice_asks_before_sending_it_again(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        await bill(pilot, invoice=False)
        await pilot.press("escape")
        await finished(pilot)

        await open_billing(pilot, invoice=False)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        question = await shown(pilot, ConfirmWriteModal, other_than=preview)
        assert "You sent exactly this within the last day" in text_of(question)
        await pilot.press("n")
        await finished(pilot)
        assert states(app.screen) == [
            "TODO",
            "TODO",
        ]  # refused before anything was journaled or sent
        assert "already reached Syncro" in text_of(app.screen)
        assert sends(sandbox)["comment"] == 1 and sends(sandbox)["line item"] == 1
        assert records(sandbox, ticket_id) == {"comment": 1, "line item": 1, "invoice": 0}


# --------------------------------------------------------------------------- snapshots


@pytest.mark.parametrize("size", SIZES)
async def test_billing_modal_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await open_billing(pilot)
        await shown(pilot, BillingModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_billing_preview_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await open_billing(pilot)
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_billing_progress_snapshot(make_app, sandbox, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        sandbox.faults.add("POST /invoices=error_before:500*1")
        await bill(pilot)
        assert await screenshot(pilot) == svg_snapshot


async def test_declining_the_resume_preview_sends_nothing(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        sandbox.faults.add("POST /invoices=error_before:500*1")
        progress = await bill(pilot)
        before = sends(sandbox)
        await pilot.press("r")
        await shown(pilot, ConfirmWriteModal)
        await pilot.press("n")
        await finished(pilot)
        assert sends(sandbox) == before
        assert "Not resumed: nothing was sent." in text_of(progress)
