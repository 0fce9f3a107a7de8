from __future__ import annotations

import os
import stat

import keyring
import keyring.backends.fail

from syncro_tui import secrets
from syncro_tui.secrets import SecretKey


def test_secret_key_never_prints_itself():
    key = SecretKey("super-secret-value-123")
    old_style = "%s" % key  # noqa: UP031 (the old % form must not reveal it either)
    for text in (str(key), repr(key), f"{key}", old_style, str([key]), repr({"k": key})):
        assert "super-secret" not in text
    assert key.reveal() == "super-secret-value-123"


def test_env_beats_keyring(monkeypatch, memory_keyring):
    memory_keyring.set_password("syncro-tui", "acme", "from-keyring")
    assert secrets.find_key("acme").source == "keyring"
    monkeypatch.setenv("SYNCRO_API_KEY", "from-env")
    found = secrets.find_key("acme")
    assert found.source == "environment" and found.key.reveal() == "from-env"


def test_store_and_delete_in_keyring(memory_keyring):
    where, warning = secrets.store_key("acme", SecretKey("k1"))
    assert where == "keyring" and warning is None
    assert memory_keyring.data[("syncro-tui", "acme")] == "k1"
    assert secrets.find_key("other") is None  # one entry per account
    assert secrets.delete_key("acme") == ["keyring"]
    assert secrets.find_key("acme") is None


def test_no_keyring_backend_falls_back_to_private_file():
    keyring.set_keyring(keyring.backends.fail.Keyring())
    assert secrets.find_key("acme") is None
    where, warning = secrets.store_key("acme", SecretKey("file-key"))
    assert where == "credentials file"
    assert "0600" in warning
    path = secrets.credentials_file()
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    found = secrets.find_key("acme")
    assert found.source == "credentials file" and found.key.reveal() == "file-key"
    assert found.warning and "No OS keyring" in found.warning
    assert secrets.delete_key("acme") == ["credentials file"]
    assert secrets.find_key("acme") is None


def test_credentials_file_lives_under_isolated_home(isolated_home):
    assert str(secrets.credentials_file()).startswith(str(isolated_home))
