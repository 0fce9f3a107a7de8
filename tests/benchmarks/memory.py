"""Where the app's memory goes at 10k open tickets, phase by phase, beside the floor (issue 14).

    python tests/benchmarks/memory.py                       # 10,044 open (14,700 tickets)
    python tests/benchmarks/memory.py --tickets 74000       # ~50k open
    python tests/benchmarks/memory.py --app-env MALLOC_ARENA_MAX=2 --no-floor

The app runs in the pty (harness.Term) under ``memprobe.py`` (every 0.25 s: RSS, glibc malloc,
SQLite, Python blocks) against a warm cache and the sandbox (300 ms), through the phases of
run.py's figure 7: first paint, synced, typing three words into the filter and erasing them
(and with ``--reload`` a full reload, ``r``; run.py's 7r is the reliable reload figure). Each phase's peak is the kernel's high-water mark (VmHWM), reset at the
phase start through /proc/PID/clear_refs, so nothing is missed between samples.

The floor, measured in the same run: bare Python, Python + the imports (textual, httpx,
pydantic, the app's modules), a bare Textual app (apps/hello.py) and a bare DataTable of the
same number of rows (apps/table.py N), each its peak RSS.
"""

from __future__ import annotations

import argparse
import json
import math
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from harness import Term, now  # noqa: E402
from sandboxproc import SandboxProc, free_port, is_ticket_list  # noqa: E402


def restart(sb: SandboxProc) -> SandboxProc:
    """The same sandbox (data, port: the same account) in a new process: a clean 180/min window."""
    sb.stop()
    for _ in range(40):  # the port may linger for a moment
        try:
            sb.start()
            return sb
        except RuntimeError:
            time.sleep(0.25)
    raise RuntimeError(f"could not restart the sandbox on port {sb.port}")


SYNCED = __import__("re").compile(r"\bsynced \d")
ROW_RE = __import__("re").compile(r"^[^\w]{0,6}#?(\d{2,7})\s+\S")


def rows_visible(lines: list[str]) -> bool:
    return any(ROW_RE.match(line) for line in lines)


def status_kb(pid: int, name: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(name + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def reset_peak(pid: int) -> None:
    try:
        with open(f"/proc/{pid}/clear_refs", "w") as fh:
            fh.write("5")  # resets VmHWM to the current RSS
    except OSError:
        pass


def stamp_last_full(home: Path, when: float) -> None:
    """Set the cached queue's last full reload (what decides whether the start-up refresh
    is a full reconcile: older than reconcile_minutes)."""
    import sqlite3

    for db in (home / "cache").rglob("*.sqlite3"):
        conn = sqlite3.connect(db)
        with conn:
            conn.execute(
                "INSERT OR REPLACE INTO blobs (key, value) VALUES ('last_full', ?)",
                (json.dumps(when),),
            )
        conn.close()


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


IMPORTS = {
    "python": "pass",
    "python+textual": "import textual.app, textual.widgets",
    "python+httpx+pydantic": "import httpx, pydantic",
    "python+textual+httpx+pydantic": "import textual.app, textual.widgets, httpx, pydantic",
    "python+the app's modules": (
        "import syncro_tui.ui.app, syncro_tui.ui.screens.main, syncro_tui.core.session, "
        "syncro_tui.api.client, syncro_tui.api.models"
    ),
}


def floor(python: str, env: dict[str, str], rows: int) -> dict[str, float]:
    out: dict[str, float] = {}
    for name, code in IMPORTS.items():
        probe = f"{code}\nprint(open('/proc/self/status').read())"
        text = subprocess.run(
            [python, "-c", probe], env=env, capture_output=True, text=True, check=False
        ).stdout
        hwm = [int(line.split()[1]) for line in text.splitlines() if line.startswith("VmHWM:")]
        out[name] = hwm[0] / 1024 if hwm else float("nan")
    for name, argv, marker in (
        ("bare Textual app (hello.py)", [python, str(HERE / "apps" / "hello.py")], "HELLO"),
        (
            f"bare DataTable of {rows} rows (table.py)",
            [python, str(HERE / "apps" / "table.py"), str(rows)],
            "TCK-00001",
        ),
    ):
        with Term(argv, env=env) as term:
            term.wait_for(marker, 60.0)
            term.wait_quiet(0.5, 5.0)
            term.sample_rss(rescan=True)
            out[name] = max(term.hwm_kb, status_kb(term.pid, "VmHWM")) / 1024
            term.quit()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--tickets", type=int, default=14_700, help="sandbox tickets (14700: 10,044 open)"
    )
    p.add_argument("--python", default=sys.executable)
    p.add_argument("--every", default="0.25", help="probe interval, seconds")
    p.add_argument("--app-env", action="append", default=[], metavar="K=V")
    p.add_argument("--no-floor", action="store_true")
    p.add_argument(
        "--reload",
        action="store_true",
        help="also press r for a full reload (unreliable here: in 3 of 4 runs no reload followed; "
        "run.py's 7r is the reload figure)",
    )
    p.add_argument(
        "--start",
        choices=("as-is", "incremental", "full"),
        default="incremental",
        help="the start-up refresh: the cache's last full reload stamped now (incremental, as "
        "right after warming), an hour ago (a full reconcile at start-up), or left as it is",
    )
    p.add_argument(
        "--no-filter", action="store_true", help="skip the filter phase (r then follows the sync)"
    )
    p.add_argument(
        "--same-sandbox",
        action="store_true",
        help="keep the sandbox that warmed the cache (not with --home): a restarted one "
        "generates its data anew with every ticket's times moved by the gap, so the start-up "
        "refresh and r bring all 10,044 tickets changed; this measures an unchanged queue",
    )
    p.add_argument("--pycache", default="", help="a bytecode cache to reuse (PYTHONPYCACHEPREFIX)")
    p.add_argument("--probe-args", default="", help="more memprobe options ('--tracemalloc')")
    p.add_argument("--out", default="", help="keep the probe's JSON lines here")
    p.add_argument("--port", type=int, default=0, help="sandbox port (the cache is per URL)")
    p.add_argument("--home", default="", help="a warm home to reuse (copied); else warmed here")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="syncro-mem-"))
    pycache = args.pycache or str(tmp / "pycache")
    base_env = harness.clean_env({"PYTHONDONTWRITEBYTECODE": None, "PYTHONPYCACHEPREFIX": pycache})
    if args.home:  # no warm-up run fills the bytecode cache: compiling would be measured
        log("compiling the bytecode cache ...")
        prime = (
            "import compileall, sys; [compileall.compile_dir(p, quiet=2) for p in sys.path if p]"
        )
        subprocess.run([args.python, "-c", prime], env=base_env, check=False)
    for k in [k for k in base_env if k.startswith("SYNCRO_TUI_") or k == "SYNCRO_API_KEY"]:
        del base_env[k]
    app = [args.python, "-m", "syncro_tui"]
    result: dict = {"tickets": args.tickets, "app_env": args.app_env, "start": args.start}
    try:
        port = args.port or free_port()
        with SandboxProc(tickets=args.tickets, latency_ms=300, python=args.python, port=port) as sb:
            env = {**base_env, "SYNCRO_API_KEY": sb.api_key}
            if args.home:
                warm = Path(args.home)
            else:
                warm = tmp / "warm"
                warm.mkdir()
                log(f"warming the cache: {args.tickets} tickets ...")
                t0 = now()
                with Term(
                    [*app, "--base-url", sb.url], env={**env, "SYNCRO_TUI_HOME": str(warm)}
                ) as term:
                    term.wait_for(rows_visible, 60.0)
                    while now() - t0 < 400 and term.alive():
                        lists = [r for r in sb.between(t0) if is_ticket_list(r)]
                        if lists and now() - lists[-1].t > 4.0 and term.wait_for(SYNCED, 0.1):
                            break
                        term.pump(0.2)
                    term.quit()
                log(f"  warm after {now() - t0:.0f} s")
            home = tmp / "run"
            shutil.copytree(warm, home, ignore=shutil.ignore_patterns("runtime", "log"))
            (home / "tmp").mkdir(exist_ok=True)
            if args.start != "as-is":
                stamp_last_full(home, time.time() - (3600 if args.start == "full" else 0))
            out = args.out or str(tmp / "probe.jsonl")
            Path(out).unlink(missing_ok=True)
            env_app = {
                **env,
                "SYNCRO_TUI_HOME": str(home),
                "TMPDIR": str(home / "tmp"),
                **dict(kv.split("=", 1) for kv in args.app_env),
            }
            cmd = [
                args.python,
                str(HERE / "memprobe.py"),
                out,
                "--every",
                args.every,
                *args.probe_args.split(),
                "--",
                "-m",
                "syncro_tui",
                "--base-url",
                sb.url,
            ]
            if args.same_sandbox:  # the same data and times: a reload brings it unchanged
                log("waiting out the sandbox's 60 s rate window ...")
                time.sleep(61)
            else:  # a new process generates the data anew: every ticket's times move with it
                sb = restart(sb)
            phases: list[tuple[str, float, float, int, int]] = []  # name, t0, t1, rss, peak
            with Term(cmd, env=env_app) as term:
                pid = term.pid
                t_start = time.monotonic()

                def phase(name: str, t_begin: float) -> float:
                    t_end = time.monotonic()
                    phases.append(
                        (name, t_begin, t_end, status_kb(pid, "VmRSS"), status_kb(pid, "VmHWM"))
                    )
                    reset_peak(pid)
                    return t_end

                if term.wait_for(rows_visible, 60.0) is None:
                    log("no rows:\n" + term.dump())
                    return 1
                t = phase("first paint", t_start)
                log("  first paint")
                term.wait_for(SYNCED, 60.0)
                sb.wait_quiet(1.0, 60.0, pump=term.pump)
                term.wait_quiet(0.5, 5.0)
                t = phase("start-up refresh (synced)", t)
                if not args.no_filter:
                    term.send("/")
                    term.wait_quiet(0.3, 3.0)
                for word in () if args.no_filter else ("printer", "vpn", "acme"):
                    for ch in word:
                        term.send(ch)
                        term.wait_quiet(0.1, 3.0)
                    for _ in word:
                        term.send("backspace")
                        term.wait_quiet(0.1, 3.0)
                if not args.no_filter:
                    term.send("escape")  # as run.py does
                    term.wait_quiet(0.3, 3.0)
                    t = phase("filter: printer, vpn, acme typed and erased", t)
                if args.reload:
                    t_r = now()
                    term.send("r")
                    want = math.ceil(args.tickets * 0.68 / 100)
                    asked = 1
                    while now() - t_r < 300 and term.alive():
                        if (
                            asked < 3
                            and now() - t_r > 4.0 * asked
                            and not any(is_ticket_list(r) for r in sb.between(t_r))
                        ):
                            log(f"  no list request {now() - t_r:.0f} s after r: r again")
                            term.send("escape")
                            term.wait_quiet(0.3, 2.0)
                            term.send("r")
                            asked += 1
                        if sum(1 for r in sb.between(t_r) if is_ticket_list(r)) >= want:
                            break
                        term.pump(0.1)
                    got = sum(1 for r in sb.between(t_r) if is_ticket_list(r))
                    log(f"  reload: {got} list pages in {now() - t_r:.1f} s")
                    if got < want:
                        log(term.dump())
                    sb.wait_quiet(1.0, 10.0, pump=term.pump)
                    term.wait_quiet(0.5, 5.0)
                    t = phase("full reload (r)", t)
                    term.idle(5.0)
                    t = phase("idle 5 s after", t)
                term.quit()
            samples = [json.loads(line) for line in open(out)]
            result["phases"] = []
            for name, t0, t1, rss, peak in phases:
                inside = [s for s in samples if t0 <= s["mono"] <= t1] or samples[-1:]
                last = inside[-1]
                top = max(inside, key=lambda s: s["vmrss"])
                row = {
                    "phase": name,
                    "rss_end_mib": rss / 1024,
                    "peak_mib": peak / 1024,
                    "sampled_top": {k: top.get(k) for k in top if k != "mono"},
                    "end": {k: last.get(k) for k in last if k != "mono"},
                }
                result["phases"].append(row)
            if not args.no_floor:
                log("floor ...")
                result["floor_mib"] = floor(args.python, base_env, int(args.tickets * 0.68))
    finally:
        if not args.out:
            shutil.rmtree(tmp, ignore_errors=True)
    report(result)
    return 0


KEYS = (
    ("vmrss", "RSS"),
    ("rssanon", "anon"),
    ("rssfile", "file"),
    ("m_used_kb", "malloc used"),
    ("m_free_kb", "malloc free"),
    ("m_mmap_kb", "malloc mmap"),
    ("m_arenas", "arenas"),
    ("threads", "threads"),
    ("sq_mem_kb", "sqlite"),
    ("py_blocks", "py blocks"),
)


def report(result: dict) -> None:
    print(
        f"\n{result['tickets']} sandbox tickets; app env {result['app_env'] or '-'}; "
        f"start-up refresh {result.get('start')}"
    )
    print(f"{'phase':46s} {'peak':>7s} {'end':>7s}  at the sampled top (KiB unless said)")
    for ph in result.get("phases", []):
        top = ph["sampled_top"]
        detail = ", ".join(f"{label} {top.get(k)}" for k, label in KEYS if top.get(k) is not None)
        print(f"{ph['phase']:46s} {ph['peak_mib']:7.1f} {ph['rss_end_mib']:7.1f}  {detail}")
    for name, mib in result.get("floor_mib", {}).items():
        print(f"  floor: {name:44s} {mib:7.1f} MiB peak")
    print(json.dumps(result, default=str)[:0])


if __name__ == "__main__":
    raise SystemExit(main())
