"""The steps every write command follows: plan -> repeat check -> preview -> consent -> send.

* ``--dry-run``: print the preview, send nothing, exit 0.
* ``--yes``: send without asking. Otherwise on a terminal: print the preview, ask y/N; with
  no terminal: print the preview, send nothing, exit 3 (not confirmed).
* A repeat of a write that landed (or may have) in the last 24 hours: refused with 7 before
  anything is asked, unless ``--again``.
* ``--json``: the preview and the result as one JSON object on stdout.
"""

from __future__ import annotations

import argparse
from collections.abc import Awaitable, Callable
from typing import Any

from syncro_tui.cli import exitcodes

EPILOG = """\
Nothing is sent without consent: without --yes the preview (endpoint, exact JSON, who it is
attributed to, who gets emailed) is printed and, on a terminal, y sends; with no terminal the
command exits 3 and sends nothing. Every write is journaled before it is sent; an unclear
outcome is verified with GETs at once and never re-sent on its own (on a terminal, a write
verified absent is offered once more: y resends it; with --yes it is not).

exit codes: 0 landed, 1 error, 2 usage/config, 3 not confirmed (nothing sent), 4 API key
missing or rejected, 5 unclear and verified absent (not resent), 6 unclear and still unknown
(not resent), 7 refused as a repeat of a write that landed (or may have) in the last 24 h.
"""


def add_write_flags(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--dry-run", action="store_true", help="print the preview, send nothing")
    parser.add_argument("--yes", action="store_true", help="send without asking (scripts)")
    parser.add_argument(
        "--again",
        action="store_true",
        help="send even though the same write landed in the last 24 h (a second copy)",
    )
    parser.add_argument("--json", action="store_true", help="preview and result as JSON")


async def confirm_and_send(rt: Any, plan: Any) -> int:
    """What every write command does once its plan is built: the core write sender with the
    command line's prompts (cli/prompts.py) asks for consent and sends."""
    from syncro_tui.cli import prompts as P
    from syncro_tui.cli import sending
    from syncro_tui.cli.output import err, out, out_json

    a = rt.args
    as_json = bool(getattr(a, "json", False))
    document: dict[str, Any] = {"preview": plan.preview_json(), "sent": False}

    def finish(code: int, state: str, message: str, result: dict | None = None) -> int:
        document["outcome"] = state
        document["exit_code"] = code
        document["message"] = message
        if result is not None:
            document["result"] = result
        if as_json:
            out_json(document)
        else:
            (out if code == exitcodes.OK else err)(message)
        return code

    read_only = getattr(rt.session, "read_only", "")
    if read_only and not a.dry_run:
        if not as_json:
            out(plan.preview_text())
            out("")
        return finish(exitcodes.ERROR, "failed", f"Not sent. {read_only}")
    repeat = None if a.again else sending.find_repeat(rt.session, plan.intents)
    if repeat is not None:
        refused = sending.refusal(*repeat)
        if not as_json:
            out(plan.preview_text())
            out("")
        return finish(refused.code, "refused", refused.message, refused.to_json())
    prompts = P.Terminal(plan.preview_text(), a, as_json=as_json)
    sender = sending.sender_for(rt.session, plan, prompts)
    if not await sender.confirm(plan.title, plan.intents, warnings=plan.warnings, notes=plan.notes):
        if prompts.decision == P.DRY_RUN:
            return finish(exitcodes.OK, "dry_run", "Dry run: nothing was sent.")
        if prompts.decision == P.NOT_CONFIRMED:
            return finish(
                exitcodes.NOT_CONFIRMED,
                "not_confirmed",
                "Not confirmed: nothing was sent. Show this preview to the person who asked; "
                "add --yes to send it once they agree.",
            )
        if prompts.decision == P.DECLINED:
            return finish(exitcodes.NOT_CONFIRMED, "not_confirmed", "Not sent.")
        if a.dry_run:  # the journal cannot be saved: a dry run previews anyway
            prompts.show(prompts.preview)
            return finish(exitcodes.OK, "dry_run", "Dry run: nothing was sent.")
        told = prompts.told[-1][1] if prompts.told else "Nothing was sent."
        return finish(exitcodes.ERROR, "failed", told)  # the journal cannot be saved
    if not as_json:
        err("Sending...")
    result = await sending.send(rt.session, plan, again=a.again, sender=sender)
    document["sent"] = True
    return finish(result.code, result.state, result.message, result.to_json())


def run_write(args: argparse.Namespace, build: Callable[[Any], Awaitable[Any]]) -> int:
    """``build(rt) -> Plan``; then the common steps."""
    from syncro_tui.cli import runtime

    async def body(rt: Any) -> int:
        plan = await build(rt)
        return await confirm_and_send(rt, plan)

    return runtime.run(args, body)
