"""F5 in the comment form inserts a canned response with the ticket's names and number
filled in; without the permission it says so once and hides the key (issue 11)."""

from __future__ import annotations

from syncro_tui.sandbox.state import CannedResponse
from syncro_tui.ui.screens.comment import CommentModal
from syncro_tui.ui.screens.dialogs import AskModal, ConfirmWriteModal, PickModal
from tests.ui.test_comment import finished, messages, open_comment, sent_json, start
from tests.ui.test_comment import shown as shown_flow


async def shown(pilot, kind):
    """Wait for ``kind`` without waiting on workers: the canned-response worker waits on
    its own modals, so the comment tests' helper (which waits for non-write workers)
    would wait forever."""
    for _ in range(300):
        await pilot.pause(0.01)
        if isinstance(pilot.app.screen, kind):
            await pilot.pause()
            return pilot.app.screen
    raise AssertionError(f"{kind.__name__} never showed; the screen is {pilot.app.screen!r}")


PERMISSION = "Ticket Canned Responses - Manage"


async def test_a_canned_response_is_inserted_with_placeholders_filled(make_app, sandbox):
    sandbox.state.canned_responses[99] = CannedResponse(
        99,
        "Fuser ordered",
        "Parts Order",
        "Hi {{contact_firstname}}, the fuser for ticket "
        "#{{ticket_number}} ({{customer_name}}) is ordered. {{eta}}",
        1,
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        ticket = sandbox.ticket(ticket_id)
        contact = sandbox.state.contacts[ticket.contact_id]
        customer = sandbox.state.customers[ticket.customer_id]
        modal = await open_comment(pilot)
        assert "F5 inserts a canned response" in str(modal.query_one("#body-label").content)
        await pilot.press("f5")
        await shown(pilot, AskModal)
        await pilot.press(*"fuser", "enter")
        picker = await shown(pilot, PickModal)
        assert any("Fuser ordered" in label for _, label in picker._choices)
        index = next(i for i, (r, _) in enumerate(picker._choices) if r.id == 99)
        picker.query_one("OptionList").highlighted = index
        await pilot.press("enter")
        modal = await shown(pilot, CommentModal)
        body = modal.query_one("#body").text
        assert body == (
            f"Hi {contact.name.split()[0]}, the fuser for ticket #{ticket.number} "
            f"({customer.business_then_name}) is ordered. {{{{eta}}}}"
        )
        assert modal.query_one("#subject").value == "Parts Order"
        assert any("{{eta}}" in m for m in messages(app))
        assert sandbox.count("POST", "/tickets/*/comment") == 0  # inserting sends nothing

        await pilot.press("f2")
        preview = await shown_flow(pilot, ConfirmWriteModal)
        assert any("Waiting for Parts" in w for w in preview.preview.warnings)
        await pilot.press("y")
        await finished(pilot)
        [payload] = sent_json(sandbox, "/tickets/*/comment")
        assert payload["body"] == body and payload["subject"] == "Parts Order"


async def test_without_the_permission_it_says_so_once_and_hides_f5(make_app, sandbox):
    sandbox.state.set_permission(PERMISSION, False)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await start(pilot)
        modal = await open_comment(pilot, body="Typed first")
        await pilot.press("f5")
        await shown(pilot, AskModal)
        await pilot.press("enter")
        modal = await shown(pilot, CommentModal)
        for _ in range(50):
            await pilot.pause(0.02)
            if any(PERMISSION in m for m in messages(app)):
                break
        assert [m for m in messages(app) if PERMISSION in m] and app.canned_denied
        assert "F5" not in str(modal.query_one("#body-label").content)
        await pilot.press("f5")  # hidden: nothing opens, nothing is asked again
        await pilot.pause(0.1)
        assert app.screen is modal
        assert len([m for m in messages(app) if PERMISSION in m]) == 1
        assert modal.query_one("#body").text == "Typed first"
