"""Billing that cannot mislead (issue 11): no silent copy of the description into the
(possibly public) comment, focus on the first field in error, a preview with comment and
line item side by side, the customer by name, the product's rate, every step visible at
120x40, the prepaid hours before and after, and n going back to the form."""

from __future__ import annotations

from decimal import Decimal

import pytest
from textual.widgets import Input, Select, TextArea

from syncro_tui.ui.screens.billing import BillingModal, BillingProgressScreen
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from tests.ui.test_billing import DESCRIPTION, open_billing, sends
from tests.ui.test_comment import SIZES, finished, screenshot, shown, start, text_of


def focused_id(app) -> str | None:
    return app.focused.id if app.focused is not None else None


async def only_the_new_line(app, sandbox, ticket_id: int) -> None:
    """Invoice the ticket's earlier uninvoiced lines away, so the invoice holds just ours."""
    ticket = sandbox.ticket(ticket_id)
    ticket.line_items = [li for li in ticket.line_items if li.invoice_id is not None]
    await app.session.fetch_detail(ticket_id)


async def test_nothing_is_copied_silently_and_focus_goes_to_the_first_error(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        await pilot.press("b")
        modal = await shown(pilot, BillingModal)
        await pilot.press("f2")
        await pilot.pause()
        assert focused_id(app) == "minutes"
        assert "The minutes are required" in text_of(modal)

        await pilot.press(*"45")
        modal.query_one("#labor", Select).value = "remote"
        modal.query_one("#description", Input).focus()
        await pilot.press(*DESCRIPTION)
        assert modal.query_one("#comment", TextArea).text == ""  # never copied by itself
        modal.query_one("#minutes", Input).focus()
        await pilot.press("f2")
        await pilot.pause()
        assert app.screen is modal
        assert focused_id(app) == "comment"
        assert "The resolution comment is empty." in text_of(modal)

        await pilot.press("f3")  # "use the description": explicit, cursor at its end
        await pilot.pause()
        await pilot.press(*" and rebooted.")
        assert modal.query_one("#comment", TextArea).text == DESCRIPTION + " and rebooted."
        assert sends(sandbox) == {"comment": 0, "line item": 0, "invoice": 0, "status": 0}


async def test_preview_names_customer_product_rate_and_shows_every_step(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        customer = sandbox.state.customers[sandbox.ticket(ticket_id).customer_id]
        await open_billing(pilot)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        shown_text = text_of(preview)
        assert f"Bill #{sandbox.ticket(ticket_id).number} for {customer.business_then_name}" in (
            shown_text
        )
        assert "0.75 h (45 min) of Labor - Remote Business" in shown_text
        assert "/h = 93.75" in shown_text  # the product's rate, 125 an hour
        columns = [str(c.content) for c in preview.query(".column")]
        assert len(columns) == 2
        assert DESCRIPTION in columns[0] and "Internal note" in columns[0]
        assert "Labor - Remote Business" in columns[1]
        steps = preview.query_one("#steps")
        assert steps.max_scroll_y == 0, "a step is hidden below the fold at 120x40"

        await pilot.press("n")  # back to the form, everything kept
        modal = await shown(pilot, BillingModal)
        assert modal.query_one("#minutes", Input).value == "45"
        assert modal.query_one("#description", Input).value == DESCRIPTION
        assert modal.query_one("#comment", TextArea).text == DESCRIPTION
        assert sends(sandbox) == {"comment": 0, "line item": 0, "invoice": 0, "status": 0}


async def test_prepaid_hours_are_shown_and_read_back(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        customer_id = sandbox.ticket(ticket_id).customer_id
        sandbox.state.prepay_hours[customer_id] = Decimal("10.0")
        await only_the_new_line(app, sandbox, ticket_id)
        await open_billing(pilot)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert ": 10.0 now, 9.25 expected after" in text_of(preview)
        await pilot.press("y")
        await finished(pilot)
        progress = app.screen
        assert isinstance(progress, BillingProgressScreen)
        done = text_of(progress)
        assert "Prepaid hours: 10.0 before, 9.25 now (dropped by 0.75)." in done
        [invoice] = [i for i in sandbox.state.invoices.values() if i.ticket_id == ticket_id]
        assert f"its total is {invoice.total}" in done
        assert sandbox.state.prepay_hours[customer_id] == Decimal("9.25")
        assert sends(sandbox) == {"comment": 1, "line item": 1, "invoice": 1, "status": 1}


async def test_no_prepaid_block_says_nothing_about_it(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        sandbox.state.prepay_hours.pop(sandbox.ticket(ticket_id).customer_id, None)
        await app.session.fetch_detail(ticket_id)
        await open_billing(pilot)
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert "Prepaid" not in text_of(preview)


@pytest.mark.parametrize("size", SIZES)
async def test_billing_preview_with_prepaid_hours_snapshot(make_app, sandbox, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        ticket_id = await start(pilot)
        sandbox.state.prepay_hours[sandbox.ticket(ticket_id).customer_id] = Decimal("10.0")
        await only_the_new_line(app, sandbox, ticket_id)
        await open_billing(pilot)
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot


@pytest.mark.parametrize("size", SIZES)
async def test_billing_errors_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await start(pilot)
        await open_billing(pilot, use_description=False)
        await pilot.press("f2")
        await shown(pilot, BillingModal)
        assert await screenshot(pilot) == svg_snapshot
