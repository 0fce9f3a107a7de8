"""File logging that never records the API key.

Every record passes through :class:`RedactingFilter`, which masks ``api_key=...`` query values,
``Authorization`` header values and any secret registered with :func:`register_secret`
(the key in use), whatever logger produced the record (ours, httpx, httpcore).
"""

from __future__ import annotations

import logging
from logging.handlers import RotatingFileHandler
from pathlib import Path

from syncro_tui import paths
from syncro_tui.api.redact import KeyRedactingFilter, redact_text

_SECRETS: set[str] = set()


def register_secret(value: str) -> None:
    """Mask this exact value in every log record from now on."""
    if value and len(value) >= 4:
        _SECRETS.add(value)


def redact(text: str) -> str:
    """The key-free form of ``text`` (the client's own redaction rules, plus the registered key)."""
    return redact_text(text, _SECRETS)


class RedactingFilter(KeyRedactingFilter):
    """The client's redacting filter, masking the registered secrets as well."""

    def __init__(self) -> None:
        super().__init__(_SECRETS)


class PrivateRotatingFileHandler(RotatingFileHandler):
    """A rotating log whose files are readable only by the owner (0600), rotated ones too."""

    def _open(self):
        return paths.open_private(Path(self.baseFilename), self.mode, encoding=self.encoding)


def log_file() -> Path:
    return paths.log_dir() / "syncro-tui.log"


def setup_logging(level: str = "INFO") -> Path:
    """Log to the platform log folder. Returns the file path."""
    path = log_file()
    paths.ensure(path.parent)
    handler = PrivateRotatingFileHandler(path, maxBytes=2_000_000, backupCount=3, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactingFilter())
    root = logging.getLogger()
    for old in list(root.handlers):
        if getattr(old, "_syncro_tui", False):
            root.removeHandler(old)
            old.close()
    handler._syncro_tui = True  # type: ignore[attr-defined]
    root.addHandler(handler)
    root.setLevel(getattr(logging, level.upper(), logging.INFO))
    # httpx logs full URLs at INFO; ours are enough (and redacted at source).
    for noisy in ("httpx", "httpcore"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return path
