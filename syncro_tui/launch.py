"""Start the TUI: settings -> cache -> app. Kept free of Textual imports until it runs."""

from __future__ import annotations

from syncro_tui.config import Settings


def build_app(settings: Settings, *, demo: bool, backend=None, cache=True, **kwargs):
    from syncro_tui.core.backend import RealBackend
    from syncro_tui.core.cache import TicketCache, cache_path
    from syncro_tui.demo import SandboxBackend, demo_settings
    from syncro_tui.ui.app import SyncroApp

    if demo:
        settings = demo_settings(settings)
    else:
        _ = settings.api_base_url  # raises ConfigError with what to do when no account is set
    if backend is None:
        backend = SandboxBackend() if demo else RealBackend()
        kwargs.setdefault("fresh_demo", demo)
    # The demo's cache lives apart from every real account ("_" is in no host name).
    account = "demo_sandbox" if kwargs.get("fresh_demo") else settings.account
    ticket_cache = TicketCache(cache_path(account)) if cache else None
    return SyncroApp(settings, backend=backend, cache=ticket_cache, **kwargs)


def run_tui(
    settings: Settings, *, demo: bool = False, plain: bool | None = None, theme: str | None = None
) -> int:
    """Run the TUI. Faults found before the screen opens end here with one clear line on
    stderr and a non-zero exit code: no terminal, TERM=dumb, no account, no key."""
    from syncro_tui import startup
    from syncro_tui.cli import exitcodes

    problem = startup.terminal_problem()
    if problem:
        _say(problem)
        return exitcodes.USAGE
    overrides = {}
    if plain is not None or theme:
        from dataclasses import replace

        ui = replace(
            settings.ui,
            plain=settings.ui.plain if plain is None else plain,
            theme=theme or settings.ui.theme,
        )
        overrides["ui"] = ui
    if overrides:
        settings = settings.with_overrides(**overrides)
    if not demo:
        _ = settings.api_base_url  # ConfigError (exit 2) that says what to do
        if no_key_message(settings):
            _say(no_key_message(settings))
            return exitcodes.AUTH
    notices = startup.begin(settings.log_level, network=not demo)
    read_only = startup.read_only_reason()
    if read_only:
        _say(read_only)
        import logging

        logging.getLogger("syncro_tui.startup").warning("%s", read_only)
    app = build_app(settings, demo=demo)
    app.notices = [*notices, *([read_only] if read_only else [])]
    app.read_only = read_only
    app.settle_heap = True
    app.run()
    return app.return_code or 0


def no_key_message(settings: Settings) -> str:
    """What to do when the account has no key (empty when it has one)."""
    from syncro_tui import secrets

    if secrets.find_key(settings.account) is not None:
        return ""
    return (
        f"No API key for {settings.account}: run `syncro-tui login` first (or set "
        f"{secrets.ENV_VAR}). To try the app without an account: syncro-tui --demo"
    )


def _say(text: str) -> None:
    import sys

    print(f"syncro-tui: {text}", file=sys.stderr)
