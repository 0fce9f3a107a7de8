"""The ticket cache: round trips, and a broken or foreign file is replaced, never fatal."""

from __future__ import annotations

import sqlite3
import stat

import pytest

from syncro_tui.core import cache as cache_module
from syncro_tui.core.cache import TicketCache, cache_path
from syncro_tui.core.rows import ROW_FIELDS, TicketRow


def row(i: int, **kw) -> TicketRow:
    values = dict(
        id=i,
        number=str(30000 + i),
        subject=f"Own cloud thing again #{i} 👩‍💻",
        status="In Progress",
        priority="2 Normal",
        customer_id=i % 7 or None,
        customer_name="Jerry Burger",
        contact_name="Ann",
        user_id=None if i % 3 else 12,
        assignee="Bob",
        problem_type="Remote Support",
        created_at="2024-01-01T10:00:00.000-05:00",
        updated_at=f"2024-02-01T10:00:{i % 60:02d}.000-05:00",
        updated_ts=1_706_799_600.0 + i,
        due_date="" if i % 2 else "2024-03-01",
        customer_reply=bool(i % 2),
    )
    values.update(kw)
    return TicketRow(**values)


@pytest.fixture
def path(tmp_path):
    return tmp_path / "cache" / "acme.sqlite3"


@pytest.fixture
def cache(path):
    with TicketCache(path, clock=lambda: 1_700_000_000.5) as c:
        yield c


def by_id(rows):
    return sorted(rows, key=lambda r: r.id)


# -- round trips ------------------------------------------------------------------------------


def test_an_empty_cache(cache):
    assert cache.load_rows() == []
    assert cache.saved_at() is None
    assert cache.load_seen() == {}
    assert cache.get_blob("me") is None
    assert cache.get_detail(1) is None


def test_rows_round_trip_with_their_exact_types(cache, path):
    rows = [row(1), row(2), row(3, subject="[bold]x[/]", customer_id=None)]
    cache.save_rows(rows)
    cache.close()
    loaded = by_id(TicketCache(path).load_rows())
    assert loaded == rows
    for got, want in zip(loaded, rows):
        assert [type(getattr(got, f)) for f in ROW_FIELDS] == [
            type(getattr(want, f)) for f in ROW_FIELDS
        ]
    assert loaded[1].customer_reply is False and loaded[0].customer_reply is True
    assert TicketCache(path).saved_at() == 1_700_000_000.5


def test_loaded_rows_are_ordinary_frozen_rows(cache):
    cache.save_rows([row(1)])
    (loaded,) = cache.load_rows()
    assert type(loaded) is TicketRow
    assert hash(loaded) == hash(row(1))
    with pytest.raises(AttributeError):
        loaded.subject = "changed"  # type: ignore[misc]


def test_rows_can_be_built_without_their_init():
    # The cache's fast row builder skips TicketRow.__init__; that is only right while
    # __init__ does nothing but set the fields.
    assert not hasattr(TicketRow, "__post_init__"), "update cache._row_maker to call it"


def test_full_save_replaces_and_upsert_merges(cache):
    cache.save_rows([row(1), row(2), row(3)])
    cache.save_rows([row(2), row(4)], full=True)
    assert [r.id for r in by_id(cache.load_rows())] == [2, 4]
    cache.upsert_rows([row(4, subject="renamed"), row(5)])
    loaded = by_id(cache.load_rows())
    assert [r.id for r in loaded] == [2, 4, 5]
    assert loaded[1].subject == "renamed"


def test_replacing_the_queue_gives_the_file_a_full_save_gives(cache, tmp_path):
    """``replace_rows`` (the reconcile's save: only what differs is written) leaves what
    ``save_rows(full=True)`` leaves: added, changed, removed, unchanged rows, flags and
    missing values, the details of tickets gone, the time of the save."""
    from syncro_tui.core.cache import TicketCache

    other = TicketCache(tmp_path / "other.sqlite3")
    first = [row(1), row(2, customer_reply=True), row(3, customer_id=None), row(4)]
    later = [
        row(2, customer_reply=True),  # unchanged (a flag reads back as 1)
        row(3, customer_id=7, updated_ts=1.5),  # changed
        row(4, customer_reply=False),
        row(5, subject="new"),  # added
    ]  # 1 is gone
    for c in (cache, other):
        c.save_rows(first)
        c.put_detail(1, {"id": 1}, "u1")
        c.put_detail(9, {"id": 9}, "u9")  # a detail of no row in the file
        c.put_detail(2, {"id": 2}, "u2")
    cache.replace_rows({r.id: r for r in later})
    other.save_rows(later, full=True)
    assert by_id(cache.load_rows()) == by_id(other.load_rows()) == by_id(later)
    for ticket_id in (1, 9, 2):
        assert cache.get_detail(ticket_id) == other.get_detail(ticket_id)
    assert cache.get_detail(2) == ({"id": 2}, "u2")
    assert cache.saved_at() is not None
    cache.replace_rows({})
    assert cache.load_rows() == []
    other.close()


def test_remove_forgets_rows_seen_marks_and_details(cache):
    cache.save_rows([row(1), row(2)])
    cache.save_seen({1: "a", 2: "b"})
    cache.put_detail(1, {"id": 1}, "a")
    cache.remove([1])
    assert [r.id for r in cache.load_rows()] == [2]
    assert cache.load_seen() == {2: "b"}
    assert cache.get_detail(1) is None


def test_a_full_save_drops_details_of_tickets_no_longer_open(cache):
    cache.save_rows([row(1), row(2)])
    cache.put_detail(1, {"id": 1}, "u1")
    cache.put_detail(2, {"id": 2}, "u2")
    cache.save_rows([row(2)], full=True)
    assert cache.get_detail(1) is None
    assert cache.get_detail(2) == ({"id": 2}, "u2")


def test_seen_marks_round_trip(cache):
    cache.save_seen({1: "2024-01-01", 2: "2024-01-02"})
    cache.save_seen({2: "2024-02-02", 3: "x"}, full=False)
    assert cache.load_seen() == {1: "2024-01-01", 2: "2024-02-02", 3: "x"}
    cache.save_seen({9: "y"})
    assert cache.load_seen() == {9: "y"}


def test_blobs_and_details_round_trip_as_json(cache):
    me = {"user_id": 7, "user_name": "Bob", "nested": {"list": [1, 2.5, None, "é"]}}
    cache.put_blob("me", me)
    cache.put_blob("users", [[7, "Bob"]])
    cache.put_blob("me", {**me, "user_name": "Robert"})
    assert cache.get_blob("me")["user_name"] == "Robert"
    assert cache.get_blob("users") == [[7, "Bob"]]
    detail = {"id": 5, "comments": [{"body": "<p>hi</p>"}], "updated_at": "t"}
    cache.put_detail(5, detail, "t")
    assert cache.get_detail(5) == (detail, "t")


def test_ten_thousand_rows_round_trip(cache, path):
    rows = [row(i) for i in range(1, 10_001)]
    cache.save_rows(rows)
    cache.close()
    assert by_id(TicketCache(path).load_rows()) == rows


# -- files ------------------------------------------------------------------------------------


def test_the_cache_files_are_private(cache, path):
    cache.save_rows([row(1)])
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    wal = path.with_name(path.name + "-wal")
    assert wal.exists()  # WAL mode
    assert stat.S_IMODE(wal.stat().st_mode) == 0o600
    assert stat.S_IMODE(path.parent.stat().st_mode) == 0o700


def test_an_existing_file_with_loose_permissions_is_made_private(path):
    TicketCache(path).close()
    path.chmod(0o644)
    TicketCache(path).close()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600


def test_cache_path_is_per_account_and_filename_safe(isolated_home):
    plain = cache_path("acme")
    assert plain == isolated_home / "cache" / "tickets" / "acme.sqlite3"
    assert cache_path("ACME ") == plain
    odd = cache_path("127.0.0.1:8765")
    assert odd.parent == plain.parent and odd.name.startswith("127.0.0.1_8765-")
    assert cache_path("a/b") != cache_path("a_b")
    assert cache_path("../../etc/passwd").parent == plain.parent
    assert cache_path("..").parent == plain.parent
    with pytest.raises(ValueError):
        cache_path("  ")


# -- recovery ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "content",
    [
        b"this is not a database at all",
        b"\x00" * 4096,
        b"SQLite format 3\x00" + b"\xff" * 2000,  # a valid header over garbage
    ],
)
def test_a_file_that_is_not_a_usable_database_is_replaced(path, content):
    path.parent.mkdir(parents=True)
    path.write_bytes(content)
    cache = TicketCache(path)
    assert cache.load_rows() == []
    cache.save_rows([row(1)])
    assert [r.id for r in cache.load_rows()] == [1]


def test_an_old_schema_is_discarded(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    conn.execute("INSERT INTO meta VALUES ('schema', '0:id,subject')")
    conn.execute("CREATE TABLE tickets (id INTEGER PRIMARY KEY, subject TEXT)")
    conn.execute("INSERT INTO tickets VALUES (1, 'old shape')")
    conn.commit()
    conn.close()
    cache = TicketCache(path)
    assert cache.load_rows() == []
    cache.save_rows([row(1)])
    assert cache.load_rows() == [row(1)]


def test_a_foreign_sqlite_database_is_discarded(path):
    path.parent.mkdir(parents=True)
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE something_else (x)")
    conn.commit()
    conn.close()
    assert TicketCache(path).load_rows() == []


def test_a_changed_row_shape_discards_the_cache(path, monkeypatch):
    TicketCache(path).save_rows([row(1)])
    monkeypatch.setattr(cache_module, "_SCHEMA_ID", cache_module._SCHEMA_ID + ",new_field")
    assert TicketCache(path).load_rows() == []


def test_corruption_found_after_opening_is_recovered(cache, path):
    cache.save_rows([row(i) for i in range(1, 3001)])
    cache.close()  # checkpoints the WAL into the file
    size = path.stat().st_size
    with open(path, "r+b") as fh:  # clobber ticket pages; the schema pages stay readable
        fh.seek(size // 2)
        fh.write(b"\xde\xad\xbe\xef" * 4096)
    reopened = TicketCache(path)
    assert reopened.load_rows() == []  # the scan hits the damage: we start empty...
    reopened.upsert_rows([row(1)])
    assert reopened.load_rows() == [row(1)]  # ...and the cache works again


def test_an_unusable_location_means_no_cache_not_a_crash(tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    cache = TicketCache(blocker / "acme.sqlite3")  # its folder cannot be created
    cache.save_rows([row(1)])
    cache.put_blob("me", {})
    assert cache.load_rows() == []
    assert cache.get_blob("me") is None
    assert cache.saved_at() is None


def test_a_corrupt_json_value_reads_as_missing(cache, path):
    cache.put_blob("me", {"ok": True})
    cache.put_detail(3, {"ok": True}, "t")
    conn = sqlite3.connect(path)
    conn.execute("UPDATE blobs SET value = '{broken'")
    conn.execute("UPDATE details SET value = 'nope'")
    conn.commit()
    conn.close()
    assert cache.get_blob("me") is None
    assert cache.get_detail(3) is None


def test_a_busy_database_skips_the_write_instead_of_failing(cache, path):
    cache.save_rows([row(1)])
    other = sqlite3.connect(path, isolation_level=None)
    other.execute("BEGIN IMMEDIATE")  # another process holds the write lock
    try:
        cache.upsert_rows([row(2)])  # waits out the timeout, then gives up quietly
        assert [r.id for r in cache.load_rows()] == [1]  # reading is not blocked (WAL)
    finally:
        other.execute("ROLLBACK")
        other.close()
    cache.upsert_rows([row(2)])
    assert [r.id for r in by_id(cache.load_rows())] == [1, 2]


def test_repeated_texts_of_loaded_rows_are_one_string_object(cache):
    shared = dict(
        status="In Progress",
        customer_name="Acme",
        contact_name="Ann Lee",
        ticket_type="Remote Support",
        sla_name="Standard 8x5",
        sla_state="breaching soon",
        contract_name="Block Hours (10 h)",
        due_date="2024-03-01",
    )
    # each row gets its own copy of every text, as SQLite hands them back
    cache.save_rows([row(i, **{k: "".join(list(v)) for k, v in shared.items()}) for i in (1, 2)])
    a, b = sorted(cache.load_rows(), key=lambda r: r.id)
    assert a == row(1, **shared)
    for name in shared:
        assert getattr(a, name) is getattr(b, name), name


def test_the_page_cache_is_bounded_whatever_the_queue_size(cache):
    """SQLite's default page cache (2,000 KiB a connection) held 2 MiB of a 10,000-row file
    for the whole session; the cache file reads and writes in single passes, so its
    connection keeps a small one, and a big queue still round-trips."""
    conn = cache._conn
    assert conn is not None
    assert conn.execute("PRAGMA cache_size").fetchone()[0] == -cache_module.PAGE_CACHE_KIB
    assert cache_module.PAGE_CACHE_KIB <= 512
    many = [row(i, subject=f"{'x' * 200} {i}") for i in range(1, 3001)]  # ~2 MiB of pages
    cache.save_rows(many)
    cache.replace_rows({r.id: r for r in many[:2000]})
    assert by_id(cache.load_rows()) == many[:2000]


# -- a preview for the first paint -----------------------------------------------------------


def test_a_preview_holds_the_first_rows_in_order_and_a_row_for_every_width(cache):
    """The first rows in the store's order (newest activity first, the higher id breaking a
    tie), then rows for the longest value of each field and for every status, and the count:
    what a first frame needs to look exactly as the whole queue would."""
    from syncro_tui.core.store import Store

    rows = [row(i, updated_ts=1_000.0 + i // 2) for i in range(1, 41)]  # pairs tie
    rows[2] = row(3, updated_ts=1_001.0, customer_name="The Longest Customer Name Anywhere")
    rows[4] = row(5, updated_ts=1_002.0, status="Waiting on Parts")
    rows[6] = row(7, updated_ts=1_003.0, assignee="Maximiliana Wolff")
    cache.save_rows(rows)
    store = Store()
    store.apply_tickets(rows, full=True)
    expected_first = list(store.ordered_ids()[:8])

    preview = cache.load_preview(8, longest=("customer_name", "assignee"), every=("status",))

    assert preview is not None and preview.total == 40
    assert [r.id for r in preview.rows[:8]] == expected_first
    assert {3, 5, 7} <= {r.id for r in preview.rows}
    assert len({r.id for r in preview.rows}) == len(preview.rows)  # each row once
    assert set(preview.values["status"]) == {"In Progress", "Waiting on Parts"}
    held = {r.id: r for r in rows}
    assert all(r == held[r.id] for r in preview.rows)  # the same rows load_rows gives


def test_no_preview_of_a_small_cache_and_seen_marks_of_some_tickets(cache):
    cache.save_rows([row(i) for i in range(1, 17)])
    assert cache.load_preview(8) is None  # 16 rows: loading them all costs about the same
    assert cache.load_preview(7) is not None
    with pytest.raises(ValueError):
        cache.load_preview(7, longest=("no_such_field",))
    cache.save_seen({1: "a", 2: "b", 3: "c"})
    assert cache.load_seen([2, 3, 9]) == {2: "b", 3: "c"}
    assert cache.load_seen([]) == {}


def test_rows_loaded_share_one_object_per_customer_and_technician_id(tmp_path):
    with TicketCache(tmp_path / "c.sqlite3") as cache:
        cache.save_rows(
            [
                TicketRow(i, str(i), "s", "New", customer_id=70_000 + i % 3, user_id=9_000)
                for i in range(1000, 1012)
            ]
        )
        rows = sorted(cache.load_rows(), key=lambda r: r.id)
    assert [r.customer_id for r in rows] == [70_000 + i % 3 for i in range(1000, 1012)]
    assert rows[0].customer_id is rows[3].customer_id is rows[6].customer_id
    assert rows[0].user_id is rows[11].user_id  # not an int object per row
