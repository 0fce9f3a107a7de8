"""`syncro-tui mcp`: a Model Context Protocol server over stdio for AI agents.

Built on the official ``mcp`` Python SDK, 2.x line (``mcp.server.mcpserver.MCPServer``), an
optional extra: ``pip install "syncro-tui[mcp]"``. The tools are in ``agent.py``; this module
only describes them to the agent and maps refusals to tool errors. stdout is the protocol:
nothing else is printed there.
"""

from __future__ import annotations

import argparse
from typing import Any, Literal

HELP = "serve an MCP agent server over stdio (pip install 'syncro-tui[mcp]')"
DESCRIPTION = (
    "Run a Model Context Protocol server on stdin/stdout for AI agents: list and search "
    "tickets, show a ticket, search customers, list the write journal, and writes in two "
    "steps (plan_write previews and returns a one-time plan id; send_write sends it once "
    "through the same outbox as the TUI). Writes are off unless the config has "
    "[mcp] allow_writes = true or --allow-writes is given."
)

INSTRUCTIONS = """\
syncro-tui: Syncro MSP tickets, with the safety rules of the TUI.
Rules for every write (they exist because an agent once posted duplicate comments):
1. Call plan_write first and show its preview_text to the person, word for word. Call
   send_write(plan_id) only after the person explicitly approves that preview.
2. Never resend on your own. send_write sends a plan once; a second call is refused, and a
   write identical to one that landed (or may have) in the last 24 hours is refused.
3. If the outcome is "unknown", tell the person it is unknown (it may be in Syncro) and stop;
   if "absent", tell them it did not arrive: only they decide to resend (syncro-tui writes
   resend ID). Never work around a refusal by changing the text slightly.
4. Billing always needs minutes and the labor type from the person: never guess them.
5. Comments are internal notes unless the person asks otherwise; public_email emails the
   customer.
"""

LIST_DESC = (
    "List tickets: view 'open' (every open ticket, default) or 'mine' (open ones assigned to "
    "the API key's owner); status (e.g. 'Resolved') replaces the open filter; customer_id, "
    "query (Syncro's search) narrow it; at most limit tickets (default 100), newest first. "
    "Read only."
)
SHOW_DESC = (
    "One ticket by its number (as people say it: 1030): fields, customer, contact, the last 5 "
    "comments newest first (public or private), line items and timers. Read only."
)
CUSTOMERS_DESC = "Customers matching a name, business, email or phone (ids for new tickets)."
WRITES_DESC = (
    "The write journal: today's writes and older ones still needing attention, each with its "
    "outcome (landed / absent / unknown / failed). Use it to answer 'did it go through?' "
    "instead of writing again. Read only."
)
PLAN_DESC = (
    "Preview a write WITHOUT sending it. kind: comment (number, body, optional subject, "
    "visibility internal|public|public_email; internal is the default and emails nobody), "
    "update (number and any of status, priority, assign = name|user id|'me', due_date "
    "YYYY-MM-DD), bill (number, minutes, labor, description, optional comment and invoice: "
    "ask the person for minutes and labor type, never assume them), new_ticket (customer id "
    "or exact name, subject, optional contact_id, priority, assign, problem_type, body; "
    "similar open tickets are listed), timer_entry (number, start_at, end_at ISO date-times "
    "with offset, notes, labor). Returns preview_text (show it to the person verbatim: "
    "endpoint, exact JSON, who it is attributed to, who gets emailed) and a one-time plan_id "
    "(null when writes are off or the write repeats one that landed)."
)
SEND_DESC = (
    "Send a previewed plan, once, through the write journal, ONLY after the person approved "
    "its preview. Returns outcome landed (with record_id) / absent / unknown / failed / "
    "refused and tell_the_person. Never call it twice for the same plan and never re-plan the "
    "same write to get around a refusal: report 'unknown' and 'absent' to the person instead."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--allow-writes",
        action="store_true",
        help="let send_write send (default: the config's [mcp] allow_writes, else off)",
    )


def run(args: argparse.Namespace) -> int:
    try:
        from mcp.server.mcpserver import MCPServer  # noqa: F401
    except ImportError:
        from syncro_tui.cli.output import err

        err(
            'syncro-tui mcp needs the MCP SDK: pip install "syncro-tui[mcp]" '
            "(the official `mcp` package, 2.x)."
        )
        return 2
    from syncro_tui.cli import runtime

    async def body(rt: Any) -> int:
        from syncro_tui.cli.agent import AgentTools, allow_writes_in_config

        tools = AgentTools(
            rt, allow_writes=bool(args.allow_writes) or allow_writes_in_config(rt.settings)
        )
        await build_server(tools).run_stdio_async()
        return 0

    return runtime.run(args, body)


def build_server(tools: Any) -> Any:
    """The MCPServer with the six tools bound to ``tools`` (an AgentTools)."""
    from mcp.server.mcpserver import MCPServer
    from mcp.server.mcpserver.exceptions import ToolError

    from syncro_tui import __version__
    from syncro_tui.cli.agent import AgentRefusal
    from syncro_tui.cli.output import clean_json

    server = MCPServer(
        "syncro-tui", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )

    async def guarded(call: Any) -> Any:
        from syncro_tui.api.errors import SyncroError
        from syncro_tui.cli.runtime import CommandError

        try:
            return clean_json(await call)
        except (AgentRefusal, CommandError, SyncroError, ValueError) as exc:
            raise ToolError(str(exc)) from None

    @server.tool(name="list_tickets", description=LIST_DESC)
    async def list_tickets(
        view: Literal["open", "mine"] = "open",
        status: str | None = None,
        customer_id: int | None = None,
        query: str | None = None,
        limit: int = 100,
    ) -> list[dict[str, Any]]:
        return await guarded(tools.list_tickets(view, status, customer_id, query, limit))

    @server.tool(name="show_ticket", description=SHOW_DESC)
    async def show_ticket(number: str) -> dict[str, Any]:
        return await guarded(tools.show_ticket(number))

    @server.tool(name="search_customers", description=CUSTOMERS_DESC)
    async def search_customers(query: str) -> list[dict[str, Any]]:
        return await guarded(tools.search_customers(query))

    @server.tool(name="list_writes", description=WRITES_DESC)
    async def list_writes() -> list[dict[str, Any]]:
        async def listed() -> Any:
            return tools.list_writes()

        return await guarded(listed())

    @server.tool(name="plan_write", description=PLAN_DESC)
    async def plan_write(
        kind: Literal["comment", "update", "bill", "new_ticket", "timer_entry"],
        number: str | None = None,
        body: str | None = None,
        subject: str | None = None,
        visibility: Literal["internal", "public", "public_email"] = "internal",
        status: str | None = None,
        priority: str | None = None,
        assign: str | None = None,
        due_date: str | None = None,
        minutes: str | None = None,
        labor: str | None = None,
        description: str | None = None,
        comment: str | None = None,
        invoice: bool = False,
        customer: str | None = None,
        contact_id: int | None = None,
        problem_type: str | None = None,
        start_at: str | None = None,
        end_at: str | None = None,
        notes: str | None = None,
    ) -> dict[str, Any]:
        fields = {
            "number": number,
            "body": body,
            "subject": subject,
            "visibility": visibility,
            "status": status,
            "priority": priority,
            "assign": assign,
            "due_date": due_date,
            "minutes": minutes,
            "labor": labor,
            "description": description,
            "comment": comment,
            "invoice": invoice,
            "customer": customer,
            "contact_id": contact_id,
            "problem_type": problem_type,
            "start_at": start_at,
            "end_at": end_at,
            "notes": notes,
        }
        return await guarded(tools.plan_write(kind, fields))

    @server.tool(name="send_write", description=SEND_DESC)
    async def send_write(plan_id: str) -> dict[str, Any]:
        return await guarded(tools.send_write(plan_id))

    return server
