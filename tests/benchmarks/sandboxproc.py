"""The fake Syncro on loopback, in its own process, with its request log read as it happens.

``syncro-tui sandbox`` prints one line per request on stderr (``GET /api/v1/tickets?page=2 ->
200``, the key redacted). A reader thread stamps every line with ``time.perf_counter()`` when it
arrives (the same clock as harness.Term), so request counts can be lined up with what the
screen showed: requests per minute idle, the most in any 60 s window, 429s, detail fetches.

The sandbox prints the line after handling a request and before sending the answer, so a
line's stamp is a little before the client gets the response.
"""

from __future__ import annotations

import bisect
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

now = time.perf_counter

# Searched anywhere in a line: the server's threads print concurrently, and print() writes the
# text and the newline separately, so two records can share one line ("GET /a -> 200GET /b -> 200").
LINE = re.compile(r"(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS) (/\S*) -> (\d{3})")
SERVING = re.compile(r"serving (http://\S+)")
API_PREFIX = "/api/v1"


@dataclass(frozen=True)
class Req:
    t: float  # perf_counter when the log line arrived
    method: str
    target: str  # path below /api/v1 plus query
    status: int

    @property
    def path(self) -> str:
        return urlsplit(self.target).path

    @property
    def query(self) -> dict[str, list[str]]:
        return parse_qs(urlsplit(self.target).query)


_DETAIL = re.compile(r"^/tickets/\d+(?:/comments)?$")


def is_ticket_list(r: Req) -> bool:
    return r.method == "GET" and r.path == "/tickets"


def is_ticket_detail(r: Req) -> bool:
    """A per-ticket read: GET /tickets/ID (and its comments)."""
    return r.method == "GET" and bool(_DETAIL.match(r.path))


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class SandboxProc:
    """``with SandboxProc(tickets=1000, latency_ms=300) as sb: ... sb.url, sb.requests``."""

    def __init__(
        self,
        *,
        tickets: int = 1000,
        latency_ms: float = 0,
        api_key: str = "bench-sandbox-key",
        port: int | None = None,
        python: str = sys.executable,
        start_timeout: float = 90.0,
        env: dict[str, str] | None = None,
        data_time: float | None = None,
    ) -> None:
        self.tickets, self.latency_ms, self.api_key = tickets, latency_ms, api_key
        self.data_time = data_time  # --data-time: a restart serves the same tickets and times
        self.python = python
        self.start_timeout = start_timeout
        self.env = env
        self.port = port or free_port()
        self.url: str | None = None
        self.how: str = ""
        self.proc: subprocess.Popen | None = None
        self._reqs: list[Req] = []
        self._times: list[float] = []
        self._lock = threading.Lock()
        self._stdout: list[str] = []
        self._stderr_other: list[str] = []

    # -- life cycle
    def commands(self) -> list[list[str]]:
        flags = [
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--tickets",
            str(self.tickets),
            "--latency-ms",
            str(self.latency_ms),
            "--api-key",
            self.api_key,
        ]
        if self.data_time is not None:
            flags += ["--data-time", repr(self.data_time)]
        exe = os.path.join(os.path.dirname(self.python), "syncro-tui")
        cli = [exe] if os.access(exe, os.X_OK) else [self.python, "-m", "syncro_tui"]
        return [cli + ["sandbox", *flags], [self.python, "-m", "syncro_tui.sandbox.server", *flags]]

    def start(self) -> SandboxProc:
        errors = []
        for argv in self.commands():
            if self._try(argv):
                self.how = " ".join(
                    os.path.basename(a) if i == 0 else a for i, a in enumerate(argv[:3])
                )
                return self
            errors.append(f"{' '.join(argv[:3])}: {self.failure()}")
            self.stop()
            self._stdout.clear()
            self._stderr_other.clear()
        raise RuntimeError("sandbox did not start: " + " | ".join(errors))

    def _try(self, argv: list[str]) -> bool:
        env = dict(os.environ if self.env is None else self.env)
        env.setdefault("PYTHONUNBUFFERED", "1")
        self.proc = subprocess.Popen(
            argv,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            bufsize=1,
            env=env,
            start_new_session=True,
        )
        ready = threading.Event()
        threading.Thread(target=self._read_stdout, args=(self.proc, ready), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(self.proc,), daemon=True).start()
        end = now() + self.start_timeout
        while now() < end:
            if ready.wait(0.05):
                return True
            if self.proc.poll() is not None:
                time.sleep(0.1)  # let the readers collect the error text
                return ready.is_set()
        return False

    def failure(self) -> str:
        text = " ".join((self._stderr_other + self._stdout)[-3:]).strip()
        return text[-300:] or "no output"

    def _read_stdout(self, proc: subprocess.Popen, ready: threading.Event) -> None:
        for line in proc.stdout:  # type: ignore[union-attr]
            self._stdout.append(line.rstrip())
            m = SERVING.search(line)
            if m and not ready.is_set():
                self.url = m.group(1).rstrip("/")
                ready.set()

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:  # type: ignore[union-attr]
            t = now()
            found = list(LINE.finditer(line))
            if not found:
                self._stderr_other.append(line.rstrip())
                continue
            with self._lock:
                for m in found:
                    target = m.group(2)
                    if target.startswith(API_PREFIX):
                        target = target[len(API_PREFIX) :]
                    self._reqs.append(Req(t, m.group(1), target, int(m.group(3))))
                    self._times.append(t)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, 3.0), (signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
            try:
                os.killpg(proc.pid, sig)
            except ProcessLookupError:
                break
            try:
                proc.wait(wait)
                break
            except subprocess.TimeoutExpired:
                continue

    def __enter__(self) -> SandboxProc:
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    # -- the log
    @property
    def requests(self) -> list[Req]:
        with self._lock:
            return list(self._reqs)

    def between(self, t0: float, t1: float | None = None) -> list[Req]:
        with self._lock:
            i = bisect.bisect_left(self._times, t0)
            j = len(self._times) if t1 is None else bisect.bisect_right(self._times, t1)
            return self._reqs[i:j]

    def last_time(self) -> float | None:
        with self._lock:
            return self._times[-1] if self._times else None

    def wait_quiet(self, quiet_s: float, max_s: float, *, pump=None) -> float | None:
        """Wait until no request for quiet_s (pumping the app meanwhile); the last request's time."""
        start = now()
        while now() - start < max_s:
            last = self.last_time() or start
            if now() - max(last, start) >= quiet_s:
                return self.last_time()
            if pump:
                pump(0.05)
            else:
                time.sleep(0.05)
        return None


def max_in_window(times: list[float], window: float = 60.0) -> int:
    """The most events in any window of `window` seconds (a sliding window over sorted times)."""
    times = sorted(times)
    best = j = 0
    for i, t in enumerate(times):
        while times[j] <= t - window:
            j += 1
        best = max(best, i - j + 1)
    return best
