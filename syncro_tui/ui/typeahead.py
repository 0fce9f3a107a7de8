"""Type-ahead: keys that arrive while a screen, modal or input is opening go to it, in order.

Why keys went astray: the app forwards every key to the focused widget's queue at once, and a
binding (``/``, ``c``...) runs only when that key has bubbled back up to the app; by then the
rest of a burst (``/wif`` over a laggy SSH link) has already been forwarded to the list, where
``w`` opened the write log. Textual also moves focus with ``call_later``, and a pushed screen
focuses its widget only once it has mounted.

So the app delivers keys one at a time: a key is forwarded with a marker behind it, and the
next key waits until the marker has bubbled back to the app (the key has then been handled,
bindings included). An action that opens something calls ``hold()``; keys are then held until
focus has settled somewhere new, and handed to that widget in the order they were typed.

A modal whose answer leads on (a picker whose value opens a write preview, a flow's form)
holds keys from the moment it is answered (``hold(after=...)``): they wait for the next screen,
or for the flow's end, and never run on the screen underneath meanwhile (a ``y`` typed after
Enter in the status picker copied the ticket number before the preview was up).

If nothing opens after all: ``release()`` (the action stopped early, e.g. "Highlight a ticket
first") runs the held keys as usual; a flow that ends without opening anything, or a hold that
times out, drops them with a note. Held keys never run as commands behind an opening form.
"""

from __future__ import annotations

from collections import deque
from typing import Any

from textual import events
from textual.dom import NoScreen
from textual.message import Message

HOLD_SECONDS = 10.0
"""The longest a hold may last (a form that waits on the network before it opens)."""

IN_FLIGHT_SECONDS = 1.0
"""If a key's marker never comes back (its widget was removed), deliver the next key anyway."""


class KeyDone(Message, bubble=True):
    """Posted behind a forwarded key; when it reaches the app, the key has been handled."""

    def __init__(self, serial: int) -> None:
        super().__init__()
        self.serial = serial


class TypeAhead:
    def __init__(self, app: Any, *, timeout: float = HOLD_SECONDS) -> None:
        self.app = app
        self.timeout = timeout
        self._keys: deque[events.Key] = deque()
        self._serial = 0
        self._in_flight: int | None = None  # serial of the key being handled
        self._in_flight_target: Any = None  # the widget (or screen) it was handed to
        self._in_flight_timer: Any = None
        self._origin: tuple[Any, Any] | None = None  # (screen, focused) when the hold began
        self._workers: set[Any] = set()  # workers that existed when the hold began
        self._deadline: Any = None
        self._watch: Any = None
        self._settling = False
        self._paused = False
        self._stack: list[Any] | None = None  # hold(after=...): screens that do not count
        self._flow: Any = None  # hold(after=...): the worker whose end means nothing opens

    @property
    def holding(self) -> bool:
        return self._origin is not None

    @property
    def delivered(self) -> int:
        """The serial of the last key handed to Textual so far."""
        return self._serial

    def typed_before(self, serial: int) -> bool:
        """Is the key being handled now one that was handed over at or before ``serial``?

        Textual resolves a key's binding when the key bubbles back to the app, against the
        screen on top *then*: a key delivered while a picker closed can land on the write
        preview its flow pushed meanwhile. A preview asks this before it acts on a key."""
        return self._in_flight is not None and self._in_flight <= serial

    # -- called by the app -----------------------------------------------------------------

    async def key(self, event: events.Key) -> None:
        """A key arrived from the terminal: deliver it now, or queue it behind the others."""
        self._keys.append(event)
        await self._pump()

    async def key_done(self, message: KeyDone) -> None:
        message.stop()
        if message.serial == self._in_flight:
            self._finished()
            await self._pump()

    def hold(self, *, after: Any = None, flow: Any = None) -> None:
        """An opener starts: hold keys until focus lands on what it opens.

        ``after``: the modal being answered; the keys wait for a screen that was not on the
        stack then (going back to the screen underneath does not count), or for the end of
        ``flow``, the worker that goes on from the answer (``follow()`` names it when it starts
        later): then they run where the flow left the focus."""
        if self._origin is None:
            self._origin = (self.app.screen, self.app.focused)
            self._workers = set(self.app.workers)
            self._watch = self.app.set_interval(0.02, self.check, name="typeahead-watch")
            if after is not None:
                self._stack = list(self.app.screen_stack)
                self._flow = flow
        if self._deadline is not None:
            self._deadline.stop()
        self._deadline = self.app.set_timer(self.timeout, self.abandon, name="typeahead")

    def pause(self) -> None:
        """Queue every key until ``resume`` (a warm start's first frame is painted from part
        of the cache: keys wait for the rest, as they waited for the app before)."""
        self._paused = True

    def resume(self) -> None:
        """Deliver the keys queued since ``pause``, in order, as usual."""
        if self._paused:
            self._paused = False
            self.app.call_later(self._pump)

    def release(self) -> None:
        """Nothing opens after all (the action stopped early): the held keys run as usual."""
        if self._origin is not None:
            self._stop()
            self.app.call_later(self._pump)

    def abandon(self) -> None:
        """Nothing will open: stop holding; held keys are dropped (never run as commands)."""
        if self._origin is None:
            return
        self._stop()
        if self._keys:
            typed = "".join(k.character or f"<{k.key}>" for k in self._keys)
            self._keys.clear()
            self.app.notify(
                f"Typed while nothing opened, not used: {typed}", severity="warning", markup=False
            )

    def closing(self, screen: Any) -> None:
        """A modal is being answered: the key that answered it is done with. Its marker went
        to the modal's widget, which closes before passing it on (the next key would wait
        ``IN_FLIGHT_SECONDS``)."""
        target = self._in_flight_target
        if self._in_flight is None or target is None:
            return
        try:
            mine = target.screen is screen
        except NoScreen:  # already taken off its screen
            mine = True
        if mine:
            self._finished()
            self.app.call_later(self._pump)

    def follow(self, worker: Any) -> None:
        """The worker that goes on from the answer held for (when it started after it)."""
        if self._stack is not None and self._flow is None:
            self._flow = worker

    def worker_finished(self, worker: Any) -> None:
        """An app worker ended: a flow started by the held action, without opening anything?"""
        if self._origin is None:
            return
        if self._stack is not None:
            self.flow_finished(worker)
        elif worker not in self._workers and not self._moved():
            self.abandon()

    def flow_finished(self, worker: Any) -> None:
        """Any worker ended (a screen's too): the flow held after an answer is back where it
        began, and what was typed goes where it left the focus."""
        if self._stack is not None and worker is self._flow:
            self.release()

    def check(self) -> None:
        """Release once focus has moved to a new widget, checked again after a refresh (a
        pushed screen may auto-focus one widget before its ``on_mount`` focuses another)."""
        if self._origin is None or self._settling or not self._moved():
            return
        self._settling = True
        self.app.call_after_refresh(self._settle)

    # -- internals -------------------------------------------------------------------------

    async def _pump(self) -> None:
        """Deliver queued keys one at a time while nothing holds them."""
        while self._keys and self._in_flight is None and self._origin is None and not self._paused:
            event = self._keys.popleft()
            target = self.app.focused or self.app.screen
            self._serial += 1
            self._in_flight = self._serial
            self._in_flight_target = target
            self._in_flight_timer = self.app.set_timer(
                IN_FLIGHT_SECONDS, self._lost, name="typeahead-key"
            )
            await self.app.deliver_key(event)
            target.post_message(KeyDone(self._serial))

    def _finished(self) -> None:
        self._in_flight = self._in_flight_target = None
        if self._in_flight_timer is not None:
            self._in_flight_timer.stop()
            self._in_flight_timer = None

    async def _lost(self) -> None:
        self._finished()
        await self._pump()

    def _moved(self) -> bool:
        if self._origin is None:
            return False
        screen, focused = self._origin
        now = self.app.focused
        if self._stack is not None and self.app.screen in self._stack:
            return False  # still the answered modal, or back on the screen underneath
        if self.app.screen is not screen:
            new = self.app.screen
            return now is not None or (new.is_mounted and not new.focus_chain)
        return now is not None and now is not focused

    def _stop(self) -> None:
        self._origin = None
        self._settling = False
        self._workers = set()
        self._stack = self._flow = None
        for timer in (self._deadline, self._watch):
            if timer is not None:
                timer.stop()
        self._deadline = self._watch = None

    async def _settle(self) -> None:
        self._settling = False
        if self._origin is None or not self._moved():
            return
        self._stop()
        if not getattr(self.app.screen, "TYPEAHEAD", True) and self._keys:
            # A write preview: keys typed before it was on screen never answer it.
            self._keys.clear()
            self.app.notify(
                "Keys typed before the preview appeared were ignored: read it, then press y.",
                severity="warning",
                markup=False,
            )
        await self._pump()
