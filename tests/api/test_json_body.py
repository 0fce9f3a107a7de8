"""A response body reads the same with orjson (the optional fast path) as with the standard
library, and the same bodies are refused; httpcore's per-request look for sniffio no longer
searches the disk."""

from __future__ import annotations

import json
import sys

import httpx
import pytest

from syncro_tui.api import json_body
from syncro_tui.api.client import SyncroClient

BODIES = [
    '{"tickets": [{"id": 1, "subject": "Printer \\u00e9 \\ud83d\\ude00"}], "meta": {"page": 1}}',
    '[1, 2.5, -0.0, 1e308, 1e400, true, false, null, "x"]',
    '{"ids": [9223372036854775807, -9223372036854775808, 18446744073709551615]}',
    '{"nan": NaN, "inf": Infinity, "minus": -Infinity}',
    '{"lone": "\\ud800"}',
    '{"same": 1, "same": 2}',
    '  \n {"padded": true} \t\n',
    "[" * 1100 + "]" * 1100,
    "{" + ", ".join(f'"k{n}": {n}' for n in range(500)) + "}",
]
REFUSED = ["", "{", "{'single': 1}", '{"a": 1,}', "[1] [2]", '"\x01"', "nope", "\ufeff{}"]


@pytest.fixture(params=["orjson", "stdlib"])
def reader(request, monkeypatch):
    if request.param == "stdlib":
        monkeypatch.setattr(json_body, "_orjson", None)
    elif json_body._orjson is None:
        pytest.skip("orjson is not installed (the optional fast path)")
    return json_body.loads


def expected(text: str):
    try:
        return json.loads(text.strip())
    except RecursionError:
        return RecursionError


@pytest.mark.parametrize("text", BODIES, ids=range(len(BODIES)))
def test_both_paths_read_a_body_as_the_standard_library_does(reader, text):
    want = expected(text)
    try:
        got = reader(text.encode("utf-8", "surrogatepass"), text.strip())
    except RecursionError:
        got = RecursionError
    if want is RecursionError:
        assert got is RecursionError
    else:
        assert json.dumps(got, allow_nan=True) == json.dumps(want, allow_nan=True)


def test_integers_past_64_bits_are_exact_with_the_standard_library(monkeypatch):
    """The one difference (json_body's docstring): orjson reads an integer past 64 bits as a
    float. No Syncro field holds one (its ids are 64-bit keys); the standard library keeps
    it exact."""
    monkeypatch.setattr(json_body, "_orjson", None)
    text = '{"big": 123456789012345678901234567890}'
    assert json_body.loads(text.encode(), text) == {"big": 123456789012345678901234567890}


@pytest.mark.parametrize("text", REFUSED, ids=range(len(REFUSED)))
def test_both_paths_refuse_what_the_standard_library_refuses(reader, text):
    with pytest.raises(ValueError):
        reader(text.encode(), text.strip())


def test_without_the_bytes_the_text_is_read(reader):
    assert reader(None, '{"a": 1}') == {"a": 1}


async def test_a_body_in_another_charset_reads_from_its_text():
    """Latin-1 bytes for "café" are not UTF-8: the client reads the text it decoded."""

    def handler(request: httpx.Request) -> httpx.Response:
        body = '{"id": 7, "email": "x@y.test", "full_name": "Caf\u00e9 Owner"}'.encode("latin-1")
        return httpx.Response(
            200, content=body, headers={"content-type": "application/json; charset=iso-8859-1"}
        )

    async with SyncroClient(
        "https://acme.syncromsp.com/api/v1", "k", transport=httpx.MockTransport(handler)
    ) as api:
        me = await api.me()
    assert me.full_name == "Caf\u00e9 Owner"


def test_a_missing_sniffio_is_known_without_searching_again():
    """httpcore tries ``import sniffio`` several times per request; absent, each try used to
    search every sys.path entry (a quarter of a millisecond each, 0.1 s a 10k walk)."""
    import syncro_tui.api.client  # noqa: F401

    found = sys.modules.get("sniffio", "unset")
    if found is None:  # absent: settled once, and an import fails at once as before
        with pytest.raises(ImportError):
            import sniffio  # noqa: F401
    else:  # installed (or not yet asked for, when something imported it first): untouched
        assert found == "unset" or hasattr(found, "current_async_library")


async def test_httpcore_still_finds_asyncio():
    from httpcore._synchronization import current_async_library

    assert current_async_library() == "asyncio"
