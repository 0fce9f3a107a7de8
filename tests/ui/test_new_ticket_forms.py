"""New tickets that cannot mislead (issue 11): the typed customer name wins over a contact's
name, looser matches say why, the chosen customer is named on every step, priority is a
deliberate choice, and n/Esc in the preview goes back to the form with everything kept."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from syncro_tui.ui.screens.customer import CustomerSearchModal
from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from syncro_tui.ui.screens.new_ticket import NO_PRIORITY, NewTicketModal
from tests.ui.conftest import settle
from tests.ui.helpers import burst
from tests.ui.test_comment import SIZES, screenshot, shown


def park_customers(sandbox):
    """Syncro's autocomplete lists the realty firm (contact Noah Park) first."""
    customers = sorted(sandbox.state.customers.values(), key=lambda c: c.id)
    realty, builder = customers[0], customers[1]
    realty.business_name = "Oakridge Realty"
    realty.contacts[0].name = "Noah Park"
    builder.business_name = "Park Construction"
    return realty, builder


async def search(pilot, text: str):
    """Open the customer search and type ``text`` in one burst, as a technician does: one
    debounced lookup. (pilot.press waits for idle after each key; on a loaded machine a gap
    could pass the debounce and spend a second request, which the header's meter shows.)"""
    await settle(pilot)
    await pilot.press("n")
    screen = await shown(pilot, CustomerSearchModal)
    burst(pilot.app, text)
    typed = screen.query_one("#query", Input)
    for _ in range(3000):  # the burst is only posted: wait for the matches of all of it
        await pilot.pause(0.01)
        if typed.value == text and screen.results_for == text.strip():
            break
    else:
        raise AssertionError(f"no matches shown for {text!r} (typed: {typed.value!r})")
    await settle(pilot)
    return pilot.app.screen.query_one("#found")


def prompts(options) -> list[str]:
    return [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]


async def test_the_typed_name_wins_and_looser_matches_say_why(make_app, sandbox):
    realty, builder = park_customers(sandbox)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        options = await search(pilot, "park")
        shown = prompts(options)
        assert shown[0] == "Park Construction"
        assert "Oakridge Realty  (contact Noah Park)" in shown
        await pilot.press("down", "enter")  # the first one: what the technician typed
        await settle(pilot)
        form = app.screen
        assert isinstance(form, NewTicketModal) and form.customer.id == builder.id
        assert "New ticket for Park Construction" in str(form.query_one(".modal-title").content)


async def fill(form, *, priority=None) -> None:
    form.query_one("#subject").value = "Printer offline"
    if priority is not None:
        form.query_one("#priority").value = priority


async def test_priority_none_is_a_choice_and_n_goes_back_with_everything(make_app, sandbox):
    _, builder = park_customers(sandbox)
    assert sandbox.state.ticket_types and not sandbox.state.require_ticket_type
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await search(pilot, "park construction")
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        # The demo account has ticket types but does not require one: the type is an
        # optional field of the form, left unset, and F2 goes straight to the preview.
        kinds = form.query_one("#ticket_type_id")
        assert kinds.is_blank() and kinds.prompt == "(no ticket type)"
        await fill(form)
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form
        assert "Pick a priority, or (none)" in str(form.query_one("#error").content)
        assert app.focused is form.query_one("#priority")

        form.query_one("#priority").value = NO_PRIORITY
        await pilot.press("f2")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ConfirmWriteModal)
        assert "Open a ticket for Park Construction" in preview.preview.title
        assert "priority" not in preview.preview.steps[0].payload  # (none), on purpose
        assert "ticket_type_id" not in preview.preview.steps[0].payload

        await pilot.press("n")
        await settle(pilot)
        again = app.screen
        assert isinstance(again, NewTicketModal)  # back to the form, not out of the flow
        assert again.query_one("#subject").value == "Printer offline"
        assert again.query_one("#priority").value == NO_PRIORITY
        again.query_one("#priority").value = "1 High"
        await pilot.press("f2")
        await settle(pilot)
        await pilot.press("y")
        await settle(pilot)
        [sent] = [r.json for r in sandbox.requests if r.method == "POST" and r.path == "/tickets"]
        assert sent["customer_id"] == builder.id and sent["priority"] == "1 High"


@pytest.mark.parametrize("size", SIZES)
async def test_ranked_customer_search_snapshot(make_app, sandbox, svg_snapshot, size):
    park_customers(sandbox)
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await search(pilot, "park")
        await pilot.press("down")
        await settle(pilot)
        assert await screenshot(pilot) == svg_snapshot


TYPES = {
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
            "required": False,
            "ticket_type_id": 7,
        },
    ],
    "ticket_type_field_answers": [
        {"id": 1, "ticket_field_id": 70, "content": "Hard Drive"},
        {"id": 2, "ticket_field_id": 70, "content": "Printer"},
    ],
}


async def test_a_required_ticket_type_and_its_fields_are_asked(make_app, sandbox):
    from syncro_tui.ui.screens.new_ticket import TicketFieldsModal

    _, builder = park_customers(sandbox)
    sandbox.state.require_ticket_type = True
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.session.ticket_settings = TYPES  # as GET /tickets/settings gives them
        await search(pilot, "park construction")
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        await fill(form, priority="2 Normal")
        await pilot.press("f2")
        await settle(pilot)
        assert app.screen is form  # the type is asked on the form itself, and required here
        assert "This account requires a ticket type: pick one." in str(
            form.query_one("#error").content
        )
        kinds = form.query_one("#ticket_type_id")
        assert app.focused is kinds and kinds.prompt == "(choose a ticket type)"
        assert [str(prompt) for prompt, _ in kinds._options[1:]] == [
            "Hardware  (required: Device Type)",
            "Onboarding",
        ]  # no "(no ticket type)" to pick: the account requires one
        kinds.value = 7  # Hardware
        await pilot.press("f2")
        await settle(pilot)
        fields = app.screen
        assert isinstance(fields, TicketFieldsModal)
        assert "Hardware ticket for Park Construction" in str(
            fields.query_one(".modal-title").content
        )
        await pilot.press("f2")
        await pilot.pause()
        assert "Device Type is required for Hardware tickets." in str(
            fields.query_one("#error").content
        )
        fields.query_one("#field-0").value = "Printer"
        fields.query_one("#field-1").value = "SN-42"
        await pilot.press("escape")  # back to the form: the type and the answers are kept
        await settle(pilot)
        again = app.screen
        assert isinstance(again, NewTicketModal) and again.query_one("#ticket_type_id").value == 7
        await pilot.press("f2")
        await settle(pilot)
        fields = app.screen
        assert isinstance(fields, TicketFieldsModal)
        assert fields.query_one("#field-0").value == "Printer"
        assert fields.query_one("#field-1").value == "SN-42"
        await pilot.press("f2")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ConfirmWriteModal)
        payload = preview.preview.steps[0].payload
        assert payload["ticket_type_id"] == 7
        assert payload["properties"] == {"Device Type": "Printer", "Serial": "SN-42"}
        await pilot.press("y")
        await settle(pilot)
        [sent] = [r for r in sandbox.requests if r.method == "POST" and r.path == "/tickets"]
        assert sent.status == 200 and sent.json == payload


@pytest.mark.parametrize("no_email", [False, True])
async def test_the_preview_names_who_syncro_would_email(make_app, sandbox, no_email):
    _, builder = park_customers(sandbox)
    builder.no_email = no_email
    contact = builder.contacts[0]
    contact.name, contact.email = "Dana Reyes", "dana@park.example"
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await search(pilot, "park construction")
        await pilot.press("down", "enter")
        await settle(pilot)
        form = app.screen
        form.query_one("#contact_id").value = contact.id
        await fill(form, priority="2 Normal")
        form.query_one("#description").text = "Paper jam light stays on."
        await pilot.press("f2")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ConfirmWriteModal)
        notes = preview.preview.notes
        assert "Emails: none from this write (the description goes in as an internal note)." in (
            notes
        )
        where = (
            "would be dropped to Dana Reyes <dana@park.example>: Park Construction is set to "
            "No Email in Syncro."
            if no_email
            else "goes to Dana Reyes <dana@park.example>."
        )
        assert any(
            n.startswith('Syncro\'s own "new ticket" email') and n.endswith(where) for n in notes
        )
        assert preview.preview.steps[0].payload["comments_attributes"][0]["hidden"] is True
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, NewTicketModal)
        assert not [r for r in sandbox.requests if r.method == "POST"]


async def open_form(pilot, text: str = "park construction"):
    await search(pilot, text)
    await pilot.press("down", "enter")
    return await shown(pilot, NewTicketModal)


async def test_a_new_ticket_draft_with_a_type_field_answer_survives_esc(make_app, sandbox):
    """Nothing typed is lost: the form and the type's field answers, typed fast and left
    with Esc, come back when a ticket is opened for the same customer, and nothing is sent."""
    from syncro_tui.ui.screens.new_ticket import TicketFieldsModal

    _, builder = park_customers(sandbox)
    sandbox.state.require_ticket_type = True
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.session.ticket_settings = TYPES  # as GET /tickets/settings gives them
        form = await open_form(pilot)
        assert app.focused is form.query_one("#subject")
        form.query_one("#priority").value = "2 Normal"
        form.query_one("#ticket_type_id").value = 7  # Hardware
        burst(app, [*"Printer jams", "f2"])
        fields = await shown(pilot, TicketFieldsModal)
        fields.query_one("#field-0").value = "Printer"
        fields.query_one("#field-1").focus()
        burst(app, [*"SN-42", "escape"])  # back to the form, answers kept
        again = await shown(pilot, NewTicketModal, other_than=form)
        burst(app, ["escape"])  # out of the flow: the draft stays on disk
        await settle(pilot)
        assert not isinstance(app.screen, NewTicketModal)
        assert any("Your draft is kept" in n.message for n in app.notices)
        saved = app.drafts.load("new_ticket", builder.id)
        assert saved["subject"] == "Printer jams" and saved["ticket_type_id"] == 7
        assert saved["ticket_fields"] == {"7": {"Device Type": "Printer", "Serial": "SN-42"}}

        reopened = await open_form(pilot)
        assert reopened is not again and reopened.query_one("#restored")
        assert reopened.query_one("#subject").value == "Printer jams"
        assert reopened.query_one("#priority").value == "2 Normal"
        assert reopened.query_one("#ticket_type_id").value == 7
        await pilot.press("f2")
        fields = await shown(pilot, TicketFieldsModal)
        assert fields.query_one("#field-0").value == "Printer"
        assert fields.query_one("#field-1").value == "SN-42"
        assert not [r for r in sandbox.requests if r.method in ("POST", "PUT")]


async def test_f8_then_yes_discards_a_new_ticket_draft(make_app, sandbox):
    from syncro_tui.ui.screens.dialogs import PickModal

    _, builder = park_customers(sandbox)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_form(pilot)
        burst(app, [*"Scanner offline", "escape"])
        await settle(pilot)
        assert app.drafts.load("new_ticket", builder.id)["subject"] == "Scanner offline"
        form = await open_form(pilot)
        assert form.query_one("#subject").value == "Scanner offline"
        await pilot.press("f8")
        ask = await shown(pilot, PickModal)
        assert "Discard this draft?" in ask._title
        await pilot.press("down", "enter")  # "Yes, discard the draft"
        await settle(pilot)
        assert not isinstance(app.screen, NewTicketModal)
        assert app.drafts.load("new_ticket", builder.id) is None
        assert app.notices[-1].message == "Nothing was sent."
        form = await open_form(pilot)
        assert form.query_one("#subject").value == ""
        assert not [r for r in sandbox.requests if r.method == "POST"]
