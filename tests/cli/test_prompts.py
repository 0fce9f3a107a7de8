"""The command line's answers to the core write sender's questions (cli/prompts.py)."""

from __future__ import annotations

import argparse
import io
import sys

from syncro_tui.cli import prompts as P
from syncro_tui.core import writes as W
from syncro_tui.core.sender import ABSENT, REPEAT, Confirmation


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def _request(why: str = "") -> Confirmation:
    intent = W.comment(7, "Update", "hello", "internal", number="1030")
    return Confirmation("It did not arrive: send it again?", (intent,), why=why)


def _args(**flags: bool) -> argparse.Namespace:
    return argparse.Namespace(yes=flags.get("yes", False), dry_run=flags.get("dry_run", False))


async def test_unattended_sends_what_was_approved_and_never_a_second_time():
    p = P.Unattended()
    assert await p.confirm(_request()) is True
    assert await p.ask_again(_request(ABSENT)) is False
    assert await p.ask_again(_request(REPEAT)) is False


async def test_without_a_terminal_nothing_is_confirmed(monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("y\n"))  # a pipe: its "y" is not a person
    p = P.Terminal("PREVIEW", _args())
    assert await p.confirm(_request()) is False and p.decision == P.NOT_CONFIRMED
    assert await p.ask_again(_request(ABSENT)) is False


async def test_dry_run_and_yes(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _Tty("y\n"))
    dry = P.Terminal("PREVIEW", _args(dry_run=True))
    assert await dry.confirm(_request()) is False and dry.decision == P.DRY_RUN
    yes = P.Terminal("PREVIEW", _args(yes=True))
    assert await yes.confirm(_request()) is True and yes.decision == P.YES
    assert await yes.ask_again(_request(ABSENT)) is False  # --yes consents to one send only
    assert capsys.readouterr().out.count("PREVIEW") == 2


async def test_on_a_terminal_y_is_asked_and_a_repeat_is_never_asked(monkeypatch, capsys):
    monkeypatch.setattr(sys, "stdin", _Tty("y\ny\n"))
    p = P.Terminal("PREVIEW", _args())
    assert await p.confirm(_request()) is True and p.decision == P.YES
    assert await p.ask_again(_request(REPEAT)) is False  # a second copy: --again, on purpose
    assert await p.ask_again(_request(ABSENT)) is True
    err = capsys.readouterr().err
    assert "Send this? [y/N]" in err and "Send it again? [y/N]" in err
    assert "POST /tickets/7/comment" in err and '"body": "hello"' in err
