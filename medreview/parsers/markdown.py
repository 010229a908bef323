"""Markdown posts: markdown-it-py (CommonMark plus tables) tokens mapped back to exact offsets.

Block tokens give source lines; the text of each inline token is found by searching forward
from a cursor inside those lines, so every character lands on its own source position.
Code blocks, HTML blocks and image alt text are not prose and are skipped.
"""

from __future__ import annotations

from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from medreview.document import DocumentBuilder
from medreview.parsers.frontmatter import copy_aligned, split_front_matter
from medreview.parsers.text import add_bare_urls
from medreview.source import Source

KIND_BY_CONTAINER = {"th_open": "cell", "td_open": "cell", "list_item_open": "list_item",
                     "blockquote_open": "quote"}


@cache
def _markdown() -> MarkdownIt:
    # text_join would merge escapes and entities into plain text, hiding where they stood.
    return MarkdownIt("commonmark").enable("table").disable("text_join")


def parse(source: Source, builder: DocumentBuilder) -> None:
    """Parse a Markdown post (after its front matter) into blocks and links."""
    body = split_front_matter(source, builder)
    tokens = _markdown().parse(source.text[body:])
    _Walker(source, builder, source.location(body)[0] - 1).walk(tokens)


def block_kind(containers: list[Token]) -> tuple[str, int]:
    """(kind, level) of inline text inside the open block tokens `containers`."""
    for token in reversed(containers):
        if token.type == "heading_open":
            return "heading", int(token.tag[1:])
        if token.type in KIND_BY_CONTAINER:
            return KIND_BY_CONTAINER[token.type], 0
    return "paragraph", 0


class _Walker:
    """Walks block tokens; maps each inline token's pieces to source offsets."""

    def __init__(self, source: Source, builder: DocumentBuilder, first_line: int) -> None:
        self.text = source.text
        self.line_starts = source.line_starts
        self.builder = builder
        self.first_line = first_line  # 0-based source line of body line 0
        self.cursor = 0
        self.limit = 0
        self.link: tuple[str, int] | None = None

    def walk(self, tokens: list[Token]) -> None:
        containers: list[Token] = []
        for token in tokens:
            if token.nesting == 1:
                containers.append(token)
            elif token.nesting == -1:
                containers.pop()
            elif token.type == "inline" and token.map:
                self.inline(token, *block_kind(containers))

    def line_offset(self, body_line: int) -> int:
        line = self.first_line + body_line
        return self.line_starts[line] if line < len(self.line_starts) else len(self.text)

    def inline(self, token: Token, kind: str, level: int) -> None:
        start_line, end_line = token.map  # type: ignore[misc]
        self.cursor = max(self.cursor, self.line_offset(start_line))
        self.limit = max(self.line_offset(end_line), self.cursor)
        self.builder.open_block(self.cursor)
        self.link = None
        for child in token.children or []:
            self.child(child)
        self.builder.close_block(kind, level=level)

    def child(self, token: Token) -> None:
        handler = getattr(self, f"on_{token.type}", None)
        if handler is not None:
            handler(token)

    def find(self, needle: str) -> int:
        return self.text.find(needle, self.cursor, self.limit)

    # -- inline token handlers -------------------------------------------------------------
    def on_text(self, token: Token) -> None:
        if self.link is None:  # a URL used as link text is recorded once, by the link
            add_bare_urls(self.builder, token.content, self.builder.offset)
        self.cursor = copy_aligned(self.builder, token.content, self.text, self.cursor, self.limit)

    def on_text_special(self, token: Token) -> None:
        """An escape (`\\*`) or entity (`&amp;`): `markup` is the source, `content` the result."""
        at = self.find(token.markup) if token.markup else -1
        if at < 0:
            self.builder.synthetic(token.content, self.cursor)
            return
        escaped = token.info == "escape" and self.text.startswith(token.content, at + 1)
        if escaped:  # the character after the backslash is itself the text
            self.builder.verbatim(token.content, at + 1)
        else:
            self.builder.synthetic(token.content, at)
        self.cursor = at + len(token.markup)

    def on_code_inline(self, token: Token) -> None:
        at = self.find(token.markup)
        if at >= 0:
            self.cursor = at + len(token.markup)
        self.cursor = copy_aligned(self.builder, token.content, self.text, self.cursor, self.limit)
        at = self.find(token.markup)
        if at >= 0:
            self.cursor = at + len(token.markup)

    def on_softbreak(self, token: Token) -> None:
        at = self.find("\n")
        if at < 0:
            self.builder.synthetic("\n", self.cursor)
            return
        self.builder.verbatim("\n", at)
        self.cursor = at + 1

    on_hardbreak = on_softbreak

    def on_html_inline(self, token: Token) -> None:
        at = self.find(token.content)
        if at < 0:
            return
        if token.content.lower().replace(" ", "").rstrip("/>") == "<br":
            self.builder.synthetic("\n", at)
        self.cursor = at + len(token.content)

    def on_link_open(self, token: Token) -> None:
        self.link = (str(token.attrGet("href") or ""), self.builder.offset)

    def on_link_close(self, token: Token) -> None:
        if self.link is not None and self.builder.offset > self.link[1]:
            self.builder.add_link(self.link[0], self.link[1], self.builder.offset)
        self.link = None
        if token.markup == "autolink":
            at = self.find(">")
            self.cursor = at + 1 if at >= 0 else self.cursor
        else:
            self.cursor = self.skip_link_tail(self.find("]"))

    def on_image(self, token: Token) -> None:
        """Alt text is not prose: move the cursor past the whole image."""
        at = self.find("![")
        if at >= 0:
            self.cursor = self.skip_link_tail(self.closing_bracket(at + 1))

    # -- moving past link syntax -----------------------------------------------------------
    def closing_bracket(self, opening: int) -> int:
        """Offset of the `]` matching the `[` at `opening`, or -1."""
        depth, index = 0, opening
        while index < self.limit:
            char = self.text[index]
            if char == "\\":
                index += 1
            elif char == "[":
                depth += 1
            elif char == "]":
                depth -= 1
                if depth == 0:
                    return index
            index += 1
        return -1

    def skip_link_tail(self, bracket: int) -> int:
        """The cursor after `](url "title")`, `][ref]` or `]`, given the offset of `]`."""
        if bracket < 0:
            return self.cursor
        after = bracket + 1
        if self.text.startswith("(", after):
            return self.closing_paren(after)
        if self.text.startswith("[", after):
            end = self.text.find("]", after, self.limit)
            return end + 1 if end >= 0 else after
        return after

    def closing_paren(self, opening: int) -> int:
        """The offset after the `)` closing a link destination opened at `opening`."""
        depth, quote, index = 0, "", opening
        while index < self.limit:
            char = self.text[index]
            if char == "\\":
                index += 1
            elif quote:
                quote = "" if char == quote else quote
            elif char in "\"'" and depth == 1 and self.text[index - 1].isspace():
                quote = char  # a link title, which may contain brackets
            elif char == "(":
                depth += 1
            elif char == ")":
                depth -= 1
                if depth == 0:
                    return index + 1
            index += 1
        return opening + 1
