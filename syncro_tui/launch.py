"""Start the TUI: settings -> cache -> app. Kept free of Textual imports until it runs."""

from __future__ import annotations

from syncro_tui import logsetup
from syncro_tui.config import Settings


def build_app(settings: Settings, *, demo: bool, backend=None, cache=True, **kwargs):
    from syncro_tui.core.backend import RealBackend, SandboxBackend, demo_settings
    from syncro_tui.core.cache import TicketCache, cache_path
    from syncro_tui.ui.app import SyncroApp

    if demo:
        settings = demo_settings(settings)
    else:
        _ = settings.api_base_url  # raises ConfigError with what to do when no account is set
    if backend is None:
        backend = SandboxBackend() if demo else RealBackend()
    ticket_cache = TicketCache(cache_path(settings.account)) if cache else None
    return SyncroApp(settings, backend=backend, cache=ticket_cache, **kwargs)


def run_tui(
    settings: Settings, *, demo: bool = False, plain: bool | None = None, theme: str | None = None
) -> int:
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
    logsetup.setup_logging(settings.log_level)
    app = build_app(settings, demo=demo)
    app.run()
    return app.return_code or 0
