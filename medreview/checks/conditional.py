"""conditional: if a trigger appears, a requirement must appear too.

Suicide mentioned -> a crisis line must be given ("If you are thinking about suicide, call or
text 988"); a drug named with a condition it is not approved for -> an off-label disclosure.
Knowledge tables (drug indications, conditions, crisis lines) are YAML data in the pack.
`always_flag` phrases ("stop taking your medication") are flagged wherever they stand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.anchor import front_matter_value
from medreview.checks.base import Env, Hit, Option, in_scope, span_offsets
from medreview.context import assess, is_negated
from medreview.document import Document
from medreview.matching import TermMatcher

OPTIONS = {
    "trigger": Option((dict,), {}, "what triggers the requirement (terms/exact/patterns/regex)"),
    "trigger_excludes_any": Option((dict,), {}, "a trigger (or always_flag match) does not "
                                   "count when its sentence contains one of these ('cancer cells "
                                   "commit suicide')"),
    "off_label": Option((dict,), {}, "trigger on a drug named with a condition outside its "
                        "approved uses: {drugs: <table>, conditions: <table>}"),
    "skip_negated_trigger": Option((bool,), True, "a negated trigger does not count"),
    "require": Option((dict,), {}, "what satisfies the requirement (terms/exact/patterns/regex)"),
    "require_table": Option((str,), "", "a knowledge table whose entries' terms/exact/regex "
                            "satisfy the requirement (e.g. crisis-lines)"),
    "require_fields": Option((list,), [], "front-matter fields that satisfy the requirement"),
    "within": Option((str,), "document", "where the requirement must stand: document, "
                     "paragraph or sentence", ("document", "paragraph", "sentence")),
    "report": Option((str,), "first", "report the first unmet trigger or each one",
                     ("first", "each")),
    "always_flag": Option((dict,), {}, "phrases flagged wherever they appear, met requirement or "
                          "not ('stop taking your medication'); negated or quoted ones are not"),
    "always_flag_level": Option((str,), "", "severity of always_flag hits (default: the rule's "
                                "level)", ("", "error", "warning", "info")),
}


@dataclass
class Compiled:
    trigger: TermMatcher
    excludes: TermMatcher
    require: TermMatcher
    always: TermMatcher
    drugs: list[tuple[str, TermMatcher, set[str]]]
    conditions: list[tuple[str, TermMatcher]]
    options: dict[str, Any]
    any_drug: TermMatcher  # every drug's names at once: most blocks name none


def compile(options: dict[str, Any], env: Env) -> Compiled:
    require = dict(options["require"])
    if options["require_table"]:
        for entry in _table(env, options["require_table"]).values():
            for key in ("terms", "exact", "regex", "patterns"):
                require.setdefault(key, [])
                require[key] = [*require[key], *entry.get(key, [])]
    drugs, conditions, drug_names = [], [], []
    if options["off_label"]:
        for name, entry in _table(env, options["off_label"]["drugs"]).items():
            drugs.append((name, TermMatcher.build(env.nlp, {"exact": entry["names"]}),
                          set(entry.get("approved", []))))
            drug_names += entry["names"]
        for name, entry in _table(env, options["off_label"]["conditions"]).items():
            conditions.append((name, TermMatcher.build(env.nlp, {"exact": entry["names"]})))
    return Compiled(TermMatcher.build(env.nlp, options["trigger"], env.tables),
                    TermMatcher.build(env.nlp, options["trigger_excludes_any"], env.tables),
                    TermMatcher.build(env.nlp, require, env.tables),
                    TermMatcher.build(env.nlp, options["always_flag"], env.tables), drugs,
                    conditions, options, TermMatcher.build(env.nlp, {"exact": drug_names}))


def _table(env: Env, name: str) -> dict[str, Any]:
    if name not in env.tables:
        raise KeyError(f"unknown knowledge table '{name}'")
    return env.tables[name]


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    indices = in_scope(document, scope)
    yield from _always(compiled, document, indices)
    if any(front_matter_value(document, f) is not None for f in options["require_fields"]):
        return
    for index, span, values in _triggers(compiled, document, indices):
        if not _satisfied(compiled, document, indices, index, span):
            start, end = span_offsets(document, index, span)
            yield Hit(start, end, values=values)
            if options["report"] == "first":
                return


def _always(compiled: Compiled, document: Document, indices: list[int]) -> Iterator[Hit]:
    severity = compiled.options["always_flag_level"] or None
    for index in indices if compiled.always else ():
        seen: set[int] = set()
        for span in compiled.always.spans(document.blocks[index].doc):
            context = assess(span)
            excluded = compiled.excludes and compiled.excludes.in_span(span.sent)
            if not (context.negated or context.quoted or excluded or span.sent.start in seen):
                seen.add(span.sent.start)
                start, end = span_offsets(document, index, span)
                yield Hit(start, end, severity, {"match": span.text})


def _triggers(compiled: Compiled, document: Document, indices: list[int]) -> Iterator[tuple]:
    """Triggers in text order, the first of each sentence only."""
    for index in indices:
        doc = document.blocks[index].doc
        seen: set[int] = set()
        spans = [(s, {"match": s.text}) for s in compiled.trigger.spans(doc)] if compiled.trigger else []
        spans += list(_off_label(compiled, doc))
        for span, values in sorted(spans, key=lambda item: item[0].start):
            if compiled.options["skip_negated_trigger"] and is_negated(span):
                continue
            if compiled.excludes and compiled.excludes.in_span(span.sent) or span.sent.start in seen:
                continue
            seen.add(span.sent.start)
            yield index, span, values


def _off_label(compiled: Compiled, doc: Any) -> Iterator[tuple[Any, dict[str, str]]]:
    """Drug mentions whose sentence names a condition outside the drug's approved uses."""
    if not compiled.any_drug.spans(doc):
        return
    for drug, matcher, approved in compiled.drugs:
        for span in matcher.spans(doc):
            for condition, condition_matcher in compiled.conditions:
                if condition in approved:
                    continue
                found = [c for c in condition_matcher.spans(doc) if c.sent == span.sent]
                if found and not _covered_by_approved(compiled, approved, found[0]):
                    yield span, {"match": span.text, "drug": drug, "condition": found[0].text}
                    break


def _covered_by_approved(compiled: Compiled, approved: set[str], found: Any) -> bool:
    """'treatment-resistant depression' is approved even though it contains 'depression'."""
    for condition, matcher in compiled.conditions:
        if condition in approved:
            for span in matcher.spans(found.doc):
                if span.start <= found.start and found.end <= span.end and len(span) > len(found):
                    return True
    return False


def _satisfied(compiled: Compiled, document: Document, indices: list[int], index: int,
               span: Any) -> bool:
    within = compiled.options["within"]
    if within == "sentence":
        return compiled.require.in_span(span.sent)
    if within == "paragraph":
        return bool(compiled.require.spans(document.blocks[index].doc))
    return compiled.require.in_text([b.doc for b in document.blocks if b.doc is not None])
