"""`syncro-tui completion bash|zsh|fish`: a shell completion script, made from the parser
itself (every command, its flags and its fixed choices), so it never falls behind."""

from __future__ import annotations

import argparse

HELP = "print a shell completion script (bash, zsh or fish)"
DESCRIPTION = "Print a completion script for your shell."
EPILOG = """\
install:
  bash  syncro-tui completion bash > ~/.local/share/bash-completion/completions/syncro-tui
  zsh   syncro-tui completion zsh > ~/.zfunc/_syncro-tui   (with fpath+=~/.zfunc before compinit)
  fish  syncro-tui completion fish > ~/.config/fish/completions/syncro-tui.fish
"""

SHELLS = ("bash", "zsh", "fish")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("shell", choices=SHELLS, help="bash, zsh or fish")


def describe(parser: argparse.ArgumentParser) -> dict:
    """{"flags": [...], "commands": {name: {"help", "flags", "choices"}}} from the parser."""

    def flags(p: argparse.ArgumentParser) -> list[tuple[str, str]]:
        found = []
        for action in p._actions:
            for option in action.option_strings:
                if option.startswith("--"):
                    found.append((option, (action.help or "").replace("%(default)s", "")))
        return found

    def choices(p: argparse.ArgumentParser) -> list[str]:
        for action in p._actions:
            if (
                not action.option_strings
                and action.choices
                and not isinstance(action, argparse._SubParsersAction)
            ):
                return [str(c) for c in action.choices]
        return []

    commands = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            helps = {a.dest: a.help or "" for a in action._choices_actions}
            for name, sub in action.choices.items():
                commands[name] = {
                    "help": helps.get(name, ""),
                    "flags": flags(sub),
                    "choices": choices(sub),
                }
    return {"flags": flags(parser), "commands": commands}


def bash(spec: dict) -> str:
    cases = []
    for name, cmd in spec["commands"].items():
        words = " ".join([*cmd["choices"], *(f for f, _ in cmd["flags"])])
        cases.append(f'        {name}) words="{words}" ;;')
    top = " ".join([*spec["commands"], *(f for f, _ in spec["flags"])])
    return f"""# bash completion for syncro-tui (syncro-tui completion bash)
_syncro_tui() {{
    local cur command="" i words
    cur="${{COMP_WORDS[COMP_CWORD]}}"
    for ((i = 1; i < COMP_CWORD; i++)); do
        case "${{COMP_WORDS[i]}}" in
            -*) ;;
            *) command="${{COMP_WORDS[i]}}"; break ;;
        esac
    done
    case "$command" in
{chr(10).join(cases)}
        *) words="{top}" ;;
    esac
    COMPREPLY=($(compgen -W "$words" -- "$cur"))
}}
complete -o default -F _syncro_tui syncro-tui
"""


def zsh(spec: dict) -> str:
    def q(text: str) -> str:
        return text.replace("'", "'\\''").replace(":", "\\:")

    cases = []
    for name, cmd in spec["commands"].items():
        items = [f"'{c}'" for c in cmd["choices"]] + [f"'{f}:{q(h)}'" for f, h in cmd["flags"]]
        cases.append(f"        {name}) items=({' '.join(items)}) ;;")
    top = [f"'{n}:{q(c['help'])}'" for n, c in spec["commands"].items()] + [
        f"'{f}:{q(h)}'" for f, h in spec["flags"]
    ]
    return f"""#compdef syncro-tui
# zsh completion for syncro-tui (syncro-tui completion zsh)
_syncro_tui() {{
    local command="" word
    local -a items
    for word in ${{words[2,CURRENT-1]}}; do
        if [[ $word != -* ]]; then command=$word; break; fi
    done
    case $command in
{chr(10).join(cases)}
        *) items=({" ".join(top)}) ;;
    esac
    _describe 'syncro-tui' items
}}
compdef _syncro_tui syncro-tui
"""


def fish(spec: dict) -> str:
    def q(text: str) -> str:
        return "'" + text.replace("\\", "\\\\").replace("'", "\\'") + "'"

    names = " ".join(spec["commands"])
    lines = [
        "# fish completion for syncro-tui (syncro-tui completion fish)",
        "complete -c syncro-tui -f",
    ]
    for name, cmd in spec["commands"].items():
        lines.append(
            f"complete -c syncro-tui -n 'not __fish_seen_subcommand_from {names}' "
            f"-a {name} -d {q(cmd['help'])}"
        )
    for flag, text in spec["flags"]:
        lines.append(
            f"complete -c syncro-tui -n 'not __fish_seen_subcommand_from {names}' "
            f"-l {flag[2:]} -d {q(text)}"
        )
    for name, cmd in spec["commands"].items():
        cond = f"-n '__fish_seen_subcommand_from {name}'"
        if cmd["choices"]:
            lines.append(f"complete -c syncro-tui {cond} -a {q(' '.join(cmd['choices']))}")
        for flag, text in cmd["flags"]:
            lines.append(f"complete -c syncro-tui {cond} -l {flag[2:]} -d {q(text)}")
    return "\n".join(lines) + "\n"


def run(args: argparse.Namespace) -> int:
    from syncro_tui.cli.entry import build_parser
    from syncro_tui.cli.output import out

    spec = describe(build_parser())
    out({"bash": bash, "zsh": zsh, "fish": fish}[args.shell](spec).rstrip("\n"))
    return 0
