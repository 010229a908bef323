"""Parsers: Source -> Document. One module per input format; sections are derived here once."""

from __future__ import annotations

import re

from medreview.document import Block, Document, DocumentBuilder, Section
from medreview.parsers import html, markdown, text
from medreview.source import Source

PARSERS = {"markdown": markdown.parse, "text": text.parse, "html": html.parse}
# No real paragraph is this long; a longer block (a 20 MB one-line export) is cut into pieces
# this size so spaCy's max_length is never reached and per-block work stays small.
MAX_BLOCK_CHARS = 100_000
_SENTENCE_END = re.compile(r"[.!?][\"')\]\u201d\u2019]*\s")
_SPACE = re.compile(r"\s")


def parse(source: Source) -> Document:
    """Parse a Source into a Document with blocks, links, front matter and sections."""
    builder = DocumentBuilder(source)
    PARSERS[source.format](source, builder)
    document = builder.build()
    document.blocks = [piece for block in document.blocks for piece in split_block(document.text, block)]
    document.sections = build_sections(document)
    return document


def split_block(text: str, block: Block, limit: int = MAX_BLOCK_CHARS) -> list[Block]:
    """`block`, or pieces of it no longer than `limit`, cut after a sentence where one ends in
    the second half of a piece, else at a space, else anywhere. Offsets stay exact."""
    pieces: list[Block] = []
    start = block.start
    while start < block.end:
        end = block.end if block.end - start <= limit else _cut(text, start, start + limit)
        piece_start = start + len(text[start:end]) - len(text[start:end].lstrip())
        piece_end = end - (len(text[start:end]) - len(text[start:end].rstrip()))
        if piece_end > piece_start:
            kind = "paragraph" if pieces and block.kind == "heading" else block.kind
            pieces.append(Block(kind=kind, start=piece_start, end=piece_end,
                                level=block.level if kind == "heading" else 0, field=block.field))
        start = end
    return pieces or [block]


def _cut(text: str, start: int, end: int) -> int:
    """Where to end a piece of text[start:end]: after the last sentence end or space in its
    second half, else at `end`."""
    middle = start + (end - start) // 2
    for pattern in (_SENTENCE_END, _SPACE):
        found = [m.end() for m in pattern.finditer(text, middle, end)]
        if found:
            return found[-1]
    return end


def build_sections(document: Document) -> list[Section]:
    """A section per heading, running to the next heading of the same or a higher level."""
    sections: list[Section] = []
    open_stack: list[int] = []
    for index, block in enumerate(document.blocks):
        if block.kind != "heading":
            if open_stack:
                block.section = open_stack[-1]
            continue
        while open_stack and sections[open_stack[-1]].level >= block.level:
            sections[open_stack.pop()].end = block.start
        sections.append(Section(heading=document.text[block.start:block.end], level=block.level,
                                start=block.start, end=len(document.text), heading_block=index))
        block.section = len(sections) - 1
        open_stack.append(len(sections) - 1)
    return sections
