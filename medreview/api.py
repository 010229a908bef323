"""The one function behind the CLI: review paths with a rule set and return a Report."""

from __future__ import annotations

import fnmatch
import os
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Iterable, Iterator

from medreview import __version__, baseline, parallel, waivers
from medreview.cache import ResultCache
from medreview.config import Config, apply_config, ruleset_for_path, severity_step
from medreview.decide import Step, baseline_step, decide
from medreview.engine import Engine
from medreview.errors import MedreviewError
from medreview.gitchanges import only_changed
from medreview.model import SEVERITIES, SEVERITY_RANK, FileResult, Report, RuleInfo
from medreview.ruleset import RuleSet, load_ruleset
from medreview.source import FORMATS_BY_SUFFIX, Source, read_source

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
    jobs: int | None = None  # worker processes; None: one per core (small runs stay serial)
    cache_dir: Path | None = None  # keep each post's review here (medreview.cache); None: off
    cache_max_mb: int = 200


def display_path(path: Path) -> str:
    """A stable, relative, POSIX-style path where the file is under the working directory."""
    # abspath, not resolve(): a symlink keeps the name the user gave, and a loop cannot raise.
    try:
        return Path(os.path.abspath(path)).relative_to(Path.cwd()).as_posix()
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
        return review_source(engine, read_source(path, display, input_format))
    except MedreviewError as exc:
        return FileResult(path=display, error=exc.render())


def review_source(engine: Engine, source: Source) -> FileResult:
    """Review a post that was read, with its inline waiver directives attached (what the cache
    keeps). Raises MedreviewError when the post cannot be parsed."""
    known = {rule.id for rule in engine.ruleset.rules}
    return waivers.attach(engine.review(source), source, known)


def review_files(ruleset: RuleSet, paths: list[Path],
                 options: ReviewOptions) -> Iterator[FileResult]:
    """Review posts before the decide stage, yielding results in the order given: from the cache
    when it has them, else here or in worker processes (medreview.parallel). Posts that config
    overrides give other options or disabled rules get an engine of their own."""
    cache = None
    if options.cache_dir is not None:
        cache = ResultCache(options.cache_dir, options.cache_max_mb * 1024 * 1024)
    rulesets = parallel.RuleSets()
    reviewed = 0

    def items() -> Iterator[parallel.Item]:
        nonlocal reviewed
        for path in paths:
            display = display_path(path)
            try:
                source = read_source(path, display, options.input_format)
            except MedreviewError as exc:
                yield FileResult(path=display, error=exc.render())
                continue
            rules = ruleset_for_path(ruleset, options.config, path) if options.config else ruleset
            item = parallel.pending(source, rulesets.add(rules), cache)
            reviewed += isinstance(item, parallel.Post)
            yield item

    jobs = parallel.effective_jobs(options.jobs, len(paths))
    yield from parallel.review_stream(items(), rulesets, review_source, jobs, cache)
    if cache is not None and reviewed:
        cache.prune()  # only runs that added entries can have outgrown the limit


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
    run = ReviewRun(paths, options, ruleset)
    return run.report(list(run))


class ReviewRun:
    """A review as a stream, for output written as it goes (jsonl): iterating yields each
    post's decided FileResult in input order; `report()` afterwards gives the Report. It keeps
    only totals (and, with a baseline, the paths reviewed), never the FileResults."""

    def __init__(self, paths: Iterable[Path], options: ReviewOptions | None = None,
                 ruleset: RuleSet | None = None) -> None:
        self.options = options = options or ReviewOptions()
        self.known = baseline.load(options.baseline) if options.baseline else []  # fail early
        self.ruleset = ruleset or load_rules(options)
        selected = collect(paths, options.exclude)
        if options.config is not None:
            selected = [path for path in selected if not options.config.excluded(path)]
        if options.changed_since is not None:
            selected = only_changed(selected, options.changed_since)
        self.posts = selected
        self.unmatched = baseline.counts(self.known) if options.baseline is not None else None
        self.steps = decide_steps(options, self.unmatched, self.ruleset)
        self.waiver_rules: dict[str, RuleInfo] = {}
        self.reviewed: list[str] = []  # readable posts, for the baseline's scope
        self.counts: Counter[str] = Counter(self.report([]).summary())  # Report.summary() totals

    def __iter__(self) -> Iterator[FileResult]:
        alone = self.report([])
        for result in review_files(self.ruleset, self.posts, self.options):
            # Decided one at a time, in input order: the same as deciding the whole report.
            self.waiver_rules.update(waivers.active_rules([result], self.options.config))
            single = decide(replace(alone, files=[result]), self.steps)
            self.counts.update(single.summary())
            if self.options.baseline is not None and not result.error:
                self.reviewed.append(result.path)
            yield result

    def report(self, files: list[FileResult]) -> Report:
        """The run's Report holding `files` (all of them, or none when they were streamed)."""
        rules = {r.id: r.info for r in self.ruleset.rules if r.enabled}
        report = Report(files=files, rules={**rules, **self.waiver_rules},
                        tool_version=__version__, ruleset_sha256=self.ruleset.sha256,
                        options={"packs": list(self.ruleset.packs),
                                 "fail_on": self.options.fail_on, **self.options.options})
        if self.options.baseline is not None and self.unmatched is not None:
            scope = replace(report, files=[FileResult(path=path) for path in self.reviewed])
            report.baseline = baseline.status(self.options.baseline, self.known, self.unmatched,
                                              scope)
        return report


def exit_code(report: Report, fail_on: str = "error", strict_baseline: bool = False,
              counts: dict[str, int] | None = None) -> int:
    """2 when a post could not be read; 1 when a finding is at or above `fail_on`, or when
    `strict_baseline` and baseline entries went stale; else 0. `counts` stands in for
    `report.summary()` when the files were streamed (ReviewRun.counts)."""
    counts = counts if counts is not None else report.summary()
    if counts["unreadable"]:
        return 2
    if strict_baseline and report.baseline and report.baseline.stale:
        return 1
    if fail_on == "never":
        return 0
    threshold = SEVERITY_RANK[fail_on]
    return 1 if any(counts[s] for s in SEVERITIES if SEVERITY_RANK[s] >= threshold) else 0
