"""The write kinds: everything the app knows about one kind of write, in one entry.

A ``WriteKind`` says how a kind is sent (the client call), how an unclear outcome is
verified (a finder in ``core.verification``), whether the ticket's state is read before
sending so verification can tell this write's record from older ones (``snapshot``),
which record id a reply carries, and whether sending it emails the customer.

Adding a kind of write: its name below, a builder in ``core.writes`` (the exact payload
the preview shows), one ``WriteKind`` in ``KINDS``, and its row in
``tests/core/test_fault_matrix.py``. Nothing else dispatches on the kind.

Stdlib only (the UI imports ``core.writes``, which imports this, before the network stack).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from syncro_tui.core import verification as V

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.core.write_client import WriteClient
    from syncro_tui.core.writes import WriteIntent

# The kinds' names (journaled with every write: never rename one).
COMMENT = "comment"
NEW_TICKET = "new_ticket"
TICKET_UPDATE = "ticket_update"
LINE_ITEM = "line_item"
UPDATE_LINE_ITEM = "update_line_item"
TIMER_ENTRY = "timer_entry"
CHARGE_TIMER = "charge_timer"
DELETE_TIMER = "delete_timer"
INVOICE = "invoice"

Send = Callable[["WriteClient", "WriteIntent"], Awaitable[Any]]


class UnknownKind(ValueError):
    """An intent no kind of write knows (or one missing what its kind needs)."""


def _tid(intent: WriteIntent) -> int:
    """The ticket a ticket write is about (builders always set it)."""
    if intent.ticket_id is None:
        raise UnknownKind(f"A {intent.kind} write needs a ticket.")
    return intent.ticket_id


def _record_id(result: Any) -> int | None:
    return getattr(result, "id", None) if result is not None else None


def _never_emails(_intent: WriteIntent) -> bool:
    return False


def _comments_email(comments: list[dict[str, Any]]) -> bool:
    """A public comment without do_not_email sends the customer a real email."""
    return any(not c.get("hidden") and not c.get("do_not_email") for c in comments)


@dataclass(frozen=True)
class WriteKind:
    name: str
    send: Send
    verify: V.Finder
    snapshot: V.Snapshot | None = None  # read before sending, kept for verification
    record_id: Callable[[Any], int | None] = _record_id  # the record a reply stands for
    emails_customer: Callable[[WriteIntent], bool] = _never_emails

    @property
    def needs_snapshot(self) -> bool:
        return self.snapshot is not None


KINDS: dict[str, WriteKind] = {
    k.name: k
    for k in (
        WriteKind(
            COMMENT,
            send=lambda c, i: c.add_comment(_tid(i), i.payload),
            verify=V.find_comment,
            emails_customer=lambda i: _comments_email([i.payload]),
        ),
        WriteKind(
            NEW_TICKET,
            send=lambda c, i: c.create_ticket(i.payload),
            verify=V.find_ticket,
            emails_customer=lambda i: _comments_email(i.payload.get("comments_attributes") or []),
        ),
        WriteKind(
            TICKET_UPDATE,
            send=lambda c, i: c.update_ticket(_tid(i), i.payload),
            verify=V.check_ticket_update,
        ),
        WriteKind(
            LINE_ITEM,
            send=lambda c, i: c.add_line_item(_tid(i), i.payload),
            verify=V.find_line_item,
            snapshot=V.ticket_snapshot,
        ),
        WriteKind(
            UPDATE_LINE_ITEM,
            send=lambda c, i: c.update_line_item(_tid(i), i.payload),
            verify=V.check_line_item_update,
        ),
        WriteKind(
            TIMER_ENTRY,
            send=lambda c, i: c.add_timer_entry(_tid(i), i.payload),
            verify=V.find_timer,
            snapshot=V.ticket_snapshot,
        ),
        WriteKind(
            CHARGE_TIMER,
            send=lambda c, i: c.charge_timer_entry(_tid(i), i.payload["timer_entry_id"]),
            verify=V.check_timer_charged,
            # the record a charge creates is the line item
            record_id=lambda r: getattr(r, "ticket_line_item_id", None) if r is not None else None,
        ),
        WriteKind(
            DELETE_TIMER,
            send=lambda c, i: c.delete_timer_entry(_tid(i), i.payload["timer_entry_id"]),
            verify=V.check_timer_deleted,
        ),
        WriteKind(
            INVOICE,
            send=lambda c, i: c.create_invoice(i.payload),
            verify=V.find_invoice,
            snapshot=V.invoice_snapshot,
        ),
    )
}


def kind_of(intent: WriteIntent) -> WriteKind:
    try:
        return KINDS[intent.kind]
    except KeyError:
        raise UnknownKind(f"Unknown kind of write {intent.kind!r}.") from None


def emails_customer(intent: WriteIntent) -> bool:
    """True when sending this intent emails the customer."""
    return kind_of(intent).emails_customer(intent)
