"""One route for worker errors (issue 9, item 3): a worker that fails, whoever started it (the
app, a screen, a modal), ends in a visible message and a line in the log."""

from __future__ import annotations

import logging

import pytest

from syncro_tui.ui.screens.customer import CustomerSearchModal
from tests.ui.conftest import settle
from tests.ui.helpers import listing


class Boom(RuntimeError):
    pass


async def _boom(*_args, **_kwargs):
    raise Boom("the bug under test")


@pytest.fixture(autouse=True)
def _loggers_enabled():
    """Another test in the same worker may have configured logging with existing loggers
    disabled (logging.config's default): the route's log line must still be seen here."""
    logging.disable(logging.NOTSET)
    for name in list(logging.root.manager.loggerDict):
        if name.startswith("syncro_tui"):
            logging.getLogger(name).disabled = False
            logging.getLogger(name).propagate = True
    yield


def _reported(app, caplog) -> None:
    errors = [n for n in app.notices if n.severity == "error"]
    assert any("Boom" in n.message and "the bug under test" in n.message for n in errors)
    # The file log's redacting filter (installed by any earlier test in this worker) formats the
    # traceback into exc_text and drops the live exception: accept both forms of the record.
    logged = [
        r
        for r in caplog.records
        if (r.exc_info and r.exc_info[0] is Boom)
        or ("Traceback" in (r.exc_text or "") and "Boom: the bug under test" in (r.exc_text or ""))
    ]
    assert logged, "no log line with the traceback"


async def test_a_failing_app_worker_is_shown_and_logged(make_app, caplog):
    caplog.set_level(logging.WARNING)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        app.run_worker(_boom(), group="write", exit_on_error=False)
        await settle(pilot)
        _reported(app, caplog)


async def test_a_failing_screen_worker_is_shown_and_logged(make_app, caplog, monkeypatch):
    """The main screen's detail fetch: its errors never reached the app before."""
    caplog.set_level(logging.WARNING)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        monkeypatch.setattr(app.session, "fetch_detail", _boom)
        await pilot.press("j")
        await settle(pilot)
        assert listing(app).highlighted_id is not None
        _reported(app, caplog)


async def test_a_failing_modal_worker_is_shown_and_logged(make_app, caplog):
    """The customer search modal's look-up."""
    caplog.set_level(logging.WARNING)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await app.push_screen(CustomerSearchModal(search=_boom, contacts=_boom))
        await pilot.press(*"acme", "enter")
        await pilot.pause(0.4)
        await settle(pilot)
        assert isinstance(app.screen, CustomerSearchModal)  # the modal stays usable
        _reported(app, caplog)
