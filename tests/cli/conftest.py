"""The command line against the loopback sandbox, through the real entry point (cli.main)."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from syncro_tui import cli
from syncro_tui.core.outbox import Outbox
from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_LABOR_PRODUCTS, Sandbox
from syncro_tui.sandbox.state import CLOSED_STATUSES


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@dataclass
class Ran:
    code: int
    out: str
    err: str


@dataclass
class Env:
    sandbox: Sandbox
    url: str
    config: Path
    monkeypatch: pytest.MonkeyPatch
    capsys: pytest.CaptureFixture

    def run(self, *argv: str, stdin: str = "", tty: bool = False) -> Ran:
        """`syncro-tui ARGV --config FILE`, stdin a pipe (or a terminal with tty=True)."""
        self.capsys.readouterr()
        self.monkeypatch.setattr(sys, "stdin", (_Terminal if tty else io.StringIO)(stdin))
        try:
            code = cli.main([*argv, "--config", str(self.config)])
        except SystemExit as done:  # argparse: usage errors (2) and --help (0)
            code = int(done.code or 0)
        got = self.capsys.readouterr()
        return Ran(code, got.out, got.err)

    def open_ticket(self, index: int = 0):
        """An open ticket with a customer (the sandbox's record)."""
        tickets = [
            t
            for t in sorted(self.sandbox.state.tickets.values(), key=lambda t: t.id)
            if t.status not in CLOSED_STATUSES and t.status != "Customer Reply"
        ]
        return tickets[index]

    def posts(self, glob: str = "*") -> int:
        return self.sandbox.count("POST", glob)

    def writes(self) -> int:
        return sum(self.sandbox.count(m, "*") for m in ("POST", "PUT"))


def write_config(path: Path, url: str, **extra: object) -> Path:
    lines = [f'base_url = "{url}"', "timeout_seconds = 1"]
    lines += [f"{k} = {v!r}".replace("'", '"') for k, v in extra.items()]
    lines.append("[labor_products]")
    lines += [f"{name} = {pid}" for name, pid in DEMO_LABOR_PRODUCTS.items()]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def env(tmp_path, monkeypatch, capsys):
    sb = Sandbox(tickets=40)
    monkeypatch.setenv("SYNCRO_API_KEY", DEFAULT_API_KEY)
    # Verification waits a few seconds for a slow server to finish; not in tests.
    monkeypatch.setitem(Outbox.__init__.__kwdefaults__, "settle_seconds", 0.0)
    with sb.serve("127.0.0.1", 0) as running:
        config = write_config(tmp_path / "config.toml", running.url)
        yield Env(sb, running.url, config, monkeypatch, capsys)
