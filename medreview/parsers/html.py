"""HTML posts: the stdlib HTMLParser, fed raw so each text chunk has an exact source position.

Whitespace runs collapse to one space; entities are decoded as synthetic text at the entity.
Scripts, navigation, forms and comment-form chrome are dropped. <title> and a few <meta>
tags become front-matter fields.
"""

from __future__ import annotations

import re
from html import unescape
from html.parser import HTMLParser

from medreview.document import DocumentBuilder
from medreview.parsers.text import find_bare_urls
from medreview.source import Source

HEADINGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
KIND_BY_TAG = {"li": "list_item", "td": "cell", "th": "cell", "blockquote": "quote",
               "dt": "paragraph", "dd": "paragraph"}
# Tags whose start or end ends the current block of text.
BLOCK_TAGS = HEADINGS | frozenset({
    "address", "article", "aside", "blockquote", "body", "caption", "dd", "details", "div",
    "dl", "dt", "figcaption", "figure", "footer", "header", "hr", "html", "li", "main", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
})
# Content a reader does not see as the article's prose (code, menus, widgets).
DROP_TAGS = frozenset({"script", "style", "noscript", "template", "nav", "form", "button",
                       "svg", "iframe", "select"})
# Words in an id or class that mark a blog's comment list or comment form.
CHROME_MARKERS = ("comment", "respond", "reply")
# Themes put classes like "comments-open" on the page's outer elements; those hold the article.
NEVER_CHROME = frozenset({"html", "body", "main"})
# Tags that belong in <head>; any other start tag means the body has begun.
HEAD_TAGS = frozenset({"head", "title", "meta", "link", "style", "script", "base", "noscript",
                       "template"})
VOID_TAGS = frozenset({"area", "base", "br", "col", "embed", "hr", "img", "input", "link",
                       "meta", "param", "source", "track", "wbr"})
# (start tag, tags it implicitly closes, tags that stop the search), as browsers do.
IMPLICIT_CLOSE = {
    "li": ({"li"}, {"ul", "ol", "menu"}),
    "dt": ({"dt", "dd"}, {"dl"}),
    "dd": ({"dt", "dd"}, {"dl"}),
    "tr": ({"tr", "td", "th"}, {"table", "thead", "tbody", "tfoot"}),
    "td": ({"td", "th"}, {"tr", "table"}),
    "th": ({"td", "th"}, {"tr", "table"}),
}
P_SCOPE = frozenset({"li", "td", "th", "dd", "dt", "blockquote", "div", "section", "article",
                     "main", "aside", "header", "footer", "body", "html", "table", "figure"})
META_FIELDS = {
    ("name", "author"): "author",
    ("name", "description"): "description",
    ("property", "article:published_time"): "date",
    ("property", "article:modified_time"): "updated",
    ("name", "reviewer"): "medical_reviewer",
    ("name", "medical-reviewer"): "medical_reviewer",
    ("name", "last-reviewed"): "last_reviewed",
}
HTML_SPACE = " \t\n\r\f"
_RUNS = re.compile(r"[ \t\n\r\f]+|[^ \t\n\r\f]+")
_REFERENCE = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[a-zA-Z][-.a-zA-Z0-9]*);?")


def parse(source: Source, builder: DocumentBuilder) -> None:
    """Parse an HTML post into blocks, links and front-matter fields."""
    reader = _Reader(source, builder)
    reader.feed(source.text)
    reader.close()
    reader.end_block()


class _Reader(HTMLParser):
    """Turns parser events into builder calls, tracking open elements and the current block."""

    def __init__(self, source: Source, builder: DocumentBuilder) -> None:
        super().__init__(convert_charrefs=False)  # keep references apart to know their offsets
        self.source = source
        self.builder = builder
        self.stack: list[tuple[str, bool]] = []  # (tag, dropped)
        self.dropping = 0  # open elements whose content is dropped
        self.kind: tuple[str, int] | None = None  # the open block's kind and level
        self.block_text: list[str] = []
        self.block_start = 0  # doc offset where the open block's text starts
        self.space: tuple[int, bool] | None = None  # pending space: (source offset, verbatim?)
        self.after_break = False
        self.href: str | None = None  # inside <a href>
        self.link_start: int | None = None  # doc offset of the anchor's first character
        self.title: list[str] | None = None
        self.title_line = 0

    # -- positions -------------------------------------------------------------------------
    def src_offset(self) -> int:
        line, column = self.getpos()
        return self.source.line_starts[line - 1] + column

    # -- tags ------------------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.close_implied(tag)
        if tag in VOID_TAGS:
            self.void(tag, dict(attrs))
            return
        if tag in BLOCK_TAGS:
            self.end_block()
        dropped = tag in DROP_TAGS or (tag not in NEVER_CHROME and is_chrome(attrs))
        self.stack.append((tag, dropped))
        self.dropping += dropped
        if self.dropping:
            return
        if tag == "a":
            self.close_link()
            self.href = dict(attrs).get("href") or None
        elif tag == "title" and "title" not in self.builder.front_matter:
            self.title, self.title_line = [], self.getpos()[0]

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID_TAGS:  # `<div/>` is treated as an empty element
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            if self.stack[index][0] == tag:
                self.pop_to(index)
                return
        # A stray end tag (nothing open to close) is ignored, as browsers do.

    def close_implied(self, tag: str) -> None:
        """Close elements a new `tag` ends implicitly (`<li>` after `<li>`, a block after `<p>`)."""
        if tag not in HEAD_TAGS:
            self.close_open({"head"}, set())
        if tag in IMPLICIT_CLOSE:
            names, scope = IMPLICIT_CLOSE[tag]
            self.close_open(names, scope)
        if tag in BLOCK_TAGS or tag == "p":
            self.close_open({"p"}, P_SCOPE)

    def close_open(self, names: set[str], scope: frozenset[str] | set[str]) -> None:
        for index in range(len(self.stack) - 1, -1, -1):
            tag = self.stack[index][0]
            if tag in names:
                self.pop_to(index)
                return
            if tag in scope:
                return

    def pop_to(self, index: int) -> None:
        """Close the element at stack `index` and everything opened inside it."""
        closing = self.stack[index:]
        del self.stack[index:]
        if any(tag in BLOCK_TAGS for tag, _ in closing):
            self.end_block()
        for tag, dropped in reversed(closing):
            self.dropping -= dropped
            if tag == "a":
                self.close_link()
            elif tag == "title":
                self.close_title()

    def void(self, tag: str, attrs: dict[str, str | None]) -> None:
        if self.dropping:
            return
        if tag == "meta":
            self.meta(attrs)
        elif tag == "hr":
            self.end_block()
        elif tag == "br" and self.kind is not None:
            self.builder.synthetic("\n", self.src_offset())
            self.block_text.append("\n")
            self.space, self.after_break = None, True

    def meta(self, attrs: dict[str, str | None]) -> None:
        content = (attrs.get("content") or "").strip()
        for attribute in ("name", "property"):
            name = (attrs.get(attribute) or "").strip().lower()
            field = META_FIELDS.get((attribute, name))
            if field and content:
                self.builder.front_matter[field] = content
                self.builder.front_matter_lines[field] = self.getpos()[0]

    # -- text ------------------------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.title is not None:
            self.title.append(data)
        elif not self.dropping and not self.in_head():
            self.add_text(data, self.src_offset())

    def handle_entityref(self, name: str) -> None:
        self.reference()

    def handle_charref(self, name: str) -> None:
        self.reference()

    def reference(self) -> None:
        """An entity or character reference: decoded text, synthetic at the `&`."""
        at = self.src_offset()
        match = _REFERENCE.match(self.source.text, at)
        raw = match.group() if match else "&"
        decoded = unescape(raw)
        if self.title is not None:
            self.title.append(decoded)
        elif self.dropping or self.in_head():
            return
        elif decoded == raw:  # an unknown name stays as written
            self.add_text(raw, at)
        elif decoded.strip(HTML_SPACE) == "":
            self.pending_space(at, verbatim=False)
        else:
            self.emit(decoded, at, verbatim=False)

    def add_text(self, data: str, at: int) -> None:
        for run in _RUNS.finditer(data):
            if run.group()[0] in HTML_SPACE:
                self.pending_space(at + run.start(), verbatim=run.group() == " ")
            else:
                self.emit(run.group(), at + run.start(), verbatim=True)

    def pending_space(self, at: int, verbatim: bool) -> None:
        if self.kind is not None and self.space is None and not self.after_break:
            self.space = (at, verbatim)

    def emit(self, text: str, at: int, verbatim: bool) -> None:
        """Append text to the current block, opening one and adding a pending space first."""
        if self.kind is None:
            self.builder.open_block(at)
            self.kind, self.block_start, self.block_text = self.block_kind(), self.builder.offset, []
        elif self.space is not None:
            space_at, space_verbatim = self.space
            (self.builder.verbatim if space_verbatim else self.builder.synthetic)(" ", space_at)
            self.block_text.append(" ")
        self.space, self.after_break = None, False
        if self.href is not None and self.link_start is None:
            self.link_start = self.builder.offset
        (self.builder.verbatim if verbatim else self.builder.synthetic)(text, at)
        self.block_text.append(text)

    def end_block(self) -> None:
        """Close the open block, recording bare URLs not already inside an anchor."""
        if self.kind is None:
            return
        text = "".join(self.block_text)
        for start, end in find_bare_urls(text):
            start, end = self.block_start + start, self.block_start + end
            if not any(link.start < end and start < link.end for link in self.builder.links):
                self.builder.add_link(text[start - self.block_start:end - self.block_start], start, end)
        self.builder.close_block(self.kind[0], level=self.kind[1])
        self.kind, self.space, self.after_break = None, None, False

    def block_kind(self) -> tuple[str, int]:
        """(kind, level) from the innermost element that decides it; default paragraph."""
        for tag, _ in reversed(self.stack):
            if tag in HEADINGS:
                return "heading", int(tag[1])
            if tag in KIND_BY_TAG:
                return KIND_BY_TAG[tag], 0
        return "paragraph", 0

    def in_head(self) -> bool:
        return any(tag == "head" for tag, _ in self.stack)

    def close_link(self) -> None:
        if self.href is not None and self.link_start is not None:
            self.builder.add_link(self.href, self.link_start, self.builder.offset)
        self.href = self.link_start = None

    def close_title(self) -> None:
        if self.title is None:
            return
        title = " ".join("".join(self.title).split())
        if title:
            self.builder.front_matter["title"] = title
            self.builder.front_matter_lines["title"] = self.title_line
        self.title = None


def is_chrome(attrs: list[tuple[str, str | None]]) -> bool:
    """True for an element whose id or class marks it as comment-list or comment-form chrome."""
    for name, value in attrs:
        if name in ("id", "class") and value and any(m in value.lower() for m in CHROME_MARKERS):
            return True
    return False
