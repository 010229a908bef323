"""Property-based tests: random Markdown, HTML and plain text, salted with the claims the rules'
own flag examples make, never crash a review; every finding's line and column point inside the
file at exactly its excerpt; a second review gives byte-identical JSON.

Examples per test: 200, or MEDREVIEW_FUZZ_EXAMPLES / `pytest --fuzz-examples N` for a longer run.
"""

from __future__ import annotations

import functools
import os
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from medreview.engine import Engine
from medreview.errors import InputError
from medreview.model import FileResult, Report
from medreview.reporters import json as json_report
from medreview.ruleset import load_ruleset
from medreview.source import source_from_bytes

EXAMPLES = int(os.environ.get("MEDREVIEW_FUZZ_EXAMPLES", "200"))
FUZZ = settings(max_examples=EXAMPLES, deadline=None, print_blob=True,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
NEWLINES = st.sampled_from(["\n", "\n", "\r\n", "\r"])


@functools.cache
def ruleset():  # type: ignore[no-untyped-def]
    return load_ruleset(("us",))


@functools.cache
def claims() -> tuple[str, ...]:
    """Every rule's flag examples: text that should make findings."""
    found = []
    for rule in ruleset().rules:
        for example in rule.examples["flag"]:
            found.append(example if isinstance(example, str) else str(example["text"]))
    return tuple(sorted(found))


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(ruleset())


# -- building blocks -----------------------------------------------------------------------

WORDS = st.sampled_from(["the", "patients", "may", "feel", "better", "ketamine", "cure", "cures",
                         "never", "not", "study", "doctor", "risk", "side effects", "100%",
                         "café", "naïve", "—", "“quoted”", "it's", "Dr.", "e.g.", "mg", "2025",
                         "emoji 🙂", "東京", "x" * 40, "www.example.org", "https://fda.gov/x"])
SENTENCE = st.lists(WORDS, min_size=1, max_size=12).map(" ".join).map(lambda s: s + ".")
CLAIM = st.deferred(lambda: st.sampled_from(claims()))  # loads the rules on first draw
PROSE = st.lists(st.one_of(SENTENCE, CLAIM), min_size=1, max_size=4).map(" ".join)
RAW = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=60)


def emphasised(text: str, marker: str) -> str:
    return f"{marker}{text}{marker}" if text.strip() else text


MD_INLINE = st.one_of(
    PROSE,
    st.tuples(PROSE, st.sampled_from(["*", "**", "_", "`"])).map(lambda t: emphasised(*t)),
    PROSE.map(lambda t: f"[{t}](https://example.org/a_(b) \"title\")"),
    PROSE.map(lambda t: f"{t} <!-- hidden note: cures everything --> end."),
    PROSE.map(lambda t: f"{t}\\* &amp; &eacute; <br> ![alt {t}](img.png)"),
    RAW,
)
MD_BLOCK = st.one_of(
    st.tuples(st.integers(1, 6), MD_INLINE).map(lambda t: "#" * t[0] + " " + t[1]),
    MD_INLINE,
    st.lists(MD_INLINE, min_size=1, max_size=3).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(MD_INLINE, min_size=1, max_size=3).map(
        lambda xs: "\n".join(f"{i}. {x}" for i, x in enumerate(xs, 1))),
    MD_INLINE.map(lambda t: f"> {t}"),
    MD_INLINE.map(lambda t: f"```\n{t}\n```"),
    st.tuples(MD_INLINE, MD_INLINE).map(lambda t: f"| a | b |\n|---|---|\n| {t[0]} | {t[1]} |"),
    MD_INLINE.map(lambda t: f"<div>\n{t}\n</div>"),
)
FRONT_MATTER = st.one_of(
    st.just(""),
    st.tuples(PROSE, st.sampled_from(["Ann Lee, MD", "", "[a, b]"])).map(
        lambda t: f"---\ntitle: \"{t[0].replace(chr(34), '')}\"\nauthor: {t[1]}\ndate: 2025-01-02\n---\n"),
    st.just("---\n---\n"),
)
MARKDOWN = st.tuples(FRONT_MATTER, st.lists(MD_BLOCK, min_size=1, max_size=8),
                     st.sampled_from(["\n\n", "\n"])).map(lambda t: t[0] + t[2].join(t[1]) + "\n")

HTML_INLINE = st.one_of(
    PROSE,
    PROSE.map(lambda t: f"<em>{t}</em> and <strong>{t}</strong>"),
    PROSE.map(lambda t: f"<a href=\"https://example.org/?a=1&amp;b=2\">{t}</a>"),
    PROSE.map(lambda t: f"{t} &amp; &eacute; &#8212; &#x2019; &bogus; <br/>"),
    PROSE.map(lambda t: f"<!-- {t} --><script>var cure = 1;</script>"),
    RAW.map(lambda t: t.replace("<", "&lt;")),
)
HTML_BLOCK = st.one_of(
    st.tuples(st.integers(1, 6), HTML_INLINE).map(lambda t: f"<h{t[0]}>{t[1]}</h{t[0]}>"),
    HTML_INLINE.map(lambda t: f"<p>{t}</p>"),
    HTML_INLINE.map(lambda t: f"<p>{t}"),  # unclosed, as browsers allow
    st.lists(HTML_INLINE, min_size=1, max_size=3).map(
        lambda xs: "<ul>" + "".join(f"<li>{x}" for x in xs) + "</ul>"),
    HTML_INLINE.map(lambda t: f"<blockquote>{t}</blockquote>"),
    HTML_INLINE.map(lambda t: f"<nav>{t}</nav><div class=\"comments\">{t}</div>"),
    HTML_INLINE.map(lambda t: f"<table><tr><td>{t}</td><th>{t}</th></tr></table>"),
)
HTML = st.tuples(st.sampled_from(["", "<!doctype html><html><head><title>Cures</title>"
                                  "<meta name=\"author\" content=\"Ann Lee\"></head><body>"]),
                 st.lists(HTML_BLOCK, min_size=1, max_size=8), NEWLINES).map(
    lambda t: t[0] + t[2].join(t[1]))

TEXT_BLOCK = st.one_of(
    PROSE,
    st.lists(WORDS, min_size=1, max_size=6).map(" ".join),  # a heading-like line
    st.lists(PROSE, min_size=1, max_size=3).map(lambda xs: "\n".join(f"- {x}" for x in xs)),
    st.lists(PROSE, min_size=2, max_size=3).map("\n".join),  # a hard-wrapped paragraph
    RAW,
)
TEXT = st.tuples(FRONT_MATTER, st.lists(TEXT_BLOCK, min_size=1, max_size=8),
                 st.sampled_from(["\n\n", "\n\n\n", "\n  \n"])).map(lambda t: t[0] + t[2].join(t[1]))


def with_newlines(text: str, newline: str) -> str:
    return text.replace("\n", newline)


# -- the properties ----------------------------------------------------------------------------

def original_lines(text: str) -> list[str]:
    """Lines as an editor shows them: split at CRLF, CR or LF."""
    return re.split(r"\r\n|\r|\n", text)


def text_at(lines: list[str], line: int, column: int, end_line: int, end_column: int) -> str:
    """The original text from (line, column) to (end_line, end_column), newlines as "\\n"."""
    if line == end_line:
        return lines[line - 1][column - 1:end_column - 1]
    parts = [lines[line - 1][column - 1:], *lines[line:end_line - 1],
             lines[end_line - 1][:end_column - 1]]
    return "\n".join(parts)


def as_json(result: FileResult) -> str:
    rules = ruleset()
    return json_report.render(Report(files=[result], rules={r.id: r.info for r in rules.rules},
                                     tool_version="fuzz", ruleset_sha256=rules.sha256))


def check_review(engine: Engine, text: str, fmt: str, name: str) -> None:
    data = text.encode("utf-8")
    try:
        result = engine.review(source_from_bytes(data, name, fmt))
    except InputError as error:  # an empty post or broken front matter: named, never a crash
        assert error.path == name
        return
    lines = original_lines(text)
    for finding in result.findings:
        assert 1 <= finding.line <= finding.end_line <= len(lines), finding
        assert 1 <= finding.column <= len(lines[finding.line - 1]) + 1, finding
        assert 1 <= finding.end_column <= len(lines[finding.end_line - 1]) + 1, finding
        assert text_at(lines, finding.line, finding.column, finding.end_line,
                       finding.end_column) == finding.excerpt, finding
    again = engine.review(source_from_bytes(data, name, fmt))
    assert as_json(again) == as_json(result)


@FUZZ
@given(MARKDOWN, NEWLINES)
def test_random_markdown_reviews_with_exact_positions(engine: Engine, text: str, newline: str) -> None:
    check_review(engine, with_newlines(text, newline), "markdown", "fuzz.md")


@FUZZ
@given(HTML)
def test_random_html_reviews_with_exact_positions(engine: Engine, text: str) -> None:
    check_review(engine, text, "html", "fuzz.html")


@FUZZ
@given(TEXT, NEWLINES)
def test_random_plain_text_reviews_with_exact_positions(engine: Engine, text: str, newline: str) -> None:
    check_review(engine, with_newlines(text, newline), "text", "fuzz.txt")


@FUZZ
@given(RAW, st.sampled_from(["markdown", "html", "text"]))
def test_arbitrary_unicode_never_crashes(engine: Engine, text: str, fmt: str) -> None:
    check_review(engine, text, fmt, f"fuzz.{fmt}")
