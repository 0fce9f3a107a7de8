"""What the agent server's tools do, without the MCP plumbing (cli/mcp.py adds that).

The same core as the commands: reads through the Session, writes planned by ``plans`` and
sent by ``sending`` (the outbox: journaled first, unclear outcomes verified, never re-sent on
its own). Writes take two steps so a person can see them first: ``plan_write`` returns the
preview and a one-time plan id; ``send_write(plan_id)`` sends that plan once. A plan id
cannot be sent twice, and a write identical to one that landed (or may have) in the last 24
hours is refused, whatever plan it comes from: an agent retrying is how the runbook's
duplicate comments happened. There is no "again" for agents; a person can use the command
line's --again.

Writes are off unless the config says ``[mcp] allow_writes = true`` or the server was started
with ``--allow-writes``; with them off ``plan_write`` still previews.
"""

from __future__ import annotations

import secrets
import time
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from syncro_tui.cli.runtime import CommandError

PLAN_TTL = 3600.0  # a plan nobody sent within an hour is dropped (its ticket may have moved on)
LIST_LIMIT = 100


class AgentRefusal(Exception):
    """A tool call the server refuses; the message tells the agent what to do instead."""


def allow_writes_in_config(settings: Any) -> bool:
    """``[mcp] allow_writes`` from the settings file (false when absent or unreadable)."""
    mcp = getattr(settings, "mcp", None)
    if mcp is not None:
        return bool(getattr(mcp, "allow_writes", False))
    path = getattr(settings, "config_file", None)
    if path is None or not getattr(settings, "config_found", False):
        return False
    import tomllib

    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    table = raw.get("mcp")
    value = table.get("allow_writes", False) if isinstance(table, dict) else False
    return value is True or str(value).strip().lower() in ("true", "1", "yes", "on")


@dataclass
class _Planned:
    plan: Any
    created: float


class AgentTools:
    def __init__(self, rt: Any, *, allow_writes: bool, clock=time.time) -> None:
        self.rt = rt
        self.allow_writes = allow_writes
        self.clock = clock
        self._plans: dict[str, _Planned] = {}
        self._used: dict[str, float] = {}

    @property
    def session(self) -> Any:
        return self.rt.session

    # ------------------------------------------------------------------ reads

    async def list_tickets(
        self,
        view: str = "open",
        status: str | None = None,
        customer_id: int | None = None,
        query: str | None = None,
        limit: int = LIST_LIMIT,
    ) -> list[dict[str, Any]]:
        from syncro_tui.cli import reads

        if view not in reads.VIEWS:
            raise AgentRefusal(f"view must be one of {', '.join(reads.VIEWS)}.")
        filters, keep = reads.ticket_filters(
            view=view,
            status=status,
            customer_id=customer_id,
            query=query,
            closed=self.rt.settings.closed_statuses,
        )
        await reads.ensure_users(self.session)
        rows = await reads.ticket_rows(
            self.session, limit=max(1, min(int(limit or LIST_LIMIT), 1000)), keep=keep, **filters
        )
        return [reads.ticket_json(r) for r in rows]

    async def show_ticket(self, number: str) -> dict[str, Any]:
        from syncro_tui.cli import plans, reads

        detail = await plans.ticket(self.session, number)
        users = await reads.ensure_users(self.session) if detail.user_id else {}
        return reads.ticket_detail_json(detail, users)

    async def search_customers(self, query: str) -> list[dict[str, Any]]:
        from syncro_tui.cli import reads

        return await reads.customers(self.session, query)

    def list_writes(self) -> list[dict[str, Any]]:
        from syncro_tui.cli.writes import entry_json, recent

        return [entry_json(e) for e in recent(self.session, self.clock())]

    # ------------------------------------------------------------------ writes

    async def plan_write(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        from syncro_tui.cli import sending

        plan = await self._build(kind, {k: v for k, v in fields.items() if v is not None})
        repeat = sending.find_repeat(self.session, plan.intents, self.clock())
        answer: dict[str, Any] = {
            "preview_text": plan.preview_text(),
            "preview": plan.preview_json(),
            "writes_enabled": self.allow_writes,
            "plan_id": None,
        }
        if repeat is not None:
            answer["refused"] = sending.refusal(*repeat).message
            answer["preview_text"] += "\n\nREFUSED: " + answer["refused"]
            return answer
        if not self.allow_writes:
            answer["note"] = (
                "Writes are off for this server: nothing can be sent. Show this preview to the "
                "person; they can enable writes with `[mcp] allow_writes = true` in the "
                "syncro-tui config or by starting the server with --allow-writes."
            )
            return answer
        self._expire()
        plan_id = secrets.token_hex(8)
        self._plans[plan_id] = _Planned(plan, self.clock())
        answer["plan_id"] = plan_id
        answer["note"] = (
            "Show preview_text to the person and send_write(plan_id) only after they approve. "
            "The plan id can be sent once."
        )
        return answer

    async def send_write(self, plan_id: str) -> dict[str, Any]:
        from syncro_tui.cli import sending

        if not self.allow_writes:
            raise AgentRefusal(
                "Writes are off for this server: nothing was sent. Ask the person to enable "
                "them (`[mcp] allow_writes = true` or --allow-writes)."
            )
        if plan_id in self._used:
            when = time.strftime("%H:%M:%S", time.localtime(self._used[plan_id]))
            raise AgentRefusal(
                f"Plan {plan_id} was already sent at {when}; a plan is sent only once and "
                "nothing was sent now. list_writes shows its outcome. Never resend on your "
                "own: report an unknown outcome to the person."
            )
        self._expire()
        planned = self._plans.pop(plan_id, None)
        if planned is None:
            raise AgentRefusal(
                f"There is no plan {plan_id} (plans expire after an hour and are lost when the "
                "server restarts). Nothing was sent; call plan_write again and show the new "
                "preview to the person."
            )
        self._used[plan_id] = self.clock()
        repeat = sending.find_repeat(self.session, planned.plan.intents, self.clock())
        if repeat is not None:
            result = sending.refusal(*repeat)
        else:
            result = await sending.send(self.session, planned.plan)
        data = result.to_json()
        data["plan_id"] = plan_id
        data["tell_the_person"] = _advice(result.state)
        return data

    def _expire(self) -> None:
        now = self.clock()
        for plan_id, planned in list(self._plans.items()):
            if now - planned.created > PLAN_TTL:
                del self._plans[plan_id]

    async def _build(self, kind: str, f: dict[str, Any]) -> Any:
        from syncro_tui.cli import plans

        s, st = self.session, self.rt.settings
        try:
            if kind == "comment":
                visibility = f.get("visibility", "internal")
                if visibility not in ("internal", "public", "public_email"):
                    raise AgentRefusal("visibility must be internal, public or public_email.")
                return await plans.comment(
                    s,
                    st,
                    number=_need(f, "number"),
                    body=_need(f, "body"),
                    subject=f.get("subject"),
                    public=visibility != "internal",
                    email=visibility == "public_email",
                )
            if kind == "update":
                return await plans.update(
                    s,
                    st,
                    number=_need(f, "number"),
                    status=f.get("status"),
                    priority=f.get("priority"),
                    assign=f.get("assign"),
                    due=f.get("due_date"),
                )
            if kind == "bill":
                return await plans.bill(
                    s,
                    st,
                    number=_need(f, "number"),
                    minutes=_need(f, "minutes"),
                    labor_key=_need(f, "labor"),
                    description=_need(f, "description"),
                    comment=f.get("comment"),
                    invoice=bool(f.get("invoice", False)),
                )
            if kind == "new_ticket":
                return await plans.new_ticket(
                    s,
                    st,
                    customer=_need(f, "customer"),
                    subject=_need(f, "subject"),
                    contact=f.get("contact_id"),
                    priority=f.get("priority"),
                    assign=f.get("assign"),
                    problem_type=f.get("problem_type"),
                    body=f.get("body"),
                )
            if kind == "timer_entry":
                return await plans.timer_entry(
                    s,
                    st,
                    number=_need(f, "number"),
                    start_at=_moment(_need(f, "start_at"), "start_at"),
                    end_at=_moment(_need(f, "end_at"), "end_at"),
                    notes=f.get("notes") or "",
                    labor_key=_need(f, "labor"),
                )
        except CommandError as exc:
            raise AgentRefusal(str(exc)) from None
        raise AgentRefusal(f"kind must be one of {', '.join(plans.KINDS)}, not {kind!r}.")


def _need(fields: dict[str, Any], name: str) -> Any:
    value = fields.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AgentRefusal(f"{name} is required for this kind of write; ask the person for it.")
    return value


def _moment(text: Any, name: str) -> datetime:
    from syncro_tui.api.timestamps import parse_time

    moment = parse_time(str(text), naive=None)
    if moment is None:
        raise AgentRefusal(f"{name} must be an ISO date-time with offset.")
    return moment if moment.tzinfo is not None else moment.astimezone()  # naive: local time


def _advice(state: str) -> str:
    return {
        "landed": "It is in Syncro (record_id says which record).",
        "absent": "Syncro gave no clear answer and a check found it NOT in Syncro. Nothing was "
        "resent. Tell the person; only they may decide to resend it "
        "(`syncro-tui writes resend ENTRY_ID`).",
        "unknown": "Syncro gave no clear answer and it could not be verified: it MAY be in "
        "Syncro. Do NOT send it again. Tell the person the outcome is unknown; "
        "`syncro-tui writes verify ENTRY_ID` checks it later.",
        "failed": "Syncro refused it; nothing was applied. Tell the person why (message).",
        "refused": "Refused as a repeat: an identical write landed (or may have) in the last 24 "
        "hours. Nothing was sent. Do not try again; tell the person.",
    }.get(state, "")
