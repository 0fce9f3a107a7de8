"""Baseline: the floor for any Textual app, one Static. Marker: HELLO-TTFP-MARKER. Quit: ctrl+q."""

from textual.app import App, ComposeResult
from textual.widgets import Static


class Hello(App):
    def compose(self) -> ComposeResult:
        yield Static("HELLO-TTFP-MARKER")


if __name__ == "__main__":
    Hello().run()
