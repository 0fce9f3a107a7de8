"""`syncro-tui writes`: the write journal (as the TUI's write log), verify and resend."""

from __future__ import annotations

import argparse

HELP = "the write journal: list, `writes verify ID`, `writes resend ID`"
DESCRIPTION = (
    "List today's writes (and older ones that still need attention) with their state: "
    "landed, absent (verified not in Syncro), unknown (not verified yet), failed. "
    "`writes verify ID` checks an unknown write again with GETs (sends nothing); "
    "`writes resend ID` sends a write verified absent once more, after the preview and y "
    "(or --yes), checking again first."
)
EPILOG = (
    "exit codes: 0 landed / listed, 1 error, 2 usage, 3 not confirmed, 4 key, 5 absent, "
    "6 unknown, 7 refused (it landed already)."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("action", nargs="?", choices=("verify", "resend"), help="what to do")
    parser.add_argument("id", nargs="?", type=int, metavar="ID", help="the write's id")
    parser.add_argument("--yes", action="store_true", help="resend without asking")
    parser.add_argument("--json", action="store_true", help="JSON output")


def entry_json(e) -> dict:
    from datetime import datetime

    from syncro_tui.cli.sending import WORDS

    def iso(t):
        return datetime.fromtimestamp(t).astimezone().isoformat(timespec="seconds") if t else None

    return {
        "id": e.id,
        "state": e.state,
        "outcome": WORDS.get(e.state, e.state),
        "kind": e.intent.kind,
        "ticket_id": e.intent.ticket_id,
        "label": e.label,
        "endpoint": e.intent.endpoint,
        "payload": e.intent.payload,
        "record_id": e.record_id,
        "message": e.message,
        "created_at": iso(e.created_at),
        "updated_at": iso(e.updated_at),
        "sent_at": iso(e.sent_at),
        "attempts": e.attempts,
    }


def recent(session, now: float) -> list:
    """Today's writes, plus the last week's that still need attention (unknown, absent)."""
    from datetime import datetime, timedelta

    from syncro_tui.core import outbox as O

    day = datetime.fromtimestamp(now).replace(hour=0, minute=0, second=0, microsecond=0)
    since = (day - timedelta(days=7)).timestamp()
    attention = O.UNSETTLED | {O.ABSENT}
    return [
        e
        for e in session.writes(since=since)
        if e.created_at >= day.timestamp() or e.state in attention
    ]


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli import runtime

    if args.action and args.id is None:
        from syncro_tui.cli.output import err

        err(f"syncro-tui writes {args.action}: give the write's ID (see `syncro-tui writes`).")
        return 2
    return runtime.run(args, _writes)


async def _writes(rt) -> int:
    a = rt.args
    if a.action == "verify":
        return await _verify(rt, a.id)
    if a.action == "resend":
        return await _resend(rt, a.id)
    import time

    from syncro_tui.cli.output import err, out, out_json
    from syncro_tui.core.text import one_line

    entries = recent(rt.session, time.time())
    if a.json:
        out_json([entry_json(e) for e in entries])
        return 0
    if not entries:
        err("No writes today.")
        return 0
    for e in entries:
        data = entry_json(e)
        when = time.strftime("%m-%d %H:%M", time.localtime(e.created_at))
        record = f"  record {e.record_id}" if e.record_id else ""
        out(f"{e.id:>5}  {when}  {data['outcome']:<8}  {one_line(e.label)}{record}")
        if data["outcome"] in ("absent", "unknown", "failed") and e.message:
            out(f"{'':>7}{one_line(e.message)}")
    return 0


def _entry(rt, entry_id: int):
    from syncro_tui.cli.runtime import CommandError
    from syncro_tui.core.outbox import OutboxError

    try:
        return rt.session.write(entry_id)
    except (OutboxError, KeyError) as exc:
        text = str(exc) if isinstance(exc, OutboxError) else f"There is no write {entry_id}."
        raise CommandError(f"{text} `syncro-tui writes` lists them.", 2) from None


def _report(rt, result) -> int:
    from syncro_tui.cli.output import err, out, out_json

    if rt.args.json:
        out_json(result.to_json())
    else:
        (out if result.code == 0 else err)(result.message)
    return result.code


async def _verify(rt, entry_id: int) -> int:
    from syncro_tui.cli.prompts import Unattended
    from syncro_tui.cli.sending import _from_outcome
    from syncro_tui.core.sender import WriteSender

    entry = _entry(rt, entry_id)
    outcome = await WriteSender(rt.session, Unattended()).verify_entry(entry_id)
    return _report(rt, _from_outcome(entry.intent, outcome))


async def _resend(rt, entry_id: int) -> int:
    from syncro_tui.cli import exitcodes
    from syncro_tui.cli import prompts as P
    from syncro_tui.cli.output import err, out_json
    from syncro_tui.cli.plans import Plan, Step, who
    from syncro_tui.cli.sending import Result, _from_outcome, sender_for
    from syncro_tui.core import outbox as O
    from syncro_tui.core import writes as W

    entry = _entry(rt, entry_id)
    intent = entry.intent
    if entry.state != O.ABSENT:
        code = {
            O.CONFIRMED: exitcodes.REPEAT,
            O.LANDED: exitcodes.REPEAT,
            O.FAILED: exitcodes.ERROR,
        }.get(entry.state, exitcodes.UNKNOWN)
        why = {
            exitcodes.REPEAT: "it reached Syncro; sending it again would make a second copy.",
            exitcodes.ERROR: "Syncro refused it, so nothing was applied: make the change again.",
            exitcodes.UNKNOWN: "nobody knows yet whether it reached Syncro: "
            f"`syncro-tui writes verify {entry_id}` checks it.",
        }[code]
        state = {exitcodes.REPEAT: "refused", exitcodes.ERROR: "failed"}.get(code, "unknown")
        return _report(
            rt, Result(state, f"Not resent: write {entry_id} is {entry.state}: {why}", entry_id)
        )
    line, warnings = await who(rt.session, rt.settings)
    plan = Plan(
        intent.kind,
        f"Send write {entry_id} again ({intent.label}): it was verified NOT in Syncro",
        [intent],
        [Step(intent.label, intent.method, intent.path, intent.payload)],
        line,
        "the customer" if W.emails_customer(intent) else "nobody",
        None,
        warnings,
        ["It is checked once more just before sending: if it turned up, nothing is sent."],
    )
    prompts = P.Terminal(
        plan.preview_text(), rt.args, as_json=bool(rt.args.json), question="Send it again? [y/N] "
    )
    sender = sender_for(rt.session, plan, prompts)
    outcome = await sender.resend_entry(entry)
    if outcome is not None:
        return _report(rt, _from_outcome(intent, outcome))
    if prompts.decision == P.NOT_CONFIRMED:
        message = "Not confirmed: nothing was sent. Add --yes to resend it."
        if rt.args.json:
            out_json(
                {
                    "preview": plan.preview_json(),
                    "outcome": "not_confirmed",
                    "exit_code": 3,
                    "message": message,
                }
            )
        else:
            err(message)
        return exitcodes.NOT_CONFIRMED
    if prompts.decision == P.DECLINED:
        err("Not resent.")
        return exitcodes.NOT_CONFIRMED
    told = prompts.told[-1][1] if prompts.told else "Nothing was sent."
    return _report(rt, Result("unknown", f"Not resent: {told}", entry_id))
