"""Every colour in the app is a theme variable ($accent, $error, ...): none is written out
(no #hex, rgb()/hsl(), or colour name), neither in CSS nor in the Rich styles the Python code
builds (``style="bold red"``, ``Style(color=...)``, ``[red]`` markup), so themes, the ANSI
theme of --plain and NO_COLOR apply to all. Python styles take their colours from CSS: a
widget's component classes (``get_component_rich_style``) or CSS classes."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from rich.errors import StyleSyntaxError
from rich.style import Style

import syncro_tui.ui

UI = Path(syncro_tui.ui.__file__).parent
BLOCK = re.compile(r'(?:DEFAULT_CSS|CSS)\s*(?::\s*\w+(?:\[\w+\])?\s*)?=\s*\(?\s*"""(.*?)"""', re.S)
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


def _style_colour(text: str) -> str | None:
    """The colour ``text`` names when it is a Rich style ("bold red", "on #102030"), or a
    colour inside Rich markup tags ("[yellow]..."); None for anything else."""
    candidates = [text, *re.findall(r"\[([^\[\]/=\n]{1,40})\]", text)]
    for candidate in candidates:
        if not candidate.strip():
            continue
        try:
            style = Style.parse(candidate.strip())
        except (StyleSyntaxError, ValueError):
            continue
        for colour in (style.color, style.bgcolor):
            if colour is not None and not colour.is_default:
                return colour.name
    return None


def _docstrings(tree: ast.AST) -> set[int]:
    ids = set()
    for node in ast.walk(tree):
        body = getattr(node, "body", None)
        if isinstance(body, list) and body and isinstance(body[0], ast.Expr):
            if isinstance(body[0].value, ast.Constant):
                ids.add(id(body[0].value))
    return ids


def _python_colours(source: str, where: str) -> list[str]:
    tree = ast.parse(source)
    skip = _docstrings(tree)
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in skip:
            colour = _style_colour(node.value)
            if colour:
                found.append(f"{where}:{node.lineno}: {node.value!r} ({colour})")
        elif isinstance(node, ast.Call):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in ("Style", "from_color"):
                for kw in node.keywords:
                    if kw.arg in ("color", "bgcolor") and not (
                        isinstance(kw.value, ast.Constant) and kw.value.value is None
                    ):
                        found.append(f"{where}:{node.lineno}: {name}({kw.arg}=...)")
    return found


# Textual's own fallbacks of ScrollBarRender.render_bar, used only when CSS gives the bar no
# colour (it always does: scrollbar-color comes from the theme).
FALLBACKS = {
    ("ui/widgets/strip_scrollbar.py", "'#555555'"),
    ("ui/widgets/strip_scrollbar.py", "'bright_magenta'"),
}


def test_python_styles_use_no_written_out_colour():
    offenders = []
    for path in sorted(UI.rglob("*.py")):
        where = str(path.relative_to(UI.parent))
        offenders += [
            found
            for found in _python_colours(path.read_text(encoding="utf-8"), where)
            if (where, found.split(": ", 1)[1].split(" (")[0]) not in FALLBACKS
        ]
    assert offenders == []


def test_the_check_sees_a_colour_in_a_python_style():
    seen = _python_colours(
        "t.append(x, style='bold red')\n"
        "s = {'ok': 'green'}\n"
        "Static(Text.from_markup('[yellow]late[/]'))\n"
        "Style(bgcolor=c)\n"
        "Text('x', style='on #203040')\n",
        "m.py",
    )
    assert sorted(line.split(":")[1] for line in seen) == ["1", "2", "3", "4", "5"]
    assert not _python_colours(
        "def f():\n"
        '    """Shown in red (a docstring)."""\n'
        "    t.append(x, style='bold')\n"
        "    t.append(y, style=get_component_rich_style('status-header--error'))\n"
        "    Style(reverse=True); Style(color=None)\n"
        "    label = 'Printer offline [HP 401]'\n",
        "m.py",
    )


async def test_python_styles_follow_the_theme(make_app):
    """The header's warnings and the write log's states are painted by the current theme:
    the default theme's $error / $success, and the ANSI theme's own colours under --plain."""
    from rich.color import Color as RichColor
    from textual.color import Color

    from syncro_tui.core import outbox as O
    from syncro_tui.ui.screens.write_log import WriteLogScreen, state_style
    from syncro_tui.ui.widgets.header import StatusHeader
    from tests.ui.conftest import settle

    def theme(app, name: str) -> RichColor:
        return Color.parse(app.theme_variables[name]).rich_color

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = app.screen.query_one(StatusHeader)
        assert header._style("error").color == theme(app, "error")
        assert header._style("error").bold
        assert header._style("ok").color == theme(app, "success")
        log = WriteLogScreen()
        await app.push_screen(log)
        await settle(pilot)
        assert state_style(log, O.ABSENT).color == theme(app, "error")
        assert state_style(log, O.CONFIRMED).color == theme(app, "success")

    plain = make_app(plain=True)
    async with plain.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = plain.screen.query_one(StatusHeader)
        colour = header._style("error").color
        assert colour is not None and colour.number is not None  # an ANSI colour number
        assert colour == theme(plain, "error")
