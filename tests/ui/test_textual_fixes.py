"""The app all day: a widget that is gone (a toast after its timeout) gives back what it drew,
and a line drawn carries only the caches it uses (``ui.textual_fixes``).

Textual #6665 kept every removed widget's drawn lines until 1,024 newer widgets pushed them
out; in the app a toast for each poll that brought news, all day."""

from __future__ import annotations

import gc
import weakref

from rich.segment import Segment
from rich.style import Style
from textual._styles_cache import StylesCache
from textual.cache import FIFOCache
from textual.color import Color
from textual.strip import Strip
from textual.widgets._toast import Toast

from syncro_tui.ui import textual_fixes
from tests.ui.conftest import settle


async def test_toasts_that_went_away_leave_nothing_they_drew_behind(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        gone: list[weakref.ref] = []
        for n in range(3):
            app.notify(f"{n + 2} customer replies", title="Syncro", timeout=0.2)
            await pilot.pause(0.1)
            toasts = list(app.screen.query(Toast))
            assert len(toasts) == 1, "the toast shows"
            gone.append(weakref.ref(toasts[0]._styles_cache))
            del toasts
            await pilot.pause(0.4)  # its timeout: the toast is removed
            assert not list(app.screen.query(Toast))
        # The next toast lays the rack out again (its list of shown toasts, cached, is new).
        app.notify("New ticket #1042: Printer offline", title="Syncro", timeout=5)
        await pilot.pause(0.1)
        gc.collect()
        assert [ref() is None for ref in gone] == [True, True, True]


def test_the_fix_gives_the_colours_textual_gives():
    """The cached answer depends on the colours only, and is Textual's own."""
    assert "textual#6665 StylesCache.get_inner_outer" in textual_fixes.apply()
    base, background = Color(10, 20, 30), Color(200, 100, 50, 0.5)
    one, other = StylesCache(), StylesCache()
    assert one.get_inner_outer(base, background) == other.get_inner_outer(base, background)
    inner, outer = one.get_inner_outer(base, background)
    assert inner.background == base + background
    assert outer.background == base


def _caches(strip: Strip) -> list[FIFOCache]:
    return [ref for ref in gc.get_referents(strip) if isinstance(ref, FIFOCache)]


def test_a_strip_makes_its_caches_only_when_it_uses_them():
    """Every line drawn is a Strip; most are never cropped, divided or restyled. Without the
    fix each carried seven empty caches (~960 of its ~1,100 bytes)."""
    assert "Strip caches made on first use" in textual_fixes.apply()
    strip = Strip([Segment("Printer offline in reception", Style(bold=True))], 28)
    assert _caches(strip) == [], "a new strip holds no cache"
    cropped = strip.crop(0, 7)
    assert cropped.text == "Printer"
    assert strip.crop(0, 7) is cropped, "the crop is cached, as Textual caches it"
    assert [c._maxsize for c in _caches(strip)] == [16], "only the crop cache, at Textual's size"
    parts = strip.divide([8, 16, 28])
    assert [p.text for p in parts] == ["Printer ", "offline ", "in reception"]
    assert strip.divide([8, 16, 28]) is parts
    assert sorted(c._maxsize for c in _caches(strip)) == [4, 16]
    assert strip.text == "Printer offline in reception" and strip.cell_length == 28


def test_a_strip_still_says_which_attribute_it_lacks():
    strip = Strip([Segment("x")], 1)
    try:
        strip.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:
        raise AssertionError("an unknown attribute must still raise AttributeError")
