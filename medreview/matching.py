"""Find terms, spaCy token patterns and regexes in analysed blocks. Shared by the rule types.

`terms` match on lowercase lemmas ("cure" finds "Cures", "cured"); `exact` matches lowercase
word forms; `patterns` are spaCy Matcher token patterns; `regex` runs on RE2; `table` names
knowledge tables whose entries add their own terms/exact/regex/patterns (and `names`, as exact).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from medreview import regex
from medreview.nlp import doc_text, lemma_doc

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MATCH_KEYS = ("terms", "exact", "patterns", "regex")
SPEC_KEYS = (*MATCH_KEYS, "table")


def expand_tables(spec: dict[str, Any], tables: dict[str, Any] | None) -> dict[str, list[Any]]:
    """A matcher spec with its `table` entries merged in; unknown keys or tables are errors."""
    unknown = sorted(set(spec) - set(SPEC_KEYS))
    if unknown:
        raise ValueError(f"unknown matcher key '{unknown[0]}' (use {', '.join(SPEC_KEYS)})")
    merged = {key: list(spec.get(key) or []) for key in MATCH_KEYS}
    names = spec.get("table") or []
    for name in [names] if isinstance(names, str) else names:
        if name not in (tables or {}):
            raise KeyError(f"unknown knowledge table '{name}'")
        for entry in tables[name].values():
            if isinstance(entry, dict):
                for key in MATCH_KEYS:
                    merged[key] += list(entry.get(key) or [])
                merged["exact"] += list(entry.get("names") or [])
    return merged


@dataclass
class TermMatcher:
    """A compiled set of terms, patterns and regexes. Empty matchers match nothing."""

    terms: list[str] = field(default_factory=list)
    exact: list[str] = field(default_factory=list)
    patterns: list[list[dict[str, Any]]] = field(default_factory=list)
    regexes: list[str] = field(default_factory=list)
    _phrase: Any = None
    _exact: Any = None
    _matcher: Any = None
    _any_regex: str | None = None  # all regexes as one alternation, to skip blocks none match
    _serial: int = field(default_factory=itertools.count().__next__, compare=False, repr=False)

    @classmethod
    def build(cls, nlp: Language, spec: dict[str, Any] | None,
              tables: dict[str, Any] | None = None) -> TermMatcher:
        from spacy.matcher import Matcher, PhraseMatcher

        spec = expand_tables(spec or {}, tables)
        self = cls(terms=list(spec.get("terms", [])), exact=list(spec.get("exact", [])),
                   patterns=list(spec.get("patterns", [])), regexes=list(spec.get("regex", [])))
        if self.terms:
            self._phrase = PhraseMatcher(nlp.vocab, attr="LEMMA")
            self._phrase.add("terms", [lemma_doc(nlp, t) for t in self.terms])
        if self.exact:
            self._exact = PhraseMatcher(nlp.vocab, attr="LOWER")
            self._exact.add("exact", [nlp.make_doc(t) for t in self.exact])
        if self.patterns:
            self._matcher = Matcher(nlp.vocab, validate=True)
            self._matcher.add("patterns", self.patterns)
        for pattern in self.regexes:
            regex.compile_regex(pattern)
        if len(self.regexes) > 1:
            self._any_regex = "|".join(f"(?:{pattern})" for pattern in self.regexes)
            try:
                regex.compile_regex(self._any_regex)
            except regex.RegexError:  # e.g. two patterns naming the same group
                self._any_regex = None
        return self

    def __bool__(self) -> bool:
        return bool(self.terms or self.exact or self.patterns or self.regexes)

    def spans(self, doc: Doc) -> list[Span]:
        """Every match in a block's Doc, longest first where they overlap, in text order."""
        # Rules ask the same matcher about the same block many times (once per sentence for
        # `in_span`), so the answer is kept on the Doc.
        key = ("medreview.spans", self._serial)
        if key not in doc.user_data:
            doc.user_data[key] = self._find(doc)
        return list(doc.user_data[key])

    def _find(self, doc: Doc) -> list[Span]:
        from spacy.util import filter_spans

        found: list[Span] = []
        for matcher in (self._phrase, self._exact, self._matcher):
            if matcher is not None:
                found.extend(doc[start:end] for _, start, end in matcher(doc))
        text = doc_text(doc) if self.regexes else ""
        # Most blocks match none of the regexes: one scan of the alternation says so.
        if not self._any_regex or regex.search(self._any_regex, text):
            for pattern in self.regexes:
                for start, end in regex.finditer(pattern, text):
                    span = doc.char_span(start, end, alignment_mode="expand")
                    if span is not None and len(span):
                        found.append(span)
        if len(found) < 2:
            return found  # nothing to filter or order (most blocks find nothing)
        return sorted(filter_spans(found), key=lambda s: s.start)

    def in_span(self, span: Span) -> bool:
        """Does anything match inside this span (a sentence, say)?"""
        return any(span.start <= m.start and m.end <= span.end for m in self.spans(span.doc))

    def in_text(self, doc_list: list[Doc]) -> bool:
        return any(self.spans(doc) for doc in doc_list)

    def iter_all(self, docs: list[Doc]) -> Iterator[tuple[int, Span]]:
        for index, doc in enumerate(docs):
            for span in self.spans(doc):
                yield index, span
