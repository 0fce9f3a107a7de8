"""Where syncro-tui keeps its files.

Platform folders come from platformdirs. ``SYNCRO_TUI_HOME`` roots every folder under one
directory instead (used by the tests and handy for a portable install on a jump box).
"""

from __future__ import annotations

import os
from pathlib import Path

APP_NAME = "syncro-tui"


def _home() -> Path | None:
    root = os.environ.get("SYNCRO_TUI_HOME")
    return Path(root).expanduser() if root else None


def _platform(kind: str) -> Path:
    import platformdirs

    func = getattr(platformdirs, f"user_{kind}_path")
    return Path(func(APP_NAME, appauthor=False))


def _dir(kind: str) -> Path:
    home = _home()
    return home / kind if home else _platform(kind)


def config_dir() -> Path:
    return _dir("config")


def data_dir() -> Path:
    return _dir("data")


def cache_dir() -> Path:
    return _dir("cache")


def log_dir() -> Path:
    return _dir("log")


def runtime_dir() -> Path:
    """Per-user runtime folder (shared rate budget). Falls back to the cache dir."""
    home = _home()
    if home:
        return home / "runtime"
    xdg = os.environ.get("XDG_RUNTIME_DIR")
    if xdg and os.path.isdir(xdg):
        return Path(xdg) / APP_NAME
    return cache_dir() / "runtime"


def default_config_file() -> Path:
    return config_dir() / "config.toml"


def ensure(path: Path, mode: int = 0o700) -> Path:
    path.mkdir(parents=True, exist_ok=True, mode=mode)
    return path
