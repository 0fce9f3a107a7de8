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


def settle() -> None:
    """Freeze the objects alive now out of the collector's full passes."""
    gc.freeze()
