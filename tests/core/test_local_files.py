"""Drafts, the timer and the write journal are keyed by the account, not its spelling."""

from __future__ import annotations

import pytest

from syncro_tui.config import load_settings
from syncro_tui.core import outbox as O
from syncro_tui.core import writes as W
from syncro_tui.core.drafts import Drafts
from syncro_tui.core.local_files import LocalFiles, account_key, normalised_base_url
from tests.core.test_outbox import comments_with, make_env


def settings(**values):
    return load_settings(env={}).with_overrides(**values)


SPELLINGS = [
    {"subdomain": "acme"},
    {"base_url": "https://acme.syncromsp.com/api/v1"},
    {"base_url": "https://acme.syncromsp.com/api/v1/"},
    {"base_url": "https://ACME.syncromsp.com:443/api/v1"},
    {"subdomain": "acme", "base_url": "https://acme.syncromsp.com/api/v1"},
]


@pytest.mark.parametrize(
    "spelling", SPELLINGS, ids=lambda s: " ".join(f"{k}={v}" for k, v in s.items())
)
def test_every_spelling_of_one_account_has_one_key(spelling):
    assert account_key(settings(**spelling)) == "acme.syncromsp.com"


def test_other_accounts_and_servers_keep_their_own_key():
    assert account_key(settings(subdomain="globex")) == "globex.syncromsp.com"
    assert account_key(settings(base_url="http://127.0.0.1:8765/api/v1")) == "127.0.0.1_8765"
    assert account_key(settings(base_url="https://proxy.example/syncro/api/v1")) == (
        "proxy.example_syncro_api_v1"
    )
    assert normalised_base_url("HTTPS://Acme.SyncroMSP.com:443//api/v1/") == (
        "https://acme.syncromsp.com/api/v1"
    )


def test_drafts_and_the_timer_kept_under_the_subdomain_move_to_the_account(tmp_path):
    old = Drafts(tmp_path / "drafts" / "acme")
    old.save("comment", 7, {"subject": "Update", "body": "typed under subdomain = acme"})
    (tmp_path / "timer-acme.json").write_text("{}", encoding="utf-8")

    files = LocalFiles.of(settings(base_url="https://acme.syncromsp.com/api/v1"), tmp_path)
    moved = files.adopt_legacy()
    assert len(moved) == 2
    draft = Drafts(files.drafts).load("comment", 7)
    assert draft is not None and draft["body"] == "typed under subdomain = acme"
    assert files.timer.exists() and not (tmp_path / "timer-acme.json").exists()
    assert not (tmp_path / "drafts" / "acme").exists()
    assert files.adopt_legacy() == []  # once


def test_a_newer_draft_under_the_account_key_wins(tmp_path):
    Drafts(tmp_path / "drafts" / "acme").save("comment", 7, {"body": "older"})
    files = LocalFiles.of(settings(subdomain="acme"), tmp_path)
    Drafts(files.drafts).save("comment", 7, {"body": "newer"})
    files.adopt_legacy()
    assert Drafts(files.drafts).load("comment", 7)["body"] == "newer"
    assert Drafts(tmp_path / "drafts" / "acme").load("comment", 7)["body"] == "older"  # kept


async def test_an_unsettled_write_under_another_spelling_is_verified(tmp_path):
    """Issue 15: the journal written as subdomain = "acme" held an unverified comment; the
    same account configured by base_url verifies it (found: not sent again)."""
    faults = "POST /tickets/*/comment=drop_after*1;GET *=error_before:500"
    async with make_env(tmp_path, faults) as env:
        ticket = env.open_ticket()
        data = env.db.parent
        legacy = O.Outbox(
            data / "outbox-acme.sqlite3", env.client, settle_seconds=0.0, sleep=env.fake.sleep
        )
        unknown = await legacy.submit(W.comment(ticket.id, "Update", "under the subdomain"))
        assert unknown.state == O.UNKNOWN
        legacy.close()
        env.sandbox.faults.clear()

        files = LocalFiles.of(settings(base_url="https://acme.syncromsp.com/api/v1"), data)
        assert files.legacy_journals == [data / "outbox-acme.sqlite3"]
        outbox = O.Outbox(
            files.journal,
            env.client,
            settle_seconds=0.0,
            sleep=env.fake.sleep,
            absorb=files.legacy_journals,
        )
        assert "brought back" in outbox.notice
        outcomes = await outbox.recover()
        assert [o.state for o in outcomes] == [O.LANDED]
        assert comments_with(ticket, "under the subdomain") == 1
        assert files.legacy_journals == []  # absorbed: renamed aside
        outbox.close()
