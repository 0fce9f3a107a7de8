"""SVG snapshots, at 80x24 and 120x40, of the forms and previews the other snapshot files do
not reach: the edit form (`e`) and its one-PUT preview, and a new ticket's type fields and
its preview (who Syncro would email, the similar open tickets).

Regenerate with `pytest tests/ui/test_form_snapshots.py --snapshot-update` after looking at
the PNGs."""

from __future__ import annotations

import pytest
from textual.widgets import Input

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from syncro_tui.ui.screens.edit import EditModal
from syncro_tui.ui.screens.new_ticket import NewTicketModal, TicketFieldsModal
from tests.ui.conftest import settle
from tests.ui.helpers import burst
from tests.ui.test_comment import SIZES, screenshot, shown
from tests.ui.test_new_ticket_forms import TYPES, fill, park_customers, search


@pytest.mark.parametrize("size", SIZES)
async def test_edit_form_and_its_preview_snapshot(make_app, svg_snapshot, size):
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        burst(app, "e")
        form = await shown(pilot, EditModal)
        form.query_one("#subject", Input).value = "Printer offline (edited)"
        form.query_one("#due_date", Input).value = "2026-12-24"
        await pilot.pause()
        assert await screenshot(pilot) == svg_snapshot(name="form")
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot(name="preview")


@pytest.mark.parametrize("size", SIZES)
async def test_new_ticket_fields_and_preview_snapshot(make_app, sandbox, svg_snapshot, size):
    park_customers(sandbox)
    sandbox.state.require_ticket_type = True
    app = make_app()
    async with app.run_test(size=size) as pilot:
        await settle(pilot)
        app.session.ticket_settings = TYPES  # as GET /tickets/settings gives them
        await search(pilot, "park construction")
        await pilot.press("down", "enter")
        form = await shown(pilot, NewTicketModal)
        await fill(form, priority="2 Normal")
        form.query_one("#ticket_type_id").value = 7  # Hardware: Device Type required
        await pilot.press("f2")
        fields = await shown(pilot, TicketFieldsModal)
        fields.query_one("#field-0").value = "Printer"
        fields.query_one("#field-1").value = "SN-42"
        await pilot.pause()
        assert await screenshot(pilot) == svg_snapshot(name="fields")
        await pilot.press("f2")
        await shown(pilot, ConfirmWriteModal)
        assert await screenshot(pilot) == svg_snapshot(name="preview")
