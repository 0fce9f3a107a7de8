"""syncro-tui benchmark suite (issue 5): seven measurements beside bare Textual baselines.

    python tests/benchmarks/run.py                # full run, 5 runs per figure (~13 min)
    python tests/benchmarks/run.py --quick        # 3 runs, shortened API-cost windows (~5 min)
    python tests/benchmarks/run.py --only 1,4,7 --runs 7 --json results.json

Every app process runs in a pseudo-terminal of 120x40 (harness.py) with its own temporary
SYNCRO_TUI_HOME; the sandbox (`syncro-tui sandbox`) listens on 127.0.0.1 only. Figures are
medians over the runs, printed beside the bare baselines (apps/hello.py: one Static;
apps/table.py N: a bare DataTable of the same row count) measured in the same invocation, as
ratios. A measurement that cannot run (a feature missing, the app failing) is reported as
"n/a (reason)"; the suite never stops at the first failure. Needs pyte (`pip install -e ".[bench]"`).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import re
import shutil
import statistics
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

import harness  # noqa: E402
from harness import Term, clean_env, measure_start, median, now  # noqa: E402
from sandboxproc import SandboxProc, is_ticket_detail, is_ticket_list, max_in_window  # noqa: E402

APPS = HERE / "apps"
HELLO_MARKER = "HELLO-TTFP-MARKER"
TABLE_MARKER = "TCK-00001"
API_KEY = "bench-sandbox-key"
LATENCY_MS = 300
# The sandbox generates ~68 % open tickets; these totals give about 1,000 and 10,000 open ones.
TICKETS_1K = 1500  # -> 1,011 open
TICKETS_10K = (14_700, 10_000)  # the first the sandbox accepts (it caps at 10,000 -> 6,818 open)
TICKETS_TINY = 30  # a near-empty queue (7f: what the app costs before it holds any tickets)
DEFAULT_BUDGET = 150
SYNCRO_LIMIT = 180

# A ticket row in the list: up to a few marker/border cells, then the ticket number.
SYNCED = re.compile(r"\bsynced \d")
ROW_RE = re.compile(r"^[^\w]{0,6}#?(\d{2,7})\s+\S")


def ticket_rows(lines: list[str]) -> int:
    return sum(1 for line in lines if ROW_RE.match(line))


def rows_visible(lines: list[str]) -> bool:
    return any(ROW_RE.match(line) for line in lines)


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


class NA(Exception):
    """The measurement cannot run; the message says why (shown as n/a (why))."""


# ------------------------------------------------------------------------------------ results
@dataclass
class Figure:
    id: str
    what: str
    value: float | None = None
    unit: str = "s"
    samples: list = field(default_factory=list)
    baseline: str = ""
    ratio: float | None = None  # vs bare Textual (hello)
    ratio_table: float | None = None  # vs bare DataTable of the same row count
    ratio_floor: float | None = None  # vs the bare Textual filter floor (apps/filter_floor.py)
    target: str = ""
    ok: bool | None = None  # None: informational or n/a
    na: str | None = None
    note: str = ""

    def verdict(self) -> str:
        if self.na:
            return "n/a"
        if self.ok is None:
            return ""
        return "met" if self.ok else "MISSED"


def fmt(value: float | None, unit: str) -> str:
    if value is None:
        return "-"
    if unit == "s":
        return f"{value:.3f} s"
    if unit == "ms":
        return f"{value * 1000:.1f} ms"
    if unit == "MiB":
        return f"{value:.1f} MiB"
    if unit == "req/min":
        return f"{value:.1f} req/min"
    if unit == "req":
        return f"{value:.0f}"
    return f"{value:g} {unit}"


def spread(samples: list, unit: str) -> str:
    vals = [v for v in samples if isinstance(v, (int, float))]
    if len(vals) < 2:
        return ""
    lo, hi = min(vals), max(vals)
    if unit == "ms":
        return f"[{lo * 1000:.1f}-{hi * 1000:.1f}]"
    if unit == "s":
        return f"[{lo:.3f}-{hi:.3f}]"
    if unit == "MiB":
        return f"[{lo:.1f}-{hi:.1f}]"
    return f"[{lo:g}-{hi:g}]"


# ------------------------------------------------------------------------------------ context
class Ctx:
    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.quick = args.quick
        self.runs = args.runs if args.runs else (3 if args.quick else 5)
        self.cols, self.rows = (int(v) for v in args.size.lower().split("x"))
        self.python = args.python
        exe = Path(self.python).with_name("syncro-tui")
        self.app_cmd = [str(exe)] if exe.exists() else [self.python, "-m", "syncro_tui"]
        self.tmp = Path(tempfile.mkdtemp(prefix="syncro-bench-"))
        self.budget = self._budget()
        self.figures: list[Figure] = []
        self.baselines: dict[str, dict] = {}
        self.sandboxes: dict[int, SandboxProc] = {}
        # Every sandbox of the run serves its data as made at the run's start: a restarted
        # one (a clean rate window per run) then serves the same tickets with the same times,
        # so a run's start-up refresh and full reload meet the queue the cache holds, as on a
        # real account. Made anew at each start, every ticket came back changed (10,044 rows
        # replaced: the reload peak of runs 2+ was ~6 MiB above run 1's).
        self.data_time = time.time()
        self.homes: dict[str, Path] = {}
        self.tickets_10k: int | None = None
        # Bytecode: this dev environment sets PYTHONDONTWRITEBYTECODE and the editable install
        # has no __pycache__, so every start would compile the project's modules (~55 ms of CPU
        # on the first-paint path) while textual's come precompiled. An installed app has its
        # .pyc files: by default every measured process (baselines too) caches bytecode under
        # the suite's temp dir (PYTHONPYCACHEPREFIX, nothing written into the repo).
        self.pyc_env: dict[str, str | None] = {}
        if not args.no_bytecode_cache:
            self.pyc_env = {
                "PYTHONDONTWRITEBYTECODE": None,
                "PYTHONPYCACHEPREFIX": str(self.tmp / "pycache"),
            }

    def _budget(self) -> int:
        try:
            from syncro_tui.config import Settings

            return int(Settings().requests_per_minute)
        except Exception:  # noqa: BLE001
            return DEFAULT_BUDGET

    def home(self, name: str) -> Path:
        path = Path(tempfile.mkdtemp(prefix=f"{name}-", dir=self.tmp))
        return path

    def base_env(self) -> dict[str, str]:
        """Environment of every measured process: a clean terminal, the bytecode policy."""
        return clean_env(self.pyc_env)

    def prime(self) -> None:
        """Fill the bytecode cache (untimed): the app's start-up and network modules, textual."""
        if not self.pyc_env:
            return
        import subprocess

        mods = (
            "syncro_tui.cli syncro_tui.launch syncro_tui.ui.app syncro_tui.ui.screens.main "
            "syncro_tui.core.cache syncro_tui.core.session syncro_tui.api.client syncro_tui.api.models "
            "syncro_tui.sandbox syncro_tui.sandbox.server textual.app textual.widgets "
            "textual.widgets._data_table textual.widgets._footer textual.widgets._input httpx pydantic"
        )
        code = (
            "import importlib\nfor m in %r.split():\n    try: importlib.import_module(m)\n    except Exception: pass"  # noqa: UP031
            % mods
        )
        subprocess.run([self.python, "-c", code], env=self.base_env(), timeout=120, check=False)

    def env(self, home: Path, sandbox: SandboxProc | None = None, **extra: str) -> dict[str, str]:
        env = self.base_env()
        for k in list(env):
            if k.startswith("SYNCRO_TUI_") or k == "SYNCRO_API_KEY":
                del env[k]
        env["SYNCRO_TUI_HOME"] = str(home)
        if sandbox is not None:
            env["SYNCRO_API_KEY"] = sandbox.api_key
        env.update(extra)
        return env

    def argv(self, sandbox: SandboxProc | None = None, demo: bool = False) -> list[str]:
        if demo:
            return [*self.app_cmd, "--demo"]
        assert sandbox is not None and sandbox.url
        return [*self.app_cmd, "--base-url", sandbox.url]

    def term(self, argv: list[str], env: dict[str, str], **kw) -> Term:
        return Term(argv, cols=self.cols, rows=self.rows, env=env, **kw)

    def sandbox(self, tickets: int, name: str = "") -> SandboxProc:
        """A running sandbox; `name` gives a separate process (a clean request log and
        rate-limit window) with the same data (same seed)."""
        key = f"{tickets}:{name}"
        sb = self.sandboxes.get(key)
        if sb is None or sb.proc is None or sb.proc.poll() is not None:
            log(
                f"starting sandbox{' ' + name if name else ''}: {tickets} tickets, {LATENCY_MS} ms latency"
            )
            sb = SandboxProc(
                tickets=tickets,
                latency_ms=LATENCY_MS,
                api_key=API_KEY,
                python=self.python,
                env=self.base_env(),
                data_time=self.data_time,
            ).start()
            log(f"  sandbox at {sb.url} ({sb.how})")
            self.sandboxes[key] = sb
        return sb

    def restart_sandbox(self, sb: SandboxProc) -> SandboxProc:
        """The same sandbox (data, port, so the same account and cache) in a new process."""
        key = next((k for k, v in self.sandboxes.items() if v is sb), None)
        sb.stop()
        new = SandboxProc(
            tickets=sb.tickets,
            latency_ms=sb.latency_ms,
            api_key=sb.api_key,
            port=sb.port,
            python=self.python,
            env=self.base_env(),
            data_time=sb.data_time,
        )
        for _ in range(20):  # the port may linger for a moment
            try:
                new.start()
                break
            except RuntimeError:
                time.sleep(0.25)
        else:
            raise NA(f"could not restart the sandbox on port {sb.port}")
        if key:
            self.sandboxes[key] = new
        return new

    def drop_sandbox(self, sb: SandboxProc) -> None:
        for key, other in list(self.sandboxes.items()):
            if other is sb:
                del self.sandboxes[key]
        sb.stop()

    def sandbox_10k(self) -> SandboxProc:
        if self.tickets_10k is not None:
            return self.sandbox(self.tickets_10k)
        last = None
        for n in TICKETS_10K:
            try:
                sb = self.sandbox(n)
                self.tickets_10k = n
                return sb
            except RuntimeError as exc:
                last = exc
                log(f"  sandbox refused {n} tickets: {exc}")
        raise NA(f"sandbox: {last}")

    def close(self) -> None:
        for sb in self.sandboxes.values():
            sb.stop()
        if not self.args.keep_tmp:
            shutil.rmtree(self.tmp, ignore_errors=True)

    def add(self, fig: Figure) -> Figure:
        self.figures.append(fig)
        shown = f"n/a ({fig.na})" if fig.na else fmt(fig.value, fig.unit)
        log(f"  => {fig.id} {fig.what}: {shown} {fig.verdict()}")
        return fig


def open_count(tickets: int) -> int | None:
    """How many tickets of a sandbox of this size are open (what the list should show)."""
    try:
        from syncro_tui.sandbox import Sandbox
        from syncro_tui.sandbox.state import CLOSED_STATUSES

        sb = Sandbox(tickets=tickets, api_key=API_KEY)
        return sum(1 for t in sb.state.tickets.values() if t.status not in CLOSED_STATUSES)
    except Exception:  # noqa: BLE001
        return None


def short_error(res) -> str:
    """The most telling line of a failed run: the last exception line on screen, else the error."""
    lines = [line.strip() for line in (res.screen or "").splitlines() if line.strip()]
    for line in reversed(lines):
        if re.match(r"^[\w.]*(Error|Exception)\b", line) or "Error:" in line:
            return f"{res.error}: {line[:120]}"
    return res.error or "failed"


# ------------------------------------------------------------------------------------ baselines
def hello_once(ctx: Ctx, fid: str) -> None:
    """One bare-Textual run right before a measured app run (paired: the load on a small shared
    machine drifts, so each figure's ratio uses the hello runs interleaved with its own)."""
    res = measure_start(
        [ctx.python, str(APPS / "hello.py")],
        HELLO_MARKER,
        env=ctx.base_env(),
        cols=ctx.cols,
        rows=ctx.rows,
    )
    if res.ok:
        hello = ctx.baselines.get("hello")
        if hello is not None:
            hello.setdefault("near", {}).setdefault(fid, []).append(res.ttfp_s)
            hello.setdefault("near_cpu", {}).setdefault(fid, []).append(
                res.extra.get("cpu_at_paint_s")
            )


def measure_runs(
    ctx: Ctx,
    label: str,
    argv: list[str],
    marker,
    env: dict[str, str],
    *,
    warmup: int = 1,
    runs: int | None = None,
    pair: str | None = None,
    **kw,
) -> list:
    """Warm-up run(s) (discarded), then ctx.runs measured runs; returns the good results.

    With pair=FIGURE_ID a bare-Textual run precedes each measured run (see hello_once)."""
    good, errors = [], []
    total = warmup + (runs or ctx.runs)
    for i in range(total):
        if pair and i >= warmup:
            hello_once(ctx, pair)
        res = measure_start(argv, marker, env=env, cols=ctx.cols, rows=ctx.rows, **kw)
        tag = "warmup" if i < warmup else f"run {i - warmup + 1}"
        if res.ok:
            extra = (
                f" key={median(res.keys_s) * 1000:.1f}ms"
                if res.keys_s and median(res.keys_s)
                else ""
            )
            log(
                f"  {label} {tag}: first paint {res.ttfp_s:.3f}s rss {res.rss_peak_mib:.1f}MiB{extra}"
            )
            if i >= warmup:
                good.append(res)
        else:
            log(f"  {label} {tag}: FAILED {short_error(res)}")
            errors.append(res)
            if i == 0 and not res.ttfp_s:
                break  # the app does not start: do not repeat the failure N times
    if not good:
        raise NA(short_error(errors[-1]) if errors else "no run succeeded")
    return good


def baseline(ctx: Ctx, name: str) -> dict:
    """hello or table:N, measured once per invocation (lazily, when a figure needs it)."""
    if name in ctx.baselines:
        return ctx.baselines[name]
    if name == "hello":
        argv, marker, key = [ctx.python, str(APPS / "hello.py")], HELLO_MARKER, None
    else:
        n = int(name.split(":")[1])
        # cursor latency only where a figure compares with it (the 10k list)
        argv, marker, key = (
            [ctx.python, str(APPS / "table.py"), str(n)],
            TABLE_MARKER,
            ("down" if n >= 5000 else None),
        )
    env = ctx.base_env()
    log(f"baseline {name}")
    good = measure_runs(ctx, name, argv, marker, env, key=key, key_repeats=10 if ctx.quick else 20)
    out = {
        "ttfp_s": median(r.ttfp_s for r in good),
        "ttfp_samples": [r.ttfp_s for r in good],
        "rss_mib": median(r.rss_peak_mib for r in good),
        "rss_samples": [r.rss_peak_mib for r in good],
        "key_s": median(k for r in good for k in r.keys_s) if key else None,
    }
    ctx.baselines[name] = out
    return out


def table_name(n: int | None) -> str | None:
    return f"table:{n}" if n else None


def hello_near(ctx: Ctx, fid: str) -> float:
    """Median of the bare-Textual runs interleaved with this figure's runs (measured now if
    the figure had none), pooled into the hello baseline too."""
    hello = baseline(ctx, "hello")
    near = hello.setdefault("near", {}).get(fid)
    if not near:
        for _ in range(ctx.runs):
            hello_once(ctx, fid)
        near = hello["near"].get(fid)
    if not near:
        return hello["ttfp_s"]
    hello["ttfp_samples"] += near
    hello["ttfp_s"] = median(hello["ttfp_samples"])
    return median(near)


def paint_figure(
    ctx: Ctx,
    fid: str,
    what: str,
    samples: list[float],
    *,
    factor: float,
    table: str | None,
    note: str = "",
    cpu: list | None = None,
) -> Figure:
    h = hello_near(ctx, fid)
    value = median(samples)
    hello_cpu = median(ctx.baselines.get("hello", {}).get("near_cpu", {}).get(fid, []))
    if cpu and median(cpu) and hello_cpu:
        note = (note + "; " if note else "") + (
            f"CPU until the first paint {median(cpu):.3f} s vs hello {hello_cpu:.3f} s "
            f"({median(cpu) / hello_cpu:.2f}x; the load barely moves it)"
        )
    fig = Figure(fid, what, value, "s", samples, target=f"<= {factor:g}x hello", note=note)
    fig.ratio = value / h if value and h else None
    fig.baseline = f"hello {h:.3f} s (interleaved with these runs)"
    if table:
        try:
            tb = baseline(ctx, table)
            fig.ratio_table = value / tb["ttfp_s"] if value and tb["ttfp_s"] else None
            fig.baseline += (
                f"; DataTable {table.split(':')[1]} {tb['ttfp_s']:.3f} s ({tb['ttfp_s'] / h:.1f}x)"
            )
        except NA as exc:
            fig.baseline += f"; DataTable n/a ({exc})"
    fig.ok = fig.ratio is not None and fig.ratio <= factor
    return fig


def na_figure(
    ctx: Ctx, fid: str, what: str, reason: str, target: str = "", unit: str = "s"
) -> Figure:
    return ctx.add(Figure(fid, what, unit=unit, target=target, na=reason))


# ------------------------------------------------------------------------------------ app helpers
def warm_cache(ctx: Ctx, sb: SandboxProc, home: Path, *, max_s: float = 150.0) -> dict:
    """Run the app once against the sandbox until its full sync is over, then quit.

    "Over": at least one ticket-list request was served, then no list request for 3 s and
    the screen shows ticket rows. Returns what happened (pages, seconds).
    """
    env = ctx.env(home, sb)
    t_start = now()
    # all the pages of the open queue (100 a page): the walk pauses for the budget on big
    # queues, so a quiet moment alone does not mean it is over
    want = math.ceil((open_count(sb.tickets) or 0) / 100)
    max_s = max(max_s, want * 0.6 + 60.0)
    with ctx.term(ctx.argv(sb), env) as term:
        term.wait_for(rows_visible, min(max_s, 60.0))
        end = t_start + max_s
        while now() < end and term.alive():
            lists = [r for r in sb.between(t_start) if is_ticket_list(r)]
            if (
                lists
                and len(lists) >= want
                and now() - lists[-1].t >= 3.0
                and rows_visible(term.lines)
            ):
                break
            term.pump(0.1)
        lists = [r for r in sb.between(t_start) if is_ticket_list(r)]
        screen = term.dump()
        alive = term.alive()
        if alive:
            term.quit()
    if not lists:
        raise NA(
            "the app sent no ticket-list request: "
            + (screen.strip().splitlines() or ["(blank screen)"])[-1][:100]
        )
    if not alive:
        raise NA("the app exited during the warm-up sync")
    return {"pages": len(lists), "seconds": lists[-1].t - t_start}


def copy_home(ctx: Ctx, src: Path, name: str) -> Path:
    dst = ctx.home(name)
    shutil.rmtree(dst)
    shutil.copytree(src, dst, ignore=shutil.ignore_patterns("runtime", "log"))
    return dst


def warm_home(ctx: Ctx, key: str, sb: SandboxProc) -> Path:
    if key not in ctx.homes:
        home = ctx.home(key)
        log(f"warming the cache ({key}) ...")
        info = warm_cache(ctx, sb, home)
        log(f"  warm-up sync: {info['pages']} list pages, last at {info['seconds']:.1f} s")
        ctx.homes[key] = home
    return ctx.homes[key]


# ------------------------------------------------------------------------------------ 1
def m1_demo(ctx: Ctx) -> None:
    """Time to first paint of ticket rows, `syncro-tui --demo`, cold (new home) and warm."""
    demo_rows = open_count(300)
    table = table_name(demo_rows)
    # cold: a new SYNCRO_TUI_HOME every run (first start ever, nothing cached)
    log("1 demo first paint, cold (fresh SYNCRO_TUI_HOME each run)")
    try:
        samples, cold_cpu = [], []
        for i in range(ctx.runs + 1):
            cold_home = ctx.home("demo-cold")
            env = ctx.env(cold_home)
            good = measure_runs(
                ctx,
                "demo-cold",
                ctx.argv(demo=True),
                rows_visible,
                env,
                warmup=0,
                runs=1,
                pair="1a" if i else None,
            )
            shutil.rmtree(cold_home, ignore_errors=True)
            if i:  # the first one warms the OS file cache only
                samples.append(good[0].ttfp_s)
                cold_cpu.append(good[0].extra.get("cpu_at_paint_s"))
        ctx.add(
            paint_figure(
                ctx,
                "1a",
                "demo first paint of rows, cold (no cache)",
                samples,
                factor=1.8,
                table=table,
                note=f"{demo_rows} open rows",
                cpu=cold_cpu,
            )
        )
    except NA as exc:
        na_figure(ctx, "1a", "demo first paint of rows, cold (no cache)", str(exc), "<= 1.8x hello")
    # warm: the same home every run (the demo keeps a cache like any account)
    log("1 demo first paint, warm (demo cache from a previous start)")
    try:
        env = ctx.env(ctx.home("demo-warm"))
        good = measure_runs(
            ctx, "demo-warm", ctx.argv(demo=True), rows_visible, env, warmup=1, pair="1b"
        )
        fig = paint_figure(
            ctx,
            "1b",
            "demo first paint of rows, warm cache",
            [r.ttfp_s for r in good],
            factor=1.5,
            table=table,
            note=f"{demo_rows} open rows",
            cpu=[r.extra.get("cpu_at_paint_s") for r in good],
        )
        ctx.add(fig)
    except NA as exc:
        na_figure(ctx, "1b", "demo first paint of rows, warm cache", str(exc), "<= 1.5x hello")


# ------------------------------------------------------------------------------------ 2
def m2_warm_start(ctx: Ctx) -> None:
    what = f"warm-cache start, sandbox {LATENCY_MS} ms, ~1,000 open"
    try:
        sb = ctx.sandbox(TICKETS_1K)
        home = warm_home(ctx, "warm1k", sb)
        log("2 warm-cache start against the slow sandbox")
        env = ctx.env(home, sb)
        good = measure_runs(ctx, "warm1k", ctx.argv(sb), rows_visible, env, warmup=1, pair="2")
        n_open = open_count(TICKETS_1K)
        fig = paint_figure(
            ctx,
            "2",
            what,
            [r.ttfp_s for r in good],
            factor=1.5,
            table=table_name(n_open),
            note=f"{n_open} open rows in the sandbox",
        )
        ctx.add(fig)
        at_paint = median(r.extra.get("rss_at_paint_mib") for r in good)
        ctx.add(
            Figure(
                "7b",
                "peak RSS, ~1,000 open (warm start)",
                median(r.rss_peak_mib for r in good),
                "MiB",
                [r.rss_peak_mib for r in good],
                baseline=f"hello {baseline(ctx, 'hello')['rss_mib']:.1f} MiB",
                note=f"informational; at first paint {fmt(at_paint, 'MiB')}",
            )
        )
    except NA as exc:
        na_figure(ctx, "2", what, str(exc), "<= 1.5x hello")
    except RuntimeError as exc:
        na_figure(ctx, "2", what, str(exc), "<= 1.5x hello")


# ------------------------------------------------------------------------------------ 3
def m3_cold_sync(ctx: Ctx) -> None:
    what = f"cold full sync, ~1,000 open at {LATENCY_MS} ms: all rows present"
    try:
        sb = ctx.sandbox(TICKETS_1K, "cold")  # its own 180/min window
    except RuntimeError as exc:
        na_figure(ctx, "3", what, str(exc), "<= 4 s")
        return
    log("3 cold full sync (fresh SYNCRO_TUI_HOME each run)")
    t_begin = now()
    samples, synced, pages, errors, incomplete = [], [], [], [], []
    n_open = open_count(TICKETS_1K)
    for i in range(ctx.runs):
        home = ctx.home("cold1k")
        env = ctx.env(home, sb)
        t0 = now()
        with ctx.term(ctx.argv(sb), env) as term:
            first_req = None
            end = t0 + 60.0
            # wait: list requests seen, then none for 2 s (the sync is over)
            while now() < end and term.alive():
                lists = [r for r in sb.between(t0) if is_ticket_list(r)]
                if lists and now() - lists[-1].t >= 2.0:
                    break
                term.pump(0.05)
            lists = [r for r in sb.between(t0) if is_ticket_list(r)]
            if not lists:
                errors.append(
                    "no ticket-list request within 60 s" if term.alive() else "app exited"
                )
                log(f"  run {i + 1}: FAILED {errors[-1]}: {term.dump().strip().splitlines()[-1:]} ")
                if i == 0:
                    break
                continue
            t_last = lists[-1].t
            after = [c for c in term.changes if c >= t_last]
            t_synced = term.wait_for(re.compile(r"\bsynced\b"), 3.0)
            if not after:  # nothing repainted yet: wait for it
                term.wait_quiet(0.3, 2.0)
                after = [c for c in term.changes if c >= t_last]
            t_all = after[0] if after else t_last
            first_req = lists[0].t
            samples.append(t_all - t0)
            synced.append((t_synced - t0) if t_synced else None)
            pages.append(len(lists))
            n_rows = ticket_rows(term.lines)
            got, want = list_pages(lists, n_open)
            if want and not set(range(1, want + 1)) <= got:
                incomplete.append(i + 1)
            first_any = sb.between(t0)[0].t
            log(
                f"  run {i + 1}: all rows at {t_all - t0:.3f}s (first request served {first_any - t0:.3f}s, "
                f"first list request {first_req - t0:.3f}s, {len(lists)} list requests, pages "
                f"{min(got, default=0)}-{max(got, default=0)} of {want or '?'}, last served {t_last - t0:.3f}s; "
                f"header 'synced' {(t_synced - t0) if t_synced else float('nan'):.3f}s; {n_rows} rows on screen)"
            )
            term.quit()
        shutil.rmtree(home, ignore_errors=True)
    r429 = sum(1 for r in sb.between(t_begin) if r.status == 429)
    ctx.drop_sandbox(sb)
    if not samples:
        na_figure(ctx, "3", what, errors[-1] if errors else "failed", "<= 4 s")
        return
    fig = Figure(
        "3",
        what,
        median(samples),
        "s",
        samples,
        target="<= 4 s",
        baseline=f"hello {baseline(ctx, 'hello')['ttfp_s']:.3f} s",
        note=(
            f"{n_open} open; {statistics.median(pages):.0f} list requests; all rows = first repaint "
            f"after the last list page was served; header says 'synced' at "
            f"{fmt(median(synced), 's')} (its clock ticks once a second); 429s: {r429}"
        ),
    )
    if incomplete:
        fig.note += f"; INCOMPLETE page walk in run(s) {incomplete}"
    fig.ok = fig.value is not None and fig.value <= 4.0 and not incomplete
    ctx.add(fig)


def list_pages(lists, n_open: int | None) -> tuple[set[int], int | None]:
    """Page numbers of the ticket-list requests, and how many pages the open queue has."""
    got, per_page = set(), None
    for r in lists:
        q = r.query
        try:
            got.add(int(q.get("page", ["1"])[0]))
            per_page = int(q["per_page"][0]) if "per_page" in q else per_page
        except ValueError:
            pass
    want = math.ceil(n_open / (per_page or 25)) if n_open else None
    return got, want


# ------------------------------------------------------------------------------------ 4 + 7
# Queue sizes (issue 14): sandbox tickets -> about this many open; targets per size.
QUEUES = {
    "1k": TICKETS_1K,
    "10k": 14_700,
    "50k": 74_000,
}
PAINT_TARGET = {"1k": 1.5, "10k": 1.5, "50k": 2.0}  # x hello
FILTER_TARGET_MS = {"1k": 10.0, "10k": 10.0, "50k": 20.0}  # median per typed character
FILTER_MAX_MS = {"10k": 50.0}  # no character over this
RSS_TARGET = {"1k": 60.0, "10k": 60.0, "50k": 100.0}  # MiB
RELOAD_TARGET = {"10k": 70.0}  # MiB, peak during a full reload
WORDS = ("printer", "outlook", "vpn", "acme", "password", "laptop", "scanner")
"""What technicians type into the filter: each word one key at a time, then erased."""


FLOOR_MARKER = "FILTER-FLOOR"
FLOOR_MODES = {
    "list": "bare Input + line-API list, filtered from Input.Changed",
    "sync": "bare Input + line-API list, filtered in the Input's watcher (one frame, no layout)",
    "echo": "bare Input alone (key in, echo out)",
}
"""apps/filter_floor.py's modes: what a bare Textual app pays per typed character."""


def floor_once(ctx: Ctx, n: int, mode: str, words: tuple[str, ...], store: dict) -> None:
    """One run of apps/filter_floor.py N MODE typing the same words as 4c, the same way (one
    key at a time, 100 ms of quiet ends a character, then erased); run interleaved with the
    app's own runs so both see the same load."""
    holder: dict = {}

    def typing(term: Term) -> None:
        term.min_cells = 2  # the Input's blinking cursor is not a repaint
        term.wait_quiet(0.3, 3.0)
        typed, cpu = [], []
        for word in words:
            typed += term.type_latency(word, quiet_s=0.1)
            cpu += list(getattr(term, "type_cpu", []))
            term.type_latency("\x7f" * len(word), quiet_s=0.1)
        holder["typed"], holder["cpu"] = typed, cpu

    res = measure_start(
        [ctx.python, str(APPS / "filter_floor.py"), str(n), mode],
        FLOOR_MARKER,
        env=ctx.base_env(),
        cols=ctx.cols,
        rows=ctx.rows,
        before_keys=typing,
        timeout=60.0,
    )
    if not res.ok:
        log(f"  floor {mode} {n}: FAILED {short_error(res)}")
        return
    out = store.setdefault(mode, {"wall": [], "first": [], "cpu": []})
    out["wall"] += [b for _, b in holder.get("typed", []) if b is not None]
    out["first"] += [a for a, _ in holder.get("typed", []) if a is not None]
    out["cpu"] += holder.get("cpu", [])
    done = [b for _, b in holder.get("typed", []) if b is not None]
    log(
        f"  floor {mode} {n}: filter median {(median(done) or 0) * 1000:.1f}ms, "
        f"CPU median {(median(holder.get('cpu', [])) or 0) * 1000:.1f}ms ({len(done)} chars)"
    )


def floor_figures(ctx: Ctx, size: str, n: int, floors: dict, ours: dict[str, Figure]) -> None:
    """Rows 4e (wall) / 4f (CPU) per floor mode, and 4c / 4d's ratio to the floor: the
    cheaper of the two list modes (a bare app filtering N rows), the echo as the absolute
    floor of one keystroke."""
    sfx = "" if size == "10k" else f"@{size}"
    for key, unit_fig, label in (("wall", "4e", "latency"), ("cpu", "4f", "CPU")):
        parts = []
        for mode, what in FLOOR_MODES.items():
            got = floors.get(mode, {}).get(key) or []
            fig = Figure(
                f"{unit_fig}{sfx}.{mode}",
                f"floor {mode}: {what}, {n} rows: {label} per typed character"
                if mode != "echo"
                else f"floor echo: {what}: {label} per typed character",
                median(got),
                "ms",
                got,
                note=(
                    f"apps/filter_floor.py {n} {mode}, the same words, interleaved with the "
                    f"app's runs: p90 {fmt(p90(got), 'ms')}, max {fmt(max(got, default=None), 'ms')}"
                    + (
                        f"; first repaint (the echo) {fmt(median(floors[mode]['first']), 'ms')}"
                        if key == "wall" and floors.get(mode, {}).get("first")
                        else ""
                    )
                ),
            )
            if not got:
                fig.na = "the floor app did not run"
            ctx.add(fig)
            parts.append((mode, fig.value))
        fig = ours.get(key)
        lists = [(v, m) for m, v in parts if m != "echo" and v]
        echo = dict(parts).get("echo")
        if fig is not None and fig.value and lists:
            value, mode = min(lists)
            fig.ratio_floor = fig.value / value
            fig.baseline = (
                f"floor ({mode}, a bare Textual app filtering {n} rows) {fmt(value, 'ms')}: "
                f"{fig.ratio_floor:.2f}x"
                + (
                    f"; Input echo alone {fmt(echo, 'ms')} ({fig.value / echo:.2f}x)"
                    if echo
                    else ""
                )
            )


def p90(values: list[float]) -> float | None:
    vals = sorted(v for v in values if v is not None)
    if not vals:
        return None
    return vals[min(len(vals) - 1, math.ceil(0.9 * len(vals)) - 1)]


def m4_big(ctx: Ctx) -> None:
    fixed_cost_figure(ctx)
    for size in ctx.args.sizes.split(","):
        size = size.strip()
        if size not in QUEUES:
            log(f"unknown queue size {size!r} (choose from {', '.join(QUEUES)})")
            continue
        queue_figures(ctx, size)


def fixed_cost_figure(ctx: Ctx) -> None:
    """7f: the app's peak RSS with a near-empty queue (warm cache, through the start-up
    refresh): what every queue size pays before its tickets (the imports, the UI, the client).
    Figure 7's goals are for the same process holding 10k and 50k tickets."""
    what = "near-empty queue, warm cache: peak RSS (the app before its tickets)"
    try:
        sb = ctx.sandbox(TICKETS_TINY)
        home = warm_home(ctx, "tiny", sb)
        n_open = open_count(TICKETS_TINY)
        log(f"7f the app's fixed cost: {n_open} open tickets")
        synced: list[bool] = []

        def until_synced(term: Term) -> None:
            synced.append(term.wait_for(SYNCED, 20.0) is not None)
            term.wait_quiet(1.0, 5.0)  # the detail pane's fetch and the account lists

        good = measure_runs(
            ctx, "tiny", ctx.argv(sb), rows_visible, ctx.env(home, sb), before_keys=until_synced
        )
        at_paint = median(r.extra.get("rss_at_paint_mib") for r in good)
        hello = baseline(ctx, "hello")
        fig = Figure(
            "7f",
            f"{n_open} open, warm cache: peak RSS (the app before its tickets)",
            median(r.rss_peak_mib for r in good),
            "MiB",
            [r.rss_peak_mib for r in good],
            baseline=f"hello {hello['rss_mib']:.1f} MiB",
            note=(
                f"informational: start, start-up refresh, the detail of the first ticket; at "
                f"first paint {fmt(at_paint, 'MiB')}; the header said synced in "
                f"{sum(synced)}/{len(synced)} runs. Figure 7 at 10k and 50k is this plus the tickets"
            ),
        )
        fig.ratio = fig.value / hello["rss_mib"] if fig.value else None
        ctx.add(fig)
    except (NA, RuntimeError) as exc:
        na_figure(ctx, "7f", what, str(exc), "informational", unit="MiB")


def queue_figures(ctx: Ctx, size: str) -> None:
    """First paint, cursor, filter (word list), RSS at paint / after a full reload / during it,
    for one queue size against a warm cache."""
    sfx = "" if size == "10k" else f"@{size}"
    fids = {
        "4a": f"{size} warm: first paint of rows",
        "4b": f"{size} warm: cursor-down latency",
        "4c": f"{size} warm: filter latency per typed character",
        "4d": f"{size} warm: filter CPU per typed character",
        "7": f"{size} warm: peak RSS",
        "7r": f"{size} warm: peak RSS during a full reload (r)",
    }
    targets = {
        "4a": f"<= {PAINT_TARGET[size]:g}x hello",
        "4b": "<= 5 ms median",
        "4c": f"<= {FILTER_TARGET_MS[size]:g} ms median"
        + (f", max <= {FILTER_MAX_MS[size]:g}" if size in FILTER_MAX_MS else ""),
        "4d": f"<= {FILTER_TARGET_MS[size]:g} ms median",
        "7": f"<= {RSS_TARGET[size]:g} MiB",
        "7r": f"<= {RELOAD_TARGET[size]:g} MiB" if size in RELOAD_TARGET else "",
    }
    units = {"4a": "s", "4b": "ms", "4c": "ms", "4d": "ms", "7": "MiB", "7r": "MiB"}
    tickets = QUEUES[size]
    try:
        if size == "10k":
            sb = ctx.sandbox_10k()
            tickets = ctx.tickets_10k or tickets
        else:
            sb = ctx.sandbox(tickets)
        n_open = open_count(tickets)
        home = warm_home(ctx, f"warm{size}", sb)
    except (NA, RuntimeError) as exc:
        for fid, what in fids.items():
            na_figure(ctx, fid + sfx, what, str(exc), targets[fid], units[fid])
        return
    log(f"4 {n_open} open tickets ({size}), warm cache: first paint, cursor, filter, RSS")
    presses = 10 if ctx.quick else 20
    sync_wait = 20.0 if ctx.quick else 30.0
    words = WORDS[:3] if ctx.quick else WORDS

    def interact(term: Term, holder: dict, sandbox: SandboxProc) -> None:
        # a few presses while the start-up refresh is still running (informational) ...
        holder["busy"] = term.key_latency("down", 5, quiet_s=0.1)
        # ... then the figures, once the header says synced (steady state)
        holder["synced"] = term.wait_for(SYNCED, sync_wait) is not None
        term.wait_quiet(0.3, 3.0)
        # only the list pane counts as the reply: not the header's once-a-second clock, not
        # the detail pane (filled 250 ms later, after the debounce and a fetch)
        divider = term.column_of("\u258f") or term.column_of("\u2502")
        term.set_region((1, term.rows - 1, 0, divider or term.cols))
        holder["divider"] = divider
        # the next press follows 100 ms after the screen went quiet, inside the detail debounce
        # (250 ms), as when a technician walks the list: the detail fetch fires only after the
        # last press and cannot be taken for the reply to a key
        holder["down"] = term.key_latency("down", presses, quiet_s=0.1)
        term.send(b"/")
        # the detail of the ticket the cursor rests on is fetched now (300 ms away): let it
        # land, or its rendering is counted against the first typed character
        sandbox.wait_quiet(0.6, 5.0, pump=term.pump)
        term.wait_quiet(0.3, 3.0)
        term.min_cells = 2  # the filter box's blinking cursor is not a repaint
        # 100 ms of quiet ends a character: a typist's pace, and it keeps the detail debounce
        # (250 ms) from firing between characters, so marking the highlighted row seen (which
        # repaints its line) is not taken for filter work
        typed, cpu = [], []
        for word in words:
            typed += term.type_latency(word, quiet_s=0.1)
            cpu += list(getattr(term, "type_cpu", []))
            holder.setdefault("rows_after", {})[word] = ticket_rows(term.lines)
            erased = term.type_latency("\x7f" * len(word), quiet_s=0.1)
            holder.setdefault("erased", []).extend(erased)
        holder["typed"], holder["typed_cpu"] = typed, cpu
        term.set_region(None)
        term.send("escape")
        term.wait_quiet(0.3, 3.0)
        term.min_cells = 1
        # a full reload (r): the peak while the whole queue comes again, and the RSS after
        term.sample_rss(rescan=True)
        holder["rss_before_reload"] = term.rss_now_kb / 1024
        term.rss_peak_kb = 0
        t_r = now()
        term.send("r")
        want = math.ceil((n_open or 1) / 100)  # list pages of a full reload (100 a page)
        end = t_r + (240.0 if size == "50k" else 90.0)
        while now() < end and term.alive():
            if sum(1 for r in sandbox.between(t_r) if is_ticket_list(r)) >= want:
                break
            term.pump(0.1)
        sandbox.wait_quiet(1.0, 10.0, pump=term.pump)
        term.wait_quiet(0.5, 5.0)
        holder["reload_pages"] = sum(1 for r in sandbox.between(t_r) if is_ticket_list(r))
        holder["rss_reload_peak"] = term.rss_peak_kb / 1024
        term.sample_rss(rescan=True)
        holder["rss_after_reload"] = term.rss_now_kb / 1024

    results = []
    floors: dict = {}
    warmup = 0 if ctx.quick else 1  # the warm-up sync already ran the app once
    for i in range(warmup + ctx.runs):
        holder: dict = {}
        # every run: a copy of the warm home without the runtime dir (a fresh shared budget)
        # and a restarted sandbox on the same port (a clean 180/min window; same account)
        run_home = copy_home(ctx, home, f"run{size}")
        if i:
            sb = ctx.restart_sandbox(sb)
        # the machine-wide budget file lives in TMPDIR: a private one per run, or the warm-up
        # sync and the runs before would leave the window full and the reload would crawl
        (run_home / "tmp").mkdir()
        env = ctx.env(run_home, sb, TMPDIR=str(run_home / "tmp"))
        if i >= warmup:
            hello_once(ctx, "4a" + sfx)
            for mode in FLOOR_MODES:
                floor_once(ctx, n_open or tickets, mode, words, floors)
        t_run = now()
        res = measure_start(
            ctx.argv(sb),
            rows_visible,
            env=env,
            cols=ctx.cols,
            rows=ctx.rows,
            before_keys=lambda term: interact(term, holder, sb),  # noqa: B023 (called within this iteration)
            timeout=60.0,
        )
        reqs = sb.between(t_run)
        holder["requests"] = len(reqs)
        holder["lists"] = sum(1 for r in reqs if is_ticket_list(r))
        holder["r429"] = sum(1 for r in reqs if r.status == 429)
        shutil.rmtree(run_home, ignore_errors=True)
        tag = "warmup" if i < warmup else f"run {i - warmup + 1}"
        if not res.ok:
            log(f"  {size} {tag}: FAILED {short_error(res)}")
            if i == 0 and not res.ttfp_s:
                for fid, what in fids.items():
                    na_figure(ctx, fid + sfx, what, short_error(res), targets[fid], units[fid])
                return
            continue
        down = [d for d in holder.get("down", []) if d is not None]
        busy = [d for d in holder.get("busy", []) if d is not None]
        done = [b for _, b in holder.get("typed", []) if b is not None]
        tcpu = holder.get("typed_cpu") or []
        log(
            f"  {size} {tag}: first paint {res.ttfp_s:.3f}s, down median {(median(down) or 0) * 1000:.1f}ms "
            f"({len(down)}/{presses}; during start-up refresh {(median(busy) or 0) * 1000:.1f}ms), "
            f"filter median {(median(done) or 0) * 1000:.1f}ms max {max(done, default=0) * 1000:.0f}ms "
            f"({len(done)} chars), CPU median {(median(tcpu) or 0) * 1000:.1f}ms, "
            f"rss {res.rss_peak_mib:.1f}MiB (paint {res.extra.get('rss_at_paint_mib', 0):.1f}, "
            f"reload peak {holder.get('rss_reload_peak', 0):.1f}, after {holder.get('rss_after_reload', 0):.1f}), "
            f"synced={holder.get('synced')}, {holder['requests']} requests "
            f"({holder['lists']} list pages, reload {holder.get('reload_pages')}, {holder['r429']} x 429)"
        )
        if i >= warmup:
            results.append((res, holder))
    if not results:
        for fid, what in fids.items():
            na_figure(ctx, fid + sfx, what, "no run succeeded", targets[fid], units[fid])
        return
    table = table_name(n_open)
    ttfp = [r.ttfp_s for r, _ in results]
    fig = paint_figure(
        ctx,
        "4a" + sfx,
        f"{n_open} open, warm cache: first paint of rows",
        ttfp,
        factor=PAINT_TARGET[size],
        table=table,
        note=f"sandbox --tickets {tickets}",
        cpu=[r.extra.get("cpu_at_paint_s") for r, _ in results],
    )
    ctx.add(fig)
    downs = [d for _, h in results for d in h["down"] if d is not None]
    missed = sum(1 for _, h in results for d in h["down"] if d is None)
    busy = [d for _, h in results for d in h.get("busy", []) if d is not None]
    unsynced = sum(1 for _, h in results if not h.get("synced"))
    reqs = statistics.median(h["requests"] for _, h in results)
    lists = statistics.median(h["lists"] for _, h in results)
    tb = None
    try:
        tb = baseline(ctx, table) if table else None
    except NA:
        pass
    fig = Figure(
        "4b" + sfx,
        f"{n_open} open: cursor-down latency",
        median(downs),
        "ms",
        downs,
        target=targets["4b"],
        note=(
            f"{len(downs)} presses after the header said synced ({unsynced} run(s) never did "
            f"within {sync_wait:.0f} s), {missed} without a repaint; during the start-up "
            f"refresh: {fmt(median(busy), 'ms')} ({len(busy)} presses); each run sent "
            f"{reqs:.0f} requests ({lists:.0f} ticket-list pages, a full reload included)"
        ),
        baseline=(
            f"DataTable {n_open}: {tb['key_s'] * 1000:.1f} ms" if tb and tb.get("key_s") else ""
        ),
    )
    fig.ok = fig.value is not None and fig.value <= 0.005 and missed == 0
    if tb and tb.get("key_s") and fig.value:
        fig.ratio_table = fig.value / tb["key_s"]
    ctx.add(fig)
    done = [b for _, h in results for _, b in h["typed"] if b is not None]
    erased = [b for _, h in results for _, b in h.get("erased", []) if b is not None]
    first = [a for _, h in results for a, _ in h["typed"] if a is not None]
    chars = sum(len(w) for w in words) * len(results)
    fig = Figure(
        "4c" + sfx,
        f"{n_open} open: filter latency per typed character",
        median(done),
        "ms",
        done,
        target=targets["4c"],
        note=(
            f"words {', '.join(words)} one key at a time (then erased); key to the last repaint "
            f"of the list pane: p90 {fmt(p90(done), 'ms')}, max {fmt(max(done, default=None), 'ms')} "
            f"({len(done)}/{chars} chars); first repaint (the echo) {fmt(median(first), 'ms')}; "
            f"backspace median {fmt(median(erased), 'ms')}; rows left "
            + ", ".join(f"{w} {n}" for w, n in results[-1][1].get("rows_after", {}).items())
        ),
    )
    limit = FILTER_MAX_MS.get(size)
    fig.ok = (
        fig.value is not None
        and fig.value * 1000 <= FILTER_TARGET_MS[size]
        and len(done) == chars
        and (limit is None or max(done) * 1000 <= limit)
    )
    wall_fig = ctx.add(fig)
    cpu = [c for _, h in results for c in h.get("typed_cpu", [])]
    fig = Figure(
        "4d" + sfx,
        f"{n_open} open: filter CPU per typed character",
        median(cpu),
        "ms",
        cpu,
        target=targets["4d"],
        note=(
            f"CPU time of the app's process tree from the key to 100 ms of quiet (schedstat; "
            f"barely moves with the machine's load, unlike 4c): p90 {fmt(p90(cpu), 'ms')}, "
            f"max {fmt(max(cpu, default=None), 'ms')}; includes ~100 ms of idle ticking"
        ),
    )
    fig.ok = fig.value is not None and fig.value * 1000 <= FILTER_TARGET_MS[size]
    cpu_fig = ctx.add(fig)
    floor_figures(ctx, size, n_open or tickets, floors, {"wall": wall_fig, "cpu": cpu_fig})
    rss = [h.get("rss_before_reload") or r.rss_peak_mib for r, h in results]
    at_paint = median(r.extra.get("rss_at_paint_mib") for r, _ in results)
    after = median(h.get("rss_after_reload") for _, h in results)
    fig = Figure(
        "7" + sfx,
        f"{n_open} open, warm cache: peak RSS",
        median(r.rss_peak_mib for r, _ in results),
        "MiB",
        [r.rss_peak_mib for r, _ in results],
        target=targets["7"],
        note=(
            f"process tree, whole run (start, start-up refresh, cursor, filter, a full reload); "
            f"at first paint {fmt(at_paint, 'MiB')}, before the reload {fmt(median(rss), 'MiB')}, "
            f"after the reload (the first full reconcile) {fmt(after, 'MiB')}"
        ),
    )
    hello = baseline(ctx, "hello")
    fig.baseline = f"hello {hello['rss_mib']:.1f} MiB"
    if tb:
        fig.baseline += f"; DataTable {n_open} {tb['rss_mib']:.1f} MiB"
        fig.ratio_table = fig.value / tb["rss_mib"] if fig.value else None
    fig.ratio = fig.value / hello["rss_mib"] if fig.value else None
    fig.ok = fig.value is not None and fig.value <= RSS_TARGET[size]
    ctx.add(fig)
    peaks = [h.get("rss_reload_peak") for _, h in results if h.get("rss_reload_peak")]
    pages = statistics.median(h.get("reload_pages") or 0 for _, h in results)
    fig = Figure(
        "7r" + sfx,
        f"{n_open} open: peak RSS during a full reload (r)",
        median(peaks),
        "MiB",
        peaks,
        target=targets["7r"],
        note=f"from r until the sandbox was quiet for 2 s ({pages:.0f} list pages)",
    )
    if size in RELOAD_TARGET:
        fig.ok = fig.value is not None and fig.value <= RELOAD_TARGET[size]
    ctx.add(fig)


# ------------------------------------------------------------------------------------ 5
def settle_requests(sb: SandboxProc, term: Term, quiet_s: float, max_s: float) -> None:
    sb.wait_quiet(quiet_s, max_s, pump=term.pump)


def m5_api_cost(ctx: Ctx) -> None:
    try:
        sb = ctx.sandbox(TICKETS_1K)
        base_home = warm_home(ctx, "warm1k", sb)
    except (NA, RuntimeError) as exc:
        for fid, what, tgt in (
            ("5a", "idle requests per minute", "<= 4"),
            ("5b", "burst: most requests in any 60 s", f"<= {ctx.budget}"),
            ("5c", "detail requests holding j over 100 tickets", "<= 5"),
        ):
            na_figure(ctx, fid, what, str(exc), tgt, "req")
        return
    # each part gets its own sandbox process: a clean log and a clean 180/min window
    for part in (m5a_idle, m5c_hold_j, m5b_burst):
        try:
            fresh = ctx.sandbox(TICKETS_1K, part.__name__)
        except RuntimeError as exc:
            na_figure(ctx, part.__name__[1:3], part.__name__, str(exc), "", "req")
            continue
        try:
            part(ctx, fresh, base_home)
        finally:
            ctx.drop_sandbox(fresh)


def m5a_idle(ctx: Ctx, sb: SandboxProc, base_home: Path) -> None:
    what = "idle: requests per minute (default poll interval)"
    if ctx.quick:
        poll, idle_s = 15, 45.0
    else:
        poll, idle_s = None, 180.0
    home = copy_home(ctx, base_home, "idle")
    extra = {"SYNCRO_TUI_POLL_SECONDS": str(poll)} if poll else {}
    env = ctx.env(home, sb, **extra)
    log(
        f"5a idle cost: {idle_s:.0f} s"
        + (
            f" at poll_seconds={poll}, scaled to the default"
            if poll
            else " at the default poll interval"
        )
    )
    with ctx.term(ctx.argv(sb), env) as term:
        if term.wait_for(rows_visible, 30.0) is None:
            na_figure(ctx, "5a", what, "no rows: " + short_screen(term), "<= 4", "req/min")
            return
        settle_requests(sb, term, 5.0, 40.0)  # start-up: /me, settings, first poll
        t0 = now()
        term.idle(idle_s)
        reqs = sb.between(t0, now())
        alive = term.alive()
        if alive:
            term.quit()
    if not alive:
        na_figure(ctx, "5a", what, "the app exited while idle", "<= 4", "req/min")
        return
    try:
        from syncro_tui.config import Settings

        default_poll = Settings().poll_seconds
    except Exception:  # noqa: BLE001
        default_poll = 60
    rate = len(reqs) / idle_s * 60.0
    note = f"{len(reqs)} requests in {idle_s:.0f} s after start-up settled"
    if poll:
        rate *= poll / default_poll
        note += f" at poll_seconds={poll}, scaled x{poll}/{default_poll}"
    kinds = sorted({f"{r.method} {r.path.split('?')[0]}" for r in reqs})
    note += f"; {', '.join(kinds[:4])}" if kinds else ""
    note += "; the 15-min reconcile is not in this window"
    fig = Figure("5a", what, rate, "req/min", [rate], target="<= 4", note=note)
    fig.ok = rate <= 4.0
    ctx.add(fig)


def m5c_hold_j(ctx: Ctx, sb: SandboxProc, base_home: Path) -> None:
    what = "detail requests while holding j over 100 tickets"
    home = copy_home(ctx, base_home, "holdj")
    env = ctx.env(home, sb)
    log("5c hold j across 100 tickets (30 ms key repeat)")
    with ctx.term(ctx.argv(sb), env) as term:
        if term.wait_for(rows_visible, 30.0) is None:
            na_figure(ctx, "5c", what, "no rows: " + short_screen(term), "<= 5", "req")
            return
        settle_requests(sb, term, 4.0, 40.0)
        t0 = now()
        for _ in range(100):
            term.send("j")
            term.idle(0.030)
        term.idle(3.0)  # debounce + one fetch at 300 ms
        reqs = sb.between(t0, now())
        if term.alive():
            term.quit()
    details = [r for r in reqs if is_ticket_detail(r)]
    tickets = {r.path.split("/")[2] for r in details}
    fig = Figure(
        "5c",
        what,
        float(len(details)),
        "req",
        [len(details)],
        target="<= 5",
        note=f"{len(tickets)} distinct tickets; {len(reqs)} requests of any kind in the window",
    )
    fig.ok = len(details) <= 5
    ctx.add(fig)


BURST_STEPS: list[tuple[str, float]] = [
    # (keys, pause after): a technician hammering the app; `r` is a full reload each time, so
    # the cycle asks for far more than the budget and the limiter has to hold the line
    ("j" * 30, 0.5),
    ("enter", 1.0),
    ("escape", 0.3),
    ("r", 1.5),
    ("k" * 15, 0.5),
    ("r", 1.5),
    ("/", 0.3),
    ("printer", 1.0),
    ("escape", 0.3),
    ("r", 1.5),
    ("G", 1.0),
    ("g", 1.0),
    ("r", 1.5),
    ("pagedown", 0.3),
    ("pagedown", 0.3),
    ("pagedown", 0.3),
    ("j" * 20, 1.0),
    ("r", 1.5),
    ("v", 1.0),
    ("escape", 0.5),
    ("m", 1.0),
    ("o", 1.0),
    ("r", 1.5),
    ("j" * 40, 1.0),
    ("r", 1.5),
]


def send_step(term: Term, keys: str) -> None:
    names = {"enter", "escape", "pagedown", "pageup", "up", "down"}
    if keys in names:
        term.send(keys)
    elif keys.startswith("pagedown"):
        term.send("pagedown")
    else:
        for ch in keys:
            term.send(ch.encode())
            term.idle(0.03)


def m5b_burst(ctx: Ctx, sb: SandboxProc, base_home: Path) -> None:
    what = "burst of user actions + polling: most requests in any 60 s"
    burst_s = 30.0 if ctx.quick else 90.0
    tail_s = 10.0 if ctx.quick else 45.0
    home = copy_home(ctx, base_home, "burst")
    env = ctx.env(home, sb)
    log(f"5b scripted burst {burst_s:.0f} s + {tail_s:.0f} s of polling")
    with ctx.term(ctx.argv(sb), env) as term:
        t0 = now()
        if term.wait_for(rows_visible, 30.0) is None:
            na_figure(ctx, "5b", what, "no rows: " + short_screen(term), f"<= {ctx.budget}", "req")
            return
        end = t0 + burst_s
        steps = 0
        while now() < end and term.alive():
            for keys, pause in BURST_STEPS:
                if now() >= end or not term.alive():
                    break
                send_step(term, keys)
                term.idle(pause)
                steps += 1
        term.idle(tail_s)
        reqs = sb.between(t0, now())
        if term.alive():
            term.quit()
    peak = max_in_window([r.t for r in reqs])
    r429 = sum(1 for r in reqs if r.status == 429)
    fig = Figure(
        "5b",
        what,
        float(peak),
        "req",
        [peak],
        target=f"<= {ctx.budget} (budget)",
        note=(
            f"{len(reqs)} requests in {burst_s + tail_s:.0f} s, {steps} scripted steps "
            f"(j/k runs, enter, r (full reload) x{sum(1 for k, _ in BURST_STEPS if k == 'r')} per "
            f"{sum(p for _, p in BURST_STEPS):.0f} s cycle, "
            f"filter, G/g, views); 429s: {r429}"
        ),
    )
    fig.ok = peak <= ctx.budget and r429 == 0
    ctx.add(fig)


def short_screen(term: Term) -> str:
    lines = [line.strip() for line in term.lines if line.strip()]
    return lines[-1][:100] if lines else "blank screen"


# ------------------------------------------------------------------------------------ 6
def m6_three(ctx: Ctx) -> None:
    what = "3 processes, one user, one sandbox: most requests in any 60 s"
    duration = 60.0 if ctx.quick else 120.0
    try:
        base_home = warm_home(ctx, "warm1k", ctx.sandbox(TICKETS_1K))
        sb = ctx.sandbox(TICKETS_1K, "three")  # a clean log and 180/min window
    except (NA, RuntimeError) as exc:
        na_figure(ctx, "6", what, str(exc), f"<= {ctx.budget}, no 429", "req")
        return
    home = copy_home(ctx, base_home, "three")  # shared: cache, runtime dir (the shared budget)
    env = ctx.env(home, sb)
    log(f"6 three processes for {duration:.0f} s, each pressing r every 10 s and holding j")
    terms: list[Term] = []
    t0 = now()
    try:
        for _ in range(3):
            terms.append(ctx.term(ctx.argv(sb), env))
            t_spawn = now()
            while now() - t_spawn < 0.5:
                for t in terms:
                    t.pump(0.01)
        end = t0 + duration
        next_r = [t0 + 5 + 3 * i for i in range(3)]
        next_j = [t0 + 8 + 4 * i for i in range(3)]
        while now() < end:
            for i, t in enumerate(terms):
                t.pump(0.005)
                if now() >= next_r[i] and t.alive():
                    t.send(b"r")
                    next_r[i] += 10.0
                if now() >= next_j[i] and t.alive():
                    for _ in range(20):
                        t.send(b"j")
                    next_j[i] += 15.0
        reqs = sb.between(t0, now())
        alive = sum(1 for t in terms if t.alive())
        meters = []
        for t in terms:
            m = re.search(r"(\d+)/(\d+) req/min", "\n".join(t.lines))
            meters.append(m.group(0) if m else "?")
        for t in terms:
            if t.alive():
                t.quit(timeout=5.0)
    finally:
        for t in terms:
            t.close()
    peak = max_in_window([r.t for r in reqs])
    r429 = sum(1 for r in reqs if r.status == 429)
    fig = Figure(
        "6",
        what,
        float(peak),
        "req",
        [peak],
        target=f"<= {ctx.budget}, no 429",
        note=(
            f"{len(reqs)} requests in {duration:.0f} s; 429s: {r429}; {alive}/3 alive at the "
            f"end; header meters at the end: {', '.join(meters)}; Syncro's limit {SYNCRO_LIMIT}"
        ),
    )
    fig.ok = peak <= ctx.budget and r429 == 0 and alive == 3
    ctx.add(fig)


# ------------------------------------------------------------------------------------ report
def machine() -> dict:
    info = {
        "nproc": len(os.sched_getaffinity(0)),
        "cpu": "?",
        "python": platform.python_version(),
        "platform": platform.platform(),
        "loadavg": os.getloadavg(),
    }
    try:
        for line in open("/proc/cpuinfo"):
            if line.startswith("model name"):
                info["cpu"] = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    try:
        mem = open("/proc/meminfo").readline().split()
        info["mem_gib"] = round(int(mem[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    from importlib import metadata

    for pkg in ("textual", "pyte", "syncro-tui", "rich", "httpx"):
        try:
            info[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            info[pkg] = None
    return info


def print_report(ctx: Ctx, info: dict, elapsed: float) -> None:
    print()
    info["loadavg_end"] = os.getloadavg()
    print(
        f"syncro-tui benchmarks - {time.strftime('%Y-%m-%d %H:%M')}, {ctx.cols}x{ctx.rows}, "
        f"median of {ctx.runs} runs{' (--quick)' if ctx.quick else ''}, {elapsed / 60:.1f} min"
    )
    print(
        f"machine: {info['nproc']} CPUs ({info['cpu']}), {info.get('mem_gib', '?')} GiB, "
        f"Python {info['python']}, textual {info['textual']}, pyte {info['pyte']}, "
        f"syncro-tui {info['syncro-tui']}, load average {info['loadavg'][0]:.2f} at start, "
        f"{info['loadavg_end'][0]:.2f} at the end"
    )
    print(
        "bytecode: "
        + (
            "cached like an installed app (PYTHONPYCACHEPREFIX in the temp dir)"
            if ctx.pyc_env
            else "not cached (PYTHONDONTWRITEBYTECODE inherited): project modules compile at every start"
        )
    )
    print()
    hello = ctx.baselines.get("hello")
    print("baselines (same invocation):")
    for name, b in ctx.baselines.items():
        label = (
            "bare Textual (one Static)"
            if name == "hello"
            else f"bare DataTable, {name.split(':')[1]} rows"
        )
        ratio = f" ({b['ttfp_s'] / hello['ttfp_s']:.1f}x)" if hello and name != "hello" else ""
        key = f", down {b['key_s'] * 1000:.1f} ms" if b.get("key_s") else ""
        print(
            f"  {label:34s} first paint {b['ttfp_s']:.3f} s{ratio}, RSS {b['rss_mib']:.1f} MiB{key}"
        )
    print()
    header = (
        "#", "measurement", "median", "x hello", "x DataTable", "x floor", "target", "verdict"
    )  # fmt: skip
    rows = []
    for f in ctx.figures:
        if f.na:
            value = f"n/a ({f.na})" if len(f.na) <= 44 else f"n/a ({f.na[:40]}...)"
        else:
            value = f"{fmt(f.value, f.unit)} {spread(f.samples, f.unit)}".strip()
        rows.append(
            (
                f.id,
                f.what,
                value,
                f"{f.ratio:.2f}x" if f.ratio else "",
                f"{f.ratio_table:.2f}x" if f.ratio_table else "",
                f"{f.ratio_floor:.2f}x" if f.ratio_floor else "",
                f.target,
                f.verdict(),
            )
        )
    widths = [max(len(str(r[i])) for r in rows + [header]) for i in range(len(header))]
    widths[2] = min(widths[2], 60)
    widths[1] = min(widths[1], 62)
    line = "  ".join(h.ljust(w) for h, w in zip(header, widths))
    print(line)
    print("  ".join("-" * w for w in widths))
    for r in rows:
        print("  ".join(str(c).ljust(w) for c, w in zip(r, widths)))
    print()
    notes = [f for f in ctx.figures if f.note or f.baseline or (f.na and len(f.na) > 44)]
    if notes:
        print("notes:")
        for f in notes:
            bits = "; ".join(
                x
                for x in (
                    f.na and len(f.na) > 44 and f"n/a: {f.na}",
                    f.baseline and f"baseline {f.baseline}",
                    f.note,
                )
                if x
            )
            print(f"  {f.id}: {bits}")


MEASUREMENTS: dict[str, Callable[[Ctx], None]] = {
    "1": m1_demo,
    "2": m2_warm_start,
    "3": m3_cold_sync,
    "4": m4_big,
    "5": m5_api_cost,
    "6": m6_three,
}
# 7 (peak RSS, 10k) comes with 4: both need the same warm 10k cache.
ALIASES = {"7": "4"}


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument(
        "--runs", type=int, default=0, help="measured runs per figure (default 5; 3 with --quick)"
    )
    p.add_argument(
        "--quick",
        action="store_true",
        help="3 runs, idle cost over 45 s at poll_seconds=15 (scaled), shorter burst and 3-process windows",
    )
    p.add_argument("--only", default="", help="comma list of measurements (1-7), e.g. 1,4")
    p.add_argument(
        "--sizes",
        default="10k",
        help="queue sizes for measurements 4 and 7: comma list of 1k, 10k, 50k (default 10k)",
    )
    p.add_argument("--json", metavar="PATH", help="write all figures and samples as JSON")
    p.add_argument("--size", default="120x40", help="terminal size (default 120x40)")
    p.add_argument("--python", default=sys.executable, help="interpreter with syncro-tui installed")
    p.add_argument("--keep-tmp", action="store_true", help="keep the temporary homes (for a look)")
    p.add_argument(
        "--no-bytecode-cache",
        action="store_true",
        help="keep the inherited PYTHONDONTWRITEBYTECODE: every start compiles the project's "
        "modules (this dev environment), instead of caching .pyc like an installed app",
    )
    args = p.parse_args(argv)
    if harness.pyte is None:
        print('tests/benchmarks needs pyte: pip install -e ".[bench]"', file=sys.stderr)
        return 2
    chosen = [c.strip() for c in args.only.split(",") if c.strip()] or list(MEASUREMENTS)
    chosen = list(dict.fromkeys(ALIASES.get(c, c) for c in chosen))
    unknown = [c for c in chosen if c not in MEASUREMENTS]
    if unknown:
        p.error(f"unknown measurement(s): {', '.join(unknown)} (choose from 1-7)")

    ctx = Ctx(args)
    info = machine()
    t_start = now()
    log(
        f"{info['nproc']} CPUs ({info['cpu']}), Python {info['python']}, textual {info['textual']}; "
        f"runs={ctx.runs}{' quick' if ctx.quick else ''}; app: {' '.join(ctx.app_cmd)}; tmp {ctx.tmp}"
    )
    try:
        ctx.prime()
        try:
            baseline(ctx, "hello")
        except NA as exc:
            log(f"bare Textual app failed: {exc}")
        for key in chosen:
            try:
                MEASUREMENTS[key](ctx)
            except KeyboardInterrupt:
                raise
            except Exception as exc:  # noqa: BLE001 - report and go on
                log(f"measurement {key} crashed:\n{traceback.format_exc()}")
                na_figure(
                    ctx, key, f"measurement {key}", f"harness error: {type(exc).__name__}: {exc}"
                )
    except KeyboardInterrupt:
        log("interrupted: reporting what was measured")
    finally:
        ctx.close()
    elapsed = now() - t_start
    print_report(ctx, info, elapsed)
    if args.json:
        out = {
            "machine": info,
            "size": args.size,
            "runs": ctx.runs,
            "quick": ctx.quick,
            "elapsed_s": elapsed,
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "baselines": ctx.baselines,
            "figures": [asdict(f) | {"verdict": f.verdict()} for f in ctx.figures],
        }
        Path(args.json).write_text(json.dumps(out, indent=2, default=str) + "\n")
        log(f"wrote {args.json}")
    missed = [f for f in ctx.figures if f.ok is False]
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
