"""Nothing below the UI imports Textual; the start-up path imports nothing heavy."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import syncro_tui

ROOT = Path(syncro_tui.__file__).parent


def _modules(package: str) -> list[str]:
    path = ROOT / package.split(".", 1)[1].replace(".", "/")
    return [f"{package}.{m.name}" for m in pkgutil.iter_modules([str(path)])]


def _loaded_after(imports: list[str]) -> set[str]:
    code = (
        "import sys\n"
        + "".join(f"import {name}\n" for name in imports)
        + "print('\\n'.join(sorted(sys.modules)))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_api_core_and_sandbox_never_import_textual():
    below_ui = (
        _modules("syncro_tui.api")
        + _modules("syncro_tui.core")
        + _modules("syncro_tui.sandbox")
        + _modules("syncro_tui.cli")
        + [
            "syncro_tui.config",
            "syncro_tui.secrets",
            "syncro_tui.cli",
            "syncro_tui.doctor",
            "syncro_tui.account",
        ]
    )
    assert len(below_ui) > 8, below_ui  # the packages were found
    loaded = _loaded_after(below_ui)
    offenders = sorted(m for m in loaded if m == "textual" or m.startswith("textual."))
    assert offenders == [], offenders


def test_cli_parsing_loads_nothing_heavy():
    loaded = _loaded_after(["syncro_tui.cli"])
    for heavy in ("textual", "httpx", "pydantic", "keyring"):
        assert heavy not in loaded, f"syncro_tui.cli imports {heavy} at start-up"


def test_first_paint_path_skips_httpx_pydantic_keyring():
    """The UI paints the cached queue before the network stack is imported (issue 5)."""
    loaded = _loaded_after(["syncro_tui.ui.app"])
    assert "textual" in loaded
    for heavy in ("httpx", "pydantic", "keyring"):
        assert heavy not in loaded, f"syncro_tui.ui.app imports {heavy} before the first paint"


def _ui_sources() -> list[Path]:
    return sorted((ROOT / "ui").rglob("*.py"))


def test_session_is_the_only_door_from_the_ui_to_syncro():
    """Screens ask the Session (which picks each request's priority lane); they never reach
    its client or outbox, never hang attributes on it, and never set a lane themselves."""
    import ast

    offenders = []
    for path in _ui_sources():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(ROOT.parent)
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and node.attr in ("client", "outbox")
                and isinstance(node.value, (ast.Attribute, ast.Name))
                and getattr(node.value, "attr", getattr(node.value, "id", "")) == "session"
            ):
                offenders.append(f"{where}:{node.lineno} session.{node.attr}")
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign)):
                targets = node.targets if isinstance(node, ast.Assign) else [node.target]
                for target in targets:
                    if (
                        isinstance(target, ast.Attribute)
                        and getattr(target.value, "attr", getattr(target.value, "id", ""))
                        == "session"
                    ):
                        offenders.append(f"{where}:{node.lineno} sets session.{target.attr}")
            names = []
            if isinstance(node, ast.ImportFrom) and node.module:
                names = [node.module] + [f"{node.module}.{a.name}" for a in node.names]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            if any(n.startswith("syncro_tui.api.ratelimit") for n in names):
                offenders.append(f"{where}:{node.lineno} imports syncro_tui.api.ratelimit")
    assert offenders == [], offenders
