"""The seed runbook's two duplicate comments, replayed against these commands.

2026-04-22 (#32185) and 2026-04-23 (#32142, while billing): POST /comment succeeded, the
reply was read wrongly (a null id), it looked like a failure, and the agent ran the POST
again. Here the reply is unreadable (the sandbox's ``malformed``: applied, then a broken 200)
and the agent runs the whole command again, as it did then.
"""

from __future__ import annotations

import json

BODY = "Replaced the failing drive; backups verified."


def test_a_comment_whose_reply_is_unreadable_is_verified_and_the_retry_refused(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=malformed*1")
    argv = ["comment", str(t.number), "--subject", "Resolution", "--body", BODY, "--yes"]
    first = env.run(*argv, "--json")
    assert first.code == 0, first.err
    assert json.loads(first.out)["outcome"] == "landed"  # verified with GETs, not resent
    retry = env.run(*argv)  # the agent's retry of the whole command
    assert retry.code == 7 and "landed in Syncro at" in retry.err
    assert sum(c.body == BODY for c in t.comments) == 1
    assert env.posts("/tickets/*/comment") == 1


def test_billing_with_an_unreadable_comment_reply_posts_one_comment(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=malformed*1")
    argv = ["bill", str(t.number), "--minutes", "2h", "--labor", "remote",
            "--description", "Prepaid block", "--comment", BODY, "--yes"]  # fmt: skip
    first = env.run(*argv)
    assert first.code == 0, first.err
    assert env.run(*argv).code == 7
    assert sum(c.body == BODY for c in t.comments) == 1
    assert sum(li.description == "Prepaid block" for li in t.line_items) == 1
    assert env.posts("/tickets/*/comment") == 1 and env.posts("/tickets/*/add_line_item") == 1
