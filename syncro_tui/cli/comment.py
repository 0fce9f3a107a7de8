"""`syncro-tui comment NUMBER`: an internal note by default; --public, --email."""

from __future__ import annotations

import argparse

from syncro_tui.cli.writing import add_write_flags

HELP = "comment on a ticket (internal note unless --public / --email)"
DESCRIPTION = (
    "Post a comment. Internal note (hidden, no email) by default; --public makes it visible "
    "to the customer without an email; --email also emails them (implies --public)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("number", metavar="NUMBER", help="ticket number")
    body = parser.add_mutually_exclusive_group(required=True)
    body.add_argument("--body", metavar="TEXT", help="the comment text")
    body.add_argument("--body-file", metavar="PATH", help="read the text from a file (- = stdin)")
    parser.add_argument("--subject", metavar="S", help='comment subject (default "Update")')
    parser.add_argument("--public", action="store_true", help="visible to the customer, no email")
    parser.add_argument("--email", action="store_true", help="public and email the customer")
    add_write_flags(parser)


def read_body(args: argparse.Namespace) -> str:
    from syncro_tui.cli.plans import usage

    if args.body is not None:
        return args.body
    import sys

    if args.body_file == "-":
        return sys.stdin.read()
    try:
        with open(args.body_file, encoding="utf-8") as f:
            return f.read()
    except (OSError, UnicodeDecodeError) as exc:
        raise usage(f"Cannot read --body-file {args.body_file}: {exc}") from None


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.writing import run_write

    async def build(rt):
        from syncro_tui.cli import plans

        return await plans.comment(
            rt.session,
            rt.settings,
            number=args.number,
            body=read_body(args),
            subject=args.subject,
            public=args.public or args.email,
            email=args.email,
        )

    return run_write(args, build)
