"""phrase: terms, token patterns and regexes in scope, aware of negation, hedging and quotation.

Flags "Our infusions cure depression"; passes "There is no cure for bipolar disorder" (negated)
and "Beware of clinics promising a 'cure'" (quoted), when the rule says to skip those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.base import (MATCH_OPTIONS, Env, Hit, Option, adjust, in_scope,
                                   match_spec, modifier_option, span_offsets)
from medreview.citations import has_citation
from medreview.context import assess
from medreview.document import Document
from medreview.matching import TermMatcher
from medreview.model import SEVERITIES

OPTIONS = {
    **MATCH_OPTIONS,
    "negated": modifier_option("skip", "negated"),
    "hedged": modifier_option("keep", "hedged ('may', 'can help')"),
    "quoted": modifier_option("skip", "quoted or reported ('so-called', 'beware of')"),
    "cited": modifier_option("keep", "cited (a link or reference in the same sentence)"),
    "requires_any": Option((dict,), {}, "the sentence must also contain one of these "
                           "(terms/exact/patterns/regex) for a match to count"),
    "excludes_any": Option((dict,), {}, "a match does not count when the sentence contains one "
                           "of these"),
    "escalate_to": Option((str,), "", "raise the severity to this level when an escalate_* "
                          "condition holds", ("",) + SEVERITIES),
    "escalate_if_sentence_has": Option((dict,), {}, "escalate when the sentence contains one of "
                                       "these"),
    "escalate_unless_document_has": Option((dict,), {}, "escalate when the document contains "
                                           "none of these"),
    "citation_window": Option((str,), "sentence", "where a citation counts: sentence or "
                              "paragraph", ("sentence", "paragraph")),
}


@dataclass
class Compiled:
    match: TermMatcher
    requires: TermMatcher
    excludes: TermMatcher
    escalate_sentence: TermMatcher
    escalate_document: TermMatcher
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    return Compiled(
        match=TermMatcher.build(env.nlp, match_spec(options), env.tables),
        requires=TermMatcher.build(env.nlp, options["requires_any"], env.tables),
        excludes=TermMatcher.build(env.nlp, options["excludes_any"], env.tables),
        escalate_sentence=TermMatcher.build(env.nlp, options["escalate_if_sentence_has"],
                                            env.tables),
        escalate_document=TermMatcher.build(env.nlp, options["escalate_unless_document_has"],
                                            env.tables),
        options=options,
    )


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    """At most one hit per sentence: the first qualifying match in it."""
    options = compiled.options
    escalate_doc = bool(compiled.escalate_document) and not compiled.escalate_document.in_text(
        [b.doc for b in document.blocks if b.doc is not None])
    for index in in_scope(document, scope):
        block = document.blocks[index]
        seen_sentences: set[int] = set()
        for span in compiled.match.spans(block.doc):
            sentence = span.sent
            if sentence.start in seen_sentences:
                continue
            severity = _severity(compiled, level, span, document, index, escalate_doc)
            if severity is None:
                continue
            seen_sentences.add(sentence.start)
            start, end = span_offsets(document, index, span)
            yield Hit(start, end, severity, {"match": span.text})


def _severity(compiled: Compiled, level: str, span: Any, document: Document, index: int,
              escalate_doc: bool) -> str | None:
    options = compiled.options
    sentence = span.sent
    if compiled.requires and not compiled.requires.in_span(sentence):
        return None
    if compiled.excludes and compiled.excludes.in_span(sentence):
        return None
    context = assess(span)
    flags = {"negated": context.negated, "hedged": context.hedged, "quoted": context.quoted,
             "cited": options["cited"] != "keep" and _cited(document, index, span, options)}
    severity = adjust(level, flags, options)
    if severity and options["escalate_to"]:
        if escalate_doc or (compiled.escalate_sentence and compiled.escalate_sentence.in_span(sentence)):
            severity = options["escalate_to"]
    return severity


def _cited(document: Document, index: int, span: Any, options: dict[str, Any]) -> bool:
    block = document.blocks[index]
    if options["citation_window"] == "paragraph":
        return has_citation(document, block.start, block.end)
    sentence = span.sent
    return has_citation(document, block.start + sentence.start_char, block.start + sentence.end_char)
