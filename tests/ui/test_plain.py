"""--plain: toggle buttons show their state in ASCII characters, not only in colour."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Checkbox, RadioButton

from tests.ui.conftest import settle


class Toggles(Screen[None]):
    def compose(self) -> ComposeResult:
        yield RadioButton("On", value=True, id="on")
        yield RadioButton("Off", id="off")
        yield Checkbox("Box", value=True, id="box")


async def test_plain_toggles_are_ascii(make_app):
    app = make_app(plain=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(Toggles())
        await pilot.pause()
        text = {w.id: str(w.render()).strip() for w in app.screen.query("RadioButton, Checkbox")}
    assert text == {"on": "(*) On", "off": "( ) Off", "box": "[X] Box"}


async def test_toggles_are_unchanged_without_plain(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await app.push_screen(Toggles())
        await pilot.pause()
        assert "●" in str(app.screen.query_one("#on", RadioButton).render())
