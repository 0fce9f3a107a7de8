"""`syncro-tui tickets`: the queue, as the runbook's `#n status customer subject` lines or JSON."""

from __future__ import annotations

import argparse

HELP = "list tickets (the open queue by default); --json for scripts"
DESCRIPTION = (
    "List tickets: the open queue unless --status says otherwise. Every matching ticket is "
    "listed unless --limit is given. Plain output is one aligned `#number status customer "
    "subject` line per ticket, newest number first, cut to the terminal's width; --json prints "
    "a JSON array of objects (number, id, status, priority, customer, customer_id, subject, "
    "assignee, assignee_id, updated_at, due_date)."
)


def positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{text} must be at least 1")
    return value


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--view",
        choices=("open", "mine"),
        default="open",
        help="open: every open ticket (default); mine: open tickets assigned to the key's owner",
    )
    parser.add_argument("--status", metavar="S", help='only this status, e.g. "Resolved"')
    parser.add_argument("--customer", metavar="ID", type=positive, help="only this customer id")
    parser.add_argument("--query", metavar="TEXT", help="Syncro's search (subject, number, ...)")
    parser.add_argument("--limit", metavar="N", type=positive, help="at most N tickets")
    parser.add_argument("--json", action="store_true", help="a JSON array instead of lines")


def lines(rows: list, width: int | None) -> list[str]:
    """Aligned `#n  status  customer  subject` lines fitting ``width`` cells (None: no cut)."""
    from syncro_tui.core.text import one_line

    if not rows:
        return []
    numbers = [f"#{r.number}" for r in rows]
    wn = max(len(n) for n in numbers)
    ws = min(max(len(r.status) for r in rows), 20)
    wc = min(max(len(r.customer_name) for r in rows), 28)
    if width is not None:  # narrow terminal: customer, then status, give way to the subject
        short = wn + ws + wc + 6 + 20 - (width - 1)
        for col in ("wc", "ws"):
            if short > 0:
                have = wc if col == "wc" else ws
                cut = max(0, min(short, have - 8))
                short -= cut
                if col == "wc":
                    wc -= cut
                else:
                    ws -= cut
    out = []
    for number, r in zip(numbers, rows):
        head = (
            f"{number:<{wn}}  {one_line(r.status, ws, ellipsis='~'):<{ws}}  "
            f"{one_line(r.customer_name, wc, ellipsis='~'):<{wc}}  "
        )
        room = None if width is None else max(width - len(head) - 1, 1)
        out.append((head + one_line(r.subject, room, ellipsis="~")).rstrip())
    return out


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli import runtime

    return runtime.run(args, _tickets)


async def _tickets(rt) -> int:
    from syncro_tui.cli import reads
    from syncro_tui.cli.output import err, out, out_json, width

    a = rt.args
    filters, keep = reads.ticket_filters(
        view=a.view,
        status=a.status,
        customer_id=a.customer,
        query=a.query,
        closed=rt.settings.closed_statuses,
    )
    if a.json:
        await reads.ensure_users(rt.session)
    rows = await reads.ticket_rows(rt.session, limit=a.limit, keep=keep, **filters)
    if a.json:
        out_json([reads.ticket_json(r) for r in rows])
        return 0
    if not rows:
        err("No tickets match.")
        return 0
    for text in lines(rows, width()):
        out(text)
    return 0
