"""Every "send it again?" the write sender asks is the one dialog, dialogs.ask_send_again."""

from __future__ import annotations

from syncro_tui.core import writes as W
from syncro_tui.core.sender import ABSENT, REPEAT, Confirmation
from syncro_tui.ui import app as app_module
from syncro_tui.ui.screens import dialogs


class _App:
    def __init__(self) -> None:
        self.pushed: list = []

    async def push_screen_wait(self, screen):
        self.pushed.append(screen)
        return True


async def test_the_senders_questions_use_the_one_send_again_dialog(monkeypatch):
    asked = []
    real = dialogs.ask_send_again

    async def spy(app, intent, **kw):
        asked.append((intent, kw["title"]))
        return await real(app, intent, **kw)

    monkeypatch.setattr(dialogs, "ask_send_again", spy)
    fake = _App()
    prompts = app_module.AppPrompts(fake)  # type: ignore[arg-type]
    intent = W.comment(7, "Update", "hello", "internal", number="1030")
    for why, title in (
        (ABSENT, "It did not arrive: send it again?"),
        (REPEAT, "You sent exactly this within the last day. Send it again?"),
    ):
        request = Confirmation(title, (intent,), warnings=("why",), why=why)
        assert await prompts.ask_again(request) is True
    assert asked == [(intent, "It did not arrive: send it again?"), (intent, asked[1][1])]
    (first, second) = fake.pushed
    assert isinstance(first, dialogs.ConfirmWriteModal)
    assert first.preview.title == "It did not arrive: send it again?"
    assert first.preview.warnings == ["why"]
    assert [(s.method, s.path, s.payload) for s in first.preview.steps] == [
        ("POST", "/tickets/7/comment", intent.payload)
    ]
    assert second.preview.title.startswith("You sent exactly this")
