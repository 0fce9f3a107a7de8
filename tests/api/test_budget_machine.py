"""The machine-wide rate budget: every process of every UNIX user shares one state file.

Virtual time as in test_ratelimit.py; the real-user tests (other UNIX users, the kernel's
``fs.protected_regular``) need root and are skipped with the reason otherwise.
"""

from __future__ import annotations

import json
import os
import random
import stat
import subprocess
import sys
import textwrap
import uuid
from pathlib import Path

import pytest

from syncro_tui.api.budget_machine import (
    MAX_FILE,
    MachineWindow,
    account_key,
    default_shared_dir,
    state_file,
)
from syncro_tui.api.ratelimit import Priority, RateLimiter, current_priority
from tests.api.test_ratelimit import VirtualTime, max_in_any_window, window_after_each_send

U, D, B = Priority.USER, Priority.DETAIL, Priority.BACKGROUND
T0 = 1_700_000_000.0
BASE = "https://acme.syncromsp.com/api/v1"
REPO = Path(__file__).resolve().parents[2]


def machine(vt: VirtualTime, folder: Path, per_minute: int = 150, **kw) -> RateLimiter:
    window = MachineWindow(state_file(folder, BASE), wall_clock=vt.clock)
    return RateLimiter(per_minute, clock=vt.clock, sleep=vt.sleep, tiers=[window], **kw)


# -- the shared folder and file ----------------------------------------------------------------


def test_the_account_key_is_a_hash_of_the_normalised_base_url():
    key = account_key(BASE)
    assert len(key) == 32 and "acme" not in key
    assert account_key("https://ACME.syncromsp.com:443/api/v1/") == key
    assert account_key("https://acme.syncromsp.com:8443/api/v1") != key
    assert account_key("https://other.syncromsp.com/api/v1") != key


def test_the_default_folder_is_under_the_system_temp_dir(tmp_path):
    # (the suite's home fixture points TMPDIR at a per-test folder)
    assert default_shared_dir().parent == tmp_path / "tmp"


async def test_the_shared_folder_is_sticky_and_world_writable_and_the_file_shared(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    lim = machine(vt, folder)
    await vt.run(lim.acquire())
    assert stat.S_IMODE(folder.stat().st_mode) == 0o1777
    path = state_file(folder, BASE)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666
    assert lim.status().scope == "machine" and lim.status().degraded == ""


async def test_the_state_file_holds_only_times_lanes_the_pause_and_anonymous_processes(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    lim = machine(vt, folder)
    await vt.run(lim.acquire(U), lim.acquire(B))
    lim.penalize(3)
    raw = state_file(folder, BASE).read_text()
    data = json.loads(raw)
    assert set(data) == {"v", "sends", "paused_until", "procs"}
    assert sorted(lane for _, lane in data["sends"]) == [0, 2]
    (token, entry), *_ = data["procs"].items()
    assert len(token) == 8 and entry == [T0, 150]
    for secret in ("acme", os.environ.get("USER", "root"), "syncromsp"):
        assert secret not in raw


# -- the budget holds across users -------------------------------------------------------------


async def test_two_users_settings_on_one_state_never_exceed_the_budget_in_any_window(tmp_path):
    """One technician keeps the default budget (150), another set 180: together they never
    pass 150 (the strictest budget of the live processes applies) in any 60 s window of a
    long, mixed burst, and background polling together never more than its share (120)."""
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    alice = machine(vt, folder, 150)
    bob = machine(vt, folder, 180)
    rng = random.Random(13)
    sends: list[tuple[float, Priority, str]] = []

    async def request(lim: RateLimiter, who: str, at: float, prio: Priority) -> None:
        await vt.until(at)
        await lim.acquire(prio)
        sends.append((vt.now, prio, who))

    async def poller(lim: RateLimiter, who: str, count: int) -> None:
        current_priority.set(B)
        for _ in range(count):
            await lim.acquire()
            sends.append((vt.now, B, who))

    # Both register first, as two running apps would have (each reads the state at start).
    alice.status(), bob.status()
    traffic = [
        request(rng.choice([alice, bob]), "x", T0 + rng.uniform(0, 900), rng.choice([U, D, B]))
        for _ in range(1500)
    ]
    storm = [request(alice, "a", T0 + 1, U) for _ in range(200)]
    await vt.run(*traffic, *storm, poller(alice, "a", 500), poller(bob, "b", 500))

    times = sorted(t for t, _, _ in sends)
    assert len(sends) == 1500 + 200 + 1000
    assert max_in_any_window(times) == 150
    ordered = sorted(sends, key=lambda s: s[0])
    held = window_after_each_send([t for t, _, _ in ordered])
    assert max(n for n, (_, prio, _) in zip(held, ordered) if prio is B) <= 120


async def test_a_429_seen_by_one_user_pauses_the_other(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    alice, bob = machine(vt, folder), machine(vt, folder)
    alice.penalize(45)
    assert bob.paused_until() == pytest.approx(T0 + 45)
    times = []

    async def req():
        await bob.acquire(U)
        times.append(vt.now)

    await vt.run(req())
    assert times == [T0 + 45]


async def test_the_header_sees_how_many_processes_share(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    a, b, c = (machine(vt, folder) for _ in range(3))
    await vt.run(a.acquire(), b.acquire(), c.acquire())
    status = a.status()
    assert (status.spent, status.processes, status.budget) == (3, 3, 150)
    await vt.run(vt.until(T0 + 200))  # b and c went quiet (quit): they stop counting
    await vt.run(a.acquire())
    assert a.status().processes == 1


async def test_an_erased_state_file_cannot_make_one_process_overspend(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    lim = machine(vt, folder, 20)
    path = state_file(folder, BASE)
    sent = []

    async def hammer():
        for _ in range(60):
            await lim.acquire()
            sent.append(vt.now)
            with path.open("r+b") as fh:  # another user keeps erasing the history
                fh.truncate(0)

    await vt.run(hammer())
    assert max_in_any_window(sent) == 20


# -- hostile or broken state ------------------------------------------------------------------


def _state(**over):
    data = {"v": 1, "sends": [], "paused_until": 0.0, "procs": {}}
    data.update(over)
    return json.dumps(data).encode()


HOSTILE = {
    "corrupt JSON": b'{"v": 1, "sends": [',
    "binary": os.urandom(64),
    "a list": b"[]",
    "wrong version": _state(v=2),
    "sends as text": _state(sends="many"),
    "a send with a string time": _state(sends=[["now", 0]]),
    "a send with a bool lane": _state(sends=[[T0, True]]),
    "a send in the future": _state(sends=[[T0 + 3600, 0]]),
    "too many sends": _state(sends=[[T0 - 1, 0]] * 5000),
    "a pause far in the future": _state(paused_until=T0 + 10**9),
    "an infinite pause": b'{"v": 1, "sends": [], "paused_until": Infinity, "procs": {}}',
    "a process with budget 0": _state(procs={"x": [T0, 0]}),
    "a process with a huge name": _state(procs={"x" * 500: [T0, 10]}),
}


@pytest.mark.parametrize("content", list(HOSTILE.values()), ids=list(HOSTILE))
async def test_a_hostile_state_file_is_ignored_with_a_warning_at_a_safe_share(
    tmp_path, content, caplog
):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o1777)
    state_file(folder, BASE).write_bytes(content)
    lim = machine(vt, folder)
    await vt.run(*(lim.acquire() for _ in range(50)))
    assert vt.now == T0  # nobody was paused by it
    assert lim.paused_until() is None
    status = lim.status()
    assert status.degraded and status.budget == 50 and status.scope == "process"
    assert "rate budget unavailable" in caplog.text
    sent = []

    async def more():
        await lim.acquire()
        sent.append(vt.now)

    await vt.run(more())
    assert sent[0] >= T0 + 60  # the safe share (50) held


async def test_an_oversized_state_file_is_refused_without_reading_it_all(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o1777)
    path = state_file(folder, BASE)
    with path.open("wb") as fh:
        fh.truncate(50 * 1024 * 1024)  # sparse: 50 MB of zeros
    lim = machine(vt, folder)
    await vt.run(lim.acquire())
    assert "oversized" in lim.status().degraded
    await vt.run(vt.until(T0 + 61))
    await vt.run(lim.acquire())  # after a window it is set right, in place
    assert path.stat().st_size < MAX_FILE
    assert lim.status().degraded == ""


@pytest.mark.parametrize("kind", ["symlink", "fifo", "directory"])
async def test_a_state_path_that_is_not_a_regular_file_is_refused(tmp_path, kind):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    folder.mkdir(mode=0o1777)
    path = state_file(folder, BASE)
    if kind == "symlink":
        target = tmp_path / "victim"
        target.write_text("precious")
        path.symlink_to(target)
    elif kind == "fifo":
        os.mkfifo(path)
    else:
        path.mkdir()
    lim = machine(vt, folder)
    await vt.run(lim.acquire())  # neither hangs nor crashes
    assert lim.status().degraded
    if kind == "symlink":
        assert target.read_text() == "precious"


async def test_a_world_writable_folder_without_the_sticky_bit_is_refused(tmp_path):
    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    folder.mkdir()
    folder.chmod(0o777)
    lim = machine(vt, folder)
    await vt.run(lim.acquire())
    assert "sticky" in lim.status().degraded


async def test_a_state_file_locked_forever_by_another_process_does_not_freeze_us(tmp_path):
    import fcntl

    vt = VirtualTime(T0)
    folder = tmp_path / "shared"
    lim = machine(vt, folder)
    await vt.run(lim.acquire())
    fd = os.open(state_file(folder, BASE), os.O_RDWR)
    fcntl.flock(fd, fcntl.LOCK_EX)
    try:
        await vt.run(lim.acquire())
        assert "locked" in lim.status().degraded
    finally:
        os.close(fd)


async def test_a_shared_folder_that_cannot_be_created_falls_back(tmp_path):
    vt = VirtualTime(T0)
    blocker = tmp_path / "file"
    blocker.write_text("")
    lim = machine(vt, blocker / "shared")
    await vt.run(*(lim.acquire() for _ in range(3)))
    assert lim.spent_last_minute() == 3 and lim.status().degraded


# -- real UNIX users (root only) ----------------------------------------------------------------

_CHILD = textwrap.dedent(
    """
    import asyncio, json, logging, sys
    from pathlib import Path
    from syncro_tui.api.budget_machine import MachineWindow
    from syncro_tui.api.ratelimit import RateLimiter

    logging.basicConfig(level=logging.WARNING, stream=sys.stderr)

    async def main(path, n, penalize):
        lim = RateLimiter(150, tiers=[MachineWindow(Path(path))])
        for _ in range(n):
            await asyncio.wait_for(lim.acquire(), timeout=5)
        if penalize:
            lim.penalize(penalize)
        s = lim.status()
        print(json.dumps({"spent": s.spent, "degraded": s.degraded, "scope": s.scope,
                          "paused": s.paused_for, "processes": s.processes}))

    asyncio.run(main(sys.argv[1], int(sys.argv[2]), float(sys.argv[3])))
    """
)


def _need_root():
    if os.geteuid() != 0:
        pytest.skip("needs root: creates UNIX users and runs the limiter as each of them")
    for tool in ("useradd", "userdel", "setpriv"):
        if not any(Path(d, tool).exists() for d in ("/usr/sbin", "/usr/bin", "/sbin", "/bin")):
            pytest.skip(f"needs {tool}")


@pytest.fixture
def two_users():
    _need_root()
    names = [f"sbud{uuid.uuid4().hex[:6]}" for _ in range(2)]
    made = []
    try:
        for name in names:
            subprocess.run(["useradd", "-M", "-N", "-s", "/usr/sbin/nologin", name], check=True)
            made.append(name)
        yield names
    finally:
        for name in made:
            subprocess.run(["userdel", name], check=False)


def _as(user: str) -> list[str]:
    import pwd

    pw = pwd.getpwnam(user)
    return ["setpriv", f"--reuid={pw.pw_uid}", f"--regid={pw.pw_gid}", "--clear-groups"]


def _python_for(user: str) -> str:
    """An interpreter the other user can run (this venv's may sit in root's 0700 home)."""
    for python in (sys.executable, "/usr/bin/python3"):
        ok = subprocess.run(
            [*_as(user), python, "-c", ""],
            capture_output=True,
        )
        if ok.returncode == 0:
            return python
    pytest.skip("no Python interpreter that another UNIX user may run")


def _run_as(user: str, path: Path, n: int, penalize: float = 0.0) -> dict:
    python = _python_for(user)
    proc = subprocess.run(
        [*_as(user), python, "-c", _CHILD] + [str(path), str(n), str(penalize)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PYTHONPATH": str(REPO), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
        cwd="/",
    )
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    out["stderr"] = proc.stderr
    return out


@pytest.fixture
def protected_regular():
    """fs.protected_regular=1 for the test (restored after); skipped where it cannot be set."""
    knob = Path("/proc/sys/fs/protected_regular")
    try:
        before = knob.read_text().strip()
        knob.write_text("1")
    except OSError as exc:
        pytest.skip(f"cannot set fs.protected_regular here ({exc.strerror})")
    try:
        yield
    finally:
        knob.write_text(before)


def _world_readable_tmp(tmp_path: Path) -> Path:
    """A temp dir like /tmp (sticky, world-writable) that the other users can reach
    (pytest's tmp_path is 0700)."""
    base = Path("/tmp") / f"syncro-budget-test-{uuid.uuid4().hex[:8]}"
    base.mkdir()
    base.chmod(0o1777)
    return base


def test_two_unix_users_share_one_budget_under_protected_regular(
    tmp_path, two_users, protected_regular
):
    import shutil

    base = _world_readable_tmp(tmp_path)
    try:
        folder = base / "syncro-tui-budget"
        path = state_file(folder, BASE)
        alice, bob = two_users
        first = _run_as(alice, path, 3)  # creates the folder (1777) and the file (0666)
        assert first["degraded"] == "" and first["spent"] == 3
        second = _run_as(bob, path, 4)  # opens alice's file without O_CREAT, updates in place
        assert second["degraded"] == "", second["stderr"]
        assert second["spent"] == 7 and second["processes"] >= 2
        third = _run_as(alice, path, 0, penalize=30)  # a 429 seen by alice ...
        assert third["degraded"] == ""
        fourth = _run_as(bob, path, 0)  # ... pauses bob
        assert 0 < fourth["paused"] <= 30
        # still one file, alice's, never replaced
        assert [p.name for p in folder.iterdir()] == [path.name]
        import pwd

        assert pwd.getpwuid(path.stat().st_uid).pw_name == alice
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_a_user_who_cannot_write_the_shared_folder_falls_back_and_keeps_working(
    tmp_path, two_users
):
    import shutil

    base = _world_readable_tmp(tmp_path)
    try:
        folder = base / "syncro-tui-budget"
        folder.mkdir(mode=0o755)  # root's, not writable by others
        folder.chmod(0o755)
        out = _run_as(two_users[0], state_file(folder, BASE), 5)
        assert out["spent"] == 5 and out["scope"] == "process"
        assert out["degraded"] and "rate budget unavailable" in out["stderr"]
    finally:
        shutil.rmtree(base, ignore_errors=True)


def test_another_users_read_only_state_file_falls_back(tmp_path, two_users):
    import shutil

    base = _world_readable_tmp(tmp_path)
    try:
        folder = base / "syncro-tui-budget"
        path = state_file(folder, BASE)
        alice, bob = two_users
        _run_as(alice, path, 1)
        path.chmod(0o644)  # alice (here: root on her behalf) makes it read-only to others
        out = _run_as(bob, path, 2)
        assert out["spent"] == 2 and out["degraded"]
    finally:
        shutil.rmtree(base, ignore_errors=True)
