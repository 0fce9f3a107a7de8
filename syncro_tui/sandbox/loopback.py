"""The loopback HTTP server: the sandbox's core behind a real socket, in a daemon thread.

A stdlib ThreadingHTTPServer. Faults end the way they would on a real network:
``drop_after`` closes the socket without an answer, ``timeout_after`` holds the connection
without answering (for the rule's seconds, default 60, or until the server closes),
``latency`` sleeps before handling. ``Sandbox.serve()`` starts one; the command line
(``server.py``) builds the sandbox and calls that.
"""

from __future__ import annotations

import re
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from .defaults import API_PREFIX, DEFAULT_HOST
from .handler import DROP, TIMEOUT, Core, Request

DEFAULT_HOLD = 60.0  # seconds a timeout_after connection is held when the rule gives none
_KEY_IN_QUERY = re.compile(r"(api_key=)[^&\s]*")


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # Ctrl+C never waits for a client's connection: socketserver's default joins every
    # handler thread on close, daemon or not, and a keep-alive connection left open by a
    # client (or one held by a timeout_after fault) kept `syncro-tui sandbox` from exiting.
    block_on_close = False
    request_queue_size = 128  # the stdlib's 5 resets bursts of concurrent clients

    def __init__(self, address: tuple[str, int], core: Core, verbose: bool) -> None:
        self.core = core
        self.verbose = verbose
        self.closing = threading.Event()  # wakes connections held by timeout_after
        super().__init__(address, _Handler)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like a real API behind a load balancer
    server: _Server

    def do_GET(self) -> None:
        self._dispatch()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        request = Request(
            method=self.command,
            target=self.path,
            headers={k.lower(): v for k, v in self.headers.items()},
            body=self.rfile.read(length) if length else b"",
            client=self.client_address[0],
        )
        core = self.server.core
        plan = core.plan(request)
        if plan.latency:
            time.sleep(plan.latency)
        outcome = core.handle(request, plan)
        if self.server.verbose:
            fault = f" [{plan.rule.kind}]" if plan.rule else ""
            target = _KEY_IN_QUERY.sub(r"\1****", self.path)
            print(f"{self.command} {target} -> {outcome.status}{fault}", file=sys.stderr)
        if outcome.action == DROP:
            self.close_connection = True
            return
        if outcome.action == TIMEOUT:
            self.server.closing.wait(outcome.hold if outcome.hold is not None else DEFAULT_HOLD)
            self.close_connection = True
            return
        self.send_response(outcome.status)
        for name, value in outcome.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(outcome.body)))
        self.end_headers()
        self.wfile.write(outcome.body)

    def log_message(self, format: str, *args) -> None:
        """Silenced: ``_dispatch`` prints its own line (key redacted) when verbose."""


class RunningServer:
    """A started loopback server: ``.url`` (".../api/v1"), ``.port``, ``.close()``."""

    def __init__(
        self, core: Core, host: str = DEFAULT_HOST, port: int = 0, *, verbose: bool = False
    ) -> None:
        self._server = _Server((host, port), core, verbose)
        self.host = host
        self.port = self._server.server_address[1]
        self.url = f"http://{host}:{self.port}{API_PREFIX}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"syncro-sandbox:{self.port}",
            daemon=True,
        )
        self._thread.start()

    def close(self) -> None:
        self._server.closing.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()

    def __enter__(self) -> RunningServer:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
