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


PRIVATE_DIR = 0o700
PRIVATE_FILE = 0o600


def ensure(path: Path, mode: int = PRIVATE_DIR) -> Path:
    """Make ``path`` and any missing parents, each created private (0700 whatever the umask).

    Folders that already exist are left as they are (a parent such as the home folder is not
    ours to change); :func:`tighten` fixes our own folders at start.
    """
    path = Path(path)
    missing: list[Path] = []
    probe = path
    while not probe.exists():
        missing.append(probe)
        if probe.parent == probe:
            break
        probe = probe.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=mode)
        except FileExistsError:
            continue
        os.chmod(folder, mode)
    if not path.is_dir():
        raise NotADirectoryError(f"{path} is not a folder")
    return path


def private_dir(path: Path) -> Path:
    """The folder ``path``, created 0700 (with its missing parents) when it does not exist."""
    return ensure(Path(path))


def write_private(path: Path, data: str | bytes, *, encoding: str = "utf-8") -> Path:
    """Replace ``path`` with ``data``, readable only by the owner (0600), atomically.

    Written to a private temp file beside it, flushed to disk, then renamed over the old file:
    when the write fails (a full disk) the old file is still there, whole, and the error is
    raised. Missing parent folders are created 0700.
    """
    import tempfile

    path = Path(path)
    ensure(path.parent)
    payload = data.encode(encoding) if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, PRIVATE_FILE)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)
    return path


def open_private(path: Path, mode: str = "a", *, encoding: str | None = "utf-8"):
    """Open ``path`` for writing or appending, creating it 0600 (and its folders 0700).

    An existing file is made 0600 too (earlier versions wrote 0644)."""
    path = Path(path)
    ensure(path.parent)
    flags = os.O_WRONLY | os.O_CREAT | (os.O_APPEND if "a" in mode else os.O_TRUNC)
    fd = os.open(path, flags, PRIVATE_FILE)
    try:
        os.fchmod(fd, PRIVATE_FILE)
    except OSError:
        pass
    if "b" in mode:
        return os.fdopen(fd, mode)
    return os.fdopen(fd, mode, encoding=encoding)


def fsync_dir(folder: Path) -> None:
    """Make a rename or unlink durable (the folder entry is what changed)."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def app_dirs() -> list[Path]:
    """Every folder the app owns (not the session-log folder: that one is the user's choice)."""
    seen: list[Path] = []
    for folder in (config_dir(), data_dir(), cache_dir(), log_dir(), runtime_dir()):
        if folder not in seen:
            seen.append(folder)
    return seen


def tighten(folders: list[Path] | None = None) -> list[Path]:
    """Make our own existing folders 0700 and files 0600 (earlier versions made them 0755 and
    0644). Returns what was changed. Symbolic links and other users' files are left alone;
    errors are skipped (a read-only folder is reported elsewhere)."""
    changed: list[Path] = []
    uid = os.getuid() if hasattr(os, "getuid") else None

    def fix(path: Path, want: int) -> None:
        try:
            st = os.lstat(path)
        except OSError:
            return
        import stat as _stat

        if _stat.S_ISLNK(st.st_mode) or (uid is not None and st.st_uid != uid):
            return
        if _stat.S_IMODE(st.st_mode) & 0o077:
            try:
                os.chmod(path, _stat.S_IMODE(st.st_mode) & ~0o077 | want)
            except OSError:
                return
            changed.append(path)

    for root in folders if folders is not None else app_dirs():
        if not root.is_dir() or root.is_symlink():
            continue
        fix(root, PRIVATE_DIR)
        for dirpath, dirnames, filenames in os.walk(root):
            for name in dirnames:
                fix(Path(dirpath) / name, PRIVATE_DIR)
            for name in filenames:
                fix(Path(dirpath) / name, PRIVATE_FILE)
    return changed
