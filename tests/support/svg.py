"""syrupy 7 SVG snapshots of Textual screens (no pytest-textual-snapshot needed)."""

from __future__ import annotations

import re
from typing import Any

from syrupy.extensions.image import SVGImageSnapshotExtension

_TERMINAL_ID = re.compile(r"\bterminal-\d+-([\w-]+)")


class TextualSVG(SVGImageSnapshotExtension):
    """Strip Rich's per-export ids so SVG snapshots are stable."""

    def serialize(self, data: Any, **kwargs: Any) -> bytes:
        return super().serialize(_TERMINAL_ID.sub(r"terminal-\1", str(data)), **kwargs)
