"""The command line: a thin layer over medreview.api. No checking happens here."""

from __future__ import annotations

import contextlib
import functools
import sys
from pathlib import Path
from typing import Any, Callable, Iterable

import click

from medreview import __version__
from medreview.approvals import ROLES
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


def config_selection(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that read the project configuration."""
    func = click.option("--no-config", is_flag=True,
                        help="Ignore any .medreview.yaml or [tool.medreview] found.")(func)
    func = click.option("--config", "config_file", metavar="FILE",
                        type=click.Path(dir_okay=False, path_type=Path),
                        help="Use this config file instead of looking for one.")(func)
    return func


def post_selection(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by commands that choose which posts to review."""
    func = click.option("--changed-since", metavar="REV",
                        help="Review only posts git says changed since REV (merge base of REV "
                             "and HEAD, plus uncommitted and untracked files).")(func)
    func = click.option("--exclude", multiple=True, metavar="GLOB",
                        help="Skip paths matching GLOB (repeatable).")(func)
    func = click.option("--input-format", type=click.Choice(["markdown", "text", "html"]),
                        help="Read every post as this format instead of guessing from the "
                             "extension.")(func)
    return func


def run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """How a review runs: worker processes and the result cache (docs/performance.md)."""
    func = click.option("--cache-max-mb", type=click.IntRange(min=1), default=200,
                        show_default=True, metavar="MB",
                        help="Prune the cache, oldest entries first, to this size.")(func)
    func = click.option("--no-cache", is_flag=True,
                        help="Neither read nor write the result cache.")(func)
    func = click.option("--cache-dir", type=click.Path(file_okay=False, path_type=Path),
                        default=Path(".medreview") / "cache", show_default=True, metavar="DIR",
                        help="Keep each post's review here, keyed by its content and the "
                             "rules.")(func)
    func = click.option("--jobs", "-j", type=click.IntRange(min=1), metavar="N",
                        help="Review in N worker processes (default: one per core; runs of a "
                             "few posts stay in one process).")(func)
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
              help="Exit 1 when a finding is at or above this severity (default: the config's "
                   "fail_on, else error).")
@post_selection
@config_selection
@click.option("--baseline", "baseline_file", type=click.Path(path_type=Path), metavar="FILE",
              help="Hide the known findings listed in this baseline file.")
@click.option("--baseline-strict", is_flag=True,
              help="Exit 1 when baseline entries no longer match anything (keeps it shrinking).")
@click.option("--statistics", is_flag=True,
              help="After the report, print finding counts per rule on standard error.")
@click.option("--color/--no-color", default=None, help="Colour text output (default: on a terminal).")
@run_options
@handle_errors
def check(paths: tuple[Path, ...], extra_rules: tuple[Path, ...], packs: tuple[str, ...],
          formats: tuple[str, ...], outputs: tuple[Path, ...], fail_on: str | None,
          input_format: str | None, exclude: tuple[str, ...], changed_since: str | None,
          config_file: Path | None, no_config: bool, baseline_file: Path | None,
          baseline_strict: bool, statistics: bool, color: bool | None, jobs: int | None,
          cache_dir: Path, no_cache: bool, cache_max_mb: int) -> None:
    """Review posts (files or directories) and report findings."""
    from dataclasses import replace

    from medreview.api import ReviewRun, exit_code
    from medreview.config import find_config, review_options
    from medreview.progress import progress

    if baseline_strict and baseline_file is None:
        raise ConfigError(None, "--baseline-strict needs --baseline FILE")
    targets = pair_outputs(formats or ("text",), outputs)
    config = find_config(paths[0], config_file, no_config)
    options = review_options(config, packs, extra_rules, input_format, exclude, fail_on,
                             baseline=baseline_file, changed_since=changed_since)
    options = replace(options, jobs=jobs, cache_dir=None if no_cache else cache_dir,
                      cache_max_mb=cache_max_mb)
    run = ReviewRun(paths, options)
    streaming = [fmt for fmt, _ in targets] == ["jsonl"] and not statistics
    lines_on_terminal = streaming and targets[0][1] is None and sys.stdout.isatty()
    results = run if lines_on_terminal else progress(run, len(run.posts))  # no bar amid lines
    if streaming:
        report = stream_jsonl(run, results, targets)
    else:
        report = run.report(list(results))
        write_reports(report, targets, color)
        write_input_errors(report, targets)
    write_notes(report, targets, statistics)
    sys.exit(exit_code(report, options.fail_on, strict_baseline=baseline_strict,
                       counts=run.counts))


def stream_jsonl(run: Any, results: Iterable[Any], targets: list[tuple[str, Path | None]]) -> Any:
    """Write each post's jsonl line as its review arrives, then the summary line; return the
    Report without its files (memory stays flat however many posts there are)."""
    from medreview.output import open_atomic
    from medreview.reporters import jsonl

    out = targets[0][1]
    with open_atomic(out) if out else contextlib.nullcontext(sys.stdout) as handle:
        for result in results:
            handle.write(jsonl.file_line(result))
            handle.flush()  # a reader of the stream sees each post as soon as it is done
            if result.error:
                write_input_errors(run.report([result]), targets)
        report = run.report([])
        handle.write(jsonl.summary_line(report, run.counts))
    return report


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


def write_input_errors(report: Any, targets: list[tuple[str, Path | None]]) -> None:
    """Each unreadable post on stderr too, unless the text report on stdout already shows it."""
    if ("text", None) in targets:
        return
    for result in report.files:
        if result.error:
            click.echo(f"medreview: error: {result.error}", err=True)


def write_notes(report: Any, targets: list[tuple[str, Path | None]], statistics: bool) -> None:
    """On stderr: per-rule counts if asked, and the stale-baseline note unless stdout has it."""
    from medreview import statistics as stats
    from medreview.baseline import stale_note

    if statistics:
        click.echo(stats.render(report), err=True, nl=False)
    note = stale_note(report)
    if note and ("text", None) not in targets:
        click.echo(f"medreview: {note}", err=True)


@main.group("baseline")
def baseline_group() -> None:
    """Record the findings a site already has, so checks fail only on new ones."""


@baseline_group.command("create")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_selection
@post_selection
@config_selection
@click.option("--output", "-o", type=click.Path(path_type=Path), required=True, metavar="FILE",
              help="The baseline file to write.")
@handle_errors
def baseline_create(paths: tuple[Path, ...], extra_rules: tuple[Path, ...],
                    packs: tuple[str, ...], input_format: str | None, exclude: tuple[str, ...],
                    changed_since: str | None, config_file: Path | None, no_config: bool,
                    output: Path) -> None:
    """Record every current finding (by fingerprint, not line) in a baseline file."""
    from medreview import baseline
    from medreview.api import review
    from medreview.config import find_config, review_options
    from medreview.output import write_atomic

    config = find_config(paths[0], config_file, no_config)
    report = review(paths, review_options(config, packs, extra_rules, input_format, exclude,
                                          changed_since=changed_since))
    found = baseline.active_findings(report)
    entries = baseline.entries_from(found)
    write_atomic(output, baseline.dumps(entries))
    click.echo(f"medreview: wrote {output}: {counted(len(entries), 'entry', 'entries')} for "
               f"{counted(len(found), 'finding')} in {counted(len(report.files), 'post')}",
               err=True)
    sys.exit(report_unreadable(report))


@baseline_group.command("update")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@rule_selection
@post_selection
@config_selection
@click.option("--baseline", "-b", "baseline_file", type=click.Path(path_type=Path),
              required=True, metavar="FILE", help="The baseline file to update.")
@click.option("--output", "-o", type=click.Path(path_type=Path), metavar="FILE",
              help="Write the result here instead of over the baseline file.")
@click.option("--add-new", is_flag=True, help="Also add findings the baseline does not list.")
@handle_errors
def baseline_update(paths: tuple[Path, ...], extra_rules: tuple[Path, ...],
                    packs: tuple[str, ...], input_format: str | None, exclude: tuple[str, ...],
                    changed_since: str | None, config_file: Path | None, no_config: bool,
                    baseline_file: Path, output: Path | None, add_new: bool) -> None:
    """Drop baseline entries that no longer match; never add new ones unless --add-new."""
    from medreview import baseline
    from medreview.api import review
    from medreview.config import find_config, review_options
    from medreview.output import write_atomic

    config = find_config(paths[0], config_file, no_config)
    report = review(paths, review_options(config, packs, extra_rules, input_format, exclude,
                                          changed_since=changed_since, baseline=baseline_file))
    before = baseline.load(baseline_file)
    after = baseline.updated(before, report, add_new)
    target = output or baseline_file
    write_atomic(target, baseline.dumps(after))
    stale = len(report.baseline.stale) if report.baseline else 0
    click.echo(f"medreview: wrote {target}: {counted(len(after), 'entry', 'entries')} "
               f"(was {len(before)}; {stale} stale dropped)", err=True)
    sys.exit(report_unreadable(report))


def counted(n: int, noun: str, plural: str = "") -> str:
    """`1 post`, `2 posts`."""
    return f"{n} {noun if n == 1 else plural or noun + 's'}"


def report_unreadable(report: Any) -> int:
    """Name each post that could not be read on stderr; 2 if there were any, else 0."""
    unreadable = [result for result in report.files if result.error]
    for result in unreadable:
        click.echo(f"medreview: error: {result.path}: {result.error}", err=True)
    return EXIT_USAGE if unreadable else 0


@main.group()
def rules() -> None:
    """List, explain, test and validate rules."""


@rules.command("list")
@rule_selection
@config_selection
@handle_errors
def rules_list(extra_rules: tuple[Path, ...], packs: tuple[str, ...], config_file: Path | None,
               no_config: bool) -> None:
    """List the rules as configured: id, code, level, type and pack (waiver rules last)."""
    rules = configured_rules(packs, extra_rules, config_file, no_config)
    width = max((len(r.id) for r in rules), default=10)
    for rule in rules:
        state = "" if rule.enabled else " (disabled)"
        click.echo(f"{rule.id:<{width}}  {rule.info.code:<6} {rule.info.level:<7} "
                   f"{rule.info.type:<16} {rule.info.pack}{state}")


@rules.command("show")
@click.argument("rule_id")
@rule_selection
@config_selection
@handle_errors
def rules_show(rule_id: str, extra_rules: tuple[Path, ...], packs: tuple[str, ...],
               config_file: Path | None, no_config: bool) -> None:
    """Explain one rule: what it detects, why, what to write instead, sources, examples."""
    from medreview.ruledoc import render_rule

    found = [r for r in configured_rules(packs, extra_rules, config_file, no_config)
             if r.id == rule_id]
    if not found:
        raise ConfigError(None, f"no rule '{rule_id}'", hint="see 'medreview rules list'")
    click.echo(render_rule(found[0]))


def configured_rules(packs: tuple[str, ...], extra_rules: tuple[Path, ...],
                     config_file: Path | None, no_config: bool) -> list[Any]:
    """The rules of the packs and files chosen, as the config found from here sets them,
    followed by the waiver rules."""
    from medreview import waivers
    from medreview.api import load_rules
    from medreview.config import find_config, review_options

    config = find_config(Path.cwd(), config_file, no_config)
    ruleset = load_rules(review_options(config, packs, extra_rules))
    return [*ruleset.rules, *waivers.meta_rules(config)]


@main.group("config")
def config_group() -> None:
    """Show the project configuration (.medreview.yaml or [tool.medreview])."""


@config_group.command("show")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@config_selection
@handle_errors
def config_show(path: Path | None, config_file: Path | None, no_config: bool) -> None:
    """Print the effective configuration for PATH (default: here), after `extends`, and the
    ruleset hash it gives."""
    from medreview.api import load_rules
    from medreview.config import find_config, render_config, review_options

    config = find_config(path or Path.cwd(), config_file, no_config)
    ruleset = load_rules(review_options(config))  # validates rule ids and options
    click.echo(render_config(config, ruleset.sha256), nl=False)


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


def audit_database(func: Callable[..., Any]) -> Callable[..., Any]:
    """The --db option of commands that use the audit trail."""
    return click.option(
        "--db", "database", type=click.Path(dir_okay=False, path_type=Path), metavar="PATH",
        help="Audit database (default: .medreview/audit.sqlite in the project root, the nearest "
             "directory up from here holding .medreview/ or .git).")(func)


@main.command()
@click.argument("post", type=click.Path(path_type=Path))
@click.option("--reviewer", required=True, help="Who approves: a person's name.")
@click.option("--role", type=click.Choice(ROLES), default="medical", show_default=True,
              help="The reviewer's role in medical-legal-regulatory (MLR) review.")
@click.option("--note", default="", help="A note kept with the approval.")
@rule_selection
@config_selection
@audit_database
@handle_errors
def approve(post: Path, reviewer: str, role: str, note: str, extra_rules: tuple[Path, ...],
            packs: tuple[str, ...], config_file: Path | None, no_config: bool,
            database: Path | None) -> None:
    """Review POST and record an approval of this exact version (exit 1 while it has blocking
    findings)."""
    from medreview.approvals import ApprovalRefused, approve as record_approval
    from medreview.audit import default_database
    from medreview.config import find_config, review_options

    options = review_options(find_config(post, config_file, no_config), packs, extra_rules)
    try:
        approval = record_approval(post, reviewer, role, note, options,
                                   database or default_database())
    except ApprovalRefused as exc:
        click.echo(f"medreview: {exc}", err=True)
        sys.exit(1)
    click.echo(f"approved {approval.post} (content {approval.sha256[:12]}, rules "
               f"{approval.ruleset_sha256[:12]}) by {approval.reviewer} ({approval.role}): "
               f"audit record #{approval.seq}")


@main.command()
@click.argument("post", required=False, type=click.Path(path_type=Path))
@audit_database
@handle_errors
def history(post: Path | None, database: Path | None) -> None:
    """Who approved which version of each post and when, and what changed since (with a diff
    of the approved text when POST is given)."""
    from medreview.approvals import history_lines
    from medreview.audit import AuditLog, default_database

    with AuditLog.open(database or default_database()) as log:
        click.echo("\n".join(history_lines(log, post)))


@main.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--all", "all_posts", is_flag=True,
              help="Every post must be approved, not only those with `status: published`.")
@click.option("--require", "globs", multiple=True, metavar="GLOB",
              help="Posts whose path matches GLOB must be approved too (repeatable).")
@click.option("--require-role", "roles", multiple=True, type=click.Choice(ROLES),
              help="Require a valid approval from this role (repeatable; default: any role).")
@click.option("--exclude", multiple=True, metavar="GLOB", help="Skip paths matching GLOB (repeatable).")
@rule_selection
@config_selection
@audit_database
@handle_errors
def gate(paths: tuple[Path, ...], all_posts: bool, globs: tuple[str, ...],
         roles: tuple[str, ...], exclude: tuple[str, ...], extra_rules: tuple[Path, ...],
         packs: tuple[str, ...], config_file: Path | None, no_config: bool,
         database: Path | None) -> None:
    """Publication gate for CI: exit 1 unless every post going live carries a valid approval
    of its current content under the current rules."""
    from medreview.api import collect, load_rules
    from medreview.audit import default_database
    from medreview.config import find_config, review_options
    from medreview.gate import exit_status, result_line, run_gate, summary_line

    config = find_config(paths[0], config_file, no_config)
    database = database or default_database()
    ruleset_sha256 = load_rules(review_options(config, packs, extra_rules)).sha256
    selected = [path for path in collect(paths, exclude) if not config.excluded(path)]
    posts = run_gate(selected, database, ruleset_sha256, roles, all_posts, globs)
    for post in posts:
        if post.live or post.error:
            click.echo(result_line(post))
    missing = "" if database.is_file() else f" (no audit database at {database})"
    click.echo(summary_line(posts) + missing)
    sys.exit(exit_status(posts))


@main.group("audit")
def audit_group() -> None:
    """Check the audit trail of approvals."""


@audit_group.command("verify")
@audit_database
@handle_errors
def audit_verify(database: Path | None) -> None:
    """Check the hash chain; exit 1 naming every edited, deleted or reordered record."""
    from medreview.audit import AuditLog, default_database

    with AuditLog.open(database or default_database()) as log:
        problems, count, (_, head) = log.verify(), len(log.records()), log.head()
    for problem in problems:
        click.echo(f"{log.path}: {problem}")
    if problems:
        click.echo(f"audit trail broken: {len(problems)} problem{'s' if len(problems) != 1 else ''} "
                   f"in {count} records")
        sys.exit(1)
    click.echo(f"audit trail intact: {count} record{'s' if count != 1 else ''}, head {head}")


if __name__ == "__main__":
    main()
