"""Drafts: what the technician typed in a modal, kept until Syncro has it.

Every modal (comment, billing, new ticket) saves its fields as they are typed, one small
JSON file per (kind, ticket). Each save is atomic (temp file, fsync, ``os.replace``, fsync
of the folder), so a crash, a killed terminal or a power cut leaves either the previous
draft or the new one, never half of one. Reopening the modal loads it back.

A draft is deleted only when its write is confirmed: the outbox is given a ``DraftLink``
with the write and discards the draft when the write is confirmed or verified landed, and
only if the draft still holds the text that was sent (the technician may have started a
new one meanwhile).

Stdlib only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import time
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from syncro_tui import paths

log = logging.getLogger(__name__)

_KIND = re.compile(r"^[a-z][a-z0-9_]*$")


def write_json_atomically(path: Path, data: Any) -> None:
    """Replace ``path`` with ``data`` as JSON so that readers only ever see a whole file.

    The file is private (0600): drafts and timers hold customer details. When the write fails
    (a full disk, a read-only folder) the previous file is left whole and the error raised.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    paths.write_private(path, text)


def _fsync_dir(folder: Path) -> None:
    paths.fsync_dir(folder)


def read_json(path: Path) -> Any | None:
    """The JSON in ``path``; None when missing. An unreadable file is moved aside (kept for
    a human to look at) instead of crashing the app or being overwritten."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    try:
        return json.loads(text)
    except ValueError:
        aside = path.with_name(f"{path.name}.unreadable-{int(time.time())}")
        log.warning("%s is not valid JSON; moved to %s", path, aside)
        os.replace(path, aside)
        return None


def is_empty(fields: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> bool:
    """True when nothing was typed: every text field is blank or still its default.
    Non-text fields (a visibility choice, a checkbox) are not typing and do not count."""
    defaults = defaults or {}
    for name, value in fields.items():
        if isinstance(value, str) and value.strip() and value != defaults.get(name):
            return False
    return True


def digest(fields: Mapping[str, Any]) -> str:
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class DraftLink:
    """Ties a write to the draft it was typed in: ``digest`` is the draft's content when
    the write was confirmed by the technician (None when there was no saved draft)."""

    kind: str
    ticket_id: int | None
    digest: str | None


class Drafts:
    """One folder of drafts (in the user data dir), one file per (kind, ticket id).

    ``ticket_id`` is None for drafts that belong to no ticket yet (a new ticket).
    """

    def __init__(self, folder: Path) -> None:
        self.folder = Path(folder)

    def _file(self, kind: str, ticket_id: int | None) -> Path:
        if not _KIND.match(kind):
            raise ValueError(f"draft kind must be a lower-case word, not {kind!r}")
        if ticket_id is not None and (
            isinstance(ticket_id, bool) or not isinstance(ticket_id, int)
        ):
            raise ValueError(f"ticket id must be an integer or None, not {ticket_id!r}")
        return self.folder / f"{kind}-{'new' if ticket_id is None else ticket_id}.json"

    def save(
        self,
        kind: str,
        ticket_id: int | None,
        fields: Mapping[str, Any],
        defaults: Mapping[str, Any] | None = None,
    ) -> None:
        """Keep ``fields`` (JSON values). An empty draft is not kept: saving one removes the
        file, so an untouched modal leaves nothing behind."""
        if is_empty(fields, defaults):
            self.discard(kind, ticket_id)
            return
        write_json_atomically(
            self._file(kind, ticket_id),
            {
                "kind": kind,
                "ticket_id": ticket_id,
                "saved_at": time.time(),
                "fields": dict(fields),
            },
        )

    def kept(self) -> list[tuple[str, int | None]]:
        """Every draft on disk as (kind, ticket id), for "you have unsent work" on quit."""
        found = []
        for path in sorted(self.folder.glob("*.json")):
            data = read_json(path)
            if isinstance(data, dict) and isinstance(data.get("fields"), dict):
                found.append((str(data.get("kind", "")), data.get("ticket_id")))
        return found

    def load(self, kind: str, ticket_id: int | None) -> dict[str, Any] | None:
        data = read_json(self._file(kind, ticket_id))
        if not isinstance(data, dict) or not isinstance(data.get("fields"), dict):
            return None
        return data["fields"]

    def discard(self, kind: str, ticket_id: int | None) -> None:
        path = self._file(kind, ticket_id)
        try:
            path.unlink()
        except FileNotFoundError:
            return
        _fsync_dir(path.parent)

    def ticket_ids(self) -> set[int]:
        """Tickets that hold an unsent draft of any kind (the list marks them)."""
        ids: set[int] = set()
        try:
            names = [p.name for p in self.folder.glob("*-*.json")]
        except OSError:
            return ids
        for name in names:
            number = name[:-5].rpartition("-")[2]
            if number.isdigit():
                ids.add(int(number))
        return ids

    def link(self, kind: str, ticket_id: int | None) -> DraftLink:
        """The link to hand the outbox with the write typed in this draft."""
        fields = self.load(kind, ticket_id)
        return DraftLink(kind, ticket_id, None if fields is None else digest(fields))

    def discard_if_unchanged(self, link: DraftLink) -> bool:
        """Delete the draft if it still holds what was sent; True when it was deleted."""
        fields = self.load(link.kind, link.ticket_id)
        if fields is None or digest(fields) != link.digest:
            return False
        self.discard(link.kind, link.ticket_id)
        return True
