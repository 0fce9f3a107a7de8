"""Black-box timing of a terminal app: a pseudo-terminal of fixed size plus a pyte screen.

The harness plays the terminal. It forks the command into a pty (default 120x40), feeds every
byte the app writes to a pyte screen (a VT100/xterm emulator in pure Python), answers the few
queries Textual and friends send (DSR cursor position, device attributes, window/cell size,
default colours) and measures what a user would see:

* time to a marker: seconds from fork() until the screen shows a text, matches a regular
  expression or satisfies a predicate over the screen lines;
* settle time: the last change before the screen stayed quiet for a while;
* peak RSS of the process tree (root plus descendants), polled through /proc;
* per-key latency: after a quiet screen, send a key, time until the screen changes;
* typing latency: one character at a time, time to the first change and to the last change
  before the screen goes quiet again (e.g. the filtered list has been redrawn);
* exit time after the quit key (ctrl+q), measured on a pidfd.

Every chunk of output is time-stamped when os.read() returns it and all pending output is
drained before any of it is parsed, so the emulator's CPU cost does not inflate the figures
much. It still shares the machine with the app: compare with the bare baselines measured in the
same run (tests/benchmarks/apps/) and quote ratios.

Used by run.py; also a small command line for ad-hoc looks::

    python tests/benchmarks/harness.py --marker HELLO-TTFP-MARKER -- python tests/benchmarks/apps/hello.py
    python tests/benchmarks/harness.py --runs 1 --dump-screen - -- syncro-tui --demo

Linux only (pty, /proc, os.pidfd_open). Needs pyte: ``pip install -e ".[bench]"``.
"""

from __future__ import annotations

import argparse
import codecs
import fcntl
import os
import re
import select
import signal
import statistics
import struct
import sys
import termios
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

try:
    import pyte
except ImportError:  # pragma: no cover - reported by run.py / main()
    pyte = None

now = time.perf_counter

# --------------------------------------------------------------------------------------- keys
KEYS = {
    "up": b"\x1b[A",
    "down": b"\x1b[B",
    "right": b"\x1b[C",
    "left": b"\x1b[D",
    "home": b"\x1b[H",
    "end": b"\x1b[F",
    "pageup": b"\x1b[5~",
    "pagedown": b"\x1b[6~",
    "insert": b"\x1b[2~",
    "delete": b"\x1b[3~",
    "enter": b"\r",
    "return": b"\r",
    "escape": b"\x1b",
    "esc": b"\x1b",
    "tab": b"\t",
    "backspace": b"\x7f",
    "space": b" ",
    "f1": b"\x1bOP",
    "f2": b"\x1bOQ",
    "f3": b"\x1bOR",
    "f4": b"\x1bOS",
    "f5": b"\x1b[15~",
    "f6": b"\x1b[17~",
    "f7": b"\x1b[18~",
    "f8": b"\x1b[19~",
    "f9": b"\x1b[20~",
    "f10": b"\x1b[21~",
    "f11": b"\x1b[23~",
    "f12": b"\x1b[24~",
}


def key_bytes(name: str) -> bytes:
    """Bytes a terminal sends for a key name: down, enter, ctrl+q, f5, 'x', or an escaped literal."""
    low = name.lower()
    if low in KEYS:
        return KEYS[low]
    if low.startswith("ctrl+") and len(low) == 6:
        ch = low[5]
        if "a" <= ch <= "z":
            return bytes([ord(ch) - 96])
        if ch in "[\\]^_":
            return bytes([ord(ch) - 64])
    if len(name) == 1:
        return name.encode()
    return codecs.decode(name, "unicode_escape").encode("latin-1")


# --------------------------------------------------------------------------------------- /proc
def _ppids() -> dict[int, int]:
    table = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        rest = stat[stat.rfind(b")") + 2 :].split()  # the name (field 2) may hold spaces
        table[int(entry)] = int(rest[1])
    return table


def tree_pids(root: int) -> list[int]:
    """root and all its descendants that are alive now."""
    table = _ppids()
    kids: dict[int, list[int]] = {}
    for pid, ppid in table.items():
        kids.setdefault(ppid, []).append(pid)
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        if pid in table:
            out.append(pid)
            todo.extend(kids.get(pid, ()))
    return out


def cpu_seconds(root: int) -> float:
    """CPU time used so far by root and its descendants, every thread (/proc/.../schedstat,
    nanoseconds on a CPU): unlike wall time it barely moves with the machine's load."""
    return cpu_of(tree_pids(root))


def cpu_of(pids: Sequence[int]) -> float:
    """CPU time used so far by these processes, every thread (as ``cpu_seconds``, without the
    /proc scan for descendants: ~0.1 ms instead of ~3)."""
    total = 0
    for pid in pids:
        try:
            tasks = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for tid in tasks:
            try:
                with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as f:
                    total += int(f.read().split()[0])
            except (OSError, ValueError, IndexError):
                continue
    return total / 1e9


def status_kb(pid: int, field_name: bytes) -> int:
    try:
        with open(f"/proc/{pid}/status", "rb") as f:
            for line in f:
                if line.startswith(field_name):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


# --------------------------------------------------------------------------------------- terminal
class _Filter:
    """In front of pyte: swallow DCS/SOS/PM/APC strings and answer CSI 14/16/18 t and OSC 10/11 ?.

    pyte prints the payload of DCS/APC strings (kitty graphics probes, XTGETTCAP) as text; a real
    terminal swallows them. pyte itself answers DSR (cursor position) and DA.
    """

    CELL_W, CELL_H = 8, 16
    QUERY = re.compile(rb"\x1b\[(1[468])t|\x1b\](1[01]);\?(?:\x07|\x1b\\)")

    def __init__(self, cols: int, rows: int, reply: Callable[[bytes], None]) -> None:
        self.cols, self.rows, self.reply = cols, rows, reply
        self.in_string = False
        self.esc_pending = False
        self.tail = b""

    def feed(self, data: bytes) -> bytes:
        if self.esc_pending:
            data = b"\x1b" + data
            self.esc_pending = False
        self._answer(data)
        out = bytearray()
        i, n = 0, len(data)
        while i < n:
            if self.in_string:
                ends = [e for e in (data.find(b"\x1b\\", i), data.find(b"\x07", i)) if e >= 0]
                if not ends:
                    if data.endswith(b"\x1b"):
                        self.esc_pending = True
                    return bytes(out)
                e = min(ends)
                i = e + (2 if data[e] == 0x1B else 1)
                self.in_string = False
                continue
            j = data.find(b"\x1b", i)
            if j < 0:
                out += data[i:]
                break
            out += data[i:j]
            if j + 1 >= n:
                self.esc_pending = True
                break
            if data[j + 1] in b"P_^X":
                self.in_string = True
                i = j + 2
            else:
                out += b"\x1b"
                i = j + 1
        return bytes(out)

    def _answer(self, data: bytes) -> None:
        buf = self.tail + data
        start = len(self.tail)
        for m in self.QUERY.finditer(buf):
            if m.end() <= start:
                continue
            if m.group(1) == b"14":
                self.reply(f"\x1b[4;{self.rows * self.CELL_H};{self.cols * self.CELL_W}t".encode())
            elif m.group(1) == b"16":
                self.reply(f"\x1b[6;{self.CELL_H};{self.CELL_W}t".encode())
            elif m.group(1) == b"18":
                self.reply(f"\x1b[8;{self.rows};{self.cols}t".encode())
            elif m.group(2) == b"10":
                self.reply(b"\x1b]10;rgb:e5e5/e5e5/e5e5\x1b\\")
            elif m.group(2) == b"11":
                self.reply(b"\x1b]11;rgb:0000/0000/0000\x1b\\")
        self.tail = buf[-24:]


if pyte is not None:

    class _Screen(pyte.Screen):
        """pyte screen whose DSR/DA answers go back to the app."""

        def __init__(self, cols: int, rows: int, reply: Callable[[bytes], None]) -> None:
            super().__init__(cols, rows)
            self._reply = reply

        def write_process_input(self, data: str) -> None:
            self._reply(data.encode())

        def set_title(self, param: str) -> None:
            pass

        def set_icon_name(self, param: str) -> None:
            pass


def clean_env(extra: dict[str, str | None] | None = None) -> dict[str, str]:
    """The environment of a measured app: xterm-256color, no COLUMNS/LINES, no multiplexer."""
    env = dict(os.environ)
    for k in (
        "COLUMNS",
        "LINES",
        "TMUX",
        "STY",
        "TERM_PROGRAM",
        "TERM_PROGRAM_VERSION",
        "COLORTERM",
        "NO_COLOR",
        "TEXTUAL",
        "TEXTUAL_DRIVER",
    ):
        env.pop(k, None)
    env["TERM"] = "xterm-256color"
    for k, v in (extra or {}).items():
        if v is None:
            env.pop(k, None)
        else:
            env[k] = v
    return env


Predicate = Callable[[list[str]], bool]


def as_predicate(marker: str | re.Pattern | Predicate) -> Predicate:
    """A substring, a compiled regex or a function over the screen lines."""
    if callable(marker) and not isinstance(marker, re.Pattern):
        return marker
    if isinstance(marker, re.Pattern):
        return lambda lines: any(marker.search(line) for line in lines)
    return lambda lines: any(marker in line for line in lines)


class Term:
    """One running command in a pty, with the screen emulated.

    Every method that waits also pumps: reads output, feeds the emulator, samples RSS.
    """

    def __init__(
        self,
        argv: Sequence[str],
        *,
        cols: int = 120,
        rows: int = 40,
        env: dict[str, str] | None = None,
        cwd: str | None = None,
        rss_poll_ms: float = 20,
        min_cells: int = 1,
    ) -> None:
        if pyte is None:
            raise RuntimeError('the benchmark harness needs pyte: pip install -e ".[bench]"')
        self.argv = list(argv)
        self.cols, self.rows = cols, rows
        self.min_cells = min_cells  # smaller changes (a blinking cursor) do not count
        # (top, bottom, left, right), end-exclusive: only changes inside count (None: the screen)
        self.region: tuple[int, int, int, int] | None = None
        self.tap: Callable[[float, bytes], None] | None = (
            None  # sees every chunk and its arrival time
        )
        self.filter = _Filter(cols, rows, self._reply)
        self.screen = _Screen(cols, rows, self._reply)
        self.stream = pyte.ByteStream(self.screen)
        self._blank = tuple(self.screen.default_char for _ in range(cols))
        self._rows_now: dict[int, tuple] = {}
        self._baseline: dict[int, tuple] = {}
        self._diff: dict[int, int] = {}
        self.last_change: float | None = None
        self.changes: list[float] = []  # arrival time of every counted change
        self.bytes_in = 0
        self.emu_s = 0.0
        self.rss_peak_kb = 0
        self.rss_now_kb = 0
        self.hwm_kb = 0
        self.procs_max = 0
        self._poll_s = rss_poll_ms / 1000.0
        self._next_poll = 0.0
        self._polls = 0
        self._pids: list[int] = []
        self._watch: list[tuple[Predicate, list[float | None]]] = []
        self.watch_cpu: float | None = None  # the app's CPU when the last marker's chunk came
        self.exit_status: int | None = None
        self.t_exit: float | None = None
        self.eof = False
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        env = clean_env() if env is None else env
        self.t0 = now()
        pid = os.fork()
        if pid == 0:  # child
            try:
                os.close(master)
                os.setsid()
                fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
                for fd in (0, 1, 2):
                    os.dup2(slave, fd)
                if slave > 2:
                    os.close(slave)
                if cwd:
                    os.chdir(cwd)
                os.execvpe(self.argv[0], self.argv, env)
            except BaseException as exc:  # noqa: BLE001
                os.write(2, f"harness: exec {self.argv[0]!r} failed: {exc}\r\n".encode())
            os._exit(127)
        os.close(slave)
        self.pid, self.fd = pid, master
        os.set_blocking(master, False)
        self.pidfd = os.pidfd_open(pid)

    # -- terminal side
    def _reply(self, data: bytes) -> None:
        try:
            os.write(self.fd, data)
        except OSError:
            pass

    def send(self, key_or_bytes: str | bytes) -> float:
        data = key_or_bytes if isinstance(key_or_bytes, bytes) else key_bytes(key_or_bytes)
        t = now()
        try:
            os.write(self.fd, data)
        except OSError:
            pass
        return t

    @property
    def lines(self) -> list[str]:
        return self.screen.display

    def dump(self) -> str:
        return "\n".join(line.rstrip() for line in self.lines)

    # -- process side
    def alive(self) -> bool:
        return self.exit_status is None

    def _reap(self) -> None:
        if self.exit_status is None:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                self.exit_status = status
                self.t_exit = now()

    def sample_rss(self, rescan: bool = False) -> None:
        self._polls += 1
        if rescan or self._polls % 10 == 1:  # a /proc scan for new children is the costly part
            self._pids = tree_pids(self.pid)
        total = 0
        for p in self._pids:
            total += status_kb(p, b"VmRSS:")
            self.hwm_kb = max(self.hwm_kb, status_kb(p, b"VmHWM:"))
        self.rss_now_kb = total
        self.rss_peak_kb = max(self.rss_peak_kb, total)
        self.procs_max = max(self.procs_max, len(self._pids))

    # -- pumping
    def pump(self, timeout: float) -> float | None:
        """Wait up to `timeout` s for output, drain and emulate it.

        Returns the arrival time of the first chunk that changed the screen (by at least
        min_cells cells since the last counted change), or None.
        """
        t = now()
        if self.alive() and t >= self._next_poll:
            self.sample_rss()
            self._next_poll = t + self._poll_s
        timeout = max(0.0, min(timeout, self._next_poll - now())) if self.alive() else timeout
        watch = [self.pidfd] if self.alive() else []
        if not self.eof:
            watch.append(self.fd)
        if not watch:
            time.sleep(max(0.0, timeout))
            return None
        ready, _, _ = select.select(watch, [], [], max(0.0, timeout))
        chunks = []
        if self.fd in ready:
            while True:
                try:
                    data = os.read(self.fd, 65536)
                except BlockingIOError:
                    break
                except OSError:  # EIO: the slave side is closed
                    self.eof = True
                    break
                if not data:
                    self.eof = True
                    break
                chunks.append((now(), data))
        # While a marker is awaited, the app's CPU as its output arrived: sampled after wait_for
        # returned, it also counted what the app did while the emulator parsed the frame (a
        # warm start reading the rest of its cache right after the first frame: 0.1-0.2 s)
        cpu_read = cpu_of(self._pids or [self.pid]) if chunks and self._watch else None
        if self.pidfd in ready:
            self._reap()
        first = None
        p0 = now()
        for t_chunk, data in chunks:
            self.bytes_in += len(data)
            if self.tap is not None:
                self.tap(t_chunk, data)
            self.stream.feed(self.filter.feed(data))
            ncells = self._changed_cells()
            if ncells and self._watch:
                lines = self.screen.display
                for pred, slot in self._watch:
                    if slot[0] is None and pred(lines):
                        slot[0] = t_chunk
                        self.watch_cpu = cpu_read
            if ncells >= self.min_cells:
                self._rebase()
                self.last_change = t_chunk
                self.changes.append(t_chunk)
                if first is None:
                    first = t_chunk
        self.emu_s += now() - p0
        return first

    def _changed_cells(self) -> int:
        """Cells (text or attributes) that differ from the screen at the last counted change."""
        screen = self.screen
        cols = range(self.cols)
        top, bottom, left, right = self.region or (0, self.rows, 0, self.cols)
        for row in screen.dirty:
            if row >= self.rows:
                continue
            line = screen.buffer[row]
            snap = tuple(line[x] for x in cols)
            base = self._baseline.get(row, self._blank)
            if base == snap or not top <= row < bottom:
                n = 0
            else:
                n = sum(a != b for a, b in zip(base[left:right], snap[left:right]))
            self._rows_now[row] = snap
            if n:
                self._diff[row] = n
            else:
                self._diff.pop(row, None)
        screen.dirty.clear()
        return sum(self._diff.values())

    def set_region(self, region: tuple[int, int, int, int] | None) -> None:
        """Count only changes inside (top, bottom, left, right), end-exclusive; None: all.

        E.g. the list pane, so a header clock or a detail pane filled later does not count as
        the reply to a key. The current screen becomes the baseline."""
        self.region = region
        cols = range(self.cols)
        self._baseline = {
            row: tuple(self.screen.buffer[row][x] for x in cols) for row in range(self.rows)
        }
        self._rows_now = dict(self._baseline)
        self._diff.clear()

    def column_of(self, char: str, min_share: float = 0.5) -> int | None:
        """The column where `char` appears on most lines (e.g. a pane divider), if on enough."""
        counts: dict[int, int] = {}
        for line in self.lines:
            i = line.find(char)
            if i >= 0:
                counts[i] = counts.get(i, 0) + 1
        if not counts:
            return None
        col, n = max(counts.items(), key=lambda kv: kv[1])
        return col if n >= min_share * self.rows else None

    def _rebase(self) -> None:
        for row in self._diff:
            self._baseline[row] = self._rows_now[row]
        self._diff.clear()

    # -- waiting
    def wait_for(self, marker: str | re.Pattern | Predicate, timeout: float) -> float | None:
        """Absolute time (perf_counter) at which the chunk arrived that made the marker true.

        None on timeout or if the app exited first. Checked on every chunk, so the time is the
        arrival of the exact chunk that completed the marker.
        """
        pred = as_predicate(marker)
        self.watch_cpu = None
        if pred(self.lines):
            return now()
        slot: list[float | None] = [None]
        self._watch.append((pred, slot))
        try:
            end = now() + timeout
            while slot[0] is None and now() < end:
                if not self.alive() and self.eof:
                    break
                self.pump(min(0.05, end - now()))
            return slot[0]
        finally:
            self._watch.remove((pred, slot))

    def wait_quiet(self, quiet_s: float = 0.3, max_s: float = 10.0) -> float | None:
        """Pump until no change for quiet_s; the time of the last change (None: max_s ran out)."""
        start = now()
        if self.last_change is None:
            self.last_change = start
        while self.alive() or not self.eof:
            t = now()
            if t - self.last_change >= quiet_s:
                return self.last_change
            if t - start >= max_s:
                return None
            self.pump(min(quiet_s - (t - self.last_change), max_s - (t - start)))
        return self.last_change

    def idle(self, seconds: float) -> None:
        """Keep pumping (and sampling RSS) for a while."""
        end = now() + seconds
        while now() < end and (self.alive() or not self.eof):
            self.pump(end - now())

    def key_latency(
        self,
        key: str,
        repeats: int = 20,
        *,
        timeout: float = 2.0,
        quiet_s: float = 0.15,
        min_gap_s: float = 0.0,
    ) -> list[float | None]:
        """Per press: seconds from the key until the screen changes (None: no change).

        Between presses the screen must be quiet for quiet_s and at least min_gap_s must have
        passed since the press (so a debounced, late repaint such as a detail pane filled after
        a fetch is not taken for the reply to the next key).
        """
        data = key_bytes(key)
        out: list[float | None] = []
        self.wait_quiet(quiet_s, 3.0)
        for _ in range(repeats):
            if not self.alive():
                break
            t_send = self.send(data)
            end = t_send + timeout
            t_chg = None
            while now() < end and self.alive():
                t_chg = self.pump(end - now())
                if t_chg is not None:
                    break
            out.append(None if t_chg is None else t_chg - t_send)
            self.wait_quiet(quiet_s, 3.0)
            rest = t_send + min_gap_s - now()
            if rest > 0:
                self.idle(rest)
                self.wait_quiet(quiet_s, 3.0)
        return out

    def type_latency(
        self, text: str, *, timeout: float = 2.0, quiet_s: float = 0.15
    ) -> list[tuple[float | None, float | None]]:
        """Per typed character: (first change, last change before quiet_s of silence), seconds.

        The second figure is what a filter costs: the keystroke echoed *and* the list redrawn.
        """
        out: list[tuple[float | None, float | None]] = []
        self.type_cpu: list[float] = []  # CPU seconds of the app per character (key to quiet)
        self.wait_quiet(quiet_s, 3.0)
        for ch in text:
            if not self.alive():
                break
            cpu0 = cpu_seconds(self.pid)
            t_send = self.send(ch.encode())
            end = t_send + timeout
            first = None
            while now() < end and self.alive():
                first = self.pump(end - now())
                if first is not None:
                    break
            if first is None:
                out.append((None, None))
                continue
            last = self.wait_quiet(quiet_s, timeout)
            self.type_cpu.append(cpu_seconds(self.pid) - cpu0)
            out.append((first - t_send, (last - t_send) if last is not None else None))
        return out

    def quit(self, key: str = "ctrl+q", timeout: float = 10.0) -> float | None:
        """Send the quit key; seconds until the process exited (None: it did not)."""
        if not self.alive():
            return None
        self.sample_rss(rescan=True)
        t_q = self.send(key)
        end = t_q + timeout
        while self.alive() and now() < end:
            self.pump(end - now())
        return (self.t_exit - t_q) if not self.alive() and self.t_exit else None

    def close(self) -> None:
        """Kill the process group if still there (SIGTERM, then SIGKILL), release the fds."""
        for sig in (signal.SIGTERM, signal.SIGKILL):
            if not self.alive():
                break
            try:
                os.killpg(self.pid, sig)
            except ProcessLookupError:
                pass
            end = now() + 2.0
            while self.alive() and now() < end:
                self.pump(0.05)
        if self.alive():
            try:
                os.waitpid(self.pid, 0)
            except ChildProcessError:
                pass
            self.exit_status = -9
        for fd in (self.fd, self.pidfd):
            try:
                os.close(fd)
            except OSError:
                pass
        self.fd = self.pidfd = -1

    def __enter__(self) -> Term:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


# --------------------------------------------------------------------------------------- a run
@dataclass
class StartResult:
    ok: bool
    error: str | None = None
    ttfp_s: float | None = None
    settled_s: float | None = None
    exit_s: float | None = None
    rss_peak_mib: float | None = None
    rss_hwm_mib: float | None = None
    keys_s: list[float | None] = field(default_factory=list)
    typed_s: list[tuple[float | None, float | None]] = field(default_factory=list)
    extra: dict = field(default_factory=dict)
    screen: str = ""


def measure_start(
    argv: Sequence[str],
    marker,
    *,
    env: dict[str, str] | None = None,
    cols: int = 120,
    rows: int = 40,
    timeout: float = 30.0,
    settle_ms: float = 300,
    settle_max: float = 5.0,
    key: str | None = None,
    key_repeats: int = 20,
    before_keys: Callable[[Term], None] | None = None,
    quit_key: str = "ctrl+q",
    min_cells: int = 1,
    cwd: str | None = None,
) -> StartResult:
    """Spawn, time to marker, settle, optional key latency, optional hook, quit. Never raises."""
    res = StartResult(ok=False)
    try:
        term = Term(argv, cols=cols, rows=rows, env=env, cwd=cwd, min_cells=min_cells)
    except Exception as exc:  # noqa: BLE001
        res.error = f"spawn failed: {exc}"
        return res
    try:
        t = term.wait_for(marker, timeout)
        if t is None:
            res.error = (
                "exited before the marker"
                if not term.alive()
                else f"marker not seen in {timeout:.0f} s"
            )
            res.screen = term.dump()
            return res
        res.ttfp_s = t - term.t0
        # the load barely moves it; as the marker's chunk came (a marker true at once: now)
        at_read = term.watch_cpu
        res.extra["cpu_at_paint_s"] = at_read if at_read is not None else cpu_seconds(term.pid)
        term.sample_rss(rescan=True)
        res.extra["rss_at_paint_mib"] = term.rss_now_kb / 1024
        last = term.wait_quiet(settle_ms / 1000.0, settle_max)
        res.settled_s = (last - term.t0) if last is not None else None
        if key:
            res.keys_s = term.key_latency(key, key_repeats)
        if before_keys:
            before_keys(term)
        res.screen = term.dump()
        if quit_key:
            if not term.alive():
                res.error = "exited by itself before the quit key"
                return res
            res.exit_s = term.quit(quit_key)
            if res.exit_s is None:
                res.error = "did not exit after the quit key"
                return res
        res.ok = True
        return res
    except Exception as exc:  # noqa: BLE001
        res.error = f"{type(exc).__name__}: {exc}"
        res.screen = term.dump()
        return res
    finally:
        term.close()
        res.rss_peak_mib = term.rss_peak_kb / 1024
        res.rss_hwm_mib = term.hwm_kb / 1024


def median(xs: Iterable[float | None]) -> float | None:
    vals = [x for x in xs if x is not None]
    return statistics.median(vals) if vals else None


# --------------------------------------------------------------------------------------- CLI
def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [options] -- COMMAND [ARG...]",
    )
    p.add_argument("--size", default="120x40")
    p.add_argument(
        "--marker", help="text (or /regex/) that counts as first paint; default: a settled screen"
    )
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--key", help="measure this key's latency after the first paint")
    p.add_argument("--type", dest="type_text", help="type these characters one by one, timing each")
    p.add_argument(
        "--pre", action="append", default=[], help="keys to send before --type (repeatable)"
    )
    p.add_argument(
        "--min-cells",
        type=int,
        default=1,
        help="ignore changes smaller than this (2: cursor blink)",
    )
    p.add_argument("--env", action="append", default=[], metavar="K=V")
    p.add_argument(
        "--dump-screen", metavar="FILE", help="write the last screen to FILE ('-': stdout)"
    )
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command given (put it after --)")
    if pyte is None:
        print('needs pyte: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    cols, rows = (int(v) for v in args.size.lower().split("x"))
    env = clean_env({k: v for k, _, v in (kv.partition("=") for kv in args.env)})
    if (
        args.marker
        and len(args.marker) > 2
        and args.marker.startswith("/")
        and args.marker.endswith("/")
    ):
        marker = re.compile(args.marker[1:-1])
    elif args.marker:
        marker = args.marker
    else:  # any non-blank screen, then the settle time says when it stopped moving
        marker = lambda lines: any(line.strip() for line in lines)  # noqa: E731

    def typing(term: Term) -> None:
        for k in args.pre:
            term.send(k)
            term.wait_quiet(0.2, 3.0)
        if args.type_text:
            term._typed = term.type_latency(args.type_text)  # type: ignore[attr-defined]

    results = []
    for i in range(args.runs):
        holder: dict = {}

        def hook(term: Term) -> None:
            typing(term)
            holder["typed"] = getattr(term, "_typed", [])  # noqa: B023 (called within this iteration)

        r = measure_start(
            cmd,
            marker,
            env=env,
            cols=cols,
            rows=rows,
            timeout=args.timeout,
            key=args.key,
            before_keys=hook,
            min_cells=args.min_cells,
        )
        r.typed_s = holder.get("typed", [])
        results.append(r)
        if r.ok:
            line = (
                f"run {i + 1}: ttfp={r.ttfp_s:.3f}s settled={r.settled_s or float('nan'):.3f}s "
                f"exit={r.exit_s:.3f}s rss={r.rss_peak_mib:.1f}MiB hwm={r.rss_hwm_mib:.1f}MiB"
            )
            if r.keys_s:
                m = median(r.keys_s)
                line += f" key={m * 1000:.1f}ms" if m is not None else " key=n/a"
            if r.typed_s:
                m1, m2 = median(a for a, _ in r.typed_s), median(b for _, b in r.typed_s)
                line += f" type_first={m1 * 1000 if m1 else float('nan'):.1f}ms"
                line += f" type_done={m2 * 1000 if m2 else float('nan'):.1f}ms"
            print(line)
        else:
            print(f"run {i + 1}: FAILED: {r.error}")
    good = [r for r in results if r.ok]
    if good:
        print(
            f"median ttfp {median(r.ttfp_s for r in good):.3f}s, "
            f"rss {median(r.rss_peak_mib for r in good):.1f}MiB ({len(good)}/{args.runs} ok)"
        )
    if args.dump_screen and results:
        text = results[-1].screen + "\n"
        if args.dump_screen == "-":
            sys.stdout.write(text)
        else:
            with open(args.dump_screen, "w") as f:
                f.write(text)
    return 0 if len(good) == args.runs else 1


if __name__ == "__main__":
    sys.exit(main())
