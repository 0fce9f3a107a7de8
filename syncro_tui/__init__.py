"""syncro-tui: a keyboard-driven terminal client for Syncro MSP tickets."""

import sys as _sys

__version__ = "0.1.0"

# httpx's package init imports its own command-line tool whenever click is installed (click,
# pygments and rich.progress: 40-110 ms of the start-up, on the way to a first start's first
# page), and falls back to a stub when that import fails. This app never runs httpx's tool:
# None in sys.modules makes that import fail at once (issue 14).
if "httpx" not in _sys.modules:
    _sys.modules.setdefault("httpx._main", None)  # type: ignore[arg-type]
