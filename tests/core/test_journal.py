"""The write journal on a full disk, a read-only file and after an earlier set-aside.

A full disk is not corruption: the journal stays where it is, no write is sent while it
cannot be saved, reading goes on, and once space is back its unsettled writes are verified.
Faults come from a wrapper around the SQLite connection everywhere; as root, a real tiny
tmpfs is filled up too.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import uuid
from pathlib import Path

import pytest

from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.journal import is_corrupt, passes_quick_check
from tests.core.test_outbox import comments_with, make_env

FULL = "database or disk is full"
READ_ONLY = "attempt to write a readonly database"
IO_ERROR = "disk I/O error"


class Faults:
    """What the wrapped connections fail with (None: nothing)."""

    def __init__(self) -> None:
        self.error: str | None = None

    def connect(self, *args, **kwargs):
        return FaultyConnection(sqlite3.connect(*args, **kwargs), self)


class FaultyConnection:
    """An sqlite3 connection whose writes fail like a full disk (reads still work)."""

    def __init__(self, conn: sqlite3.Connection, faults: Faults) -> None:
        self._conn = conn
        self._faults = faults

    @property
    def row_factory(self):
        return self._conn.row_factory

    @row_factory.setter
    def row_factory(self, value) -> None:
        self._conn.row_factory = value

    def _check(self, sql: str) -> None:
        reading = sql.lstrip().upper().startswith(("SELECT", "PRAGMA QUICK_CHECK"))
        if self._faults.error and not reading:
            raise sqlite3.OperationalError(self._faults.error)

    def execute(self, sql: str, params=()):
        self._check(sql)
        return self._conn.execute(sql, params)

    def executescript(self, script: str):
        self._check(script)
        return self._conn.executescript(script)

    def close(self) -> None:
        self._conn.close()


def new_outbox(env, faults: Faults | None = None) -> O.Outbox:
    return O.Outbox(
        env.db,
        env.new_client(),
        drafts=env.drafts,
        settle_seconds=0.0,
        sleep=env.fake.sleep,
        connect=faults.connect if faults else sqlite3.connect,
    )


def journal_files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


@pytest.mark.parametrize("error", [FULL, READ_ONLY, IO_ERROR])
async def test_no_write_is_sent_while_the_journal_cannot_be_saved_and_reading_goes_on(
    tmp_path, error
):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        faults = Faults()
        outbox = new_outbox(env, faults)
        first = await outbox.submit(W.comment(ticket.id, "Update", "before the disk filled"))
        assert first.state == O.CONFIRMED

        faults.error = error
        intent = W.comment(ticket.id, "Update", "while full")
        with pytest.raises(O.JournalUnavailable, match="free disk space in") as raised:
            await outbox.submit(intent)
        assert str(env.db.parent) in str(raised.value)
        assert outbox.writes_blocked.startswith("The write journal cannot be saved")
        assert comments_with(ticket, "while full") == 0  # nothing was sent
        assert [e.id for e in outbox.entries()] == [first.entry_id]  # reading goes on
        with pytest.raises(O.JournalUnavailable):  # still full: still refused
            await outbox.submit(intent)

        faults.error = None  # space freed: the same write goes, once
        outcome = await outbox.submit(intent)
        assert outcome.state == O.CONFIRMED
        assert not outbox.writes_blocked
        assert comments_with(ticket, "while full") == 1
        outbox.close()


async def test_a_journal_that_fails_between_journaling_and_sending_sends_nothing(tmp_path):
    """The entry got in, then the disk filled before `sent` could be recorded: nothing went
    out, and once space is back the entry is marked failed, not left blocking its twin."""
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        faults = Faults()
        outbox = new_outbox(env, faults)
        intent = W.comment(ticket.id, "Update", "half journaled")
        original = outbox._journal.update

        def fill_then_update(entry_id, **values):
            faults.error = FULL
            return original(entry_id, **values)

        outbox._journal.update = fill_then_update  # type: ignore[method-assign]
        with pytest.raises(O.JournalUnavailable):
            await outbox.submit(intent)
        assert env.sandbox.count("POST", "/tickets/*/comment") == 0
        outbox._journal.update = original  # type: ignore[method-assign]
        faults.error = None
        outcome = await outbox.submit(intent)
        assert outcome.state == O.CONFIRMED
        states = [e.state for e in outbox.entries()]
        assert states == [O.CONFIRMED, O.FAILED]
        assert comments_with(ticket, "half journaled") == 1
        outbox.close()


async def test_a_full_disk_at_start_keeps_the_journal_and_verifies_it_once_freed(tmp_path):
    """Issue 15: a full disk used to move the journal aside as "corrupt" and forget an
    unverified comment. Now the file stays, writes are refused, and after the disk is
    freed the comment is verified (found: never sent twice)."""
    faults_spec = "POST /tickets/*/comment=drop_after*1;GET *=error_before:500"
    async with make_env(tmp_path, faults_spec) as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "unverified"))
        assert outcome.state == O.UNKNOWN
        env.outbox.close()
        before = journal_files(env.db.parent)

        full = Faults()
        full.error = FULL
        blocked = new_outbox(env, full)
        assert "cannot be saved" in blocked.notice and "moved" not in blocked.notice
        assert journal_files(env.db.parent) == before  # nothing moved aside
        assert not any(".corrupt-" in name for name in before)
        with pytest.raises(O.JournalUnavailable):
            await blocked.submit(W.comment(ticket.id, "Update", "another"))
        blocked.close()

        env.sandbox.faults.clear()
        freed = new_outbox(env)
        assert freed.notice == ""
        outcomes = await freed.recover()
        assert [o.state for o in outcomes] == [O.LANDED]
        assert comments_with(ticket, "unverified") == 1
        env.outbox = freed


async def test_a_journal_set_aside_earlier_is_brought_back_and_verified(tmp_path):
    """A journal an earlier version moved aside as corrupt (it was only a full disk)."""
    faults_spec = "POST /tickets/*/comment=drop_after*1;GET *=error_before:500"
    async with make_env(tmp_path, faults_spec) as env:
        ticket = env.open_ticket()
        outcome = await env.outbox.submit(W.comment(ticket.id, "Update", "set aside"))
        assert outcome.state == O.UNKNOWN
        env.outbox.close()
        aside = env.db.with_name(f"{env.db.name}.corrupt-20261201-101500")
        for suffix in ("", "-wal", "-shm"):
            if Path(f"{env.db}{suffix}").exists():
                os.replace(f"{env.db}{suffix}", f"{aside}{suffix}")
        assert passes_quick_check(aside)

        env.sandbox.faults.clear()
        restarted = new_outbox(env)
        assert "brought back" in restarted.notice
        assert [e.state for e in restarted.entries()] == [O.UNKNOWN]
        outcomes = await restarted.recover()
        assert [o.state for o in outcomes] == [O.LANDED]
        assert comments_with(ticket, "set aside") == 1
        assert not aside.exists()
        assert any(".absorbed-" in name for name in journal_files(env.db.parent))
        restarted.close()

        again = new_outbox(env)  # an absorbed journal is not brought back twice
        assert again.notice == ""
        assert len(again.entries()) == 1
        env.outbox = again


def test_only_sqlite_saying_so_makes_a_journal_corrupt():
    assert is_corrupt(sqlite3.DatabaseError("file is not a database"))
    assert is_corrupt(sqlite3.DatabaseError("database disk image is malformed"))
    for words in (FULL, READ_ONLY, IO_ERROR, "unable to open database file", "database is locked"):
        assert not is_corrupt(sqlite3.OperationalError(words))
    assert not is_corrupt(OSError(28, "No space left on device"))


def _mount_tmpfs(folder: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    folder.mkdir(parents=True, exist_ok=True)
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size},mode=0700", "tmpfs", str(folder)],
        capture_output=True,
    )
    return done.returncode == 0


@pytest.fixture
def tiny_disk(tmp_path):
    folder = tmp_path / f"tiny-{uuid.uuid4().hex[:6]}"
    if not _mount_tmpfs(folder, "1m"):
        pytest.skip("needs root and a kernel that lets this test mount a 1 MB tmpfs")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], capture_output=True)


async def test_a_real_full_filesystem_refuses_writes_and_recovers(tmp_path, tiny_disk):
    async with make_env(tmp_path) as env:
        ticket = env.open_ticket()
        env.db = tiny_disk / "outbox.db"
        outbox = new_outbox(env)
        assert (await outbox.submit(W.comment(ticket.id, "Update", "fits"))).state == O.CONFIRMED
        filler = tiny_disk / "filler"
        with open(filler, "wb") as fh:
            try:
                while True:
                    fh.write(b"x" * 65536)
                    fh.flush()
            except OSError:
                pass
        big = W.comment(ticket.id, "Update", "does not fit " + "y" * 200_000)
        with pytest.raises(O.JournalUnavailable, match="free disk space in"):
            await outbox.submit(big)
        assert comments_with(ticket, big.payload["body"]) == 0
        assert len(outbox.entries()) >= 1  # reading goes on
        filler.unlink()
        assert (await outbox.submit(big)).state == O.CONFIRMED
        assert comments_with(ticket, big.payload["body"]) == 1
        outbox.close()
