"""Session logs written when a ticket is resolved (the runbook's "Integration with session logs").

``<folder>/<customer>/session-logs/<date>-ticket-<number>.md`` with the subject, the comments
(oldest first, as a log reads) and the resolution. ``<folder>`` is ``session_log_dir`` from
the config; by default (empty) ``session-logs`` in the data folder, which is under
``SYNCRO_TUI_HOME`` when that is set; a relative setting is taken under that same data
folder, never under a hard-coded home subfolder. Files are 0600 in 0700 folders.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path
from typing import Any

from syncro_tui import paths
from syncro_tui.core.text import clean, html_to_text, looks_like_html


def safe_name(text: str) -> str:
    """A folder name from a customer name: no path separators, no surprises."""
    name = re.sub(r"[^\w .,&'()-]+", "-", clean(text)).strip(" .-")
    return name[:80] or "unknown-customer"


def log_folder(configured: str | Path | None) -> Path:
    """Where session logs go: the configured folder (``~`` expanded; relative to the data
    folder), else ``<data folder>/session-logs``."""
    text = str(configured or "").strip()
    if not text:
        return paths.data_dir() / "session-logs"
    folder = Path(text).expanduser()
    return folder if folder.is_absolute() else paths.data_dir() / folder


def resolution_prefill(comments: list[Any], me_id: int | None = None) -> str:
    """The session log's Resolution to start from: the newest comment a technician wrote
    (the key owner's when known), never a customer's words (those have no ``user_id``);
    empty when there is none."""
    written = [c for c in comments if getattr(c, "user_id", None) is not None]
    if me_id is not None:
        mine = [c for c in written if c.user_id == me_id]
        written = mine or written
    if not written:
        return ""
    newest = max(written, key=lambda c: c.created_at.timestamp() if c.created_at else 0)
    return " ".join(_body(newest.body or "").split())


def log_path(folder: str | Path, customer: str, number: str, when: datetime) -> Path:
    base = log_folder(folder)
    return (
        base
        / safe_name(customer)
        / "session-logs"
        / f"{when:%Y-%m-%d}-ticket-{safe_name(number)}.md"
    )


def _body(text: str) -> str:
    return html_to_text(text) if looks_like_html(text) else clean(text)


def render(detail: Any, resolution: str, when: datetime) -> str:
    customer = detail.customer.display_name if detail.customer is not None else detail.customer_name
    lines = [
        f"# Ticket #{detail.number}: {clean(detail.subject or '')}",
        "",
        f"- Customer: {clean(customer or '-')}",
        f"- Contact: {clean(detail.contact_name or '-')}",
        f"- Status: {clean(detail.status or '-')}",
        f"- Assigned: {clean(detail.assignee or 'unassigned')}",
        f"- Resolved: {when:%Y-%m-%d %H:%M}",
        "",
        "## Comments",
        "",
    ]
    comments = sorted(
        detail.comments, key=lambda c: c.created_at.timestamp() if c.created_at else 0
    )
    for c in comments:
        stamp = c.created_at.astimezone().strftime("%Y-%m-%d %H:%M") if c.created_at else "?"
        visibility = "private" if c.private else "public"
        lines += [
            f"### {stamp} {clean(c.author or '')} ({visibility}): {clean(c.subject or '')}",
            "",
            _body(c.body or ""),
            "",
        ]
    if not comments:
        lines += ["(none)", ""]
    lines += ["## Resolution", "", clean(resolution) or "(no resolution text)", ""]
    return "\n".join(lines)


def write_log(folder: str | Path, detail: Any, resolution: str, when: datetime) -> Path:
    customer = detail.customer.display_name if detail.customer is not None else detail.customer_name
    path = log_path(folder, customer or "", str(detail.number), when)
    # Private (0600 in 0700 folders): session logs hold private comments.
    return paths.write_private(path, render(detail, resolution, when))
