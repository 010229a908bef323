"""Parsers: Source -> Document. One module per input format; sections are derived here once."""

from __future__ import annotations

from medreview.document import Document, DocumentBuilder, Section
from medreview.parsers import html, markdown, text
from medreview.source import Source

PARSERS = {"markdown": markdown.parse, "text": text.parse, "html": html.parse}


def parse(source: Source) -> Document:
    """Parse a Source into a Document with blocks, links, front matter and sections."""
    builder = DocumentBuilder(source)
    PARSERS[source.format](source, builder)
    document = builder.build()
    document.sections = build_sections(document)
    return document


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
