"""Review posts in this process or in worker processes, results always in input order.

The spaCy pipeline and the compiled rules are built once: on Linux in this process, just before
it forks the workers, which inherit them (the fastest start, and shared memory pages); elsewhere,
or when this process runs other threads (fork would copy their locks), in each worker as it
starts. Building takes about a second, so runs of fewer than SERIAL_BELOW posts stay in this
process (measured break-even on two cores: between 16 and 32 posts). Workers start only when a
post actually needs reviewing: a run answered entirely from the cache never loads spaCy at all.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
import threading
from collections import deque
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Iterable, Iterator, Union

from medreview.cache import ResultCache, ruleset_fingerprint
from medreview.errors import MedreviewError
from medreview.model import FileResult
from medreview.ruleset import RuleSet
from medreview.source import Source

if TYPE_CHECKING:
    from medreview.engine import Engine

SERIAL_BELOW = 32  # posts; see the module docstring and docs/performance.md
BATCH_SIZE = 8  # posts per task: enough to amortise messaging, few enough to balance the cores
AHEAD = 4  # batches queued per worker, bounding memory however long the run
PRELOAD = ["spacy", "textstat", "medreview.engine"]  # imported once by a fork server


@dataclass(frozen=True)
class Post:
    """A post waiting for review: its source, the id of its rule set and its cache key."""

    source: Source
    rules: str  # a key of the `rulesets` mapping given to review_stream
    key: str | None = None  # where to cache the result; None: do not cache


Item = Union[FileResult, Post]
ReviewSource = Callable[["Engine", Source], FileResult]  # may raise MedreviewError


class RuleSets(dict[str, RuleSet]):
    """The rule sets of a run by fingerprint (what workers and cache keys name them by)."""

    def __init__(self) -> None:
        super().__init__()
        self._by_identity: dict[int, tuple[RuleSet, str]] = {}

    def add(self, ruleset: RuleSet) -> str:
        """The rule set's fingerprint, computed once per rule set object."""
        known = self._by_identity.get(id(ruleset))
        if known is None or known[0] is not ruleset:
            known = self._by_identity[id(ruleset)] = (ruleset, ruleset_fingerprint(ruleset))
            self.setdefault(known[1], ruleset)
        return known[1]


def pending(source: Source, rules: str, cache: ResultCache | None) -> Item:
    """The cached result of reviewing `source` with `rules`, or a Post to review."""
    key = cache.key(source, rules) if cache is not None else None
    hit = cache.get(key) if cache is not None and key is not None else None
    return hit or Post(source, rules, key)


def default_jobs() -> int:
    return os.cpu_count() or 1


def effective_jobs(requested: int | None, posts: int) -> int:
    """Worker processes to use: none (serial) for small runs or when one job is asked for."""
    jobs = requested or default_jobs()
    return 1 if posts < SERIAL_BELOW else max(1, min(jobs, posts))


class Reviewer:
    """Reviews posts in this process; builds one Engine per rule set, when first needed."""

    def __init__(self, rulesets: dict[str, RuleSet], cache: ResultCache | None,
                 review_source: ReviewSource) -> None:
        self.rulesets = rulesets
        self.cache = cache
        self.review_source = review_source
        self.engines: dict[str, Engine] = {}

    def engine(self, rules: str) -> Engine:
        from medreview.engine import Engine  # not at import: a fully cached run needs no spaCy

        if rules not in self.engines:
            self.engines[rules] = Engine(self.rulesets[rules])
        return self.engines[rules]

    def review(self, post: Post) -> FileResult:
        """The post's FileResult (with `error` set if it cannot be parsed), cached if it can be."""
        engine = self.engine(post.rules)  # a broken rule stops the run; it is no post's error
        try:
            result = self.review_source(engine, post.source)
        except MedreviewError as exc:
            return FileResult(path=post.source.path, error=exc.render())
        if self.cache is not None and post.key is not None:
            self.cache.put(post.key, result)
        return result


def review_stream(items: Iterable[Item], rulesets: dict[str, RuleSet], review_source: ReviewSource,
                  jobs: int = 1, cache: ResultCache | None = None) -> Iterator[FileResult]:
    """One FileResult per item, in order: FileResults pass through, Posts are reviewed here
    (jobs == 1) or by `jobs` worker processes. `rulesets` may grow while items are produced."""
    if jobs <= 1:
        reviewer = Reviewer(rulesets, cache, review_source)
        for item in items:
            yield item if isinstance(item, FileResult) else reviewer.review(item)
    else:
        yield from _pooled(items, rulesets, review_source, jobs, cache)


def _pooled(items: Iterable[Item], rulesets: dict[str, RuleSet], review_source: ReviewSource,
            jobs: int, cache: ResultCache | None) -> Iterator[FileResult]:
    pool: ProcessPoolExecutor | None = None
    started_with: set[str] = set()  # rule sets the workers received when they started
    queued: deque[tuple[list[Item], Future[list[FileResult]] | None]] = deque()
    try:
        for group in _groups(items):
            posts = [item for item in group if isinstance(item, Post)]
            future = None
            if posts:
                if pool is None:
                    started_with = set(rulesets)
                    pool = _start_pool(dict(rulesets), review_source, jobs, cache)
                later = {post.rules: rulesets[post.rules] for post in posts
                         if post.rules not in started_with}
                future = pool.submit(_review_batch, posts, later)
            queued.append((group, future))
            while len(queued) > jobs * AHEAD:
                yield from _merge(*queued.popleft())
        while queued:
            yield from _merge(*queued.popleft())
    finally:
        if pool is not None:
            pool.shutdown(wait=True, cancel_futures=True)
            _stop_worker()


def _groups(items: Iterable[Item]) -> Iterator[list[Item]]:
    """Consecutive items holding up to BATCH_SIZE posts (and at most 64 items in all)."""
    group: list[Item] = []
    posts = 0
    for item in items:
        group.append(item)
        posts += isinstance(item, Post)
        if posts == BATCH_SIZE or len(group) == 64:
            yield group
            group, posts = [], 0
    if group:
        yield group


def _merge(group: list[Item], future: Future[list[FileResult]] | None) -> Iterator[FileResult]:
    reviewed = iter(future.result() if future is not None else ())
    for item in group:
        yield next(reviewed) if isinstance(item, Post) else item


def start_method() -> str:
    """fork on Linux from a single-threaded process; else a fork server, else spawn."""
    methods = multiprocessing.get_all_start_methods()
    if sys.platform.startswith("linux") and "fork" in methods and threading.active_count() == 1:
        return "fork"
    return "forkserver" if "forkserver" in methods else "spawn"


def _start_pool(rulesets: dict[str, RuleSet], review_source: ReviewSource, jobs: int,
                cache: ResultCache | None) -> ProcessPoolExecutor:
    method = start_method()
    context = multiprocessing.get_context(method)
    if method == "fork":
        _start_worker(rulesets, review_source, cache)  # built once here, inherited by each fork
        for stream in (sys.stdout, sys.stderr):
            stream.flush()  # a child flushes its copy of unwritten output as it starts
        return ProcessPoolExecutor(max_workers=jobs, mp_context=context)
    if method == "forkserver":
        context.set_forkserver_preload(PRELOAD)
    return ProcessPoolExecutor(max_workers=jobs, mp_context=context, initializer=_start_worker,
                               initargs=(rulesets, review_source, cache))


_worker: Reviewer | None = None


def _start_worker(rulesets: dict[str, RuleSet], review_source: ReviewSource,
                  cache: ResultCache | None) -> None:
    """Build every rule set's engine once, before the first batch arrives."""
    global _worker
    from medreview import readability

    _worker = Reviewer(rulesets, cache, review_source)
    for rules in rulesets:
        _worker.engine(rules)
    readability.measure("Load the word lists now, once.")  # else the first post of each worker


def _stop_worker() -> None:
    """Drop the engines this process built for forked workers: the run is over."""
    global _worker
    _worker = None


def _review_batch(posts: list[Post], rulesets: dict[str, RuleSet]) -> list[FileResult]:
    """Review a batch in a worker; `rulesets` are those it did not get when it started."""
    assert _worker is not None, "worker not initialised"
    _worker.rulesets.update(rulesets)
    return [_worker.review(post) for post in posts]
