"""Write commands: consent, preview, dry run, JSON, repeats (7), writes verify / resend."""

from __future__ import annotations

import json

MARK = "cli-write 51c2"


def _comments(ticket, body=MARK) -> int:
    return sum(c.body == body for c in ticket.comments)


def test_without_a_terminal_or_yes_nothing_is_sent_and_the_code_is_3(env):
    t = env.open_ticket()
    ran = env.run("comment", str(t.number), "--body", MARK)
    assert ran.code == 3
    assert env.writes() == 0 and _comments(t) == 0
    # the preview: endpoint, exact JSON, attribution, who gets emailed
    assert f"POST /tickets/{t.id}/comment" in ran.out
    assert '"hidden": true' in ran.out and '"do_not_email": true' in ran.out
    assert "as Alex Rivera (user_id 101)" in ran.out
    assert "Emails: nobody" in ran.out
    assert "nothing was sent" in ran.err


def test_dry_run_previews_sends_nothing_and_exits_0(env):
    t = env.open_ticket()
    for argv in (
        ["comment", str(t.number), "--body", MARK, "--dry-run", "--yes"],
        ["update", str(t.number), "--status", "In Progress", "--dry-run"],
        ["bill", str(t.number), "--minutes", "45", "--labor", "remote", "--description", "x",
         "--invoice", "--dry-run"],
        ["new", "--customer", str(t.customer_id), "--subject", "Printer", "--dry-run"],
    ):  # fmt: skip
        ran = env.run(*argv)
        assert ran.code == 0, (argv, ran.err)
        assert "Dry run: nothing was sent." in ran.out + ran.err
    assert env.writes() == 0


def test_on_a_terminal_y_sends_and_anything_else_does_not(env):
    t = env.open_ticket()
    ran = env.run("comment", str(t.number), "--body", MARK, tty=True, stdin="\n")
    assert ran.code == 3 and env.posts() == 0
    ran = env.run("comment", str(t.number), "--body", MARK, tty=True, stdin="y\n")
    assert ran.code == 0, ran.err
    assert "Send this? [y/N]" in ran.err
    assert _comments(t) == 1


def test_yes_sends_once_reports_the_record_and_json_parses(env):
    t = env.open_ticket()
    ran = env.run("comment", str(t.number), "--body", MARK, "--email", "--yes", "--json")
    assert ran.code == 0, ran.err
    doc = json.loads(ran.out)
    (comment,) = [c for c in t.comments if c.body == MARK]
    assert doc["outcome"] == "landed" and doc["result"]["record_id"] == comment.id
    assert doc["preview"]["requests"][0]["json"] == {
        "subject": "Update",
        "body": MARK,
        "hidden": False,
        "do_not_email": False,
    }
    assert doc["preview"]["emails"].startswith("This will email")
    assert not comment.hidden


def test_body_from_stdin_and_public_without_email(env):
    t = env.open_ticket()
    ran = env.run("comment", str(t.number), "--body-file", "-", "--public", "--yes", stdin=MARK)
    assert ran.code == 0, ran.err
    (comment,) = [c for c in t.comments if c.body == MARK]
    assert not comment.hidden
    req = [r for r in env.sandbox.requests if r.method == "POST"][-1]
    assert req.json["do_not_email"] is True


def test_the_same_comment_again_is_refused_with_7_until_again(env):
    t = env.open_ticket()
    argv = ["comment", str(t.number), "--body", MARK, "--yes"]
    assert env.run(*argv).code == 0
    ran = env.run(*argv)
    assert ran.code == 7
    assert "landed in Syncro at" in ran.err and "--again" in ran.err
    assert _comments(t) == 1
    ran = env.run(*argv, "--again")
    assert ran.code == 0, ran.err
    assert _comments(t) == 2


def test_update_is_one_put_with_only_the_fields_given(env):
    t = env.open_ticket()
    ran = env.run(
        "update", str(t.number), "--status", "in progress", "--priority", "1 high",
        "--assign", "me", "--due", "2026-12-24", "--yes", "--json",
    )  # fmt: skip
    assert ran.code == 0, ran.err
    (put,) = [r for r in env.sandbox.requests if r.method == "PUT"]
    assert put.json == {
        "status": "In Progress",
        "priority": "1 High",
        "user_id": 101,
        "due_date": "2026-12-24",
    }
    assert t.status == "In Progress" and t.user_id == 101
    again = env.run("update", str(t.number), "--status", "In Progress", "--priority", "1 High",
                    "--assign", "101", "--due", "2026-12-24", "--yes")  # fmt: skip
    assert again.code == 7 and env.sandbox.count("PUT", "*") == 1


def test_update_with_a_status_syncro_does_not_have_is_a_usage_error(env):
    t = env.open_ticket()
    ran = env.run("update", str(t.number), "--status", "Nonsense", "--yes")
    assert ran.code == 2 and "Choose one of" in ran.err and env.writes() == 0


def test_bill_runs_the_tui_plan_and_a_repeat_is_refused(env):
    t = env.open_ticket()
    argv = ["bill", str(t.number), "--minutes", "1h30m", "--labor", "remote",
            "--description", "Replaced the switch", "--invoice", "--yes", "--json"]  # fmt: skip
    ran = env.run(*argv)
    assert ran.code == 0, ran.err
    doc = json.loads(ran.out)
    assert [s["title"] for s in doc["preview"]["requests"]][:2] == [
        "Post the resolution comment",
        "Add 1.50 h of Labor - Remote Business",
    ]
    assert [s["state"] for s in doc["result"]["steps"]] == ["done"] * 5
    (item,) = t.line_items
    assert item.quantity == 1.5 and item.taxable is False
    assert t.status == "Invoiced" and len(t.invoice_ids) == 1
    ran = env.run(*argv)
    assert ran.code == 7 and len(t.line_items) == 1


def test_bill_needs_minutes_and_labor(env):
    t = env.open_ticket()
    ran = env.run("bill", str(t.number), "--description", "x", "--yes")
    assert ran.code == 2 and "--minutes" in ran.err
    ran = env.run("bill", str(t.number), "--minutes", "30", "--labor", "nope",
                  "--description", "x", "--yes")  # fmt: skip
    assert ran.code == 2 and "Choose one of: remote" in ran.err
    assert env.writes() == 0


def test_new_ticket_lists_similar_open_tickets_before_confirming(env):
    t = env.open_ticket()
    customer = env.sandbox.state.customers[t.customer_id]
    ran = env.run("new", "--customer", customer.business_then_name, "--subject", t.subject)
    assert ran.code == 3
    assert f"#{t.number}" in ran.out and "similar open ticket" in ran.out
    before = len(env.sandbox.state.tickets)
    ran = env.run("new", "--customer", str(t.customer_id), "--subject", t.subject,
                  "--body", "Called in", "--yes", "--json")  # fmt: skip
    assert ran.code == 0, ran.err
    doc = json.loads(ran.out)
    assert len(env.sandbox.state.tickets) == before + 1
    assert doc["result"]["record_id"] in env.sandbox.state.tickets
    assert env.run("new", "--customer", str(t.customer_id), "--subject", t.subject,
                   "--body", "Called in", "--yes").code == 7  # fmt: skip
    assert len(env.sandbox.state.tickets) == before + 1


def test_writes_lists_the_journal(env):
    t = env.open_ticket()
    env.run("comment", str(t.number), "--body", MARK, "--yes")
    ran = env.run("writes")
    assert ran.code == 0 and "landed" in ran.out and f"#{t.number}" in ran.out
    (entry,) = json.loads(env.run("writes", "--json").out)
    assert entry["outcome"] == "landed" and entry["payload"]["body"] == MARK


def test_absent_is_5_and_writes_resend_sends_it_once(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=error_before:503*1")
    ran = env.run("comment", str(t.number), "--body", MARK, "--yes")
    assert ran.code == 5, ran.err
    assert _comments(t) == 0 and env.posts() == 1
    assert "syncro-tui writes resend 1" in ran.err
    # running the command again is not the way: it points at the resend
    again = env.run("comment", str(t.number), "--body", MARK, "--yes")
    assert again.code == 7 and "writes resend 1" in again.err and env.posts() == 1
    assert env.run("writes", "resend", "1").code == 3 and env.posts() == 1
    ran = env.run("writes", "resend", "1", "--yes")
    assert ran.code == 0, ran.err
    assert _comments(t) == 1
    ran = env.run("writes", "resend", "1", "--yes")
    assert ran.code == 7 and _comments(t) == 1


def test_unknown_is_6_and_never_resent_until_verified(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=drop_after*1")
    env.sandbox.faults.add("GET /tickets/*/comments=error_before:400")
    ran = env.run("comment", str(t.number), "--body", MARK, "--yes")
    assert ran.code == 6, ran.err
    assert "NOT resent" in ran.err and "writes verify 1" in ran.err
    again = env.run("comment", str(t.number), "--body", MARK, "--yes")
    assert again.code == 7 and "unknown" in again.err
    assert _comments(t) == 1 and env.posts() == 1
    env.sandbox.faults.clear()
    ran = env.run("writes", "verify", "1", "--json")
    assert ran.code == 0 and json.loads(ran.out)["outcome"] == "landed"
    assert _comments(t) == 1 and env.posts() == 1


def test_body_from_a_file_and_the_assignee_named_in_the_preview(env, tmp_path):
    t = env.open_ticket()
    body = tmp_path / "note.txt"
    body.write_text("line one\nline two\n", encoding="utf-8")
    ran = env.run("comment", str(t.number), "--body-file", str(body), "--dry-run", "--json")
    assert ran.code == 0
    doc = json.loads(ran.out)
    assert doc["preview"]["requests"][0]["json"]["body"] == "line one\nline two\n"
    missing = env.run("comment", str(t.number), "--body-file", str(tmp_path / "nope"), "--yes")
    assert missing.code == 2 and "Cannot read" in missing.err
    ran = env.run("update", str(t.number), "--assign", "Priya", "--dry-run")
    assert ran.code == 0 and '"user_id": 102' in ran.out and "is Priya Shah" in ran.out
    assert env.writes() == 0


def test_a_read_only_data_folder_reads_but_sends_nothing(env, monkeypatch):
    import syncro_tui.startup

    reason = "Read-only: nothing can be sent, because the write journal cannot be saved."
    monkeypatch.setattr(syncro_tui.startup, "read_only_reason", lambda: reason)
    t = env.open_ticket()
    assert env.run("show", str(t.number)).code == 0
    ran = env.run("comment", str(t.number), "--body", MARK, "--yes")
    assert ran.code == 1 and "write journal cannot be saved" in ran.err
    assert env.writes() == 0
    assert env.run("writes").code == 0


def test_on_a_terminal_absent_is_asked_again_and_y_resends_it_once(env):
    # the same loop as the TUI (core.sender): "It did not arrive: send it again?"
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=error_before:503*1")
    ran = env.run("comment", str(t.number), "--body", MARK, tty=True, stdin="y\ny\n")
    assert ran.code == 0, ran.err
    assert "It did not arrive: send it again?" in ran.err and "Send it again? [y/N]" in ran.err
    assert f"POST /tickets/{t.id}/comment" in ran.err  # the exact request, shown again
    assert _comments(t) == 1 and env.posts() == 2


def test_on_a_terminal_absent_and_no_is_5_and_nothing_resent(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=error_before:503*1")
    ran = env.run("comment", str(t.number), "--body", MARK, tty=True, stdin="y\nn\n")
    assert ran.code == 5, ran.err
    assert "syncro-tui writes resend 1" in ran.err
    assert _comments(t) == 0 and env.posts() == 1


def test_yes_consents_once_a_resend_is_never_asked_nor_sent(env):
    t = env.open_ticket()
    env.sandbox.faults.add("POST /tickets/*/comment=error_before:503*1")
    ran = env.run("comment", str(t.number), "--body", MARK, "--yes", tty=True, stdin="y\n")
    assert ran.code == 5, ran.err
    assert "[y/N]" not in ran.err  # nothing asked: neither the preview nor the resend
    assert _comments(t) == 0 and env.posts() == 1
