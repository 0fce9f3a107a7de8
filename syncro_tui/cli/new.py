"""`syncro-tui new`: open a ticket, after listing the customer's similar open tickets."""

from __future__ import annotations

import argparse

from syncro_tui.cli.writing import add_write_flags

HELP = "open a ticket (similar open tickets of the customer are listed first)"


def _id(text: str) -> int:
    if not text.isdigit() or int(text) <= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not an id")
    return int(text)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--customer", metavar="ID|NAME", required=True, help="the customer")
    parser.add_argument("--subject", metavar="S", required=True, help="ticket subject")
    parser.add_argument("--contact", metavar="ID", type=_id, help="contact id")
    parser.add_argument("--priority", metavar="P", help='e.g. "2 Normal"')
    parser.add_argument(
        "--assign", metavar="NAME|ID|me", help="technician (default: default_assignee, me)"
    )
    parser.add_argument("--problem-type", metavar="T", help="problem type")
    parser.add_argument("--body", metavar="TEXT", help="description (an internal first comment)")
    add_write_flags(parser)


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.writing import run_write

    async def build(rt):
        from syncro_tui.cli import plans

        return await plans.new_ticket(
            rt.session,
            rt.settings,
            customer=args.customer,
            subject=args.subject,
            contact=args.contact,
            priority=args.priority,
            assign=args.assign,
            problem_type=args.problem_type,
            body=args.body,
        )

    return run_write(args, build)
