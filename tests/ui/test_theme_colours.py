"""Every colour in the app's CSS is a theme variable ($accent, $error, ...): none is written
out (no #hex, rgb()/hsl(), or colour name), so themes and --plain / NO_COLOR apply to all."""

from __future__ import annotations

import re
from pathlib import Path

import syncro_tui.ui

UI = Path(syncro_tui.ui.__file__).parent
BLOCK = re.compile(r'(?:DEFAULT_CSS|CSS)\s*(?::\s*\w+(?:\[\w+\])?\s*)?=\s*"""(.*?)"""', re.S)
DECLARATION = re.compile(r"([a-z-]+)\s*:\s*([^;{}]+);")


def _css_sources() -> list[tuple[str, str]]:
    found = [("ui/app.tcss", (UI / "app.tcss").read_text(encoding="utf-8"))]
    for path in sorted(UI.rglob("*.py")):
        for block in BLOCK.findall(path.read_text(encoding="utf-8")):
            found.append((str(path.relative_to(UI.parent)), block))
    return found


def _written_out(value: str, names: set[str]) -> list[str]:
    words = re.findall(r"#[0-9a-fA-F]{3,8}\b|\b(?:rgb|rgba|hsl|hsla)\(|\b[a-z_]+\b", value)
    return [w for w in words if w.startswith("#") or w.endswith("(") or w in names]


def test_css_colours_are_theme_variables():
    from textual._color_constants import COLOR_NAME_TO_RGB

    names = set(COLOR_NAME_TO_RGB) - {"transparent"}
    sources = _css_sources()
    assert len(sources) > 5  # the check reads the modals' CSS too, not just app.tcss
    offenders = [
        f"{where}: {prop}: {value.strip()}"
        for where, css in sources
        for prop, value in DECLARATION.findall(css)
        if _written_out(value, names)
    ]
    assert offenders == []


def test_the_check_sees_a_written_out_colour():
    from textual._color_constants import COLOR_NAME_TO_RGB

    names = set(COLOR_NAME_TO_RGB) - {"transparent"}
    assert _written_out(" #ff0000", names) and _written_out(" rgb(1,2,3)", names)
    assert _written_out(" red 50%", names) and _written_out(" tall ansi_red", names)
    assert not _written_out(" $error 30%", names) and not _written_out(" tall $accent", names)
