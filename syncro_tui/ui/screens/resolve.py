"""`x`: resolve the highlighted ticket, then offer a session log.

Warns first when a timer is running on the ticket or its time is not billed, and offers to
bill it now (the timer flows: stop and post or bill a running or unposted timer, charge an
uncharged timer entry) before resolving. The session log's Resolution starts from the
technician's last comment, never the customer's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from syncro_tui.api.errors import SyncroError
from syncro_tui.core.rows import TicketRow
from syncro_tui.ui.screens.dialogs import AskModal, PickModal

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
            except SyncroError as exc:
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
        if warnings:
            choice = await app.push_screen_wait(
                PickModal(
                    f"#{row.number} has time that is not billed: " + " ".join(warnings),
                    [
                        ("bill", "Bill it now (then press x again to resolve)"),
                        ("resolve", "Resolve anyway (the time stays unbilled)"),
                    ],
                    hint="Enter picks, Esc does nothing",
                )
            )
            if choice is None:
                app.notify("Not resolved; nothing was sent.", markup=False)
                return
            if choice == "bill":
                await self.bill_now(detail)
                return
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
        from syncro_tui.core.sessionlog import resolution_prefill

        me_id = getattr(app.store.me, "user_id", None)
        prefill = text = resolution_prefill(list(detail.comments), me_id)[:200]
        while True:  # Esc after typing asks before the text is dropped (nothing typed is lost)
            ask = AskModal(
                "Resolution for the session log (not posted to Syncro); it starts from your "
                "last comment",
                value=text,
                placeholder="What fixed it",
                validate=lambda v: None,
                select_on_focus=False,  # typing adds to your last comment (or what you typed)
            )
            summary = await app.push_screen_wait(ask)
            if summary is not None:
                break
            text = ask.left_with
            if text.strip() == prefill.strip():
                return
            keep = await app.push_screen_wait(
                PickModal(
                    "The resolution you typed is not written yet.",
                    [
                        ("write", "Write the session log with it"),
                        ("drop", "Drop it (no session log)"),
                    ],
                    hint="Enter picks, Esc goes back to the text",
                )
            )
            if keep == "drop":
                app.notify("No session log written.", markup=False)
                return
            if keep == "write":
                summary = text.strip()
                break
        from syncro_tui.core.sessionlog import write_log

        fresh = app.store.detail_for(row.id) or detail
        try:
            path = write_log(app.settings.session_log_dir, fresh, summary, datetime.now())
        except OSError as exc:
            app.notify(f"Could not write the session log: {exc}", severity="error", markup=False)
            return
        app.notify(f"Session log written: {path}", title="Session log", markup=False)

    async def bill_now(self, detail: Any) -> None:
        """The unbilled time, billed the way it is held: a running timer is stopped (its
        form can post it or bill it now, F3), a stopped unposted one is posted or billed,
        an uncharged timer entry is charged (T)."""
        from syncro_tui.core.timers import unrecorded_timers
        from syncro_tui.ui.screens.timer import TimerFlow

        app, row = self.app, self.row
        flow = TimerFlow(app)
        running = app.timers.current()
        waiting = [s for s in app.timers.unposted() if s.ticket_id == row.id]
        if running is not None and running.ticket_id == row.id:
            await flow._stop()
        elif waiting:
            await flow._post(waiting[0])
        elif unrecorded_timers(detail):
            await flow._charge(row)
