"""Where a document-level finding (something missing) points: the post's first line of prose."""

from __future__ import annotations

from medreview.document import Document


ANCHOR_MAX = 120  # characters: a post whose first line is one huge paragraph keeps a short excerpt


def document_anchor(document: Document) -> tuple[int, int]:
    """The first line of the first body block (the title, usually), at most ANCHOR_MAX
    characters, cut at a space; (0, 0) for an empty document."""
    for block in document.blocks:
        if block.kind != "front_matter":
            line_end = document.text.find("\n", block.start, block.end)
            end = block.end if line_end == -1 else line_end
            if end - block.start > ANCHOR_MAX:
                space = document.text.rfind(" ", block.start, block.start + ANCHOR_MAX)
                end = space if space > block.start else block.start + ANCHOR_MAX
            return block.start, end
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
