"""Start-up faults end in one clear line, never a traceback (through the real entry point).

Read-only folders are real: a read-only tmpfs when running as root (root ignores file modes),
else a folder without write permission.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox
from tests.support.terminal import run, run_closed_pipe, run_in_pty

ALT_SCREEN = "\x1b[?1049h"


def env_with(**values):
    env = dict(os.environ)
    for name, value in values.items():
        if value is None:
            env.pop(name, None)
        else:
            env[name] = str(value)
    return env


def make_read_only(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    if os.geteuid() == 0:
        if not shutil.which("mount"):
            pytest.skip("root without mount(8): cannot make a read-only folder")
        done = subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=64k,ro", "tmpfs", str(folder)],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs: {done.stderr.strip()}")
    else:
        folder.chmod(0o555)


@pytest.fixture
def read_only(tmp_path):
    made: list[Path] = []

    def make(folder: Path) -> Path:
        make_read_only(folder)
        made.append(folder)
        return folder

    yield make
    for folder in made:
        if os.geteuid() == 0:
            subprocess.run(["umount", "-l", str(folder)], check=False)
        else:
            folder.chmod(0o755)


@pytest.fixture
def server():
    sb = Sandbox(tickets=10)
    with sb.serve("127.0.0.1", 0) as running:
        yield sb, running


def read_only_home_env(home: Path, run_dir: Path, **more):
    """HOME read-only; the per-user runtime folder (/run/user/UID on Linux) writable."""
    run_dir.mkdir(mode=0o700, exist_ok=True)
    return env_with(
        HOME=home,
        SYNCRO_TUI_HOME=None,
        XDG_CONFIG_HOME=None,
        XDG_DATA_HOME=None,
        XDG_CACHE_HOME=None,
        XDG_STATE_HOME=None,
        XDG_RUNTIME_DIR=run_dir,
        **more,
    )


def visible(screen: str) -> str:
    return re.sub(r"\x1b\[[0-9;?<>=$]*[A-Za-z~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\\\)", "", screen)


def no_traceback(*texts: str) -> None:
    for text in texts:
        assert "Traceback" not in text and "Errno" not in text, text


# --------------------------------------------------------------------------- read-only home


def test_doctor_on_a_read_only_home_names_the_folder(tmp_path, read_only):
    home = read_only(tmp_path / "home")
    ran = run(["doctor"], env=read_only_home_env(home, tmp_path / "run"))
    no_traceback(ran.out, ran.err)
    assert f"Cannot write to {home} (read-only file system)" in ran.err
    assert "SYNCRO_TUI_HOME" in ran.err
    assert "[FAIL] Folder data: " in ran.out and "cannot be created" in ran.out
    assert ran.code == 1  # doctor still reports, and fails


def test_login_on_a_read_only_home_checks_the_key_and_says_where_it_cannot_store_it(
    tmp_path, read_only, server
):
    _, running = server
    home = read_only(tmp_path / "home")
    env = read_only_home_env(home, tmp_path / "run")
    ran = run(["--base-url", running.url, "login"], env=env, stdin=DEFAULT_API_KEY + "\n")
    no_traceback(ran.out, ran.err)
    assert "Authenticated as Alex Rivera" in ran.out
    assert f"Cannot write to {home} (read-only file system)" in ran.err
    assert "could not be stored" in ran.err and "SYNCRO_API_KEY" in ran.err
    assert ran.code == 1
    assert DEFAULT_API_KEY not in ran.out + ran.err


def test_demo_on_a_read_only_home_runs_read_only(tmp_path, read_only):
    home = read_only(tmp_path / "home")
    env = read_only_home_env(home, tmp_path / "run", TERM="xterm-256color")
    code, screen = run_in_pty(["--demo"], env=env, keys=b"q", wait=6)
    no_traceback(screen)
    assert code == 0
    assert "read-only" in screen and "Cannot write to" in screen.replace("\r\n", " ")


def test_tui_with_only_the_data_folder_read_only_runs_read_only(tmp_path, read_only):
    home = tmp_path / "home"
    read_only(home / "data")
    env = env_with(SYNCRO_TUI_HOME=home, TERM="xterm-256color")
    code, screen = run_in_pty(["--demo"], env=env, keys=b"q", wait=6)
    no_traceback(screen)
    assert code == 0 and "read-only" in screen
    assert (
        f"Read-only: nothing can be sent, because the write journal cannot be saved. Cannot write to {home / 'data'}"
        in screen
    )
    assert "demo (sandbox) │ read-only" in visible(screen)  # the header says so


# --------------------------------------------------------------------------- no terminal, TERM


def test_without_a_terminal_the_tui_refuses(tmp_path):
    ran = run(["--demo"], stdin="")  # stdin and stdout are pipes: `</dev/null | cat`
    assert ran.code == 2
    assert "needs a terminal" in ran.err
    assert "\x1b" not in ran.out + ran.err


def test_term_dumb_is_refused_with_what_to_do():
    code, screen = run_in_pty(["--demo"], env=env_with(TERM="dumb"))
    assert code == 2
    assert "TERM=dumb" in screen and ALT_SCREEN not in screen


# --------------------------------------------------------------------------- no account, no key


def test_first_run_without_config_mentions_demo_and_login():
    code, screen = run_in_pty([], env=env_with(TERM="xterm-256color"))
    assert code == 2 and ALT_SCREEN not in screen
    assert "--demo" in screen and "syncro-tui --subdomain NAME login" in screen


def test_no_key_ends_before_the_screen_opens():
    env = env_with(TERM="xterm-256color", SYNCRO_API_KEY=None)
    code, screen = run_in_pty(["--base-url", "http://127.0.0.1:9/api/v1"], env=env)
    assert code == 4
    assert ALT_SCREEN not in screen
    assert "No API key for 127.0.0.1:9: run `syncro-tui login`" in screen
    assert "--demo" in screen


# --------------------------------------------------------------------------- pipes, certificates


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--version"],
        ["doctor"],
        ["login", "--help"],
        ["--demo", "doctor"],
        ["config", "show"],
        ["completion", "bash"],
        ["--demo", "tickets"],
    ],
)
def test_a_closed_pipe_ends_quietly(args):
    ran = run_closed_pipe(args)
    assert ran.err.strip() == "" or "Traceback" not in ran.err, ran.err
    assert "BrokenPipe" not in ran.err and "Traceback" not in ran.err


@pytest.mark.parametrize("content", [None, "not a certificate\n"])
def test_a_bad_ssl_cert_file_gives_one_clear_line(tmp_path, content):
    cafile = tmp_path / "ca.pem"
    if content is not None:
        cafile.write_text(content)
    env = env_with(SSL_CERT_FILE=cafile, SYNCRO_API_KEY="some-key")
    for args in (["--subdomain", "acme", "doctor"], ["--subdomain", "acme", "login"]):
        ran = run(args, env=env, stdin="some-key\n")
        no_traceback(ran.err)
        [line] = [x for x in ran.err.splitlines() if "SSL_CERT_FILE" in x]
        assert line.startswith(f"syncro-tui: SSL_CERT_FILE={cafile}: ")
        assert ran.code == 2


def test_a_good_ca_file_is_read_once_until_it_changes(tmp_path, monkeypatch):
    """Reading a CA bundle cost 50-60 ms of every TUI start: a file found good is not read
    again while it is the same file; a changed or bad one is read (and a bad one said) again."""
    import ssl

    import certifi

    from syncro_tui import startup

    monkeypatch.setenv("SYNCRO_TUI_HOME", str(tmp_path / "home"))
    cafile = tmp_path / "ca.pem"
    shutil.copy(certifi.where(), cafile)
    reads = []
    real = ssl.create_default_context

    def counted(*args, **kwargs):
        reads.append(kwargs.get("cafile"))
        return real(*args, **kwargs)

    monkeypatch.setattr(ssl, "create_default_context", counted)
    env = {"SSL_CERT_FILE": str(cafile)}
    assert startup.ssl_problem(env, remember=True) is None
    assert startup.ssl_problem(env, remember=True) is None
    assert len(reads) == 1
    assert startup.ssl_problem(env) is None  # (doctor and login: always read)
    assert len(reads) == 2
    stamp = tmp_path / "home" / "cache" / "ca-checked.json"
    assert stat.S_IMODE(stamp.stat().st_mode) == 0o600
    cafile.write_text("not a certificate\n")  # the same path, now bad
    for _ in range(2):
        problem = startup.ssl_problem(env, remember=True)
        assert problem and problem.startswith(f"SSL_CERT_FILE={cafile}: ")
    assert len(reads) == 4


# --------------------------------------------------------------------------- hostile /me


HOSTILE = "Eve\x1b]52;c;cm0gLXJmIH4=\x07\x1b]0;pwned\x07\x1b[2J\x9b31mRed"


def test_login_prints_the_me_name_as_plain_text(server):
    sb, running = server
    sb.state.me.name = HOSTILE
    ran = run(["--base-url", running.url, "login"], stdin=DEFAULT_API_KEY + "\n")
    assert ran.code == 0, ran.err
    assert "Authenticated as Eve" in ran.out
    for text in (ran.out, ran.err):
        assert not re.search("[\x1b\x07\x9b]", text), repr(text)


def test_doctor_prints_api_text_as_plain_text(server):
    sb, running = server
    sb.state.me.name = HOSTILE
    env = env_with(SYNCRO_API_KEY=DEFAULT_API_KEY)
    ran = run(["--base-url", running.url, "doctor"], env=env)
    assert "the key belongs to Eve" in ran.out
    assert not re.search("[\x1b\x07\x9b]", ran.out + ran.err), repr(ran.out)


# --------------------------------------------------------------------------- NO_COLOR, --plain

COLOUR_PARAMS = {38, 48, *range(30, 38), *range(40, 48), *range(90, 98), *range(100, 108)}


def colour_codes(screen: str) -> list[str]:
    found = []
    for params in re.findall(r"\x1b\[([0-9;:]*)m", screen):
        numbers = {int(p) for p in re.split("[;:]", params) if p.isdigit()}
        if numbers & COLOUR_PARAMS:
            found.append(params)
    return found


def test_no_color_output_carries_no_colour_codes():
    env = env_with(TERM="xterm-256color", NO_COLOR="1")
    code, screen = run_in_pty(["--demo"], env=env, keys=b"q", wait=5)
    assert code == 0 and ALT_SCREEN in screen
    assert colour_codes(screen) == []


def test_plain_is_pure_ascii_borders_divider_radio_buttons_and_truncation():
    """The demo data holds a few non-ASCII names (Sørensen): those are content, not chrome."""
    env = env_with(TERM="xterm-256color")
    script = [(0.5, b"c"), (2.5, b"\x1b"), (3.5, b"q")]
    code, screen = run_in_pty(
        ["--demo", "--plain"], env=env, script=script, ready="Authenticated as", timeout=40
    )
    assert code == 0
    text = visible(screen)
    chrome = {ch for ch in text if ord(ch) > 127} - set("øØéüÜöÖäÄßñ")
    assert chrome == set()
    assert "Visibility" in text  # the comment form was drawn (its toggles: tests/ui/test_plain.py)
    assert "~" in text  # cut subjects still show they were cut


def test_a_web_driver_is_not_refused_for_want_of_a_terminal():
    """`textual serve "syncro-tui"` runs the app on pipes with TEXTUAL_DRIVER set."""
    import io

    from syncro_tui.startup import terminal_problem

    pipe = io.StringIO()
    assert "needs a terminal" in terminal_problem(pipe, pipe, env={"TERM": "xterm"})
    assert (
        terminal_problem(pipe, pipe, env={"TEXTUAL_DRIVER": "textual.drivers.web_driver:WebDriver"})
        is None
    )


def test_loose_folders_are_tightened_at_start_and_it_is_said_once(isolated_home):
    data = isolated_home / "data" / "drafts"
    data.mkdir(parents=True)
    for folder in (isolated_home / "data", data):
        folder.chmod(0o755)
    (data / "comment-1.json").write_text("{}")
    (data / "comment-1.json").chmod(0o644)
    first = run(["--demo", "doctor"])
    assert "Made 3 of syncro-tui's own files and folders private" in first.err
    assert (data / "comment-1.json").stat().st_mode & 0o077 == 0
    assert "private" not in run(["--demo", "doctor"]).err


@pytest.mark.parametrize("name", ["ca.pem", 'odd "name".pem', "back\\slash.pem", "caf\u00e9.pem"])
def test_the_ca_stamp_is_the_json_text_it_always_was(tmp_path, name):
    """A stamp written by an earlier version (json.dumps) still matches: no CA file read
    again (~40 ms of CPU) after an upgrade; made without importing json for plain paths."""
    import json

    from syncro_tui import startup

    cafile = tmp_path / name
    cafile.write_text("x")
    stamp = startup._ca_stamp(str(cafile), str(tmp_path))
    assert stamp == json.dumps(json.loads(stamp))
    assert json.loads(stamp)[0][0] == os.path.abspath(cafile)
