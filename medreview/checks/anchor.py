"""Where a document-level finding (something missing) points: the post's first line of prose."""

from __future__ import annotations

from medreview.document import Document


def document_anchor(document: Document) -> tuple[int, int]:
    """The span of the first body block (the title, usually); (0, 0) for an empty document."""
    for block in document.blocks:
        if block.kind != "front_matter":
            first_line_end = document.text.find("\n", block.start, block.end)
            return block.start, block.end if first_line_end == -1 else first_line_end
    return 0, 0


def front_matter_value(document: Document, dotted: str) -> object:
    """A front-matter value by dotted path ("reviewer.name"); None when absent or empty."""
    value: object = document.front_matter
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    if value in ("", [], {}, None):
        return None
    return value
