"""Crashes and restarts: a write in flight when the app died is verified on start-up
(never sent twice), one that never left is offered for resend, recovery comes before any
new send, and real processes killed with SIGKILL lose neither a draft nor a write."""

from __future__ import annotations

import asyncio
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from decimal import Decimal

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.drafts import Drafts
from syncro_tui.sandbox import DEFAULT_API_KEY
from tests.core.test_outbox import comments_with, make_env


class Killed(BaseException):
    """Stands for the process dying: nothing in the outbox may catch it."""


class DyingClient:
    """The real client, except that the process "dies" around one call."""

    def __init__(self, client, method: str, *, after_send: bool) -> None:
        self._client, self._method, self._after = client, method, after_send

    def __getattr__(self, name):
        real = getattr(self._client, name)
        if name != self._method:
            return real

        async def dying(*args, **kwargs):
            if self._after:
                await real(*args, **kwargs)  # Syncro applies it...
            raise Killed  # ...and the reply never reaches a living process

        return dying


async def test_killed_after_sending_is_verified_on_restart_and_not_duplicated(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        env.drafts.save("comment", ticket.id, {"body": "sent just before the crash"})
        dying = O.Outbox(
            env.db,
            DyingClient(env.client, "add_comment", after_send=True),
            drafts=env.drafts,
            settle_seconds=0.0,
        )
        with pytest.raises(Killed):
            await dying.submit(
                W.comment(ticket.id, "Update", "sent just before the crash"),
                draft=env.drafts.link("comment", ticket.id),
            )
        assert [e.state for e in dying.entries()] == [O.SENT]

        restarted = env.new_outbox()
        [outcome] = await restarted.recover()
        assert outcome.state == O.LANDED
        assert comments_with(ticket, "sent just before the crash") == 1
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1
        # The draft is deleted only now that the comment is known to be in Syncro.
        assert env.drafts.load("comment", ticket.id) is None
        assert await restarted.recover() == []  # settled: nothing left to check
        restarted.close()


async def test_a_pending_write_that_never_left_is_found_absent_and_offered_for_resend(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        intent = W.line_item(
            ticket.id,
            product_id=5001,
            product_name="Labor - Remote Business",
            description="never left",
            hours=Decimal("0.25"),
        )
        # Dies while reading the ticket before sending: the entry is still pending.
        dying = O.Outbox(
            env.db, DyingClient(env.client, "get_ticket", after_send=False), settle_seconds=0.0
        )
        with pytest.raises(Killed):
            await dying.submit(intent)
        assert [e.state for e in dying.entries()] == [O.PENDING]

        restarted = env.new_outbox()
        [outcome] = await restarted.recover()
        assert outcome.state == O.ABSENT and outcome.may_resend
        assert env.sandbox.count("POST", "/tickets/*/add_line_item") == 0
        resent = await restarted.resend(outcome.entry_id)
        assert resent.state == O.CONFIRMED
        assert sum(li.description == "never left" for li in ticket.line_items) == 1
        restarted.close()


async def test_recovery_comes_before_the_next_send(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        dying = O.Outbox(
            env.db, DyingClient(env.client, "add_comment", after_send=True), settle_seconds=0.0
        )
        with pytest.raises(Killed):
            await dying.submit(W.comment(ticket.id, "Update", "before the crash"))

        restarted = env.new_outbox()
        await restarted.submit(
            W.comment(ticket.id, "Update", "after the restart")
        )  # no recover() call
        order = [(r.method, r.path) for r in env.sandbox.requests]
        check = order.index(("GET", f"/tickets/{ticket.id}/comments"))
        posts = [i for i, r in enumerate(order) if r == ("POST", f"/tickets/{ticket.id}/comment")]
        assert posts[0] < check < posts[1]
        assert [e.state for e in restarted.entries()] == [O.CONFIRMED, O.LANDED]
        restarted.close()


async def test_writes_of_another_running_process_are_left_to_it(tmp_path):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        dying = O.Outbox(
            env.db, DyingClient(env.client, "add_comment", after_send=False), settle_seconds=0.0
        )
        with pytest.raises(Killed):
            await dying.submit(W.comment(ticket.id, "Update", "other window"))
        with sqlite3.connect(env.db) as conn:  # as if a second, live syncro-tui sent it
            conn.execute("UPDATE entries SET owner_pid = ?", (os.getppid(),))

        restarted = env.new_outbox()
        assert await restarted.recover() == []
        assert [e.state for e in restarted.entries()] == [O.SENT]
        restarted.close()


# --------------------------------------------------------------------------- real processes


def _wait_for_line(proc: subprocess.Popen, timeout: float = 20.0) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if line:
            return line.strip()
        if proc.poll() is not None:
            raise AssertionError(f"child exited early: {proc.stderr.read()}")
    raise AssertionError("child said nothing")


def test_a_draft_survives_sigkill_mid_typing(tmp_path):
    folder = tmp_path / "drafts"
    child = textwrap.dedent(f"""
        import sys
        from pathlib import Path
        from syncro_tui.core.drafts import Drafts
        drafts = Drafts(Path({str(folder)!r}))
        n = 0
        while True:  # a technician typing fast: a save per keystroke, each one bigger
            n += 1
            drafts.save("comment", 7, {{"subject": "Update", "body": f"{{n}}:" + "é" * (20000 + n)}})
            if n == 20:
                print("typing", flush=True)
    """)

    def assert_whole(draft) -> int:
        """One complete version, never a torn or empty one; returns its number."""
        assert draft is not None and draft["subject"] == "Update"
        n, _, body = draft["body"].partition(":")
        assert body == "é" * (20000 + int(n))
        return int(n)

    proc = subprocess.Popen(
        [sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert _wait_for_line(proc) == "typing"
        # The modal reopening while the other process still types sees whole drafts only.
        seen = {assert_whole(Drafts(folder).load("comment", 7)) for _ in range(200)}
        assert len(seen) > 1  # it really was being rewritten meanwhile
        proc.send_signal(signal.SIGKILL)
        proc.wait(10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert proc.returncode == -signal.SIGKILL
    assert assert_whole(Drafts(folder).load("comment", 7)) >= max(seen)


async def test_a_process_killed_before_the_reply_does_not_duplicate_after_restart(tmp_path):
    async with make_env(tmp_path, "POST /tickets/*/comment=timeout_after:30*1") as env:
        ticket = env.open_ticket()
        server = env.sandbox.serve()
        child = textwrap.dedent(f"""
            import asyncio
            from pathlib import Path
            from syncro_tui.api.client import SyncroClient
            from syncro_tui.core import outbox, writes
            async def main():
                client = SyncroClient({server.url!r}, {DEFAULT_API_KEY!r}, timeout=60)
                box = outbox.Outbox(Path({str(env.db)!r}), client)
                await box.submit(writes.comment({ticket.id}, "Update", "killed waiting"))
            asyncio.run(main())
        """)
        proc = subprocess.Popen(
            [sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )
        try:
            deadline = time.monotonic() + 20
            while env.sandbox.count("POST", "/tickets/*/comment") == 0:  # applied, reply held
                assert proc.poll() is None, proc.stderr.read()
                assert time.monotonic() < deadline, "the child never sent"
                await asyncio.sleep(0.05)
            proc.send_signal(signal.SIGKILL)
            proc.wait(10)
        finally:
            if proc.poll() is None:
                proc.kill()
            server.close()
        assert comments_with(ticket, "killed waiting") == 1

        restarted = env.new_outbox()
        [outcome] = await restarted.recover()
        assert outcome.state == O.LANDED, outcome.message
        with pytest.raises(O.DuplicateWrite):
            await restarted.submit(W.comment(ticket.id, "Update", "killed waiting"))
        assert comments_with(ticket, "killed waiting") == 1
        assert env.sandbox.count("POST", "/tickets/*/comment") == 1
        restarted.close()
