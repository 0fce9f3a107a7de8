"""Where session logs go, and what their Resolution starts from."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from types import SimpleNamespace as NS

from syncro_tui import paths
from syncro_tui.core.sessionlog import log_folder, resolution_prefill


def test_default_is_under_the_data_folder_and_syncro_tui_home(isolated_home):
    folder = log_folder("")
    assert folder == paths.data_dir() / "session-logs"
    assert str(folder).startswith(str(isolated_home))


def test_configured_folders(isolated_home, tmp_path):
    assert log_folder(str(tmp_path / "logs")) == tmp_path / "logs"
    assert log_folder("logs") == paths.data_dir() / "logs"
    assert log_folder("~/x") == Path("~/x").expanduser()


def _c(body, user_id, minute):
    return NS(body=body, user_id=user_id, created_at=datetime(2026, 11, 20, 10, minute, tzinfo=UTC))


def test_prefill_is_the_newest_technician_comment_never_the_customers():
    comments = [
        _c("Other tech looked", 102, 1),
        _c("Replaced the toner", 101, 2),
        _c("Still happening, sorry.", None, 3),
    ]
    assert resolution_prefill(comments, 101) == "Replaced the toner"
    assert resolution_prefill(comments) == "Replaced the toner"
    assert resolution_prefill(comments, 999) == "Replaced the toner"  # no own: any technician
    assert resolution_prefill([_c("Still happening", None, 1)], 101) == ""
    assert resolution_prefill([], 101) == ""


def test_prefill_is_plain_one_line_text():
    assert resolution_prefill([_c("<p>Fixed\n the <b>VPN</b></p>", 101, 1)], 101) == "Fixed the VPN"
