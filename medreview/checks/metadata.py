"""metadata: required front-matter fields (author, medical reviewer, date), or a byline in text.

Flags a post with no author anywhere; passes front matter `author: Priya Shah, MD` or a body
line "By Priya Shah, MD". Each entry of `fields` is an alternative ("date" or "last_reviewed").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview import regex
from medreview.checks.anchor import document_anchor, front_matter_value
from medreview.checks.base import Env, Hit, Option
from medreview.document import Document

OPTIONS = {
    "fields": Option((list,), [], "front-matter fields (dotted paths allowed); any one present "
                     "satisfies the rule"),
    "body_regex": Option((list,), [], "RE2 patterns; a match in the post's text satisfies the rule "
                         "(a byline such as 'Medically reviewed by ...')"),
}


@dataclass
class Compiled:
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    for pattern in options["body_regex"]:
        regex.compile_regex(pattern, ignore_case=False)
    return Compiled(options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    options = compiled.options
    if any(front_matter_value(document, name) is not None for name in options["fields"]):
        return
    if any(regex.search(p, document.text, ignore_case=False) for p in options["body_regex"]):
        return
    start, end = document_anchor(document)
    yield Hit(start, end, values={"fields": ", ".join(options["fields"])})
