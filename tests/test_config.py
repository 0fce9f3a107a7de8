from __future__ import annotations

import pytest

from syncro_tui.config import ConfigError, load_settings


def write(tmp_path, text: str):
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_file_then_env_then_flags(tmp_path):
    path = write(
        tmp_path,
        'subdomain = "acme"\npoll_seconds = 120\nrequests_per_minute = 100\n[ui]\ntheme = "nord"\n',
    )
    env = {"SYNCRO_TUI_POLL_SECONDS": "30", "SYNCRO_TUI_UI__THEME": "dracula"}
    s = load_settings(path, env=env, flags={"poll_seconds": 45})
    assert s.subdomain == "acme"
    assert s.requests_per_minute == 100  # from the file
    assert s.poll_seconds == 45  # flag beats env beats file
    assert s.ui.theme == "dracula"  # env beats file
    assert load_settings(path, env=env).poll_seconds == 30
    assert load_settings(path, env={}).poll_seconds == 120


def test_config_path_from_environment(tmp_path):
    path = write(tmp_path, 'subdomain = "fromenv"\n')
    s = load_settings(env={"SYNCRO_TUI_CONFIG": str(path)})
    assert s.account == "fromenv"
    assert s.config_found


def test_defaults_without_file(tmp_path):
    s = load_settings(env={})
    assert not s.config_found
    assert s.requests_per_minute == 150
    assert s.auth_style == "header"
    assert s.closed_statuses == ("Resolved", "Invoiced", "Closed")
    assert not s.has_account
    with pytest.raises(ConfigError, match="No Syncro account"):
        _ = s.api_base_url


def test_base_url_and_account(tmp_path):
    s = load_settings(env={}, flags={"base_url": "http://127.0.0.1:8765/api/v1/"})
    assert s.api_base_url == "http://127.0.0.1:8765/api/v1"
    assert s.account == "127.0.0.1:8765"
    s = load_settings(env={}, flags={"subdomain": "acme"})
    assert s.api_base_url == "https://acme.syncromsp.com/api/v1"


@pytest.mark.parametrize(
    "text, message",
    [
        ("requests_per_minute = 500", "between 1 and 180"),
        ("requests_per_minute = 'lots'", "whole number"),
        ("auth_style = 'cookie'", "auth_style"),
        ("subdomain = 'acme.syncromsp.com'", "not a Syncro subdomain"),
        ("base_url = 'http://example.com/api/v1'", "https"),
        ("poll_seconds = 1", "at least|between"),
        ("[labor_products]\nremote = 'abc'", "labor_products.remote"),
        ("[ui]\nbell = 'maybe'", "ui.bell"),
        ("this is not toml", "not valid TOML"),
    ],
)
def test_bad_values_name_the_setting(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message):
        load_settings(write(tmp_path, text), env={})


def test_env_lists_and_tables(tmp_path):
    env = {
        "SYNCRO_TUI_CLOSED_STATUSES": "Resolved, Closed",
        "SYNCRO_TUI_LABOR_PRODUCTS": '{"remote": 11, "onsite": 12}',
    }
    s = load_settings(env=env)
    assert s.closed_statuses == ("Resolved", "Closed")
    assert s.labor_products == {"remote": 11, "onsite": 12}


def test_unknown_settings_warn(tmp_path):
    s = load_settings(write(tmp_path, 'subdomian = "typo"\n'), env={"SYNCRO_TUI_NOPE": "1"})
    assert any("subdomian" in w for w in s.warnings)
    assert any("SYNCRO_TUI_NOPE" in w for w in s.warnings)


def test_missing_explicit_file_is_an_error(tmp_path):
    with pytest.raises(ConfigError, match="does not exist"):
        load_settings(tmp_path / "nope.toml", env={})


def test_example_config_is_valid():
    from pathlib import Path

    example = Path(__file__).resolve().parents[1] / "config.example.toml"
    s = load_settings(example, env={})
    assert s.warnings == ()
    assert s.labor_products  # documents the labor table


# --------------------------------------------------------------------------- issue 15


def test_a_subdomain_flag_beats_a_base_url_in_the_file(tmp_path):
    path = write(tmp_path, 'base_url = "https://old.syncromsp.com/api/v1"\n')
    s = load_settings(path, env={}, flags={"subdomain": "acme"})
    assert s.api_base_url == "https://acme.syncromsp.com/api/v1"
    assert s.source("subdomain") == "command line (--subdomain)"
    env = {"SYNCRO_TUI_SUBDOMAIN": "fromenv"}
    assert load_settings(path, env=env).api_base_url == "https://fromenv.syncromsp.com/api/v1"
    # and a base_url flag beats a subdomain anywhere
    s = load_settings(
        write(tmp_path, 'subdomain = "acme"\n'),
        env=env,
        flags={"base_url": "http://127.0.0.1:9/api/v1"},
    )
    assert s.api_base_url == "http://127.0.0.1:9/api/v1" and s.subdomain == ""


def test_a_bad_environment_value_names_the_variable_not_a_missing_file(tmp_path):
    with pytest.raises(ConfigError) as caught:
        load_settings(env={"SYNCRO_TUI_POLL_SECONDS": "soon"})
    message = str(caught.value)
    assert message.startswith("environment variable SYNCRO_TUI_POLL_SECONDS: poll_seconds")
    assert "config.toml" not in message
    with pytest.raises(ConfigError, match="^environment variable SYNCRO_TUI_UI__PLAIN: ui.plain"):
        load_settings(env={"SYNCRO_TUI_UI__PLAIN": "maybe"})
    path = write(tmp_path, "poll_seconds = 2\n")
    with pytest.raises(ConfigError, match=f"^{path}: poll_seconds must be"):
        load_settings(path, env={})


@pytest.mark.parametrize(
    "line", ["timeout_seconds = true", "poll_seconds = true", "labor_products = { Labor = true }"]
)
def test_booleans_are_not_numbers(tmp_path, line):
    with pytest.raises(ConfigError, match="(number|seconds)"):
        load_settings(write(tmp_path, line + "\n"), env={})


def test_sources_say_where_each_value_came_from(tmp_path):
    path = write(tmp_path, 'subdomain = "acme"\npoll_seconds = 120\n[ui]\ntheme = "nord"\n')
    s = load_settings(path, env={"SYNCRO_TUI_UI__BELL": "false"}, flags={"log_level": "DEBUG"})
    assert s.source("subdomain") == str(path) and s.source("ui.theme") == str(path)
    assert s.source("ui.bell") == "environment variable SYNCRO_TUI_UI__BELL"
    assert s.source("log_level") == "command line (--log-level)"
    assert s.source("reconcile_minutes") == "default"
