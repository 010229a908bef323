"""readability: a textstat formula against a grade target, for the post and for each section.

Flags college-level prose ("Ketamine, an N-methyl-D-aspartate receptor antagonist, exhibits
rapid-acting antidepressant properties...") against a grade-8 target; passes plain language.
The target can depend on the post's `audience` front-matter field.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview import readability
from medreview.checks.anchor import document_anchor
from medreview.checks.base import Env, Hit, Option, in_scope
from medreview.document import Document

OPTIONS = {
    "metric": Option((str,), "smog_index", "a textstat formula: " + ", ".join(readability.METRICS),
                     readability.METRICS),
    "max": Option((int, float), 8, "the highest acceptable score (a US school grade for grade "
                  "formulas)"),
    "max_by_audience": Option((dict,), {}, "targets by front-matter `audience` "
                              "(e.g. {patients: 8, clinicians: 14})"),
    "per": Option((str,), "document", "score the whole post, or each section too",
                  ("document", "section")),
    "min_words": Option((int,), 100, "texts shorter than this are not scored"),
    "min_sentences": Option((int,), 0, "below this many sentences, score with fallback_metric "
                            "instead (SMOG is defined on 30 sentences)"),
    "fallback_metric": Option((str,), "flesch_kincaid_grade", "the formula for texts with fewer "
                              "than min_sentences sentences", readability.METRICS),
}


@dataclass
class Compiled:
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    for value in options["max_by_audience"].values():
        if not isinstance(value, (int, float)):
            raise ValueError("max_by_audience values must be numbers")
    return Compiled(options)


def target(options: dict[str, Any], document: Document) -> float:
    audience = str(document.front_matter.get("audience", "")).strip().lower()
    return options["max_by_audience"].get(audience, options["max"])


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    limit = target(options, document)
    prose = [i for i in in_scope(document, scope) if document.blocks[i].kind != "heading"]
    text = "\n".join(document.block_text(document.blocks[i]) for i in prose)
    if _words(text) >= options["min_words"]:
        metric, value = score(options, text)
        if value > limit:
            start, end = document_anchor(document)
            yield Hit(start, end, values=_values(metric, value, limit, "the post"))
    if options["per"] != "section":
        return
    for number, section in enumerate(document.sections):
        blocks = [i for i in prose if document.blocks[i].section == number]
        text = "\n".join(document.block_text(document.blocks[i]) for i in blocks)
        if blocks and _words(text) >= options["min_words"]:
            metric, value = score(options, text)
            if value > limit:
                heading = document.blocks[section.heading_block]
                yield Hit(heading.start, heading.end,
                          values=_values(metric, value, limit, f"section '{section.heading}'"))


def score(options: dict[str, Any], text: str) -> tuple[str, float]:
    """(formula used, score): the fallback formula when the text has too few sentences."""
    metric = options["metric"]
    if readability.textstat().sentence_count(text) < options["min_sentences"]:
        metric = options["fallback_metric"]
    return metric, round(readability.metric(metric)(text), 1)


def _words(text: str) -> int:
    return len(text.split())


def _values(metric: str, value: float, limit: float, where: str) -> dict[str, str]:
    return {"metric": metric, "value": f"{value:g}", "max": f"{limit:g}", "where": where}
