"""What the settings ask for that the app does not have: keymap ids that bind nothing.

Shown once at start (with the config's unknown keys and an unknown theme), so a typo in
`[keymap]` does not silently leave a key unbound.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable, Mapping

from textual.binding import Binding


def known_binding_ids(app_class: type | None = None) -> set[str]:
    """Every binding id of the app (``app_class``, passed in so this module need not import
    the app: no import cycle), its screens and widgets (imports the screens)."""
    import syncro_tui.ui.screens as screens
    import syncro_tui.ui.widgets as widgets

    classes: list[type] = [app_class] if app_class is not None else []
    for package in (screens, widgets):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            classes.extend(v for v in vars(module).values() if isinstance(v, type))
    ids: set[str] = set()
    for cls in classes:
        for binding in getattr(cls, "BINDINGS", None) or ():
            if isinstance(binding, Binding) and binding.id:
                ids.add(binding.id)
    return ids


def unknown_keymap_ids(
    keymap: Mapping[str, str],
    known: Iterable[str] | None = None,
    *,
    app_class: type | None = None,
) -> list[str]:
    known_ids = set(known_binding_ids(app_class) if known is None else known)
    return sorted(name for name in keymap if name not in known_ids)
