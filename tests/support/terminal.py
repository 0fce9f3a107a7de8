"""Run the real `syncro-tui` entry point in a subprocess: plainly, in a pseudo-terminal, or
with its output on a pipe nobody reads. Linux/macOS (pty)."""

from __future__ import annotations

import os
import select
import subprocess
import sys
import time
from dataclasses import dataclass

COMMAND = [sys.executable, "-m", "syncro_tui"]


@dataclass
class Ran:
    code: int
    out: str
    err: str


def run(args, *, env=None, stdin: str | None = "", timeout: float = 60) -> Ran:
    done = subprocess.run(
        [*COMMAND, *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
    )
    return Ran(done.returncode, done.stdout, done.stderr)


def run_closed_pipe(args, *, env=None, timeout: float = 60) -> Ran:
    """stdout is a pipe whose reader has already gone (`| head -1` after the first line)."""
    read, write = os.pipe()
    os.close(read)
    try:
        done = subprocess.run(
            [*COMMAND, *args],
            stdout=write,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
            env=env,
            timeout=timeout,
        )
    finally:
        os.close(write)
    return Ran(done.returncode, "", done.stderr)


def run_in_pty(
    args,
    *,
    env=None,
    keys: bytes = b"",
    wait: float = 0.0,
    timeout: float = 30,
    script=(),
    ready: str | None = None,
):
    """Run with a 100x30 pseudo-terminal as stdin/stdout/stderr; send ``keys`` after
    ``wait`` seconds (or each ``(seconds, bytes)`` of ``script`` in turn, at that many seconds
    after start; with ``ready``, after that text first appears on the terminal).
    Returns (exit code, everything written to the terminal)."""
    import fcntl
    import pty
    import struct
    import termios

    pid, fd = pty.fork()
    if pid == 0:  # pragma: no cover (the child)
        if env is not None:
            os.environ.clear()
            os.environ.update(env)
        os.execv(COMMAND[0], [*COMMAND, *args])
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 30, 100, 0, 0))
    output = b""
    start = time.monotonic()
    pending = list(script) or ([(wait, keys)] if keys else [])
    since = None if ready else start
    try:
        while time.monotonic() - start < timeout:
            if since is None and ready in _visible(output.decode("utf-8", "replace")):
                since = time.monotonic()
            while pending and since is not None and time.monotonic() - since >= pending[0][0]:
                os.write(fd, pending.pop(0)[1])
            readable, _, _ = select.select([fd], [], [], 0.05)
            if readable:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:
                    break
                if not chunk:
                    break
                output += chunk
    finally:
        status = _reap(pid)
        os.close(fd)
    return os.waitstatus_to_exitcode(status), output.decode("utf-8", "replace")


def _visible(text: str) -> str:
    import re

    return re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)", "", text)


def _reap(pid: int, grace: float = 5.0) -> int:
    """The child's wait status; killed when it has not ended within ``grace`` seconds."""
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return status
        time.sleep(0.05)
    os.kill(pid, 9)
    return os.waitpid(pid, 0)[1]
