"""Workarounds for Textual bugs our users meet, each named by its upstream issue.

``apply()`` runs once, when the app's module is imported. Each fix first checks that the bug
is still there (the shape of the code it works around) and leaves Textual alone otherwise,
so a Textual release that fixes it makes the workaround a no-op.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from textual._styles_cache import StylesCache
from textual.cache import FIFOCache
from textual.strip import Strip

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


_STRIP_CACHES = (
    "_divide_cache",
    "_crop_cache",
    "_style_cache",
    "_filter_cache",
    "_line_length_cache",
    "_crop_extend_cache",
    "_offsets_cache",
)


def _strip_caches_on_first_use() -> bool:
    """Every ``Strip`` makes seven ``FIFOCache`` objects in its ``__init__`` (its crops,
    divisions, styles, filters ...): about 960 of its ~1,100 bytes, while most strips use
    one or two of them and many none (measured: 1,667 strips alive with 11,718 caches in the
    app at rest, 1.6 MiB of caches). Textual's own ``Content`` already makes its division
    cache on first use; this does the same for the strip's seven: each is made, at the size
    Textual gives it, the first time it is read (``__getattr__`` runs only for a slot not
    yet set)."""
    set_here = {"_segments", "_cell_length", "_render_cache", "_link_ids", "_cell_count"}
    if "__getattr__" in Strip.__dict__ or set(Strip.__slots__) != set(_STRIP_CACHES) | set_here:
        return False  # a Strip with other attributes: its own __init__ stays
    original_init = Strip.__init__
    probe = Strip([])
    try:
        sizes = {name: getattr(probe, name)._maxsize for name in _STRIP_CACHES}
    except AttributeError:
        return False  # not the shape this works around
    if not all(isinstance(getattr(probe, name), FIFOCache) for name in _STRIP_CACHES):
        return False

    def __init__(self: Strip, segments: Any, cell_length: int | None = None) -> None:  # noqa: N807
        self._segments = list(segments)
        self._cell_length = cell_length
        self._render_cache = None
        self._link_ids = None
        self._cell_count = None

    def __getattr__(self: Strip, name: str) -> Any:  # noqa: N807
        size = sizes.get(name)
        if size is None:
            raise AttributeError(name)
        cache: FIFOCache[Any, Any] = FIFOCache(size)
        setattr(self, name, cache)
        return cache

    __init__.__doc__ = original_init.__doc__
    Strip.__init__ = __init__  # type: ignore[method-assign]
    Strip.__getattr__ = __getattr__  # type: ignore[attr-defined]
    return True


def apply() -> list[str]:
    """Apply every workaround still needed (once); the names of those applied."""
    if not _applied:
        _applied.append("applied")
        if _free_removed_widgets_lines():
            _applied.append("textual#6665 StylesCache.get_inner_outer")
        if _strip_caches_on_first_use():
            _applied.append("Strip caches made on first use")
    return _applied[1:]
