"""Soak: the app against the loopback sandbox for a long time while tickets keep changing.

    python tests/benchmarks/soak.py                  # 60 minutes (the issue's soak)
    python tests/benchmarks/soak.py --minutes 5      # a short look

The app runs in a pty (harness.Term) with ``poll_seconds`` short (15 s, the least it takes)
against ``syncro-tui sandbox`` (1,011 open tickets, 50 ms away). Every few seconds a script
changes the account through the sandbox's own API, as colleagues would: a new comment, a
status change, a new ticket; then ``--idle-minutes`` (5) with no changes, the app still
polling. Printed every 30 s: RSS of the app's process tree, its CPU use since the last line,
and the app's requests in the last 60 s (the script's own requests are not counted). At the
end: RSS growth after the first 10 minutes (goal < 2 MiB), the CPU while tickets change and
idle (goal < 1 %), the most requests of the app in any 60 s and any 429 (goal: within budget).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import threading
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from harness import Term, cpu_seconds, now  # noqa: E402
from sandboxproc import SandboxProc, max_in_window  # noqa: E402

STATUSES = ("In Progress", "Waiting on Customer", "Customer Reply", "New", "Scheduled")


class Colleagues(threading.Thread):
    """Changes tickets through the sandbox's API every ``every`` seconds; remembers when."""

    def __init__(self, url: str, key: str, every: float, seed: int = 14) -> None:
        super().__init__(daemon=True)
        self.url, self.key, self.every = url.rstrip("/"), key, every
        self.rng = random.Random(seed)
        self.sent: list[float] = []  # harness clock of every request the script made
        self.done = threading.Event()
        self.ids: list[int] = []
        self.customers: list[int] = []

    def call(self, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        mark = ("&" if "?" in path else "?") + "via=soak"  # tells the script's requests apart
        req = urllib.request.Request(
            self.url + path + mark,
            data=data,
            method=method,
            headers={"Authorization": f"Bearer {self.key}", "Content-Type": "application/json"},
        )
        self.sent.append(now())
        with urllib.request.urlopen(req, timeout=30) as resp:  # noqa: S310 - loopback only
            return json.loads(resp.read() or b"{}")

    def run(self) -> None:
        page = self.call("GET", "/tickets?status=Not%20Closed&per_page=100")
        self.ids = [t["id"] for t in page.get("tickets", [])]
        self.customers = sorted(
            {t["customer_id"] for t in page.get("tickets", []) if t.get("customer_id")}
        )
        while not self.done.wait(self.every):
            what = self.rng.random()
            try:
                if what < 0.5 and self.ids:
                    tid = self.rng.choice(self.ids)
                    self.call(
                        "POST",
                        f"/tickets/{tid}/comment",
                        {"subject": "Update", "body": "Any news on this?", "hidden": False},
                    )
                elif what < 0.85 and self.ids:
                    tid = self.rng.choice(self.ids)
                    self.call("PUT", f"/tickets/{tid}", {"status": self.rng.choice(STATUSES)})
                elif self.customers:
                    got = self.call(
                        "POST",
                        "/tickets",
                        {
                            "customer_id": self.rng.choice(self.customers),
                            "subject": f"Soak ticket {len(self.sent)}",
                            "problem_type": "Other",
                            "status": "New",
                        },
                    )
                    new = (got.get("ticket") or got).get("id")
                    if new:
                        self.ids.append(new)
            except OSError as exc:  # a refused change is reported and the soak goes on
                print(f"  colleague request failed: {exc}", file=sys.stderr)


def by_script(r) -> bool:
    return "via=soak" in r.target


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--minutes", type=float, default=60.0)
    p.add_argument("--tickets", type=int, default=1500, help="sandbox tickets (1500: 1,011 open)")
    p.add_argument("--poll", type=int, default=15, help="the app's poll_seconds (15 at least)")
    p.add_argument("--change-every", type=float, default=5.0, help="seconds between changes")
    p.add_argument("--sample", type=float, default=30.0, help="seconds between lines")
    p.add_argument(
        "--idle-minutes",
        type=float,
        default=5.0,
        help="then this long with no changes (the app still polls): its idle CPU",
    )
    p.add_argument("--python", default=sys.executable)
    p.add_argument(
        "--probe",
        metavar="OUT.jsonl",
        help="run the app under memprobe.py: RSS, malloc, SQLite and Python heap figures every 5 s",
    )
    p.add_argument("--probe-args", default="", help="more memprobe options, e.g. '--trim-every 6'")
    p.add_argument(
        "--app-env", action="append", default=[], metavar="K=V", help="extra env for the app"
    )
    args = p.parse_args(argv)
    if harness.pyte is None:
        print('needs pyte: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    home = tempfile.mkdtemp(prefix="syncro-soak-")
    load0 = os.getloadavg()[0]
    with SandboxProc(tickets=args.tickets, latency_ms=50, python=args.python) as sb:
        exe = Path(args.python).with_name("syncro-tui")
        argv_app = [str(exe)] if exe.exists() else [args.python, "-m", "syncro_tui"]
        if args.probe:
            argv_app = [
                args.python,
                str(HERE / "memprobe.py"),
                args.probe,
                *args.probe_args.split(),
                "--",
                "-m",
                "syncro_tui",
            ]
        env = harness.clean_env(
            {
                "SYNCRO_TUI_HOME": home,
                "SYNCRO_API_KEY": sb.api_key,
                "SYNCRO_TUI_POLL_SECONDS": str(args.poll),
                "PYTHONDONTWRITEBYTECODE": None,
                **dict(kv.split("=", 1) for kv in args.app_env),
            }
        )
        with Term([*argv_app, "--base-url", sb.url], env=env) as term:
            if term.wait_for(lambda lines: any("#" in line for line in lines[3:]), 60.0) is None:
                print("the app showed no rows:\n" + term.dump(), file=sys.stderr)
                return 1
            sb.wait_quiet(3.0, 60.0, pump=term.pump)  # the first full load
            mates = Colleagues(sb.url, sb.api_key, args.change_every)
            mates.start()
            t0 = now()
            samples: list[tuple[float, float, float, int]] = []  # minute, MiB, CPU %, req/60 s
            idle: list[tuple[float, float, float, int]] = []  # the same, no changes
            cpu_last, t_last = cpu_seconds(term.pid), now()
            print(f"{'min':>5}  {'RSS MiB':>8}  {'CPU %':>6}  {'app req/60 s':>12}")
            phases = [(samples, t0 + args.minutes * 60, "")]
            if args.idle_minutes > 0:
                phases.append((idle, t0 + (args.minutes + args.idle_minutes) * 60, "idle"))
            for into, end, label in phases:
                if label:
                    mates.done.set()  # the colleagues stop: the app only polls from here
                while now() < end and term.alive():
                    term.idle(min(args.sample, end - now()))
                    term.sample_rss(rescan=True)
                    cpu, t = cpu_seconds(term.pid), now()
                    app_recent = sum(1 for r in sb.between(t - 60.0, t) if not by_script(r))
                    row = (
                        (t - t0) / 60,
                        term.rss_now_kb / 1024,
                        100 * (cpu - cpu_last) / (t - t_last),
                        app_recent,
                    )
                    into.append(row)
                    print(
                        f"{row[0]:5.1f}  {row[1]:8.1f}  {row[2]:6.2f}  {row[3]:12d}  {label}",
                        flush=True,
                    )
                    cpu_last, t_last = cpu, t
            mates.done.set()
            alive = term.alive()
            if alive:
                term.quit()
        reqs = sb.between(t0)
    app_times = [r.t for r in reqs if not by_script(r)]
    import shutil

    shutil.rmtree(home, ignore_errors=True)
    r429 = sum(1 for r in reqs if r.status == 429)
    print(
        f"\nsoak: {args.minutes:g} min, {args.tickets} sandbox tickets, poll_seconds={args.poll}, "
        f"a change every {args.change_every:g} s ({len(mates.sent)} script requests); "
        f"load average {load0:.2f} at start, {os.getloadavg()[0]:.2f} at the end"
    )
    if not samples:
        print("no samples")
        return 1
    after10 = [s for s in samples if s[0] >= 10.0]
    base = after10[0][1] if after10 else samples[0][1]
    print(
        f"  RSS: first {samples[0][1]:.1f} MiB, last {samples[-1][1]:.1f} MiB, max {max(s[1] for s in samples):.1f} MiB"
    )
    if after10:
        print(
            f"  RSS growth after the first 10 minutes: {samples[-1][1] - base:+.2f} MiB (goal < 2)"
        )
    else:
        print(
            f"  RSS growth over the run (shorter than 10 minutes): {samples[-1][1] - samples[0][1]:+.2f} MiB"
        )
    cpus = sorted(s[2] for s in samples)
    print(
        f"  CPU while tickets change every {args.change_every:g} s: median "
        f"{cpus[len(cpus) // 2]:.2f} %, max {cpus[-1]:.2f} %"
    )
    if idle:
        quiet = sorted(s[2] for s in idle[1:] or idle)  # the first line still holds changes
        print(
            f"  CPU idle ({args.idle_minutes:g} min, no changes, polling every {args.poll} s): "
            f"median {quiet[len(quiet) // 2]:.2f} %, max {quiet[-1]:.2f} % (goal: under 1 %); "
            f"RSS {idle[-1][1]:.1f} MiB at the end"
        )
    print(
        f"  app requests: most in any 60 s {max_in_window(app_times)}, 429s {r429}; alive at the end: {alive}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
