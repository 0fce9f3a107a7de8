"""The write sender's questions on the command line (``core.sender.Prompts``).

The same loop as the TUI (core/sender.py ``WriteSender``) with the command line's answers:

* ``Unattended`` (``--yes`` and the agent server): the preview was approved before the
  send; every further question ("send it again?") is declined. A second copy of a write is
  asked for with ``--again``; a write verified absent is resent with ``writes resend``.
* ``Terminal``: a person at a terminal. The preview is printed and ``y`` sends; without a
  terminal (and without ``--yes``) nothing is sent and the command exits 3. "It did not
  arrive: send it again?" is asked there too; a repeat of a write that landed is refused
  (``--again`` says it on purpose).

What the sender tells is kept (``told``): the command prints its own one result line.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from syncro_tui.core.sender import REPEAT, Confirmation
from syncro_tui.core.text import clean

# Terminal.decision
YES = "yes"
DRY_RUN = "dry_run"
NOT_CONFIRMED = "not_confirmed"  # no terminal and no --yes: nothing was asked
DECLINED = "declined"  # asked, and the answer was not y


def on_terminal() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def ask(question: str) -> bool:
    """``question`` on stderr, one line from stdin: True only for y / yes."""
    from syncro_tui.cli.output import err

    sys.stderr.write(question)
    sys.stderr.flush()
    try:
        answer = sys.stdin.readline()
    except (OSError, KeyboardInterrupt):
        answer = ""
    if not answer.endswith("\n"):
        err("")
    return answer.strip().lower() in ("y", "yes")


def render(request: Confirmation) -> str:
    """A sender's question as plain text: every request with its exact JSON."""
    lines = [request.title, ""]
    for intent in request.intents:
        lines.append(intent.label)
        lines.append(f"   {intent.method} {intent.path}")
        body = json.dumps(intent.payload, indent=2, ensure_ascii=False)
        lines += ["   " + line for line in body.splitlines()]
        lines.append("")
    if request.attribution:
        lines.append(request.attribution)
    lines += [f"Warning: {w}" for w in request.warnings]
    lines += [f"Note: {n}" for n in request.notes]
    return "\n".join(clean(line) for line in lines)


class Unattended:
    """Consent was given before sending (``--yes``, an agent's approved plan): nothing more
    is asked, and nothing is sent a second time."""

    def __init__(self) -> None:
        self.told: list[tuple[str, str]] = []

    async def confirm(self, request: Confirmation) -> bool:
        return True

    async def ask_again(self, request: Confirmation) -> bool:
        return False

    def tell(
        self, text: str, *, severity: str = "information", timeout: float | None = None
    ) -> None:
        self.told.append((severity, text))


class Terminal(Unattended):
    """A write command's consent: ``--dry-run``, ``--yes``, y/N on a terminal, or exit 3.

    ``preview`` is the command's own preview text (the plan's: endpoint, exact JSON,
    attribution, who gets emailed); ``decision`` records how the preview was answered."""

    def __init__(
        self,
        preview: str,
        args: Any,
        *,
        as_json: bool = False,
        question: str = "Send this? [y/N] ",
    ) -> None:
        super().__init__()
        self.preview = preview
        self.question = question
        self.yes = bool(getattr(args, "yes", False))
        self.dry_run = bool(getattr(args, "dry_run", False))
        self.as_json = as_json
        self.decision = ""

    @property
    def interactive(self) -> bool:
        """A person can answer here: a terminal, and neither --yes nor --dry-run."""
        return not self.yes and not self.dry_run and on_terminal()

    def show(self, text: str) -> None:
        from syncro_tui.cli.output import err, out

        if not self.as_json:
            out(text)
            out("")
        elif self.interactive:  # JSON goes to stdout; the person reads the preview on stderr
            err(text)

    async def confirm(self, request: Confirmation) -> bool:
        self.show(self.preview)
        if self.dry_run:
            self.decision = DRY_RUN
            return False
        if self.yes:
            self.decision = YES
            return True
        if not on_terminal():
            self.decision = NOT_CONFIRMED
            return False
        agreed = ask(self.question)
        self.decision = YES if agreed else DECLINED
        return agreed

    async def ask_again(self, request: Confirmation) -> bool:
        if request.why == REPEAT or not self.interactive:
            return False  # a second copy only with --again; a resend only when a person says y
        from syncro_tui.cli.output import err

        err(render(request))
        err("")
        return ask("Send it again? [y/N] ")
