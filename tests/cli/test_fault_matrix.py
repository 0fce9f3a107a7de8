"""The command line's fault matrix: comment, update, bill, new ticket x every unclear fault.

Each unclear fault (applied, then the connection dropped / a 500 / no answer in time) ends
with exactly one record and exit code 0 (verified landed, not resent); running the same
command again is refused with 7 and sends nothing; --again sends a second one, on purpose.
"""

from __future__ import annotations

import pytest

MARK = "cli-matrix 9d41"
FAULTS = ["drop_after", "error_after:500", "timeout_after:3", "malformed"]


def _comment(env, t):
    return (
        ["comment", str(t.number), "--body", MARK, "--yes"],
        "POST /tickets/*/comment",
        lambda: sum(c.body == MARK for c in t.comments),
    )


def _update(env, t):
    # a PUT's "record" is the change: count the PUTs that reached the ticket
    return (
        ["update", str(t.number), "--status", "Scheduled", "--yes"],
        "PUT /tickets/*",
        lambda: env.sandbox.count("PUT", f"/tickets/{t.id}") if t.status == "Scheduled" else 0,
    )


def _bill(env, t):
    return (
        [
            "bill",
            str(t.number),
            "--minutes",
            "45",
            "--labor",
            "remote",
            "--description",
            MARK,
            "--yes",
        ],  # fmt: skip
        "POST /tickets/*/add_line_item",
        lambda: sum(li.description == MARK for li in t.line_items),
    )


def _new(env, t):
    return (
        ["new", "--customer", str(t.customer_id), "--subject", MARK, "--yes"],
        "POST /tickets",
        lambda: sum(x.subject == MARK for x in env.sandbox.state.tickets.values()),
    )


KINDS = {"comment": _comment, "update": _update, "bill": _bill, "new": _new}


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("kind", list(KINDS))
def test_unclear_fault_ends_with_one_record(env, kind, fault):
    t = env.open_ticket(1)
    argv, route, records = KINDS[kind](env, t)
    env.sandbox.faults.add(f"{route}={fault}*1")
    ran = env.run(*argv)
    assert ran.code == 0, ran.err
    assert records() == 1
    if kind == "bill":
        assert sum(c.body == MARK for c in t.comments) == 1  # the resolution comment, once

    ran = env.run(*argv)
    assert ran.code == 7, ran.err
    assert "--again" in ran.err
    assert records() == 1

    ran = env.run(*argv, "--again")
    assert ran.code == 0, ran.err
    assert records() == 2 if kind != "update" else env.sandbox.count("PUT", f"/tickets/{t.id}") == 2
