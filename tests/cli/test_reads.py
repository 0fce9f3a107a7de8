"""`tickets` and `show`: plain lines and JSON, cleaned API text, a closed pipe."""

from __future__ import annotations

import json
import subprocess
import sys

from syncro_tui.sandbox.state import CLOSED_STATUSES


def test_tickets_lists_every_open_ticket_as_aligned_lines(env, monkeypatch):
    monkeypatch.delenv("COLUMNS", raising=False)  # piped: no width to fit, nothing cut
    ran = env.run("tickets")
    assert ran.code == 0, ran.err
    lines = ran.out.splitlines()
    open_ = [t for t in env.sandbox.state.tickets.values() if t.status not in CLOSED_STATUSES]
    assert len(lines) == len(open_)
    newest = max(open_, key=lambda t: t.number)
    assert lines[0].startswith(f"#{newest.number} ")
    assert newest.subject in lines[0] and newest.status in lines[0]
    # aligned: the status column starts at the same place on every line
    starts = {line.index("  ") for line in lines}
    assert len(starts) == 1


def test_tickets_json_with_filters_and_limit(env):
    ticket = env.open_ticket()
    ran = env.run("tickets", "--json", "--customer", str(ticket.customer_id))
    assert ran.code == 0, ran.err
    rows = json.loads(ran.out)
    assert rows and {r["customer_id"] for r in rows} == {ticket.customer_id}
    assert set(rows[0]) >= {
        "number", "id", "status", "priority", "customer", "subject", "assignee",
        "updated_at", "due_date",
    }  # fmt: skip
    assert ticket.id in {r["id"] for r in rows}
    limited = json.loads(env.run("tickets", "--limit", "3", "--json").out)
    assert len(limited) == 3
    resolved = json.loads(env.run("tickets", "--status", "Resolved", "--json").out)
    assert resolved and {r["status"] for r in resolved} == {"Resolved"}


def test_tickets_mine_and_query(env):
    mine = json.loads(env.run("tickets", "--view", "mine", "--json").out)
    assert mine and {r["assignee_id"] for r in mine} == {101}
    ticket = env.open_ticket()
    word = ticket.subject.split()[-1]
    found = json.loads(env.run("tickets", "--query", word, "--json").out)
    assert ticket.id in {r["id"] for r in found}


def test_lines_fit_the_terminal_width(env, monkeypatch):
    monkeypatch.setenv("COLUMNS", "50")
    ran = env.run("tickets")
    assert ran.code == 0
    assert max(len(line) for line in ran.out.splitlines()) <= 50


def _escape_ticket(env):
    for t in env.sandbox.state.tickets.values():
        if any("\x1b" in c.body for c in t.comments):
            return t
    raise AssertionError("the sandbox plants one escape-sequence comment")


def test_show_prints_api_text_cleaned(env):
    ticket = _escape_ticket(env)
    ticket.subject = "\x1b[31mred\x1b[0m subject\x07"
    ran = env.run("show", str(ticket.number))
    assert ran.code == 0, ran.err
    assert "\x1b" not in ran.out and "\x07" not in ran.out
    assert "FATAL" in ran.out and "red subject" in ran.out
    data = json.loads(env.run("show", str(ticket.number), "--json").out)
    assert "\x1b" not in json.dumps(data, ensure_ascii=False)
    assert data["subject"] == "red subject"


def test_show_has_fields_contact_last_five_comments_newest_first(env):
    ticket = max(env.sandbox.state.tickets.values(), key=lambda t: len(t.comments))
    data = json.loads(env.run("show", f"#{ticket.number}", "--json").out)
    assert data["number"] == str(ticket.number)
    assert len(data["comments"]) == min(5, len(ticket.comments))
    stamps = [c["created_at"] for c in data["comments"]]
    assert stamps == sorted(stamps, reverse=True)
    assert {c["visibility"] for c in data["comments"]} <= {"public", "private"}
    assert "line_items" in data and "timers" in data and "contact" in data
    plain = env.run("show", str(ticket.number)).out
    assert "Comments (last" in plain and "Line items:" in plain and "Timers:" in plain
    assert ("PRIVATE" in plain) == any(c["visibility"] == "private" for c in data["comments"])


def test_show_unknown_number_is_an_error_on_stderr(env):
    ran = env.run("show", "999999")
    assert ran.code == 1
    assert ran.out == "" and "no ticket #999999" in ran.err


def test_missing_or_rejected_key_is_code_4(env, monkeypatch):
    monkeypatch.setenv("SYNCRO_API_KEY", "wrong-key")
    ran = env.run("tickets")
    assert ran.code == 4 and "wrong-key" not in ran.out + ran.err
    monkeypatch.delenv("SYNCRO_API_KEY")
    ran = env.run("tickets")
    assert ran.code == 4 and "syncro-tui login" in ran.err


def test_no_account_is_code_2(tmp_path, capsys):
    from syncro_tui import cli

    assert cli.main(["tickets"]) == 2
    assert "subdomain" in capsys.readouterr().err


def test_a_closed_pipe_ends_quietly():
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncro_tui", "tickets", "--demo"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    proc.stdout.close()  # the reader is gone before the first line (`| head -0`)
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=60) == 0
    assert "Traceback" not in err and "BrokenPipe" not in err
