"""`syncro-tui show NUMBER`: one ticket with its contact, last comments, line items, timers."""

from __future__ import annotations

import argparse

HELP = "show a ticket: fields, contact, last 5 comments, line items, timers"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="ticket number (as on screen: 1030)")
    parser.add_argument("--json", action="store_true", help="one JSON object")


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli import runtime

    return runtime.run(args, _show)


def _when(iso: str | None) -> str:
    if not iso:
        return "-"
    from syncro_tui.api.timestamps import parse_time

    moment = parse_time(iso)
    if moment is None:
        return iso
    return moment.astimezone().strftime("%Y-%m-%d %H:%M")


def render(t: dict) -> list[str]:
    """The plain form of ``reads.ticket_detail_json`` (already cleaned)."""
    c, contact = t["customer"], t["contact"]
    lines = [
        f"#{t['number']}  {t['subject']}",
        f"  Status:    {t['status'] or '-'}    Priority: {t['priority'] or '-'}",
        f"  Customer:  {c['name'] or '-'} (id {c['id']})"
        + (f"  {c['email']}" if c.get("email") else ""),
    ]
    if contact:
        bits = [contact["name"] or "-"]
        bits += [x for x in (contact.get("email"), contact.get("phone")) if x]
        lines.append("  Contact:   " + "  ".join(bits))
    else:
        lines.append("  Contact:   -")
    lines += [
        f"  Assigned:  {t['assignee'] or ('user ' + str(t['assignee_id']) if t['assignee_id'] else '-')}",
        f"  Problem:   {t['problem_type'] or '-'}",
        f"  Created:   {_when(t['created_at'])}    Due: {_when(t['due_date'])}    "
        f"Updated: {_when(t['updated_at'])}",
        "",
        f"Comments (last {len(t['comments'])} of {t['comments_total']}, newest first):",
    ]
    if not t["comments"]:
        lines.append("  (none)")
    for cm in t["comments"]:
        mark = "PRIVATE" if cm["visibility"] == "private" else "public "
        lines.append(f"  {_when(cm['created_at'])}  {mark}  {cm['tech'] or '-'}: {cm['subject']}")
        lines += [f"      {text}" for text in (cm["body"] or "").splitlines()] or ["      "]
    lines += ["", "Line items:"]
    if not t["line_items"]:
        lines.append("  (none)")
    for li in t["line_items"]:
        state = "invoiced" if li["invoiced"] else "not invoiced"
        price = f"  ${li['price_retail']}" if li["price_retail"] else ""
        lines.append(f"  {li['quantity']} x {li['name']}: {li['description']}{price}  ({state})")
    lines += ["", "Timers:"]
    if not t["timers"]:
        lines.append("  (none)")
    for tm in t["timers"]:
        minutes = f"{tm['minutes']} min" if tm["minutes"] is not None else "running"
        state = "charged" if tm["charged"] else "not charged"
        lines.append(f"  {_when(tm['start'])}  {minutes}  {tm['notes'] or '-'}  ({state})")
    return lines


async def _show(rt) -> int:
    from syncro_tui.cli import reads
    from syncro_tui.cli.output import out, out_json
    from syncro_tui.cli.runtime import CommandError

    detail = await reads.find_ticket(rt.session, rt.args.number)
    if detail is None:
        raise CommandError(
            f"There is no ticket #{rt.args.number.lstrip('#')}. "
            "`syncro-tui tickets --query TEXT` finds one by its subject."
        )
    users = await reads.ensure_users(rt.session) if detail.user_id else {}
    data = reads.ticket_detail_json(detail, users)
    if rt.args.json:
        out_json(data)
    else:
        for line in render(data):
            out(line)
    return 0
