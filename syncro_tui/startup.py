"""What every command does first, and the faults it turns into one clear line.

* Our own folders and files left readable by other users (earlier versions made them 0755 and
  0644) are made private, and that is said once (the next start finds nothing to do).
* The log file is set up; a folder that cannot be written (a read-only home, a full disk)
  costs the log, never the command, and is named with what to do.
* Before the TUI: a terminal is required (not a pipe, not TERM=dumb), and without a key or an
  account it ends before the screen opens, saying what to run.
* A data folder that cannot be written makes the TUI read-only (no writes without a journal).

Stdlib only: this runs before the first paint.
"""

from __future__ import annotations

import errno
import logging
import os
import sys
from pathlib import Path

from syncro_tui import logsetup, paths

log = logging.getLogger(__name__)

HOME_HINT = (
    "make it writable, or point syncro-tui at a folder you can write: "
    "export SYNCRO_TUI_HOME=/path/to/folder (config, data, cache and log then live there)"
)


def why(exc: OSError) -> str:
    if exc.errno == errno.EROFS:
        return "read-only file system"
    if exc.errno == errno.ENOSPC:
        return "no space left on the disk"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "permission denied"
    if exc.errno == errno.EDQUOT:
        return "disk quota exceeded"
    return exc.strerror or type(exc).__name__


def folder_problem(folder: Path, exc: OSError) -> str:
    """ "Cannot write to FOLDER (read-only file system): make it writable, or ..." """
    hint = "free some disk space" if exc.errno in (errno.ENOSPC, errno.EDQUOT) else HOME_HINT
    return f"Cannot write to {folder} ({why(exc)}): {hint}."


def _blocked_at(folder: Path) -> Path:
    """The folder to name: the deepest one that exists (where creating failed)."""
    probe = Path(folder)
    while not probe.exists() and probe.parent != probe:
        probe = probe.parent
    return probe


def probe_writable(folder: Path) -> OSError | None:
    """None when files can be created in ``folder`` (made if missing), else the error."""
    try:
        paths.ensure(folder)
        fd, name = __import__("tempfile").mkstemp(prefix=".probe-", dir=folder)
        os.close(fd)
        os.unlink(name)
    except OSError as exc:
        return exc
    return None


def tighten_notice(changed: list[Path]) -> str | None:
    if not changed:
        return None
    shown = ", ".join(str(p) for p in changed[:3])
    more = f" and {len(changed) - 3} more" if len(changed) > 3 else ""
    return (
        f"Made {len(changed)} of syncro-tui's own files and folders private (0600/0700; "
        f"earlier versions left them readable by other users): {shown}{more}."
    )


def ssl_problem(env=None, *, remember: bool = False) -> str | None:
    """A bad SSL_CERT_FILE / SSL_CERT_DIR, in one line (httpx would fail on every request).

    ``remember``: a CA file found good is not read again while it stays the same file
    (``_ca_stamp``): reading a system bundle (~140 certificates) cost 50-60 ms of CPU on
    every start of the TUI, before its first paint."""
    import ssl

    env = os.environ if env is None else env
    cafile = env.get("SSL_CERT_FILE") or None
    capath = env.get("SSL_CERT_DIR") or None
    if not cafile and not capath:
        return None
    name = f"SSL_CERT_FILE={cafile}" if cafile else f"SSL_CERT_DIR={capath}"
    if cafile and not os.path.isfile(cafile):
        reason = "no such file"
    elif capath and not cafile and not os.path.isdir(capath):
        reason = "no such folder"
    else:
        stamp = _ca_stamp(cafile, capath) if remember else None
        if stamp is not None and _read_stamp() == stamp:
            return None
        try:
            ssl.create_default_context(cafile=cafile, capath=capath)
        except (ssl.SSLError, OSError) as exc:
            reason = (
                f"no certificates could be read from it ({getattr(exc, 'reason', None) or exc})"
            )
        else:
            if stamp is not None:
                _write_stamp(stamp)
            return None
    return (
        f"{name}: {reason}. Point it at a PEM file of CA certificates, or unset it to use "
        "the built-in ones."
    )


def _ca_stamp(cafile: str | None, capath: str | None) -> str | None:
    """What identifies the CA file and folder as they are now: their paths and, of what the
    paths lead to, device, inode, size and change times (a file rewritten, replaced or
    re-pointed by a symbolic link gives another stamp)."""
    parts: list[list[object] | None] = []
    for path in (cafile, capath):
        if not path:
            parts.append(None)
            continue
        try:
            st = os.stat(path)
        except OSError:
            return None
        parts.append(
            [
                os.path.abspath(path),
                st.st_dev,
                st.st_ino,
                st.st_size,
                st.st_mtime_ns,
                st.st_ctime_ns,
            ]
        )
    return _json_text(parts)


def _json_text(parts: list[list[object] | None]) -> str:
    """``json.dumps(parts)`` (the stamp's format since it was written) without importing json
    before the TUI's first paint, for paths of printable ASCII without quotes or
    backslashes (the rest go through json)."""
    items = []
    for part in parts:
        if part is None:
            items.append("null")
            continue
        path, *numbers = part
        text = str(path)
        if not (text.isascii() and text.isprintable()) or '"' in text or "\\" in text:
            import json

            return json.dumps(parts)
        items.append("[" + ", ".join([f'"{text}"', *map(str, numbers)]) + "]")
    return "[" + ", ".join(items) + "]"


def _stamp_file() -> Path:
    return paths.cache_dir() / "ca-checked.json"


def _read_stamp() -> str | None:
    try:
        return _stamp_file().read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None


def _write_stamp(stamp: str) -> None:
    try:
        paths.write_private(_stamp_file(), stamp)
    except OSError:
        pass  # checked again at the next start


def begin(level: str = "INFO", *, say=None, network: bool = True) -> list[str]:
    """Tighten our folders, set up the log file. Returns what to tell the user (also given to
    ``say``, by default printed on stderr); never raises for a folder it cannot write.

    With ``network``, a bad SSL_CERT_FILE ends the command here (ConfigError, one line)."""
    if say is None:
        say = _stderr
    if network:
        problem = ssl_problem(remember=True)
        if problem:
            from syncro_tui.config import ConfigError

            raise ConfigError(problem)
    notices: list[str] = []
    try:
        notice = tighten_notice(paths.tighten())
    except OSError:
        notice = None
    if notice:
        notices.append(notice)
    try:
        logsetup.setup_logging(level)
    except OSError as exc:
        # No log file: keep records off the terminal (Python's last-resort handler would
        # print warnings over the TUI).
        logging.getLogger().addHandler(logging.NullHandler())
        folder = _blocked_at(logsetup.log_file().parent)
        notices.append(f"Not writing a log file. {folder_problem(folder, exc)}")
    for text in notices:
        say(text)
    if notice:
        log.warning("%s", notice)
    return notices


def read_only_reason() -> str:
    """Empty when the data folder (write journal, drafts, timer) can be written; else why not."""
    folder = paths.data_dir()
    exc = probe_writable(folder)
    if exc is None:
        return ""
    return (
        f"Read-only: nothing can be sent, because the write journal cannot be saved. "
        f"{folder_problem(_blocked_at(folder), exc)}"
    )


def _stderr(text: str) -> None:
    try:
        print(f"syncro-tui: {text}", file=sys.stderr)
    except (OSError, ValueError):
        pass


def terminal_problem(stdin=None, stdout=None, env=None) -> str | None:
    """Why the TUI cannot run here, or None."""
    stdin = sys.stdin if stdin is None else stdin
    stdout = sys.stdout if stdout is None else stdout
    env = os.environ if env is None else env

    def tty(stream) -> bool:
        try:
            return stream is not None and stream.isatty()
        except (AttributeError, ValueError, OSError):
            return False

    if env.get("TEXTUAL_DRIVER"):  # `textual serve` and friends: a web driver, no terminal
        return None
    missing = [name for name, s in (("input", stdin), ("output", stdout)) if not tty(s)]
    if missing:
        return (
            f"The TUI needs a terminal, and its {' and '.join(missing)} "
            f"{'is' if len(missing) == 1 else 'are'} not one (a pipe, a file or /dev/null). "
            "Run it in a terminal; for scripts use the commands (syncro-tui --help)."
        )
    if env.get("TERM", "").strip().lower() == "dumb":
        return (
            "TERM=dumb: this terminal cannot draw a full-screen app. Run it in a terminal "
            "that can (e.g. TERM=xterm-256color; add --plain for ASCII only), or use the "
            "commands (syncro-tui --help)."
        )
    return None
