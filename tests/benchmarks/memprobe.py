"""Memory probe: run a command's Python entry point with a thread that records where the
process's memory is, every few seconds, as JSON lines.

    python tests/benchmarks/memprobe.py OUT.jsonl [--every 5] [--trim-every N] [--tracemalloc]
        -- syncro-tui --base-url ...          # or: -- -m syncro_tui ... / -- path/to/app.py ...

Each line: seconds since start; the kernel's view (/proc/self/status VmRSS, VmHWM, RssAnon,
RssFile, Threads; /proc/self/smaps_rollup Private_Dirty); glibc's (``mallinfo2``: bytes in
use and free in the main arena + other arenas, mmapped blocks; the number of arenas from
``malloc_info``); SQLite's (``sqlite3_memory_used``, ``sqlite3_status64`` page cache and
malloc counts: libsqlite3 is the one ``_sqlite3`` is linked against, so one process-wide
figure for every connection); Python's (``sys.getallocatedblocks``, gc objects, and with
``--tracemalloc`` the traced heap). ``--trim-every N`` calls ``malloc_trim(0)`` after every
N-th sample and records the RSS it gave back (this changes the curve: a separate run).
``--tracemalloc --snap-every N`` also dumps a tracemalloc snapshot every N-th sample to
``OUT.jsonl.N.snap`` (compare two with ``ui_profile.py diff A B``).

Nothing here imports Textual or the app before the command runs; the probe's own cost is a
thread waking every few seconds (~1 ms of CPU each).
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import json
import os
import re
import runpy
import sys
import threading
import time


class _Mallinfo2(ctypes.Structure):
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


_libc = ctypes.CDLL(None)
try:
    _libc.mallinfo2.restype = _Mallinfo2
except AttributeError:  # glibc < 2.33
    _libc = None  # type: ignore[assignment]
_libc_trim = ctypes.CDLL(None).malloc_trim
_libc_trim.argtypes = [ctypes.c_size_t]

_SQLITE_STATUS = {  # sqlite3.h
    "memory_used": 0,
    "pagecache_used": 1,
    "pagecache_overflow": 2,
    "malloc_size": 5,
    "pagecache_size": 7,
    "malloc_count": 9,
}


def _sqlite():
    try:
        import _sqlite3  # noqa: F401 - loads libsqlite3 into the process first

        name = ctypes.util.find_library("sqlite3") or "libsqlite3.so.0"
        lib = ctypes.CDLL(name)
        lib.sqlite3_memory_used.restype = ctypes.c_int64
        lib.sqlite3_status64.argtypes = [
            ctypes.c_int,
            ctypes.POINTER(ctypes.c_int64),
            ctypes.POINTER(ctypes.c_int64),
            ctypes.c_int,
        ]
        return lib
    except (OSError, AttributeError, ImportError):
        return None


def _kb_fields(path: str, wanted: tuple[str, ...]) -> dict[str, int]:
    out: dict[str, int] = {}
    try:
        with open(path, "rb") as fh:
            for line in fh:
                key, _, rest = line.decode().partition(":")
                if key in wanted:
                    out[key] = int(rest.split()[0])
    except OSError:
        pass
    return out


def malloc_arenas() -> int:
    """How many arenas glibc holds (``malloc_info``'s <heap nr=...> elements)."""
    try:
        buf = ctypes.create_string_buffer(1 << 20)
        libc = ctypes.CDLL(None)
        libc.open_memstream.restype = ctypes.c_void_p
        ptr, size = ctypes.c_char_p(), ctypes.c_size_t()
        stream = libc.open_memstream(ctypes.byref(ptr), ctypes.byref(size))
        libc.malloc_info(0, ctypes.c_void_p(stream))
        libc.fclose(ctypes.c_void_p(stream))
        text = ctypes.string_at(ptr, size.value).decode(errors="replace")
        libc.free(ptr)
        del buf
        return len(re.findall(r'<heap nr="\d+"', text))
    except (OSError, AttributeError):
        return -1


_LRU: list[tuple[str, object]] = []
_LISTS: list = []


def strip_holders(strip_type: type, levels: int = 3) -> dict[str, int]:
    """Who keeps Textual's strips alive: for every Strip the chain of the objects that refer
    to it, ``levels`` up ("Widget>dict>Strip" ...), counted. One pass over the collector's
    objects per level (``gc.get_referents``), not ``gc.get_referrers`` per strip."""
    objects = gc.get_objects()
    wanted = {id(o): o for o in objects if type(o) is strip_type}
    chains = {key: type(o).__qualname__ for key, o in wanted.items()}  # id(strip) -> chain
    ends = {key: key for key in wanted}  # id(strip) -> id of the object its chain ends at
    for _ in range(levels):
        parent: dict[int, object] = {}
        targets = set(ends.values())
        for o in objects:
            for child in gc.get_referents(o):
                key = id(child)
                if key in targets and key not in parent and o is not objects:
                    parent[key] = o
        for key, end in list(ends.items()):
            holder = parent.get(end)
            if holder is None:
                continue
            chains[key] = f"{type(holder).__qualname__}>{chains[key]}"
            ends[key] = id(holder)
    del objects, wanted
    counts: dict[str, int] = {}
    for chain in chains.values():
        counts[chain] = counts.get(chain, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[:25])


_STRIPS_SEEN: set[int] = set()


def strip_roots(strip_type: type, depth: int = 14, samples: int = 4) -> list[str]:
    """Who owns strips made since the first sample: for a few of them, a chain of
    ``gc.get_referrers`` up to ``depth`` levels (a dict shows a few of its keys). The first
    call only remembers the strips alive then. Unfreezes the heap (get_referrers does not
    look into the permanent generation)."""
    gc.unfreeze()
    strips = [o for o in gc.get_objects() if type(o) is strip_type]
    if not _STRIPS_SEEN:
        _STRIPS_SEEN.update(id(o) for o in strips)
        return []
    fresh = [o for o in strips if id(o) not in _STRIPS_SEEN]
    del strips
    chains = []
    step = max(1, len(fresh) // samples)
    picked = tuple(fresh[::step][:samples])
    mine = {id(fresh), id(picked)}  # the probe's own containers are not owners
    for strip in picked:
        chain, node, seen = [f"Strip({strip.cell_length})"], strip, {id(strip)}
        for _ in range(depth):
            refs = gc.get_referrers(node)
            mine.add(id(refs))
            holders = [
                h
                for h in refs
                if id(h) not in seen and id(h) not in mine and type(h).__name__ != "frame"
            ]
            mine.add(id(holders))
            del refs
            if not holders:
                break
            node = holders[0]
            seen.add(id(node))
            label = type(node).__qualname__
            if isinstance(node, dict):
                label += "{" + ",".join(str(k)[:20] for k in list(node)[:4]) + "}"
            chain.append(f"{label}[{len(holders)}]")
            if isinstance(node, type) or type(node).__name__ == "module":
                break
        chains.append(" < ".join(chain))
    chains.insert(0, f"{len(fresh)} new strips")
    return chains


_PASS_THROUGH = {"Strip", "FIFOCache", "LRUCache", "dict", "list", "tuple", "Segment"}
_VIA = {"StylesCache", "_RenderCache", "Compositor"}


def strip_owners(strip_type: type, depth: int = 16) -> dict[str, int]:
    """Strips made since the first call, counted by their owner: the first object up the
    chain of referrers that is not a strip, a cache or a plain container ("StylesCache",
    "TicketList" ...); a DOM node owner says whether it is still in the DOM (+) or not (-).
    One pass over the collector's objects per level, as strip_holders."""
    gc.unfreeze()
    gc.collect()  # what is left is alive
    objects = gc.get_objects()
    strips = [o for o in objects if type(o) is strip_type]
    if not _STRIPS_SEEN:
        _STRIPS_SEEN.update(id(o) for o in strips)
        return {}
    via: dict[int, str] = {}  # the first cache owner on the way up (StylesCache ...)
    ends = {id(o): o for o in strips if id(o) not in _STRIPS_SEEN}
    owners: dict[int, str] = {}
    dom = sys.modules.get("textual.dom")
    for _ in range(depth):
        if not ends:
            break
        targets = {id(o) for o in ends.values()}
        parent: dict[int, object] = {}
        for o in objects:
            if o is objects or o is strips:
                continue
            for child in gc.get_referents(o):
                key = id(child)
                if key in targets and key not in parent:
                    parent[key] = o
        for key, end in list(ends.items()):
            holder = parent.get(id(end))
            if holder is None:
                owners[key] = f"(none above {type(end).__qualname__})"
                del ends[key]
            elif type(holder).__name__ in _PASS_THROUGH:
                ends[key] = holder
            elif type(holder).__name__ in _VIA and key not in via:
                via[key] = type(holder).__name__ + "@"
                ends[key] = holder
            elif type(holder).__name__ in _VIA:
                ends[key] = holder
            else:
                name = via.get(key, "") + type(holder).__qualname__
                if dom is not None and isinstance(holder, dom.DOMNode):
                    name += "+" if holder.is_attached else "-"
                owners[key] = name
                del ends[key]
    for key in ends:
        owners[key] = via.get(key, "") + "(deeper)"
    del objects, strips, ends
    counts: dict[str, int] = {}
    for name in owners.values():
        counts[name] = counts.get(name, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1]))


def line_cache() -> dict:
    """Entries of every TicketList's line cache, and the strips Textual derived from them
    (each Strip keeps FIFO caches of its crops, styled copies ...)."""
    entries = derived = 0
    for ref in _LISTS:
        widget = ref()
        if widget is None:
            continue
        lines = dict(widget._lines)
        entries += len(lines)
        for entry in lines.values():
            strip = entry[3]
            for name in dir(strip):
                if name.endswith("_cache"):
                    cache = getattr(strip, name, None)
                    try:
                        derived += len(cache)
                    except TypeError:
                        pass
    return {"lines": entries, "derived": derived}


def lru_caches() -> list[tuple[str, object]]:
    """Every functools.lru_cache of rich and textual (module functions and class methods)."""
    if not _LRU:
        for name, mod in list(sys.modules.items()):
            if not name.startswith(("rich.", "textual.", "syncro_tui.")) or mod is None:
                continue
            for attr, value in list(vars(mod).items()):
                holders = [(f"{name}.{attr}", value)]
                if isinstance(value, type) and value.__module__ == name:
                    holders += [(f"{name}.{attr}.{k}", v) for k, v in vars(value).items()]
                for label, fn in holders:
                    fn = getattr(fn, "__func__", fn)
                    if callable(getattr(fn, "cache_info", None)):
                        _LRU.append((label, fn))
    return _LRU


def sample(sqlite_lib=None, traced: bool = False) -> dict:
    st = _kb_fields(
        "/proc/self/status", ("VmRSS", "VmHWM", "RssAnon", "RssFile", "RssShmem", "Threads")
    )
    # Threads is a count, not kB: _kb_fields reads the first number either way.
    sm = _kb_fields("/proc/self/smaps_rollup", ("Private_Dirty", "Anonymous", "Pss"))
    row: dict = {k.lower(): v for k, v in {**st, **sm}.items()}
    if _libc is not None:
        mi = _libc.mallinfo2()
        row.update(
            m_arena_kb=mi.arena // 1024,  # main-arena sbrk heap
            m_mmap_kb=mi.hblkhd // 1024,  # mmapped chunks (>= 128 KiB by default)
            m_used_kb=mi.uordblks // 1024,
            m_free_kb=mi.fordblks // 1024,
            m_top_kb=mi.keepcost // 1024,
        )
        row["m_arenas"] = malloc_arenas()
    if sqlite_lib is not None:
        cur, hi = ctypes.c_int64(), ctypes.c_int64()
        row["sq_mem_kb"] = sqlite_lib.sqlite3_memory_used() // 1024
        for name, op in _SQLITE_STATUS.items():
            if sqlite_lib.sqlite3_status64(op, ctypes.byref(cur), ctypes.byref(hi), 0) == 0:
                row[f"sq_{name}"] = cur.value
                row[f"sq_{name}_hi"] = hi.value
    if "textual.app" in sys.modules and os.environ.get("MEMPROBE_LRU"):
        sizes = {label: fn.cache_info().currsize for label, fn in lru_caches()}
        row["lru"] = {k: v for k, v in sizes.items() if v}
        row["lru_total"] = sum(sizes.values())
    if _LISTS:
        row.update(line_cache())
    if "textual.strip" in sys.modules and os.environ.get("MEMPROBE_HOLDERS"):
        levels = os.environ["MEMPROBE_HOLDERS"]
        row["strip_holders"] = strip_holders(
            sys.modules["textual.strip"].Strip,
            int(levels) if levels.isdigit() and levels != "1" else 3,
        )
    if "textual.strip" in sys.modules and os.environ.get("MEMPROBE_ROOTS"):
        row["strip_roots"] = strip_roots(sys.modules["textual.strip"].Strip)
    if "textual.strip" in sys.modules and os.environ.get("MEMPROBE_OWNERS"):
        row["strip_owners"] = strip_owners(sys.modules["textual.strip"].Strip)
    if os.environ.get("MEMPROBE_TYPES"):
        from collections import Counter

        objects = gc.get_objects()
        counts = Counter(type(o).__qualname__ for o in objects)
        row["types"] = dict(counts.most_common(40))
        dom = sys.modules.get("textual.dom")
        if (
            dom is not None
        ):  # widgets (and screens) created since the freeze, alive or not yet collected
            node = dom.DOMNode
            row["widgets"] = dict(
                Counter(type(o).__qualname__ for o in objects if isinstance(o, node))
            )
        del objects
    if os.environ.get("MEMPROBE_MODULES"):  # modules imported since the last sample
        names = set(sys.modules)
        row["modules_new"] = sorted(names - _MODULES_SEEN)
        _MODULES_SEEN.update(names)
    if _GC_PASSES:  # (t, generation, ms, collected) of the collections since the last sample
        row["gc"], _GC_PASSES[:] = list(_GC_PASSES), []
    row["py_blocks"] = sys.getallocatedblocks()
    row["py_objects"] = len(gc.get_objects())
    if traced:
        import tracemalloc

        now_b, peak_b = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()  # so each sample's peak is the peak since the last sample
        row["py_traced_kb"] = now_b // 1024
        row["py_traced_peak_kb"] = peak_b // 1024
    return row


_MODULES_SEEN: set[str] = set()
_GC_PASSES: list[tuple[float, int, float, int]] = []


def main() -> int:
    argv = sys.argv[1:]
    if "--" not in argv or not argv:
        print(__doc__, file=sys.stderr)
        return 2
    cut = argv.index("--")
    opts, cmd = argv[:cut], argv[cut + 1 :]
    out_path = opts[0]
    every = float(opts[opts.index("--every") + 1]) if "--every" in opts else 5.0
    trim_every = int(opts[opts.index("--trim-every") + 1]) if "--trim-every" in opts else 0
    traced = "--tracemalloc" in opts
    collect_every = int(opts[opts.index("--collect-every") + 1]) if "--collect-every" in opts else 0
    snap_every = int(opts[opts.index("--snap-every") + 1]) if "--snap-every" in opts else 0
    if traced:
        import tracemalloc

        tracemalloc.start(int(os.environ.get("MEMPROBE_FRAMES", "6")))
    t0 = time.monotonic()
    sqlite_holder: list = []

    def loop() -> None:
        n = 0
        with open(out_path, "a", buffering=1) as out:
            while True:
                time.sleep(every)
                n += 1
                if not sqlite_holder and "_sqlite3" in sys.modules:
                    sqlite_holder.append(_sqlite())
                row = {"t": round(time.monotonic() - t0, 2), "mono": time.monotonic()}
                try:
                    row.update(sample(sqlite_holder[0] if sqlite_holder else None, traced))
                except Exception as exc:  # noqa: BLE001 - a probe that stops says why, once a line
                    row["error"] = repr(exc)
                if trim_every and n % trim_every == 0:
                    _libc_trim(0)
                    after = _kb_fields("/proc/self/status", ("VmRSS",))
                    row["trim_gave_kb"] = row["vmrss"] - after.get("VmRSS", row["vmrss"])
                if traced and snap_every and n % snap_every == 0:
                    import tracemalloc

                    snap = tracemalloc.take_snapshot()
                    snap.dump(f"{out_path}.{n}.snap")
                    del snap
                if collect_every and n % collect_every == 0:
                    row["gc_found"] = gc.collect()
                    row["widgets_after_gc"] = sum(
                        1
                        for o in gc.get_objects()
                        if "textual.dom" in sys.modules
                        and isinstance(o, sys.modules["textual.dom"].DOMNode)
                    )
                out.write(json.dumps(row) + "\n")

    if os.environ.get("MEMPROBE_LINES"):  # the list's line cache, from the instances made
        import weakref

        from syncro_tui.ui.widgets import ticket_list

        init = ticket_list.TicketList.__init__

        def hooked(self, *a, **kw):  # noqa: ANN001, ANN002, ANN003
            init(self, *a, **kw)
            _LISTS.append(weakref.ref(self))

        ticket_list.TicketList.__init__ = hooked
    if os.environ.get("MEMPROBE_GC"):  # every collection: generation, ms, objects found
        started: list[float] = []

        def timed(phase: str, info: dict) -> None:
            if phase == "start":
                started[:] = [time.perf_counter()]
            elif started:
                ms = (time.perf_counter() - started[0]) * 1000
                _GC_PASSES.append((round(time.monotonic() - t0, 3), info["generation"],
                                   round(ms, 2), info["collected"]))  # fmt: skip

        gc.callbacks.append(timed)
    threading.Thread(target=loop, name="memprobe", daemon=True).start()
    if cmd[0] == "-m":
        sys.argv = [cmd[1], *cmd[2:]]
        runpy.run_module(cmd[1], run_name="__main__", alter_sys=True)
        return 0
    if cmd[0].endswith(".py"):
        sys.argv = cmd
        runpy.run_path(cmd[0], run_name="__main__")
        return 0
    # a console script name: its entry point
    from importlib.metadata import entry_points

    (ep,) = [e for e in entry_points(group="console_scripts") if e.name == os.path.basename(cmd[0])]
    sys.argv = cmd
    return ep.load()() or 0


if __name__ == "__main__":
    raise SystemExit(main())
