"""Issue 15: after a declined resend, sending the kept draft sends it once (Pilot)."""

from __future__ import annotations

from syncro_tui.ui.screens.dialogs import ConfirmWriteModal
from tests.ui.test_comment import COMMENTS, finished, messages, open_comment, shown, start, text_of


async def test_a_declined_resend_then_the_kept_draft_sent_again_arrives_once(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        ticket_id = await start(pilot)
        sandbox.faults.add("POST /tickets/*/comment=error_before:500*1")
        await open_comment(pilot)
        await pilot.press(*"Replaced the toner", "f2")
        first = await shown(pilot, ConfirmWriteModal)
        await pilot.press("y")
        again = await shown(pilot, ConfirmWriteModal, other_than=first)
        assert "It did not arrive: send it again?" in text_of(again)
        await pilot.press("n")
        await finished(pilot)
        assert messages(app)[-1] == "Not resent. It stays in the write log (w)."
        assert app.drafts.load("comment", ticket_id) is not None  # the draft is kept

        modal = await open_comment(pilot)
        assert "Replaced the toner" in modal.query_one("#body").text
        await pilot.press("f2")
        preview = await shown(pilot, ConfirmWriteModal)
        assert "Already sent" not in text_of(preview)
        await pilot.press("y")
        await finished(pilot)
        assert not isinstance(app.screen, ConfirmWriteModal)  # no second question
        said = messages(app)
        assert any(m.startswith("Done: Comment on #") for m in said)
        assert not any("Already sent" in m or "DuplicateWrite" in m for m in said)
        body = [c for c in sandbox.ticket(ticket_id).comments if c.body == "Replaced the toner"]
        assert len(body) == 1
        assert sandbox.count("POST", COMMENTS) == 2  # the refused one, then the one that landed
        assert app.drafts.load("comment", ticket_id) is None
