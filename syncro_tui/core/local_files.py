"""Where this machine keeps an account's drafts, running timer and write journal.

All three are keyed by the *account*, not by how it was spelled: ``subdomain = "acme"``,
``base_url = "https://acme.syncromsp.com/api/v1"`` and ``https://ACME.syncromsp.com:443/api/v1/``
are one account, so they share drafts, the timer and unsettled writes. The key is the
normalised base URL (lower-case host, default port and the standard ``/api/v1`` path
dropped), made file-name safe.

Earlier versions keyed files by ``Settings.account`` (the subdomain, or the URL's host and
port). ``LocalFiles.adopt_legacy()`` moves such drafts and timer files under the new key, and
the journal absorbs older journals of the account (``legacy_journals``), so no draft is
hidden and every unsettled write is verified, whatever the spelling was.

Stdlib only.
"""

from __future__ import annotations

import logging
import os
import re
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from syncro_tui import paths
from syncro_tui.config import Settings

log = logging.getLogger(__name__)

SYNCRO_DOMAIN = ".syncromsp.com"
STANDARD_PATH = "/api/v1"
_DEFAULT_PORTS = {"https": 443, "http": 80}


def safe_name(text: str) -> str:
    """A file-name-safe form of ``text``."""
    return re.sub(r"[^A-Za-z0-9._-]+", "_", text) or "account"


def normalised_base_url(url: str) -> str:
    """``https://ACME.syncromsp.com:443/api/v1/`` -> ``https://acme.syncromsp.com/api/v1``."""
    parts = urlsplit(url.strip())
    scheme = (parts.scheme or "https").lower()
    host = (parts.hostname or "").lower()
    port = parts.port
    netloc = host if port in (None, _DEFAULT_PORTS.get(scheme)) else f"{host}:{port}"
    path = re.sub(r"/+", "/", parts.path).rstrip("/")
    return f"{scheme}://{netloc}{path}"


def account_key(settings: Settings) -> str:
    """The file-name key of the account ``settings`` point at, whatever the spelling."""
    parts = urlsplit(normalised_base_url(settings.api_base_url))
    path = "" if parts.path in ("", STANDARD_PATH) else parts.path
    return safe_name(parts.netloc + path)


def legacy_keys(settings: Settings) -> list[str]:
    """File-name keys earlier versions may have used for this account."""
    host_port = urlsplit(settings.api_base_url).netloc
    keys = [settings.account, host_port, host_port.lower()]
    host = (urlsplit(settings.api_base_url).hostname or "").lower()
    if host.endswith(SYNCRO_DOMAIN):
        keys += [host[: -len(SYNCRO_DOMAIN)], host]
    if settings.subdomain:
        keys += [settings.subdomain, f"{settings.subdomain}{SYNCRO_DOMAIN}"]
    current = account_key(settings)
    seen: list[str] = []
    for key in (safe_name(k) for k in keys if k):
        if key != current and key not in seen:
            seen.append(key)
    return seen


@dataclass(frozen=True)
class LocalFiles:
    """The account's files under ``data`` (the user data dir)."""

    data: Path
    key: str
    legacy: tuple[str, ...] = ()

    @classmethod
    def of(cls, settings: Settings, data: Path | None = None) -> LocalFiles:
        return cls(
            data if data is not None else paths.data_dir(),
            account_key(settings),
            tuple(legacy_keys(settings)),
        )

    @property
    def journal(self) -> Path:
        return self.data / f"outbox-{self.key}.sqlite3"

    @property
    def drafts(self) -> Path:
        return self.data / "drafts" / self.key

    @property
    def timer(self) -> Path:
        return self.data / f"timer-{self.key}.json"

    @property
    def legacy_journals(self) -> list[Path]:
        """Journals of this account under older names (the journal absorbs them)."""
        return [p for k in self.legacy if (p := self.data / f"outbox-{k}.sqlite3").exists()]

    def adopt_legacy(self) -> list[str]:
        """Move drafts and the timer file kept under an older key to the account's key.

        A draft or timer already under the new key wins (it is newer); the older one is
        left where it was. Returns what was moved, for the log."""
        moved: list[str] = []
        for key in self.legacy:
            old_drafts = self.data / "drafts" / key
            if old_drafts.is_dir():
                paths.ensure(self.drafts)
                for draft in sorted(old_drafts.iterdir()):
                    target = self.drafts / draft.name
                    if draft.is_file() and not target.exists():
                        os.replace(draft, target)
                        moved.append(str(target))
                try:
                    old_drafts.rmdir()  # only when nothing was left behind
                except OSError:
                    pass
            old_timer = self.data / f"timer-{key}.json"
            if old_timer.is_file() and not self.timer.exists():
                os.replace(old_timer, self.timer)
                moved.append(str(self.timer))
        if moved:
            log.info("moved %d draft/timer file(s) to the account key %s", len(moved), self.key)
        return moved
