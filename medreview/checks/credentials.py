"""credentials: a named author must carry a qualification or clinical role.

Flags "Posted by Admin" (a generic name) and "Written by Jordan Lee" (no credentials); passes
"By Priya Shah, MD, board-certified psychiatrist" and front matter `author: {name: Priya Shah,
credentials: PharmD}`. A post with no author at all is authorship.missing's job, not this one's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Iterator

from medreview import regex
from medreview.checks.anchor import document_anchor, front_matter_value
from medreview.checks.base import Env, Hit, Option, in_scope
from medreview.document import Document

OPTIONS = {
    "fields": Option((list,), [], "front-matter fields naming the author (a string, a list, or a "
                     "mapping with `name`)"),
    "credential_fields": Option((list,), [], "front-matter fields whose presence states the "
                                "credentials (author.credentials)"),
    "byline_regex": Option((list,), [], "RE2 patterns for a byline in the text; group 1 is the "
                           "author's name and what follows it"),
    "credentials": Option((dict,), {}, "what counts as a credential: {regex: [...]} (case-"
                          "sensitive, for MD, PhD...) and {terms_regex: [...]} (case-insensitive "
                          "roles)"),
    "generic_names": Option((list,), [], "names that are not a person (admin, staff, team): "
                            "flagged whatever follows them"),
}


@dataclass
class Compiled:
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    for pattern in options["byline_regex"] + options["credentials"].get("terms_regex", []):
        regex.compile_regex(pattern)
    for pattern in options["credentials"].get("regex", []):
        regex.compile_regex(pattern, ignore_case=False)
    return Compiled(options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    """One hit per post: the first named author, when no named author is credentialed."""
    options = compiled.options
    if any(front_matter_value(document, name) is not None for name in options["credential_fields"]):
        return
    authors = (_front_matter_authors(document, options["fields"])
               + _bylines(document, options, scope))
    if not authors or any(_credentialed(options, text) for text, _, _ in authors):
        return
    text, start, end = authors[0]
    yield Hit(start, end, values={"name": _name(text)})


def _front_matter_authors(document: Document, fields: list[str]) -> list[tuple[str, int, int]]:
    start, end = document_anchor(document)
    found = []
    for name in fields:
        value = front_matter_value(document, name)
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, dict):
                item = ", ".join(str(v) for v in item.values() if isinstance(v, (str, int)))
            if isinstance(item, str) and item.strip():
                found.append((item.strip(), start, end))
    return found


def _bylines(document: Document, options: dict[str, Any],
             scope: tuple[str, ...]) -> list[tuple[str, int, int]]:
    found = []
    for index in in_scope(document, scope):
        block = document.blocks[index]
        for pattern in options["byline_regex"]:
            for match in regex.compile_regex(pattern).finditer(document.block_text(block)):
                if match.lastindex and match.group(1).strip():
                    found.append((match.group(1).strip(), block.start + match.start(),
                                  block.start + match.end(1)))
    return sorted(found, key=lambda item: item[1])


def _credentialed(options: dict[str, Any], text: str) -> bool:
    """A credential or role anywhere in the author text, unless the name is generic."""
    name = _name(text).lower()
    if name in options["generic_names"] or set(re.findall(r"[a-z]+", name)) & set(
            options["generic_names"]):
        return False
    credentials = options["credentials"]
    return (any(regex.search(p, text, ignore_case=False) for p in credentials.get("regex", []))
            or any(regex.search(p, text) for p in credentials.get("terms_regex", [])))


def _name(text: str) -> str:
    """The name part of an author text: up to the first comma, separator or ' on <date>'."""
    for separator in (",", "|", "·", " - ", " – ", " on ", "\n"):
        text = text.split(separator, 1)[0]
    return text.strip()[:60]
