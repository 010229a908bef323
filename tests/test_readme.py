"""The README stays true: its command reference is generated from the CLI's own help, and its
quick start is the command `.ci/run` runs. `python tests/test_readme.py` regenerates it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import click

from medreview.cli import main

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
START, END = "<!-- cli-reference:start -->", "<!-- cli-reference:end -->"


def command_help(command: click.Command, path: list[str]) -> list[str]:
    """Help text of a command and, for groups, of every subcommand, depth first."""
    ctx = click.Context(command, info_name=" ".join(path), terminal_width=100, max_content_width=100)
    lines = [f"### `{' '.join(path)}`", "", "```", command.get_help(ctx), "```", ""]
    if isinstance(command, click.Group):
        for name in sorted(command.list_commands(ctx)):
            lines += command_help(command.get_command(ctx, name), [*path, name])
    return lines


def reference() -> str:
    return "\n".join(command_help(main, ["medreview"])).rstrip() + "\n"


def regenerate(text: str) -> str:
    pattern = re.compile(re.escape(START) + ".*?" + re.escape(END), re.S)
    return pattern.sub(lambda _: f"{START}\n{reference()}{END}", text)


def test_readme_command_reference_matches_the_cli() -> None:
    import subprocess

    text = README.read_text(encoding="utf-8")
    assert START in text and END in text
    # A fresh interpreter, as `python tests/test_readme.py` uses: other tests in this process
    # may leave click's global state (e.g. the help formatter) changed.
    fresh = subprocess.run([sys.executable, __file__, "--print"], capture_output=True, text=True,
                           check=True).stdout
    assert fresh in text, "README command reference is stale: run python tests/test_readme.py"


def test_ci_runs_the_readme_test_command() -> None:
    readme = README.read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    commands = re.findall(r"```sh\n(python3 -m venv .venv && .*?)\n```", readme)
    assert len(commands) >= 2, "the quick start has two one-line commands"
    assert commands[1] in ci


if __name__ == "__main__" and sys.argv[1:] == ["--print"]:
    sys.stdout.write(f"{START}\n{reference()}{END}")
elif __name__ == "__main__":
    README.write_text(regenerate(README.read_text(encoding="utf-8")), encoding="utf-8")
    print("rewrote the README command reference", file=sys.stderr)
