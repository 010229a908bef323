"""Parsers: block structure, links, front matter and the exact document -> source offset map."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from medreview.document import Document
from medreview.errors import InputError
from medreview.parsers import parse
from medreview.source import source_from_bytes

SEED_POST = Path(__file__).resolve().parent.parent / "sample_posts" / "ketamine-bipolar.txt"
NEWLINES = {"lf": "\n", "crlf": "\r\n", "cr": "\r"}

MARKDOWN_POST = """\
---
title: Ketamine and "mood"
description: >
  A folded
  description
date: 2024-03-01
tags: [ketamine, mood]
---
# Ketamine for Depression

Ketamine *may* help some adults with **treatment-resistant** depression.
Ask your doctor about `esketamine` first.

## Risks &amp; side effects

- Dissociation after a dose
- Raised blood pressure
  - Headache in some people
- Caf\u00e9 \u00e9tude: tab\there

> Patients should be monitored for two hours.

See [the FDA label](https://www.fda.gov/label "FDA") and www.nimh.nih.gov for more.
Escaped \\*stars\\* and 5 \\< 6 & AT&amp;T.

| Dose | Effect |
|------|--------|
| Low  | Calm   |

```
code_is_not_prose()
```

<div class="html-block">html_is_not_prose</div>

![alt_is_not_prose](img.png) Image caption text.

### Summary
"""

HTML_POST = """\
<!DOCTYPE html>
<html>
<head>
  <title>Ketamine &amp; Mood | Clinic</title>
  <meta name="author" content="Dr. Jane Roe">
  <meta name="description" content="What ketamine does.">
  <meta property="article:published_time" content="2024-03-01T09:00:00Z">
  <meta property="article:modified_time" content="2024-04-01">
  <meta name="medical-reviewer" content="Dr. Sam Poe">
  <meta name="last-reviewed" content="2024-04-02">
  <style>.hidden_style_text { color: red }</style>
  <script>var hiddenScriptText = "<p>x</p>";</script>
</head>
<body>
<nav><a href="/">Home_nav_link</a> menu_text</nav>
<article>
  <h1>Ketamine   for
      Depression</h1>
  <p>Ketamine <em>may</em> help adults &mdash; see
     <a href="https://www.fda.gov/label">the FDA label</a>.<br>New line &amp; more
     at https://example.org/page.</p>
  <ul><li>Dissociation<li>Raised blood pressure</ul>
  <blockquote><p>Monitor patients.</p></blockquote>
  <table><tr><th>Dose</th><td>Low</td></tr></table>
  <dl><dt>Term</dt><dd>Definition</dd></dl>
  <noscript>noscript_text</noscript>
  <form><label>form_text</label><button>button_text</button></form>
</article>
<div id="comments"><h3>comment_heading</h3><p>comment_text</p></div>
<div class="comment-respond">respond_text</div>
<footer><p>This is not medical advice.</p></footer>
</body>
</html>
"""


# -- helpers -------------------------------------------------------------------------------
def parse_bytes(data: bytes | str, fmt: str, path: str = "post") -> Document:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return parse(source_from_bytes(data, path, fmt))


def verbatim_indices(document: Document) -> set[int]:
    """Doc offsets of characters copied verbatim (runs with a source length)."""
    return {doc + i for doc, _src, length in document.runs if length for i in range(length)}


def assert_round_trip(document: Document) -> None:
    """Every verbatim character maps to an equal source character, in source order, and every
    word copied verbatim (its characters adjacent in the source) maps back to an equal slice."""
    source = document.source.text
    for doc_start, src_start, length in document.runs:
        assert 0 <= src_start <= len(source)
        assert source[src_start:src_start + length] == document.text[doc_start:doc_start + length]
    verbatim = verbatim_indices(document)
    previous = -1
    for block in document.blocks:
        for i in range(block.start, block.end):
            if i in verbatim:
                src = document.source_offset(i)
                assert source[src] == document.text[i], (i, document.text[i], source[src])
                assert src > previous, "verbatim text must keep source order"
                previous = src
    for word in re.finditer(r"\S+", document.text):
        offsets = [document.source_offset(i) for i in range(word.start(), word.end())]
        copied = all(i in verbatim for i in range(word.start(), word.end()))
        if copied and offsets == list(range(offsets[0], offsets[0] + len(offsets))):
            start, end = document.source_span(word.start(), word.end())
            assert source[start:end] == word.group()


def blocks(document: Document) -> list[tuple[str, int, str]]:
    return [(b.kind, b.level, document.block_text(b)) for b in document.blocks]


def texts(document: Document, kind: str) -> list[str]:
    return [document.block_text(b) for b in document.blocks if b.kind == kind]


def expected_location(original: str, word: str) -> tuple[int, int]:
    """1-based line and column of `word` in text whose newlines may be CRLF or lone CR."""
    index = original.index(word)
    before = original[:index]
    line = len(re.findall(r"\r\n|\r|\n", before)) + 1
    last_break = max(before.rfind("\n"), before.rfind("\r"))
    return line, index - last_break


def word_location(document: Document, word: str) -> tuple[int, int]:
    start = document.text.index(word)
    src_start, src_end = document.source_span(start, start + len(word))
    assert document.source.text[src_start:src_end] == word
    return document.source.location(src_start)


def link_texts(document: Document) -> dict[str, str]:
    return {link.url: document.text[link.start:link.end] for link in document.links}


# -- Markdown ------------------------------------------------------------------------------
def test_markdown_blocks_have_kinds_levels_and_texts() -> None:
    document = parse_bytes(MARKDOWN_POST, "markdown")
    assert blocks(document) == [
        ("front_matter", 0, 'Ketamine and "mood"'),
        ("front_matter", 0, "A folded description"),
        ("heading", 1, "Ketamine for Depression"),
        ("paragraph", 0, "Ketamine may help some adults with treatment-resistant depression.\n"
                         "Ask your doctor about esketamine first."),
        ("heading", 2, "Risks & side effects"),
        ("list_item", 0, "Dissociation after a dose"),
        ("list_item", 0, "Raised blood pressure"),
        ("list_item", 0, "Headache in some people"),
        ("list_item", 0, "Caf\u00e9 \u00e9tude: tab\there"),
        ("quote", 0, "Patients should be monitored for two hours."),
        ("paragraph", 0, "See the FDA label and www.nimh.nih.gov for more.\n"
                         "Escaped *stars* and 5 < 6 & AT&T."),
        ("cell", 0, "Dose"), ("cell", 0, "Effect"), ("cell", 0, "Low"), ("cell", 0, "Calm"),
        ("paragraph", 0, "Image caption text."),
        ("heading", 3, "Summary"),
    ]
    assert [b.field for b in document.blocks[:2]] == ["title", "description"]


def test_markdown_skips_code_html_blocks_and_image_alt_text() -> None:
    document = parse_bytes(MARKDOWN_POST, "markdown")
    for hidden in ("code_is_not_prose", "html_is_not_prose", "alt_is_not_prose", "img.png"):
        assert hidden not in document.text


def test_markdown_round_trips_every_verbatim_character() -> None:
    assert_round_trip(parse_bytes(MARKDOWN_POST, "markdown"))


def test_markdown_sections_follow_heading_nesting() -> None:
    document = parse_bytes(MARKDOWN_POST, "markdown")
    sections = [(s.heading, s.level) for s in document.sections]
    assert sections == [("Ketamine for Depression", 1), ("Risks & side effects", 2), ("Summary", 3)]
    top, risks, summary = document.sections
    assert top.start < risks.start < summary.start <= risks.end <= top.end
    quote = next(b for b in document.blocks if b.kind == "quote")
    assert document.section_of(document.blocks.index(quote)) is risks


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_crlf_markdown_keeps_exact_columns(newline: str) -> None:
    original = MARKDOWN_POST.replace("\n", newline)
    document = parse_bytes(original, "markdown")
    for word in ("esketamine", "Headache", "\u00e9tude", "monitored", "Calm", "nimh", "caption",
                 "Summary", "folded", "stars"):
        assert word_location(document, word) == expected_location(original, word), word
    assert_round_trip(document)


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_markdown_emphasised_word_maps_inside_its_markers(newline: str) -> None:
    original = "Intro line.\n\nKetamine *may* help.\n".replace("\n", newline)
    document = parse_bytes(original, "markdown")
    assert word_location(document, "may") == (3, 11)


def test_markdown_entity_maps_to_the_entity_and_escape_to_the_escaped_character() -> None:
    document = parse_bytes("Risks &amp; effects \\*not emphasis\\*\n", "markdown")
    source = document.source.text
    assert document.text == "Risks & effects *not emphasis*"
    amp = document.text.index("&")
    assert source.startswith("&amp;", document.source_offset(amp))
    star = document.text.index("*")
    assert document.source_offset(star) == source.index("\\*") + 1
    assert_round_trip(document)


def test_markdown_hard_wrapped_lines_join_with_their_own_newline() -> None:
    document = parse_bytes("First line   \ncontinues here\\\nand here\n", "markdown")
    assert document.text == "First line\ncontinues here\nand here"
    for i, char in enumerate(document.text):
        if char == "\n":
            assert document.source.text[document.source_offset(i)] == "\n"
    assert_round_trip(document)


def test_markdown_paragraphs_in_list_items_and_quotes_take_their_container_kind() -> None:
    post = "1. First item\n\n   Second paragraph of the item.\n\n> Quoted\n> - listed in a quote\n"
    assert blocks(parse_bytes(post, "markdown")) == [
        ("list_item", 0, "First item"),
        ("list_item", 0, "Second paragraph of the item."),
        ("quote", 0, "Quoted"),
        ("list_item", 0, "listed in a quote"),
    ]


def test_markdown_records_links_autolinks_and_bare_urls() -> None:
    post = ("Read [the *FDA* label](https://fda.gov/x_(y) \"t (1)\") then <https://nih.gov> "
            "or https://cdc.gov/page. Also www.who.int, and [ref link][r].\n\n[r]: https://r.org\n")
    document = parse_bytes(post, "markdown")
    assert link_texts(document) == {
        "https://fda.gov/x_(y)": "the FDA label",
        "https://nih.gov": "https://nih.gov",
        "https://cdc.gov/page": "https://cdc.gov/page",
        "www.who.int": "www.who.int",
        "https://r.org": "ref link",
    }
    assert document.text.endswith("Also www.who.int, and ref link.")
    assert_round_trip(document)


def test_markdown_text_after_a_link_maps_past_the_link_destination() -> None:
    document = parse_bytes("[dose](https://x.org/dose) dose matters\n", "markdown")
    second = document.text.index("dose", 1)
    start, _ = document.source_span(second, second + 4)
    assert start == document.source.text.index(" dose matters") + 1


def test_markdown_without_front_matter_starts_at_the_first_line() -> None:
    document = parse_bytes("# Title\n\nBody text.\n", "markdown")
    assert document.front_matter == {}
    assert word_location(document, "Body") == (3, 1)


def test_markdown_thematic_break_without_closing_fence_is_not_front_matter() -> None:
    document = parse_bytes("---\nJust text after a rule.\n", "markdown")
    assert document.front_matter == {}
    assert texts(document, "paragraph") == ["Just text after a rule."]


def test_markdown_table_escaped_pipe_stays_in_its_cell() -> None:
    document = parse_bytes("| a \\| b | c |\n|---|---|\n| d | e |\n", "markdown")
    assert texts(document, "cell") == ["a | b", "c", "d", "e"]
    assert_round_trip(document)


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet="ab é*_`[]()<>&;#\\!|-=>\t\n1.", min_size=1, max_size=80))
def test_markdown_round_trip_holds_for_arbitrary_markup(body: str) -> None:
    if not body.strip():
        return
    assert_round_trip(parse_bytes("x " + body, "markdown"))


# -- front matter --------------------------------------------------------------------------
def test_front_matter_fields_and_their_lines() -> None:
    document = parse_bytes(MARKDOWN_POST, "markdown")
    assert document.front_matter["title"] == 'Ketamine and "mood"'
    assert document.front_matter["tags"] == ["ketamine", "mood"]
    assert document.front_matter_lines == {"title": 2, "description": 3, "date": 6, "tags": 7}


def test_front_matter_prose_fields_map_to_their_value_in_the_file() -> None:
    post = "---\nauthor: Dr. X\nsummary:   'It''s quick'\nexcerpt: \"Caf\\u00e9 time\"\n---\nBody.\n"
    document = parse_bytes(post, "markdown")
    assert [(b.field, document.block_text(b)) for b in document.blocks if b.kind == "front_matter"] \
        == [("summary", "It's quick"), ("excerpt", "Caf\u00e9 time")]
    assert word_location(document, "quick") == (3, 19)
    assert word_location(document, "time") == (4, 21)
    assert "Dr. X" not in document.text  # author is metadata, not prose
    assert_round_trip(document)


@pytest.mark.parametrize("fmt", ["markdown", "text"])
def test_malformed_front_matter_reports_its_line_in_the_file(fmt: str) -> None:
    post = "---\ntitle: Fine\nauthor: [unclosed\nother: x\n---\nBody.\n"
    with pytest.raises(InputError) as caught:
        parse_bytes(post, fmt, path="bad.md")
    error = caught.value
    assert error.problem.startswith("malformed front matter: ")
    assert error.line == 4
    assert error.path == "bad.md"
    assert error.hint == "fix the YAML between the --- lines"


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_malformed_front_matter_line_counts_crlf_and_cr_as_one_line(newline: str) -> None:
    post = "---\ntitle: a\nbad: : :\n---\nBody.\n".replace("\n", newline)
    with pytest.raises(InputError) as caught:
        parse_bytes(post, "markdown")
    assert caught.value.line == 3


def test_front_matter_with_a_control_character_reports_its_line() -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes("---\ntitle: ok\nauthor: \"a\x07\"\n---\nBody.\n", "markdown")
    assert caught.value.line == 3


def test_front_matter_that_is_a_list_is_rejected() -> None:
    with pytest.raises(InputError) as caught:
        parse_bytes("---\n- one\n- two\n---\nBody.\n", "markdown")
    assert caught.value.problem == "front matter is not a mapping of fields"
    assert caught.value.line == 1


def test_front_matter_is_loaded_without_constructing_objects() -> None:
    with pytest.raises(InputError, match="malformed front matter"):
        parse_bytes("---\nx: !!python/object/apply:os.system ['echo hi']\n---\nBody.\n", "markdown")


def test_empty_front_matter_is_an_empty_mapping() -> None:
    document = parse_bytes("---\n---\nBody text.\n", "markdown")
    assert document.front_matter == {}
    assert texts(document, "paragraph") == ["Body text."]


def test_front_matter_may_close_with_dots() -> None:
    document = parse_bytes("---\ntitle: Dotted\n...\nBody.\n", "text")
    assert document.front_matter == {"title": "Dotted"}
    assert texts(document, "paragraph") == ["Body."]


# -- plain text ----------------------------------------------------------------------------
def test_seed_post_headings_are_detected_and_chrome_dropped() -> None:
    document = parse_bytes(SEED_POST.read_bytes(), "text", path=str(SEED_POST))
    headings = texts(document, "heading")
    assert "Safety and Considerations for Bipolar Patients" in headings
    assert "Conclusion" in headings
    assert "Exploring the Benefits of Ketamine for Treatment-Resistant Bipolar Disorder" in headings
    # "Health" (a category label) and the title come before any prose: both level 1
    assert [b.level for b in document.blocks if b.kind == "heading"][:3] == [1, 1, 2]
    title = next(s for s in document.sections if s.heading.startswith("Exploring"))
    assert title.level == 1 and title.end == len(document.text)
    for chrome in ("Leave a Reply", "Back to top button", "Related Articles",
                   "Your email address will not be published"):
        assert chrome not in document.text
    assert "See also: Spirituality and Mental Health: How They\u2019re Connected" \
        in texts(document, "paragraph")


def test_seed_post_every_paragraph_round_trips() -> None:
    document = parse_bytes(SEED_POST.read_bytes(), "text")
    assert_round_trip(document)
    source = document.source.text
    for block in document.blocks:
        start, end = document.source_span(block.start, block.end)
        assert source[start:end] == document.block_text(block)
        assert not document.block_text(block).endswith(("\u00a0", " "))


def test_text_wrapped_paragraph_lists_and_trailing_spaces() -> None:
    post = ("Short Title\n\nA paragraph that is\nhard wrapped.   \n\nBenefits include:\n"
            "- calm mood\n* better sleep\n  continued\n\u2022 bullet\n1. numbered\n\n"
            "See also: Another Post\n\nsecond heading here\n")
    document = parse_bytes(post, "text")
    assert blocks(document) == [
        ("heading", 1, "Short Title"),
        ("paragraph", 0, "A paragraph that is\nhard wrapped."),
        ("paragraph", 0, "Benefits include:"),
        ("list_item", 0, "calm mood"),
        ("list_item", 0, "better sleep\ncontinued"),
        ("list_item", 0, "bullet"),
        ("list_item", 0, "numbered"),
        ("paragraph", 0, "See also: Another Post"),
        ("heading", 2, "second heading here"),
    ]
    assert_round_trip(document)


def test_text_long_or_punctuated_single_lines_are_paragraphs() -> None:
    post = ("One two three four five six seven eight nine ten eleven twelve thirteen\n\n"
            "Ends with a stop.\n\nAsks a question?\n\nQuoted \u201cclaim.\u201d\n\nhttps://example.org/x\n")
    document = parse_bytes(post, "text")
    assert texts(document, "heading") == []


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_crlf_text_keeps_exact_columns(newline: str) -> None:
    original = "---\ntitle: Tidy\n---\nHeading Here\n\n  Indented p\u00e4ragraph\nwith\ttab  \n\n- item one\n"
    original = original.replace("\n", newline)
    document = parse_bytes(original, "text")
    for word in ("Tidy", "Heading", "p\u00e4ragraph", "tab", "one"):
        assert word_location(document, word) == expected_location(original, word), word
    assert_round_trip(document)


def test_text_records_bare_urls() -> None:
    document = parse_bytes("Visit https://nimh.nih.gov/health. Or (www.cdc.gov) today.\n", "text")
    assert link_texts(document) == {"https://nimh.nih.gov/health": "https://nimh.nih.gov/health",
                                    "www.cdc.gov": "www.cdc.gov"}


def test_text_front_matter_becomes_fields() -> None:
    document = parse_bytes("---\ntitle: My Post\nauthor: Dr. A\n---\nOpening Line\n\nBody.\n", "text")
    assert document.front_matter == {"title": "My Post", "author": "Dr. A"}
    assert document.front_matter_lines == {"title": 2, "author": 3}
    assert blocks(document)[0] == ("front_matter", 0, "My Post")
    assert texts(document, "heading") == ["Opening Line"]


# -- HTML ----------------------------------------------------------------------------------
def test_html_blocks_have_kinds_and_collapsed_whitespace() -> None:
    document = parse_bytes(HTML_POST, "html")
    assert blocks(document) == [
        ("heading", 1, "Ketamine for Depression"),
        ("paragraph", 0, "Ketamine may help adults \u2014 see the FDA label.\nNew line & more "
                         "at https://example.org/page."),
        ("list_item", 0, "Dissociation"),
        ("list_item", 0, "Raised blood pressure"),
        ("quote", 0, "Monitor patients."),
        ("cell", 0, "Dose"),
        ("cell", 0, "Low"),
        ("paragraph", 0, "Term"),
        ("paragraph", 0, "Definition"),
        ("paragraph", 0, "This is not medical advice."),
    ]


def test_html_round_trips_every_verbatim_character() -> None:
    assert_round_trip(parse_bytes(HTML_POST, "html"))


def test_html_drops_scripts_navigation_forms_and_comment_chrome() -> None:
    document = parse_bytes(HTML_POST, "html")
    for hidden in ("hidden_style_text", "hiddenScriptText", "Home_nav_link", "menu_text",
                   "noscript_text", "form_text", "button_text", "comment_heading",
                   "comment_text", "respond_text", "Clinic"):
        assert hidden not in document.text, hidden


def test_html_entities_map_to_the_entity() -> None:
    document = parse_bytes(HTML_POST, "html")
    source = document.source.text
    dash = document.text.index("\u2014")
    assert source.startswith("&mdash;", document.source_offset(dash))
    amp = document.text.index("&")
    assert source.startswith("&amp; more", document.source_offset(amp))
    document = parse_bytes("<p>5 &lt; 6 &#8212; &#x2014; &unknown; x</p>", "html")
    assert document.text == "5 < 6 \u2014 \u2014 &unknown; x"
    assert [document.source_offset(document.text.index(c)) for c in "<\u2014"] == [5, 12]


def test_html_meta_and_title_become_front_matter_with_lines() -> None:
    document = parse_bytes(HTML_POST, "html")
    assert document.front_matter == {
        "title": "Ketamine & Mood | Clinic",
        "author": "Dr. Jane Roe",
        "description": "What ketamine does.",
        "date": "2024-03-01T09:00:00Z",
        "updated": "2024-04-01",
        "medical_reviewer": "Dr. Sam Poe",
        "last_reviewed": "2024-04-02",
    }
    assert document.front_matter_lines == {"title": 4, "author": 5, "description": 6, "date": 7,
                                           "updated": 8, "medical_reviewer": 9, "last_reviewed": 10}


def test_html_records_anchor_links_and_bare_urls_once() -> None:
    document = parse_bytes(HTML_POST, "html")
    assert link_texts(document) == {"https://www.fda.gov/label": "the FDA label",
                                    "https://example.org/page": "https://example.org/page"}
    document = parse_bytes('<p><a href="https://a.org">https://a.org</a> and <a>no href</a></p>', "html")
    assert [(link.url, document.text[link.start:link.end]) for link in document.links] \
        == [("https://a.org", "https://a.org")]


@pytest.mark.parametrize("newline", NEWLINES.values(), ids=NEWLINES.keys())
def test_crlf_html_keeps_exact_columns(newline: str) -> None:
    original = HTML_POST.replace("\n", newline)
    document = parse_bytes(original, "html")
    for word in ("Depression", "adults", "New", "https://example.org/page", "pressure",
                 "Definition", "advice"):
        assert word_location(document, word) == expected_location(original, word), word
    assert document.front_matter_lines["author"] == 5
    assert_round_trip(document)


@pytest.mark.parametrize("markup", [
    "<p>Unclosed paragraph <b>bold <i>both</p> tail",
    "</div></p>Stray end tags first<p>then text",
    "<ul><li>one<li>two</ul></li></ul>",
    "<p>Void <br/> <img src=x alt='a'> <hr> <input> elements</p>",
    "<p>Broken <a href='x'>anchor <div>block</a> text",
    "<p>Attribute soup <a href=\"x\"title=y>ok</a> <span <span>odd</span></p>",
    "<![if !supportLists]>Office junk<![endif]><!-- comment --> text <?php echo 1 ?>",
    "<p>Truncated &amp entity and < lone bracket and <unfinished",
    "<svg><title>icon</title></svg><p>After svg</p><script>never closed",
    "<div><p>a</div>b</p><table><td>cell without row",
])
def test_malformed_html_does_not_crash_and_round_trips(markup: str) -> None:
    document = parse_bytes(markup, "html")
    assert document.text.strip()
    assert_round_trip(document)


def test_html_line_break_and_implicit_paragraph_end() -> None:
    document = parse_bytes("<div>Intro text<p>One<p>Two<br>\n  lines</div>", "html")
    assert blocks(document) == [("paragraph", 0, "Intro text"), ("paragraph", 0, "One"),
                                ("paragraph", 0, "Two\nlines")]
    assert "icon" not in parse_bytes("<svg><title>icon</title></svg><p>x</p>", "html").front_matter


HTML_PIECES = ["word", " ", "\n", "\t", "\u00e9", "<p>", "</p>", "<li>", "<ul>", "</ul>", "<br>", "&amp;",
               "&#39;", "&copy", "<a href='u'>", "</a>", "<script>", "</script>", "<div class=comment>",
               "</div>", "<h2>", "</h2>", "<td>", "<", ">", "&", "<!--", "-->", "https://x.org",
               "<title>", "</title>", "<![CDATA[x]]>", "<b", "</", "<blockquote>"]


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(HTML_PIECES), min_size=1, max_size=30).map("".join))
def test_html_round_trip_holds_for_arbitrary_markup(body: str) -> None:
    assert_round_trip(parse_bytes("x" + body, "html"))


def test_html_headings_build_sections() -> None:
    document = parse_bytes("<h1>Top</h1><p>a</p><h2>Sub</h2><p>b</p><h2>Next</h2>", "html")
    assert [(s.heading, s.level) for s in document.sections] == [("Top", 1), ("Sub", 2), ("Next", 2)]
