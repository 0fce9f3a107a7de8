"""Keep the garbage collector's full passes short in the long-running app.

CPython's cyclic collector walks every container object it tracks on a full (generation 2)
pass. After start-up that is some 100,000 objects (Textual, the network stack, the models)
that live as long as the process: measured, a full pass took 60-490 ms on a shared 2-core
machine and landed in the middle of typing, a key press or the first paint. ``settle()``
moves everything alive now into the permanent generation (``gc.freeze``): the collector no
longer walks it, while anything created later is collected as before. Reference counting
still frees frozen objects that are dropped (rows replaced by a reconcile, say); only a
reference cycle among objects alive at the freeze would stay until exit, a bounded one-off.

Called by the TUI (not by tests, which build many apps in one process) after the first
paint and after the first poll brought the network stack in.
"""

from __future__ import annotations

import gc

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
