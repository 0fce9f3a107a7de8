"""The log file never records the key, whatever logger writes and however it is written."""

from __future__ import annotations

import logging

from syncro_tui import logsetup


def test_log_file_masks_the_key_in_messages_and_tracebacks(isolated_home):
    key = "k3y-value-that-must-not-appear"
    logsetup.register_secret(key)
    path = logsetup.setup_logging("DEBUG")
    log = logging.getLogger("syncro_tui.test")
    log.info("GET https://acme.syncromsp.com/api/v1/me?api_key=%s -> 401", key)
    log.info("headers: {'Authorization': 'Bearer %s'}", key)
    try:
        raise RuntimeError(f"failed calling /me?api_key={key}")
    except RuntimeError:
        log.exception("request failed")
    for handler in logging.getLogger().handlers:
        handler.flush()
    text = path.read_text(encoding="utf-8")
    for handler in [h for h in logging.getLogger().handlers if getattr(h, "_syncro_tui", False)]:
        logging.getLogger().removeHandler(handler)
        handler.close()
    assert key not in text
    assert "api_key=****" in text and "request failed" in text and "RuntimeError" in text
