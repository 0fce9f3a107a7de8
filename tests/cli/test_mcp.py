"""The agent server through the MCP SDK's own stdio client, against the loopback sandbox."""

from __future__ import annotations

import asyncio
import os
import sys

import pytest

pytest.importorskip("mcp.server.mcpserver")  # the [mcp] extra (in [test])

from mcp.client import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402

from syncro_tui.sandbox import DEFAULT_API_KEY  # noqa: E402
from tests.cli.conftest import write_config  # noqa: E402

MARK = "mcp-agent c0de"


def _server(env, *flags: str) -> StdioServerParameters:
    passed = {
        k: v
        for k, v in os.environ.items()
        if k.startswith(("SYNCRO_TUI_", "XDG_")) or k in ("HOME", "PYTHONPATH")
    }
    passed["SYNCRO_API_KEY"] = DEFAULT_API_KEY
    return StdioServerParameters(
        command=sys.executable,
        args=["-m", "syncro_tui", "mcp", "--config", str(env.config), *flags],
        env=passed,
        cwd=os.getcwd(),
    )


def _talk(params: StdioServerParameters, script):
    async def main():
        async with Client(params, read_timeout_seconds=60) as client:
            return await script(client)

    return asyncio.run(main())


def _comments(ticket) -> int:
    return sum(c.body == MARK for c in ticket.comments)


def test_tools_are_listed_with_the_rules(env):
    async def script(client):
        return (await client.list_tools()).tools

    tools = {t.name: t for t in _talk(_server(env), script)}
    assert set(tools) == {
        "list_tickets", "show_ticket", "search_customers", "list_writes", "plan_write",
        "send_write",
    }  # fmt: skip
    assert "Never call it twice" in tools["send_write"].description
    assert "unknown" in tools["send_write"].description
    assert "never assume" in tools["plan_write"].description
    assert env.writes() == 0


def test_plan_and_send_a_comment_once(env):
    t = env.open_ticket()

    async def script(client):
        listed = await client.call_tool("list_tickets", {"limit": 5})
        shown = await client.call_tool("show_ticket", {"number": str(t.number)})
        plan = await client.call_tool(
            "plan_write", {"kind": "comment", "number": str(t.number), "body": MARK}
        )
        plan_id = plan.structured_content["plan_id"]
        before = env.posts()
        sent = await client.call_tool("send_write", {"plan_id": plan_id})
        again = await client.call_tool("send_write", {"plan_id": plan_id})
        replan = await client.call_tool(
            "plan_write", {"kind": "comment", "number": str(t.number), "body": MARK}
        )
        journal = await client.call_tool("list_writes", {})
        return listed, shown, plan, before, sent, again, replan, journal

    listed, shown, plan, before, sent, again, replan, journal = _talk(
        _server(env, "--allow-writes"), script
    )
    assert not listed.is_error and len(listed.structured_content["result"]) == 5
    assert shown.structured_content["number"] == str(t.number)
    preview = plan.structured_content["preview_text"]
    assert f"POST /tickets/{t.id}/comment" in preview and "as Alex Rivera (user_id 101)" in preview
    assert before == 0  # planning sent nothing
    result = sent.structured_content
    (comment,) = [c for c in t.comments if c.body == MARK]
    assert result["outcome"] == "landed" and result["record_id"] == comment.id
    assert comment.hidden  # internal by default
    assert again.is_error and "only once" in again.content[0].text
    assert replan.structured_content["plan_id"] is None
    assert "REFUSED" in replan.structured_content["preview_text"]
    assert journal.structured_content["result"][0]["outcome"] == "landed"
    assert _comments(t) == 1 and env.posts() == 1


def test_an_unclear_send_is_verified_not_resent(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=drop_after*1")

    async def script(client):
        plan = await client.call_tool(
            "plan_write", {"kind": "comment", "number": str(t.number), "body": MARK}
        )
        return await client.call_tool("send_write", {"plan_id": plan.structured_content["plan_id"]})

    sent = _talk(_server(env, "--allow-writes"), script)
    assert sent.structured_content["outcome"] == "landed"
    assert _comments(t) == 1 and env.posts("/tickets/*/comment") == 1


def test_with_writes_off_plan_previews_and_nothing_is_sent(env):
    t = env.open_ticket()

    async def script(client):
        plan = await client.call_tool(
            "plan_write", {"kind": "comment", "number": str(t.number), "body": MARK}
        )
        send = await client.call_tool("send_write", {"plan_id": "0123456789abcdef"})
        return plan, send

    plan, send = _talk(_server(env), script)
    assert plan.structured_content["plan_id"] is None
    assert plan.structured_content["writes_enabled"] is False
    assert f"POST /tickets/{t.id}/comment" in plan.structured_content["preview_text"]
    assert send.is_error and "Writes are off" in send.content[0].text
    assert env.writes() == 0 and _comments(t) == 0


def test_the_config_can_allow_writes(env, tmp_path):
    env.config = write_config(tmp_path / "allow.toml", env.url)
    env.config.write_text(
        env.config.read_text() + "\n[mcp]\nallow_writes = true\n", encoding="utf-8"
    )
    t = env.open_ticket()

    async def script(client):
        return await client.call_tool(
            "plan_write",
            {"kind": "bill", "number": str(t.number), "minutes": "30", "labor": "remote",
             "description": MARK},
        )  # fmt: skip

    plan = _talk(_server(env), script)
    assert plan.structured_content["writes_enabled"] is True
    assert plan.structured_content["plan_id"]
    assert env.writes() == 0


def test_a_timer_entry_and_a_billing_through_the_agent_server(env):
    t = env.open_ticket()

    async def script(client):
        timer = await client.call_tool(
            "plan_write",
            {"kind": "timer_entry", "number": str(t.number), "labor": "remote",
             "start_at": "2026-11-30T09:00:00-07:00", "end_at": "2026-11-30T09:45:00-07:00",
             "notes": MARK},
        )  # fmt: skip
        sent_timer = await client.call_tool(
            "send_write", {"plan_id": timer.structured_content["plan_id"]}
        )
        bill = await client.call_tool(
            "plan_write",
            {"kind": "bill", "number": str(t.number), "minutes": "45", "labor": "remote",
             "description": MARK, "invoice": True},
        )  # fmt: skip
        sent_bill = await client.call_tool(
            "send_write", {"plan_id": bill.structured_content["plan_id"]}
        )
        missing = await client.call_tool("plan_write", {"kind": "bill", "number": str(t.number)})
        return sent_timer, bill, sent_bill, missing

    sent_timer, bill, sent_bill, missing = _talk(_server(env, "--allow-writes"), script)
    assert sent_timer.structured_content["outcome"] == "landed"
    assert sum(tm.notes == MARK for tm in t.timers) == 1
    assert len(bill.structured_content["preview"]["requests"]) == 5
    assert sent_bill.structured_content["outcome"] == "landed", sent_bill
    assert t.status == "Invoiced" and sum(li.description == MARK for li in t.line_items) == 1
    assert missing.is_error and "minutes is required" in missing.content[0].text


def test_mcp_table_in_the_config_is_known_and_checked(tmp_path):
    from syncro_tui.cli.agent import allow_writes_in_config
    from syncro_tui.config import ConfigError, load_settings

    path = tmp_path / "c.toml"
    path.write_text("[mcp]\nallow_writes = true\n", encoding="utf-8")
    settings = load_settings(path, env={})
    assert not any("mcp" in w for w in settings.warnings)
    assert allow_writes_in_config(settings) is True
    path.write_text('[mcp]\nallow_writes = "yes please"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match="allow_writes must be true or false"):
        load_settings(path, env={})
    path.write_text('subdomain = "acme"\n', encoding="utf-8")
    assert allow_writes_in_config(load_settings(path, env={})) is False
