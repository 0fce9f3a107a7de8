"""Nothing the app writes is readable by other users: files 0600, folders 0700 (one test per
kind of file), and folders and files left 0755/0644 by earlier versions are tightened at start.

Every test runs under umask 022, the usual default that made the old files world-readable.
"""

from __future__ import annotations

import logging
import os
import stat
from datetime import datetime
from pathlib import Path
from types import SimpleNamespace

import pytest

from syncro_tui import logsetup, paths, secrets


@pytest.fixture(autouse=True)
def loose_umask():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def assert_private_tree(path: Path, top: Path) -> None:
    """``path`` is 0600 and every folder from ``top`` down to it is 0700."""
    assert mode(path) == 0o600, path
    folder = path.parent
    while True:
        assert mode(folder) == 0o700, folder
        if folder == top:
            break
        folder = folder.parent


def test_private_helpers_create_0600_files_in_0700_folders(tmp_path):
    target = tmp_path / "a" / "b" / "c.txt"
    paths.write_private(target, "secret")
    assert target.read_text() == "secret"
    assert_private_tree(target, tmp_path / "a")
    appended = tmp_path / "x" / "y.log"
    with paths.open_private(appended) as fh:
        fh.write("line\n")
    assert_private_tree(appended, tmp_path / "x")
    existing = tmp_path / "old.txt"
    existing.write_text("old")
    existing.chmod(0o644)
    paths.write_private(existing, "new")
    assert mode(existing) == 0o600 and existing.read_text() == "new"
    assert (
        mode(tmp_path / "a" / "b") == 0o700 and paths.private_dir(tmp_path / "p") == tmp_path / "p"
    )
    assert mode(tmp_path / "p") == 0o700


def test_log_file_and_its_rotations(isolated_home):
    path = logsetup.setup_logging("INFO")
    root = logging.getLogger()
    handler = next(h for h in root.handlers if getattr(h, "_syncro_tui", False))
    try:
        logging.getLogger("syncro_tui.test").warning("hello")
        handler.flush()
        assert_private_tree(path, isolated_home)
        handler.doRollover()
        logging.getLogger("syncro_tui.test").warning("after rotation")
        handler.flush()
        assert mode(path) == 0o600 and mode(Path(str(path) + ".1")) == 0o600
    finally:
        root.removeHandler(handler)
        handler.close()


def test_an_old_world_readable_log_file_is_made_private_when_opened(isolated_home):
    path = logsetup.log_file()
    path.parent.mkdir(parents=True)
    path.write_text("old lines\n")
    path.chmod(0o644)
    logsetup.setup_logging("INFO")
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "_syncro_tui", False)]:
        root.removeHandler(handler)
        handler.close()
    assert mode(path) == 0o600


def test_session_log_files_and_folders(tmp_path):
    from syncro_tui.core.sessionlog import write_log

    detail = SimpleNamespace(
        number="1001",
        subject="Printer",
        customer=None,
        customer_name="Acme Co",
        contact_name="Ann",
        status="Resolved",
        assignee="Bob",
        comments=[],
    )
    folder = tmp_path / "sessions"
    path = write_log(folder, detail, "fixed", datetime(2026, 12, 1, 10, 0))
    assert "Printer" in path.read_text()
    assert_private_tree(path, folder)


def test_key_file(isolated_home, monkeypatch):
    monkeypatch.setattr(secrets, "_keyring_usable", lambda: False)
    secrets.store_key("acme", secrets.SecretKey("k" * 20))
    assert_private_tree(secrets.credentials_file(), isolated_home)


def test_ticket_cache(isolated_home):
    from syncro_tui.core.cache import TicketCache, cache_path

    path = cache_path("acme")
    with TicketCache(path) as cache:
        cache.put_blob("x", 1)
        for extra in (Path(str(path) + "-wal"), Path(str(path) + "-shm")):
            if extra.exists():
                assert mode(extra) == 0o600, extra
    assert_private_tree(path, isolated_home)


async def test_write_journal(tmp_path):
    from tests.core.test_outbox import make_env

    async with make_env(tmp_path / "j") as env:
        from syncro_tui.core import writes as W

        await env.outbox.submit(W.comment(env.open_ticket().id, "Update", "hi", "public"))
        for extra in env.db.parent.iterdir():
            assert mode(extra) == 0o600, extra
        assert_private_tree(env.db, env.db.parent)


def test_drafts(tmp_path):
    from syncro_tui.core.drafts import Drafts

    drafts = Drafts(tmp_path / "data" / "drafts" / "acme")
    drafts.save("comment", 7, {"body": "typed"})
    [path] = list((tmp_path / "data" / "drafts" / "acme").iterdir())
    assert_private_tree(path, tmp_path / "data")


def test_timer_file(tmp_path):
    from syncro_tui.core.timers import TimerStore

    store = TimerStore(tmp_path / "data" / "timer-acme.json")
    store.start(7, "1001")
    assert_private_tree(store.path, tmp_path / "data")


def test_existing_loose_folders_and_files_are_tightened_once(isolated_home):
    data = paths.data_dir()
    (data / "drafts" / "acme").mkdir(parents=True, mode=0o755)
    for folder in (data, data / "drafts", data / "drafts" / "acme"):
        folder.chmod(0o755)
    draft = data / "drafts" / "acme" / "comment-7.json"
    draft.write_text("{}")
    draft.chmod(0o644)
    log = paths.log_dir()
    log.mkdir(parents=True)
    log.chmod(0o755)
    (log / "syncro-tui.log").write_text("x")
    (log / "syncro-tui.log").chmod(0o644)
    outside = isolated_home.parent / "not-ours.txt"
    outside.write_text("x")
    outside.chmod(0o644)
    (data / "link").symlink_to(outside)

    changed = paths.tighten()
    assert set(changed) == {
        data,
        data / "drafts",
        data / "drafts" / "acme",
        draft,
        log,
        log / "syncro-tui.log",
    }
    assert mode(draft) == 0o600 and mode(data / "drafts") == 0o700 and mode(log) == 0o700
    assert mode(outside) == 0o644  # a link out of our folders is not followed
    assert paths.tighten() == []  # said once: nothing left to do the second time
