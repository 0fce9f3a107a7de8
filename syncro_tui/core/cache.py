"""SQLite cache of one account's queue, so start-up paints the last known tickets at once.

One file per account in the user cache dir holds the ticket rows (one column per TicketRow
field), the technician's "seen" marks, account data and ticket details as JSON, and a meta
table with the schema id and when the rows were saved.

It is only a cache: a file that is corrupt, not SQLite, or of another schema is deleted and
recreated, and if even that fails the cache carries on empty. Nothing here ever stops the app.
Writes happen in transactions, in WAL mode (readers in other syncro-tui processes are not
blocked), and the file is private (0600): ticket subjects are customer data.

Stdlib only: ``load_preview`` (or ``load_rows`` for a small queue) runs before the first paint.
"""

from __future__ import annotations

import gc
import logging
import os
import re
import sqlite3
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any, TypeVar

from syncro_tui import paths
from syncro_tui.core.rows import ROW_FIELDS, SHARED_IDS, SHARED_IDS_MAX, TicketRow
from syncro_tui.paths import cache_dir

__all__ = ["SCHEMA_VERSION", "Preview", "TicketCache", "cache_path"]

log = logging.getLogger(__name__)

_T = TypeVar("_T")

SCHEMA_VERSION = 1
"""Bump when the tables change. TicketRow's field list is part of the schema id too, so a
changed row shape discards old caches without anyone remembering to bump this."""

_SCHEMA_ID = f"{SCHEMA_VERSION}:{','.join(ROW_FIELDS)}"

_SQL_TYPES = {"int": "INTEGER", "str": "TEXT", "float": "REAL", "bool": "INTEGER"}


def _column(name: str, annotation: str) -> str:
    base = str(annotation).replace(" | None", "")
    return f"{name} INTEGER PRIMARY KEY" if name == "id" else f"{name} {_SQL_TYPES[base]}"


_ROW_COLUMNS = ", ".join(_column(f.name, str(f.type)) for f in fields(TicketRow))
_SELECT_ROWS = f"SELECT {', '.join(ROW_FIELDS)} FROM tickets"
_INSERT_ROW = (
    f"INSERT OR REPLACE INTO tickets ({', '.join(ROW_FIELDS)}) "
    f"VALUES ({', '.join('?' * len(ROW_FIELDS))})"
)

_SCHEMA = f"""
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE tickets ({_ROW_COLUMNS});
CREATE TABLE seen (id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL);
CREATE TABLE blobs (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE details (id INTEGER PRIMARY KEY, updated_at TEXT NOT NULL, value TEXT NOT NULL);
"""

PAGE_CACHE_KIB = 256
"""SQLite's page cache for the cache file, per connection (its default is 2,000 KiB). Every
use here is a scan or a batch written once: a 10,000-row load, a reconcile's diff, a few
upserts per poll; none reads a page twice, so the default cache only held 2 MiB of the file
for the life of the process (measured at 10,044 rows: 2,088 KiB -> 290 KiB of SQLite's
memory, and no difference in the CPU of a load, a replace_rows or a full save)."""

_SQLITE_BUSY_CODES = (5, 6)  # SQLITE_BUSY, SQLITE_LOCKED: another process is writing


def cache_path(account: str) -> Path:
    """The cache file for ``account`` (a subdomain or host) in the user cache dir.

    Names that are not already filename-safe get a short hash, so "a/b" and "a_b" differ.
    """
    name = account.strip().lower()
    if not name:
        raise ValueError("account name is empty")
    slug = re.sub(r"[^a-z0-9._-]+", "_", name).strip("._-")[:64] or "account"
    if slug != name:
        import hashlib

        slug = f"{slug}-{hashlib.sha256(name.encode()).hexdigest()[:10]}"
    return cache_dir() / "tickets" / f"{slug}.sqlite3"


@dataclass(frozen=True, slots=True)
class Preview:
    """What ``TicketCache.load_preview`` read: ``rows`` (the first ones in order, then the
    rows picked for their values), ``total`` rows in the cache, and ``values``: every
    distinct value of each field asked for."""

    rows: list[TicketRow]
    total: int
    values: dict[str, tuple]


class TicketCache:
    """The cache file of one account. Safe to call from a worker thread (one lock guards the
    connection); each method is one short transaction."""

    def __init__(self, path: Path, *, clock: Callable[[], float] = time.time) -> None:
        self.path = Path(path)
        self._clock = clock
        self._lock = threading.Lock()
        self._conn: sqlite3.Connection | None = None
        try:
            self._conn = self._open()
        except (OSError, sqlite3.Error) as exc:
            log.warning("ticket cache %s unavailable (%s); running without it", self.path, exc)

    # -- rows ---------------------------------------------------------------------------------

    def load_rows(self) -> list[TicketRow]:
        """Every cached row (order unspecified; the store sorts)."""

        def load(conn: sqlite3.Connection) -> list[TicketRow]:
            if len(SHARED_IDS) >= SHARED_IDS_MAX:  # (the generated maker adds without a bound)
                SHARED_IDS.clear()
            with _gc_paused():
                return list(map(_make_row, conn.execute(_SELECT_ROWS)))

        return self._run(load, [])

    def load_preview(
        self, first: int, *, longest: Iterable[str] = (), every: Iterable[str] = ()
    ) -> Preview | None:
        """Part of the cached queue, enough to paint its first screen exactly: the ``first``
        rows in the store's order (newest activity first, the newer ticket breaking ties),
        for each field in ``longest`` a row holding its longest value, and for each field in
        ``every`` a row per distinct value; with how many rows the cache holds. None when the
        cache holds no more than ``2 * first`` rows (``load_rows`` then costs about as much).

        A warm start of 10,044 tickets spent ~110 ms in ``load_rows`` and ~60 more filling the
        store and the list before its first frame; this reads ~100 rows of it in a few scans
        without building the others (~15-25 ms), and the rest follows the first frame.
        """
        longest, every = tuple(longest), tuple(every)
        for name in (*longest, *every):
            if name not in ROW_FIELDS:
                raise ValueError(f"no row field {name!r}")

        def load(conn: sqlite3.Connection) -> Preview | None:
            # one scan for the count and the longest lengths; the rows holding them are
            # found by scans that stop at the first (about half the cost of one max() each)
            widest = "".join(f", max(length({name}))" for name in longest)
            total, *lengths = conn.execute(
                f"SELECT count(*){widest} FROM tickets"  # noqa: S608 - our own names
            ).fetchone()
            if total <= 2 * first:
                return None
            columns = ", ".join(ROW_FIELDS)
            with _gc_paused():
                rows = list(
                    map(
                        _make_row,
                        conn.execute(
                            f"SELECT {columns} FROM tickets "  # noqa: S608
                            "ORDER BY updated_ts DESC, id DESC LIMIT ?",
                            (first,),
                        ),
                    )
                )
            ids = {row.id for row in rows}
            wanted: set[int] = set()
            values: dict[str, tuple] = {}
            for name, length in zip(longest, lengths, strict=True):
                if length is not None:
                    found = conn.execute(
                        f"SELECT id FROM tickets WHERE length({name}) = ? LIMIT 1",  # noqa: S608
                        (length,),
                    ).fetchone()
                    wanted.add(found[0])
            for name in every:  # one scan: each distinct value and a row that holds it
                held = conn.execute(
                    f"SELECT {name}, min(id) FROM tickets GROUP BY {name}"  # noqa: S608
                ).fetchall()
                values[name] = tuple(value for value, _ in held)
                wanted.update(ticket_id for _, ticket_id in held)
            wanted -= ids
            if wanted:
                marks = ",".join("?" * len(wanted))
                with _gc_paused():
                    rows += map(
                        _make_row,
                        conn.execute(
                            f"SELECT {columns} FROM tickets WHERE id IN ({marks})",  # noqa: S608
                            tuple(wanted),
                        ),
                    )
            return Preview(rows=rows, total=total, values=values)

        return self._run(load, None)

    def save_rows(self, rows: Iterable[TicketRow], *, full: bool = True) -> None:
        """Store rows. ``full``: they are the whole queue, replacing every row held (and the
        details of tickets no longer in it); otherwise upsert them."""

        values = [row.as_tuple() for row in rows]  # a list: a retry after a reset reuses it

        def save(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                if full:
                    conn.execute("DELETE FROM tickets")
                conn.executemany(_INSERT_ROW, values)
                if full:
                    conn.execute("DELETE FROM details WHERE id NOT IN (SELECT id FROM tickets)")
                self._touch(conn)

        self._run(save, None)

    def replace_rows(self, rows: Mapping[int, TicketRow]) -> None:
        """Make the cached queue ``rows`` (id -> row, the whole queue), writing only what
        differs: rows it lacks or holds otherwise are written, rows not in ``rows`` (and
        their details) removed. The same file as ``save_rows(rows.values(), full=True)``;
        a full reconcile of 10,000 mostly unchanged rows rewrote them all (~0.15-0.2 s of
        CPU, a list of 10,000 tuples, and the WAL pages) to change a handful."""

        def save(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                gone: list[tuple[int]] = []
                differ: list[int] = []  # ids: each row's values are made as it is written
                held: set[int] = set()
                for cached in conn.execute(_SELECT_ROWS):
                    ticket_id = cached[0]
                    row = rows.get(ticket_id)
                    if row is None:
                        gone.append((ticket_id,))
                        continue
                    held.add(ticket_id)
                    if row.as_tuple() != cached:  # (INTEGER 1 == True: a flag reads back equal)
                        differ.append(ticket_id)
                differ += [i for i in rows if i not in held]
                del held
                conn.executemany("DELETE FROM tickets WHERE id = ?", gone)
                # a generator: a reconcile that changed every row (new times for all) held a
                # list of 10,000 tuples (~2 MiB) beside the old and the new rows
                conn.executemany(_INSERT_ROW, (rows[i].as_tuple() for i in differ))
                conn.execute("DELETE FROM details WHERE id NOT IN (SELECT id FROM tickets)")
                self._touch(conn)

        self._run(save, None)

    def upsert_rows(self, rows: Iterable[TicketRow]) -> None:
        """Insert or replace these rows, keeping the others."""
        self.save_rows(rows, full=False)

    def remove(self, ids: Iterable[int]) -> None:
        """Forget these tickets: rows, seen marks and details."""
        params = [(int(ticket_id),) for ticket_id in ids]

        def remove(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                for table in ("tickets", "seen", "details"):
                    conn.executemany(f"DELETE FROM {table} WHERE id = ?", params)
                self._touch(conn)

        self._run(remove, None)

    def saved_at(self) -> float | None:
        """Wall-clock time the rows were last written, or None for an empty cache."""

        def read(conn: sqlite3.Connection) -> float | None:
            found = conn.execute("SELECT value FROM meta WHERE key = 'saved_at'").fetchone()
            return float(found[0]) if found else None

        return self._run(read, None)

    def _touch(self, conn: sqlite3.Connection) -> None:
        conn.execute(
            "INSERT OR REPLACE INTO meta (key, value) VALUES ('saved_at', ?)",
            (repr(self._clock()),),
        )

    # -- seen marks ---------------------------------------------------------------------------

    def load_seen(self, ids: Iterable[int] | None = None) -> dict[int, str]:
        """Ticket id -> the updated_at the technician last saw (of these ``ids`` only)."""
        if ids is None:
            return self._run(lambda conn: dict(conn.execute("SELECT id, updated_at FROM seen")), {})
        params = tuple(int(ticket_id) for ticket_id in ids)
        marks = ",".join("?" * len(params))
        sql = f"SELECT id, updated_at FROM seen WHERE id IN ({marks})"  # noqa: S608
        return self._run(lambda conn: dict(conn.execute(sql, params)) if params else {}, {})

    def save_seen(self, seen: Mapping[int, str], *, full: bool = True) -> None:
        """Store seen marks; ``full`` replaces them all, otherwise these are upserted."""
        items = list(seen.items())

        def save(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                if full:
                    conn.execute("DELETE FROM seen")
                conn.executemany("INSERT OR REPLACE INTO seen (id, updated_at) VALUES (?,?)", items)

        self._run(save, None)

    # -- account data and details (JSON) ------------------------------------------------------

    def get_blob(self, key: str) -> Any:
        """The JSON value stored under ``key`` (me, ticket settings, settings, users, products),
        or None."""
        found = self._run(
            lambda conn: conn.execute("SELECT value FROM blobs WHERE key = ?", (key,)).fetchone(),
            None,
        )
        return _json_or_none(found[0], key) if found else None

    def put_blob(self, key: str, value: Any) -> None:
        """Store a JSON-serialisable value (raw API dicts) under ``key``."""
        import json

        text = json.dumps(value, separators=(",", ":"))

        def put(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute("INSERT OR REPLACE INTO blobs (key, value) VALUES (?, ?)", (key, text))

        self._run(put, None)

    def get_detail(self, ticket_id: int) -> tuple[Any, str] | None:
        """``(raw API dict, updated_at it was fetched for)`` of a ticket, or None."""
        found = self._run(
            lambda conn: conn.execute(
                "SELECT value, updated_at FROM details WHERE id = ?", (int(ticket_id),)
            ).fetchone(),
            None,
        )
        if not found:
            return None
        detail = _json_or_none(found[0], f"detail {ticket_id}")
        return None if detail is None else (detail, found[1])

    def put_detail(self, ticket_id: int, detail: Any, updated_at: str) -> None:
        """Store a ticket's raw API dict, fetched when its updated_at was ``updated_at``."""
        import json

        text = json.dumps(detail, separators=(",", ":"))

        def put(conn: sqlite3.Connection) -> None:
            with _transaction(conn):
                conn.execute(
                    "INSERT OR REPLACE INTO details (id, updated_at, value) VALUES (?, ?, ?)",
                    (int(ticket_id), updated_at, text),
                )

        self._run(put, None)

    # -- lifecycle ----------------------------------------------------------------------------

    def close(self) -> None:
        with self._lock:
            if self._conn is not None:
                self._conn.close()
                self._conn = None

    def __enter__(self) -> TicketCache:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- opening, recovery --------------------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        """Connect, and start afresh unless the file holds exactly our schema."""
        conn = None
        try:
            conn = self._connect()
            schema = _schema_of(conn)
        except sqlite3.DatabaseError as exc:  # not a database, corrupt, or a foreign one
            if conn is not None:
                conn.close()
            if _is_busy(exc):
                raise  # another process is busy with a good file: do without it this time
            log.warning("discarding ticket cache %s: %s", self.path, exc)
            return self._create()
        if schema == _SCHEMA_ID:
            return conn
        conn.close()
        if schema is not None:
            log.warning("discarding ticket cache %s: schema %r", self.path, schema)
        return self._create()

    def _connect(self) -> sqlite3.Connection:
        paths.ensure(self.path.parent)
        # Private before SQLite first writes to it, and private if it existed with looser modes.
        os.close(os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600))
        os.chmod(self.path, 0o600)
        conn = sqlite3.connect(
            self.path, timeout=1.0, isolation_level=None, check_same_thread=False
        )
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")  # a cache may lose its last write to a crash
            conn.execute(f"PRAGMA cache_size=-{PAGE_CACHE_KIB}")
        except sqlite3.DatabaseError:
            conn.close()
            raise
        return conn

    def _create(self) -> sqlite3.Connection:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)
        conn = self._connect()
        with _transaction(conn):
            for statement in _SCHEMA.strip().split(";\n"):
                conn.execute(statement)
            conn.execute("INSERT INTO meta (key, value) VALUES ('schema', ?)", (_SCHEMA_ID,))
        return conn

    def _run(self, op: Callable[[sqlite3.Connection], _T], default: _T) -> _T:
        """Run ``op``; on a broken file start afresh and run it once more.

        ``default`` is the answer when the cache cannot be used at all, or is busy (another
        process writing for longer than the timeout: skip rather than stall the UI).
        """
        with self._lock:
            for attempt in (1, 2):
                if self._conn is None:
                    return default
                try:
                    return op(self._conn)
                except sqlite3.DatabaseError as exc:
                    if _is_busy(exc):
                        log.info("ticket cache %s busy; skipped", self.path)
                        return default
                    log.warning("ticket cache %s broken (%s); starting afresh", self.path, exc)
                    self._conn.close()
                    self._conn = None
                    if attempt == 1:
                        try:
                            self._conn = self._create()
                        except (OSError, sqlite3.Error) as again:
                            log.warning("ticket cache %s unavailable (%s)", self.path, again)
            return default


def _schema_of(conn: sqlite3.Connection) -> str | None:
    """The schema id recorded in the file; None for a new, empty file."""
    if conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0] == 0:
        return None
    found = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return found[0] if found else "missing"


def _is_busy(exc: sqlite3.DatabaseError) -> bool:
    return getattr(exc, "sqlite_errorcode", 0) & 0xFF in _SQLITE_BUSY_CODES


@contextmanager
def _transaction(conn: sqlite3.Connection) -> Iterator[None]:
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        if conn.in_transaction:  # SQLite has already rolled back after some errors
            conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _row_maker() -> Callable[[tuple], TicketRow]:
    """A TicketRow constructor from a SELECT tuple, about twice as fast as ``TicketRow(*v)``.

    A frozen dataclass's ``__init__`` sets each field through ``object.__setattr__``; with
    10,000 rows that alone costs ~20-30 ms of the start-up budget. The function generated here
    sets the slots through their descriptors directly, which is all ``__init__`` does (TicketRow
    has no ``__post_init__``; a test guards that), unrolled as ``dataclasses`` itself does it.
    SQLite has no booleans, so bool fields are turned back from 0/1 here too.
    """
    bools = {f.name for f in fields(TicketRow) if str(f.type) == "bool"}
    namespace: dict[str, Any] = {
        "new": object.__new__,
        "TicketRow": TicketRow,
        "intern": sys.intern,
        "ids": SHARED_IDS.setdefault,
        "str": str,
    }
    lines = ["def make(values):", "    row = new(TicketRow)"]
    for i, name in enumerate(ROW_FIELDS):
        namespace[f"set_{name}"] = getattr(TicketRow, name).__set__
        value = f"values[{i}] == 1" if name in bools else f"values[{i}]"
        if name in SHARED_FIELDS:  # one string object for what many rows repeat
            lines.append(f"    v = values[{i}]")
            value = "intern(v) if v.__class__ is str else v"
        elif name in SHARED_ID_FIELDS:  # and one int object (bounded in load_rows)
            value = f"ids(values[{i}], values[{i}])"
        lines.append(f"    set_{name}(row, {value})")
    lines.append("    return row")
    exec("\n".join(lines), namespace)  # noqa: S102 - source built from our own field names
    return namespace["make"]


SHARED_FIELDS = frozenset(
    (
        "status",
        "priority",
        "customer_name",
        "assignee",
        "problem_type",
        "contact_name",
        "ticket_type",
        "sla_name",
        "sla_state",
        "contract_name",
        "due_date",
    )
)
"""Row fields whose text repeats across many tickets: interned as rows load, as the sync path
(``core.page_rows``) does for the same fields. It matters for the whole session: a reconcile
keeps a held row that is unchanged (the same object), so a cached row's copies would stay.
Measured on 10,044 cached rows: 7.49 MiB traced with five fields interned, 5.75 MiB with
these eleven, and no measurable difference in the CPU of the load (4 interleaved runs each,
80-130 ms on a loaded 2-core machine either way)."""

SHARED_ID_FIELDS = frozenset(("customer_id", "user_id"))
"""Row fields whose ids repeat across many tickets: one int object each (``rows.share_id``),
0.25 MiB at 10,044 rows (1,949 customers)."""

_make_row = _row_maker()


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cycle collector while building many objects that hold no cycles; otherwise
    it runs dozens of times during a 10,000-row load for nothing (~20% of the time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _json_or_none(text: str, what: str) -> Any:
    import json  # (not before the first paint: the rows need none)

    try:
        return json.loads(text)
    except ValueError:
        log.warning("ticket cache: %s is not valid JSON; ignored", what)
        return None
