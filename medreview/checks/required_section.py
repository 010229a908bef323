"""required_section: a section whose heading matches a synonym must exist.

Flags a treatment post with no "Risks", "Safety" or "Side effects" heading; passes one whose
heading reads "Safety and Considerations", or (with `satisfied_by`) that states risks inline.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview import regex
from medreview.checks.anchor import document_anchor
from medreview.checks.base import Env, Hit, Option, in_scope
from medreview.document import Document
from medreview.matching import TermMatcher

OPTIONS = {
    "headings": Option((list,), [], "heading synonyms; a heading containing one as whole words "
                       "satisfies the rule"),
    "when_any": Option((dict,), {}, "apply only when the post contains one of these "
                       "(terms/exact/patterns/regex)"),
    "satisfied_by": Option((dict,), {}, "body text that satisfies the rule without a heading"),
}


@dataclass
class Compiled:
    heading_patterns: list[str]
    when: TermMatcher
    satisfied_by: TermMatcher


def compile(options: dict[str, Any], env: Env) -> Compiled:
    patterns = [r"\b" + regex_escape(h) + r"\b" for h in options["headings"]]
    for pattern in patterns:
        regex.compile_regex(pattern)
    return Compiled(patterns, TermMatcher.build(env.nlp, options["when_any"], env.tables),
                    TermMatcher.build(env.nlp, options["satisfied_by"], env.tables))


def regex_escape(text: str) -> str:
    return "".join("\\" + ch if not ch.isalnum() and ch != " " else ch for ch in text)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    docs = [document.blocks[i].doc for i in in_scope(document, scope)]
    if compiled.when and not compiled.when.in_text(docs):
        return
    for section in document.sections:
        if any(regex.search(p, section.heading) for p in compiled.heading_patterns):
            return
    if compiled.satisfied_by and compiled.satisfied_by.in_text(docs):
        return
    start, end = document_anchor(document)
    yield Hit(start, end)

