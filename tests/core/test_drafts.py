"""Drafts: saved per (kind, ticket), restored by a new instance, atomic, private, never
crashing on a damaged file, and deleted only when still holding what was sent.
(The kill-mid-typing test is in test_restart.py.)"""

from __future__ import annotations

import os
import stat

import pytest

from syncro_tui.core.drafts import Drafts, is_empty


@pytest.fixture
def drafts(tmp_path):
    return Drafts(tmp_path / "drafts")


def test_a_draft_comes_back_in_a_new_instance(drafts, tmp_path):
    fields = {"subject": "Update", "body": "Half a thought", "visibility": "public"}
    drafts.save("comment", 42, fields)
    assert Drafts(tmp_path / "drafts").load("comment", 42) == fields


def test_drafts_are_kept_apart_by_kind_and_ticket(drafts):
    drafts.save("comment", 1, {"body": "one"})
    drafts.save("comment", 2, {"body": "two"})
    drafts.save("billing", 1, {"description": "bill"})
    drafts.save("new_ticket", None, {"subject": "new"})
    assert drafts.load("comment", 1) == {"body": "one"}
    assert drafts.load("comment", 2) == {"body": "two"}
    assert drafts.load("billing", 1) == {"description": "bill"}
    assert drafts.load("new_ticket", None) == {"subject": "new"}
    assert drafts.load("billing", 2) is None


def test_text_is_kept_exactly(drafts):
    body = "Grüße 🎉 [bold]x[/] <b>y</b>\r\n" + "z" * 100_000
    drafts.save("comment", 1, {"body": body})
    assert drafts.load("comment", 1) == {"body": body}


def test_an_untouched_modal_leaves_no_draft(drafts):
    drafts.save("comment", 1, {"subject": "Update", "body": "typed"})
    drafts.save("comment", 1, {"subject": "Update", "body": "  "}, defaults={"subject": "Update"})
    assert drafts.load("comment", 1) is None
    assert list(drafts.folder.iterdir()) == []


def test_is_empty_ignores_defaults_and_choices():
    assert is_empty(
        {"subject": "Update", "body": "", "visibility": "internal"},
        defaults={"subject": "Update", "visibility": "internal"},
    )
    assert is_empty({"minutes": "", "create_invoice": True})
    assert not is_empty({"subject": "Resolution", "body": ""}, defaults={"subject": "Update"})
    assert not is_empty({"body": "x"})


def test_discard(drafts):
    drafts.save("comment", 1, {"body": "gone soon"})
    drafts.discard("comment", 1)
    drafts.discard("comment", 1)  # already gone: fine
    assert drafts.load("comment", 1) is None


def test_files_are_private_and_no_temp_files_remain(drafts):
    for n in range(5):
        drafts.save("comment", 1, {"body": f"version {n}"})
    [only] = list(drafts.folder.iterdir())
    assert only.name == "comment-1.json"
    assert stat.S_IMODE(os.stat(only).st_mode) == 0o600


def test_a_damaged_draft_is_moved_aside_not_fatal(drafts):
    drafts.save("comment", 1, {"body": "fine"})
    (drafts.folder / "comment-1.json").write_text('{"fields": {"body": "cut of', encoding="utf-8")
    assert drafts.load("comment", 1) is None
    kept = [p.name for p in drafts.folder.iterdir()]
    assert len(kept) == 1 and kept[0].startswith("comment-1.json.unreadable-")
    drafts.save("comment", 1, {"body": "new"})
    assert drafts.load("comment", 1) == {"body": "new"}


def test_discard_if_unchanged_spares_newer_text(drafts):
    drafts.save("comment", 1, {"body": "sent"})
    link = drafts.link("comment", 1)
    drafts.save("comment", 1, {"body": "typed after sending"})
    assert drafts.discard_if_unchanged(link) is False
    assert drafts.load("comment", 1) == {"body": "typed after sending"}
    assert drafts.discard_if_unchanged(drafts.link("comment", 1)) is True
    assert drafts.load("comment", 1) is None


@pytest.mark.parametrize(
    "kind, ticket", [("../etc", 1), ("Comment", 1), ("comment", "1"), ("comment", True)]
)
def test_keys_cannot_escape_the_folder(drafts, kind, ticket):
    with pytest.raises(ValueError):
        drafts.save(kind, ticket, {"body": "x"})
