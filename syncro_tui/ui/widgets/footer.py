"""KeyFooter: the keys that matter for the focused pane first, and only keys that fit whole.

Textual's ``Footer`` lists the focused widget's bindings first (the list's "Open" before the
work on the ticket) and lets the overflow run under the Ctrl+P key docked on the right: at
80 columns the main screen ended "x Res▏^p palette", the write log "? Hel▏^p palette". Here:

* the work on the ticket comes first, in the catalogue's order (comment, bill, timer, take,
  edit, status, resolve: ``ui/actions.py``), then the focused pane's own keys (Open in the
  list, Back in the full-screen detail, "To the list" and Clear in the filter box), then the
  rest in the screen's order;
* below ``COMPACT_BELOW`` columns the keys close up (Textual's compact style);
* a key that does not fit whole is left out (every key is in ``?`` and in Ctrl+P, whose key
  always stays on the right).
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.events import Resize
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

COMPACT_BELOW = 100
"""Columns below which the footer uses the compact style (one space between keys)."""

WORK = ("comment", "bill", "timer", "take", "edit", "status", "resolve")
"""The work on one ticket, in footer order (the catalogue's ids)."""

PANE_KEYS = ("ticket_list.select", "detail.back", "filter.done", "filter.clear")
"""The focused pane's own way in or out: after the work, before everything else."""


def order(bindings: list[Binding]) -> list[Binding]:
    """Work first (catalogue order), then the pane's own keys, then the rest as given."""

    def rank(item: tuple[int, Binding]) -> tuple[int, int]:
        index, binding = item
        if binding.id in WORK:
            return (0, WORK.index(binding.id))
        if binding.id in PANE_KEYS:
            return (1, index)
        return (2, index)

    return [b for _, b in sorted(enumerate(bindings), key=rank)]


def key_width(key_display: str, description: str, *, compact: bool) -> int:
    """Cells one FooterKey takes (its padding and margin as Footer's CSS gives them)."""
    if compact:  # key, " description", margin-right 1
        return len(key_display) + (1 + len(description) if description else 0) + 1
    return len(key_display) + 2 + (len(description) + 1 if description else 0)


class KeyFooter(Footer):
    """A ``Footer`` that orders the keys by what the pane is for and shows only whole keys."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self._width = 0
        self._composed: tuple | None = None  # what the keys shown now were made from

    def bindings_changed(self, screen) -> None:
        """As ``Footer``'s, but the keys are made again only when what they show changes:
        Textual recomposed the footer (some 20 widgets, their styles) on every binding
        refresh, a focus change say, and a first start did it 8 times more than a warm one
        before its first rows showed (the cold demo start, issue 14)."""
        self._bindings_ready = True
        if not screen.app.app_focus:
            return
        if self.is_attached and screen is self.screen:
            if self._composed is None:
                # the first keys: made now, for the terminal's width, so that they are in
                # the screen's first layout and frame rather than mounted after it (a
                # mount, a layout, and one more for the keys' sizes; cold demo, issue 14)
                self.compact = self._room() < COMPACT_BELOW
                self.call_next(self._recompose_if_changed)
            else:
                self.call_after_refresh(self._recompose_if_changed)

    async def _recompose_if_changed(self) -> None:
        if self._composed is None or self._shown() != self._composed:
            await self.recompose()

    def _room(self) -> int:
        """The footer's width; before its first layout, the terminal's (it spans the screen)."""
        return self._width or self.size.width or self.app.size.width

    def _shown(self) -> tuple:
        """Everything ``compose`` makes the keys from."""
        active = self.screen.active_bindings
        return (
            self._room(),
            self.compact,
            tuple(
                (binding.key, binding.action, binding.description, binding.show, enabled, tip)
                for _, binding, enabled, tip in active.values()
            ),
        )

    def on_resize(self, event: Resize) -> None:
        width = event.size.width
        if width != self._width:
            self._width = width
            self.compact = width < COMPACT_BELOW
            # (the first Resize usually finds the keys made for this width already)
            self.call_after_refresh(self._recompose_if_changed)

    def compose(self) -> ComposeResult:
        if not self._bindings_ready:
            return
        self._composed = self._shown()
        app = self.app
        active = self.screen.active_bindings
        seen: set[str] = set()
        shown: list[tuple[Binding, bool, str]] = []
        for _, binding, enabled, tooltip in active.values():
            if binding.show and binding.action not in seen:  # one key per action
                seen.add(binding.action)
                shown.append((binding, enabled, tooltip))
        by_binding = {id(b): (e, t) for b, e, t in shown}
        palette = None
        if self.show_command_palette and app.ENABLE_COMMAND_PALETTE:
            palette = active.get(app.COMMAND_PALETTE_BINDING)
        room = self._room()
        if palette is not None:
            _, binding, _, _ = palette
            # border-left 1, the key and its description, padding-right (0 when compact)
            room -= 1 + key_width(
                app.get_key_display(binding), binding.description, compact=self.compact
            )
            room -= 0 if self.compact else 1
        for binding in order([b for b, _, _ in shown]):
            enabled, tooltip = by_binding[id(binding)]
            display = app.get_key_display(binding)
            cells = key_width(display, binding.description, compact=self.compact)
            if cells > room:
                continue  # a shorter one further on may still fit
            room -= cells
            key = FooterKey(
                binding.key,
                display,
                binding.description,
                binding.action,
                disabled=not enabled,
                tooltip=tooltip,
            )
            yield _styled_once(key, self.compact).data_bind(compact=Footer.compact)
        if palette is not None:
            _, binding, enabled, tooltip = palette
            key = FooterKey(
                binding.key,
                app.get_key_display(binding),
                binding.description,
                binding.action,
                classes="-command-palette",
                disabled=not enabled,
                tooltip=binding.tooltip or binding.description,
            )
            yield _styled_once(key, True)  # (Textual's palette key is always compact)


def _styled_once(key: FooterKey, compact: bool) -> FooterKey:
    """The key made in its final compact state, so that mounting it styles it once.

    A ``FooterKey`` starts compact (its reactive's default): on mount its watcher added the
    -compact class, then the footer's ``data_bind`` took it away again, and each change
    restyled the key and its two component classes: 46 restyles of 12 keys before a cold
    demo's first rows (issue 14). Set before mounting, neither watcher call changes a class.
    """
    key.set_reactive(FooterKey.compact, compact)
    key.set_class(compact, "-compact", update=False)
    return key
