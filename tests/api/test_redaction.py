"""With query-style auth the key rides in every URL: it must never reach a person.

A failing server (5xx, dropped connection, timeout, HTML page, a server that echoes the URL)
must produce errors whose text, repr, args and attributes hold no key, and no log record at
DEBUG (ours, httpx's or httpcore's) may carry it. ``display_url`` masks it.
"""

from __future__ import annotations

import logging
import traceback

import httpx
import pytest

from syncro_tui.api import errors as E
from syncro_tui.api.client import SyncroClient
from syncro_tui.api.redact import KeyRedactingFilter, redact_text, redact_url

KEY = "QK-9f8e7d6c5b4a-SECRET"
BASE = "https://acme.syncromsp.com/api/v1"


class NoLimiter:
    async def acquire(self, priority=None):
        return None

    def penalize(self, seconds):
        return None


async def _no_sleep(seconds):
    return None


def _walk(value, depth=0):
    """Every object reachable from an exception's attributes (shallow graph)."""
    if depth > 4:
        return
    yield value
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _walk(k, depth + 1)
            yield from _walk(v, depth + 1)
    elif isinstance(value, (list, tuple, set)):
        for v in value:
            yield from _walk(v, depth + 1)
    elif isinstance(value, BaseException):
        for v in vars(value).values():
            yield from _walk(v, depth + 1)
        yield from _walk(value.args, depth + 1)


def assert_clean_exception(exc: BaseException) -> None:
    texts = [str(exc), repr(exc), repr(exc.args), "".join(traceback.format_exception(exc))]
    for obj in _walk(exc):
        assert not isinstance(obj, (httpx.Request, httpx.Response, httpx.URL, httpx.HTTPError)), obj
        texts.append(repr(obj))
    for text in texts:
        assert KEY not in text, text
    assert exc.__cause__ is None and (exc.__context__ is None or exc.__suppress_context__)


def assert_clean_logs(caplog) -> None:
    assert caplog.records, "expected log records"
    for record in caplog.records:
        assert KEY not in record.getMessage(), record.name
        assert KEY not in repr(record.args)
        assert KEY not in str(record.msg)
    assert KEY not in caplog.text


# --------------------------------------------------------------------------- mock server


def _echo_url_handler(kind: str):
    def handler(request: httpx.Request):
        url = str(request.url)
        assert KEY in url  # the key really is on the wire
        if kind == "500":
            return httpx.Response(500, json={"error": f"crash while serving {url}"})
        if kind == "502-html":
            return httpx.Response(
                502,
                text=f"<html><head><title>Bad gateway {url}</title></head><body>{url}</body></html>",
            )
        if kind == "400-html":
            return httpx.Response(
                400,
                text=f"<html><body><h1>Bad request</h1><p>{url}</p><p>key={KEY}</p></body></html>",
            )
        if kind == "200-text":
            return httpx.Response(
                200, text=f"Disabled for api_key={KEY}", headers={"content-type": "text/plain"}
            )
        if kind == "422":
            return httpx.Response(422, json={"errors": {"api_key": [f"{KEY} is wrong"]}})
        if kind == "404":
            return httpx.Response(404, json={"message": f"No route {url}"})
        if kind == "connect":
            raise httpx.ConnectError(f"cannot connect to {url}", request=request)
        if kind == "timeout":
            raise httpx.ReadTimeout(f"read timed out for {url}", request=request)
        if kind == "drop":
            raise httpx.RemoteProtocolError(f"Server disconnected ({url})", request=request)
        raise AssertionError(kind)

    return handler


KINDS = ["500", "502-html", "400-html", "200-text", "422", "404", "connect", "timeout", "drop"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("write", [False, True], ids=["read", "write"])
async def test_failing_server_never_leaks_the_key(kind, write, caplog):
    caplog.set_level(logging.DEBUG)
    client = SyncroClient(
        BASE,
        KEY,
        auth_style="query",
        limiter=NoLimiter(),
        sleep=_no_sleep,
        read_retries=1,
        transport=httpx.MockTransport(_echo_url_handler(kind)),
    )
    async with client:
        with pytest.raises(E.SyncroError) as info:
            if write:
                await client.add_comment(5, {"subject": "s", "body": "b"})
            else:
                await client.get_ticket(5)
    assert_clean_exception(info.value)
    assert_clean_logs(caplog)
    if write and kind in ("500", "502-html", "timeout", "drop", "200-text"):
        assert isinstance(info.value, E.OutcomeUnknown)
    assert KEY not in client.display_url("/tickets/5")
    assert "api_key=****" in client.display_url("/tickets/5")
    assert KEY not in repr(client.last_request)
    assert KEY not in repr(client)


async def test_httpx_own_request_log_is_redacted(caplog):
    caplog.set_level(logging.DEBUG)
    client = SyncroClient(
        BASE,
        KEY,
        auth_style="query",
        limiter=NoLimiter(),
        transport=httpx.MockTransport(lambda r: httpx.Response(200, json={"user_id": 1})),
    )
    async with client:
        await client.me()
    httpx_records = [r for r in caplog.records if r.name == "httpx"]
    assert httpx_records and "api_key=****" in httpx_records[0].getMessage()
    ours = [r for r in caplog.records if r.name == "syncro_tui.http"]
    assert any(r.levelno == logging.DEBUG for r in ours) and any(
        r.levelno == logging.INFO for r in ours
    )
    assert_clean_logs(caplog)


def test_redact_helpers():
    url = f"https://x.syncromsp.com/api/v1/tickets?page=2&api_key={KEY}&status=New"
    assert (
        redact_url(url) == "https://x.syncromsp.com/api/v1/tickets?page=2&api_key=****&status=New"
    )
    assert KEY not in redact_text(f"Authorization: Bearer {KEY}")
    assert KEY not in redact_text(f"{{'authorization': '{KEY}'}}")
    assert KEY not in redact_text(f"api_key%3D{KEY}")
    assert redact_text(f"plain {KEY} text", [KEY]) == "plain **** text"
    record = logging.LogRecord(
        "httpx", logging.INFO, __file__, 1, "HTTP Request: %s %s", ("GET", httpx.URL(url)), None
    )
    KeyRedactingFilter().filter(record)
    assert KEY not in record.getMessage() and record.args is None


# --------------------------------------------------------------------------- the sandbox, in-process and on loopback


@pytest.mark.parametrize(
    "fault",
    [
        "error_before:500",
        "error_after:503",
        "drop_after",
        "timeout_after:0",
        "html:502",
        "malformed",
    ],
)
async def test_sandbox_faults_with_query_auth_leak_nothing(fault, caplog):
    from syncro_tui.sandbox import Sandbox

    caplog.set_level(logging.DEBUG)
    sb = Sandbox(seed=7, tickets=30, api_key=KEY)
    ticket_id = next(iter(sb.state.tickets))
    sb.faults.add(f"* /tickets/*={fault}")
    client = SyncroClient(
        "http://sandbox.local/api/v1",
        KEY,
        auth_style="query",
        limiter=NoLimiter(),
        sleep=_no_sleep,
        read_retries=0,
        transport=sb.transport(),
        timeout=2,
    )
    async with client:
        with pytest.raises(E.SyncroError) as read_info:
            await client.get_ticket(ticket_id)
        with pytest.raises(E.SyncroError) as write_info:
            await client.add_comment(
                ticket_id, {"subject": "s", "body": "b", "hidden": True, "do_not_email": True}
            )
    assert isinstance(
        write_info.value, E.OutcomeUnknown
    )  # a 5xx/drop/timeout on a write is unclear
    for exc in (read_info.value, write_info.value):
        assert_clean_exception(exc)
    assert_clean_logs(caplog)


async def test_loopback_server_with_query_auth_leaks_nothing(caplog):
    from syncro_tui.sandbox import Sandbox

    caplog.set_level(logging.DEBUG)
    sb = Sandbox(
        seed=7,
        tickets=30,
        api_key=KEY,
        faults="GET /tickets/*=error_before:500;POST /tickets/*/comment=drop_after",
    )
    server = sb.serve(port=0)
    try:
        ticket_id = next(iter(sb.state.tickets))
        client = SyncroClient(
            server.url,
            KEY,
            auth_style="query",
            limiter=NoLimiter(),
            sleep=_no_sleep,
            read_retries=1,
            timeout=5,
        )
        async with client:
            me = await client.me()
            assert me.user_id is not None
            with pytest.raises(E.ServerError) as read_info:
                await client.get_ticket(ticket_id)
            with pytest.raises(E.OutcomeUnknown) as write_info:
                await client.add_comment(
                    ticket_id, {"subject": "s", "body": "b", "hidden": True, "do_not_email": True}
                )
            assert KEY not in client.display_url(f"/tickets/{ticket_id}")
        for exc in (read_info.value, write_info.value):
            assert_clean_exception(exc)
        assert_clean_logs(caplog)
    finally:
        server.close()

    # Wrong key on loopback: AuthError, and the wrong key does not leak either.
    wrong = "WRONG-" + KEY
    server = sb.serve(port=0)
    try:
        client = SyncroClient(
            server.url, wrong, auth_style="query", limiter=NoLimiter(), sleep=_no_sleep
        )
        async with client:
            with pytest.raises(E.AuthError) as info:
                await client.me()
        assert wrong not in repr(info.value) and "syncro-tui login" in str(info.value)
    finally:
        server.close()
