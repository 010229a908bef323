"""The command line: a thin layer over medreview.api. No checking happens here."""

from __future__ import annotations

import functools
import sys
from pathlib import Path
from typing import Any, Callable

import click

from medreview import __version__
from medreview.errors import ConfigError, MedreviewError

EXIT_USAGE = 2


def handle_errors(func: Callable[..., Any]) -> Callable[..., Any]:
    """Turn known errors into one line on stderr and exit 2; hide tracebacks unless --debug."""
    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ctx = click.get_current_context()
        try:
            return func(*args, **kwargs)
        except MedreviewError as exc:
            click.echo(f"medreview: error: {exc.render()}", err=True)
            ctx.exit(EXIT_USAGE)
        except (click.exceptions.Exit, click.ClickException, KeyboardInterrupt):
            raise
        except Exception as exc:  # an internal bug: say so plainly, trace only with --debug
            if (ctx.find_root().obj or {}).get("debug"):
                raise
            click.echo(f"medreview: internal error: {type(exc).__name__}: {exc} "
                       "(rerun with --debug for a traceback and report it)", err=True)
            ctx.exit(EXIT_USAGE)
    return wrapper


def rule_selection(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that load rules."""
    func = click.option("--rules", "extra_rules", multiple=True,
                        type=click.Path(path_type=Path),
                        help="Extra rule file or directory (repeatable).")(func)
    func = click.option("--pack", "packs", multiple=True, metavar="NAME",
                        help="Built-in rule pack to use (repeatable; default: us).")(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="medreview")
@click.option("--debug", is_flag=True, help="Show Python tracebacks for internal errors.")
@click.pass_context
def main(ctx: click.Context, debug: bool) -> None:
    """Review medical and health blog posts for compliance problems."""
    ctx.obj = {"debug": debug}


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_selection
@click.option("--format", "formats", multiple=True, metavar="FORMAT",
              help="Output format (repeatable): text, json, jsonl, sarif, junit, github, gitlab, "
                   "markdown, csv, html. Default: text.")
@click.option("--output", "-o", "outputs", multiple=True, type=click.Path(path_type=Path),
              help="Write the matching --format to FILE (repeatable, paired in order).")
@click.option("--fail-on", type=click.Choice(["error", "warning", "info", "never"]),
              default="error", show_default=True,
              help="Exit 1 when a finding is at or above this severity.")
@click.option("--input-format", type=click.Choice(["markdown", "text", "html"]),
              help="Read every post as this format instead of guessing from the extension.")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a terminal).")
@handle_errors
def check(paths: tuple[Path, ...], extra_rules: tuple[Path, ...], packs: tuple[str, ...],
          formats: tuple[str, ...], outputs: tuple[Path, ...], fail_on: str,
          input_format: str | None, exclude: tuple[str, ...], color: bool | None) -> None:
    """Review posts (files or directories) and report findings."""
    from medreview.api import ReviewOptions, exit_code, review

    targets = pair_outputs(formats or ("text",), outputs)
    options = ReviewOptions(packs=packs or ("us",), extra_rules=extra_rules,
                            input_format=input_format, exclude=exclude, fail_on=fail_on)
    report = review(paths, options)
    write_reports(report, targets, color)
    sys.exit(exit_code(report, fail_on))


def pair_outputs(formats: tuple[str, ...], outputs: tuple[Path, ...]) -> list[tuple[str, Path | None]]:
    """Pair each --format with an --output in order; at most one format goes to stdout."""
    from medreview.reporters import FORMATS

    for fmt in formats:
        if fmt not in FORMATS:
            raise ConfigError(None, f"unknown format '{fmt}'", hint="choose from " + ", ".join(FORMATS))
    if len(outputs) > len(formats):
        raise ConfigError(None, "more --output files than --format options",
                          hint="give one --format per --output")
    targets = [(fmt, outputs[i] if i < len(outputs) else None) for i, fmt in enumerate(formats)]
    if sum(1 for _, out in targets if out is None) > 1:
        raise ConfigError(None, "only one format can go to standard output",
                          hint="add --output FILE for the others")
    return targets


def write_reports(report: Any, targets: list[tuple[str, Path | None]], color: bool | None) -> None:
    from medreview.output import write_atomic
    from medreview.reporters import render

    for fmt, out in targets:
        use_color = bool(color if color is not None else (out is None and sys.stdout.isatty()))
        text = render(fmt, report, color=use_color and fmt == "text")
        if out is None:
            click.echo(text, nl=False, color=use_color)
        else:
            write_atomic(out, text)


@main.group()
def rules() -> None:
    """List, explain, test and validate rules."""


@rules.command("list")
@rule_selection
@handle_errors
def rules_list(extra_rules: tuple[Path, ...], packs: tuple[str, ...]) -> None:
    """List the rules: id, code, level, type and message."""
    from medreview.ruleset import load_ruleset

    ruleset = load_ruleset(packs or ("us",), extra_rules)
    width = max((len(r.id) for r in ruleset.rules), default=10)
    for rule in ruleset.rules:
        state = "" if rule.enabled else " (disabled)"
        click.echo(f"{rule.id:<{width}}  {rule.info.code:<6} {rule.info.level:<7} "
                   f"{rule.info.type:<16} {rule.info.pack}{state}")


@rules.command("show")
@click.argument("rule_id")
@rule_selection
@handle_errors
def rules_show(rule_id: str, extra_rules: tuple[Path, ...], packs: tuple[str, ...]) -> None:
    """Explain one rule: what it detects, why, what to write instead, sources, examples."""
    from medreview.ruleset import load_ruleset
    from medreview.ruledoc import render_rule

    ruleset = load_ruleset(packs or ("us",), extra_rules)
    try:
        rule = ruleset.get(rule_id)
    except KeyError:
        raise ConfigError(None, f"no rule '{rule_id}'", hint="see 'medreview rules list'") from None
    click.echo(render_rule(rule))


@rules.command("test")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.option("--pack", "packs", multiple=True, metavar="NAME",
              help="Built-in pack(s) to test when no PATH is given (default: every pack).")
@click.option("--verbose", "-v", is_flag=True, help="List every example, not just failures.")
@handle_errors
def rules_test(paths: tuple[Path, ...], packs: tuple[str, ...], verbose: bool) -> None:
    """Run every rule's flag and pass examples; exit 1 if any misbehaves."""
    from medreview.ruleset import available_packs, load_ruleset
    from medreview.selftest import run_examples

    selected = () if paths else (packs or tuple(available_packs()))
    failures = total = 0
    for pack in selected or (None,):
        ruleset = load_ruleset((pack,) if pack else (), paths if pack is None else ())
        for result in run_examples(ruleset):
            total += 1
            failures += not result.ok
            if verbose or not result.ok:
                mark = "ok  " if result.ok else "FAIL"
                click.echo(f"{mark} {result.rule} [{result.kind}] {result.text[:70]!r}: {result.detail}")
    click.echo(f"{total - failures} passed, {failures} failed")
    sys.exit(1 if failures else 0)


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@handle_errors
def rules_validate(paths: tuple[Path, ...]) -> None:
    """Check rule files or directories for errors without running them."""
    from medreview.ruleset import load_ruleset

    from medreview.engine import Engine

    ruleset = load_ruleset((), paths)
    Engine(ruleset)  # compiling every rule finds bad regexes, patterns and table names
    click.echo(f"{len(ruleset.rules)} rule{'s' if len(ruleset.rules) != 1 else ''} valid")


if __name__ == "__main__":
    main()
