"""The write-kind registry and the client protocol the write path depends on."""

from __future__ import annotations

import inspect

import pytest

from syncro_tui.api.client import SyncroClient
from syncro_tui.core import kinds as K
from syncro_tui.core import writes as W
from syncro_tui.core.write_client import WRITE_CLIENT_METHODS, WriteClient


def test_the_client_has_every_method_the_write_path_calls():
    assert len(WRITE_CLIENT_METHODS) >= 14
    for name in WRITE_CLIENT_METHODS:
        mine = getattr(SyncroClient, name, None)
        assert mine is not None and inspect.iscoroutinefunction(mine), name
        wanted = inspect.signature(getattr(WriteClient, name)).parameters
        have = inspect.signature(mine).parameters
        for param in wanted.values():
            assert param.name in have, f"{name}() lacks {param.name}"
            assert have[param.name].kind == param.kind or param.kind is param.KEYWORD_ONLY, (
                f"{name}({param.name}) is passed differently"
            )


def test_each_kind_is_one_entry_with_what_the_outbox_needs():
    assert set(K.KINDS) == {
        W.COMMENT,
        W.NEW_TICKET,
        W.TICKET_UPDATE,
        W.LINE_ITEM,
        W.UPDATE_LINE_ITEM,
        W.TIMER_ENTRY,
        W.CHARGE_TIMER,
        W.DELETE_TIMER,
        W.INVOICE,
    }
    for name, kind in K.KINDS.items():
        assert kind.name == name
        assert callable(kind.send) and inspect.iscoroutinefunction(kind.verify)
    snapshots = {k.name for k in K.KINDS.values() if k.needs_snapshot}
    assert snapshots == {W.LINE_ITEM, W.TIMER_ENTRY, W.INVOICE}


def test_record_ids_and_emails_come_from_the_kind():
    class Reply:
        id = 11
        ticket_line_item_id = 22

    assert K.KINDS[W.COMMENT].record_id(Reply()) == 11
    assert K.KINDS[W.CHARGE_TIMER].record_id(Reply()) == 22
    assert K.KINDS[W.COMMENT].record_id(None) is None
    assert W.emails_customer(W.comment(1, "Update", "x", "public_email"))
    assert not W.emails_customer(W.comment(1, "Update", "x", "public"))
    assert not W.emails_customer(W.charge_timer(1, 2))


def test_an_unknown_kind_is_refused_in_words():
    bogus = W.WriteIntent("teleport", "POST", "/x", {}, 1, "Teleport", "f")
    with pytest.raises(K.UnknownKind, match="Unknown kind of write 'teleport'"):
        K.kind_of(bogus)
