"""Changes made "elsewhere" show up through the API like real ones."""

from __future__ import annotations

from .helpers import T0, open_ticket


async def test_simulated_changes_appear_in_since_updated_at(sb, client, clock):
    quiet = {t.id for t in sb.state.tickets.values()}
    clock.advance(600)
    created = sb.simulate_new_ticket(subject="Printer jam from portal", customer_id=2003)
    replied = open_ticket(sb)
    sb.simulate_customer_reply(replied.id, "It is broken again")
    closed = next(t for t in sb.state.tickets.values() if t.status == "New")
    sb.simulate_update(closed.id, status="Closed")
    since = "2026-05-28T20:30:00Z"  # after T0, before the simulated changes
    body = (await client.get("/tickets", params={"since_updated_at": since})).json()
    assert {t["id"] for t in body["tickets"]} == {created.id, replied.id, closed.id}
    assert created.id not in quiet and created.updated_at == T0 + 600
    listed = {t["id"]: t for t in body["tickets"]}
    assert listed[replied.id]["status"] == "Customer Reply"
    assert listed[replied.id]["customer_reply"] is True
    assert listed[closed.id]["resolved_at"] is not None


async def test_simulated_reply_is_a_contact_comment(sb, client):
    ticket = next(t for t in sb.state.tickets.values() if t.contact_id)
    comment = sb.simulate_customer_reply(ticket.id, "Thanks")
    detail = (await client.get(f"/tickets/{ticket.id}")).json()["ticket"]
    newest = detail["comments"][0]
    assert newest["id"] == comment.id and newest["user_id"] is None
    assert newest["tech"] == sb.state.contacts[ticket.contact_id].name
