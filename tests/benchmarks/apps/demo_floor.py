"""Floor for the cold demo's first paint of rows (1a): a bare Textual app doing the least
that path needs, through the same kind of client path (httpx over the in-process sandbox).

After its first frame (as syncro-tui does) a worker builds the demo sandbox in a thread,
imports httpx, GETs the first page of open tickets (100 a page) through an
``httpx.AsyncClient`` on the sandbox's transport, decodes it with ``json.loads`` and shows
one line per ticket ("#4896  Windows update stuck at 35%"), the form the 1a marker waits for.
No store, cache, rows, limiter, budget file, models or UI of our own.

    python tests/benchmarks/apps/demo_floor.py            # quit: ctrl+q
    python tests/benchmarks/demo_floor_run.py             # CPU and wall beside hello and --demo
"""

import asyncio

from textual.app import App, ComposeResult
from textual.widgets import Static


class DemoFloor(App):
    def compose(self) -> ComposeResult:
        yield Static("Loading open tickets...", id="rows")

    def on_ready(self) -> None:
        self.run_worker(self.first_page())

    async def first_page(self) -> None:
        def build():
            from syncro_tui.sandbox import Sandbox

            return Sandbox()

        sandbox = await asyncio.to_thread(build)
        import json

        import httpx

        from syncro_tui.sandbox import DEFAULT_API_KEY, DEMO_BASE_URL

        async with httpx.AsyncClient(
            base_url=DEMO_BASE_URL + "/",
            transport=sandbox.transport(),
            headers={"Authorization": f"Bearer {DEFAULT_API_KEY}"},
        ) as http:
            got = await http.get(
                "tickets", params={"status": "Not Closed", "page": 1, "per_page": 100}
            )
        tickets = json.loads(got.content)["tickets"]
        lines = [f"#{t['number']}  {t['subject']}" for t in tickets[:35]]
        self.query_one("#rows", Static).update("\n".join(lines))


if __name__ == "__main__":
    DemoFloor().run()
