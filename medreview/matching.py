"""Find terms, spaCy token patterns and regexes in analysed blocks. Shared by the rule types.

`terms` match on lowercase lemmas ("cure" finds "Cures", "cured"); `exact` matches lowercase
word forms; `patterns` are spaCy Matcher token patterns; `regex` runs on RE2.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from medreview import regex
from medreview.nlp import lemma_doc

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc, Span

MATCH_KEYS = ("terms", "exact", "patterns", "regex")


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

    @classmethod
    def build(cls, nlp: Language, spec: dict[str, Any] | None) -> TermMatcher:
        from spacy.matcher import Matcher, PhraseMatcher

        spec = spec or {}
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
        return self

    def __bool__(self) -> bool:
        return bool(self.terms or self.exact or self.patterns or self.regexes)

    def spans(self, doc: Doc) -> list[Span]:
        """Every match in a block's Doc, longest first where they overlap, in text order."""
        from spacy.util import filter_spans

        found: list[Span] = []
        for matcher in (self._phrase, self._exact, self._matcher):
            if matcher is not None:
                found.extend(doc[start:end] for _, start, end in matcher(doc))
        for pattern in self.regexes:
            for start, end in regex.finditer(pattern, doc.text):
                span = doc.char_span(start, end, alignment_mode="expand")
                if span is not None and len(span):
                    found.append(span)
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
