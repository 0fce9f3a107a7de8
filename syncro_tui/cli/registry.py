"""Every subcommand, one entry each.

A command module defines, at module level and importing nothing heavy there:

* ``HELP``: one line for ``syncro-tui --help``;
* ``DESCRIPTION`` (optional): the text of ``syncro-tui NAME --help``; ``EPILOG`` (optional);
* ``add_arguments(parser)`` (optional): its own flags (the common ones are added for it);
* ``run(args) -> int``: the exit code (see ``exitcodes.py``). ``common.settings_from(args)``
  gives the settings; ``ConfigError`` raised anywhere ends with code 2.

To add a command: write the module, add one ``Command(...)`` line below.
"""

from __future__ import annotations

from collections import namedtuple

# (a namedtuple, not a dataclass: `dataclasses` imports `inspect`, which --help need not pay)
Command = namedtuple("Command", "name module")


COMMANDS: tuple[Command, ...] = (
    Command("login", "syncro_tui.cli.login"),
    Command("logout", "syncro_tui.cli.logout"),
    Command("doctor", "syncro_tui.cli.doctor"),
    Command("sandbox", "syncro_tui.cli.sandbox"),
    Command("config", "syncro_tui.cli.config_cmd"),
    Command("completion", "syncro_tui.cli.completion"),
    Command("tickets", "syncro_tui.cli.tickets"),
    Command("show", "syncro_tui.cli.show"),
    Command("comment", "syncro_tui.cli.comment"),
    Command("update", "syncro_tui.cli.update"),
    Command("bill", "syncro_tui.cli.bill"),
    Command("new", "syncro_tui.cli.new"),
    Command("writes", "syncro_tui.cli.writes"),
    Command("mcp", "syncro_tui.cli.mcp"),
)
