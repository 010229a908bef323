"""citation_needed: evidence cues ("studies show", "research has") need a source nearby.

Flags "Research has increasingly explored ketamine's benefits"; passes "Research has explored
ketamine for bipolar depression, but trials are small [2]." A citation is a link, footnote
marker, author-year reference, DOI or PMID in the same sentence (or paragraph, by option).
"""

from __future__ import annotations

from typing import Any, Iterator

from medreview.checks import phrase
from medreview.checks.base import Env, Hit
from medreview.document import Document

OPTIONS = {name: option for name, option in phrase.OPTIONS.items() if name != "cited"}


def compile(options: dict[str, Any], env: Env) -> phrase.Compiled:
    return phrase.compile({**options, "cited": "skip"}, env)


def check(compiled: phrase.Compiled, level: str, scope: tuple[str, ...],
          document: Document) -> Iterator[Hit]:
    return phrase.check(compiled, level, scope, document)
