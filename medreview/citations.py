"""Is a stretch of text backed by a source? Links, footnote markers, author-year, DOI, PMID."""

from __future__ import annotations

from medreview import regex
from medreview.document import Document

CITATION_PATTERNS = (
    r"\[\^?\d{1,3}\]",  # [1], [^1]
    r"\[\d{1,3}(?:[,–-]\s*\d{1,3})+\]",  # [1,2], [1-3]
    r"\(\d{1,3}(?:\s*[,–-]\s*\d{1,3})+\)",  # (84-85), (77-81, 83): numbered references
    r"[¹²³⁴⁵⁶⁷⁸⁹⁰]+",  # superscript footnote markers
    r"\(([A-Z][A-Za-z'’-]+(?: et al\.?| and [A-Z][A-Za-z'’-]+)?),? (19|20)\d\d[a-z]?\)",
    r"\bdoi:\s*10\.\d{4,9}/\S+",
    r"\b10\.\d{4,9}/[-._;()/:A-Za-z0-9]+",
    r"\bPMID:?\s*\d{5,9}",
    r"https?://\S+",
    r"\bwww\.\S+\.\S+",
)


def has_citation(document: Document, start: int, end: int) -> bool:
    """True when a link starts in [start, end) or the text there holds a citation marker."""
    if any(start <= link.start < end for link in document.links):
        return True
    text = document.text[start:end]
    return any(regex.search(pattern, text, ignore_case=False) for pattern in CITATION_PATTERNS)
