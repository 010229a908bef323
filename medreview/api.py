"""The one function behind the CLI: review paths with a rule set and return a Report."""

from __future__ import annotations

import fnmatch
import os
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator

from medreview import __version__, baseline, waivers
from medreview.config import Config, apply_config, ruleset_for_path, severity_step
from medreview.decide import Step, baseline_step, decide
from medreview.engine import Engine
from medreview.errors import MedreviewError
from medreview.gitchanges import only_changed
from medreview.model import SEVERITY_RANK, FileResult, Report
from medreview.ruleset import RuleSet, load_ruleset
from medreview.source import FORMATS_BY_SUFFIX, read_source

FAIL_ON = ("error", "warning", "info", "never")


@dataclass
class ReviewOptions:
    packs: tuple[str, ...] = ("us",)
    extra_rules: tuple[Path, ...] = ()
    input_format: str | None = None
    exclude: tuple[str, ...] = ()
    fail_on: str = "error"
    options: dict[str, object] = field(default_factory=dict)
    baseline: Path | None = None  # hide the findings this baseline file lists
    changed_since: str | None = None  # review only posts git says changed since this revision
    config: Config | None = None  # project configuration (medreview.config.find_config)


def display_path(path: Path) -> str:
    """A stable, relative, POSIX-style path where the file is under the working directory."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except (ValueError, OSError):
        return path.as_posix()


def collect(paths: Iterable[Path], exclude: tuple[str, ...] = ()) -> list[Path]:
    """Files named directly, plus posts found by walking directories, minus excluded globs."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(sorted(_walk(path), key=lambda p: p.as_posix()))
        else:
            found.append(path)
    unique = list(dict.fromkeys(found))
    return [p for p in unique if not _excluded(p, exclude)]


def _walk(directory: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(directory, followlinks=False):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if Path(name).suffix.lower() in FORMATS_BY_SUFFIX:
                yield Path(root) / name


def _excluded(path: Path, patterns: tuple[str, ...]) -> bool:
    text = display_path(path)
    return any(fnmatch.fnmatch(text, pattern) or fnmatch.fnmatch(path.name, pattern)
               or fnmatch.fnmatch(path.as_posix(), pattern) for pattern in patterns)


def review_file(engine: Engine, path: Path, input_format: str | None = None) -> FileResult:
    """Review one post; a post that cannot be read becomes a FileResult with `error` set."""
    display = display_path(path)
    try:
        source = read_source(path, display, input_format)
        known = {rule.id for rule in engine.ruleset.rules}
        return waivers.attach(engine.review(source), source, known)
    except MedreviewError as exc:
        return FileResult(path=display, error=exc.render())


def review_files(ruleset: RuleSet, paths: list[Path], options: ReviewOptions) -> list[FileResult]:
    """Review posts one after another, in the order given; posts that config overrides give
    other options or disabled rules get an engine of their own (built once, then reused)."""
    engines: dict[str, Engine] = {}
    results = []
    for path in paths:
        rules = ruleset_for_path(ruleset, options.config, path) if options.config else ruleset
        engine = engines.get(rules.sha256) or engines.setdefault(rules.sha256, Engine(rules))
        results.append(review_file(engine, path, options.input_format))
    return results


def load_rules(options: ReviewOptions) -> RuleSet:
    """The packs and extra rules of `options`, with its config applied (and hashed in)."""
    ruleset = load_ruleset(options.packs, options.extra_rules)
    return apply_config(ruleset, options.config, waivers.META_RULES) if options.config else ruleset


def decide_steps(options: ReviewOptions, unmatched: Counter[str] | None = None,
                 ruleset: RuleSet | None = None) -> list[Step]:
    """The decide stage's steps for these options (waivers, config severity, baseline). The
    baseline step comes last; `unmatched` counts the fingerprints it may still hide."""
    steps: list[Step] = [waivers.waiver_step()]
    if options.config is not None:
        levels = {info.id: info.level for info in waivers.META_RULES.values()}
        levels.update({rule.id: rule.info.level for rule in (ruleset.rules if ruleset else ())})
        steps.append(severity_step(options.config, levels))
    if unmatched is not None:
        steps.append(baseline_step(unmatched))
    return steps


def review(paths: Iterable[Path], options: ReviewOptions | None = None,
           ruleset: RuleSet | None = None) -> Report:
    """Review every post under `paths`: collect -> review -> decide. Raises RuleError or
    ConfigError for broken rules or settings; never for a post (that post gets an error).
    A `ruleset` given is used as it is (`load_rules(options)` applies the config to one)."""
    options = options or ReviewOptions()
    known = baseline.load(options.baseline) if options.baseline else []  # fail before reviewing
    ruleset = ruleset or load_rules(options)
    selected = collect(paths, options.exclude)
    if options.config is not None:
        selected = [path for path in selected if not options.config.excluded(path)]
    if options.changed_since is not None:
        selected = only_changed(selected, options.changed_since)
    files = review_files(ruleset, selected, options)
    rules = {r.id: r.info for r in ruleset.rules if r.enabled}
    report = Report(files=files, rules={**rules, **waivers.active_rules(files, options.config)},
                    tool_version=__version__, ruleset_sha256=ruleset.sha256,
                    options={"packs": list(ruleset.packs), "fail_on": options.fail_on,
                             **options.options})
    if options.baseline is None:
        return decide(report, decide_steps(options, ruleset=ruleset))
    unmatched = baseline.counts(known)
    decide(report, decide_steps(options, unmatched, ruleset))
    report.baseline = baseline.status(options.baseline, known, unmatched, report)
    return report


def exit_code(report: Report, fail_on: str = "error", strict_baseline: bool = False) -> int:
    """2 when a post could not be read; 1 when a finding is at or above `fail_on`, or when
    `strict_baseline` and baseline entries went stale; else 0."""
    if any(result.error for result in report.files):
        return 2
    if strict_baseline and report.baseline and report.baseline.stale:
        return 1
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    failing = any(SEVERITY_RANK[f.severity] >= threshold for r in report.files for f in r.findings)
    return 1 if failing else 0
