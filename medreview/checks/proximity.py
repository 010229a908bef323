"""proximity: a match counts only when a second kind of phrase stands near it.

Flags "Studies in mice show ketamine rebuilds brain connections, so patients heal faster"
(animal finding near a human benefit); passes "Early animal studies are interesting, but they
do not show the same effect in people" (an `unless_near` contrast in the window clears it, and
a negated companion does not count). Near means the same sentence, the sentences on either side
of it (in the same paragraph), or the same paragraph.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.base import (MATCH_OPTIONS, Env, Hit, Option, adjust, in_scope,
                                   match_spec, modifier_option, span_offsets)
from medreview.context import assess, is_negated
from medreview.document import Document
from medreview.matching import TermMatcher
from medreview.model import SEVERITIES

WINDOWS = ("sentence", "adjacent", "paragraph")

OPTIONS = {
    **MATCH_OPTIONS,
    "near": Option((dict,), {}, "what must stand in the window for a match to count "
                   "(terms/exact/patterns/regex/table); negated companions do not count"),
    "standalone": Option((dict,), {}, "phrases that count without a companion ('hanged "
                         "himself'); flagged like matches"),
    "unless_near": Option((dict,), {}, "a match of these in the window clears the match (a "
                          "contrast such as 'but', a disclosure such as 'results vary')"),
    "window": Option((str,), "sentence", "sentence, adjacent (the sentence and the ones on either "
                     "side, same paragraph) or paragraph", WINDOWS),
    "negated": modifier_option("skip", "negated"),
    "hedged": modifier_option("keep", "hedged ('may', 'can help')"),
    "quoted": modifier_option("skip", "quoted or reported ('so-called', 'beware of')"),
    "escalate_to": Option((str,), "", "raise the severity to this level when escalate_if_near "
                          "matches in the window", ("",) + SEVERITIES),
    "escalate_if_near": Option((dict,), {}, "escalate when the window contains one of these"),
    "report": Option((str,), "each", "report each qualifying sentence or only the first in the "
                     "post", ("each", "first")),
}


@dataclass
class Compiled:
    match: TermMatcher
    standalone: TermMatcher
    near: TermMatcher
    unless: TermMatcher
    escalate: TermMatcher
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    if not options["near"]:
        raise ValueError("a proximity rule needs `near` (otherwise use the phrase type)")
    return Compiled(TermMatcher.build(env.nlp, match_spec(options), env.tables),
                    TermMatcher.build(env.nlp, options["standalone"], env.tables),
                    TermMatcher.build(env.nlp, options["near"], env.tables),
                    TermMatcher.build(env.nlp, options["unless_near"], env.tables),
                    TermMatcher.build(env.nlp, options["escalate_if_near"], env.tables), options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    """At most one hit per sentence; with report: first, at most one per post."""
    options = compiled.options
    for index in in_scope(document, scope):
        doc = document.blocks[index].doc
        candidates = _candidates(compiled, doc)
        if not candidates:
            continue  # most blocks: no need to list their sentences
        sentences = list(doc.sents)
        seen: set[int] = set()
        alone = {(s.start, s.end) for s in compiled.standalone.spans(doc)}
        for span in candidates:
            if span.sent.start in seen:
                continue
            start, end = window(sentences, span, options["window"])
            needs_near = (span.start, span.end) not in alone
            severity = _severity(compiled, level, span, start, end, needs_near)
            if severity is None:
                continue
            seen.add(span.sent.start)
            hit_start, hit_end = span_offsets(document, index, span)
            yield Hit(hit_start, hit_end, severity, {"match": span.text})
            if options["report"] == "first":
                return


def _candidates(compiled: Compiled, doc: Any) -> list[Any]:
    from spacy.util import filter_spans

    spans = compiled.match.spans(doc) + compiled.standalone.spans(doc)
    return sorted(filter_spans(spans), key=lambda s: s.start)


def window(sentences: list[Any], span: Any, kind: str) -> tuple[int, int]:
    """Token range [start, end) of the window around `span` inside its block."""
    if kind == "paragraph":
        return 0, len(span.doc)
    position = next(i for i, s in enumerate(sentences) if s.start == span.sent.start)
    if kind == "sentence":
        return span.sent.start, span.sent.end
    first = sentences[max(position - 1, 0)]
    last = sentences[min(position + 1, len(sentences) - 1)]
    return first.start, last.end


def _in_window(matcher: TermMatcher, span: Any, start: int, end: int, skip_negated: bool) -> bool:
    for other in matcher.spans(span.doc):
        overlaps = other.start < span.end and span.start < other.end
        if start <= other.start and other.end <= end and not overlaps:
            if not (skip_negated and is_negated(other)):
                return True
    return False


def _severity(compiled: Compiled, level: str, span: Any, start: int, end: int,
              needs_near: bool) -> str | None:
    options = compiled.options
    if needs_near and not _in_window(compiled.near, span, start, end, skip_negated=True):
        return None
    if compiled.unless and _in_window(compiled.unless, span, start, end, skip_negated=False):
        return None
    context = assess(span)
    severity = adjust(level, {"negated": context.negated, "hedged": context.hedged,
                              "quoted": context.quoted}, options)
    if severity and options["escalate_to"] and compiled.escalate and _in_window(
            compiled.escalate, span, start, end, skip_negated=True):
        severity = options["escalate_to"]
    return severity
