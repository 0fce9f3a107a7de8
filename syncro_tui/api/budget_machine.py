"""The machine-wide rate budget: one small state file per Syncro account in a shared folder.

Every syncro-tui process of every UNIX user on the machine counts its sends in the same file,
so the jump box as a whole stays inside Syncro's per-IP limit. The file holds only send times
with their lane, the 429 pause deadline and, per live process, a random token with its last
contact and configured budget (the strictest budget of the live processes applies to all). No
key, no user name, no customer data. Its name is a hash of the normalised base URL.

The kernel's rules for shared temp folders shape the file handling. In a sticky,
world-writable folder a user cannot rename over (nor delete) another user's file, and with
``fs.protected_regular`` cannot even open another user's existing file with ``O_CREAT``. So the
file is created once (``O_CREAT | O_EXCL``, mode 0666), opened without ``O_CREAT`` whenever it
exists, and updated in place under ``flock`` on the file itself: ``pwrite`` then ``ftruncate``,
padded with spaces so that a process killed between the two still leaves valid JSON.

Any local user can write the file, so nothing read from it is trusted: a file that is not
ours to open, not a regular file, over ``MAX_FILE`` bytes, not JSON of the expected shape, or
that claims a pause beyond ``MAX_PAUSE`` or sends in the future raises
:class:`BudgetUnavailable`; the limiter then warns once and falls back to a private budget at a
safe share (and its own per-process window still caps what this process sends). The lock is
taken without blocking, retried for at most ``LOCK_PATIENCE``: a process that holds it forever
cannot freeze the others.

With ``shared=False`` the same code keeps a per-user file (folder 0700, file 0600): the
``scope = "user"`` budget.
"""

from __future__ import annotations

import errno
import fcntl
import hashlib
import json
import logging
import math
import os
import secrets
import stat
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from syncro_tui.api.ratelimit import (
    MAX_PAUSE,
    MAX_PER_MINUTE,
    WINDOW,
    BudgetUnavailable,
    Priority,
    TierSnapshot,
    _wait,
    lane_limit,
)

MAX_FILE = 64 * 1024
"""A state file larger than this is refused (a legitimate one stays under ~8 KB)."""

MAX_ENTRIES = 1000
"""Most sends or processes a state file may list."""

SKEW = 5.0
"""Seconds a time may lie ahead of our clock before the file counts as hostile."""

PROC_TTL = 90.0
"""A process not heard of for this long no longer counts as sharing."""

HEARTBEAT = 15.0
"""How often a process that only reads the state refreshes its own entry."""

LOCK_PATIENCE = 0.25
"""Longest wait for the lock (normally held for microseconds) before giving up on the file."""

SHARED_DIR_NAME = "syncro-tui-budget"

log = logging.getLogger(__name__)


def default_shared_dir() -> Path:
    """``<system temp dir>/syncro-tui-budget`` (honours TMPDIR)."""
    return Path(tempfile.gettempdir()) / SHARED_DIR_NAME


def account_key(base_url: str) -> str:
    """A stable, opaque name for one Syncro account: a hash of the normalised base URL.

    ``https://ACME.syncromsp.com:443/api/v1/`` and ``https://acme.syncromsp.com/api/v1`` (what
    ``subdomain = "acme"`` means) give the same key.
    """
    parts = urlsplit(str(base_url).strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    if port is not None and (scheme, port) not in (("https", 443), ("http", 80)):
        host = f"{host}:{port}"
    path = parts.path.rstrip("/") or ""
    normal = f"{scheme}://{host}{path}"
    return hashlib.sha256(normal.encode()).hexdigest()[:32]


def state_file(shared_dir: Path, base_url: str) -> Path:
    return Path(shared_dir) / f"{account_key(base_url)}.json"


def _prepare_shared_dir(folder: Path) -> None:
    """Create the shared folder (sticky, world-writable) or check the one that exists."""
    try:
        os.mkdir(folder, 0o1777)
        os.chmod(folder, 0o1777)  # mkdir's mode passes through the umask
    except FileExistsError:
        pass
    except OSError as exc:
        raise BudgetUnavailable(
            f"cannot create the shared folder {folder}: {exc.strerror}"
        ) from None
    try:
        st = os.lstat(folder)
    except OSError as exc:
        raise BudgetUnavailable(f"cannot use the shared folder {folder}: {exc.strerror}") from None
    if not stat.S_ISDIR(st.st_mode):
        raise BudgetUnavailable(f"{folder} is not a folder")
    mode = stat.S_IMODE(st.st_mode)
    if mode & stat.S_IWOTH and not mode & stat.S_ISVTX:
        raise BudgetUnavailable(
            f"{folder} is world-writable without the sticky bit (anyone could replace the "
            "state); remove it or chmod 1777 it"
        )


class MachineWindow:
    """A shared window in one state file; see the module docstring."""

    def __init__(
        self,
        path: Path,
        *,
        shared: bool = True,
        wall_clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self.shared = shared
        self.scope = "machine" if shared else "user"
        self._wall = wall_clock
        self._fd = -1
        self._token = secrets.token_hex(4)
        self._budget = MAX_PER_MINUTE
        self._heard = -math.inf  # when our entry was last written
        self._bad_since: float | None = None  # when the file was first found unusable

    # -- the file ------------------------------------------------------------------------------

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:  # pragma: no cover - best effort
        try:
            self.close()
        except Exception:
            pass

    def _open(self) -> int:
        folder = self.path.parent
        if self.shared:
            _prepare_shared_dir(folder)
        else:
            try:
                folder.mkdir(parents=True, exist_ok=True, mode=0o700)
            except OSError as exc:
                raise BudgetUnavailable(f"cannot create {folder}: {exc.strerror}") from None
        flags = os.O_RDWR | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        for _ in range(3):
            try:
                fd = os.open(self.path, flags)  # never O_CREAT on an existing file
            except FileNotFoundError:
                try:
                    fd = os.open(self.path, flags | os.O_CREAT | os.O_EXCL, 0o600)
                except OSError as exc:
                    if exc.errno in (errno.EEXIST, errno.EACCES):
                        continue  # someone else created it meanwhile: open theirs
                    raise BudgetUnavailable(f"cannot create {self.path}: {exc.strerror}") from None
                os.fchmod(fd, 0o666 if self.shared else 0o600)
            except OSError as exc:
                if exc.errno == errno.ELOOP:
                    raise BudgetUnavailable(f"{self.path} is a symbolic link") from None
                raise BudgetUnavailable(f"cannot open {self.path}: {exc.strerror}") from None
            st = os.fstat(fd)
            if not stat.S_ISREG(st.st_mode):
                os.close(fd)
                raise BudgetUnavailable(f"{self.path} is not a regular file")
            return fd
        raise BudgetUnavailable(f"cannot open {self.path}")

    def _fresh_fd(self) -> int:
        """The open state file, reopened if it was removed or replaced since."""
        if self._fd >= 0:
            try:
                same = os.stat(self.path, follow_symlinks=False).st_ino == os.fstat(self._fd).st_ino
            except OSError:
                same = False
            if not same:
                self.close()
        if self._fd < 0:
            self._fd = self._open()
        return self._fd

    def _locked(self, change: Callable[[dict[str, Any], float], tuple[Any, bool]]) -> Any:
        """Run ``change(state, now)`` under the lock; write the state back if it says so."""
        fd = self._fresh_fd()
        deadline = time.monotonic() + LOCK_PATIENCE
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise BudgetUnavailable(
                        f"{self.path} stays locked by another process"
                    ) from None
                time.sleep(0.002)
        try:
            now = self._wall()
            raw = b""
            try:
                size = os.fstat(fd).st_size
                if size > MAX_FILE:
                    raise BudgetUnavailable(f"{self.path} is oversized ({size} bytes)")
                raw = os.pread(fd, MAX_FILE + 1, 0)
                state = _parse(raw, now)
                self._bad_since = None
            except BudgetUnavailable:
                # Ignored for one window (every process reading it fell back to a private
                # budget meanwhile, so no send is forgotten), then set right in place.
                if self._bad_since is None or now - self._bad_since < WINDOW:
                    self._bad_since = self._bad_since if self._bad_since is not None else now
                    raise
                log.warning("resetting the unusable shared rate-budget state %s", self.path)
                state = _parse(b"", now)
                self._bad_since = None
                self._heard = -math.inf  # write it back below
            result, write = change(state, now)
            if write or now - self._heard >= HEARTBEAT:
                _prune(state, now)
                state["procs"][self._token] = [now, self._budget]
                self._heard = now
                self._write(fd, state)
            return result
        finally:
            fcntl.flock(fd, fcntl.LOCK_UN)

    def _write(self, fd: int, state: dict[str, Any]) -> None:
        data = json.dumps(state, separators=(",", ":")).encode()
        old_size = os.fstat(fd).st_size
        # Padded to the old length first: killed before the truncate, the file is still JSON.
        padded = data + b" " * max(0, min(old_size, MAX_FILE) - len(data))
        os.pwrite(fd, padded, 0)
        if old_size > len(data):
            os.ftruncate(fd, len(data))

    # -- SharedWindow --------------------------------------------------------------------------

    async def take(
        self, lane: Priority, budget: int, share: float, *, ignore_pause: bool = False
    ) -> float | None:
        self._budget = budget

        def change(state: dict[str, Any], now: float) -> tuple[float | None, bool]:
            _prune(state, now)
            paused = state["paused_until"]
            if paused > now and not ignore_pause:
                return _wait(paused - now), False
            limit = lane_limit(_effective(state, now, budget), lane, share)
            sends = state["sends"]
            if len(sends) < limit:
                sends.append([now, int(lane)])
                return None, True
            times = sorted(t for t, _ in sends)
            return _wait(times[len(times) - limit] + WINDOW - now), False

        return self._locked(change)

    def pause(self, seconds: float) -> None:
        seconds = min(seconds, MAX_PAUSE)

        def change(state: dict[str, Any], now: float) -> tuple[None, bool]:
            state["paused_until"] = max(state["paused_until"], now + seconds)
            return None, True

        self._locked(change)

    async def absorb(self, ages: Sequence[float]) -> None:
        def change(state: dict[str, Any], now: float) -> tuple[None, bool]:
            state["sends"].extend([now - a, int(Priority.USER)] for a in ages if 0 <= a < WINDOW)
            del state["sends"][:-MAX_PER_MINUTE]
            return None, bool(ages)

        self._locked(change)

    def snapshot(self) -> TierSnapshot:
        def change(state: dict[str, Any], now: float) -> tuple[TierSnapshot, bool]:
            _prune(state, now)
            live = {t for t, (seen, _) in state["procs"].items() if seen > now - PROC_TTL}
            live.add(self._token)
            return (
                TierSnapshot(
                    spent=len(state["sends"]),
                    paused_for=max(0.0, state["paused_until"] - now),
                    processes=len(live),
                    budget=_effective(state, now, self._budget),
                ),
                False,
            )

        return self._locked(change)


# -- the state, validated --------------------------------------------------------------------


def _number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse(raw: bytes, now: float) -> dict[str, Any]:
    """The state in ``raw``; BudgetUnavailable when it is not one we could have written."""
    if not raw.strip():
        return {"v": 1, "sends": [], "paused_until": 0.0, "procs": {}}
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise BudgetUnavailable("the shared state file is corrupt (not JSON)") from None
    if not isinstance(data, dict) or data.get("v") != 1:
        raise BudgetUnavailable("the shared state file is not in the expected format")
    sends, paused, procs = data.get("sends"), data.get("paused_until"), data.get("procs")
    if not isinstance(sends, list) or len(sends) > MAX_ENTRIES:
        raise BudgetUnavailable("the shared state file holds a bad list of sends")
    for entry in sends:
        if not (
            isinstance(entry, list)
            and len(entry) == 2
            and _number(entry[0])
            and entry[1] in (0, 1, 2)
            and not isinstance(entry[1], bool)
        ):
            raise BudgetUnavailable("the shared state file holds a bad send")
        if entry[0] > now + SKEW:
            raise BudgetUnavailable("the shared state file holds sends in the future")
    if not _number(paused):
        raise BudgetUnavailable("the shared state file holds a bad pause")
    paused = float(paused)  # type: ignore[arg-type]  # checked just above
    if paused > now + MAX_PAUSE + SKEW:
        raise BudgetUnavailable(f"the shared state file claims a pause beyond {MAX_PAUSE:g} s")
    if not isinstance(procs, dict) or len(procs) > MAX_ENTRIES:
        raise BudgetUnavailable("the shared state file holds a bad list of processes")
    for token, entry in procs.items():
        if not (
            isinstance(token, str)
            and len(token) <= 32
            and isinstance(entry, list)
            and len(entry) == 2
            and _number(entry[0])
            and isinstance(entry[1], int)
            and not isinstance(entry[1], bool)
            and 1 <= entry[1] <= MAX_PER_MINUTE
        ):
            raise BudgetUnavailable("the shared state file holds a bad process entry")
    return {
        "v": 1,
        "sends": [[min(float(t), now), lane] for t, lane in sends],
        "paused_until": paused,
        "procs": {t: [float(s), b] for t, (s, b) in procs.items()},
    }


def _prune(state: dict[str, Any], now: float) -> None:
    state["sends"] = [s for s in state["sends"] if s[0] > now - WINDOW]
    state["procs"] = {t: e for t, e in state["procs"].items() if e[0] > now - PROC_TTL}
    if state["paused_until"] <= now:
        state["paused_until"] = 0.0


def _effective(state: dict[str, Any], now: float, own: int) -> int:
    """The strictest budget among the live processes (and ours)."""
    budgets = [b for seen, b in state["procs"].values() if seen > now - PROC_TTL]
    return min([own, *budgets])
