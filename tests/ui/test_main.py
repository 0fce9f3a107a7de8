"""The triage screen against the sandbox: list, detail, navigation, filter, views, live data."""

from __future__ import annotations

from syncro_tui.ui.screens.detail import DetailScreen
from tests.ui.conftest import settle
from tests.ui.helpers import detail_text, listing, notifications, open_ticket, screen_text


async def test_open_queue_loads_newest_first_with_detail(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        open_ids = {
            t.id
            for t in sandbox.state.tickets.values()
            if t.status not in ("Resolved", "Invoiced", "Closed")
        }
        assert lst.visible_count == len(open_ids)
        first = lst.row_at(0)
        newest = max((sandbox.ticket(i) for i in open_ids), key=lambda t: (t.updated_at, t.id))
        assert first.id == newest.id
        assert f"#{newest.number}" in screen_text(app)
        await pilot.pause(0.05)
        await settle(pilot)
        text = detail_text(app)
        assert f"#{newest.number}" in text and "Comments" in text and "Line items" in text
        assert "Authenticated as Alex Rivera" in app.header_state().user


async def test_detail_shows_last_five_comments_newest_first(make_app, sandbox):
    ticket = open_ticket(sandbox, lambda t: len(t.comments) >= 2)
    for i in range(6):
        sandbox.simulate_customer_reply(ticket.id, f"reply number {i}")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert listing(app).move_to_id(ticket.id)
        await pilot.pause(0.05)
        await settle(pilot)
        text = detail_text(app)
        shown = [f"reply number {i}" for i in range(6) if f"reply number {i}" in text]
        assert shown == [
            f"reply number {i}" for i in range(1, 6)
        ]  # the oldest reply is not among the last 5
        assert text.index("reply number 5") < text.index("reply number 1")
        assert "PUBLIC" in text


async def test_keys_move_the_cursor_and_enter_opens_detail_when_narrow(make_app):
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        lst = listing(app)
        second = lst.row_at(1).id
        await pilot.press("j")
        assert lst.highlighted_id == second
        await pilot.press("G")
        assert lst.highlighted_id == lst.row_at(lst.visible_count - 1).id
        await pilot.press("g", "down", "up")
        assert lst.highlighted_id == lst.row_at(0).id
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
        assert f"#{lst.row_at(0).number}" in detail_text(app)
        await pilot.press("escape")
        await settle(pilot)
        assert not isinstance(app.screen, DetailScreen)


async def test_filter_narrows_as_you_type_and_escape_clears(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        total = lst.visible_count
        word = lst.row_at(3).customer_name.split()[0]
        await pilot.press("slash", *word)
        await settle(pilot)
        assert 0 < lst.visible_count < total
        assert all(word.lower() in lst.row_at(i).search_text() for i in range(lst.visible_count))
        await pilot.press("escape")
        await settle(pilot)
        assert lst.visible_count == total


async def test_mine_view_and_status_view(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        await pilot.press("m")
        await settle(pilot)
        assert lst.visible_count > 0
        assert {lst.row_at(i).user_id for i in range(lst.visible_count)} == {101}
        await pilot.press("o")
        await settle(pilot)
        await pilot.press("v")
        await settle(pilot)
        options = app.screen.query_one("OptionList")
        labels = [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
        index = next(i for i, label in enumerate(labels) if "Status: Resolved" in label)
        options.highlighted = index
        await pilot.press("enter")
        await settle(pilot)
        assert lst.visible_count > 0
        assert {lst.row_at(i).status for i in range(lst.visible_count)} == {"Resolved"}
        assert any(r.query.get("status") == "Resolved" for r in sandbox.requests)


async def test_server_search_reaches_closed_tickets(make_app, sandbox):
    closed = next(t for t in sandbox.state.tickets.values() if t.status == "Closed")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f", *closed.subject.split()[0], "enter")
        await settle(pilot)
        lst = listing(app)
        assert closed.id in {lst.row_at(i).id for i in range(lst.visible_count)}


async def test_jump_to_a_number_in_the_list_and_beyond_it(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        target = lst.row_at(10)
        await pilot.press("number_sign", *target.number, "enter")
        await settle(pilot)
        assert lst.highlighted_id == target.id
        closed = next(t for t in sandbox.state.tickets.values() if t.status == "Invoiced")
        await pilot.press("number_sign", *str(closed.number), "enter")
        await settle(pilot)
        assert lst.highlighted_id == closed.id
        assert any(r.query.get("number") == str(closed.number) for r in sandbox.requests)
        await pilot.press("number_sign", "9", "9", "9", "9", "9", "enter")
        await settle(pilot)
        assert any("There is no ticket #99999" in n for n in notifications(app))


async def test_customer_search_shows_tickets_and_contacts(make_app, sandbox):
    customer = next(iter(sandbox.state.customers.values()))
    name = customer.business_name or customer.firstname
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("u", *name[:5])
        await pilot.pause(0.4)
        await settle(pilot)
        await pilot.press("down")
        await settle(pilot)
        contacts = str(app.screen.query_one("#contacts").content)
        assert "Contacts of" in contacts
        assert any(
            c.name in contacts
            for c in sandbox.state.contacts.values()
            if c.customer_id == customer.id
        )
        await pilot.press("enter")
        await settle(pilot)
        lst = listing(app)
        ids = {lst.row_at(i).id for i in range(lst.visible_count)}
        expected = {t.id for t in sandbox.state.tickets.values() if t.customer_id == customer.id}
        assert ids == expected


async def test_poll_updates_by_diff_and_keeps_the_cursor(make_app, sandbox, clock):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        await pilot.press("j", "j", "j")
        kept = lst.highlighted_id
        closing = lst.row_at(0).id
        clock.advance(120)
        sandbox.simulate_update(closing, status="Closed")
        new = sandbox.simulate_new_ticket(subject="Brand new outage at the front desk")
        app.poll()
        await settle(pilot)
        ids = [lst.row_at(i).id for i in range(lst.visible_count)]
        assert new.id in ids and closing not in ids
        assert lst.highlighted_id == kept
        assert any("New ticket" in n and "Brand new outage" in n for n in notifications(app))
        assert app.store.unseen(new.id)


async def test_customer_reply_raises_an_alert_and_rings(make_app, sandbox, clock, monkeypatch):
    app = make_app()
    rings = []
    async with app.run_test(size=(120, 40)) as pilot:
        app._ring_bell = True
        monkeypatch.setattr(app, "bell", lambda: rings.append(1))
        await settle(pilot)
        ticket = listing(app).row_at(5)
        clock.advance(60)
        sandbox.simulate_customer_reply(ticket.id, "It is broken again")
        app.poll()
        await settle(pilot)
        assert any("Customer reply" in n and f"#{ticket.number}" in n for n in notifications(app))
        assert rings


async def test_rate_limit_backs_off_visibly(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        sandbox.faults.add("GET /tickets=rate_limit:200")
        app.poll()
        await settle(pilot)
        state = app.header_state()
        assert "rate limited" in state.sync and state.sync_level == "warn"
        assert app._poll_timer is not None


async def test_rejected_key_stops_polling_and_says_what_to_do(make_app, sandbox):
    from syncro_tui.demo import SandboxBackend

    app = make_app()
    app.backend = SandboxBackend(sandbox, api_key="wrong-key")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "run syncro-tui login" in app.header_state().sync
        assert app._stopped
        before = len(sandbox.requests)
        app.refresh_now()
        await settle(pilot)
        assert len(sandbox.requests) == before


async def test_markup_and_escape_sequences_are_shown_literally(make_app, sandbox):
    ticket = open_ticket(sandbox, lambda t: any("\x1b" in c.body for c in t.comments))
    marked = open_ticket(
        sandbox, lambda t: any("[bold]" in c.body or "[/]" in c.body for c in t.comments)
    )
    sandbox.simulate_update(ticket.id, subject="[bold]Printer[/] on [red]fire")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        lst = listing(app)
        assert lst.move_to_id(ticket.id)
        await pilot.pause(0.05)
        await settle(pilot)
        assert "[bold]Printer[/] on" in screen_text(app)  # the list cell (cut to its width)
        text = detail_text(app)
        assert "\x1b" not in text and "\x07" not in text
        assert "[bold]Printer[/] on [red]fire" in text
        svg = app.export_screenshot()
        assert "\x1b" not in svg
        assert lst.move_to_id(marked.id)
        await pilot.pause(0.05)
        await settle(pilot)
        body = next(c.body for c in marked.comments if "[bold]" in c.body or "[/]" in c.body)
        visible = "[bold]" if "[bold]" in body else "[/]"
        assert visible in detail_text(app)


async def test_tiny_terminal_does_not_crash(make_app):
    app = make_app()
    async with app.run_test(size=(40, 12)) as pilot:
        await settle(pilot)
        await pilot.press("j", "k", "enter")
        await settle(pilot)
        assert app.screen is not None


async def test_header_shows_account_user_sync_and_budget(make_app, sandbox):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        state = app.header_state()
        assert state.account == "demo (sandbox)"
        assert state.user == "Authenticated as Alex Rivera"
        assert state.sync.startswith("synced")
        assert state.budget == 150
        assert state.spent == app.session.client.limiter.spent_last_minute() >= 4


async def test_z_gives_the_list_every_column(make_app):
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert "Assignee" not in header
        await pilot.press("z")
        await settle(pilot)
        header = screen_text(app).splitlines()[0]
        assert "Assignee" in header and "Due" in header
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DetailScreen)
