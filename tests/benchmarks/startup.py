"""Where does the time to first paint go? Import timeline of a terminal app, from the outside.

Runs the command in the harness's pty with PYTHONPROFILEIMPORTTIME=1. Python writes one
"import time:" line per module to stderr, which is the terminal, so every line arrives in the
pty stream with a time stamp; the marker (first paint) is timed as usual. Prints the top-level
imports in the order they happened, when each finished (ms since fork), its cumulative cost,
and whether it ran before or after the first paint; then totals per package family.

    python tests/benchmarks/startup.py -- syncro-tui --demo
    python tests/benchmarks/startup.py --marker HELLO-TTFP-MARKER -- python tests/benchmarks/apps/hello.py
    python tests/benchmarks/startup.py --env SYNCRO_TUI_HOME=/tmp/h --env SYNCRO_API_KEY=k -- \\
        syncro-tui --base-url http://127.0.0.1:8765/api/v1

Printing the lines costs a little, so the first paint is a few per cent later than in run.py.
Lines printed after the app took over the screen land on the emulated screen as text; the
timing is still right. Uses a temporary bytecode cache (see run.py) unless --no-bytecode-cache.
"""

from __future__ import annotations

import argparse
import re
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from harness import Term, clean_env  # noqa: E402

LINE = re.compile(rb"import time:\s+(\d+) \|\s+(\d+) \| ( *)([\w.]+)")
ROW = re.compile(r"^[^\w]{0,6}#?(\d{2,7})\s+\S")


def family(module: str) -> str:
    top = module.split(".")[0]
    if module.startswith("syncro_tui."):
        return ".".join(module.split(".")[:2])
    return top


def run_once(
    argv: list[str], env: dict[str, str], marker, timeout: float
) -> tuple[float | None, list]:
    """One run: (first paint in ms since fork, [(arrival ms, self us, cumulative us, depth, module)])."""
    records = []
    buf = b""
    with Term(argv, env=env) as term:

        def tap(t_chunk: float, data: bytes) -> None:
            nonlocal buf
            buf += data
            *lines, buf = buf.split(b"\n")
            t = (t_chunk - term.t0) * 1000
            for line in lines:
                m = LINE.search(line)
                if m:
                    records.append(
                        (
                            t,
                            int(m.group(1)),
                            int(m.group(2)),
                            len(m.group(3)) // 2,
                            m.group(4).decode(),
                        )
                    )

        term.tap = tap
        t = term.wait_for(marker, timeout)
        term.wait_quiet(0.5, 5.0)
        term.quit()
    return ((t - term.t0) * 1000 if t else None), records


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
        usage="%(prog)s [options] -- COMMAND [ARG...]",
    )
    p.add_argument(
        "--marker", help="text (or /regex/) = first paint; default: a ticket row (#1234 ...)"
    )
    p.add_argument(
        "--runs", type=int, default=3, help="runs; the one with the median first paint is shown"
    )
    p.add_argument("--top", type=int, default=25, help="top-level imports to list")
    p.add_argument("--timeout", type=float, default=30.0)
    p.add_argument("--env", action="append", default=[], metavar="K=V")
    p.add_argument("--no-bytecode-cache", action="store_true")
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    args = p.parse_args(argv)
    cmd = args.cmd[1:] if args.cmd[:1] == ["--"] else args.cmd
    if not cmd:
        p.error("no command given (put it after --)")
    if args.marker and len(args.marker) > 2 and args.marker[0] == args.marker[-1] == "/":
        marker = re.compile(args.marker[1:-1])
    elif args.marker:
        marker = args.marker
    else:
        marker = lambda lines: any(ROW.match(line) for line in lines)  # noqa: E731
    tmp = Path(tempfile.mkdtemp(prefix="syncro-startup-"))
    extra: dict[str, str | None] = {"PYTHONPROFILEIMPORTTIME": "1"}
    if not args.no_bytecode_cache:
        extra.update(PYTHONDONTWRITEBYTECODE=None, PYTHONPYCACHEPREFIX=str(tmp / "pycache"))
    if not any(kv.startswith("SYNCRO_TUI_HOME=") for kv in args.env):
        extra["SYNCRO_TUI_HOME"] = str(tmp / "home")
    for kv in args.env:
        k, _, v = kv.partition("=")
        extra[k] = v
    env = clean_env(extra)
    try:
        run_once(cmd, env, marker, args.timeout)  # fills the bytecode cache, warms the OS
        runs = [run_once(cmd, env, marker, args.timeout) for _ in range(max(1, args.runs))]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    good = sorted((r for r in runs if r[0] is not None), key=lambda r: r[0])
    if not good:
        print("the marker never showed")
        return 1
    paint, records = good[len(good) // 2]
    print(
        f"first paint at {paint:.0f} ms (median of {len(good)} runs: "
        f"{', '.join(f'{r[0]:.0f}' for r in good)} ms), with import-time printing on"
    )
    tops = [r for r in records if r[3] == 0]
    before = sum(r[2] for r in tops if r[0] <= paint) / 1000
    after = sum(r[2] for r in tops if r[0] > paint) / 1000
    print(f"imports: {before:.0f} ms before the first paint, {after:.0f} ms after it\n")
    print(f"{'done at':>8}  {'cumul.':>7}  top-level import (slowest {args.top}, in order)")
    slowest = sorted(tops, key=lambda r: -r[2])[: args.top]
    for t, _self, cum, _d, mod in sorted(slowest):
        flag = "" if t <= paint else "   (after first paint)"
        print(f"{t:7.0f}ms {cum / 1000:6.1f}ms  {mod}{flag}")
    fams: dict[tuple[str, bool], float] = {}
    for t, self_us, _c, _d, mod in records:
        key = (family(mod), t <= paint)
        fams[key] = fams.get(key, 0.0) + self_us / 1000
    print("\nself time by package, before the first paint:")
    for (fam, pre), ms in sorted(fams.items(), key=lambda kv: -kv[1]):
        if pre and ms >= 2.0:
            print(f"  {ms:6.1f} ms  {fam}")
    late = [(fam, ms) for (fam, pre), ms in fams.items() if not pre and ms >= 2.0]
    if late:
        print("after the first paint:")
        for fam, ms in sorted(late, key=lambda kv: -kv[1]):
            print(f"  {ms:6.1f} ms  {fam}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
