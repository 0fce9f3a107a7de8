"""One source for the status, priority and assignee pickers (core/choices.py)."""

from __future__ import annotations

from syncro_tui.core import choices

USERS = {7: "zoe Park", 3: "Alex Rivera", 5: "Ben \x1b[31mKeller", 9: "amir Haddad"}


def test_assignees_are_me_first_then_everyone_by_name():
    assert choices.assignees(USERS, 3) == [
        (3, "me (Alex Rivera)"),
        (9, "amir Haddad"),
        (5, "Ben Keller"),  # API text: cleaned
        (7, "zoe Park"),
    ]


def test_a_current_assignee_the_account_does_not_list_can_be_kept():
    offered = choices.assignees(USERS, 3, 42)
    assert offered[-1] == (42, "user 42")
    assert choices.assignees(USERS, 3, 7) == choices.assignees(USERS, 3)


def test_me_is_named_even_when_the_user_list_lacks_me():
    assert choices.assignees({}, 3, me_name="Alex Rivera") == [(3, "me (Alex Rivera)")]
    assert choices.assignees({}, 3) == [(3, "me (user 3)")]
    assert choices.assignees(USERS, None)[:2] == [(3, "Alex Rivera"), (9, "amir Haddad")]


def test_statuses_and_priorities_keep_the_current_value():
    assert choices.statuses(["New", "In Progress", "", "New"], "Waiting on Parts") == [
        "New",
        "In Progress",
        "Waiting on Parts",
    ]
    assert choices.statuses(["New"], "New") == ["New"]
    assert choices.priorities(["0 Urgent", "", "2 Normal"], "9 Odd") == [
        "0 Urgent",
        "2 Normal",
        "9 Odd",
    ]
