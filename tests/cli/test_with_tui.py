"""The TUI and a command at once: one journal, one rate budget, nothing corrupted."""

from __future__ import annotations

import asyncio
import json
import os
import sys

from syncro_tui.core import writes as W


async def _cli(*argv: str) -> tuple[int, str, str]:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "syncro_tui",
        *argv,
        stdin=asyncio.subprocess.DEVNULL,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
        env=dict(os.environ),
    )
    out, err = await proc.communicate()
    return proc.returncode, out.decode(), err.decode()


async def test_tui_and_a_command_share_the_journal_and_the_budget(env):
    from syncro_tui.cli.common import settings_from
    from syncro_tui.core.backend import RealBackend
    from syncro_tui.core.connect import make_limiter
    from syncro_tui.launch import build_app

    settings = settings_from(
        type("Args", (), {"config": str(env.config), "demo": False})()
    ).with_overrides(poll_seconds=3600)
    t = env.open_ticket()
    app = build_app(settings, demo=False, backend=RealBackend(), cache=False)
    async with app.run_test(size=(100, 30)) as pilot:
        for _ in range(300):
            await pilot.pause(0.05)
            if app.session is not None and app.store.tickets:
                break
        assert app.session is not None and app.store.tickets
        ui_write = app.session.submit(W.comment(t.id, "Update", "from the TUI"))
        cli_write = _cli(
            "comment", str(t.number), "--body", "from a script", "--yes", "--config",
            str(env.config),
        )  # fmt: skip
        outcome, (code, _, err) = await asyncio.gather(ui_write, cli_write)
        assert outcome.applied and code == 0, err
        # the TUI's own outbox sees the command's write in the same journal
        labels = {e.intent.payload["body"]: e.state for e in app.session.outbox.entries()}
        assert labels == {"from the TUI": "confirmed", "from a script": "confirmed"}
        # and a repeat of the TUI's write from the command line is refused
        code, _, err = await _cli(
            "comment", str(t.number), "--body", "from the TUI", "--yes", "--config",
            str(env.config),
        )  # fmt: skip
        assert code == 7, err
    code, out, err = await _cli("writes", "--json", "--config", str(env.config))
    assert code == 0, err
    assert sorted(e["payload"]["body"] for e in json.loads(out)) == [
        "from a script",
        "from the TUI",
    ]
    assert [c.body for c in t.comments].count("from the TUI") == 1
    assert [c.body for c in t.comments].count("from a script") == 1
    # one budget: every request either process made is counted in the shared window
    spent = make_limiter(settings).spent_last_minute()
    assert spent >= len(env.sandbox.requests)
