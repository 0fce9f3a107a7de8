"""A module imported on its first use (stdlib only).

``api.client`` reads its answers with the pydantic models, but a list page goes straight to
rows (``core.page_rows``): the first page of a first start can be fetched and painted before
pydantic and the models (about 150 ms of imports) are loaded, and nothing else changes.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["Lazy"]


class Lazy:
    """Stands for the module ``name``; the first attribute read imports it."""

    __slots__ = ("_module", "_name")

    def __init__(self, name: str) -> None:
        self._name = name
        self._module: Any = None

    def __getattr__(self, attr: str) -> Any:
        module = self._module
        if module is None:
            module = self._module = importlib.import_module(self._name)
        return getattr(module, attr)

    def __repr__(self) -> str:
        return f"<lazy module {self._name!r}>"
