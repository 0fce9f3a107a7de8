"""Small reusable modals: pick one of a list, type one value, confirm a write.

Modals only collect and validate input and ``dismiss`` the result; the caller's worker does the
I/O. Escape always cancels (``None``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Input, Label, OptionList, Static
from textual.widgets.option_list import Option

from syncro_tui.core.text import clean
from syncro_tui.ui.screens.modal import BaseModal


class PickModal(BaseModal[Any]):
    """Choose one value from a list (statuses, technicians, priorities, views...).

    ``filterable``: a box above the list narrows it as you type (accents and case folded);
    up/down move in the list, Enter picks the highlighted choice."""

    DEFAULT_CSS = """
    PickModal OptionList { height: auto; max-height: 20; }
    PickModal #pick-filter { margin-bottom: 1; }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="modal.cancel"),
        Binding("down", "move(1)", "Down", show=False, id="pick.down"),
        Binding("up", "move(-1)", "Up", show=False, id="pick.up"),
        # The modal's own Enter, ahead of the list's and the box's: the pick is made while the
        # key is handled, so a key typed right after it never lands on the screen underneath.
        Binding("enter", "pick", "Pick", show=False, priority=True, id="pick.pick"),
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[Any, str]],
        *,
        current: Any = None,
        hint: str = "",
        filterable: bool = False,
        leads_on: bool = False,
    ) -> None:
        super().__init__()
        self.leads_on = leads_on  # the pick opens a next screen (BaseModal.leads_on)
        self._title = title
        self._choices = list(choices)
        self._current = current
        self._filterable = filterable
        self._shown = list(range(len(self._choices)))  # choice index of each option shown
        default = "Type to narrow; Enter picks, Esc cancels" if filterable else ""
        self._hint = hint or default or "Enter picks, Esc cancels"

    def _option(self, i: int) -> Option:
        value, label = self._choices[i]
        mark = "* " if value == self._current and self._current is not None else "  "
        return Option(Text(mark + clean(str(label))), id=f"o{i}")

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            if self._filterable:
                yield Input(placeholder="type a name", id="pick-filter")
            yield OptionList(*(self._option(i) for i in self._shown), id="choices")
            yield Label(Text(self._hint), classes="hint")

    def on_mount(self) -> None:
        olist = self.query_one(OptionList)
        for i, (value, _) in enumerate(self._choices):
            if value == self._current:
                olist.highlighted = i
                break
        else:
            if self._choices:
                olist.highlighted = 0
        if self._filterable:
            self.query_one("#pick-filter", Input).focus()
        else:
            olist.focus()

    def on_input_changed(self, event: Input.Changed) -> None:
        from syncro_tui.core.triage import fold

        event.stop()
        wanted = fold(event.value)
        self._shown = [
            i for i, (_, label) in enumerate(self._choices) if wanted in fold(str(label))
        ]
        olist = self.query_one(OptionList)
        olist.clear_options()
        olist.add_options([self._option(i) for i in self._shown])
        if self._shown:
            olist.highlighted = 0

    def action_pick(self) -> None:
        index = self.query_one(OptionList).highlighted
        if index is not None and index < len(self._shown):
            self.dismiss(self._choices[self._shown[index]][0])

    def action_move(self, step: int) -> None:
        olist = self.query_one(OptionList)
        if olist.has_focus or not self._shown:
            return  # the list moves itself
        current = olist.highlighted or 0
        olist.highlighted = max(0, min(len(self._shown) - 1, current + step))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self._choices[self._shown[event.option_index]][0])

    def action_cancel(self) -> None:
        self.dismiss(None)


class AskModal(BaseModal[str | None]):
    """Type one value; ``validate`` returns an error message or None."""

    BINDINGS = [Binding("escape", "cancel", "Cancel", id="modal.cancel")]

    def __init__(
        self,
        title: str,
        *,
        placeholder: str = "",
        value: str = "",
        hint: str = "Enter accepts, Esc cancels",
        validate: Callable[[str], str | None] | None = None,
        select_on_focus: bool = True,
    ) -> None:
        """``select_on_focus=False`` puts the cursor after ``value`` instead of selecting it,
        so typing adds to the text rather than replacing it."""
        super().__init__()
        self._title, self._placeholder, self._value, self._hint = title, placeholder, value, hint
        self._validate = validate
        self._select_on_focus = select_on_focus
        self.left_with = value  # what the box held when Esc closed it (a flow may keep it)

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(Text(self._title), classes="modal-title")
            yield Input(
                value=self._value,
                placeholder=self._placeholder,
                id="answer",
                select_on_focus=self._select_on_focus,
            )
            yield Label("", classes="error", id="error")
            yield Label(Text(self._hint), classes="hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = (
            self._validate(value)
            if self._validate
            else (None if value else "Please type something.")
        )
        if problem:
            self.query_one("#error", Label).update(Text(problem))
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.left_with = self.query_one("#answer", Input).value
        self.dismiss(None)


@dataclass
class WriteStep:
    """One request the user is asked to approve: endpoint and the exact JSON that will be sent."""

    method: str
    path: str
    payload: dict[str, Any] | None
    label: str = ""

    @classmethod
    def of(cls, intent: Any, label: str | None = None) -> WriteStep:
        """The step of a ``core.writes.WriteIntent``: exactly what will be sent."""
        return cls(
            intent.method, intent.path, intent.payload, intent.label if label is None else label
        )

    def json(self, *, compact: bool = False) -> str:
        """The exact body; ``compact`` puts it on one line (same JSON, no indentation)."""
        if self.payload is None:
            return "(no body)"
        return json.dumps(self.payload, indent=None if compact else 2, ensure_ascii=False)


@dataclass
class WritePreview:
    title: str
    steps: list[WriteStep]
    attribution: str = ""  # core.writes.attribution: "Sent as Alex Rivera (user_id 101), ..."
    warnings: list[str] = field(default_factory=list)  # shown in red (emails, mismatched user)
    notes: list[str] = field(default_factory=list)
    # When set (the same text already landed), `y` only arms the send and a second,
    # different key (`a`) sends, so a double `y` after a slow reply cannot post twice.
    repeat: str = ""
    # What the write does in words, side by side above the steps: (heading, text) pairs.
    columns: list[tuple[str, str]] = field(default_factory=list)
    compact: bool = False  # one line of JSON per step (several steps fit on one screen)

    def __post_init__(self) -> None:
        # the write intents themselves may be given: each becomes its step
        self.steps = [s if isinstance(s, WriteStep) else WriteStep.of(s) for s in self.steps]


REPEAT_KEY = "a"


class ConfirmWriteModal(BaseModal[bool]):
    """Shows every request of a write and sends nothing unless the user presses `y`.

    Enter does not confirm (a habit key must never send mail to a customer).
    """

    TYPEAHEAD = False  # keys typed before the preview was on screen never answer it

    DEFAULT_CSS = """
    ConfirmWriteModal VerticalScroll { height: auto; max-height: 55vh; }
    ConfirmWriteModal .endpoint { text-style: bold; margin-top: 1; }
    ConfirmWriteModal .payload { background: $boost; padding: 0 1; }
    ConfirmWriteModal .warning { color: $error; text-style: bold; }
    ConfirmWriteModal .attribution { color: $text-muted; }
    ConfirmWriteModal .keys { margin-top: 1; text-style: bold; }
    ConfirmWriteModal #columns { height: auto; margin-top: 1; }
    ConfirmWriteModal .column { width: 1fr; height: auto; border: round $primary; padding: 0 1; }
    """
    BINDINGS = [
        Binding("y", "confirm", "Send", id="confirm.yes"),
        Binding("n,escape", "cancel", "Cancel", id="confirm.no"),
        Binding(REPEAT_KEY, "confirm_again", "Send a second copy", show=False),
    ]

    def __init__(self, preview: WritePreview) -> None:
        super().__init__()
        self.preview = preview
        self._armed = False
        self.keys_before = 0  # set by the app when it pushes this: keys handed over until then

    def _typed_before(self) -> bool:
        """True (and says so) when the key now handled was typed before this preview was
        pushed: it never answers it (a burst ending in y, a y typed as a picker closed)."""
        typeahead = getattr(self.app, "typeahead", None)
        if typeahead is None or not typeahead.typed_before(self.keys_before):
            return False
        self.notify(
            "Keys typed before the preview appeared were ignored: read it, then press y.",
            severity="warning",
            markup=False,
        )
        return True

    def compose(self) -> ComposeResult:
        p = self.preview
        with Vertical():
            yield Label(Text(p.title), classes="modal-title")
            for warning in p.warnings:
                yield Static(Text(warning), classes="warning")
            if p.columns:
                with Horizontal(id="columns"):
                    for heading, text in p.columns:
                        column = Static(Text(clean(text)), classes="column")
                        column.border_title = heading
                        yield column
            with VerticalScroll(id="steps"):
                for i, step in enumerate(p.steps, 1):
                    number = f"{i}. " if len(p.steps) > 1 else ""
                    label = f"  ({step.label})" if step.label else ""
                    yield Static(
                        Text(f"{number}{step.method} {step.path}{label}"), classes="endpoint"
                    )
                    yield Static(Text(step.json(compact=p.compact)), classes="payload")
                for note in p.notes:
                    yield Static(Text(note), classes="hint")
            if p.attribution:
                yield Static(Text(p.attribution), classes="attribution")
            keys = "Press y to send, n or Esc to go back (Enter does not send)."
            if p.repeat:
                keys = (
                    f"Press y, then {REPEAT_KEY}, to post a second copy; n or Esc to go back "
                    "(Enter does not send)."
                )
            yield Static(Text(keys), classes="keys", id="keys")

    def on_mount(self) -> None:
        self.query_one("#steps").focus()

    def action_confirm(self) -> None:
        if self._typed_before():
            return
        if not self.preview.repeat:
            self.dismiss(True)
            return
        self._armed = True
        keys = self.query_one("#keys", Static)
        keys.add_class("warning")
        keys.update(
            Text(
                f"Second confirmation: press {REPEAT_KEY} to post it a second time, "
                "n or Esc to go back."
            )
        )

    def action_confirm_again(self) -> None:
        if self._armed and not self._typed_before():
            self.dismiss(True)

    def action_cancel(self) -> None:
        self.dismiss(False)


async def ask_send_again(
    app: Any,
    intent: Any,
    *,
    title: str = "Send this write again?",
    warnings: Sequence[str] = (),
    notes: Sequence[str] = (),
    attribution: str = "",
) -> bool:
    """The one "send it again?" dialog: the write's exact request, why it is asked, and `y`.

    For a write verified absent (resend) and for one identical to a write sent earlier today
    (a deliberate second copy). Runs in a worker (it waits for the answer).
    """
    preview = WritePreview(
        title,
        [WriteStep.of(intent)],
        attribution=attribution,
        warnings=list(warnings),
        notes=list(notes),
    )
    return bool(await app.push_screen_wait(ConfirmWriteModal(preview)))
