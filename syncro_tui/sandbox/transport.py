"""In-process front end: an httpx transport that hands requests straight to the core.

Used by the demo and the tests, so no socket is opened. Faults end the way they would on a
network: ``drop_after`` raises ``httpx.RemoteProtocolError`` and ``timeout_after`` waits
(up to the request's read timeout) and raises ``httpx.ReadTimeout``, both after the write
was applied.
"""

from __future__ import annotations

import asyncio

import httpx

from .handler import DROP, TIMEOUT, Core, Request

DEFAULT_HOLD = 30.0  # seconds timeout_after waits when neither the rule nor the client says


class SandboxTransport(httpx.AsyncBaseTransport):
    def __init__(self, core: Core, client_address: str = "127.0.0.1") -> None:
        self.core = core
        self.client_address = client_address

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        body = await request.aread()
        target = request.url.raw_path.decode("ascii")
        sandbox_request = Request(
            method=request.method,
            target=target,
            headers={k.lower(): v for k, v in request.headers.items()},
            body=body,
            client=self.client_address,
        )
        plan = self.core.plan(sandbox_request)
        if plan.latency:
            await asyncio.sleep(plan.latency)
        outcome = self.core.handle(sandbox_request, plan)
        if outcome.action == DROP:
            raise httpx.RemoteProtocolError(
                "Server disconnected without sending a response.", request=request
            )
        if outcome.action == TIMEOUT:
            read_timeout = (request.extensions.get("timeout") or {}).get("read")
            hold = outcome.hold if outcome.hold is not None else DEFAULT_HOLD
            if read_timeout is not None:
                hold = min(hold, read_timeout)
            await asyncio.sleep(hold)
            raise httpx.ReadTimeout("timed out waiting for the sandbox", request=request)
        return httpx.Response(
            outcome.status, headers=outcome.headers, content=outcome.body, request=request
        )
