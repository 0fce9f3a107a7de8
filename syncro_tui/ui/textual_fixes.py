"""Workarounds for Textual bugs our users meet, each named by its upstream issue.

``apply()`` runs once, when the app's module is imported. Each fix first checks that the bug
is still there (the shape of the code it works around) and leaves Textual alone otherwise,
so a Textual release that fixes it makes the workaround a no-op.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache

_applied: list[str] = []


def _free_removed_widgets_lines() -> bool:
    """Textual #6665: ``StylesCache.get_inner_outer`` is an ``lru_cache`` on an instance
    method, so each of its 1,024 keys holds a ``StylesCache``, and with it every line that
    widget rendered (strips, and the crops and divisions Textual cached on them). A widget
    that is removed stays in memory until 1,024 newer ones push it out: in the app, a toast
    for each poll that brought news (two widgets each, a few a minute all day long).

    The answer depends on the two colours only (the method never reads ``self``): the fix
    caches the same function on the colours alone, the widget no longer in the key."""
    current = StylesCache.__dict__.get("get_inner_outer")
    original = getattr(current, "__wrapped__", None)
    if not callable(getattr(current, "cache_info", None)) or original is None:
        return False  # not an lru_cache'd method any more: fixed upstream

    @lru_cache(1024)
    def inner_outer(base_background: Any, background: Any) -> Any:
        return original(None, base_background, background)

    def get_inner_outer(self: StylesCache, base_background: Any, background: Any) -> Any:
        return inner_outer(base_background, background)

    get_inner_outer.__doc__ = original.__doc__
    get_inner_outer.cache_info = inner_outer.cache_info  # type: ignore[attr-defined]
    StylesCache.get_inner_outer = get_inner_outer  # type: ignore[assignment,method-assign]
    return True


def apply() -> list[str]:
    """Apply every workaround still needed (once); the names of those applied."""
    if not _applied:
        _applied.append("applied")
        if _free_removed_widgets_lines():
            _applied.append("textual#6665 StylesCache.get_inner_outer")
    return _applied[1:]
