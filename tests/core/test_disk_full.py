"""A full disk never costs a draft or the timer: a save that fails leaves the previous file
whole (and no temp file behind), and the error reaches the caller.

Two ways: a fault-injecting wrapper that fails each step of the atomic write in turn (every
platform), and a real small tmpfs filled to the last byte (Linux, as root; skipped otherwise).
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

from syncro_tui import paths
from syncro_tui.core.drafts import Drafts
from syncro_tui.core.timers import TimerStore

ENOSPC = OSError(errno.ENOSPC, "No space left on device")


def _fail(*_a, **_k):
    raise OSError(errno.ENOSPC, "No space left on device")


class FullDiskFile:
    """A file object whose writes fail as on a full disk."""

    def __init__(self, real):
        self.real = real

    def write(self, data):
        _fail()

    def __getattr__(self, name):
        return getattr(self.real, name)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.real.close()


STEPS = ["mkstemp", "write", "fsync", "chmod", "replace"]


def inject(monkeypatch, step: str) -> None:
    if step == "mkstemp":
        monkeypatch.setattr(tempfile, "mkstemp", _fail)
    elif step == "write":
        real_fdopen = os.fdopen
        monkeypatch.setattr(paths.os, "fdopen", lambda *a, **k: FullDiskFile(real_fdopen(*a, **k)))
    elif step == "fsync":
        monkeypatch.setattr(paths.os, "fsync", _fail)
    elif step == "chmod":
        monkeypatch.setattr(paths.os, "chmod", _fail)
    elif step == "replace":
        monkeypatch.setattr(paths.os, "replace", _fail)


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


@pytest.mark.parametrize("step", STEPS)
def test_a_draft_save_that_fails_keeps_the_previous_draft(tmp_path, monkeypatch, step):
    drafts = Drafts(tmp_path / "drafts")
    drafts.save("comment", 7, {"body": "what I typed first"})
    inject(monkeypatch, step)
    with pytest.raises(OSError) as caught:
        drafts.save("comment", 7, {"body": "what I typed first, and more"})
    assert caught.value.errno == errno.ENOSPC
    monkeypatch.undo()
    assert drafts.load("comment", 7) == {"body": "what I typed first"}
    assert leftovers(tmp_path / "drafts") == []


@pytest.mark.parametrize("step", STEPS)
def test_a_timer_change_that_fails_keeps_the_running_timer(tmp_path, monkeypatch, step):
    store = TimerStore(tmp_path / "timer-acme.json")
    running = store.start(7, "1001")
    inject(monkeypatch, step)
    with pytest.raises(OSError):
        store.stop()
    monkeypatch.undo()
    assert store.current() == running and store.unposted() == []
    assert leftovers(tmp_path) == []


@pytest.fixture
def tiny_disk(tmp_path):
    """A real 128 KiB tmpfs: needs Linux and root (mount)."""
    if not hasattr(os, "geteuid") or os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root on Linux; the wrapper tests cover the rest")
    mnt = tmp_path / "tiny"
    mnt.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=128k,mode=0700", "tmpfs", str(mnt)],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mnt
    finally:
        subprocess.run(["umount", "-l", str(mnt)], check=False)


def fill(folder: Path) -> None:
    fd = os.open(folder / "filler", os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        while True:
            os.write(fd, b"x" * 1024)
    except OSError as exc:
        assert exc.errno == errno.ENOSPC
    finally:
        os.close(fd)


def test_on_a_really_full_disk_drafts_and_the_timer_survive(tiny_disk):
    drafts = Drafts(tiny_disk / "drafts")
    drafts.save("comment", 7, {"body": "what I typed first"})
    store = TimerStore(tiny_disk / "timer-acme.json")
    running = store.start(7, "1001")
    fill(tiny_disk)

    with pytest.raises(OSError):
        drafts.save("comment", 7, {"body": "a long reply " * 2000})
    with pytest.raises(OSError):
        store.stop()
    assert drafts.load("comment", 7) == {"body": "what I typed first"}
    assert store.current() == running
    assert leftovers(tiny_disk / "drafts") == [] and leftovers(tiny_disk) == []

    (tiny_disk / "filler").unlink()  # space freed: saving works again
    drafts.save("comment", 7, {"body": "a long reply " * 2000})
    assert drafts.load("comment", 7) == {"body": "a long reply " * 2000}
    assert store.stop().ticket_id == 7
