"""What a ticket asks of the technician: status kinds and short forms, ranks, due, folding."""

from __future__ import annotations

from datetime import date

from syncro_tui.core.rows import TicketRow
from syncro_tui.core.triage import (
    due_state,
    fold,
    matcher,
    short_statuses,
    sort_rows,
    status_kind,
)

DEMO = (
    "New", "In Progress", "Resolved", "Invoiced", "Waiting for Parts", "Waiting on Customer",
    "Scheduled", "Customer Reply", "Waiting on Vendor", "Closed",
)  # fmt: skip


def test_statuses_are_read_for_what_they_ask():
    kinds = {s: status_kind(s) for s in DEMO}
    assert kinds["Customer Reply"] == "reply"  # the customer waits for us
    assert kinds["New"] == "new"
    assert kinds["Waiting on Customer"] == kinds["Waiting on Vendor"] == "waiting"
    assert kinds["In Progress"] == kinds["Scheduled"] == "working"
    assert kinds["Resolved"] == kinds["Invoiced"] == "done"
    assert status_kind("Pending approval") == "waiting"  # an account's own words
    assert status_kind("Quarantine") == "other"


def test_short_forms_are_derived_and_never_ambiguous():
    short = short_statuses(DEMO, 10)
    assert short["Waiting on Customer"] == "Wait Cust"
    assert short["Waiting on Vendor"] == "Wait Vend"
    assert short["Customer Reply"] == "Cust Reply"
    assert short["New"] == "New"
    assert all(len(s) <= 10 for s in short.values())
    assert len({s.casefold() for s in short.values()}) == len(DEMO)
    other = short_statuses(["Waiting on Customer Approval", "Waiting on Customer Reply"], 10)
    assert len(set(other.values())) == 2


def test_the_priority_sort_is_the_one_ranker_over_mixed_shapes():
    """One order for a mixed account: urgent first ("High" with "1 High"), words the account
    no longer lists after the ones it does, none last; the oldest first within a priority."""
    account = ["", "0 Urgent", "1 High", "2 Normal", "3 Low"]
    values = ["3 Low", "", "High", "Urgent", "2 Normal", "1 High", "Whatever", "0 Urgent", ""]
    rows = [
        TicketRow(i, str(100 + i), "s", "New", priority=p, created_at=f"2026-11-{10 - i:02d}")
        for i, p in enumerate(values)
    ]
    ordered = sort_rows(rows, "priority", False, account)
    assert [r.priority for r in ordered] == [
        "0 Urgent", "Urgent", "1 High", "High", "2 Normal", "3 Low", "Whatever", "", "",
    ]  # fmt: skip
    assert [r.id for r in ordered if r.priority in ("0 Urgent", "Urgent")] == [7, 3]  # oldest
    assert [r.id for r in ordered][-2:] == [8, 1]
    assert sort_rows(rows, "priority", True, account) == ordered[::-1]


def test_the_p_filter_uses_the_same_ranker():
    account = ["", "0 Urgent", "1 High", "2 Normal", "3 Low"]
    rows = [
        TicketRow(i, str(i), "s", "New", priority=p)
        for i, p in enumerate(["1 High", "High", "high", "2 Normal", "", "Urgent"])
    ]

    def shown(text):
        match = matcher(text, me=None, priorities=account)
        return [r.id for r in rows if match(r, fold(r.search_text()))]

    assert shown("p:1") == [0, 1, 2]
    assert shown("p:0") == [5]
    assert shown("p:high") == [0, 1, 2] and shown("p:norm") == [3]
    assert shown("p:none") == [4]


def test_due_text_says_how_long_overdue_without_colour():
    from syncro_tui.core.triage import due_text

    today = date(2026, 11, 20)
    assert due_text("2026-11-17", today) == "-3d"
    assert due_text("2026-10-02", today) == "-7w"  # the demo's #1041, seven weeks
    assert due_text("2024-11-01", today) == "-2y"
    assert due_text("2026-11-20", today) == "today"
    assert due_text("2026-12-24", today) == "12-24"
    assert due_text("", today) == due_text("0000-00-00", today) == ""


def test_sla_filter_terms():
    rows = [
        TicketRow(1, "1", "s", "New", sla_state="breached"),
        TicketRow(2, "2", "s", "New", sla_state="breaching soon"),
        TicketRow(3, "3", "s", "New"),
    ]

    def shown(text):
        match = matcher(text, me=None)
        return [r.id for r in rows if match(r, fold(r.search_text()))]

    assert shown("sla:late") == shown("sla:breached") == [1]
    assert shown("sla:soon") == [1, 2]


def test_due_state():
    today = date(2026, 11, 20)
    assert due_state("2026-10-01", today) == "overdue"
    assert due_state("2026-11-20", today) == "today"
    assert due_state("2026-11-22", today) == "soon"
    assert due_state("2026-12-20", today) == "later"
    assert due_state("", today) == due_state("garbage", today) == ""


def test_fold_finds_wifi_and_accents():
    assert fold("wifi") in fold("Wi-Fi slow in exam rooms")
    assert fold("sorensen") in fold("Sørensen Insurance")
    assert fold("zoe") in fold("Zoë Lindqvist")


def test_sort_orders():
    rows = [
        TicketRow(1, "1", "a", "Waiting on Customer", "3 Low", customer_name="Bravo",
                  created_at="2026-01-02", due_date=""),
        TicketRow(2, "2", "b", "Customer Reply", "1 High", customer_name="alpha",
                  created_at="2026-01-01", due_date="2026-02-01"),
        TicketRow(3, "3", "c", "New", "", customer_name="Charlie", created_at="2026-01-03",
                  due_date="2026-01-15"),
    ]  # fmt: skip
    ids = lambda key, rev=False: [r.id for r in sort_rows(rows, key, rev)]  # noqa: E731
    assert ids("updated") == [1, 2, 3]
    assert ids("created") == [3, 1, 2]
    assert ids("priority") == [2, 1, 3]  # no priority last
    assert ids("due") == [3, 2, 1]  # none last
    assert ids("status") == [2, 3, 1]  # reply, new, waiting
    assert ids("customer") == [2, 1, 3]
    assert ids("customer", True) == [3, 1, 2]
