"""`syncro-tui config show|init`, `completion`, and the packaged example and licence."""

from __future__ import annotations

import json
import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.support.terminal import run

ROOT = Path(__file__).resolve().parents[1]


def env_with(**values):
    env = dict(os.environ)
    env.update({k: str(v) for k, v in values.items()})
    return env


def test_config_init_writes_the_documented_example_privately(isolated_home):
    ran = run(["config", "init"])
    assert ran.code == 0, ran.err
    target = isolated_home / "config" / "config.toml"
    assert target.read_text() == (ROOT / "config.example.toml").read_text()
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    again = run(["config", "init"])
    assert again.code == 1 and "already exists" in again.err
    assert run(["config", "init", "--force"]).code == 0


def test_config_show_says_where_each_setting_came_from_and_never_the_key(tmp_path):
    config = tmp_path / "c.toml"
    config.write_text('subdomain = "acme"\npoll_seconds = 120\n[ui]\ntheme = "nord"\n')
    env = env_with(SYNCRO_TUI_UI__BELL="false", SYNCRO_API_KEY="the-secret-key-value")
    ran = run(["--config", str(config), "--log-level", "debug", "config", "show"], env=env)
    assert ran.code == 0, ran.err
    lines = {line.split(" =")[0].strip(): line for line in ran.out.splitlines() if " = " in line}
    assert lines["subdomain"].endswith(f"# {config}")
    assert lines["poll_seconds"].startswith("poll_seconds") and "120" in lines["poll_seconds"]
    assert "# environment variable SYNCRO_TUI_UI__BELL" in lines["ui.bell"]
    assert "# command line (--log-level)" in lines["log_level"]
    assert "# default" in lines["reconcile_minutes"]
    assert "api key" in ran.out and "environment variable SYNCRO_API_KEY" in ran.out
    assert "the-secret-key-value" not in ran.out + ran.err

    data = json.loads(run(["--config", str(config), "config", "show", "--json"], env=env).out)
    assert data["settings"]["poll_seconds"] == {"value": 120, "from": str(config)}
    assert data["api_key"] == {"from": "environment variable SYNCRO_API_KEY"}


def test_the_example_ships_inside_the_package_and_matches_the_repository():
    from syncro_tui.cli.config_cmd import example_text

    assert example_text() == (ROOT / "config.example.toml").read_text()


def test_licence_metadata_is_the_current_form():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")


def test_completion_scripts_name_every_command():
    for shell in ("bash", "zsh", "fish"):
        ran = run(["completion", shell])
        assert ran.code == 0, ran.err
        for command in ("login", "doctor", "config", "completion", "tickets"):
            assert command in ran.out


@pytest.mark.skipif(not shutil.which("bash"), reason="bash is not installed")
def test_bash_completion_completes_commands_and_choices(tmp_path):
    script = tmp_path / "c.bash"
    script.write_text(run(["completion", "bash"]).out)

    def complete(*words: str) -> list[str]:
        line = " ".join(words)
        code = (
            f"source {script}; COMP_WORDS=(syncro-tui {line}); "
            f"COMP_CWORD={len(words)}; _syncro_tui; printf '%s\\n' \"${{COMPREPLY[@]}}\""
        )
        done = subprocess.run(["bash", "-c", code], capture_output=True, text=True)
        assert done.returncode == 0, done.stderr
        return done.stdout.split()

    assert complete("do") == ["doctor"]
    assert complete("config", "")[:2] == ["show", "init"]
    assert "--json" in complete("config", "show", "--j")
    assert complete("completion", "f") == ["fish"]


@pytest.mark.parametrize("shell", ["zsh", "fish"])
def test_zsh_and_fish_scripts_parse(shell, tmp_path):
    if not shutil.which(shell):
        pytest.skip(f"{shell} is not installed")
    script = tmp_path / f"c.{shell}"
    script.write_text(run(["completion", shell]).out)
    check = [shell, "-n", str(script)] if shell == "zsh" else [shell, "--no-execute", str(script)]
    done = subprocess.run(check, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr


def test_login_writes_a_starter_config_with_labor_products_picked_from_products(isolated_home):
    import tomllib

    from syncro_tui.sandbox import DEFAULT_API_KEY, Sandbox

    with Sandbox(tickets=5).serve("127.0.0.1", 0) as running:
        ran = run(
            ["--base-url", running.url, "login", "--write-config"],
            stdin=DEFAULT_API_KEY + "\n1,2\n",
        )
        assert ran.code == 0, ran.err
        assert "Products that look like labor:" in ran.out and "Wrote " in ran.out
        target = isolated_home / "config" / "config.toml"
        data = tomllib.loads(target.read_text())
        assert data["base_url"] == running.url and len(data["labor_products"]) == 2
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
        # later commands need no --base-url
        env = env_with(SYNCRO_API_KEY=DEFAULT_API_KEY)
        doctor = run(["doctor"], env=env)
        assert f"Config found: {target}" in doctor.out
        assert "[FAIL] No [labor_products]" not in doctor.out


def test_login_labor_ids_without_questions(isolated_home):
    import tomllib

    from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_LABOR_PRODUCTS, Sandbox

    wanted = sorted(DEMO_LABOR_PRODUCTS.values())[:1]
    with Sandbox(tickets=5).serve("127.0.0.1", 0) as running:
        ran = run(
            ["--base-url", running.url, "login", "--write-config", "--labor", str(wanted[0])],
            stdin=DEFAULT_API_KEY + "\n",
        )
    assert ran.code == 0, ran.err
    data = tomllib.loads((isolated_home / "config" / "config.toml").read_text())
    assert list(data["labor_products"].values()) == wanted
