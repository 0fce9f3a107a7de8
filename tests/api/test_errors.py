"""parse_error_messages turns every Syncro error shape into readable messages; errors behave."""

from __future__ import annotations

import pickle

import pytest

from syncro_tui.api import errors as E
from syncro_tui.api.errors import describe_body, parse_error_messages


@pytest.mark.parametrize(
    "body, expected",
    [
        # 1. error: str
        ({"error": "Customer required field"}, ["Customer required field"]),
        (
            {"error": "no implicit conversion of nil into String"},
            ["no implicit conversion of nil into String"],
        ),
        # 2. success:false + message list
        ({"success": False, "message": ["Subject can't be blank"]}, ["Subject can't be blank"]),
        (
            {"success": False, "message": ["Body can't be blank", "Subject can't be blank"]},
            ["Body can't be blank", "Subject can't be blank"],
        ),
        # 3. errors as one string (+ params)
        (
            {"errors": "Name can't be blank, Description can't be blank", "params": {}},
            ["Name can't be blank, Description can't be blank"],
        ),
        # 4. errors as a list
        (
            {"success": False, "errors": ["Body can't be blank", "Name can't be blank"]},
            ["Body can't be blank", "Name can't be blank"],
        ),
        ({"errors": ["billable must be true or false"]}, ["billable must be true or false"]),
        # 5. record + errors string; Rails field->messages hash; error as a list
        (
            {"record": {"id": None, "name": "Bad"}, "errors": "Email is not an email"},
            ["Email is not an email"],
        ),
        (
            {"customer_id": ["can't be blank"], "date": ["can't be blank"]},
            ["customer_id: can't be blank", "date: can't be blank"],
        ),
        ({"error": ["Name can't be blank"]}, ["Name can't be blank"]),
        # 6. nested errors object
        (
            {"success": False, "errors": {"appointments": {"summary": ["can't be blank"]}}},
            ["appointments.summary: can't be blank"],
        ),
        (
            {"errors": {"mute_for": ["is not included in the list"]}},
            ["mute_for: is not included in the list"],
        ),
        ({"errors": {"base": ["Ticket is locked"]}}, ["Ticket is locked"]),
        # 400 example and 404 shapes
        ({"message": ["Vendor is blank", "Value is blank"]}, ["Vendor is blank", "Value is blank"]),
        ({"message": "Not found"}, ["Not found"]),
    ],
)
def test_every_422_shape_gives_readable_messages(body, expected):
    assert parse_error_messages(body, "") == expected


def test_order_is_errors_then_error_then_message_without_duplicates():
    body = {"message": ["c"], "error": "b", "errors": ["a", "b"]}
    assert parse_error_messages(body, "") == ["a", "b", "c"]


def test_empty_and_null_values_are_skipped():
    assert parse_error_messages({"success": True, "message": ""}, "") == []
    assert parse_error_messages({"error": None, "errors": []}, "") == []


def test_falls_back_to_raw_text_with_tags_stripped():
    raw = "<html><head><title>Oops</title><style>p{}</style></head><body><h1>Bad  request</h1><p>Try &amp; again</p></body></html>"
    assert parse_error_messages(None, raw) == ["Bad request Try & again"]
    assert parse_error_messages(None, "  Disabled \n") == ["Disabled"]
    assert parse_error_messages("just a string", "") == ["just a string"]
    long = "x" * 1000
    (msg,) = parse_error_messages(None, long)
    assert len(msg) <= 300


def test_control_characters_are_removed_from_messages():
    (msg,) = parse_error_messages({"error": "bad\x1b[31m thing\x07"}, "")
    assert "\x1b" not in msg and "\x07" not in msg


def test_describe_body_says_what_came_back():
    html = "<!DOCTYPE html><html><head><title>Action Controller: Exception</title></head><body>x</body></html>"
    assert describe_body(html, 400) == (
        "Syncro answered with an HTML page instead of JSON (HTTP 400): Action Controller: Exception"
    )
    assert describe_body("<html><body><p>no title</p></body></html>", 502) == (
        "Syncro answered with an HTML page instead of JSON (HTTP 502)"
    )
    assert (
        describe_body("Disabled", 200)
        == 'Syncro answered with plain text instead of JSON (HTTP 200): "Disabled"'
    )
    assert describe_body("", 204) == "Syncro answered with an empty body (HTTP 204)"


def test_error_attributes_str_and_repr():
    err = E.ValidationFailed(
        "Syncro refused it: a; b", status=422, method="POST", path="/tickets", messages=["a", "b"]
    )
    assert str(err) == "Syncro refused it: a; b"
    assert err.title and err.status == 422 and err.messages == ["a", "b"]
    assert err.endpoint == "POST /tickets"
    assert "ValidationFailed" in repr(err) and "/tickets" in repr(err)
    assert isinstance(err, E.SyncroError)
    rl = E.RateLimited("slow down", retry_after=7.0, status=429)
    assert rl.retry_after == 7.0


def test_outcome_unknown_carries_what_was_sent():
    payload = {"subject": "Hi", "body": "there"}
    err = E.OutcomeUnknown("POST", "/tickets/5/comment", payload, "the connection was dropped")
    assert err.method == "POST" and err.path == "/tickets/5/comment"
    assert err.payload == payload and err.cause == "the connection was dropped"
    assert "may or may not" in str(err) and "duplicate" in str(err)
    assert err.title == "Outcome unknown"
    assert "payload" not in repr(err)  # repr stays short


def test_errors_pickle_round_trip():
    err = E.OutcomeUnknown("POST", "/tickets", {"a": 1}, "timeout", status=None)
    back = pickle.loads(pickle.dumps(err))
    assert type(back) is E.OutcomeUnknown and back.payload == {"a": 1} and str(back) == str(err)
    nf = pickle.loads(pickle.dumps(E.NotFound("gone", status=404, path="/tickets/1")))
    assert nf.status == 404 and str(nf) == "gone"


def test_errors_module_is_stdlib_only():
    import subprocess
    import sys

    code = "import sys, syncro_tui.api.errors; print('httpx' in sys.modules, 'pydantic' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "False"]


def test_every_error_example_in_the_spec_gives_messages():
    """Every 4xx example body in Syncro's OpenAPI file parses to at least one message."""
    import json
    from pathlib import Path

    swagger = (
        Path(__file__).resolve().parents[2].parent / "shared" / "syncro-openapi" / "swagger.json"
    )
    if not swagger.is_file():
        pytest.skip(
            f"Syncro's OpenAPI file is not available at {swagger} (reference material, not shipped)"
        )
    spec = json.loads(swagger.read_text(encoding="utf-8"))
    checked = 0
    for path, ops in spec["paths"].items():
        for method, op in ops.items():
            if not isinstance(op, dict):
                continue
            for status, response in (op.get("responses") or {}).items():
                if not str(status).startswith("4"):
                    continue
                for content in (response.get("content") or {}).values():
                    examples = (
                        [content["example"]]
                        if "example" in content
                        else [e.get("value") for e in (content.get("examples") or {}).values()]
                    )
                    for body in examples:
                        if not isinstance(body, dict) or not body:
                            continue
                        messages = parse_error_messages(body, json.dumps(body))
                        assert messages and all(isinstance(m, str) and m for m in messages), (
                            method,
                            path,
                            body,
                        )
                        checked += 1
    assert checked > 20
