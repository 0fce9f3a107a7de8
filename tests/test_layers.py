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


def _front_end_sources(root: Path) -> list[Path]:
    """The two front ends on core: the TUI (ui/) and the command line / agent server (cli/)."""
    return sorted((root / "ui").rglob("*.py")) + sorted((root / "cli").rglob("*.py"))


def test_session_is_the_only_door_from_the_front_ends_to_syncro():
    """Screens and commands ask the Session (which picks each request's priority lane); they
    never reach its client or outbox (under any name: no ``.client`` / ``.outbox`` at all, no
    ``getattr(x, "client")``), never hang attributes on it, and never set a lane themselves."""
    assert _door_offenders(ROOT) == []


def _door_offenders(root: Path) -> list[str]:
    import ast

    offenders = []
    for path in _front_end_sources(root):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        where = path.relative_to(root.parent)
        for node in ast.walk(tree):
            if isinstance(node, ast.Attribute) and node.attr in ("client", "outbox"):
                owner = getattr(node.value, "attr", getattr(node.value, "id", "?"))
                offenders.append(f"{where}:{node.lineno} {owner}.{node.attr}")
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", "") in ("getattr", "setattr")
                and len(node.args) >= 2
                and isinstance(node.args[1], ast.Constant)
                and node.args[1].value in ("client", "outbox")
            ):
                offenders.append(
                    f"{where}:{node.lineno} {node.func.id}(..., {node.args[1].value!r})"
                )
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
    return offenders


def test_the_door_check_catches_a_front_end_reaching_around_the_session(tmp_path):
    """The check above fails on each way of reaching around (so it is not vacuous)."""
    bad = tmp_path / "ui"
    bad.mkdir()
    (bad / "screen.py").write_text(
        "async def f(app, rt, s):\n"
        "    await app.session.client.get_ticket(1)\n"
        "    rt.session.outbox.entries()\n"
        "    s.client.me()\n"
        "    getattr(s, 'outbox')\n"
        "    app.session.extra = 1\n"
        "    from syncro_tui.api.ratelimit import Priority\n",
        encoding="utf-8",
    )
    (tmp_path / "cli").mkdir()
    text = "\n".join(_door_offenders(tmp_path))
    for found in (
        "session.client",
        "session.outbox",
        "s.client",
        "getattr(..., 'outbox')",
        "sets session.extra",
        "imports syncro_tui.api.ratelimit",
    ):
        assert found in text, (found, text)


# -- the static import graph (function-level imports included) ---------------------------------


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _import_graph(routing: dict[str, tuple[str, ...]] | None = None) -> dict[str, set[str]]:
    """Module -> the package modules it imports anywhere (also inside functions), except
    under ``if TYPE_CHECKING:`` and ``if __name__ == "__main__":`` (never run on import),
    and except its own parent packages (importing any submodule loads those anyway).
    ``routing`` maps a module to name prefixes: its imports of those modules inside functions
    (where it opens them) do not count."""
    import ast

    paths = {_module_name(p): p for p in ROOT.rglob("*.py")}

    def targets(name: str, path: Path) -> set[str]:
        package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
        found: set[str] = set()
        exempt = (routing or {}).get(name)

        def visit(node: ast.AST, in_function: bool = False) -> None:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                in_function = True
            if isinstance(node, ast.If) and any(
                word in ast.unparse(node.test) for word in ("TYPE_CHECKING", "__name__")
            ):
                return
            imported: set[str] = set()
            if isinstance(node, ast.Import):
                imported.update(a.name for a in node.names)
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - node.level + 1]
                    module = ".".join(base + ([node.module] if node.module else []))
                else:
                    module = node.module or ""
                subs = [f"{module}.{a.name}" for a in node.names]
                imported.update(s for s in subs if s in paths)
                if not all(s in paths for s in subs):
                    imported.add(module)
            if exempt and in_function:
                imported = {i for i in imported if not i.startswith(exempt)}
            found.update(imported)
            for child in ast.iter_child_nodes(node):
                visit(child, in_function)

        visit(ast.parse(path.read_text(encoding="utf-8")))
        parents = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
        return {t for t in found if t in paths and t != name and t not in parents}

    return {name: targets(name, path) for name, path in paths.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected groups of more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    groups: list[list[str]] = []

    def connect(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                connect(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            connect(v)
    return groups


# Routing imports that are exempt. The UI's root: screens and widgets import it for the
# typed app (``getters.app(SyncroApp)``),
# and it opens screens (and the palette's commands) by importing them inside the methods
# that route to them. Only those
# routing imports are exempt; anything else ui.app imports counts like any other edge.
UI_ROOT = {
    "syncro_tui.ui.app": ("syncro_tui.ui.screens.", "syncro_tui.ui.commands"),
    # The limiter loads the shared budget tier it is configured for, inside the method that
    # picks it (each tier builds on the limiter's own window). Budget's area: tell them.
    "syncro_tui.api.ratelimit": ("syncro_tui.api.budget_",),
}


def test_no_import_cycles_not_even_inside_functions():
    """sandbox.facade <-> sandbox.server, ui.app <-> ui.settings_check and core.backend ->
    sandbox were such tangles (each half imported the other, some inside a function)."""
    assert _cycles(_import_graph(routing=UI_ROOT)) == []


def test_each_layer_imports_only_the_layers_below_it():
    """core never imports the sandbox, ui or cli (the demo backend lives in syncro_tui.demo);
    api never imports core; the sandbox imports nothing of the app."""
    rules = {
        "syncro_tui.api": (
            "syncro_tui.core",
            "syncro_tui.ui",
            "syncro_tui.cli",
            "syncro_tui.sandbox",
        ),
        "syncro_tui.core": ("syncro_tui.ui", "syncro_tui.cli", "syncro_tui.sandbox"),
        "syncro_tui.sandbox": (
            "syncro_tui.api",
            "syncro_tui.core",
            "syncro_tui.ui",
            "syncro_tui.cli",
        ),
    }
    breaches = [
        f"{module} imports {target}"
        for module, targets in sorted(_import_graph().items())
        for layer, forbidden in rules.items()
        if module == layer or module.startswith(layer + ".")
        for target in sorted(targets)
        if any(target == f or target.startswith(f + ".") for f in forbidden)
    ]
    assert breaches == [], breaches
