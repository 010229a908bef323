"""The Document: plain text of a post with an exact map back to the source, plus its structure.

Parsers build a Document through `DocumentBuilder`; rule types read it. Offsets ("doc offsets")
index `Document.text`; `Document.source_span()` turns them into offsets into `Source.text`,
which `Source.location()` turns into 1-based line and column.
"""

from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Iterator

from medreview.source import Source

if TYPE_CHECKING:
    from spacy.tokens import Doc

BLOCK_SEPARATOR = "\n\n"


@dataclass
class Block:
    """One unit of prose: a heading, paragraph, list item, table cell or front-matter field."""

    kind: str  # heading | paragraph | list_item | quote | cell | front_matter
    start: int  # doc offset of the first character
    end: int  # doc offset after the last character
    level: int = 0  # heading level (1-6); 0 for other blocks
    field: str | None = None  # front-matter field name for kind == "front_matter"
    section: int = -1  # index into Document.sections; -1 before the first heading
    doc: Doc | None = None  # spaCy analysis of this block (set by the analyser)


@dataclass
class Section:
    """A heading and the blocks under it up to the next heading of the same or higher level."""

    heading: str
    level: int
    start: int  # doc offset of the heading
    end: int  # doc offset where the section ends
    heading_block: int  # index into Document.blocks
    categories: tuple[str, ...] = ()  # e.g. ("safety",), from heading synonyms


@dataclass(frozen=True)
class Link:
    """A hyperlink, footnote reference or bare URL found in the prose."""

    url: str
    start: int  # doc offset of the link text (or the URL itself)
    end: int


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    block: int  # index into Document.blocks


@dataclass
class Document:
    source: Source
    text: str
    blocks: list[Block]
    front_matter: dict[str, Any]
    links: list[Link]
    runs: list[tuple[int, int, int]]  # (doc_start, src_start, length), sorted by doc_start
    sections: list[Section] = field(default_factory=list)
    sentences: list[Sentence] = field(default_factory=list)
    front_matter_lines: dict[str, int] = field(default_factory=dict)  # field -> source line
    # checks.base.in_scope's answers by scope: some thirty rules ask for a handful of scopes
    scopes: dict[tuple[str, ...], list[int]] = field(default_factory=dict, repr=False,
                                                      compare=False)

    # -- offsets ---------------------------------------------------------------------------
    def source_offset(self, offset: int) -> int:
        """Map a doc offset to a source offset. Text copied verbatim maps exactly; text the
        parser synthesised (separators, decoded entities) maps to where it came from."""
        if not self.runs:
            return 0
        index = max(0, bisect_right(self.runs, (offset, float("inf"), 0)) - 1)
        doc_start, src_start, length = self.runs[index]
        return src_start + min(max(offset - doc_start, 0), length)

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        src_start = self.source_offset(start)
        src_end = self.source_offset(end - 1) + 1 if end > start else src_start
        return src_start, max(src_end, src_start)

    # -- structure -------------------------------------------------------------------------
    def block_at(self, offset: int) -> int:
        return max(0, bisect_right(self.blocks, offset, key=lambda b: b.start) - 1)

    def sentence_at(self, offset: int) -> Sentence | None:
        # bisect with a key, not a list of starts: a long post has one finding per sentence.
        index = bisect_right(self.sentences, offset, key=lambda s: s.start) - 1
        if index >= 0 and self.sentences[index].start <= offset < max(self.sentences[index].end, offset + 1):
            return self.sentences[index]
        return None

    def section_of(self, block_index: int) -> Section | None:
        section = self.blocks[block_index].section
        return self.sections[section] if section >= 0 else None

    def block_text(self, block: Block) -> str:
        return self.text[block.start:block.end]

    def prose_blocks(self) -> Iterator[tuple[int, Block]]:
        """Body blocks: everything but headings and front-matter fields."""
        for i, block in enumerate(self.blocks):
            if block.kind not in ("heading", "front_matter"):
                yield i, block


class DocumentBuilder:
    """Accumulates blocks of plain text, each piece tied to where it stands in the source."""

    def __init__(self, source: Source) -> None:
        self.source = source
        self._parts: list[str] = []
        self._length = 0
        self.runs: list[tuple[int, int, int]] = []
        self.blocks: list[Block] = []
        self.links: list[Link] = []
        self.front_matter: dict[str, Any] = {}
        self.front_matter_lines: dict[str, int] = {}
        self._block_start: int | None = None
        self._block_part = 0  # index into _parts where the open block's text begins

    @property
    def offset(self) -> int:
        return self._length

    def verbatim(self, text: str, src_start: int) -> None:
        """Append text that stands unchanged at `src_start` in the source."""
        if text:
            self._append(text, src_start, len(text))

    def synthetic(self, text: str, src_at: int) -> None:
        """Append text with no exact source counterpart (a decoded entity, a joined line);
        every character of it maps to `src_at`."""
        for ch in text:
            self._append(ch, src_at, 0)

    def _append(self, text: str, src_start: int, length: int) -> None:
        self.runs.append((self._length, src_start, length))
        self._parts.append(text)
        self._length += len(text)

    def open_block(self, src_at: int) -> None:
        if self.blocks or self._block_start is not None or self._length:
            if self._block_start is None:
                self.synthetic(BLOCK_SEPARATOR, src_at)
        self._block_start = self._length
        self._block_part = len(self._parts)

    def close_block(self, kind: str, level: int = 0, field: str | None = None) -> Block | None:
        """Finish the current block; an empty or blank block is dropped."""
        start = self._block_start if self._block_start is not None else self._length
        # Only the block's own parts are joined: joining the whole text per block is quadratic.
        text = "".join(self._parts[self._block_part:]) if self._block_start is not None else ""
        self._block_start = None
        if not text.strip():
            self._truncate(start)
            return None
        lead = len(text) - len(text.lstrip())
        trail = len(text) - len(text.rstrip())
        block = Block(kind=kind, start=start + lead, end=self._length - trail, level=level, field=field)
        self.blocks.append(block)
        return block

    def _truncate(self, length: int) -> None:
        """Drop everything after `length` (an empty block and its separator)."""
        self._drop_after(length)
        if self._tail(len(BLOCK_SEPARATOR)) == BLOCK_SEPARATOR:
            self._drop_after(length - len(BLOCK_SEPARATOR))

    def _drop_after(self, length: int) -> None:
        while self._length > length:
            part = self._parts.pop()
            self._length -= len(part)
            if self._length < length:  # the part straddles the cut: keep its head
                self._parts.append(part[:length - self._length])
                self._length = length
        while self.runs and self.runs[-1][0] >= length:
            self.runs.pop()

    def _tail(self, size: int) -> str:
        """The last `size` characters of the text so far."""
        pieces: list[str] = []
        for part in reversed(self._parts):
            pieces.append(part)
            if sum(map(len, pieces)) >= size:
                break
        return "".join(reversed(pieces))[-size:]

    def add_link(self, url: str, start: int, end: int) -> None:
        self.links.append(Link(url=url, start=start, end=end))

    def build(self) -> Document:
        text = "".join(self._parts)
        return Document(source=self.source, text=text, blocks=self.blocks,
                        front_matter=self.front_matter, links=self.links, runs=self.runs,
                        front_matter_lines=self.front_matter_lines)
