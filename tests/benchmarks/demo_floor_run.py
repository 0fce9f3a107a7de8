"""The cold demo's first paint of rows beside its floors, interleaved, medians (issue 14, 1a).

    python tests/benchmarks/demo_floor_run.py [--runs 5]

Per round, each in the harness's pty (120x40) with a fresh SYNCRO_TUI_HOME and the same
bytecode cache (primed first, like run.py): apps/hello.py (bare Textual), apps/demo_floor.py
(bare Textual + the demo sandbox built in a thread + httpx + GET of the first page + one
line per ticket: the least the cold demo's path does) and `syncro-tui --demo`. Printed: wall
time to the marker and the CPU of the process tree until then (schedstat), with ratios to
hello; the CPU is what the load barely moves.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harness import clean_env, measure_start  # noqa: E402

ROW = re.compile(r"^[^\w]{0,6}#?(\d{2,7})\s+\S")


def rows_visible(lines: list[str]) -> bool:
    return any(ROW.match(line) for line in lines)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--python", default=sys.executable)
    p.add_argument(
        "--base",
        metavar="DIR",
        help="also run the cold demo from another checkout (e.g. main's tree, "
        "`git archive main | tar -x -C DIR`), interleaved: a change measured beside its base",
    )
    p.add_argument("--no-floor", action="store_true", help="skip apps/demo_floor.py")
    args = p.parse_args(argv)
    exe = os.path.join(os.path.dirname(args.python), "syncro-tui")
    demo = (
        [exe, "--demo"]
        if os.access(exe, os.X_OK) and not args.base  # (with a base: both the same way)
        else [args.python, "-m", "syncro_tui", "--demo"]
    )
    apps = {
        "hello (bare Textual)": (
            [args.python, str(HERE / "apps" / "hello.py")],
            "HELLO-TTFP-MARKER",
        ),
        "demo floor (bare Textual + sandbox + httpx + 1 page)": (
            [args.python, str(HERE / "apps" / "demo_floor.py")],
            rows_visible,
        ),
        "syncro-tui --demo, cold": (demo, rows_visible),
    }
    if args.no_floor:
        del apps["demo floor (bare Textual + sandbox + httpx + 1 page)"]
    if args.base:
        base = [args.python, "-m", "syncro_tui", "--demo"]
        apps[f"syncro-tui --demo, cold, from {args.base}"] = (base, rows_visible)
    tmp = Path(tempfile.mkdtemp(prefix="demo-floor-"))
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
    memory: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
    load = os.getloadavg()[0]
    try:
        for rnd in range(args.runs + 1):  # round 0 primes the bytecode cache and the OS
            for name, (cmd, marker) in apps.items():
                home = tmp / f"home-{rnd}-{len(results[name])}"
                env = clean_env(
                    {
                        "SYNCRO_TUI_HOME": str(home),
                        "PYTHONDONTWRITEBYTECODE": None,
                        "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
                        # (ahead of the editable install's finder)
                        "PYTHONPATH": args.base if name.endswith(f"from {args.base}") else None,
                    }
                )
                res = measure_start(cmd, marker, env=env, settle_ms=200, settle_max=2.0)
                shutil.rmtree(home, ignore_errors=True)
                if not res.ok:
                    print(f"{name}: {res.error}", file=sys.stderr)
                    return 1
                if rnd:
                    results[name].append((res.ttfp_s, res.extra["cpu_at_paint_s"]))
                    memory[name].append((res.extra["rss_at_paint_mib"], res.rss_hwm_mib or 0.0))
                    print(
                        f"round {rnd} {name}: {res.ttfp_s:.3f} s, CPU {res.extra['cpu_at_paint_s']:.3f} s",
                        file=sys.stderr,
                    )
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    med = statistics.median
    base_wall = med(w for w, _ in results["hello (bare Textual)"])
    base_cpu = med(c for _, c in results["hello (bare Textual)"])
    print(
        f"\ncold demo first paint of rows and its floors, median of {args.runs} interleaved rounds "
        f"(load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at the end)"
    )
    for name, got in results.items():
        wall, cpu = med(w for w, _ in got), med(c for _, c in got)
        rss = med(r for r, _ in memory[name])
        hwm = med(h for _, h in memory[name])
        print(
            f"  {name:55} wall {wall:.3f} s ({wall / base_wall:.2f}x)  CPU {cpu:.3f} s ({cpu / base_cpu:.2f}x)"
            f"  RSS {rss:.1f} MiB at paint, peak {hwm:.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
