"""What the settings ask for that the app does not have: keymap ids that bind nothing.

Shown once at start (with the config's unknown keys and an unknown theme), so a typo in
`[keymap]` does not silently leave a key unbound.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping

from textual.binding import Binding


def known_binding_ids() -> set[str]:
    """Every binding id of the app, its screens and widgets (imports the screens)."""
    import syncro_tui.ui.screens as screens
    import syncro_tui.ui.widgets as widgets
    from syncro_tui.ui import app

    modules = [app]
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            modules.append(importlib.import_module(f"{package.__name__}.{info.name}"))
    ids: set[str] = set()
    for module in modules:
        for value in vars(module).values():
            for binding in (
                getattr(value, "BINDINGS", None) or () if isinstance(value, type) else ()
            ):
                if isinstance(binding, Binding) and binding.id:
                    ids.add(binding.id)
    return ids


def unknown_keymap_ids(keymap: Mapping[str, str], known: Iterable[str] | None = None) -> list[str]:
    known_ids = set(known_binding_ids() if known is None else known)
    return sorted(name for name in keymap if name not in known_ids)
