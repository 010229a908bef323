"""sentence_length: sentences over a word limit, and a post whose average is too high.

Flags a 42-word sentence that stacks eligibility, risks and price; passes "You will stay with
us for two hours after each infusion. A nurse will check your blood pressure."
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.anchor import document_anchor
from medreview.checks.base import Env, Hit, Option, in_scope
from medreview.document import Document

OPTIONS = {
    "max_words": Option((int,), 35, "flag any sentence with more words than this (0: off)"),
    "max_average": Option((int, float), 0, "flag the post when its average sentence length is "
                          "above this (0: off)"),
}


@dataclass
class Compiled:
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    return Compiled(options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    lengths: list[int] = []
    for index in in_scope(document, scope):
        block = document.blocks[index]
        if block.kind == "heading":
            continue
        for sentence in block.doc.sents:
            words = sum(1 for t in sentence if t.is_alpha or t.like_num)
            lengths.append(words)
            if options["max_words"] and words > options["max_words"]:
                yield Hit(block.start + sentence.start_char, block.start + sentence.end_char,
                          values={"words": str(words), "max": str(options["max_words"])})
    if options["max_average"] and lengths:
        average = sum(lengths) / len(lengths)
        if average > options["max_average"]:
            start, end = document_anchor(document)
            yield Hit(start, end, values={"average": f"{average:.1f}",
                                          "max": f"{options['max_average']:g}"})
