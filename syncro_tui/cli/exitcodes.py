"""Exit codes of every command: the contract scripts and agents rely on (README, --help)."""

from __future__ import annotations

OK = 0  # done (a write landed)
ERROR = 1  # error: the message says what failed and what to do
USAGE = 2  # usage or config
NOT_CONFIRMED = 3  # not confirmed: nothing was sent
AUTH = 4  # API key missing or rejected
ABSENT = 5  # the outcome was unclear and is verified absent: nothing was resent
UNKNOWN = 6  # the outcome is still unknown: nothing was resent
REPEAT = 7  # refused: the same write already landed (or may have) in the last 24 hours

TABLE = (
    (OK, "done (a write landed)"),
    (ERROR, "error: the message says what failed and what to do"),
    (USAGE, "usage or config"),
    (NOT_CONFIRMED, "not confirmed: nothing sent"),
    (AUTH, "API key missing or rejected"),
    (ABSENT, "outcome was unclear and is verified absent: nothing resent"),
    (UNKNOWN, "outcome still unknown: nothing resent"),
    (REPEAT, "refused as a repeat of a write that landed (or may have)"),
)


def help_text() -> str:
    return "exit codes:\n" + "\n".join(f"  {code}  {text}" for code, text in TABLE)
