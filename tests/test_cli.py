"""The command line: login/logout against the loopback sandbox, doctor, sandbox, --version."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from syncro_tui import cli, secrets
from syncro_tui.config import load_settings
from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_LABOR_PRODUCTS, Sandbox


@pytest.fixture
def server():
    sb = Sandbox(tickets=30)
    with sb.serve("127.0.0.1", 0) as running:
        yield sb, running


def run_cli(monkeypatch, capsys, argv, stdin=""):
    monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
    code = cli.main(argv)
    out = capsys.readouterr()
    return code, out.out, out.err


def test_version_does_not_import_textual():
    out = subprocess.run(
        [sys.executable, "-m", "syncro_tui", "--version"], capture_output=True, text=True
    )
    assert out.returncode == 0 and out.stdout.startswith("syncro-tui ")


def test_login_checks_the_key_then_stores_it(server, monkeypatch, capsys, memory_keyring):
    sb, running = server
    code, out, err = run_cli(
        monkeypatch, capsys, ["--base-url", running.url, "login"], DEFAULT_API_KEY + "\n"
    )
    assert code == 0, err
    assert "Authenticated as Alex Rivera (user_id 101)" in out
    account = load_settings(env={}, flags={"base_url": running.url}).account
    assert memory_keyring.data[("syncro-tui", account)] == DEFAULT_API_KEY
    assert DEFAULT_API_KEY not in out + err

    code, out, _ = run_cli(monkeypatch, capsys, ["--base-url", running.url, "logout"])
    assert code == 0 and "Removed the key" in out
    assert secrets.find_key(account) is None


def test_login_with_a_wrong_key_stores_nothing(server, monkeypatch, capsys, memory_keyring):
    _, running = server
    code, out, err = run_cli(
        monkeypatch, capsys, ["--base-url", running.url, "login"], "not-the-key\n"
    )
    assert code == 1
    assert "Nothing was stored" in err
    assert "not-the-key" not in out + err
    assert memory_keyring.data == {}


def test_login_without_an_account_says_what_to_do(monkeypatch, capsys):
    code, _, err = run_cli(monkeypatch, capsys, ["login"], "k\n")
    assert code == 2
    assert "subdomain" in err


def test_doctor_reports_in_plain_words(server, monkeypatch):
    from syncro_tui.doctor import diagnose

    sb, running = server
    monkeypatch.setenv("SYNCRO_API_KEY", DEFAULT_API_KEY)
    labor = dict(DEMO_LABOR_PRODUCTS, bogus=999999)
    settings = load_settings(env={}, flags={"base_url": running.url, "labor_products": labor})
    sb.state.set_permission("Invoices - Create", False)
    text = diagnose(settings).render()
    assert "API key found in the environment" in text
    assert "the key belongs to Alex Rivera (user_id 101)" in text
    assert "Labor product remote = 5001 (Labor - Remote Business)" in text
    assert "[FAIL] Labor product bogus = 999999 does not exist" in text
    assert "Terminal" in text
    assert DEFAULT_API_KEY not in text


def test_doctor_without_key(server):
    from syncro_tui.doctor import diagnose

    _, running = server
    settings = load_settings(env={}, flags={"base_url": running.url})
    report = diagnose(settings)
    assert report.failed
    assert "run `syncro-tui login`" in report.render()


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_sandbox_command_serves_on_loopback(tmp_path):
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "syncro_tui", "sandbox", "--port", str(port), "--tickets", "20"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        url = f"http://127.0.0.1:{port}/api/v1/me"
        for _ in range(100):
            try:
                req = urllib.request.Request(
                    url, headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"}
                )
                body = json.load(urllib.request.urlopen(req, timeout=2))
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("sandbox did not answer")
        assert body["user_name"] == "Alex Rivera"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def test_doctor_with_demo_says_it_checks_your_own_set_up(monkeypatch, capsys):
    """`--demo` used to be ignored by doctor, which then failed on "No account"."""
    code, out, err = run_cli(monkeypatch, capsys, ["doctor", "--demo"])
    assert code == 2 and out == ""
    assert "demo account needs no set-up" in err and "without --demo" in err
    assert "FAIL" not in err


def test_common_flags_go_before_or_after_the_command():
    parser = cli.build_parser()
    before = parser.parse_args(["--config", "a.toml", "--demo", "doctor"])
    after = parser.parse_args(["doctor", "--base-url", "http://127.0.0.1:1/api/v1", "--demo"])
    assert (before.config, before.demo, before.command) == ("a.toml", True, "doctor")
    assert (after.base_url, after.demo, after.config) == ("http://127.0.0.1:1/api/v1", True, None)
    # a flag after the command never resets the one given before it
    both = parser.parse_args(["--subdomain", "acme", "doctor", "--demo"])
    assert both.subdomain == "acme" and both.demo is True


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["--demo"],
        ["--demo", "--plain", "--theme", "nord"],
        ["--config", "tickets", "--log-level", "debug"],  # a flag's value named like a command
        ["--dem", "--read-only", "--base-url=https://acme.syncromsp.com/api/v1"],
        ["--subdomain", "acme", "--log-level=info"],
    ],
)
def test_the_tuis_own_flags_read_as_the_full_parser_reads_them(argv):
    from syncro_tui.cli.entry import parse_args

    assert vars(parse_args(argv)) == vars(cli.build_parser().parse_args(argv))


@pytest.mark.parametrize(
    "argv",
    [["--help"], ["--version"], ["--bogus"], ["--log-level", "loud"], ["ticket"], ["--config"]],
)
def test_anything_more_than_the_tuis_flags_gets_the_full_parsers_answer(argv, capsys):
    from syncro_tui.cli.entry import parse_args

    answers = []
    for parse in (parse_args, cli.build_parser().parse_args):
        with pytest.raises(SystemExit) as done:
            parse(argv)
        answers.append((done.value.code, capsys.readouterr()))
    assert answers[0] == answers[1] and answers[0][0] in (0, 2)


def test_starting_the_tui_builds_no_commands_parser():
    """`syncro-tui` and `syncro-tui --demo` read their flags without importing the 20
    commands' modules and building their parsers (CPU before every start of the TUI)."""
    probe = (
        "import sys; from syncro_tui.cli.entry import parse_args; "
        "a = parse_args(['--demo', '--plain']); "
        "print(a.demo, a.plain, a.command, 'syncro_tui.cli.tickets' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.split() == ["True", "True", "None", "False"], out.stderr


def test_help_lists_every_command_and_the_exit_codes(capsys):
    from syncro_tui.cli.registry import COMMANDS

    with pytest.raises(SystemExit) as done:
        cli.main(["--help"])
    assert done.value.code == 0
    out = capsys.readouterr().out
    for command in COMMANDS:
        assert f"  {command.name} " in out
    assert "exit codes:" in out and "7  refused as a repeat" in out


def test_a_bad_config_file_is_a_usage_error(tmp_path, capsys):
    bad = tmp_path / "c.toml"
    bad.write_text("subdomain = [", encoding="utf-8")
    assert cli.main(["doctor", "--config", str(bad)]) == 2
    assert "not valid TOML" in capsys.readouterr().err


# --------------------------------------------------------------------------- doctor (issue 15)


def test_doctor_fails_when_billing_cannot_work_and_lists_valid_labor_products(server, monkeypatch):
    from syncro_tui.doctor import diagnose

    sb, running = server
    monkeypatch.setenv("SYNCRO_API_KEY", DEFAULT_API_KEY)
    none = diagnose(load_settings(env={}, flags={"base_url": running.url}))
    assert none.failed
    text = none.render()
    assert "[FAIL] No [labor_products] configured: billing cannot work" in text
    assert "5001 Labor - Remote Business" in text

    wrong = diagnose(
        load_settings(env={}, flags={"base_url": running.url, "labor_products": {"remote": 4242}})
    )
    text = wrong.render()
    assert "[FAIL] Labor product remote = 4242 does not exist" in text
    assert "[FAIL] Valid labor products: " in text and "5001 Labor - Remote Business" in text


def test_doctor_shows_versions_folders_keyring_and_canned_responses(server, monkeypatch):
    from syncro_tui.doctor import diagnose

    sb, running = server
    monkeypatch.setenv("SYNCRO_API_KEY", DEFAULT_API_KEY)
    settings = load_settings(
        env={}, flags={"base_url": running.url, "labor_products": dict(DEMO_LABOR_PRODUCTS)}
    )
    from syncro_tui import paths

    paths.ensure(paths.data_dir())
    text = diagnose(settings).render()
    assert "Versions: syncro-tui " in text and "textual 8." in text
    assert f"Folder data: {paths.data_dir()} (mode 0700, " in text and "MiB free" in text
    assert "Key storage: OS keyring (tests.support.keyring.MemoryKeyring)" in text
    assert "Permission to read canned responses." in text
    sb.state.set_permission("Ticket Canned Responses - Manage", False)
    assert "may not read canned responses" in diagnose(settings).render()


def test_doctor_advice_when_the_bad_key_came_from_the_environment(server, monkeypatch):
    from syncro_tui.doctor import diagnose

    _, running = server
    monkeypatch.setenv("SYNCRO_API_KEY", "wrong-key")
    text = diagnose(load_settings(env={}, flags={"base_url": running.url})).render()
    assert "[FAIL] GET /me failed" in text
    assert "unset SYNCRO_API_KEY" in text and "to store a valid key" not in text


def test_doctor_json(server):
    from tests.support.terminal import run

    _, running = server
    ran = run(["--base-url", running.url, "doctor", "--json"])
    data = json.loads(ran.out)
    assert ran.code == 1 and data["ok"] is False
    assert {
        "state": "fail",
        "text": "No API key for "
        + load_settings(env={}, flags={"base_url": running.url}).account
        + ": run `syncro-tui login`.",
    } in data["checks"]


def test_sandbox_command_takes_every_flag_of_the_sandbox_server():
    """One list of flags: `syncro-tui sandbox` and `python -m syncro_tui.sandbox.server`."""
    import argparse

    from syncro_tui.cli.entry import build_parser
    from syncro_tui.sandbox.server import add_arguments

    server = argparse.ArgumentParser()
    add_arguments(server)
    flags = [a.option_strings[-1] for a in server._actions if a.option_strings[-1] != "--help"]
    argv = ["sandbox", "--data-time", "1780000000", "--deny", "X", "--big-ids", "--port", "0"]
    args = build_parser().parse_args(argv)
    assert (args.data_time, args.deny, args.big_ids, args.port) == (1780000000.0, ["X"], True, 0)
    sandbox = build_parser()._subparsers._group_actions[0].choices["sandbox"]
    assert set(flags) <= {s for a in sandbox._actions for s in a.option_strings}


def test_the_tuis_modules_before_its_first_paint_import_no_json_nor_html():
    """Neither json nor html (html.entities' table) is needed before the TUI's first paint;
    Textual imports neither: ~4 ms of CPU on every start (issue 14)."""
    probe = (
        "import sys; import syncro_tui.cli.entry, syncro_tui.launch, syncro_tui.secrets, "
        "syncro_tui.startup, syncro_tui.core.cache, syncro_tui.ui.app, "
        "syncro_tui.ui.screens.main; "
        "from syncro_tui.config import load_settings; load_settings(env={}); "
        "import os, tempfile; from syncro_tui import startup; "
        "ca = tempfile.mkstemp()[1]; startup._ca_stamp(ca, None); os.unlink(ca); "
        "print(sorted(m for m in ('json', 'html') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert out.stdout.split() == ["[]"], out.stderr
