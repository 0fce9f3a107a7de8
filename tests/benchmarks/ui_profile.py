"""Where a filter keystroke's CPU and the UI's memory go, in the real terminal path (issue 14).

Runs the app in the pty harness against the sandbox with a warm cache (like run.py's 4c/4d),
types words into the filter one key at a time and erases them, and looks inside the app:

    python tests/benchmarks/ui_profile.py cpu       # cProfile of the typing only -> ui.prof
    python tests/benchmarks/ui_profile.py frames    # per frame: ms per widget render (no cProfile)
    python tests/benchmarks/ui_profile.py memory    # tracemalloc snapshots: first paint, synced,
                                                    # after typing, after a full reload (r)
    python tests/benchmarks/ui_profile.py cpu --tickets 74000 --env SYNCRO_TUI_UI__DETAIL_DEBOUNCE_MS=5000

`--env` passes settings to the app (the example holds the detail pane off, to see the list's
own cost). Output files go to `--out` (a prefix); read them with
`python -m pstats ui.prof` or `python tests/benchmarks/ui_profile.py diff A.snap B.snap`.

The app side: this same file runs as the app's entry point (`--as-app`): SIGUSR1 starts the
cProfile (memory: takes a snapshot), SIGUSR2 stops and writes it, so start-up and the sync are
not in the profile.
"""

from __future__ import annotations

import argparse
import collections
import math
import os
import signal
import statistics
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def as_app() -> int:
    """The app, with the signal hooks (runs inside the pty)."""
    out, mode = os.environ["UI_PROFILE_OUT"], os.environ["UI_PROFILE_MODE"]
    if mode == "memory":
        import tracemalloc

        tracemalloc.start(10)
        taken = [0]

        def snapshot(*_: object) -> None:
            taken[0] += 1
            tracemalloc.take_snapshot().dump(f"{out}.{taken[0]}.snap")

        signal.signal(signal.SIGUSR1, snapshot)
    else:
        import cProfile

        from textual.screen import Screen
        from textual.widget import Widget

        profile = cProfile.Profile()
        active = [False]
        frames: list[tuple[float, dict[str, float]]] = []
        current: list[dict[str, float] | None] = [None]
        timer_update = Screen._on_timer_update
        refresh_layout, on_layout = Screen._refresh_layout, Screen._on_layout
        layouts: set[str] = set()  # who asked for a layout since the last frame
        clock = time.thread_time  # CPU of the app's thread: the load does not move it

        def name_of(widget: object) -> str:
            return type(widget).__name__ + (f"#{widget.id}" if getattr(widget, "id", None) else "")

        def timed_update(self: Screen) -> None:
            """One frame: Textual's update timer (a layout if one is due, then the repaint)."""
            if not active[0]:
                return timer_update(self)
            current[0] = {}
            start = clock()
            timer_update(self)
            parts = current[0]
            current[0] = None
            if parts:
                frames.append((clock() - start, parts))

        def timed_layout(self: Screen, *args, **kwargs):  # noqa: ANN002, ANN003, ANN202
            start = clock()
            result = refresh_layout(self, *args, **kwargs)
            parts = current[0]
            if parts is not None:
                asked = ",".join(sorted(layouts)) or "?"
                parts[f"LAYOUT<-{asked}"] = clock() - start
                layouts.clear()
            return result

        async def counted_layout(self: Screen, message):  # noqa: ANN001, ANN202
            if active[0]:
                layouts.add(name_of(message.widget))
            return await on_layout(self, message)

        def timed(draw):  # noqa: ANN001, ANN202
            def timed_render(self: Widget, crop):  # noqa: ANN001, ANN202
                parts = current[0]
                if parts is None or getattr(self, "_timing", False):
                    return draw(self, crop)
                self._timing = True  # an override calling super() is timed once
                start = clock()
                try:
                    return draw(self, crop)
                finally:
                    self._timing = False
                    name = name_of(self)
                    parts[name] = parts.get(name, 0.0) + clock() - start

            return timed_render

        def patch_renders() -> None:
            """Widget.render_lines and every override of it (the ticket list and its bar
            draw their own lines)."""
            from syncro_tui.ui.widgets import strip_scrollbar, ticket_list  # noqa: F401

            todo = [Widget]
            while todo:
                cls = todo.pop()
                todo.extend(cls.__subclasses__())
                if "render_lines" in cls.__dict__:
                    cls.render_lines = timed(cls.__dict__["render_lines"])

        if mode == "frames":
            Screen._on_timer_update = timed_update  # type: ignore[method-assign]
            Screen._refresh_layout = timed_layout  # type: ignore[method-assign]
            Screen._on_layout = counted_layout  # type: ignore[method-assign]
            patch_renders()

        def start(*_: object) -> None:
            active[0] = True
            if mode == "cpu":
                profile.enable()

        def stop(*_: object) -> None:
            active[0] = False
            if mode == "cpu":
                profile.disable()
                profile.dump_stats(out)
            with open(out + ".frames", "w", encoding="utf-8") as fh:
                for total, parts in frames:
                    ranked = sorted(parts.items(), key=lambda kv: -kv[1])
                    fh.write(
                        f"{total * 1000:6.1f} ms: "
                        + ", ".join(f"{k} {v * 1000:.1f}" for k, v in ranked)
                        + "\n"
                    )

        signal.signal(signal.SIGUSR1, start)
        signal.signal(signal.SIGUSR2, stop)
    from syncro_tui.cli import main

    sys.argv = ["syncro-tui", *sys.argv[2:]]
    return main()


def drive(args: argparse.Namespace) -> int:
    sys.path.insert(0, str(HERE))
    import run  # the suite's context: sandbox, warm home, bytecode cache

    ns = argparse.Namespace(
        quick=True, runs=1, size="120x40", python=sys.executable, keep_tmp=False,
        no_bytecode_cache=False, only="4", sizes="10k", json=None,
    )  # fmt: skip
    ctx = run.Ctx(ns)
    try:
        ctx.prime()
        sb = ctx.sandbox(args.tickets)
        home = run.warm_home(ctx, "profile", sb)
        ctx.app_cmd = [sys.executable, str(Path(__file__).resolve()), "--as-app"]
        run_home = run.copy_home(ctx, home, "run")
        (run_home / "tmp").mkdir()
        extra = {"TMPDIR": str(run_home / "tmp"), "UI_PROFILE_OUT": args.out}
        extra["UI_PROFILE_MODE"] = args.mode
        extra.update(kv.split("=", 1) for kv in args.env)
        with ctx.term(ctx.argv(sb), ctx.env(run_home, sb, **extra)) as term:

            def rss() -> float:
                term.sample_rss(rescan=True)
                return term.rss_now_kb / 1024

            def phase(label: str) -> None:
                print(f"[{label}] RSS {rss():.1f} MiB", file=sys.stderr)
                if args.mode == "memory":
                    os.kill(term.pid, signal.SIGUSR1)
                    term.pump(0.5)
                    term.wait_quiet(0.5, 30)

            term.wait_for(run.rows_visible, 120)
            phase("first paint")
            term.wait_for(run.SYNCED, 120)
            term.wait_quiet(0.5, 10)
            phase("synced")
            term.send(b"/")
            sb.wait_quiet(0.6, 5.0, pump=term.pump)
            term.wait_quiet(0.3, 3.0)
            divider = term.column_of("\u258f") or term.column_of("\u2502")
            term.set_region((1, term.rows - 1, 0, divider or term.cols))
            term.min_cells = 2
            if args.mode != "memory":
                os.kill(term.pid, signal.SIGUSR1)
            wall: list[float] = []
            cpu: list[float] = []
            for word in args.words.split(","):
                for keys in (word, "\x7f" * len(word)):
                    wall += [b * 1000 for _, b in term.type_latency(keys, quiet_s=0.1) if b]
                    cpu += [c * 1000 for c in term.type_cpu]
            if args.mode != "memory":
                os.kill(term.pid, signal.SIGUSR2)
                term.pump(1.0)
            print(
                f"per character: wall median {statistics.median(wall):.1f} ms, "
                f"max {max(wall):.0f}; CPU median {statistics.median(cpu):.1f} ms, "
                f"p90 {sorted(cpu)[int(len(cpu) * 0.9)]:.1f} ms ({len(cpu)} characters)",
                file=sys.stderr,
            )
            term.set_region(None)
            term.send("escape")
            term.wait_quiet(0.3, 3.0)
            term.min_cells = 1
            phase("after typing")
            if args.mode == "memory":
                term.rss_peak_kb = 0
                t_r = run.now()
                term.send("r")
                want = math.ceil((run.open_count(args.tickets) or 1) / 100)
                while run.now() < t_r + 240 and term.alive():
                    if sum(1 for r in sb.between(t_r) if run.is_ticket_list(r)) >= want:
                        break
                    term.pump(0.1)
                sb.wait_quiet(1.0, 10.0, pump=term.pump)
                term.wait_quiet(0.5, 5.0)
                print(f"reload peak RSS {term.rss_peak_kb / 1024:.1f} MiB", file=sys.stderr)
                phase("after reload")
            term.quit()
    finally:
        ctx.close()
    if args.mode != "memory":
        summary(args.out + ".frames")
    return 0


def summary(path: str) -> None:
    """Milliseconds per widget over all frames of the typing."""
    per: collections.Counter[str] = collections.Counter()
    total, count = 0.0, 0
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        head, _, parts = line.partition(": ")
        total += float(head.split()[0])
        count += 1
        for part in filter(None, parts.split(", ")):
            name, ms = part.rsplit(" ", 1)
            per[name] += float(ms)
    if count:
        print(f"{count} frames, {total:.0f} ms", file=sys.stderr)
        for name, ms in per.most_common(8):
            print(f"  {name}: {ms:.0f} ms", file=sys.stderr)


def diff(a: str, b: str, limit: int = 25) -> int:
    import tracemalloc

    first, second = tracemalloc.Snapshot.load(a), tracemalloc.Snapshot.load(b)
    for stat in second.compare_to(first, "lineno")[:limit]:
        print(f"{stat.size_diff / 2**20:+.2f} MiB ({stat.size / 2**20:.2f}) {stat.traceback}")
    return 0


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--as-app"]:
        return as_app()
    if argv[:1] == ["diff"]:
        return diff(*argv[1:3])
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("mode", choices=["cpu", "frames", "memory"])
    p.add_argument("--words", default="printer,outlook,vpn")
    p.add_argument("--tickets", type=int, default=14_700, help="sandbox size (14700: 10,044 open)")
    p.add_argument("--out", default="ui.prof", help="output prefix")
    p.add_argument("--env", action="append", default=[], metavar="K=V")
    return drive(p.parse_args(argv))


if __name__ == "__main__":
    sys.exit(main())
