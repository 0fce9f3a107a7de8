"""--read-only on the command line: the write commands refuse, reads work."""

from __future__ import annotations


def test_read_only_commands_refuse_every_write_and_still_read(env):
    t = env.open_ticket()
    for argv in (
        ["comment", str(t.number), "--body", "read-only probe", "--yes"],
        ["update", str(t.number), "--status", "In Progress", "--yes"],
        ["new", "--customer", str(t.customer_id), "--subject", "Printer", "--yes"],
    ):
        ran = env.run(*argv, "--read-only")
        assert ran.code != 0, (argv, ran.out)
        assert "read-only" in (ran.out + ran.err).lower(), (argv, ran.err)
    assert env.writes() == 0
    shown = env.run("show", str(t.number), "--read-only")
    assert shown.code == 0 and t.subject in shown.out


def test_read_only_from_the_config_file(env):
    env.config.write_text("read_only = true\n" + env.config.read_text())
    t = env.open_ticket()
    ran = env.run("comment", str(t.number), "--body", "read-only probe", "--yes")
    assert ran.code != 0 and "read-only" in (ran.out + ran.err).lower()
    assert env.writes() == 0
