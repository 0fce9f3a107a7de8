"""The write journal: one SQLite file per account, written before every write is sent.

This module only stores rows (entries and billing runs); ``core.outbox`` decides what they
mean. What it guarantees about the file itself:

* **Corrupt only when SQLite says so.** A file is moved aside and a fresh one started only
  when SQLite reports it is not a database or malformed, or ``PRAGMA quick_check`` fails.
* **A full disk or a read-only folder is not corruption.** On SQLITE_FULL, an I/O error, a
  read-only file or folder (or the OS refusing to create the file) the journal is left
  where it is and becomes *unavailable*: reading goes on, and every attempt to record a
  write raises ``JournalUnavailable`` with what to do ("free disk space in ..."), so nothing
  is sent that could not be journaled first. The next attempt tries again, so freeing the
  disk is enough.
* **Nothing set aside is forgotten.** At start, journals set aside earlier (``.corrupt-*``,
  e.g. by a version that mistook a full disk for corruption) and journals of the same
  account under an older file name are read; those that pass ``quick_check`` are absorbed:
  their entries and runs are copied in (so unsettled writes get verified like any other)
  and the old file is renamed ``.absorbed-*``.

``connect`` exists so tests can inject faults. Stdlib only.
"""

from __future__ import annotations

import logging
import os
import sqlite3
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

SCHEMA = """
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    intent TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    kind TEXT NOT NULL,
    ticket_id INTEGER,
    state TEXT NOT NULL,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL,
    sent_at REAL,
    attempts INTEGER NOT NULL DEFAULT 0,
    record_id INTEGER,
    result TEXT,
    message TEXT NOT NULL DEFAULT '',
    before TEXT,
    draft TEXT,
    run_id INTEGER,
    run_step INTEGER,
    owner_pid INTEGER NOT NULL,
    session TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS entries_fingerprint ON entries (fingerprint);
CREATE INDEX IF NOT EXISTS entries_state ON entries (state);
CREATE INDEX IF NOT EXISTS entries_created ON entries (created_at);
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    kind TEXT NOT NULL,
    ticket_id INTEGER,
    data TEXT NOT NULL,
    finished INTEGER NOT NULL DEFAULT 0,
    created_at REAL NOT NULL,
    updated_at REAL NOT NULL
);
"""

_CORRUPT = ("SQLITE_NOTADB", "SQLITE_CORRUPT")
_CORRUPT_WORDS = ("file is not a database", "malformed", "quick_check failed")
_SIDE_FILES = ("", "-wal", "-shm")


class OutboxError(Exception):
    """A request to the outbox that it refuses (the message is for the technician)."""


class JournalUnavailable(OutboxError):
    """The journal cannot be written (full disk, I/O error, read-only): nothing is sent."""


class _Corrupt(sqlite3.DatabaseError):
    pass


def is_corrupt(exc: BaseException) -> bool:
    """SQLite itself says the file is damaged (never a full disk or a permission problem)."""
    if isinstance(exc, _Corrupt):
        return True
    if not isinstance(exc, sqlite3.DatabaseError):
        return False
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(_CORRUPT):
        return True
    return any(word in str(exc).lower() for word in _CORRUPT_WORDS)


def unavailable_message(folder: Path, exc: BaseException) -> str:
    detail = getattr(exc, "strerror", None) or str(exc) or type(exc).__name__
    return (
        f"The write journal cannot be saved: free disk space in {folder} (or make it "
        f"writable) and try again ({detail}). No write is sent until it can be saved; "
        "reading goes on."
    )


Connect = Callable[..., sqlite3.Connection]


def _open(path: Path, connect: Connect) -> sqlite3.Connection:
    """Open (creating it 0600) and check the file; raises what SQLite or the OS said."""
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))
    os.chmod(path, 0o600)
    conn = connect(path, timeout=10.0, isolation_level=None)
    try:
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=FULL")
        if conn.execute("PRAGMA quick_check").fetchone()[0] != "ok":
            raise _Corrupt("quick_check failed")
        conn.executescript(SCHEMA)
    except BaseException:
        conn.close()
        raise
    return conn


def _move(source: Path, target: Path) -> None:
    for suffix in _SIDE_FILES:
        src = Path(str(source) + suffix)
        if src.exists():
            os.replace(src, Path(str(target) + suffix))


def passes_quick_check(path: Path) -> bool:
    """True when ``path`` is an SQLite journal SQLite finds sound (opened read-only)."""
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=2.0)
    except sqlite3.Error:
        return False
    try:
        ok = conn.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master")}
        return ok and "entries" in tables
    except sqlite3.Error:
        return False
    finally:
        conn.close()


class Journal:
    """Row access to the journal file (one connection, used from the event loop only).

    ``notice`` is non-empty when something at start-up needs telling (a file moved aside,
    earlier writes brought back, the journal unavailable). ``problem`` is non-empty while
    the journal cannot be written.
    """

    def __init__(
        self,
        path: Path,
        *,
        absorb: Iterable[Path] = (),
        connect: Connect = sqlite3.connect,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = Path(path)
        self._connect = connect
        self._clock = clock
        self.conn: sqlite3.Connection | None = None
        self.problem = ""
        self.notices: list[str] = []
        self._start()
        if self.conn is not None:
            self._absorb_all(absorb)

    @property
    def notice(self) -> str:
        return " ".join(n for n in [*self.notices, self.problem] if n)

    # -- opening ---------------------------------------------------------------------------

    def _start(self) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            self.conn = _open(self.path, self._connect)
        except (sqlite3.Error, OSError) as exc:
            if not is_corrupt(exc):
                self._unavailable(exc)
                return
            aside = self.path.with_name(
                f"{self.path.name}.corrupt-{time.strftime('%Y%m%d-%H%M%S')}"
            )
            _move(self.path, aside)
            log.error("write journal %s is unreadable (%s); moved to %s", self.path, exc, aside)
            self.notices.append(
                f"The write journal was unreadable and was moved to {aside}; a new one was started."
            )
            try:
                self.conn = _open(self.path, self._connect)
            except (sqlite3.Error, OSError) as again:
                self._unavailable(again)

    def _unavailable(self, exc: BaseException) -> None:
        self.problem = unavailable_message(self.path.parent, exc)
        log.error("write journal %s cannot be written: %s", self.path, exc)

    def ensure_writable(self) -> bool:
        """Raise ``JournalUnavailable`` unless the journal can be written now. Returns True
        when it was reopened just now (the caller then verifies what it holds first)."""
        if self.conn is not None and not self.problem:
            return False
        if self.conn is None:
            try:
                self.conn = _open(self.path, self._connect)
            except (sqlite3.Error, OSError) as exc:
                if is_corrupt(exc):  # it went bad meanwhile: the next start sets it aside
                    raise JournalUnavailable(
                        f"The write journal {self.path} is damaged; restart syncro-tui."
                    ) from exc
                self._unavailable(exc)
                raise JournalUnavailable(self.problem) from exc
        self.problem = ""
        return True

    # -- rows ------------------------------------------------------------------------------

    def _write(self, sql: str, params: tuple = ()) -> sqlite3.Cursor:
        self.ensure_writable()
        assert self.conn is not None
        try:
            return self.conn.execute(sql, params)
        except sqlite3.Error as exc:
            if is_corrupt(exc):
                raise
            self._unavailable(exc)
            raise JournalUnavailable(self.problem) from exc

    def _read(self, sql: str, params: tuple = ()) -> list[sqlite3.Row]:
        if self.conn is None:
            return []
        return self.conn.execute(sql, params).fetchall()

    def insert(self, **values: Any) -> int:
        names = ", ".join(values)
        marks = ", ".join("?" for _ in values)
        cur = self._write(f"INSERT INTO entries ({names}) VALUES ({marks})", tuple(values.values()))
        return int(cur.lastrowid or 0)

    def update(self, entry_id: int, **values: Any) -> None:
        sets = ", ".join(f"{name} = ?" for name in values)
        self._write(f"UPDATE entries SET {sets} WHERE id = ?", (*values.values(), entry_id))

    def row(self, entry_id: int) -> sqlite3.Row | None:
        found = self._read("SELECT * FROM entries WHERE id = ?", (entry_id,))
        return found[0] if found else None

    def rows(self, where: str = "1", params: tuple = ()) -> list[sqlite3.Row]:
        return self._read(f"SELECT * FROM entries WHERE {where} ORDER BY id DESC", params)

    def claimed(self, kind: str, entry_id: int, states: Iterable[str]) -> set[int]:
        """Record ids other entries of ``kind`` in ``states`` already account for."""
        states = tuple(states)
        marks = ", ".join("?" for _ in states)
        rows = self._read(
            "SELECT record_id FROM entries WHERE kind = ? AND id != ? "
            f"AND record_id IS NOT NULL AND state IN ({marks})",
            (kind, entry_id, *states),
        )
        return {r[0] for r in rows}

    # -- runs (billing) --------------------------------------------------------------------

    def save_run(
        self,
        run_id: int | None,
        kind: str,
        ticket_id: int | None,
        data: str,
        finished: bool,
        now: float,
    ) -> int:
        if run_id is None:
            cur = self._write(
                "INSERT INTO runs (kind, ticket_id, data, finished, created_at, updated_at) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (kind, ticket_id, data, int(finished), now, now),
            )
            return int(cur.lastrowid or 0)
        self._write(
            "UPDATE runs SET data = ?, finished = ?, updated_at = ? WHERE id = ?",
            (data, int(finished), now, run_id),
        )
        return run_id

    def run(self, run_id: int) -> sqlite3.Row | None:
        found = self._read("SELECT * FROM runs WHERE id = ?", (run_id,))
        return found[0] if found else None

    def unfinished_runs(self, kind: str) -> list[int]:
        rows = self._read(
            "SELECT id FROM runs WHERE kind = ? AND finished = 0 ORDER BY id", (kind,)
        )
        return [r[0] for r in rows]

    # -- absorbing journals set aside earlier ----------------------------------------------

    def candidates(self, extra: Iterable[Path] = ()) -> list[Path]:
        """Journals to bring back: this one's ``.corrupt-*`` files that are sound, and
        ``extra`` (the account's journals under older names)."""
        found = [
            p
            for p in sorted(self.path.parent.glob(f"{self.path.name}.corrupt-*"))
            if not p.name.endswith(("-wal", "-shm")) and ".absorbed-" not in p.name
        ]
        found += [Path(p) for p in extra if Path(p) != self.path and Path(p).exists()]
        return found

    def _absorb_all(self, extra: Iterable[Path]) -> None:
        brought = 0
        for path in self.candidates(extra):
            if not passes_quick_check(path):
                continue
            try:
                brought += self.absorb(path)
            except (sqlite3.Error, OSError, JournalUnavailable) as exc:
                log.error("could not bring back the writes of %s: %s", path, exc)
        if brought:
            self.notices.append(
                f"{brought} unsettled write(s) from an earlier journal were brought back; "
                "they are verified before anything is sent."
            )

    def absorb(self, path: Path) -> int:
        """Copy every entry and run of the journal at ``path`` into this one, then rename
        it ``.absorbed-*``. Returns how many of its entries were unsettled."""
        assert self.conn is not None
        other = sqlite3.connect(path, timeout=2.0)
        other.row_factory = sqlite3.Row
        try:
            runs = other.execute("SELECT * FROM runs ORDER BY id").fetchall()
            entries = other.execute("SELECT * FROM entries ORDER BY id").fetchall()
        finally:
            other.close()
        unsettled = 0
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            new_run: dict[int, int] = {}
            for run in runs:
                cur = self.conn.execute(
                    "INSERT INTO runs (kind, ticket_id, data, finished, created_at, updated_at) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    (
                        run["kind"],
                        run["ticket_id"],
                        run["data"],
                        run["finished"],
                        run["created_at"],
                        run["updated_at"],
                    ),
                )
                new_run[run["id"]] = int(cur.lastrowid or 0)
            for entry in entries:
                values = {k: entry[k] for k in entry.keys() if k != "id"}
                if values.get("run_id") is not None:
                    values["run_id"] = new_run.get(values["run_id"])
                names = ", ".join(values)
                marks = ", ".join("?" for _ in values)
                self.conn.execute(
                    f"INSERT INTO entries ({names}) VALUES ({marks})", tuple(values.values())
                )
                unsettled += entry["state"] in ("pending", "sent", "unknown")
            self.conn.execute("COMMIT")
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        target = path.with_name(f"{path.name}.absorbed-{time.strftime('%Y%m%d-%H%M%S')}")
        _move(path, target)
        log.warning("brought %d write(s) back from %s (now %s)", len(entries), path, target)
        return unsettled

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
