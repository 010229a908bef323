"""claim: a claim verb joined to its object within a few words ("treats anxiety", "shrinks
malignant tumors", "cancers disappear"), aware of negation, hedging and quotation.

Flags "Our magnesium blend treats anxiety and insomnia"; passes "This product is not intended
to cure any disease" (negated) and "If you have an anxiety disorder, talk to a clinician about
treatment" (no claim verb governs the disease). Hedging policy: a hedge ("may help treat")
lowers the severity one step at most; it never clears a claim, so `hedged: skip` is refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.base import (Env, Hit, Option, adjust, in_scope, modifier_option,
                                   span_offsets)
from medreview.context import assess
from medreview.document import Document
from medreview.matching import TermMatcher

OPTIONS = {
    "predicates": Option((dict,), {}, "claim words that come before the object: 'treats', "
                         "'cures', 'shrinks' (terms/exact/patterns/regex/table)"),
    "predicates_after": Option((dict,), {}, "claim words that follow the object: 'disappear', "
                               "'is cured'"),
    "objects": Option((dict,), {}, "what a claim is about, e.g. diseases: {table: diseases}"),
    "max_gap": Option((int,), 4, "most words between the claim word and its object"),
    "excludes_any": Option((dict,), {}, "a claim does not count when its sentence contains one of "
                           "these ('talk to your doctor')"),
    "requires_any": Option((dict,), {}, "a claim counts only when its sentence contains one of "
                           "these: who makes it ('our', 'this supplement')"),
    "about_other_if": Option((dict,), {}, "a claim does not count when its sentence or the one "
                             "before it names one of these: it is about that (a prescription "
                             "drug), not the product"),
    "negated": modifier_option("skip", "negated"),
    "hedged": modifier_option("downgrade", "hedged ('may help treat'); never skip"),
    "quoted": modifier_option("skip", "quoted or reported ('products that claim to cure')"),
}


@dataclass
class Compiled:
    before: TermMatcher
    after: TermMatcher
    objects: TermMatcher
    excludes: TermMatcher
    other: TermMatcher
    requires: TermMatcher
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    if options["hedged"] == "skip":
        raise ValueError("hedged: skip is not allowed for claims: a hedge lowers a claim's "
                         "severity one step at most (use downgrade or keep)")
    if not options["objects"] or not (options["predicates"] or options["predicates_after"]):
        raise ValueError("a claim rule needs `objects` and `predicates` or `predicates_after`")
    return Compiled(TermMatcher.build(env.nlp, options["predicates"], env.tables),
                    TermMatcher.build(env.nlp, options["predicates_after"], env.tables),
                    TermMatcher.build(env.nlp, options["objects"], env.tables),
                    TermMatcher.build(env.nlp, options["excludes_any"], env.tables),
                    TermMatcher.build(env.nlp, options["about_other_if"], env.tables),
                    TermMatcher.build(env.nlp, options["requires_any"], env.tables), options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    """At most one hit per sentence: its first qualifying claim."""
    for index in in_scope(document, scope):
        doc = document.blocks[index].doc
        objects = compiled.objects.spans(doc)
        seen: set[int] = set()
        for predicate, target, claim in _claims(compiled, doc, objects):
            if claim.sent.start in seen:
                continue
            if compiled.excludes and compiled.excludes.in_span(claim.sent):
                continue
            if compiled.requires and not compiled.requires.in_span(claim.sent):
                continue
            if compiled.other and _about_other(compiled.other, doc, claim.sent):
                continue
            context = assess(predicate)
            severity = adjust(level, {"negated": context.negated, "hedged": context.hedged,
                                      "quoted": context.quoted or assess(target).quoted},
                              compiled.options)
            if severity is None:
                continue
            seen.add(claim.sent.start)
            start, end = span_offsets(document, index, claim)
            yield Hit(start, end, severity, {"match": claim.text, "predicate": predicate.text,
                                             "object": target.text})


def _claims(compiled: Compiled, doc: Any, objects: list[Any]) -> Iterator[tuple[Any, Any, Any]]:
    """(claim word, object, whole claim) pairs in text order."""
    gap = compiled.options["max_gap"]
    found = []
    for predicate in compiled.before.spans(doc):
        if _in_compound(doc, predicate):
            continue
        target = next((o for o in objects if 0 <= o.start - predicate.end <= gap
                       and _joined(doc, predicate.end, o.start)), None)
        if target is not None:
            found.append((predicate, target, doc[predicate.start:target.end]))
    for predicate in compiled.after.spans(doc):
        target = next((o for o in reversed(objects) if 0 <= predicate.start - o.end <= gap
                       and _joined(doc, o.end, predicate.start)), None)
        if target is not None:
            found.append((predicate, target, doc[target.start:predicate.end]))
    return iter(sorted(found, key=lambda item: item[2].start))


def _about_other(matcher: TermMatcher, doc: Any, sentence: Any) -> bool:
    """The sentence, or the one before it in the paragraph, names what the matcher finds."""
    start = sentence.start
    if start > 0:
        start = doc[start - 1].sent.start
    return any(start <= span.start and span.end <= sentence.end for span in matcher.spans(doc))


def _in_compound(doc: Any, predicate: Any) -> bool:
    """A claim word inside a hyphenated adjective ("hard-to-treat depression") is no claim."""
    return predicate.start > 0 and doc[predicate.start - 1].text in ("-", "‐")


def _joined(doc: Any, start: int, end: int) -> bool:
    """No sentence end, clause break or termination cue between token positions start and end."""
    if doc[start].sent.start != doc[max(end - 1, start)].sent.start:
        return False
    if any(t.text in ";:.!?()" for t in doc[start:end]):
        return False
    return not any(start <= cue.start and cue.end <= end for cue in doc.spans["termination"])
