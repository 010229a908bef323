"""Plain-text posts (often copied from a web page), plus the bare-URL finder all parsers share.

Blocks are separated by blank lines. A block that is one short line without end punctuation
is a heading: those before the first paragraph (a category label, the title) are level 1,
later ones level 2. Lines starting "- ", "* ", "• " or
"1. " are list items. Hard-wrapped lines are joined by their own newline.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from medreview.document import DocumentBuilder
from medreview.parsers.frontmatter import split_front_matter
from medreview.source import Source
from medreview.waivers import is_text_directive

# A heading is a short title-like line; 12 words covers long headings (the seed post's title
# has 10) while one-line sentences without a full stop are usually longer.
HEADING_MAX_WORDS = 12
HEADING_MAX_CHARS = 120
END_PUNCTUATION = ".!?:;,"
CLOSERS = "\"')]}\u201d\u2019\u00bb"  # a heading ending "…?”" still ends in punctuation
# Cross-links like "See also: <other post>" look like headings but are prose.
NOT_HEADING_PREFIXES = ("see also:", "read also:", "read more:")
# Web-page chrome that comes along when a post is copied from a browser; it is not the
# author's text, so it must not be reviewed (or counted as a heading).
CHROME_LINES = ("leave a reply", "back to top button", "related articles", "related posts",
                "share this:")
CHROME_PREFIXES = ("your email address will not be published",)
LIST_MARKER = re.compile(r"(?:[-*\u2022]|\d{1,3}[.)])[ \t]+(?=\S)")

URL_PATTERN = re.compile(r"(?<![\w@/.])(?:https?://|www\.)[^\s<>\"'`\[\]{}|\\^]+", re.IGNORECASE)
URL_TRAILING = ".,;:!?*_"


@dataclass(frozen=True)
class Line:
    """A non-blank line: `start`/`end` bound its text without surrounding whitespace."""

    start: int
    end: int
    newline: int  # offset of the "\n" ending the line (len(text) on the last line)


def parse(source: Source, builder: DocumentBuilder) -> None:
    """Parse a plain-text post into headings, paragraphs and list items."""
    body = split_front_matter(source, builder)
    seen_prose = False
    for group in _groups(source.text, body):
        for kind, lines, first in _units(source.text, group):
            level = 0
            if kind == "paragraph" and len(lines) == 1 and is_heading(source.text[first:lines[0].end]):
                kind, level = "heading", 2 if seen_prose else 1
            else:
                seen_prose = True
            _emit(builder, source.text, lines, first)
            builder.close_block(kind, level=level)


def _lines(text: str, start: int) -> Iterator[Line | None]:
    """Each line from `start`, trimmed; None for a blank line, a web-page chrome line or a
    medreview directive (none of them is the author's prose)."""
    while start < len(text):
        newline = text.find("\n", start)
        newline = len(text) if newline == -1 else newline
        raw = text[start:newline]
        content = raw.strip()  # str.strip also drops no-break spaces pasted from web pages
        if not content or is_chrome(content) or is_text_directive(content):
            yield None
        else:
            lead = len(raw) - len(raw.lstrip())
            yield Line(start + lead, start + lead + len(content), newline)
        start = newline + 1


def _groups(text: str, start: int) -> Iterator[list[Line]]:
    """Runs of consecutive non-blank lines."""
    group: list[Line] = []
    for line in _lines(text, start):
        if line is None:
            if group:
                yield group
            group = []
        else:
            group.append(line)
    if group:
        yield group


def _units(text: str, group: list[Line]) -> Iterator[tuple[str, list[Line], int]]:
    """Split a group into (kind, lines, offset of the first character) per paragraph or list item;
    a line without a list marker continues the list item above it (a wrapped item)."""
    kind, lines, first = "paragraph", [], 0
    for line in group:
        marker = LIST_MARKER.match(text, line.start)
        if marker or not lines:
            if lines:
                yield kind, lines, first
            kind = "list_item" if marker else "paragraph"
            lines, first = [], marker.end() if marker else line.start
        lines.append(line)
    if lines:
        yield kind, lines, first


def _emit(builder: DocumentBuilder, text: str, lines: list[Line], first: int) -> None:
    """One block's lines, verbatim, joined by the newline that ended each line."""
    builder.open_block(first)
    for index, line in enumerate(lines):
        start = first if index == 0 else line.start
        if index:
            builder.verbatim("\n", lines[index - 1].newline)
        add_bare_urls(builder, text[start:line.end], builder.offset)
        builder.verbatim(text[start:line.end], start)


def is_chrome(line: str) -> bool:
    """True for a line of web-page furniture (comment form, share buttons)."""
    lowered = line.strip().lower()
    return lowered in CHROME_LINES or lowered.startswith(CHROME_PREFIXES)


def is_heading(line: str) -> bool:
    """True for a short line that reads like a title rather than a sentence."""
    stripped = line.strip()
    bare = stripped.rstrip(CLOSERS)
    if not bare or bare[-1] in END_PUNCTUATION or not any(ch.isalpha() for ch in bare):
        return False
    if stripped.lower().startswith(NOT_HEADING_PREFIXES) or URL_PATTERN.match(stripped):
        return False
    return len(stripped.split()) <= HEADING_MAX_WORDS and len(stripped) <= HEADING_MAX_CHARS


def find_bare_urls(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each http(s):// or www. URL in `text`, without trailing punctuation."""
    for match in URL_PATTERN.finditer(text):
        start, end = match.span()
        while end > start:
            last = text[end - 1]
            if last in URL_TRAILING:
                end -= 1
            elif last == ")" and text.count(")", start, end) > text.count("(", start, end):
                end -= 1  # "(see https://x.org)" – the bracket belongs to the sentence
            else:
                break
        if end - start > len("www.") + 1:
            yield start, end


def add_bare_urls(builder: DocumentBuilder, text: str, doc_start: int) -> None:
    """Record bare URLs in `text`, which is (or is about to be) appended at `doc_start`."""
    for start, end in find_bare_urls(text):
        builder.add_link(text[start:end], doc_start + start, doc_start + end)
