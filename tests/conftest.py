"""Shared fixtures: every test runs in its own home folder with an in-memory keyring.

Two layers keep the real home untouched: for the whole session HOME, every XDG folder and the
Windows/macOS equivalents point into a temporary folder (so even code that ignores
``SYNCRO_TUI_HOME``, a subprocess, or a library such as keyring writes there), and each test
gets its own ``SYNCRO_TUI_HOME`` on top.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.support.keyring import MemoryKeyring

# Taken before anything is redirected: tests/test_home_isolation.py proves it stays untouched.
REAL_HOME = Path(os.path.expanduser("~")).resolve()

PLATFORM_VARS = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_RUNTIME_DIR": "run",
    "XDG_CONFIG_DIRS": "etc/xdg",
    "XDG_DATA_DIRS": "usr/share",
    "APPDATA": "home/AppData/Roaming",
    "LOCALAPPDATA": "home/AppData/Local",
    "USERPROFILE": "home",
}


@pytest.fixture(scope="session", autouse=True)
def session_home(tmp_path_factory):
    """Point HOME and every platform folder at a temporary tree for the whole session."""
    root = tmp_path_factory.mktemp("session-home")
    with pytest.MonkeyPatch.context() as mp:
        for name, sub in PLATFORM_VARS.items():
            folder = root / sub
            folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            mp.setenv(name, str(folder))
        # No real keyring, even in subprocesses (tests install an in-memory one in-process).
        mp.setenv("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")
        yield root


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never touch the real home: all syncro-tui folders live under tmp_path/home."""
    home = tmp_path / "home"
    monkeypatch.setenv("SYNCRO_TUI_HOME", str(home))
    monkeypatch.delenv("SYNCRO_API_KEY", raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("SYNCRO_TUI_") and name != "SYNCRO_TUI_HOME":
            monkeypatch.delenv(name, raising=False)
    # The machine-wide rate budget lives under the system temp dir: one per test as well.
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    monkeypatch.setenv("TMPDIR", str(tmp))
    monkeypatch.setattr("tempfile.tempdir", str(tmp))
    monkeypatch.setenv("NO_COLOR", "")
    monkeypatch.delenv("NO_COLOR", raising=False)
    return home


@pytest.fixture(autouse=True)
def memory_keyring():
    import keyring

    previous = keyring.get_keyring()
    ring = MemoryKeyring()
    keyring.set_keyring(ring)
    yield ring
    keyring.set_keyring(previous)


@pytest.fixture(autouse=True)
def restored_logging():
    """Logging is process-wide: what a test (or the app it starts) sets up is undone after it,
    so no later test in the same worker meets another test's handlers or levels. (Filters stay:
    the client installs its key-redacting filters once per process, and they only remove.)"""
    import logging

    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    named = {
        name: (logger.level, logger.disabled, logger.propagate)
        for name, logger in logging.root.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    yield
    for handler in list(root.handlers):
        if handler not in handlers:
            root.removeHandler(handler)
            handler.close()
    root.setLevel(level)
    for name, logger in logging.root.manager.loggerDict.items():
        if not isinstance(logger, logging.Logger):
            continue
        if name in named:
            logger.level, logger.disabled, logger.propagate = named[name]
        else:
            logger.setLevel(logging.NOTSET)
            logger.disabled = False
