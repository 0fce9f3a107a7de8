"""`x`: resolve the highlighted ticket, then offer a session log.

Warns first when a timer is running on the ticket or its time is not billed.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.screens.dialogs import AskModal, PickModal
from syncro_tui.ui.widgets.detail import body_text

RESOLVED = "Resolved"


class ResolveFlow:
    def __init__(self, app: Any, row: TicketRow) -> None:
        self.app = app
        self.row = row

    def start(self) -> None:
        self.app.run_worker(self.run(), group="write", exit_on_error=False, name="resolve")

    async def run(self) -> None:
        app, row = self.app, self.row
        detail = app.store.detail_for(row.id)
        if detail is None:
            try:
                detail = await app.session.fetch_detail(row.id)
            except Exception as exc:
                app.notify(
                    f"Could not load #{row.number} to check its timers: {exc}",
                    severity="error",
                    markup=False,
                )
                return
        if detail.status == RESOLVED:
            app.notify(f"#{row.number} is already resolved.", severity="warning", markup=False)
            return
        from syncro_tui.core import writes

        intent = writes.update_ticket(
            row.id, {"status": RESOLVED}, label=f"#{row.number}: status -> {RESOLVED}"
        )
        from syncro_tui.core.timers import time_warnings

        now = datetime.fromtimestamp(app.clock()).astimezone()
        warnings = time_warnings(detail, app.store.timer, app.timers.unposted(), now=now)
        landed = await app.send_with_preview(f"Resolve #{row.number}", [intent], warnings=warnings)
        if not landed:
            return
        choice = await app.push_screen_wait(
            PickModal(
                f"#{row.number} resolved. Write a session log?",
                [(True, "Yes, write it"), (False, "No")],
            )
        )
        if not choice:
            return
        newest = max(
            detail.comments,
            key=lambda c: c.created_at.timestamp() if c.created_at else 0,
            default=None,
        )
        latest = body_text(newest.body or "") if newest is not None else ""
        summary = await app.push_screen_wait(
            AskModal(
                "Resolution for the session log (not posted to Syncro)",
                value=" ".join((latest or "").split())[:200],
                validate=lambda v: None,
            )
        )
        if summary is None:
            return
        from syncro_tui.core.sessionlog import write_log

        fresh = app.store.detail_for(row.id) or detail
        try:
            path = write_log(app.settings.session_log_dir, fresh, summary, datetime.now())
        except OSError as exc:
            app.notify(f"Could not write the session log: {exc}", severity="error", markup=False)
            return
        app.notify(f"Session log written: {path}", title="Session log", markup=False)
