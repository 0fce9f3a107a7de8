"""What quitting would leave behind: unsent drafts, a running or unposted timer, writes
still being verified. One line for the `q` question (stdlib only, no Textual).

Nothing is lost by quitting (drafts and the timer live on disk, unsettled writes are
verified at the next start); the line tells the technician what is waiting for them.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

KIND_WORDS = {
    "comment": "comment",
    "billing": "billing",
    "timer": "timer notes",
    "new_ticket": "new ticket",
}
UNSETTLED = frozenset({"pending", "sent", "unknown"})


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def unsent_line(
    drafts: Sequence[tuple[str, Any]],
    running: Any,
    unposted: Sequence[Any],
    entries: Sequence[Any],
    numbers: dict[int, str] | None = None,
) -> str:
    """ "" when nothing waits, else e.g. "Unsent: a comment draft on #1115; a timer running
    on #1007; 1 write still being verified." ``numbers`` maps ticket ids to numbers."""
    numbers = numbers or {}
    parts = []
    if drafts:
        named = []
        for kind, ticket_id in drafts[:3]:
            where = f" on #{numbers[ticket_id]}" if ticket_id in numbers else ""
            named.append(f"{KIND_WORDS.get(kind, kind)}{where}")
        more = f" and {len(drafts) - 3} more" if len(drafts) > 3 else ""
        parts.append(f"{_plural(len(drafts), 'draft')} ({', '.join(named)}{more})")
    if running is not None:
        parts.append(f"a timer running on #{running.ticket_number}")
    if unposted:
        parts.append(f"{_plural(len(unposted), 'stopped timer')} not posted")
    waiting = [e for e in entries if getattr(e, "state", "") in UNSETTLED]
    if waiting:
        parts.append(f"{_plural(len(waiting), 'write')} still being verified")
    return ("Unsent: " + "; ".join(parts) + ".") if parts else ""
