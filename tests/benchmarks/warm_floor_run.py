"""The warm first paint of rows (4a) beside its floors, interleaved, medians (issue 14).

    python tests/benchmarks/warm_floor_run.py [--size 10k] [--runs 5] [--home DIR]

One sandbox of the chosen queue size (300 ms latency, as run.py) and one warm home (the app
run once until its full sync is over; ``--home DIR`` keeps it for the next invocation, with
the sandbox's port, so the cache belongs to the same account). Per round, each in the
harness's pty (120x40) with the same bytecode cache (primed first, like run.py):

* apps/hello.py: bare Textual, one Static;
* apps/warm_floor.py: bare Textual that reads every row of the same cache file with sqlite3
  before the app runs, sorts them and paints one line per ticket in a Line-API list: the
  least a warm start of N cached tickets does;
* syncro-tui against the sandbox, a fresh copy of the warm home each run.

Printed: wall time to the first ticket row and the CPU of the process tree until then
(schedstat), with ratios to hello; the CPU is what the load barely moves. The load average is
printed at the start and the end.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import run as suite  # noqa: E402
from harness import measure_start  # noqa: E402
from sandboxproc import SandboxProc  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--size", default="10k", choices=sorted(suite.QUEUES))
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--home", help="keep the warm home (and the sandbox port) here for reuse")
    p.add_argument(
        "--app-env",
        action="append",
        default=[],
        metavar="K=V",
        help="also run syncro-tui with this environment (a variant row; repeatable)",
    )
    p.add_argument("--no-floor", action="store_true", help="hello and the app only")
    args = p.parse_args(argv)
    ns = argparse.Namespace(
        quick=True, runs=args.runs, size="120x40", python=args.python,
        no_bytecode_cache=False, keep_tmp=False,
    )  # fmt: skip
    ctx = suite.Ctx(ns)
    tickets = suite.QUEUES[args.size]
    load = os.getloadavg()
    try:
        home = Path(args.home) if args.home else None
        port = None
        if home is not None and (home / "port").exists():
            port = int((home / "port").read_text())
        sb = SandboxProc(
            tickets=tickets,
            latency_ms=suite.LATENCY_MS,
            api_key=suite.API_KEY,
            port=port,
            python=ctx.python,
            env=ctx.base_env(),
        ).start()
        ctx.sandboxes[f"{tickets}:"] = sb
        if home is None or not list(home.glob("cache/tickets/*.sqlite3")):
            home = home or ctx.home("warm")
            home.mkdir(parents=True, exist_ok=True)
            suite.log(f"warming the cache ({tickets} tickets) ...")
            info = suite.warm_cache(ctx, sb, home)
            suite.log(f"  {info['pages']} list pages, last at {info['seconds']:.1f} s")
            (home / "port").write_text(str(sb.port))
        cache_file = str(next(home.glob("cache/tickets/*.sqlite3")))
        ctx.prime()
        apps: dict[str, tuple[list[str], dict]] = {
            "hello (bare Textual)": ([ctx.python, str(HERE / "apps" / "hello.py")], {}),
        }
        if not args.no_floor:
            apps["floor (bare Textual + sqlite3 rows)"] = (
                [ctx.python, str(HERE / "apps" / "warm_floor.py"), cache_file],
                {},
            )
        apps["syncro-tui warm"] = (ctx.argv(sb), {})
        for spec in args.app_env:
            key, _, value = spec.partition("=")
            apps[f"syncro-tui warm {spec}"] = (ctx.argv(sb), {key: value})
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in apps}
        for rnd in range(args.runs + 1):  # round 0 primes the bytecode cache and the OS
            for name, (cmd, extra) in apps.items():
                marker = suite.HELLO_MARKER if name.startswith("hello") else suite.rows_visible
                run_home = suite.copy_home(ctx, home, "run")
                (run_home / "tmp").mkdir()
                env = ctx.env(run_home, sb, TMPDIR=str(run_home / "tmp"), **extra)
                res = measure_start(cmd, marker, env=env, settle_ms=200, settle_max=2.0)
                shutil.rmtree(run_home, ignore_errors=True)
                if not res.ok:
                    print(f"{name}: {res.error}\n{res.screen}", file=sys.stderr)
                    return 1
                if rnd:
                    results[name].append((res.ttfp_s, res.extra["cpu_at_paint_s"]))
                    print(
                        f"round {rnd} {name}: {res.ttfp_s:.3f} s, "
                        f"CPU {res.extra['cpu_at_paint_s']:.3f} s",
                        file=sys.stderr,
                    )
    finally:
        ctx.close()
    med = statistics.median
    base_wall = med(w for w, _ in results["hello (bare Textual)"])
    base_cpu = med(c for _, c in results["hello (bare Textual)"])
    print(
        f"\nwarm first paint of rows at {args.size} ({tickets} tickets) and its floors, median of "
        f"{args.runs} interleaved rounds (load average {load[0]:.2f} {load[1]:.2f} at start, "
        f"{os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} at the end)"
    )
    for name, got in results.items():
        wall, cpu = med(w for w, _ in got), med(c for _, c in got)
        print(
            f"  {name:45} wall {wall:.3f} s ({wall / base_wall:.2f}x)  "
            f"CPU {cpu:.3f} s ({cpu / base_cpu:.2f}x)"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
