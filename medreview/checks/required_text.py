"""required_text: wording that must appear somewhere (or at the start or end) of a post.

Flags a treatment post with no medical disclaimer; passes "This article is general information
and is not a substitute for advice from your own doctor." Matched by patterns, not one string.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview.checks.anchor import document_anchor, front_matter_value
from medreview.checks.base import MATCH_OPTIONS, Env, Hit, Option, in_scope, match_spec
from medreview.document import Document
from medreview.matching import TermMatcher

OPTIONS = {
    **MATCH_OPTIONS,
    "fields": Option((list,), [], "front-matter fields whose presence satisfies the rule "
                     "(e.g. disclaimer)"),
    "when_any": Option((dict,), {}, "apply only when the post contains one of these"),
    "location": Option((str,), "anywhere", "where the text must stand: anywhere, start or end",
                       ("anywhere", "start", "end")),
    "location_blocks": Option((int,), 3, "how many blocks count as the start or the end"),
}


@dataclass
class Compiled:
    match: TermMatcher
    when: TermMatcher
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    return Compiled(TermMatcher.build(env.nlp, match_spec(options), env.tables),
                    TermMatcher.build(env.nlp, options["when_any"], env.tables), options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    if any(front_matter_value(document, name) is not None for name in options["fields"]):
        return
    indices = in_scope(document, scope)
    if compiled.when and not compiled.when.in_text([document.blocks[i].doc for i in indices]):
        return
    count = options["location_blocks"]
    if options["location"] == "start":
        indices = indices[:count]
    elif options["location"] == "end":
        indices = indices[-count:]
    if compiled.match.in_text([document.blocks[i].doc for i in indices]):
        return
    start, end = document_anchor(document)
    yield Hit(start, end)
