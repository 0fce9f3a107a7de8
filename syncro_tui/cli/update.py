"""`syncro-tui update NUMBER`: one PUT with the fields given."""

from __future__ import annotations

import argparse

from syncro_tui.cli.writing import add_write_flags

HELP = "change a ticket's status, priority, assignee or due date (one PUT)"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="ticket number")
    parser.add_argument("--status", metavar="S", help='e.g. "In Progress"')
    parser.add_argument("--priority", metavar="P", help='e.g. "1 High"')
    parser.add_argument("--assign", metavar="NAME|ID|me", help="technician")
    parser.add_argument("--due", metavar="DATE", help="due date, YYYY-MM-DD")
    add_write_flags(parser)


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.writing import run_write

    async def build(rt):
        from syncro_tui.cli import plans

        return await plans.update(
            rt.session,
            rt.settings,
            number=args.number,
            status=args.status,
            priority=args.priority,
            assign=args.assign,
            due=args.due,
        )

    return run_write(args, build)
