"""Printing for commands: data to stdout, messages to stderr, a closed pipe ends quietly.

Everything from Syncro is passed through ``core.text.clean`` by the caller, and ``out`` / ``err``
clean once more (error messages quote Syncro's 422 texts); ``clean_json`` cleans a whole JSON
document.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from typing import Any

_closed = False


def _silence() -> None:
    """The reader went away (`| head`): what is left goes to /dev/null, and no traceback."""
    global _closed
    _closed = True
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


def out(text: str = "") -> None:
    """One line (or block) of data on stdout (cleaned once more: nothing can reach the
    terminal as an escape sequence, whatever a caller forgot)."""
    from syncro_tui.core.text import clean

    if _closed:
        return
    try:
        sys.stdout.write(clean(text) + "\n")
        sys.stdout.flush()
    except BrokenPipeError:
        _silence()


def err(text: str) -> None:
    """A message for the person (errors, progress, what to do next) on stderr."""
    from syncro_tui.core.text import clean

    try:
        sys.stderr.write(clean(text) + "\n")
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):
        pass


def clean_json(value: Any) -> Any:
    """Every string in a JSON value cleaned of escape sequences and control characters."""
    from syncro_tui.core.text import clean

    if isinstance(value, str):
        return clean(value)
    if isinstance(value, dict):
        return {clean(str(k)): clean_json(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [clean_json(v) for v in value]
    return value


def out_json(value: Any) -> None:
    out(json.dumps(clean_json(value), indent=2, ensure_ascii=False, default=str))


def width() -> int | None:
    """Columns to fit lines in: the terminal's; when piped, $COLUMNS or no limit."""
    if sys.stdout.isatty():
        return shutil.get_terminal_size((100, 24)).columns
    columns = os.environ.get("COLUMNS", "")
    return int(columns) if columns.isdigit() and int(columns) > 20 else None
