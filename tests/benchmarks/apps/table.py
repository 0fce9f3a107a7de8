"""Baseline: a bare Textual DataTable of N (default 10,000) fake tickets.

usage: python table.py [N] [fixed]
Columns: number, status, customer, subject. Marker: the first ticket number, TCK-00001.
Quit: ctrl+q. Cursor: down arrow. With 'fixed', the columns get explicit widths.
Rows are generated deterministically (seeded) and added in one add_rows() call in on_mount.
"""

import random
import sys

from textual.app import App, ComposeResult
from textual.widgets import DataTable, Footer, Header

N = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
FIXED = len(sys.argv) > 2 and sys.argv[2] == "fixed"
STATUSES = ["open", "pending", "in progress", "waiting on customer", "resolved", "closed"]
CUSTOMERS = [
    "Acme Corp",
    "Globex",
    "Initech",
    "Umbrella",
    "Hooli",
    "Stark Industries",
    "Wayne Enterprises",
    "Wonka Industries",
    "Soylent",
    "Tyrell Corp",
]
WORDS = (
    "login fails after password reset invoice total wrong export to csv times out "
    "dashboard slow on monday mornings cannot attach pdf sso redirect loop api returns "
    "500 on bulk update mobile app crashes when offline email notifications delayed"
).split()


def tickets(n):
    rnd = random.Random(42)
    for i in range(1, n + 1):
        subject = " ".join(rnd.choice(WORDS) for _ in range(rnd.randint(4, 9))).capitalize()
        yield (f"TCK-{i:05d}", rnd.choice(STATUSES), rnd.choice(CUSTOMERS), subject)


class Tickets(App):
    def compose(self) -> ComposeResult:
        yield Header()
        yield DataTable(cursor_type="row")
        yield Footer()

    def on_mount(self) -> None:
        table = self.query_one(DataTable)
        if FIXED:
            for label, width in (("Number", 9), ("Status", 19), ("Customer", 17), ("Subject", 60)):
                table.add_column(label, width=width)
        else:
            table.add_columns("Number", "Status", "Customer", "Subject")
        table.add_rows(tickets(N))
        table.focus()


if __name__ == "__main__":
    Tickets().run()
