"""The API key: where it comes from, where it is kept, and how it never leaks.

Lookup order: ``SYNCRO_API_KEY`` in the environment, then the OS keyring (service
``syncro-tui``, one entry per account), then a credentials file with mode 0600 in the config
folder for machines without a keyring backend (headless jump boxes, CI).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from syncro_tui import paths

SERVICE = "syncro-tui"
ENV_VAR = "SYNCRO_API_KEY"


class SecretKey:
    """An API key that does not print itself."""

    __slots__ = ("_value",)

    def __init__(self, value: str) -> None:
        self._value = value.strip()

    def reveal(self) -> str:
        return self._value

    def __repr__(self) -> str:
        return "SecretKey('****')"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __bool__(self) -> bool:
        return bool(self._value)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, SecretKey) and other._value == self._value

    def __hash__(self) -> int:
        return hash(("SecretKey", self._value))

    def __reduce__(self):  # never pickled with its value
        raise TypeError("SecretKey cannot be pickled")


@dataclass(frozen=True)
class FoundKey:
    key: SecretKey
    source: str  # "environment", "keyring", "credentials file"
    warning: str | None = None


def credentials_file() -> Path:
    return paths.config_dir() / "credentials.json"


def _keyring():
    import keyring
    import keyring.errors

    return keyring, keyring.errors


def _keyring_usable() -> bool:
    try:
        keyring, _ = _keyring()
        backend = keyring.get_keyring()
    except Exception:
        return False
    name = type(backend).__module__ + "." + type(backend).__name__
    if name.startswith("keyring.backends.fail") or name.startswith("keyring.backends.null"):
        return False
    try:
        return float(getattr(backend, "priority", 1)) > 0
    except Exception:  # some backends raise from priority when unusable
        return False


def _read_file() -> dict[str, str]:
    import json  # here: a key from the environment or the keyring needs no json

    path = credentials_file()
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return {str(k): str(v) for k, v in data.items()} if isinstance(data, dict) else {}


def _write_file(data: dict[str, str]) -> Path:
    import json

    return paths.write_private(credentials_file(), json.dumps(data, indent=2))


FILE_WARNING = (
    "No OS keyring is available on this machine; the API key is kept in {path} "
    "(readable only by you, mode 0600)."
)


def backend_name() -> str:
    """Which keyring backend holds keys here, in words (for doctor)."""
    if not _keyring_usable():
        return f"no OS keyring; keys go to {credentials_file()} (mode 0600)"
    keyring, _ = _keyring()
    backend = keyring.get_keyring()
    return f"OS keyring ({type(backend).__module__}.{type(backend).__name__})"


def find_key(account: str) -> FoundKey | None:
    """Return the key for ``account`` and where it came from, or None."""
    env = os.environ.get(ENV_VAR, "").strip()
    if env:
        return FoundKey(SecretKey(env), "environment")
    if _keyring_usable():
        keyring, errors = _keyring()
        try:
            value = keyring.get_password(SERVICE, account)
        except errors.KeyringError:
            value = None
        if value:
            return FoundKey(SecretKey(value), "keyring")
    value = _read_file().get(account)
    if value:
        path = credentials_file()
        return FoundKey(SecretKey(value), "credentials file", FILE_WARNING.format(path=path))
    return None


def store_key(account: str, key: SecretKey) -> tuple[str, str | None]:
    """Store the key. Returns (where, warning)."""
    if _keyring_usable():
        keyring, errors = _keyring()
        try:
            keyring.set_password(SERVICE, account, key.reveal())
            return "keyring", None
        except errors.KeyringError:
            pass
    data = _read_file()
    data[account] = key.reveal()
    path = _write_file(data)
    return "credentials file", FILE_WARNING.format(path=path)


def delete_key(account: str) -> list[str]:
    """Remove the stored key everywhere we keep it. Returns where it was removed from."""
    removed: list[str] = []
    if _keyring_usable():
        keyring, errors = _keyring()
        try:
            if keyring.get_password(SERVICE, account) is not None:
                keyring.delete_password(SERVICE, account)
                removed.append("keyring")
        except errors.KeyringError:
            pass
    data = _read_file()
    if account in data:
        del data[account]
        _write_file(data)
        removed.append("credentials file")
    return removed
