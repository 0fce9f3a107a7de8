"""CPU and memory of the sync path without the screen: a full load and a full reconcile.

    python tests/benchmarks/reconcile.py --tickets 14700             # ~10,000 open
    python tests/benchmarks/reconcile.py --tickets 14700 --profile 25
    python tests/benchmarks/reconcile.py --tickets 74000 --runs 1    # ~50,000 open
    python tests/benchmarks/reconcile.py --tickets 14700 --floor     # + bare httpx / JSON floors

The sandbox runs in its own process without latency (`syncro-tui sandbox`), so what is
measured is this process only: the client, the limiter with the machine-wide budget file
(its own temporary folder), parsing, the store and the cache, exactly as the app runs them
(`Session.poll`, the same client path as a real account). Each run is a new process: (1) the
first full load into an empty store and cache, then (2) a full reconcile of the same queue,
(3) another one. Printed per step: CPU seconds (process time), wall seconds, requests, and the
peak RSS during the step (sampled every 5 ms); the RSS after the imports is the floor.
Every step gets a fresh budget window (10,000 open tickets are 101 pages; two walks in a
minute would wait for the window), in its own state file, still taken under flock per request;
the sandbox has no window of its own (`--rate-limit 0`) for the same reason. Like the TUI, the
objects alive after the imports and after the first load are frozen out of the collector's
full passes (`core.heap.settle`). `--floor` adds what the client path cannot go below.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


def rss_mib() -> float:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _hwm_mib() -> float:
    with open("/proc/self/status", "rb") as f:
        for line in f:
            if line.startswith(b"VmHWM:"):
                return int(line.split()[1]) / 1024
    return 0.0


def _reset_hwm() -> bool:
    """Reset the kernel's peak RSS of this process to its RSS now (Linux >= 4.0)."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


class Peak:
    """The highest RSS while the block runs: the kernel's own high-water mark (VmHWM, reset
    on entry), exact and free. Only where it cannot be reset, a thread samples every 5 ms;
    that sampler cost about 46 ms of CPU per second (reading /proc), which the CPU figures
    counted: a step that waited 50 s for a 429 pause looked 2-3 s costlier than it was."""

    def __enter__(self) -> Peak:
        self.peak = rss_mib()
        self._thread = None
        if _reset_hwm():
            return self
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        while not self._stop.wait(0.005):
            self.peak = max(self.peak, rss_mib())

    def __exit__(self, *exc) -> None:
        if self._thread is None:
            self.peak = max(self.peak, _hwm_mib())
            return
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, rss_mib())


def child(url: str, key: str, steps: int, profile: int, floor: bool = False) -> None:
    """One measured process (run with --child): prints one JSON line per step."""
    import asyncio
    from dataclasses import replace

    home = tempfile.mkdtemp(prefix="reconcile-home-")
    os.environ["SYNCRO_TUI_HOME"] = home
    t0 = time.process_time()
    import syncro_tui.api.client  # noqa: F401  (the app imports it beside the first paint)
    import syncro_tui.api.models  # noqa: F401  (the app's GET /me does; the walk needs none)
    from syncro_tui.config import load_settings
    from syncro_tui.core.backend import Connection
    from syncro_tui.core.cache import TicketCache
    from syncro_tui.core.connect import make_limiter
    from syncro_tui.core.session import Session
    from syncro_tui.core.store import Store
    from syncro_tui.secrets import SecretKey

    settings = load_settings(env={"SYNCRO_TUI_HOME": home}).with_overrides(
        base_url=url, requests_per_minute=180
    )
    settings = settings.with_overrides(budget=replace(settings.budget, shared_dir=home + "/budget"))
    from syncro_tui.api import json_body

    print(
        json.dumps(
            {
                "step": "imports",
                "cpu": time.process_time() - t0,
                "rss": rss_mib(),
                "orjson": json_body._orjson is not None,
            }
        )
    )
    from syncro_tui.core import heap

    heap.settle()  # as the TUI does after its first paint (core/heap.py)
    store = Store()
    cache = TicketCache(Path(home) / "cache.sqlite")
    session = Session(
        settings,
        store,
        Connection(SecretKey(key), "bench"),
        cache=cache,
        limiter=make_limiter(settings),
    )
    spent = _breakdown(session)
    prof = None
    if profile:
        import cProfile

        prof = cProfile.Profile(time.process_time)  # CPU, not the wall: waits are not work

    async def run() -> None:
        for step in range(steps):
            name = "first load" if step == 0 else f"reconcile {step}"
            c0, w0 = time.process_time(), time.perf_counter()
            # a fresh budget window (its own state file) for every step, so that no step
            # waits for the window; every request still takes its slot in the file under flock
            session.client._limiter = make_limiter(
                settings.with_overrides(
                    budget=replace(settings.budget, shared_dir=f"{home}/budget{step}")
                )
            )
            before = session.client.request_count
            with Peak() as peak:
                if prof is not None and step == 1:
                    prof.enable()
                await session.poll(force_full=True)
                if prof is not None and step == 1:
                    prof.disable()
            if step == 0:
                heap.settle()  # as the TUI does after its first poll
            parts = {k: round(v, 3) for k, v in spent.items()}
            spent.clear()
            print(
                json.dumps(
                    {
                        "parts": parts,
                        "step": name,
                        "cpu": time.process_time() - c0,
                        "wall": time.perf_counter() - w0,
                        "requests": session.client.request_count - before,
                        "rows": len(store.tickets),
                        "peak": peak.peak,
                        "rss": rss_mib(),
                    }
                ),
                flush=True,
            )
        await session.aclose()
        if floor:
            await _floors(url, key)

    try:
        asyncio.run(run())
    finally:
        import shutil

        shutil.rmtree(home, ignore_errors=True)
    if prof is not None:
        import pstats

        out = sys.stderr
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(profile)
        pstats.Stats(prof, stream=out).sort_stats("cumulative").print_stats(profile)


async def _floors(url: str, key: str) -> None:
    """The floors, in the same process after the steps: a bare ``httpx.AsyncClient`` walking
    the same pages (``status=Not Closed``, 100 a page, 4 in flight, like ``Session.poll``)
    with nothing else (no limiter, budget file, client, rows or cache), then the same walk
    decoding every body with ``json.loads`` and with orjson (when installed), and the bare
    decoding of the same bodies without the network. Printed as step "floor: ..."."""
    import asyncio
    import json as stdlib_json

    import httpx

    from syncro_tui.api import json_body

    decoders = {"bare httpx, bodies only": None, "bare httpx + json.loads": stdlib_json.loads}
    if json_body._orjson is not None:
        decoders["bare httpx + orjson.loads"] = json_body._orjson.loads
    headers = {"Authorization": f"Bearer {key}", "Accept": "application/json"}
    bodies: list[bytes] = []
    async with httpx.AsyncClient(base_url=url.rstrip("/") + "/", headers=headers) as http:

        async def page(n: int) -> bytes:
            params = {"status": "Not Closed", "page": n, "per_page": 100}
            return (await http.get("tickets", params=params)).content

        async def walk(decode) -> int:
            first = await page(1)
            total = stdlib_json.loads(first)["meta"]["total_pages"]
            sem = asyncio.Semaphore(4)

            async def one(n: int) -> None:
                async with sem:
                    body = await page(n)
                    if decode is not None:
                        decode(body)
                    elif len(bodies) < total:
                        bodies.append(body)

            if decode is not None:
                decode(first)
            await asyncio.gather(*(one(n) for n in range(2, total + 1)))
            return total

        await walk(None)  # warm the connections (and keep the bodies)
        for name, decode in decoders.items():
            c0, w0 = time.process_time(), time.perf_counter()
            pages = await walk(decode)
            print(
                json.dumps(
                    {
                        "step": f"floor: {name}",
                        "cpu": time.process_time() - c0,
                        "wall": time.perf_counter() - w0,
                        "requests": pages,
                    }
                ),
                flush=True,
            )
    for name, decode in {
        "json.loads": stdlib_json.loads,
        **({"orjson.loads": json_body._orjson.loads} if json_body._orjson is not None else {}),
    }.items():
        c0 = time.process_time()
        for body in bodies:
            decode(body)
        print(
            json.dumps(
                {
                    "step": f"floor: {name} of the {len(bodies)} bodies alone",
                    "cpu": time.process_time() - c0,
                    "wall": 0.0,
                    "requests": 0,
                }
            ),
            flush=True,
        )


def _breakdown(session) -> dict[str, float]:
    """CPU seconds per part of a poll, by wrapping the functions that do each part (no
    profiler: cProfile's overhead per call distorts pure-Python code several times more than
    C code, and made the models look far costlier than they are)."""
    from collections import defaultdict

    import syncro_tui.api.client as client_module
    import syncro_tui.api.ratelimit as ratelimit_module

    spent: dict[str, float] = defaultdict(float)

    def timed(part, fn):
        def run(*a, **kw):
            c = time.process_time()
            try:
                return fn(*a, **kw)
            finally:
                spent[part] += time.process_time() - c

        return run

    def timed_async(part, fn):
        async def run(*a, **kw):
            c = time.process_time()
            try:
                return await fn(*a, **kw)
            finally:
                spent[part] += time.process_time() - c  # includes other tasks meanwhile

        return run

    client_module._decode = timed("http body + JSON decode", client_module._decode)
    session._page_rows = timed("items -> rows", session._page_rows)
    store = session.store
    store.apply_tickets = timed("store.apply_tickets", store.apply_tickets)
    session._save_cache = timed("cache save", session._save_cache)
    for tier_cls in ("MachineWindow",):
        import syncro_tui.api.budget_machine as bm

        cls = getattr(bm, tier_cls)
        cls._locked = timed("budget file (flock, read, write)", cls._locked)
    del ratelimit_module

    import gc

    started = [0.0]

    def collecting(phase: str, info: dict) -> None:  # the cyclic GC's passes, all generations
        if phase == "start":
            started[0] = time.process_time()
        else:
            spent[f"gc (gen 2: {info['generation'] == 2})"] += time.process_time() - started[0]

    gc.callbacks.append(collecting)
    return spent


def _unlimited_sandbox():
    """The sandbox without its own 180/min window (the client keeps its 180/min budget):
    a step right after another (101 + 101 pages inside a minute) would otherwise measure
    the sandbox's 429 and the client's pause, which a reconcile every 15 minutes never
    meets (the first reconcile used to wait 57 s and count the retried pages' CPU)."""
    from sandboxproc import SandboxProc

    class Unlimited(SandboxProc):
        def commands(self) -> list[list[str]]:
            return [[*argv, "--rate-limit", "0"] for argv in super().commands()[1:]]

    return Unlimited


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--tickets", type=int, default=14_700, help="sandbox tickets (~68 %% open)")
    p.add_argument("--runs", type=int, default=3, help="processes (medians are printed)")
    p.add_argument("--steps", type=int, default=3, help="polls per process: load, reconciles")
    p.add_argument(
        "--profile", type=int, default=0, metavar="N", help="cProfile the first reconcile, top N"
    )
    p.add_argument("--python", default=sys.executable)
    p.add_argument(
        "--floor",
        action="store_true",
        help="also the floors in the same processes: bare httpx walking the same pages, "
        "with json.loads / orjson, and the bare decoding of the same bodies",
    )
    p.add_argument("--child", nargs=2, metavar=("URL", "KEY"), help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.child:
        child(args.child[0], args.child[1], args.steps, args.profile, args.floor)
        return 0
    import harness

    _Unlimited = _unlimited_sandbox()

    load = os.getloadavg()[0]
    with _Unlimited(tickets=args.tickets, latency_ms=0, python=args.python) as sb:
        results: dict[str, list[dict]] = {}
        for run in range(args.runs):
            proc = subprocess.run(
                [
                    args.python,
                    __file__,
                    "--steps",
                    str(args.steps),
                    "--profile",
                    str(args.profile if run == 0 else 0),
                    *(["--floor"] if args.floor else []),
                    "--child",
                    sb.url,
                    sb.api_key,
                ],
                capture_output=True,
                text=True,
                env=harness.clean_env({"PYTHONDONTWRITEBYTECODE": None}),
                timeout=900,
            )
            if proc.returncode:
                print(proc.stderr[-3000:], file=sys.stderr)
                return 1
            for line in proc.stdout.splitlines():
                row = json.loads(line)
                results.setdefault(row["step"], []).append(row)
                extra = (
                    ""
                    if row["step"] == "imports"
                    else f", wall {row['wall']:.2f} s, {row['requests']} pages"
                    if row["step"].startswith("floor")
                    else f", wall {row['wall']:.2f} s, {row['requests']} requests, {row['rows']} rows, peak RSS {row['peak']:.1f} MiB"
                )
                rss = f", RSS after {row['rss']:.1f} MiB" if "rss" in row else ""
                print(
                    f"run {run + 1} {row['step']}: CPU {row['cpu']:.3f} s{extra}{rss}",
                    file=sys.stderr,
                )
                if row.get("parts"):
                    print(
                        "    " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(row["parts"].items())),
                        file=sys.stderr,
                    )
            if args.profile and run == 0:
                print(proc.stderr, file=sys.stderr)
    med = harness.median
    print(
        f"\nsync path, {args.tickets} sandbox tickets, median of {args.runs} processes (load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at the end)"
    )
    for step, rows in results.items():
        if step.startswith("floor"):
            print(f"  {step}: CPU {med(r['cpu'] for r in rows):.3f} s")
            continue
        if step == "imports":
            fast = "orjson (the [fast] extra)" if rows[0].get("orjson") else "the standard library"
            print(
                f"  {step:12} CPU {med(r['cpu'] for r in rows):.3f} s, RSS {med(r['rss'] for r in rows):.1f} MiB; JSON bodies read with {fast}"
            )
        else:
            print(
                f"  {step:12} CPU {med(r['cpu'] for r in rows):.3f} s, peak RSS {med(r['peak'] for r in rows):.1f} MiB, "
                f"RSS after {med(r['rss'] for r in rows):.1f} MiB ({rows[0]['rows']} rows, {rows[0]['requests']} requests)"
            )
            names = sorted({k for r in rows for k in r.get("parts", {})})
            if names:
                rest = med(r["cpu"] - sum(r.get("parts", {}).values()) for r in rows)
                print(
                    "               "
                    + ", ".join(f"{k} {med(r['parts'].get(k, 0) for r in rows):.3f}" for k in names)
                    + f", the rest (client, httpx, asyncio) {rest:.3f}"
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
