"""Shared fixtures: every test runs in its own home folder with an in-memory keyring."""

from __future__ import annotations

import pytest

from tests.support.keyring import MemoryKeyring


@pytest.fixture(autouse=True)
def isolated_home(tmp_path, monkeypatch):
    """Never touch the real home: all syncro-tui folders live under tmp_path/home."""
    home = tmp_path / "home"
    monkeypatch.setenv("SYNCRO_TUI_HOME", str(home))
    monkeypatch.delenv("SYNCRO_API_KEY", raising=False)
    for name in list(__import__("os").environ):
        if name.startswith("SYNCRO_TUI_") and name != "SYNCRO_TUI_HOME":
            monkeypatch.delenv(name, raising=False)
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
