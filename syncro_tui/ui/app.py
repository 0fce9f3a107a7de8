"""SyncroApp: the store, the workers that talk to Syncro, and the error routing.

Start-up paints the cached queue first; the network stack (httpx, pydantic, keyring) is imported
in a worker after the first paint. One poll worker at a time, re-armed when it finishes.
"""

from __future__ import annotations

import logging
import math
import sqlite3
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from textual import events, work
from textual.app import App, InvalidThemeError
from textual.reactive import var
from textual.timer import Timer
from textual.worker import Worker, WorkerState

from syncro_tui.api.errors import SyncroError
from syncro_tui.config import Settings
from syncro_tui.core.rows import TicketRow
from syncro_tui.core.store import Store
from syncro_tui.core.text import clean
from syncro_tui.ui import actions, textual_fixes
from syncro_tui.ui.widgets.header import (
    HeaderState,
    budget_note,
    describe_sync,
    format_elapsed,
)

textual_fixes.apply()
log = logging.getLogger("syncro_tui.ui")

CSS_FILE = Path(__file__).with_name("app.tcss")

PREVIEW_ROWS = 100
"""A warm start paints from this many cached rows (or the terminal's height, if taller), plus
a few, when the cache holds more than twice as many (``SyncroApp._load_preview``)."""


def preview_rows() -> int:
    import shutil

    return max(PREVIEW_ROWS, shutil.get_terminal_size().lines)


def _ticket_commands():
    from syncro_tui.ui.commands import TicketCommands

    return TicketCommands


class SyncroApp(App[None]):
    CSS_PATH = CSS_FILE
    TITLE = "syncro-tui"
    ENABLE_COMMAND_PALETTE = True
    COMMANDS = App.COMMANDS | {_ticket_commands}
    BINDINGS = actions.bindings(actions.APP)

    header_info: var[HeaderState] = var(HeaderState)
    """What the status line says; recomputed by ``refresh_header``."""

    def __init__(
        self,
        settings: Settings,
        *,
        backend: Any,
        cache: Any = None,
        clock: Callable[[], float] = time.time,
        limiter: Any = None,
        bell: bool | None = None,
        fresh_demo: bool = False,
    ) -> None:
        super().__init__()
        if self.no_color:  # NO_COLOR: no colour codes at all (Textual's default sends greys)
            from textual.filter import Monochrome, NoColor

            self._filters = [f for f in self._filters if not isinstance(f, Monochrome)]
            self._filters.append(NoColor())
        if settings.ui.plain:  # pure ASCII: borders, divider, scrollbars, toggles, markers
            from syncro_tui.ui.plain import AsciiFilter, install_toggle_glyphs

            self._filters.append(AsciiFilter())
            install_toggle_glyphs()
        self.settings = settings
        self.backend = backend
        self.cache = cache
        self.clock = clock
        self.limiter = limiter
        self.store = Store()
        self.session: Any = None
        self.sender: Any = None  # the WriteSender, once the session exists
        self._ring_bell = settings.ui.bell if bell is None else bell
        self._poll_timer: Timer | None = None
        self._poll_delay = float(settings.poll_seconds)
        self._failures = 0
        self._heap_settled = False
        self._stopped = False
        self._user_line = ""
        self._attribution_warning = ""
        self.drafts: Any = None  # drafts and the timer file load right after the first paint
        self.timers: Any = None
        self._cached_full_at: float | None = None
        self._early_poll: Worker | None = None  # a first start's poll, running before /me
        self._early_failed = False
        # `--demo`: its sandbox is made anew at each launch, so neither the cached rows nor
        # its first full load are news, and the first poll is a full load.
        self._fresh_demo = fresh_demo
        self._demo_fresh = False
        self.notices: list[str] = []  # said once at start (permissions tightened, read-only...)
        from syncro_tui.ui.typeahead import TypeAhead

        self.typeahead = TypeAhead(self)
        self.read_only = ""  # why nothing can be sent: the data folder cannot be written
        self._cache_rest = False  # a preview of the cache is shown; the rest loads at on_ready
        self._load_cache()

    # -- closing ---------------------------------------------------------------------------
    # `q` followed at once by another key (a word typed while the list has focus) must not
    # open a screen while the app is closing: that ended in a NoMatches traceback.

    closing = False
    settle_heap = False  # the real TUI: keep start-up objects out of full GC passes (core.heap)
    canned_denied = False  # the key may not read canned responses (said once, F5 hidden)

    def exit(self, *args: Any, **kwargs: Any) -> None:
        self.closing = True
        super().exit(*args, **kwargs)

    async def on_event(self, event: events.Event) -> None:
        if self.closing and isinstance(event, events.InputEvent):
            return  # keys and clicks after quitting do nothing
        if self._cache_rest and isinstance(event, events.MouseEvent):
            return  # the first frame shows part of the queue (_load_preview)
        if isinstance(event, events.Key) and not event.is_forwarded:
            await self.typeahead.key(event)  # one at a time; held while something opens
            return
        await super().on_event(event)

    async def deliver_key(self, event: events.Key) -> None:
        """Hand a key from the terminal to Textual (called by ``ui.typeahead``)."""
        if not self.closing:
            await super().on_event(event)

    async def on_key_done(self, message: Any) -> None:
        await self.typeahead.key_done(message)

    def push_screen(
        self, screen: Any, callback: Any = None, wait_for_dismiss: bool = False, **kw: Any
    ) -> Any:
        if self.closing:
            if wait_for_dismiss:
                import asyncio

                return asyncio.get_running_loop().create_future()  # the worker ends with the app
            from textual.widget import AwaitMount

            return AwaitMount(self.screen, [])
        self.typeahead.hold()  # keys typed while a screen opens are held for it
        if not getattr(screen, "TYPEAHEAD", True):  # a write preview: see typed_before()
            screen.keys_before = self.typeahead.delivered
        elif wait_for_dismiss and hasattr(screen, "leads_on"):  # a flow goes on from its answer
            from textual.worker import NoActiveWorker, get_current_worker

            screen.leads_on = True
            try:
                screen.flow = get_current_worker()
            except NoActiveWorker:
                pass
        return super().push_screen(screen, callback, wait_for_dismiss, **kw)  # type: ignore[call-overload]

    def _fatal_error(self) -> None:
        """Textual's crash report, without the local variables of each frame (Textual prints
        them by default): no frame holding the key, a request or a customer's text may reach
        the terminal. The full, redacted traceback goes to the log."""
        import logging

        import rich
        from rich.segment import Segments
        from rich.traceback import Traceback

        error = self._exception
        if error is not None:
            logging.getLogger("syncro_tui.ui").error("the app stopped on an error", exc_info=error)
        self.bell()
        traceback = Traceback(show_locals=False, width=None, suppress=[rich])
        self._exit_renderables.append(
            Segments(self.console.render(traceback, self.console.options))
        )
        self._close_messages_no_wait()

    # -- start-up --------------------------------------------------------------------------

    def _load_cache(self) -> None:
        """Fill the store from the cache before the app runs. A big queue paints from part of
        it (``_load_preview``); ``_load_cache_rest`` loads the rest after the first frame."""
        if self.cache is None:
            return
        if self._load_preview():
            return
        try:
            rows = self.cache.load_rows()
            seen = self.cache.load_seen()
            saved = self.cache.saved_at()
        except Exception:  # a broken cache is never fatal: start empty (and say why in the log)
            log.warning("the ticket cache could not be read; starting empty", exc_info=True)
            return
        if rows:
            self._fill_from_cache(rows, seen, saved)

    def _fill_from_cache(
        self, rows: list[TicketRow], seen: dict[int, str], saved: float | None, pending: int = 0
    ) -> None:
        if self._fresh_demo:  # made anew at each launch: the cached rows are not news
            seen = {row.id: row.updated_at for row in rows}
            self._demo_fresh = True
        self.store.load_seen(seen)
        self.store.apply_tickets(
            rows, full=True, closed_statuses=set(self.settings.closed_statuses), pending=pending
        )
        self.store.set_sync("cached", from_cache=True, cached_at=saved)

    def _load_preview(self) -> bool:
        """Paint a big cached queue before it is all read: the rows of its first screen, and
        one row for each value the columns' widths follow, so the first frame shows exactly
        what the whole queue would (the title counts them all, the scrollbar spans them all).
        Keys wait until the rest is in (``typeahead.pause``), and mouse events are not used
        (the app did not listen to either before it ran). At 10,044 cached tickets the first
        frame came after ~200 ms of CPU reading and sorting them all, now after ~25 ms.

        Not for saved views (their tabs count every row) nor a cache holding a closed
        status (the store drops those rows, so the count would be wrong)."""
        from syncro_tui.ui.widgets.ticket_list import EVERY_VALUE_FIELDS, LONGEST_FIELDS

        if self.settings.views:
            return False
        try:
            preview = self.cache.load_preview(
                preview_rows(),
                longest=LONGEST_FIELDS,
                every=dict.fromkeys((*EVERY_VALUE_FIELDS, "status")),
            )
            if preview is None:
                return False
            closed = {status.casefold() for status in self.settings.closed_statuses}
            if any(str(status).casefold() in closed for status in preview.values["status"]):
                return False
            seen = self.cache.load_seen(row.id for row in preview.rows)
            saved = self.cache.saved_at()
        except Exception:  # noqa: BLE001 - the whole load below says why, if it fails too
            log.debug("no preview of the ticket cache", exc_info=True)
            return False
        self._fill_from_cache(preview.rows, seen, saved, pending=preview.total - len(preview.rows))
        self._cache_rest = True
        self.typeahead.pause()
        return True

    def _load_cache_rest(self) -> None:
        """After the first frame of a preview: every cached row, then the keys typed so far."""
        if not self._cache_rest:
            return
        self._cache_rest = False
        try:
            rows = self.cache.load_rows()
            seen = self.cache.load_seen()
        except Exception:  # what the preview holds stays; the first poll brings the rest
            log.warning("the ticket cache could not be read in full", exc_info=True)
            rows, seen = [], {}
        if rows:
            self._fill_from_cache(rows, seen, self.store.sync.cached_at)
        else:
            self.store.apply_tickets((), full=False)  # (pending: 0)
        self.typeahead.resume()

    def get_key_display(self, binding: Any) -> str:
        """In plain mode Enter is spelled out: its one-cell ASCII stand-in would be "<", which
        the list already uses for "the customer spoke last"."""
        display = super().get_key_display(binding)
        if self.settings.ui.plain and display == "\u23ce":
            return "enter"
        return display

    def get_default_screen(self):
        from syncro_tui.ui.screens.main import MainScreen

        return MainScreen()

    def on_mount(self) -> None:
        notices = [*self.settings.warnings, *self.notices]
        theme = self.settings.ui.theme
        if self.settings.ui.plain:
            theme = "textual-ansi" if "textual-ansi" in self.available_themes else "ansi-dark"
        try:
            self.theme = theme
        except InvalidThemeError:
            names = ", ".join(sorted(self.available_themes))
            notices.append(f"Unknown theme {theme!r}; using the default. Themes: {names}.")
        if self.settings.keymap:
            from syncro_tui.ui.settings_check import unknown_keymap_ids

            unknown = unknown_keymap_ids(self.settings.keymap, app_class=type(self))
            if unknown:
                notices.append(
                    f"[keymap]: no binding has the id {', '.join(map(repr, unknown))} (ignored); "
                    "? lists the ids."
                )
            self.set_keymap(dict(self.settings.keymap))
        if notices:  # once, at start
            self.notify(
                "\n".join(notices), title="Settings", severity="warning", markup=False, timeout=20
            )
        if self.settings.read_only:
            self.notify(
                "Read-only profile: nothing can be written to Syncro from this session "
                "(no comments, billing, timers or ticket changes).",
                title="Read-only",
                markup=False,
                timeout=10,
            )

    def on_ready(self) -> None:
        self._load_cache_rest()  # before anything reads the store or polls into it
        if self.cache is not None and self.store.tickets:
            try:  # (read here, not before the first paint: a JSON value)
                self._cached_full_at = self.cache.get_blob("last_full")
            except (sqlite3.Error, OSError, ValueError):
                self._cached_full_at = None
        self.drafts, self.timers = _local_stores(self.settings, create=not self.read_only)
        self.store.set_timer(self.timers.current())
        self.set_interval(1.0, self.refresh_header, name="header-tick")
        self.store.subscribe("timer", lambda _timer: self.refresh_header())
        self.store.subscribe("sync", lambda _state: self.refresh_header())
        self.refresh_header()
        if self.settle_heap:  # before connect starts the import thread (core.heap)
            from syncro_tui.core import heap

            heap.tune_allocator()
        self.connect()
        if self.settle_heap:
            from syncro_tui.core import heap

            heap.settle()

    @work(exclusive=True, group="connect", exit_on_error=False)
    async def connect(self) -> None:
        """Find the key, build the client, load /me and the account lists, then poll."""
        import asyncio

        from syncro_tui.core.backend import NoKeyError

        try:
            connection = await self.backend.connect(self.settings)
        except NoKeyError as exc:
            self.store.set_sync("auth_failed", message=str(exc))
            self._stopped = True
            return
        if connection.warning:
            self.notify(connection.warning, title="API key", severity="warning", markup=False)
        from syncro_tui.core.session import Session

        await asyncio.to_thread(_import_network_stack)
        first_start = not self.store.tickets  # nothing to show yet (no cache)
        self.session = Session(
            self.settings,
            self.store,
            connection,
            cache=self.cache,
            limiter=self.limiter,
            wall_clock=self.clock,
            drafts=self.drafts,
            read_only=self.read_only,
        )
        early = None
        if first_start:
            # Nothing on screen: the first list page goes first and paints as soon as it is
            # read (no model needed); /me and the account lists, which import pydantic and
            # the models, follow it instead of holding it back (issue 14). Until /me has
            # answered, a failure of this poll is left to /me to report (the same cause).
            self._early_poll, self._early_failed = self.poll(), False
            early = self._early_poll
            await self._first_page(early)
            await self._painted()
        from syncro_tui.core.sender import WriteSender

        self.sender = WriteSender(
            self.session,
            AppPrompts(self),
            attribution=self.attribution,
            landed=self._landed,
            created=self._created,
        )
        if self.session.journal_notice and not self.read_only:  # read-only: said at start
            self.notify(
                self.session.journal_notice, title="Write journal", severity="warning", markup=False
            )
        if self.cache is not None and not first_start and not self._fresh_demo:
            self.session.resume_from_cache(list(self.store.tickets.values()), self._cached_full_at)
        await asyncio.to_thread(_import_models)
        try:
            me = await self.session.load_me()
        except SyncroError as exc:
            self._early_poll = None
            self._handle_error(exc, what="Loading your account")
            return
        except BaseException:
            self._early_poll = None
            raise
        self._user_line = f"Authenticated as {clean(me.user_name)}"
        self.refresh_header()
        await self._recover_writes()
        self.load_lists()
        expected = self.settings.expected_user.strip()
        if expected and expected.lower() not in (str(me.user_id), (me.user_name or "").lower()):
            self._attribution_warning = f"key belongs to {clean(me.user_name)}, not {expected}!"
        self._early_poll = None
        if early is None or self._early_failed:  # (else a first start's poll is running)
            self.poll()

    async def _first_page(self, poll: Worker) -> None:
        """Until the first poll put its first page into the store (or ended)."""
        import asyncio

        while not self.store.tickets and not poll.is_finished:
            await asyncio.sleep(0.005)

    async def _painted(self, timeout: float = 1.0) -> None:
        """Until the screen has been refreshed twice since what the store holds now (at most
        ``timeout``). A first start imports the models in a thread once the first page is
        in: started before the rows were painted, pydantic's import (150-300 ms of CPU)
        took the GIL from the paint (its modules were 143-191 ms of the self time before
        the rows showed; after one refresh 143, after two 73-90: startup.py, cold demo)."""
        import asyncio

        done = asyncio.get_running_loop().create_future()

        def mark() -> None:
            if not done.done():
                done.set_result(None)

        self.call_after_refresh(lambda: self.call_after_refresh(mark))
        try:
            await asyncio.wait_for(done, timeout)
        except TimeoutError:  # (a screen that does not refresh: go on regardless)
            pass

    @work(group="account", exit_on_error=False)
    async def load_lists(self) -> None:
        """Statuses, technicians and the other pick lists, beside the first poll."""
        try:
            await self.session.load_lists()
        except SyncroError as exc:
            self.notify(
                f"Could not load statuses and technicians: {exc}. Press r to try again.",
                title="Account lists",
                severity="warning",
                markup=False,
            )

    async def _recover_writes(self) -> None:
        """Writes a crash left unsettled are verified before anything else is sent."""
        try:
            outcomes = await self.session.recover()
        except (SyncroError, OSError, sqlite3.Error) as exc:
            self.notify(
                f"Could not verify earlier writes yet: {exc}. Nothing was resent.",
                title="Write journal",
                severity="warning",
                markup=False,
            )
            return
        for outcome in outcomes:
            entry = self.session.write(outcome.entry_id)
            verdict = {
                "landed": "it reached Syncro",
                "confirmed": "it reached Syncro",
                "absent": "it did NOT reach Syncro; resend it from the write log (w)",
                "unknown": "still unknown; see the write log (w)",
            }.get(outcome.state, outcome.state)
            self.notify(
                f"Earlier write verified: {entry.intent.label}: {verdict}.",
                title="Write journal",
                severity="warning" if outcome.state != "landed" else "information",
                markup=False,
                timeout=20,
            )

    # -- polling ---------------------------------------------------------------------------

    @work(exclusive=True, group="poll", exit_on_error=False)
    async def poll(self, force_full: bool = False) -> Any:
        if self.session is None:
            return None
        self.store.set_sync("syncing")
        return await self.session.poll(force_full=force_full)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        worker = event.worker
        if worker.is_finished:
            self.typeahead.worker_finished(worker)
        if worker.group == "poll":
            if worker.state == WorkerState.SUCCESS:
                self._poll_succeeded(worker.result)
            elif worker.state == WorkerState.ERROR and worker is self._early_poll:
                self._early_failed = True  # connect polls again once /me answered
            elif worker.state == WorkerState.ERROR:
                self._handle_error(worker.error, what="Syncing tickets")
        elif worker.group == "connect" and worker.state == WorkerState.ERROR:
            self._handle_error(worker.error, what="Connecting")
        elif worker.state == WorkerState.ERROR:
            self.report_failure(worker.error)

    def report_failure(self, error: BaseException | None, *, what: str = "") -> None:
        """The one route for a failed worker (the app's own, and every screen's and modal's:
        they forward theirs, since ``Worker.StateChanged`` does not bubble).

        Says what failed, in words, and writes a log line; typed text stays in its draft.
        An error that is not Syncro's (a bug) is logged with its traceback.
        """
        from syncro_tui.api.errors import SyncroError

        prefix = f"{what}: " if what else ""
        if isinstance(error, SyncroError):
            log.warning("%s%s: %s", prefix, error.title, error)
            self.notify(
                f"{prefix}{error}", title=error.title, severity="error", markup=False, timeout=15
            )
        elif isinstance(error, ValueError):
            log.warning("%snot sent: %s", prefix, error)
            self.notify(
                f"{prefix}{error}", title="Not sent", severity="error", markup=False, timeout=15
            )
        else:
            log.error("%sflow failed", prefix, exc_info=error)
            self.notify(
                f"{prefix}Something went wrong: {type(error).__name__}: {error}. Nothing more was "
                "sent; details are in the log file.",
                title="Error",
                severity="error",
                markup=False,
                timeout=15,
            )

    def _poll_succeeded(self, result: Any) -> None:
        if result is None:
            return
        self._failures = 0
        if self.settle_heap and not self._heap_settled:  # the network stack is in now
            from syncro_tui.core import heap

            self._heap_settled = True
            heap.settle()
        self._poll_delay = self.session.poll_interval()
        self.store.set_sync("idle", last_synced=self.clock(), from_cache=False)
        if self._demo_fresh:
            self._demo_fresh = False
            self.store.mark_all_seen()
            result.alerts = []
        if result.alerts:  # one notification per poll, however many changes it brought
            from syncro_tui.core.triage import summarize_alerts

            if self.settings.ui.notify:
                self.notify(summarize_alerts(result.alerts), title="Syncro", markup=False)
            if self._ring_bell:
                self.bell()
        self._arm_poll(self._poll_delay)

    def _arm_poll(self, delay: float) -> None:
        if self._stopped:
            return
        if self._poll_timer is not None:
            self._poll_timer.stop()
        self._poll_timer = self.set_timer(delay, self.poll, name="poll")

    def _handle_error(self, error: BaseException | None, *, what: str) -> None:
        from syncro_tui.core.backoff import sync_retry

        retry = sync_retry(error, self._failures + 1)
        if retry.wait is None:
            self._stopped = True
            self.store.set_sync(retry.state, message=retry.message or "")
            self.notify(
                f"{what}: {error}", title=retry.title, severity="error", markup=False, timeout=30
            )
            return
        self._failures += 1
        wait = retry.wait
        if retry.message:
            self.store.set_sync(retry.state, message=retry.message, retry_at=self.clock() + wait)
        else:
            self.store.set_sync(retry.state, retry_at=self.clock() + wait)
        if retry.notify:
            log.error("%s failed", what, exc_info=error)
            self.notify(f"{what}: {error}", title=retry.title, severity="error", markup=False)
        if self.session is None:
            self.set_timer(wait, self.connect, name="reconnect")
        else:
            self._arm_poll(wait)

    def refresh_now(self) -> None:
        """`r`: poll at once (a full reload), even while backing off."""
        if self._stopped:
            self.notify(
                "Polling is stopped: the API key was rejected. Run syncro-tui login.",
                severity="error",
            )
            return
        if self.session is None:
            self.connect()
            return
        if not self.store.statuses:
            self.load_lists()
        self.session.allow_probe()  # through a 429 pause, once: has the server recovered?
        self.poll(force_full=True)

    # -- header ----------------------------------------------------------------------------

    def refresh_header(self) -> None:
        """Recompute the status line's state now (also done once a second); every
        ``StatusHeader`` follows ``header_info`` and redraws only when it changes."""
        self.header_info = self.header_state()

    def header_state(self) -> HeaderState:
        now = self.clock()
        sync, level = describe_sync(self.store.sync, now)
        if self.session is not None:
            budget = self.session.budget_status()
        else:
            budget = self.limiter.status() if self.limiter is not None else None
        if budget is not None and budget.paused_for > 0 and level != "error":
            # Requests are held back by a 429 pause (here or in another process): say so,
            # whatever the poll is doing meanwhile.
            sync, level = f"rate limited, waiting {math.ceil(budget.paused_for)} s", "warn"
        timer = ""
        running = self.store.timer
        if running is not None:
            timer = (
                f"#{running.ticket_number} {format_elapsed(now - running.started_at.timestamp())}"
            )
        return HeaderState(
            account=("demo (sandbox)" if self.settings.demo else self.settings.account),
            user=self._user_line,
            attribution_warning=" ".join(
                w for w in (self._attribution_warning, "read-only" if self.read_only else "") if w
            ),
            sync=sync,
            sync_level=level,
            spent=budget.spent if budget is not None else 0,
            budget=budget.budget if budget is not None else self.settings.requests_per_minute,
            budget_note=budget_note(budget),
            timer=timer,
        )

    # -- actions ---------------------------------------------------------------------------

    def unsent_line(self) -> str:
        """One line on what waits (drafts, timer, writes being verified), "" when nothing."""
        from syncro_tui.core.unsent import unsent_line

        try:
            drafts = self.drafts.kept() if self.drafts is not None else []
            running = self.timers.current() if self.timers is not None else None
            unposted = self.timers.unposted() if self.timers is not None else []
            entries = (
                self.session.recent_writes(self.clock() - 7 * 86400)
                if self.session is not None
                else []
            )
        except Exception:  # quitting must always be possible; the log says what failed
            log.warning("what waits could not be read before quitting", exc_info=True)
            return ""
        numbers = {tid: row.number for tid, row in self.store.tickets.items()}
        return unsent_line(drafts, running, unposted, entries, numbers)

    def action_quit_asking(self) -> None:
        """`q`: quits at once when nothing waits, else says what waits and asks. Ctrl+Q
        always quits at once. Either way drafts and the timer stay on disk."""
        from syncro_tui.ui.screens.dialogs import PickModal

        line = self.unsent_line()
        if not line:
            self.exit()
            return
        self.push_screen(
            PickModal(
                f"{line} Quit anyway? It is all kept on disk for next time.",
                [(False, "No, stay"), (True, "Yes, quit")],
                hint="Enter picks, Esc stays; Ctrl+Q quits at once",
            ),
            lambda sure: self.exit() if sure else None,
        )

    def action_help(self) -> None:
        from syncro_tui.ui.screens.help import HelpScreen

        self.push_screen(HelpScreen())

    def remember_seen(self, ticket_id: int) -> None:
        """Keep the "seen" mark across restarts, so a new or changed ticket stays marked until looked at."""
        if self.cache is None or ticket_id not in self.store.seen:
            return
        try:
            self.cache.save_seen({ticket_id: self.store.seen[ticket_id]}, full=False)
        except (sqlite3.Error, OSError):  # the mark is a convenience; never break the screen
            pass

    def default_assignee(self) -> int | None:
        """`default_assignee` from the config: "me", a technician's name, or a user id."""
        wanted = self.settings.default_assignee.strip()
        me = getattr(self.store.me, "user_id", None)
        if wanted.lower() in ("", "me"):
            return me
        if wanted.isdigit():
            return int(wanted)
        for uid, name in self.store.users.items():
            if name.lower() == wanted.lower():
                return uid
        return me

    def attribution(self) -> tuple[str, str | None]:
        """Who every write is attributed to, and a warning when that is not who the config
        expects: ``core.writes.attribution``, the same line the command line prints."""
        from syncro_tui.core import writes

        return writes.attribution(self.store.me, self.settings.expected_user)

    async def send_with_preview(
        self,
        title: str,
        intents: list[Any],
        *,
        warnings: Sequence[str] = (),
        notes: Sequence[str] = (),
        draft_key: tuple | None = None,
        repeat: str = "",
    ) -> bool:
        """Show every request, send on `y` through the outbox, report what happened.

        Runs inside a worker (it waits for modals). Returns True when every write landed.
        The loop itself is ``core.sender.WriteSender``; this is the screens' way to it.
        """
        return await self.sender.send(
            title, intents, warnings=warnings, notes=notes, draft_key=draft_key, repeat=repeat
        )

    async def confirm_writes(
        self,
        title: str,
        intents: list[Any],
        *,
        warnings: Sequence[str] = (),
        notes: Sequence[str] = (),
        repeat: str = "",
    ) -> bool:
        """The preview alone: True on `y` (or `y` then `a` when ``repeat`` says the same text
        already landed), False on n/Esc. Nothing is sent here."""
        return await self.sender.confirm(
            title, intents, warnings=warnings, notes=notes, repeat=repeat
        )

    async def send_confirmed(
        self, intents: list[Any], *, draft_key: tuple | None = None, allow_duplicate: bool = False
    ) -> bool:
        """Send writes the technician already confirmed, one by one, stopping at the first
        that did not land. ``allow_duplicate``: they already agreed to a second copy."""
        return await self.sender.send_confirmed(
            intents, draft_key=draft_key, allow_duplicate=allow_duplicate
        )

    def _landed(self, intent: Any) -> None:
        # The outbox discarded the write's draft as it landed, after the form had closed.
        from syncro_tui.ui.screens.main import MainScreen

        for screen in self.screen_stack:
            if isinstance(screen, MainScreen):
                screen.drafts_changed()
        if intent.ticket_id:
            self._refetch(intent.ticket_id)

    def _created(self, ticket_id: int) -> None:
        """Our own new ticket: never news to us (no toast, no mark); the cursor goes to it."""
        if self.session is not None:
            self.session.own_created.add(ticket_id)
        self._refetch(ticket_id, created=True)

    def _refetch(self, ticket_id: int, *, created: bool = False) -> None:
        """Load what our own write changed; it is not news to us. A ticket we just created
        joins the list at once and the cursor moves to it."""

        async def refetch() -> None:
            from syncro_tui.core.session import row_from_ticket

            try:
                detail = await self.session.fetch_detail(ticket_id)
            except SyncroError:  # the next poll or highlight shows it; the write is done
                return
            if created and ticket_id not in self.store.tickets:
                row = row_from_ticket(detail, self.session.users)
                self.store.apply_tickets(
                    [row], full=False, closed_statuses=set(self.settings.closed_statuses)
                )
                self.store.set_detail(ticket_id, detail, row.updated_at)
            if ticket_id in self.store.tickets:  # our own change is not news to us
                self.store.mark_seen(ticket_id)
                self.remember_seen(ticket_id)
            if created:
                from syncro_tui.ui.screens.main import MainScreen

                for screen in self.screen_stack:
                    if isinstance(screen, MainScreen):
                        screen.show_ticket(ticket_id)

        self.run_worker(refetch(), group="refetch", exit_on_error=False)

    def row(self, ticket_id: int | None) -> TicketRow | None:
        return self.store.tickets.get(ticket_id) if ticket_id is not None else None

    async def on_unmount(self) -> None:
        if self.session is not None:
            await self.session.aclose()


class AppPrompts:
    """The sender's questions as the App's modals and toasts (``core.sender.Prompts``)."""

    def __init__(self, app: SyncroApp) -> None:
        self.app = app

    async def confirm(self, request: Any) -> bool:
        from syncro_tui.ui.screens.dialogs import ConfirmWriteModal, WritePreview, WriteStep

        preview = WritePreview(
            request.title,
            [WriteStep.of(i) for i in request.intents],
            attribution=request.attribution,
            warnings=list(request.warnings),
            notes=list(request.notes),
            repeat=request.repeat,
        )
        answer: bool = await self.app.push_screen_wait(ConfirmWriteModal(preview))
        return answer

    async def ask_again(self, request: Any) -> bool:
        """ "Send it again?" (a write verified absent, or a second copy of one sent today):
        the one dialog for it, ``dialogs.ask_send_again``."""
        from syncro_tui.ui.screens.dialogs import ask_send_again

        if len(request.intents) != 1:  # the sender asks about one write at a time
            return await self.confirm(request)
        return await ask_send_again(
            self.app,
            request.intents[0],
            title=request.title,
            warnings=request.warnings,
            notes=request.notes,
            attribution=request.attribution,
        )

    def tell(
        self, text: str, *, severity: str = "information", timeout: float | None = None
    ) -> None:
        self.app.notify(text, severity=severity, markup=False, timeout=timeout)  # type: ignore[arg-type]


def _import_network_stack() -> None:
    """Import httpx and the client in a thread, beside the first paint."""
    import syncro_tui.api.client  # noqa: F401


def _import_models() -> None:
    """Import pydantic and the models in a thread (the list pages need neither)."""
    import syncro_tui.api.models  # noqa: F401


def _local_stores(settings: Settings, *, create: bool = True) -> tuple[Any, Any]:
    """Drafts and the running timer live on this machine, per account (stdlib only).
    ``create`` False: the data folder is read-only; what is there can still be read."""
    from syncro_tui import paths
    from syncro_tui.core.drafts import Drafts
    from syncro_tui.core.local_files import LocalFiles
    from syncro_tui.core.timers import TimerStore

    base = paths.ensure(paths.data_dir()) if create else paths.data_dir()
    files = LocalFiles.of(settings, base)
    if create:
        try:
            files.adopt_legacy()  # drafts kept under another spelling of the account
        except OSError:
            import logging

            logging.getLogger("syncro_tui.ui").warning("could not move older drafts", exc_info=True)
    return Drafts(files.drafts), TimerStore(files.timer)
