"""core.heap: the collector is held from the TUI's start until its first frame, never longer."""

from __future__ import annotations

import gc

import pytest

from syncro_tui.core import heap


@pytest.fixture(autouse=True)
def collector_back_on():
    was = gc.isenabled()
    yield
    heap.release()
    gc.unfreeze()
    if was:
        gc.enable()


def test_held_until_settled_then_collecting_again():
    heap.hold()
    assert not gc.isenabled()
    heap.settle()  # the first frame
    assert gc.isenabled() and gc.get_freeze_count() > 0
    heap.settle()  # after the first poll: still collecting
    assert gc.isenabled()


def test_release_gives_back_the_collector_as_it_was():
    heap.hold()
    heap.release()
    assert gc.isenabled()
    gc.disable()  # someone else's choice: neither hold nor release changes it
    heap.hold()
    heap.release()
    assert not gc.isenabled()
    heap.settle()
    assert not gc.isenabled()


def test_a_tui_that_ends_before_its_first_frame_collects_again(capsys):
    """No terminal here: the TUI says so and ends; the collector is back on."""
    from syncro_tui import cli

    assert cli.main(["--demo"]) != 0
    assert "terminal" in capsys.readouterr().err
    assert gc.isenabled()
