"""Floor for the warm first paint of rows (4a): a bare Textual app that loads the same SQLite
cache file syncro-tui would and paints its rows.

Before the app runs (as syncro-tui's ``_load_cache`` does) it reads every row of the cache's
``tickets`` table with the standard library's ``sqlite3`` (plain tuples, no row objects),
sorts them newest first and shows one line per ticket ("#4896  Windows update stuck at 35%")
in a minimal Line-API list with a scroll range over all of them: the least a warm start of
N cached tickets does. No store, filter texts, models, header, footer or detail pane.

    python tests/benchmarks/apps/warm_floor.py PATH.sqlite3      # quit: ctrl+q
    python tests/benchmarks/warm_floor_run.py                    # beside hello and syncro-tui
"""

import sqlite3
import sys

from rich.segment import Segment
from textual.app import App, ComposeResult
from textual.geometry import Size
from textual.scroll_view import ScrollView
from textual.strip import Strip


def load(path: str) -> list[tuple]:
    conn = sqlite3.connect(path)
    try:
        cursor = conn.execute("SELECT * FROM tickets")
        rows = cursor.fetchall()
        names = [d[0] for d in cursor.description]
    finally:
        conn.close()
    number, subject, ts = names.index("number"), names.index("subject"), names.index("updated_ts")
    rows.sort(key=lambda r: r[ts], reverse=True)
    return [(r[number], r[subject]) for r in rows]


class Rows(ScrollView):
    def __init__(self, rows: list[tuple]) -> None:
        super().__init__()
        self.rows = rows
        self.virtual_size = Size(80, len(rows))

    def render_line(self, y: int) -> Strip:
        i = self.scroll_offset.y + y
        if i >= len(self.rows):
            return Strip.blank(self.size.width)
        number, subject = self.rows[i]
        return Strip([Segment(f"#{number}  {subject}"[: self.size.width])])


class WarmFloor(App):
    def __init__(self, path: str) -> None:
        super().__init__()
        self.rows = load(path)

    def compose(self) -> ComposeResult:
        yield Rows(self.rows)


if __name__ == "__main__":
    WarmFloor(sys.argv[1]).run()
