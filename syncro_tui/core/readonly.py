"""The outbox of a session whose data folder cannot be written: no writes without a journal.

Reading works as usual (tickets, details, the write log shows nothing); every write is refused
before anything is sent, with the reason (which folder, what to do). Used when the data folder
is read-only at start, so the technician can still read the queue.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from syncro_tui.core.outbox import OutboxError


class ReadOnlyJournal(OutboxError, ValueError):
    """A write refused because the journal cannot be saved (nothing was sent)."""


class ReadOnlyOutbox:
    def __init__(self, client: Any, reason: str) -> None:
        self.client = client
        self.reason = reason

    @property
    def notice(self) -> str:
        return self.reason

    @property
    def writes_blocked(self) -> str:
        return self.reason

    def _refuse(self, *_args: Any, **_kwargs: Any) -> Any:
        raise ReadOnlyJournal(f"Not sent. {self.reason}")

    async def _refuse_async(self, *_args: Any, **_kwargs: Any) -> Any:
        self._refuse()

    submit = resend = verify = _refuse_async
    save_run = _refuse

    def close(self) -> None:
        pass

    def subscribe(self, listener: Callable[[Any], None]) -> Callable[[], None]:
        return lambda: None

    def entries(self, since: float | None = None) -> list[Any]:
        return []

    def entry(self, entry_id: int) -> Any:
        raise KeyError(entry_id)

    async def recover(self) -> list[Any]:
        return []

    def unfinished_runs(self, kind: str) -> list[int]:
        return []

    def run_entries(self, run_id: int) -> dict[int, Any]:
        return {}

    def load_run(self, run_id: int) -> dict[str, Any]:
        raise KeyError(run_id)
