"""A 5 MB comment body: the first part is shown with how to read it all, the whole of it is
cleaned off the UI thread and opened read-only in $PAGER, and the list keeps moving."""

from __future__ import annotations

import contextlib
import stat

import pytest

from tests.ui.conftest import settle
from tests.ui.helpers import detail_text, listing

LINE = "Backup log \x1b]52;c;ZXZpbA==\x07line with <b>bold</b> \x1b[31mred\x1b[0m 0123456789\n"
BODY = LINE * (5 * 2**20 // len(LINE))


@pytest.fixture
def huge(sandbox, clock):
    ticket = next(t for t in sandbox.state.tickets.values() if t.status == "New")
    sandbox.state.add_comment(ticket, clock.now + 1, subject="Huge log", body=BODY)
    return ticket


@pytest.fixture
def pager(tmp_path, monkeypatch):
    """$PAGER copies what it is shown, and records the file's mode and name."""
    copy = tmp_path / "shown.txt"
    script = tmp_path / "pager.sh"
    script.write_text(
        f'#!/bin/sh\ncp "$1" {copy}\nls -l "$1" | cut -c1-10 > {tmp_path}/mode\n'
        f'echo "$1" > {tmp_path}/name\n'
    )
    script.chmod(script.stat().st_mode | stat.S_IEXEC)
    monkeypatch.setenv("PAGER", str(script))
    return tmp_path


async def test_a_huge_comment_shows_its_first_part_and_how_to_read_it_all(make_app, huge, pager):
    app = make_app()
    app.suspend = contextlib.nullcontext  # a headless test terminal cannot hand over
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert listing(app).highlighted_id == huge.id
        text = detail_text(app)
        kb = len(BODY.encode()) // 1024
        assert f"long comment: {kb:,} KB, press l to read all" in text
        assert len(text) < 20_000 and "\x1b" not in text and "Backup log" in text

        await pilot.press("j", "k")  # the list still moves
        await settle(pilot)
        assert listing(app).highlighted_id == huge.id

        await pilot.press("l")
        await settle(pilot)
    shown = (pager / "shown.txt").read_text()
    assert shown.count("Backup log line with bold red 0123456789") == BODY.count("Backup log")
    assert "\x1b" not in shown and "\x07" not in shown and "<b>" not in shown
    assert (pager / "mode").read_text().strip() == "-r--------"  # private and read-only
    from pathlib import Path

    assert not Path((pager / "name").read_text().strip()).exists()  # and removed afterwards


async def test_l_without_a_long_comment_says_so(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("l")
        await pilot.pause()
        assert any("No long comment here" in n.message for n in app.notices)
