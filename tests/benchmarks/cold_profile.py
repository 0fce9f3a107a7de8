"""Where the cold demo's first paint of rows goes (issue 14, 1a): styling work by cause.

Runs `syncro-tui --demo` in the pty harness (120x40) with a fresh SYNCRO_TUI_HOME, as
demo_floor_run.py does, with this file as the entry point (`--as-app`). Inside the app:

* every ``Stylesheet.apply`` (one node restyled) is counted by widget and by the stack that
  caused it (the first frames outside Textual's styling code);
* every ``DOMNode.update_node_styles`` (a subtree restyle) by widget and caller;
* every mount, reactive watcher call, compose/recompose and layout, by widget;
* the process CPU at each phase (first frame, connect, rows in the store, rows painted);
* optionally a cProfile of the whole start (``--cprofile``), written to ``--out``.

When the harness sees rows on the screen it sends SIGUSR2 and the app writes its counts.

    python tests/benchmarks/cold_profile.py [--runs 1] [--cprofile] [--out /tmp/cold]
    python tests/benchmarks/cold_profile.py --warm     # the same, with a cache already there
"""

from __future__ import annotations

import argparse
import collections
import functools
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))


FLOORS = {"hello": str(HERE / "apps" / "hello.py"), "floor": str(HERE / "apps" / "demo_floor.py")}


def _cpu() -> float:
    return time.process_time()


def as_app() -> int:
    out = os.environ["COLD_PROFILE_OUT"]
    mode = os.environ.get("COLD_PROFILE_MODE", "count")
    if mode == "phases":
        return _phases_app(out)
    profile = None
    if mode == "cprofile":
        import cProfile

        profile = cProfile.Profile()
        profile.enable()
    import textual
    from textual.css.stylesheet import Stylesheet
    from textual.dom import DOMNode
    from textual.reactive import Reactive
    from textual.widget import Widget

    tx = os.path.dirname(textual.__file__)
    counting = mode == "count"  # (py-spy, cProfile: no patches in their way)
    phases: list[tuple[str, float]] = [("entry", _cpu())]
    timeline: list[tuple[float, str]] = []
    by_widget: collections.Counter[str] = collections.Counter()
    by_cause: collections.Counter[str] = collections.Counter()
    uns_widget: collections.Counter[str] = collections.Counter()
    uns_cause: collections.Counter[str] = collections.Counter()
    mounts: collections.Counter[str] = collections.Counter()
    watchers: collections.Counter[str] = collections.Counter()
    composes: collections.Counter[str] = collections.Counter()
    layouts: collections.Counter[str] = collections.Counter()
    apply_cpu = [0.0]
    depth = [0]

    def name(node: object) -> str:
        nid = getattr(node, "id", None)
        return type(node).__name__ + (f"#{nid}" if nid else "")

    def cause(skip: int, limit: int = 7) -> str:
        f = sys._getframe(skip)
        parts = []
        while f is not None and len(parts) < limit:
            code = f.f_code
            fn = code.co_filename
            short = (
                "tx:" + os.path.relpath(fn, tx)
                if fn.startswith(tx)
                else ("app:" + fn.split("syncro_tui/")[-1] if "syncro_tui" in fn else fn)
            )
            if not (short.startswith("tx:css/") or short.startswith("tx:dom.py:walk")):
                parts.append(f"{short}:{code.co_name}")
            f = f.f_back
        return " < ".join(parts)

    apply = Stylesheet.apply

    def counted_apply(self, node, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        by_widget[name(node)] += 1
        by_cause[cause(2)] += 1
        depth[0] += 1
        t = _cpu()
        try:
            return apply(self, node, *args, **kwargs)
        finally:
            depth[0] -= 1
            if not depth[0]:
                apply_cpu[0] += _cpu() - t

    if counting:
        Stylesheet.apply = counted_apply  # type: ignore[method-assign]
    uns = DOMNode.update_node_styles

    def counted_uns(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        uns_widget[name(self)] += 1
        uns_cause[cause(2, 5)] += 1
        return uns(self, *args, **kwargs)

    if counting:
        DOMNode.update_node_styles = counted_uns  # type: ignore[method-assign]
    check_watchers = Reactive._check_watchers

    def counted_watchers(obj, name_, old):  # noqa: ANN001, ANN202
        watchers[f"{type(obj).__name__}.{name_}"] += 1
        return check_watchers(obj, name_, old)

    if counting:
        Reactive._check_watchers = staticmethod(counted_watchers)  # type: ignore[assignment]
    on_mount = Widget._post_register

    def counted_mount(self, app):  # noqa: ANN001, ANN202
        mounts[name(self)] += 1
        return on_mount(self, app)

    if counting:
        Widget._post_register = counted_mount  # type: ignore[method-assign]
    recompose = Widget.recompose

    async def counted_recompose(self):  # noqa: ANN001, ANN202
        composes[name(self)] += 1
        return await recompose(self)

    if counting:
        Widget.recompose = counted_recompose  # type: ignore[method-assign]
    from textual.screen import Screen

    refresh_layout = Screen._refresh_layout

    def counted_layout(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        layouts[cause(2, 4)] += 1
        timeline.append((_cpu(), "LAYOUT " + cause(2, 2)))
        return refresh_layout(self, *args, **kwargs)

    if counting:
        Screen._refresh_layout = counted_layout  # type: ignore[method-assign]
    from textual import events

    resizes: collections.Counter[str] = collections.Counter()
    resize_init = events.Resize.__init__

    def counted_resize(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        resizes[cause(2, 6)] += 1
        return resize_init(self, *args, **kwargs)

    if counting:
        events.Resize.__init__ = counted_resize  # type: ignore[method-assign]
    screen_resizes: list = []
    screen_resized = Screen._screen_resized

    def logged_screen_resized(self, size):  # noqa: ANN001, ANN202
        screen_resizes.append((type(self).__name__, str(size), self.stack_updates, cause(2, 5)))
        return screen_resized(self, size)

    if counting:
        Screen._screen_resized = logged_screen_resized  # type: ignore[method-assign]
    size_updates: list = []
    size_updated = Widget._size_updated

    def logged_size_updated(self, size, virtual_size, container_size, layout=True):  # noqa: ANN001, ANN202
        before = (self._size, self.virtual_size, self._container_size)
        changed = size_updated(self, size, virtual_size, container_size, layout)
        if changed and isinstance(self, Screen):
            size_updates.append(
                (
                    name(self),
                    [str(x) for x in before],
                    [str(size), str(virtual_size), str(container_size)],
                )
            )
        return changed

    if counting:
        Widget._size_updated = logged_size_updated  # type: ignore[method-assign]
    from textual import messages

    layout_asks: collections.Counter[str] = collections.Counter()
    layout_init = messages.Layout.__init__

    def counted_layout_ask(self, widget, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        layout_asks[name(widget) + " <- " + cause(2, 6)] += 1
        return layout_init(self, widget, *args, **kwargs)

    if counting:
        messages.Layout.__init__ = counted_layout_ask  # type: ignore[method-assign]
    widget_refresh = Widget.refresh

    def counted_refresh(self, *regions, layout=False, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if layout and not self._layout_required:
            layout_asks["refresh(layout) " + name(self) + " <- " + cause(2, 6)] += 1
            timeline.append((_cpu(), "asks layout: " + name(self) + " <- " + cause(2, 4)))
        return widget_refresh(self, *regions, layout=layout, **kwargs)

    if counting:
        Widget.refresh = counted_refresh  # type: ignore[method-assign]
    frame_update = Screen._on_timer_update

    def logged_frame(self):  # noqa: ANN001, ANN202
        timeline.append((_cpu(), "frame"))
        return frame_update(self)

    if counting:
        Screen._on_timer_update = logged_frame  # type: ignore[method-assign]
        from syncro_tui.ui.widgets.footer import KeyFooter

        changed = KeyFooter.bindings_changed

        def logged_changed(self, screen):  # noqa: ANN001, ANN202
            timeline.append((_cpu(), f"footer bindings_changed (app_focus {screen.app.app_focus})"))
            return changed(self, screen)

        KeyFooter.bindings_changed = logged_changed  # type: ignore[method-assign]
    renders: list[tuple[float, str, int, float]] = []  # (CPU at, widget, lines, CPU of it)

    def patch_render_lines(cls) -> None:  # noqa: ANN001
        original = cls.__dict__["render_lines"]

        @functools.wraps(original)
        def timed(self, crop):  # noqa: ANN001, ANN202
            t = _cpu()
            lines = original(self, crop)
            renders.append((t, name(self), crop.height, _cpu() - t))
            return lines

        cls.render_lines = timed

    if counting:
        from syncro_tui.ui.widgets.strip_scrollbar import StripScrollBar
        from syncro_tui.ui.widgets.ticket_list import TicketList

        for cls in (Widget, TicketList, StripScrollBar):
            patch_render_lines(cls)
    phases.append(("textual patched", _cpu()))

    def dump(*_: object) -> None:
        phases.append(("SIGUSR2 (rows seen)", _cpu()))
        if profile is not None:
            profile.disable()
            profile.dump_stats(out + ".prof")
        data = {
            "phases": phases,
            "apply_cpu": apply_cpu[0],
            "apply_by_widget": by_widget.most_common(),
            "apply_by_cause": by_cause.most_common(),
            "uns_by_widget": uns_widget.most_common(),
            "uns_by_cause": uns_cause.most_common(),
            "mounts": mounts.most_common(),
            "watchers": watchers.most_common(),
            "recompose": composes.most_common(),
            "layouts": layouts.most_common(),
            "resize_events": resizes.most_common(),
            "screen_resized": screen_resizes,
            "screen_size_updates": size_updates,
            "layout_asks": layout_asks.most_common(),
            "timeline": timeline,
            "renders": renders,
            "modules": sorted(sys.modules),
        }
        Path(out + ".json").write_text(json.dumps(data, indent=1))
        if mode == "pyspy":  # under py-spy: its profile ends here
            os._exit(0)

    signal.signal(signal.SIGUSR2, dump)
    from syncro_tui.ui import app as app_module

    ready = app_module.SyncroApp.on_ready

    def marked_ready(self):  # noqa: ANN001, ANN202
        phases.append(("on_ready (first frame queued)", _cpu()))
        return ready(self)

    app_module.SyncroApp.on_ready = marked_ready  # type: ignore[method-assign]
    from syncro_tui.core.store import Store

    apply_tickets = Store.apply_tickets

    def marked_apply(self, rows, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        if not self.tickets and rows:
            phases.append((f"first {len(rows)} rows into the store", _cpu()))
        return apply_tickets(self, rows, *args, **kwargs)

    Store.apply_tickets = marked_apply  # type: ignore[method-assign]
    script = os.environ.get("COLD_PROFILE_SCRIPT")
    if script:  # a floor app (hello.py, demo_floor.py) with the same counters
        import runpy

        sys.argv = [script]
        runpy.run_path(script, run_name="__main__")
        return 0
    from syncro_tui.cli import main

    sys.argv = ["syncro-tui", *sys.argv[2:]]
    return main()


def _phases_app(out: str) -> int:
    """CPU of the process at each step of the start, with as few patches as can say it."""
    marks: list[tuple[str, float]] = [("interpreter up, entry point running", _cpu())]
    import gc

    collections_seen: list[tuple[int, float, float]] = []  # (generation, CPU at, CPU of it)
    gc_start = [0.0]

    def on_gc(phase: str, info: dict) -> None:
        if phase == "start":
            gc_start[0] = _cpu()
        else:
            collections_seen.append((info["generation"], gc_start[0], _cpu() - gc_start[0]))

    gc.callbacks.append(on_gc)
    if os.environ.get("COLD_PROFILE_GC") == "off-until-ready":  # an experiment
        gc.disable()
    frames: list[tuple[float, float, bool]] = []  # (CPU at start, CPU of the frame, rows in?)
    layouts = [0, 0.0]
    from syncro_tui.cli import entry

    marks.append(("import syncro_tui.cli", _cpu()))
    parse_name = "parse_args" if hasattr(entry, "parse_args") else "build_parser"
    parse = getattr(entry, parse_name)

    def timed_parse(*args):  # noqa: ANN002, ANN202
        marks.append(("(arguments: parsing starts)", _cpu()))
        try:
            return parse(*args)
        finally:
            marks.append(("arguments parsed", _cpu()))

    setattr(entry, parse_name, timed_parse)
    from syncro_tui import launch

    build_app = launch.build_app

    def timed_build_app(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
        marks.append(("(build_app starts)", _cpu()))
        from syncro_tui.ui import app as app_module

        marks.append(("import syncro_tui.ui.app (textual, core)", _cpu()))
        _patch_app(app_module, marks, frames, layouts)
        try:
            return build_app(*args, **kwargs)
        finally:
            marks.append(("SyncroApp built (cache opened)", _cpu()))

    launch.build_app = timed_build_app

    def dump(*_: object) -> None:
        marks.append(("SIGUSR2 (the harness saw rows)", _cpu()))
        try:
            text = json.dumps(
                {"marks": marks, "frames": frames, "layouts": layouts, "gc": collections_seen},
                indent=1,
            )
        except Exception:  # noqa: BLE001
            import traceback

            text = traceback.format_exc()
            Path(out + ".err").write_text(text)
        Path(out + ".json").write_text(text)

    signal.signal(signal.SIGUSR2, dump)
    sys.argv = ["syncro-tui", *sys.argv[2:]]
    return entry.main()


def _patch_app(app_module, marks, frames, layouts) -> None:  # noqa: ANN001
    from textual.screen import Screen

    from syncro_tui import demo
    from syncro_tui.core import session as session_module
    from syncro_tui.core.store import Store

    App = app_module.SyncroApp

    def mark_method(cls, name: str, label: str, *, after: bool = False, once=True) -> None:  # noqa: ANN001
        original = getattr(cls, name)
        done = [False]
        if asyncio_iscoroutine(original):

            @functools.wraps(original)
            async def marked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                if not (once and done[0]) and not after:
                    marks.append((label, _cpu()))
                try:
                    return await original(*args, **kwargs)
                finally:
                    if not (once and done[0]) and after:
                        marks.append((label, _cpu()))
                    done[0] = True

        else:

            @functools.wraps(original)
            def marked(*args, **kwargs):  # noqa: ANN002, ANN003, ANN202
                if not (once and done[0]) and not after:
                    marks.append((label, _cpu()))
                try:
                    return original(*args, **kwargs)
                finally:
                    if not (once and done[0]) and after:
                        marks.append((label, _cpu()))
                    done[0] = True

        setattr(cls, name, marked)

    mark_method(App, "get_default_screen", "(MainScreen made: imports of the screen)")
    mark_method(App, "on_mount", "App.on_mount")
    mark_method(App, "on_ready", "App.on_ready (the first frame was drawn)")
    if os.environ.get("COLD_PROFILE_GC") == "off-until-ready":
        import gc

        ready = App.on_ready

        @functools.wraps(ready)
        def enable_then_ready(self):  # noqa: ANN001, ANN202
            gc.freeze()
            gc.enable()
            return ready(self)

        App.on_ready = enable_then_ready
    mark_method(App, "connect", "connect() starts")
    mark_method(demo.SandboxBackend, "connect", "sandbox built, transport ready", after=True)
    mark_method(app_module, "_import_network_stack", "httpx + the client imported", after=True)
    mark_method(session_module.Session, "__init__", "Session built", after=True)
    if hasattr(app_module, "_import_models"):
        mark_method(app_module, "_import_models", "(pydantic + the models: import starts)")
    mark_method(App, "poll", "poll() starts")
    if os.environ.get("COLD_PROFILE_FOCUS") == "connect":  # cProfile: connect() to the rows
        import cProfile

        window = cProfile.Profile()
        connect = App.connect

        @functools.wraps(connect)
        def profiled_connect(self):  # noqa: ANN001, ANN202
            window.enable()
            return connect(self)

        App.connect = profiled_connect
        first_apply = Store.apply_tickets

        def stop_at_rows(self, rows, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
            if not self.tickets and rows:
                window.disable()
                window.dump_stats(os.environ["COLD_PROFILE_OUT"] + ".connect.prof")
            return first_apply(self, rows, *args, **kwargs)

        Store.apply_tickets = stop_at_rows
    thread_cpu: dict[str, float] = {}
    build = demo.SandboxBackend._build

    def timed_build(self):  # noqa: ANN001, ANN202
        t = time.thread_time()
        try:
            return build(self)
        finally:
            thread_cpu["sandbox build (thread)"] = time.thread_time() - t

    demo.SandboxBackend._build = timed_build
    marks.append(("(thread CPU)", thread_cpu))  # type: ignore[arg-type]
    apply_tickets = Store.apply_tickets

    applied = [0]

    def marked_apply(self, rows, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        first = not self.tickets and rows
        applied[0] += 1
        if first:
            marks.append((f"the first {len(rows)} rows parsed, into the store", _cpu()))
        elif applied[0] <= 4:
            marks.append((f"store fill {applied[0]}: {len(rows)} rows", _cpu()))
        try:
            return apply_tickets(self, rows, *args, **kwargs)
        finally:
            if first:
                marks.append(("store listeners done (list rows set)", _cpu()))

    Store.apply_tickets = marked_apply
    from syncro_tui.core import cache as cache_module

    mark_method(cache_module.TicketCache, "save_rows", "(cache: rows saved)", after=True)
    timer_update = Screen._on_timer_update
    app_ref: list = []

    def timed_update(self):  # noqa: ANN001, ANN202
        t = _cpu()
        try:
            return timer_update(self)
        finally:
            rows = bool(getattr(self.app, "store", None) and self.app.store.tickets)
            frames.append((t, _cpu() - t, rows))

    Screen._on_timer_update = timed_update
    refresh_layout = Screen._refresh_layout

    focus = os.environ.get("COLD_PROFILE_FOCUS") == "layout"
    focus_profile = [None]

    def timed_layout(self, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN202
        t = _cpu()
        if focus:  # a cProfile of the layouts alone (OUT.layout.prof)
            import cProfile

            if focus_profile[0] is None:
                focus_profile[0] = cProfile.Profile()
            focus_profile[0].enable()
        try:
            return refresh_layout(self, *args, **kwargs)
        finally:
            if focus:
                focus_profile[0].disable()
                focus_profile[0].dump_stats(os.environ["COLD_PROFILE_OUT"] + ".layout.prof")
            layouts[0] += 1
            layouts[1] += _cpu() - t
            layouts.append((t, _cpu() - t, sys._getframe(1).f_code.co_name))

    Screen._refresh_layout = timed_layout
    del app_ref


def asyncio_iscoroutine(fn) -> bool:  # noqa: ANN001
    import inspect

    return inspect.iscoroutinefunction(fn)


def main(argv: list[str] | None = None) -> int:
    if argv is None and sys.argv[1:2] == ["--as-app"]:
        return as_app()
    from demo_floor_run import rows_visible
    from harness import Term, clean_env, cpu_seconds

    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--runs", type=int, default=1)
    p.add_argument(
        "--mode",
        choices=("phases", "count", "cprofile", "pyspy"),
        default="phases",
        help="phases: CPU at each step and per frame (medians); count: styling work by cause; "
        "cprofile: OUT.N.prof; pyspy: py-spy samples, OUT.N.speedscope.json",
    )
    p.add_argument("--warm", action="store_true", help="a second start on the same home")
    p.add_argument(
        "--app",
        choices=("demo", "hello", "floor"),
        default="demo",
        help="count mode only: the floors apps/hello.py and apps/demo_floor.py, same counters",
    )
    p.add_argument("--out", default="/tmp/cold")
    p.add_argument("--base", metavar="DIR", help="run syncro_tui from another checkout")
    p.add_argument("--focus", default="", help="phases mode: 'layout' profiles the layouts alone")
    args = p.parse_args(argv)
    tmp = Path(tempfile.mkdtemp(prefix="cold-profile-"))
    load = os.getloadavg()[0]
    runs: list[dict] = []
    try:
        for rnd in range(args.runs + 1):  # round 0 primes the bytecode cache
            home = tmp / f"home-{rnd}"
            env = clean_env(
                {
                    "SYNCRO_TUI_HOME": str(home),
                    "PYTHONDONTWRITEBYTECODE": None,
                    "PYTHONPYCACHEPREFIX": str(tmp / "pycache"),
                    "COLD_PROFILE_OUT": f"{args.out}.{rnd}",
                    "COLD_PROFILE_MODE": args.mode,
                    "COLD_PROFILE_FOCUS": args.focus,
                    "COLD_PROFILE_GC": os.environ.get("COLD_PROFILE_GC", ""),
                    "PYTHONPATH": args.base,
                    "COLD_PROFILE_SCRIPT": FLOORS.get(args.app, ""),
                }
            )
            cmd = [sys.executable, __file__, "--as-app", "--demo"]
            if args.mode == "pyspy":
                spy = os.path.join(os.path.dirname(sys.executable), "py-spy")
                out = f"{args.out}.{rnd}.speedscope.json"
                cmd = [spy, "record", "-r", "1000", "--nonblocking", "-f", "speedscope"]
                cmd += ["-o", out, "--", sys.executable, __file__, "--as-app", "--demo"]
            for start in range(2 if args.warm else 1):
                marker = "HELLO-TTFP-MARKER" if args.app == "hello" else rows_visible
                got = _one_start(Term, cmd, env, args.mode, marker, cpu_seconds)
                if got is None:
                    return 1
                if rnd and start == (1 if args.warm else 0):
                    print(f"round {rnd}: rows at {got[0]:.3f} s, CPU {got[1]:.3f} s")
                    if args.mode == "phases":
                        runs.append(json.loads(Path(f"{args.out}.{rnd}.json").read_text()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"(load average {load:.2f} at start, {os.getloadavg()[0]:.2f} at the end)")
    if args.mode == "phases":
        _print_phases(runs)
    else:
        print(f"written: {args.out}.N.*")
    return 0


def _one_start(Term, cmd, env, mode, rows_visible, cpu_seconds):  # noqa: ANN001, ANN202, N803
    from harness import tree_pids

    term = Term(cmd, env=env)
    try:
        t = term.wait_for(rows_visible, 30)
        if t is None:
            print(term.dump(), file=sys.stderr)
            return None
        cpu = cpu_seconds(term.pid)
        app_pid = term.pid
        if mode == "pyspy":
            app_pid = max(p for p in tree_pids(term.pid) if p != term.pid)
        os.kill(app_pid, signal.SIGUSR2)
        if mode == "pyspy":  # the app ends itself; py-spy writes its file
            term.wait_quiet(1.0, 10)
            return t - term.t0, cpu
        written = Path(env["COLD_PROFILE_OUT"] + ".json")
        for _ in range(50):
            term.wait_quiet(0.1, 0.5)
            if written.exists():
                break
        term.wait_quiet(0.3, 3)
        term.quit()
        return t - term.t0, cpu
    finally:
        term.close()


def _print_phases(runs: list[dict]) -> None:
    """Median CPU at each mark (ms) and the step from the one before; the frames."""
    import statistics

    med = statistics.median
    labels = [label for label, _ in runs[0]["marks"] if isinstance(_, float)]
    labels = [x for x in labels if all(x in dict(r["marks"]) for r in runs)]
    print(f"\nCPU of the app's process at each step, ms, median of {len(runs)}:")
    prev = 0.0
    for label in labels:
        at = med(dict((k, v) for k, v in r["marks"] if isinstance(v, float))[label] for r in runs)
        print(f"  {at * 1000:7.1f}  (+{(at - prev) * 1000:6.1f})  {label}")
        prev = at
    threads = [dict(v) for r in runs for k, v in r["marks"] if isinstance(v, dict)]
    for name in threads[0] if threads else ():
        print(f"  in a thread, within the above: {name} {med(t[name] for t in threads) * 1000:.1f}")
    n = med(len(r["frames"]) for r in runs)
    before = med(sum(1 for f in r["frames"] if not f[2]) for r in runs)
    print(f"  frames drawn before the harness saw rows: {n:.0f} ({before:.0f} with no rows yet)")
    for i in range(int(min(len(r["frames"]) for r in runs))):
        print(
            f"    frame {i + 1}: at {med(r['frames'][i][0] for r in runs) * 1000:7.1f}  "
            f"{med(r['frames'][i][1] for r in runs) * 1000:5.1f} ms"
            f"{'  (rows)' if runs[0]['frames'][i][2] else ''}"
        )
    for gen in (0, 1, 2):
        n_gen = med(sum(1 for g in r.get("gc", ()) if g[0] == gen) for r in runs)
        ms = med(sum(g[2] for g in r.get("gc", ()) if g[0] == gen) for r in runs) * 1000
        print(f"  garbage collections of generation {gen}: {n_gen:.0f}, {ms:.1f} ms")
    print(
        f"  layouts: {med(r['layouts'][0] for r in runs):.0f}, "
        f"{med(r['layouts'][1] for r in runs) * 1000:.1f} ms"
    )
    for i in range(min(len(r["layouts"]) - 2 for r in runs)):
        print(
            f"    layout {i + 1}: at {med(r['layouts'][i + 2][0] for r in runs) * 1000:7.1f}  "
            f"{med(r['layouts'][i + 2][1] for r in runs) * 1000:5.1f} ms  "
            f"from {runs[0]['layouts'][i + 2][2]}"
        )


if __name__ == "__main__":
    raise SystemExit(main())
