"""Verifying a comment whose outcome was unclear, on tenants that hand bodies back changed.

The seed's incident: a comment landed, the reply was lost, the body read back differed from
what was posted, so the check said "absent" and the comment was sent again (comments cannot
be deleted through the API). The rules these tests hold:

* a comment whose normalised subject and body match is ``landed``;
* a comment by the key's user in the window that matches only partly is ``unknown``, with
  both texts shown, and cannot be resent;
* ``absent`` only when the key's user wrote no comment at all on the ticket in the window
  (customers' and other technicians' comments do not count);
* the page walk never relies on the server's sort order.
"""

from __future__ import annotations

import time
from types import SimpleNamespace

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from tests.core.test_outbox import make_env

DROP = "POST /tickets/*/comment=drop_after*1"
NOT_APPLIED = "POST /tickets/*/comment=error_before*1"


async def test_a_landed_comment_read_back_as_html_is_landed_not_absent(tmp_path):
    body = "Swapped the PSU & re-seated <RAM>.   \nAll good now.\n"
    async with make_env(tmp_path, DROP, rich_text=True) as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", body))

        assert outcome.state == O.LANDED, outcome.message
        read_back = (await env.client.ticket_comments(ticket.id)).comments[0]
        assert (
            read_back.is_rich_text and "&amp;" in read_back.body and "&lt;RAM&gt;" in read_back.body
        )
        assert outcome.record_id == read_back.id
        with pytest.raises(O.ResendRefused):
            await env.outbox.resend(outcome.entry_id)
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1


async def test_a_partly_matching_comment_by_me_stays_unknown_with_both_texts(tmp_path):
    async with make_env(tmp_path, NOT_APPLIED) as env:
        ticket = env.open_ticket()
        intent = W.comment(ticket.id, "Update", "Replaced the toner in the HR printer.")
        # The write never arrived, but meanwhile the technician wrote something close in the
        # browser (or Syncro stored it changed beyond what normalising explains).
        env.sandbox.state.add_comment(
            ticket,
            time.time(),
            subject="Update",
            body="Replaced the toner in the HR printer. -- sent from the portal",
            user_id=env.sandbox.state.me_id,
        )
        outcome = await env.outbox.submit(intent)

        assert outcome.state == O.UNKNOWN
        assert not outcome.may_resend
        assert "Needs your look" in outcome.message
        assert "Sent:          Update | Replaced the toner in the HR printer." in outcome.message
        assert "On the ticket: Update | Replaced the toner" in outcome.message
        assert "sent from the portal" in outcome.message
        with pytest.raises(O.ResendRefused):
            await env.outbox.resend(outcome.entry_id)
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1


@pytest.mark.parametrize("author", ["customer", "another technician"])
async def test_comments_by_others_in_the_window_do_not_stop_absent(tmp_path, author):
    async with make_env(tmp_path, NOT_APPLIED) as env:
        ticket = env.open_ticket()
        me = env.sandbox.state.me_id
        other = next(uid for uid in env.sandbox.state.users if uid != me)
        env.sandbox.state.add_comment(
            ticket,
            time.time(),
            subject="Update",
            body="Is anyone looking at this?",
            user_id=None if author == "customer" else other,
            from_customer=author == "customer",
        )
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "On it."))

        assert outcome.state == O.ABSENT and outcome.may_resend, outcome.message
        again = await env.outbox.resend(outcome.entry_id)
        assert again.state == O.CONFIRMED
        assert sum(c.body == "On it." for c in ticket.comments) == 1


async def test_an_identical_comment_by_another_user_is_not_taken_for_mine(tmp_path):
    """Same subject and body, but written by a colleague: it proves nothing about my write."""
    async with make_env(tmp_path, NOT_APPLIED) as env:
        ticket = env.open_ticket()
        me = env.sandbox.state.me_id
        other = next(uid for uid in env.sandbox.state.users if uid != me)
        env.sandbox.state.add_comment(
            ticket, time.time(), subject="Update", body="Rebooted.", user_id=other
        )
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "Rebooted."))
        assert outcome.state == O.ABSENT, outcome.message


async def test_the_author_comes_from_me_once_when_the_session_did_not_set_it(tmp_path):
    async with make_env(tmp_path, DROP, rich_text=True) as env:
        ticket = env.open_ticket()
        assert env.outbox.author_id is None
        first = await env.outbox.submit(W.comment(ticket.id, "Update", "one & two"))
        second = await env.outbox.submit(W.comment(ticket.id, "Update", "three"))
        assert first.state == O.LANDED and second.state == O.CONFIRMED
        assert env.outbox.author_id == env.sandbox.state.me_id
        assert env.sandbox.count("GET", "/me") == 1


class OldestFirst:
    """A client whose comment pages come oldest first (a server that honours a sort order
    the app never asked for): verification must still page to the newest comments."""

    def __init__(self, client, per_page: int = 3) -> None:
        self._client, self._per_page = client, per_page

    def __getattr__(self, name):
        return getattr(self._client, name)

    async def ticket_comments(self, ticket_id, *, page=1, per_page=None):
        ticket = await self._client.get_ticket(ticket_id)
        ordered = sorted(ticket.comments, key=lambda c: (c.created_at, c.id))
        start = (page - 1) * self._per_page
        chunk = ordered[start : start + self._per_page]
        return SimpleNamespace(comments=chunk, has_more=start + self._per_page < len(ordered))


async def test_verification_does_not_rely_on_newest_first_pages(tmp_path):
    async with make_env(tmp_path, DROP) as env:
        ticket = next(t for t in env.sandbox.state.tickets.values() if len(t.comments) >= 4)
        env.outbox.client = OldestFirst(env.client)
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "Newest of them all"))
        assert outcome.state == O.LANDED, outcome.message
