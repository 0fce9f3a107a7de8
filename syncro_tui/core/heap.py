"""Keep the garbage collector's full passes short, and the C allocator's high-water mark low,
in the long-running app.

CPython's cyclic collector walks every container object it tracks on a full (generation 2)
pass. After start-up that is some 100,000 objects (Textual, the network stack, the models)
that live as long as the process: measured, a full pass took 60-490 ms on a shared 2-core
machine and landed in the middle of typing, a key press or the first paint. ``settle()``
moves everything alive now into the permanent generation (``gc.freeze``): the collector no
longer walks it, while anything created later is collected as before. Reference counting
still frees frozen objects that are dropped (rows replaced by a reconcile, say); only a
reference cycle among objects alive at the freeze would stay until exit, a bounded one-off.

``tune_allocator()`` (glibc only) fixes malloc's mmap threshold at 128 KiB. glibc raises that
threshold to the size of every mmapped block freed (up to 32 MiB), so after the first list
page's body was freed every later body (each ~0.1-0.5 MiB) was carved from the heap, and
the heap kept the holes they left between longer-lived blocks: measured at 10,044 open
tickets, 3-7 MiB of malloc's free space that RSS kept after a reconcile. With the threshold
fixed, blocks that big are mapped on their own and given back when freed. It also holds
malloc to one arena: glibc gives each thread that allocates its own (64 MiB reserved, its
free space never lent to another thread), and the thread that imports the network stack
and the models beside the first paint kept ~2 MiB more in its own than the same imports
cost on the main thread (11.6 MiB there, 13.8 in a thread; 11.8 with one arena).

Called by the TUI (not by tests, which build many apps in one process): ``hold`` from its
start, ``tune_allocator`` once it is ready, before it starts a thread of its own, and
``settle`` after the first paint and after the first poll brought the network stack in.
"""

from __future__ import annotations

import gc

MMAP_THRESHOLD = 128 * 1024  # glibc's own starting value, kept from moving
_M_MMAP_THRESHOLD = -3  # malloc.h
_M_ARENA_MAX = -8

_held = False


def hold() -> None:
    """No cyclic collection at all from the TUI's start until its first ``settle()``.

    Start-up makes mostly objects that live as long as the process (modules, classes, the
    widgets, their styles), so every pass over them before the first frame found next to no
    garbage: on a cold demo start 170-180 young passes, 15 middle ones and a full one (inside
    the first frame) cost 80-120 ms of CPU before the rows showed (issue 14). The garbage
    cycles start-up does make are kept, frozen with the rest at ``settle()``: a bounded
    one-off, as above."""
    global _held
    if gc.isenabled():
        gc.disable()
        _held = True


def release() -> None:
    """The collector as it was before ``hold()`` (``settle()`` does it too)."""
    global _held
    if _held:
        _held = False
        gc.enable()


def settle() -> None:
    """Freeze the objects alive now out of the collector's full passes (and let the collector
    run again after a ``hold()``)."""
    gc.freeze()
    release()


def tune_allocator() -> bool:
    """Fix glibc malloc's mmap threshold and hold it to one arena (see the module
    docstring); False where there is no glibc ``mallopt`` (macOS, Windows; musl answers 0)
    and nothing changes. Threads started before it keep the arenas they have."""
    try:
        import ctypes

        mallopt = ctypes.CDLL(None).mallopt
        fixed = mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)
        return bool(fixed and mallopt(_M_ARENA_MAX, 1))
    except (AttributeError, OSError, TypeError, ValueError):
        return False
