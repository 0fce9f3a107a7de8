"""A rich-text tenant: comment bodies read back as HTML on every endpoint that returns them."""

from __future__ import annotations

import pytest

from syncro_tui.sandbox import Sandbox

from .helpers import T0, FakeClock, make_client, open_ticket

BODY = "Reset the AP & the switch <rack 2>.   \nWorks now.\n"


async def _post(http, ticket_id: int) -> dict:
    r = await http.post(
        f"/tickets/{ticket_id}/comment", json={"subject": "Update", "body": BODY, "hidden": True}
    )
    assert r.status_code == 200
    return r.json()


@pytest.mark.parametrize("comment_format", [None, "plaintext", "richtext", "original"])
async def test_every_endpoint_returns_the_reformatted_body(comment_format):
    sb = Sandbox(clock=FakeClock(T0), rich_text=True)
    ticket = open_ticket(sb)
    params = {"comment_format": comment_format} if comment_format else {}
    async with make_client(sb) as http:
        posted = await _post(http, ticket.id)
        listed = (await http.get(f"/tickets/{ticket.id}/comments", params=params)).json()
        detail = (await http.get(f"/tickets/{ticket.id}", params=params)).json()["ticket"]

    [from_list] = [c for c in listed["comments"] if c["id"] == posted["comment"]["id"]]
    [from_detail] = [c for c in detail["comments"] if c["id"] == posted["comment"]["id"]]
    for c in (posted["comment"], from_list, from_detail):
        assert c["is_rich_text"] is True
        assert "&amp;" in c["body"] and "&lt;rack 2&gt;" in c["body"]
        assert "\n" not in c["body"] and ("<br>" in c["body"] or "<p>" in c["body"])
        assert not c["body"].endswith(" ")
    # What is stored is what was posted: only the rendering differs.
    assert sb.state.tickets[ticket.id].comments[-1].body == BODY


async def test_line_breaks_come_as_br_or_as_paragraphs():
    sb = Sandbox(clock=FakeClock(T0), rich_text=True)
    ticket = open_ticket(sb)
    async with make_client(sb) as http:
        bodies = [(await _post(http, ticket.id))["comment"]["body"] for _ in range(2)]
    assert any("<br>" in b for b in bodies) and any(b.startswith("<p>") for b in bodies)


async def test_without_the_switch_a_share_of_demo_comments_is_rich_text(sb):
    comments = [c for t in sb.state.tickets.values() for c in t.comments]
    rich = [c for c in comments if c.rich]
    assert 0.1 < len(rich) / len(comments) < 0.4
    ticket = next(t for t in sb.state.tickets.values() if any(c.rich for c in t.comments))
    stored = {c.id: c for c in ticket.comments}
    async with make_client(sb) as http:
        got = (await http.get(f"/tickets/{ticket.id}/comments")).json()["comments"]
        posted = await _post(http, ticket.id)
    assert any(c["is_rich_text"] for c in got)
    for c in got:
        assert c["is_rich_text"] is stored[c["id"]].rich
        if stored[c["id"]].rich and "&" in c["body"]:
            assert "&amp;" in c["body"] or "&lt;" in c["body"] or "&gt;" in c["body"]
    # A posted comment reads back as typed when the tenant is not rich-text.
    assert posted["comment"]["body"] == BODY and posted["comment"]["is_rich_text"] is False
