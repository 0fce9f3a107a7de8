"""[budget]: which shared tiers the limiter gets, from the file, the environment or defaults."""

from __future__ import annotations

import pytest

from syncro_tui.api.budget_machine import MachineWindow, account_key
from syncro_tui.api.budget_redis import RedisWindow
from syncro_tui.config import ConfigError, load_settings
from syncro_tui.core.connect import make_limiter


def _settings(tmp_path, text: str = "", **env):
    path = tmp_path / "config.toml"
    path.write_text('subdomain = "acme"\n' + text)
    return load_settings(path, env=env)


def test_the_default_is_one_budget_for_the_whole_machine(tmp_path):
    settings = _settings(tmp_path)
    assert settings.budget.scope == "machine" and settings.budget.redis_url == ""
    (tier,) = make_limiter(settings)._tiers
    assert isinstance(tier, MachineWindow) and tier.shared
    assert tier.path.parent == tmp_path / "tmp" / "syncro-tui-budget"  # TMPDIR, per test
    assert tier.path.name == account_key("https://acme.syncromsp.com/api/v1") + ".json"


def test_scope_user_keeps_the_per_user_budget_file(tmp_path):
    settings = _settings(tmp_path, '[budget]\nscope = "user"\n')
    (tier,) = make_limiter(settings)._tiers
    assert isinstance(tier, MachineWindow) and not tier.shared and tier.scope == "user"


def test_shared_dir_and_redis_url_from_the_file_and_the_environment(tmp_path):
    settings = _settings(
        tmp_path,
        f'[budget]\nshared_dir = "{tmp_path / "team"}"\n',
        SYNCRO_TUI_BUDGET__REDIS_URL="redis://127.0.0.1:6390/2",
    )
    assert settings.budget.shared_dir == str(tmp_path / "team")  # the file's key is kept
    assert settings.sources["budget.redis_url"][0] == "env"
    redis, machine = make_limiter(settings)._tiers
    assert isinstance(redis, RedisWindow) and redis.scope == "office"
    assert isinstance(machine, MachineWindow) and machine.path.parent == tmp_path / "team"


@pytest.mark.parametrize(
    "text, message",
    [
        ('[budget]\nscope = "galaxy"\n', "budget.scope"),
        ('[budget]\nredis_url = "http://x"\n', "budget.redis_url"),
        ("budget = 3\n", "[budget] must be a table"),
    ],
)
def test_bad_budget_settings_are_named(tmp_path, text, message):
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        _settings(tmp_path, text)


def test_an_unknown_budget_key_is_warned(tmp_path):
    settings = _settings(tmp_path, "[budget]\nshared = 1\n")
    assert any("budget.shared" in w for w in settings.warnings)


def test_the_example_config_documents_every_budget_setting():
    from pathlib import Path

    text = (Path(__file__).resolve().parents[2] / "config.example.toml").read_text()
    for key in ("[budget]", "scope =", "shared_dir =", "redis_url ="):
        assert key in text
