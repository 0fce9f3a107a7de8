"""What the outbox, verification and billing call on the Syncro client: a typed Protocol.

``api.client.SyncroClient`` satisfies it (``tests/core/test_kinds.py`` checks every method
is there); tests may pass anything else that does. Models are imported for typing only, so
importing this costs nothing.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # pragma: no cover
    from syncro_tui.api.models import (
        Comment,
        CommentPage,
        Customer,
        Invoice,
        InvoicePage,
        LineItem,
        Me,
        TicketDetail,
        TicketPage,
        TimerEntry,
    )


class WriteClient(Protocol):
    """The client as the write path sees it: the writes it sends, the reads that verify."""

    # writes (each takes the exact payload the technician confirmed; never retried)
    async def add_comment(self, ticket_id: int, payload: dict[str, Any]) -> Comment: ...

    async def create_ticket(self, payload: dict[str, Any]) -> TicketDetail: ...

    async def update_ticket(self, ticket_id: int, payload: dict[str, Any]) -> TicketDetail: ...

    async def add_line_item(self, ticket_id: int, payload: dict[str, Any]) -> LineItem: ...

    async def update_line_item(self, ticket_id: int, payload: dict[str, Any]) -> LineItem: ...

    async def add_timer_entry(self, ticket_id: int, payload: dict[str, Any]) -> TimerEntry: ...

    async def charge_timer_entry(self, ticket_id: int, timer_entry_id: int) -> TimerEntry: ...

    async def delete_timer_entry(self, ticket_id: int, timer_entry_id: int) -> None: ...

    async def create_invoice(self, payload: dict[str, Any]) -> Invoice: ...

    # reads that verify
    async def me(self) -> Me: ...

    async def customer(self, customer_id: int) -> Customer: ...

    async def get_ticket(self, ticket_id: int) -> TicketDetail: ...

    async def ticket_comments(
        self, ticket_id: int, *, page: int = 1, per_page: int | None = None
    ) -> CommentPage: ...

    async def list_tickets(
        self,
        *,
        customer_id: int | None = None,
        created_after: date | datetime | str | None = None,
        page: int | None = None,
    ) -> TicketPage: ...

    async def invoices(self, ticket_id: int | None = None, page: int = 1) -> InvoicePage: ...

    async def invoice(self, invoice_id: int | str) -> Invoice: ...


WRITE_CLIENT_METHODS = tuple(
    name
    for name in vars(WriteClient)
    if not name.startswith("_") and callable(vars(WriteClient)[name])
)
