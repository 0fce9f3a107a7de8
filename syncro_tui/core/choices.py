"""What the status, priority and assignee pickers offer, wherever they are asked: the quick
pickers of the main screen (s, p, a), the edit form (e) and the new-ticket form (n). One
function per field, so every form offers the same choices in the same order.

Each list is the account's own (never invented), plus the ticket's current value when the
account's list lacks it, so saving a form never changes a field the technician left alone.
How a form offers "nobody" stays with the form: the quick picker's "Unassign (nobody)" is an
action, the edit form's "nobody (unassigned)" a value, and a new ticket needs an assignee.

Stdlib only.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from syncro_tui.core import priorities as _priorities
from syncro_tui.core.text import clean


def statuses(account: Sequence[str], current: str | None = None) -> list[str]:
    """The account's statuses (GET /tickets/settings) in its order, blanks and repeats left
    out, plus the ticket's ``current`` status when the list does not have it."""
    listed = list(dict.fromkeys(s for s in account if s and s.strip()))
    if current and current.strip() and current not in listed:
        listed.append(current)
    return listed


def priorities(account: Sequence[str], current: str | None = None) -> list[str]:
    """The account's priorities (GET /settings), plus the ticket's ``current`` one when the
    list does not have it: ``core.priorities.choices``."""
    return _priorities.choices(account, current)


def assignees(
    users: Mapping[int, str],
    me: int | None,
    current: int | None = None,
    *,
    me_name: str = "",
) -> list[tuple[int, str]]:
    """(user id, label) for every technician a ticket can be assigned to: me first, as
    "me (NAME)", then everyone else by name (case folded), then the ticket's ``current``
    assignee as "user N" when the account's list does not have them. Names are API text:
    cleaned here."""
    out: list[tuple[int, str]] = []
    if me is not None:
        out.append((me, f"me ({clean(users.get(me) or me_name or f'user {me}')})"))
    others = sorted(
        ((uid, name) for uid, name in users.items() if uid != me),
        key=lambda kv: (kv[1].casefold(), kv[0]),
    )
    out += [(uid, clean(name)) for uid, name in others]
    if current is not None and current != me and current not in users:
        out.append((current, f"user {current}"))
    return out
