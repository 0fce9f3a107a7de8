"""Settings that do nothing are said once in the TUI at start, not only by `doctor`."""

from __future__ import annotations

from dataclasses import replace

from tests.ui.conftest import settle
from tests.ui.helpers import notifications


async def test_unknown_keys_theme_and_keymap_ids_are_warned_once_at_start(make_app):
    app = make_app(keymap={"comment": "C", "coment": "x"})
    app.settings = replace(
        app.settings,
        warnings=("config.toml: unknown setting pol_seconds (ignored)",),
        ui=replace(app.settings.ui, theme="no-such-theme"),
    )
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        said = [n for n in notifications(app) if "pol_seconds" in n]
        assert len(said) == 1
        [text] = said
        assert "Unknown theme 'no-such-theme'" in text and "textual-dark" in text
        assert "'coment'" in text and "'comment'" not in text
        await pilot.press("r")
        await settle(pilot)
        assert len([n for n in notifications(app) if "pol_seconds" in n]) == 1


async def test_good_settings_say_nothing(make_app):
    app = make_app(keymap={"comment": "C"})
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert not [n for n in notifications(app) if "keymap" in n or "theme" in n.lower()]
