"""core.heap: the collector is held from the TUI's start until its first frame, never longer;
the allocator tuning the TUI applies (process-wide, so tried in a child)."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys

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


CHILD = """
import ctypes, sys
from syncro_tui.core import heap

class Info(ctypes.Structure):
    _fields_ = [(n, ctypes.c_size_t) for n in (
        "arena", "ordblks", "smblks", "hblks", "hblkhd", "usmblks", "fsmblks", "uordblks",
        "fordblks", "keepcost")]

libc = ctypes.CDLL(None)
libc.mallinfo2.restype = Info
if sys.argv[1] == "tuned":
    assert heap.tune_allocator() is True
big = bytearray(4 * 1024 * 1024)  # mapped on its own; freeing it raises glibc's threshold
del big
before = libc.mallinfo2().hblks
body = bytearray(300 * 1024)  # a list page's body
print(libc.mallinfo2().hblks - before)
"""


GLIBC = pytest.mark.skipif(
    not sys.platform.startswith("linux") or platform.libc_ver()[0] != "glibc",
    reason="glibc's mallopt",
)


def _mapped_blocks(mode: str) -> int:
    out = subprocess.run(
        [sys.executable, "-c", CHILD, mode], capture_output=True, text=True, check=True
    )
    return int(out.stdout.split()[-1])


@GLIBC
def test_a_body_freed_after_a_bigger_one_is_still_mapped_on_its_own() -> None:
    """Untuned, glibc moves its mmap threshold up to the 4 MiB block freed, and the next
    300 KiB block comes from the heap (where its hole stays after it is freed); tuned, it
    is mapped on its own (and unmapped when freed)."""
    assert _mapped_blocks("untuned") == 0
    assert _mapped_blocks("tuned") == 1


ARENAS = """
import ctypes, re, sys, threading
from syncro_tui.core import heap

if sys.argv[1] == "tuned":
    assert heap.tune_allocator() is True
held = []
worker = threading.Thread(target=lambda: held.extend(bytearray(2000) for _ in range(500)))
worker.start()
worker.join()
libc = ctypes.CDLL(None)
libc.open_memstream.restype = ctypes.c_void_p
ptr, size = ctypes.c_char_p(), ctypes.c_size_t()
stream = libc.open_memstream(ctypes.byref(ptr), ctypes.byref(size))
libc.malloc_info(0, ctypes.c_void_p(stream))
libc.fclose(ctypes.c_void_p(stream))
print(len(re.findall(r'<heap nr="[0-9]+"', ctypes.string_at(ptr, size.value).decode())))
"""


@GLIBC
def test_a_thread_started_after_tuning_allocates_in_the_arena_there_is() -> None:
    """Untuned, a thread that allocates gets an arena of its own (whose free space no other
    thread uses); tuned, it shares the one there is."""

    def arenas(mode: str) -> int:
        out = subprocess.run(
            [sys.executable, "-c", ARENAS, mode], capture_output=True, text=True, check=True
        )
        return int(out.stdout.split()[-1])

    assert arenas("untuned") == 2
    assert arenas("tuned") == 1


def test_tuning_never_fails_where_there_is_no_mallopt(monkeypatch: pytest.MonkeyPatch) -> None:
    import ctypes

    from syncro_tui.core import heap

    class NoMallopt:
        def __init__(self, _name: object) -> None:
            pass

    monkeypatch.setattr(ctypes, "CDLL", NoMallopt)
    assert heap.tune_allocator() is False
