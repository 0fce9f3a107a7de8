"""No key press ends in a traceback, and a crash report never prints local variables."""

from __future__ import annotations

import pytest
from textual import events

from tests.ui.conftest import settle


@pytest.mark.parametrize("second", ["u", "w", "c", "question_mark"])
async def test_a_key_typed_right_after_q_quits_cleanly(make_app, second):
    """`q` then `u` (customer search) or `w` (write log) in one burst used to open a screen
    while the app was closing: NoMatches traceback, exit code 1."""
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.post_message(events.Key("q", "q"))
        app.post_message(events.Key(second, None))
        await pilot.pause()
    assert app.return_code == 0


async def test_a_crash_report_shows_no_local_variables(make_app, monkeypatch):
    from syncro_tui.ui.app import SyncroApp

    secret = "-".join(["sk", "live", "never", "print"])

    def boom(self) -> None:
        api_key = secret  # noqa: F841  (a local holding the key, as in a request frame)
        raise RuntimeError("boom")

    monkeypatch.setattr(SyncroApp, "action_help", boom)
    app = make_app()
    printed = []
    with pytest.raises(RuntimeError):
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            printed[:] = []
            await pilot.press("question_mark")
            await pilot.pause()
            printed.extend(app._exit_renderables)
    text = "".join(seg.text for r in printed for seg in getattr(r, "segments", []))
    assert "RuntimeError" in text and "boom" in text
    assert secret not in text
