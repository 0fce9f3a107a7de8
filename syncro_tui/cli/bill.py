"""`syncro-tui bill NUMBER`: the TUI's billing plan (comment, line item, invoice, check, status)."""

from __future__ import annotations

import argparse

from syncro_tui.cli.writing import EPILOG as _WRITE_EPILOG
from syncro_tui.cli.writing import add_write_flags

HELP = "bill time: comment, line item, and with --invoice the invoice and status Invoiced"
DESCRIPTION = (
    "Bill time on a ticket, with the same steps and checks as the TUI's b: 1 an internal "
    "resolution comment (--comment, else the description), 2 a line item in decimal hours "
    "(taxable false, no price: Syncro charges the product's rate); with --invoice also "
    "3 the invoice, 4 reading it back to check it holds the line, 5 status Invoiced. "
    "--minutes and --labor are required: there is no default. A run that stopped part-way "
    "is resumed by the same command (steps that landed are never sent again)."
)
EPILOG = "labor types are the names in the config's [labor_products] table.\n\n" + _WRITE_EPILOG


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="ticket number")
    parser.add_argument(
        "--minutes", metavar="M", required=True, help="time: 45, 90m, 1h30m or 1:30 (required)"
    )
    parser.add_argument(
        "--labor", metavar="TYPE", required=True, help="labor type from [labor_products]"
    )
    parser.add_argument(
        "--description", metavar="TEXT", required=True, help="the line item's description"
    )
    parser.add_argument("--comment", metavar="TEXT", help="resolution comment (internal)")
    parser.add_argument("--invoice", action="store_true", help="also invoice and mark Invoiced")
    add_write_flags(parser)


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.writing import run_write

    async def build(rt):
        from syncro_tui.cli import plans

        return await plans.bill(
            rt.session,
            rt.settings,
            number=args.number,
            minutes=args.minutes,
            labor_key=args.labor,
            description=args.description,
            comment=args.comment,
            invoice=args.invoice,
            again=args.again,
        )

    return run_write(args, build)
