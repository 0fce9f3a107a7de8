"""``Sandbox``: the one object the demo, the tests and the benchmarks hold.

It owns the generated data, the clock, the fault rules and the request log, and hands out
front ends (an in-process httpx transport, a loopback server) that share one core. The
``simulate_*`` helpers play "someone else changed Syncro" for sync tests and the demo.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from .data import generate
from .defaults import (
    DEFAULT_API_KEY,
    DEFAULT_HOST,
    DEFAULT_RATE_LIMIT,
    DEFAULT_SEED,
    DEFAULT_TICKETS,
    MAX_TICKETS,
)
from .faults import FaultSet
from .formats import parse_offset
from .handler import Core, RequestRecord
from .state import Comment, State, Ticket

# Imported lazily: the transport needs httpx (kept off the start-up path) and the server
# must not be loaded by the package, so `python -m syncro_tui.sandbox.server` runs cleanly.
if TYPE_CHECKING:
    from .loopback import RunningServer
    from .transport import SandboxTransport


class Sandbox:
    """A fake Syncro API v1 account.

    ``clock`` returns POSIX seconds and stamps every record, so tests can freeze or step
    time (the rate-limit window uses it too). ``time_offset="-08:00"`` renders timestamps
    with an offset instead of ``Z``. ``since_date_only`` mimics tenants that honour only the
    date part of ``since_updated_at`` (and of ``created_after``, read as a day of the account's
    zone, so a ticket made late in the UTC day can fall before it). ``rich_text`` makes it a rich-text tenant: every
    comment, the ones posted through the API too, reads back reformatted as HTML (line breaks
    as ``<br>`` or ``<p>``, ``& < >`` as entities, trailing whitespace trimmed) on every
    endpoint that returns comments; without it about a quarter of the demo's comments do. ``permissions`` switches named token permissions
    (see ``state.PERMISSIONS``) off, e.g. ``{"Tickets - Edit": False}``.

    Variance of real accounts: ``priorities`` is the account's style ("numbered": the
    spec's ``"", "0 Urgent" .. "3 Low"``; "plain": ``Low, Normal, High, Urgent``; "mixed",
    the default: numbered in /settings with legacy plain words on some tickets), always
    with some ``null`` priorities; ``big_ids`` puts every id and ticket number above 2^31;
    ``time_zone`` is the account's zone (GET /settings ``locale``; a date-only due date
    is midnight there). The demo data always carries custom fields and ticket types, SLA
    and contract fields, "No Email" customers and contacts without email.
    """

    def __init__(
        self,
        *,
        seed: int = DEFAULT_SEED,
        tickets: int = DEFAULT_TICKETS,
        api_key: str = DEFAULT_API_KEY,
        rate_limit: int | None = DEFAULT_RATE_LIMIT,
        faults: str | None = None,
        latency_ms: float = 0.0,
        clock: Callable[[], float] = time.time,
        permissions: dict[str, bool] | None = None,
        time_offset: str | None = None,
        since_date_only: bool = False,
        rich_text: bool = False,
        priorities: str = "mixed",
        big_ids: bool = False,
        time_zone: str = "America/Los_Angeles",
        data_time: float | None = None,
    ) -> None:
        if not 0 <= tickets <= MAX_TICKETS:
            raise ValueError(f"tickets must be between 0 and {MAX_TICKETS}, got {tickets}")
        self.seed = seed
        self.api_key = api_key
        self.clock = clock
        # data_time: the demo data placed as if made then (a restarted sandbox serves the
        # same tickets with the same times); the clock still stamps what is written now
        made_at = clock() if data_time is None else data_time
        self.state: State = generate(
            seed, tickets, made_at, priorities=priorities, big_ids=big_ids, time_zone=time_zone
        )
        self.state.rich_text = rich_text
        for name, allowed in (permissions or {}).items():
            self.state.set_permission(name, allowed)
        self.faults = FaultSet(faults)
        self._core = Core(
            self.state,
            api_key=api_key,
            clock=clock,
            faults=self.faults,
            rate_limit=rate_limit,
            latency_ms=latency_ms,
            tz=parse_offset(time_offset),
            since_date_only=since_date_only,
        )

    # -- front ends --------------------------------------------------------------------------

    def transport(self, client_address: str = "127.0.0.1") -> SandboxTransport:
        """An ``httpx.AsyncBaseTransport`` answering in-process (any host name works)."""
        from .transport import SandboxTransport

        return SandboxTransport(self._core, client_address)

    def serve(
        self, host: str = DEFAULT_HOST, port: int = 0, *, verbose: bool = False
    ) -> RunningServer:
        """Start the loopback server in a daemon thread; ``port=0`` picks a free port."""
        from .loopback import RunningServer

        return RunningServer(self._core, host, port, verbose=verbose)

    # -- what happened -----------------------------------------------------------------------

    @property
    def requests(self) -> list[RequestRecord]:
        """Every request seen so far (a snapshot), oldest first."""
        return self._core.records()

    @property
    def internal_errors(self) -> list[str]:
        """Tracebacks of requests the sandbox itself failed on (each answered 500, as a Rails
        app does, and listed in ``requests``): a bug in the fake, never Syncro's behaviour."""
        return list(self._core.internal_errors)

    def count(self, method: str = "*", path_glob: str = "*") -> int:
        """Requests matching ``method`` (or ``*``) and an fnmatch glob over the path below
        /api/v1, e.g. ``sb.count("POST", "/tickets/*/comment")``."""
        return self._core.count(method, path_glob)

    def ticket(self, ticket_id: int) -> Ticket:
        """The stored record, for asserting what a write really did."""
        return self.state.tickets[ticket_id]

    # -- someone else changes Syncro ---------------------------------------------------------

    def simulate_new_ticket(
        self, *, subject: str, customer_id: int | None = None, **fields
    ) -> Ticket:
        """A ticket created elsewhere (portal, email, another tech), stamped now."""
        with self._core.lock:
            customer_id = customer_id or next(iter(self.state.customers))
            return self.state.create_ticket(
                self.clock(), customer_id=customer_id, subject=subject, **fields
            )

    def simulate_customer_reply(
        self, ticket_id: int, body: str, subject: str | None = None
    ) -> Comment:
        """An email reply from the ticket's contact: status becomes "Customer Reply"."""
        with self._core.lock:
            ticket = self.state.tickets[ticket_id]
            now = self.clock()
            contact = self.state.contacts.get(ticket.contact_id) if ticket.contact_id else None
            author = contact.name if contact else self.state.customers[ticket.customer_id].fullname
            comment = self.state.add_comment(
                ticket,
                now,
                subject=subject or f"Re: {ticket.subject}",
                body=body,
                tech=author,
                from_customer=True,
            )
            self.state.update_ticket(ticket, now, status="Customer Reply")
            return comment

    def simulate_broken_ticket(self, ticket_id: int, **raw) -> Ticket:
        """Serve these raw JSON values for the ticket (list and detail) from now on, e.g.
        ``simulate_broken_ticket(id, priority=3, due_date="0000-00-00")``: hostile or broken
        server data. The ticket counts as changed now, so incremental polls see it."""
        with self._core.lock:
            ticket = self.state.tickets[ticket_id]
            ticket.raw_overrides.update(raw)
            ticket.updated_at = self.clock()
            return ticket

    def simulate_update(self, ticket_id: int, **fields) -> Ticket:
        """Fields changed elsewhere, e.g. ``simulate_update(id, status="Closed")``."""
        with self._core.lock:
            ticket = self.state.tickets[ticket_id]
            self.state.update_ticket(ticket, self.clock(), **fields)
            return ticket
