"""The write sender: confirm, send once, re-ask only where the technician must decide.

Against the real outbox, client and sandbox; the "ask the user" side is a script.
"""

from __future__ import annotations

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.sender import Confirmation, WriteSender
from tests.core.test_outbox import comments_with, make_env


class Script:
    """Answers the sender's questions in order; remembers what it was asked and told."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.asked: list[tuple[str, Confirmation]] = []
        self.told: list[tuple[str, str]] = []

    async def confirm(self, request: Confirmation) -> bool:
        self.asked.append(("confirm", request))
        return self.answers.pop(0)

    async def ask_again(self, request: Confirmation) -> bool:
        self.asked.append(("again", request))
        return self.answers.pop(0)

    def tell(self, text: str, *, severity: str = "information", timeout: float | None = None):
        self.told.append((severity, text))

    @property
    def texts(self) -> list[str]:
        return [t for _, t in self.told]


class OutboxSession:
    """The three Session methods the sender uses, straight onto an outbox."""

    def __init__(self, outbox: O.Outbox) -> None:
        self.outbox = outbox

    @property
    def writes_blocked(self) -> str:
        return self.outbox.writes_blocked

    async def submit(self, intent, *, draft_key=None, allow_duplicate=False):
        return await self.outbox.submit(intent, allow_duplicate=allow_duplicate)

    async def resend(self, entry_id):
        return await self.outbox.resend(entry_id)

    async def verify(self, entry_id):
        return await self.outbox.verify(entry_id)


def sender(env, script: Script, landed: list | None = None) -> WriteSender:
    return WriteSender(
        OutboxSession(env.outbox),
        script,
        attribution=lambda: ("Sent as Alex Rivera (user_id 101).", None),
        landed=(landed.append if landed is not None else None),
    )


async def test_nothing_is_sent_without_a_yes(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        script = Script(False)
        intent = W.comment(ticket.id, "Update", "declined")
        assert not await sender(env, script).send("Comment", [intent], draft_key=("comment", 1))
        kind, shown = script.asked[0]
        assert kind == "confirm" and shown.intents == (intent,)
        assert shown.attribution == "Sent as Alex Rivera (user_id 101)."
        assert script.texts == ["Nothing was sent. Your draft is kept."]
        assert env.sandbox.count("POST", "/tickets/*/comment") == 0
        assert env.outbox.entries() == []


async def test_a_confirmed_write_is_sent_once_and_the_ticket_reread(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        script, landed = Script(True), []
        intent = W.comment(ticket.id, "Update", "sent once")
        assert await sender(env, script, landed).send("Comment", [intent])
        assert script.texts == [f"Done: {intent.label}"]
        assert landed == [intent]
        assert comments_with(ticket, "sent once") == 1


async def test_the_attribution_warning_joins_the_previews_warnings(tmp_path):
    async with make_env(tmp_path) as env:
        script = Script(False)
        s = WriteSender(
            OutboxSession(env.outbox), script, attribution=lambda: ("line", "not who you think")
        )
        intent = W.comment(env.open_ticket().id, "Update", "x")
        await s.send("Comment", [intent], warnings=["emails the customer"], notes=["n"])
        shown = script.asked[0][1]
        assert shown.warnings == ("emails the customer", "not who you think")
        assert shown.notes == ("n",)


async def test_declined_resend_then_the_kept_draft_sent_again_sends_it_once(tmp_path):
    """Issue 15: error_before:500, decline "send it again?", then send the same text again
    from the kept draft: one preview, one comment, never "Already sent" nor DuplicateWrite."""
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before:500*1") as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "declined resend")
        first = Script(True, False)
        assert not await sender(env, first).send("Comment", [intent])
        assert [k for k, _ in first.asked] == ["confirm", "again"]
        assert first.asked[1][1].title == "It did not arrive: send it again?"
        assert first.texts[-1] == "Not resent. It stays in the write log (w)."
        assert comments_with(ticket, "declined resend") == 0

        second = Script(True)
        assert await sender(env, second).send("Comment", [intent])
        assert [k for k, _ in second.asked] == ["confirm"]  # the preview only
        assert second.texts == [f"Done: {intent.label}"]
        assert not any("Already sent" in t for t in second.texts)
        assert comments_with(ticket, "declined resend") == 1
        assert env.sandbox.count("POST", "/tickets/*/comment") == 2  # the refused one + one
        assert [e.state for e in env.outbox.entries()] == [O.CONFIRMED]  # one entry, settled


async def test_absent_then_yes_resends_once(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before:500*1") as env:
        ticket = env.open_ticket()
        script = Script(True, True)
        intent = W.comment(ticket.id, "Update", "resent")
        assert await sender(env, script).send("Comment", [intent])
        assert script.texts == [f"Done: {intent.label}"]
        assert comments_with(ticket, "resent") == 1


async def test_the_same_write_within_a_day_is_asked_again_and_refused_on_no(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "twice?")
        assert await sender(env, Script(True)).send("Comment", [intent])
        script = Script(True, False)
        assert not await sender(env, script).send("Comment", [intent])
        again = script.asked[1]
        assert again[0] == "again"
        assert again[1].title == "You sent exactly this within the last day. Send it again?"
        assert "Already sent" in again[1].warnings[0]
        assert script.texts == ["Not sent again."]
        assert comments_with(ticket, "twice?") == 1

        insist = Script(True, True)
        assert await sender(env, insist).send("Comment", [intent])
        assert comments_with(ticket, "twice?") == 2


async def test_an_unknown_outcome_is_never_resent(tmp_path):
    faults = "POST /tickets/*/comment=drop_after*1;GET *=error_before:500"
    async with make_env(tmp_path, faults) as env:
        ticket = env.open_ticket()
        script = Script(True)
        intent = W.comment(ticket.id, "Update", "unknown")
        assert not await sender(env, script).send("Comment", [intent])
        severity, text = script.told[-1]
        assert severity == "warning"
        assert text.startswith(f"Outcome unknown for {intent.label}:")
        assert "NOT resent" in text
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1


async def test_a_refused_write_is_reported_failed(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=html:422") as env:
        script = Script(True)
        intent = W.comment(env.open_ticket().id, "Update", "refused")
        assert not await sender(env, script).send("Comment", [intent])
        severity, text = script.told[-1]
        assert severity == "error" and text.startswith(f"Failed: {intent.label}:")


async def test_the_write_logs_resend_previews_then_sends_once(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before:500*1") as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "from the log")
        outcome = await env.outbox.submit(intent)
        assert outcome.state == O.ABSENT
        entry = env.outbox.entry(outcome.entry_id)

        no = Script(False)
        assert await sender(env, no).resend_entry(entry) is None
        assert no.asked[0][1].title == "Send this write again?"
        assert no.asked[0][1].warnings[0].startswith("Verified absent:")
        assert no.texts == ["Not resent."]

        landed: list = []
        resent = await sender(env, Script(True), landed).resend_entry(entry)
        assert resent is not None and resent.applied
        assert landed == [intent]
        assert comments_with(ticket, "from the log") == 1


async def test_deliver_tells_what_each_write_came_to(tmp_path):
    """``Sent``: the state and the record id (a new ticket's id, say) for every outcome."""
    async with make_env(tmp_path, "POST /tickets/*/comment=error_before:500*1") as env:
        ticket = env.open_ticket()
        s = sender(env, Script(False))
        intent = W.comment(ticket.id, "Update", "delivered")
        absent = await s.deliver(intent)
        assert absent.state == "absent" and not absent.landed and absent.record_id is None
        again = await sender(env, Script()).deliver(intent)  # verified absent: resent, no ask
        (comment,) = [c for c in ticket.comments if c.body == "delivered"]
        assert again.landed and again.record_id == comment.id
        refused = await sender(env, Script(False)).deliver(intent)
        assert refused.state == "refused" and refused.repeats is not None
        assert refused.repeats.record_id == comment.id
        assert comments_with(ticket, "delivered") == 1


async def test_a_sent_new_ticket_reports_its_id(tmp_path):
    """The front end moves to the ticket it created (and does not call it news)."""
    async with make_env(tmp_path) as env:
        customer = next(iter(env.sandbox.state.customers.values()))
        created: list[int] = []
        landed: list = []
        send = WriteSender(
            OutboxSession(env.outbox),
            Script(True, True),
            landed=landed.append,
            created=created.append,
        )
        intent = W.new_ticket(customer_id=customer.id, subject="Ours", user_id=101)
        assert await send.send("New ticket", [intent])
        new = max(env.sandbox.state.tickets.values(), key=lambda t: t.id)
        assert new.subject == "Ours" and created == [new.id]
        assert landed == []  # no existing ticket to re-read
        comment = W.comment(new.id, "Update", "not a create")
        assert await send.send("Comment", [comment]) and created == [new.id]
