"""The test suite never writes outside its temporary homes."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import PLATFORM_VARS, REAL_HOME

APP_FOLDERS = (
    ".config/syncro-tui",
    ".local/share/syncro-tui",
    ".cache/syncro-tui",
    ".local/state/syncro-tui",
)


def _listing(home: Path) -> dict[str, tuple[int, int]]:
    found = {}
    for sub in APP_FOLDERS:
        top = home / sub
        if top.exists():
            for dirpath, _dirs, files in os.walk(top):
                for name in files:
                    st = os.stat(Path(dirpath) / name)
                    found[str(Path(dirpath, name))] = (st.st_size, st.st_mtime_ns)
    return found


def test_every_platform_folder_points_into_the_session_home(session_home):
    import platformdirs

    assert Path.home().resolve() != REAL_HOME
    for name in PLATFORM_VARS:
        assert Path(os.environ[name]).resolve().is_relative_to(session_home.resolve())
    for kind in ("config", "data", "cache", "state", "log", "runtime"):
        folder = Path(getattr(platformdirs, f"user_{kind}_path")("syncro-tui", appauthor=False))
        assert folder.resolve().is_relative_to(session_home.resolve()), (kind, folder)


def test_a_login_without_syncro_tui_home_writes_only_into_the_temporary_home(
    session_home, monkeypatch
):
    """The case that once wrote credentials.json into the real $HOME: a subprocess, with no
    SYNCRO_TUI_HOME and no usable keyring, logging in against the loopback sandbox."""
    from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox

    before = _listing(REAL_HOME)
    monkeypatch.delenv("SYNCRO_TUI_HOME", raising=False)
    with Sandbox(tickets=5).serve("127.0.0.1", 0) as running:
        out = subprocess.run(
            [sys.executable, "-m", "syncro_tui", "--base-url", running.url, "login"],
            input=DEFAULT_API_KEY + "\n",
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert out.returncode == 0, out.stderr
    assert "credentials file" in out.stdout
    stored = list(Path(os.environ["HOME"]).rglob("credentials.json"))
    assert stored and all(p.resolve().is_relative_to(session_home.resolve()) for p in stored)
    for p in stored:
        p.unlink()
    assert _listing(REAL_HOME) == before
