"""The HTML report: self-contained, inert for hostile text, deterministic, and complete for a
compliance officer (verdicts, scorecard, findings in context, waivers, charts, provenance)."""

from __future__ import annotations

import re
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import pytest

import report_fixtures as fx
from medreview import scorecard
from medreview.model import FileResult, Report, SourceRef, Waiver
from medreview.reporters import html
from medreview.scorecard import verdict

SCRIPT = "<script>alert(1)</script>"
ATTRIBUTE = '" onmouseover="alert(1)'
JS_LINK = "[x](javascript:alert(1))"


class Page(HTMLParser):
    """Every start tag with its attributes, ids, hrefs and the text of each element type."""

    def __init__(self, text: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.marks: list[str] = []
        self._in_mark = 0
        self.feed(text)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_mark += tag == "mark"
        if tag == "mark":
            self.marks.append("")

    def handle_endtag(self, tag: str) -> None:
        self._in_mark -= tag == "mark"

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self._in_mark:
            self.marks[-1] += data

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def ids(self) -> set[str]:
        return {attrs["id"] for _, attrs in self.tags if attrs.get("id")}

    @property
    def hrefs(self) -> list[str]:
        return [attrs["href"] or "" for attrs in self.all("a") if "href" in attrs]

    @property
    def plain(self) -> str:
        return "".join(self.text)

    @property
    def words(self) -> str:
        """The text with one space between elements' texts and runs of whitespace collapsed."""
        return " ".join(" ".join(chunk.split()) for chunk in self.text if chunk.strip())


def hostile_report() -> Report:
    """Attack strings in every field a post or a rule can fill."""
    rules = fx.sample_rules()
    rules["overclaim.cure"] = replace(
        rules["overclaim.cure"], description=f"Why: {SCRIPT}",
        sources=(SourceRef(f"Evil {SCRIPT}", "javascript:alert(1)"),
                 SourceRef("Data", "data:text/html,<script>alert(1)</script>"),
                 SourceRef("Spaced", "https://ok.example/ onmouseover=alert(1)"),
                 SourceRef("Fine", "https://www.fda.gov/")))
    finding = fx.make_finding(
        "overclaim.cure", "error", f"{SCRIPT} {JS_LINK}", 3, 1, 10, excerpt=ATTRIBUTE,
        sentence=f"Before {ATTRIBUTE} after {SCRIPT} {JS_LINK}.",
        suggestion=f"{SCRIPT} instead", sources=rules["overclaim.cure"].sources)
    waived = replace(finding, line=9, waived_by=f"reason {SCRIPT}")
    post = FileResult(
        f'posts/"><script>alert(1)</script>.md', "markdown", "f" * 64, [finding],
        metrics={"words": 10, "sentences": 1, "flesch_kincaid_grade": 9.0},
        front_matter={"author": {"name": SCRIPT, "credentials": ATTRIBUTE},
                      "title": JS_LINK, "medical_reviewer": "<img src=x onerror=alert(1)>"},
        sections=[{"heading": SCRIPT, "level": 2, "line": 1, "categories": [ATTRIBUTE],
                   "metrics": {"words": 10, "flesch_kincaid_grade": 9.0}}],
        waivers=[Waiver(("overclaim.cure",), f"waiver {SCRIPT}", 8, "next-line", True)],
        suppressed=[waived])
    return Report([post], rules, f"1.0{SCRIPT}", "e" * 64, {"note": SCRIPT, ATTRIBUTE: [JS_LINK]})


# ---- security ---------------------------------------------------------------------------------

def test_hostile_text_renders_as_inert_text() -> None:
    page = Page(html.render(hostile_report()))
    assert page.all("script") == [] and page.all("img") == []
    for tag, attrs in page.tags:
        assert not [name for name in attrs if name.startswith("on")], (tag, attrs)
    assert all(h.startswith("#") or re.match(r"https?://[^\s]+$", h) for h in page.hrefs)
    assert "https://www.fda.gov/" in page.hrefs
    assert not any(h.startswith(("javascript:", "data:")) or " " in h for h in page.hrefs)
    assert page.plain.count(SCRIPT) >= 10  # path, message, sentence, rule text, waivers, options
    assert ATTRIBUTE in page.plain and JS_LINK in page.plain
    assert "Evil <script>alert(1)</script> (javascript:alert(1))" in page.plain


def test_the_page_loads_nothing_and_runs_nothing() -> None:
    text = html.render(fx.multi_post_report())
    page = Page(text)
    assert not [attrs for _, attrs in page.tags if "src" in attrs or "srcset" in attrs]
    assert page.all("link") == [] and page.all("iframe") == [] and page.all("object") == []
    assert "url(" not in text and "@import" not in text
    csp = [a["content"] for a in page.all("meta") if a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and "default-src 'none'" in csp[0] and "script-src" not in csp[0]


@pytest.mark.parametrize("url, linked", [
    ("https://www.fda.gov/x?a=1", True), ("http://example.org", True),
    ("javascript:alert(1)", False), ("JavaScript:alert(1)", False), ("data:text/html,x", False),
    ("//evil.example/x", False), ("https:///nohost", False), ("https://a.example/ b", False),
    ("ftp://a.example/", False), ("", False), ("https://a.example/\nx", False),
])
def test_only_http_urls_become_links(url: str, linked: bool) -> None:
    assert html.is_http_url(url) is linked


def test_control_characters_are_shown_not_emitted() -> None:
    text = html.render(fx.multi_post_report())
    assert "\x0c" not in text and "\x07" not in text
    assert "␌form feed␇bell" in Page(text).plain


# ---- content ----------------------------------------------------------------------------------

def test_excerpt_is_marked_inside_its_sentence() -> None:
    page = Page(html.render(fx.multi_post_report()))
    assert "café — “quoted” naïve" in page.marks
    assert "The café — “quoted” naïve remedy." in page.plain


@pytest.mark.parametrize("sentence, excerpt, expected", [
    ("Ketamine cures depression.", "cures", ("Ketamine ", "cures", " depression.")),
    ("It works in hours, not days.", "in\n  hours", ("It works ", "in hours", ", not days.")),
    ("CURES fast.", "cures", ("", "CURES", " fast.")),
    ("A miracle cure.", "**miracle** cure", ("A ", "miracle cure", ".")),
    ("Read the study today.", "[the study](https://x.example/a)", ("Read ", "the study", " today.")),
    ("Nothing here.", "absent", ("", "", "")),
    ("", "cures", ("", "", "")),
])
def test_highlight_finds_the_excerpt(sentence: str, excerpt: str,
                                     expected: tuple[str, str, str]) -> None:
    assert html.highlight(sentence, excerpt) == expected


def test_verdicts_follow_the_definitions() -> None:
    report = fx.multi_post_report()
    assert [verdict(r) for r in report.files] == [
        "blocked", "clear", "blocked", "clear", "unreadable"]
    warning_only = FileResult("w.md", findings=[fx.mixed_post().findings[1]])
    assert verdict(warning_only) == "needs-review"
    page = Page(html.render(report))
    for name, definition in scorecard.VERDICTS.items():
        assert definition in page.plain
    assert "5 posts reviewed: 2 blocked, 0 needs review, 2 clear, 1 unreadable." in \
        " ".join(page.plain.split())


def test_every_in_page_link_has_a_target() -> None:
    page = Page(html.render(fx.multi_post_report()))
    local = [h[1:] for h in page.hrefs if h.startswith("#")]
    assert local and set(local) <= page.ids


def test_findings_carry_rule_explanation_suggestion_and_linked_sources() -> None:
    page = Page(html.render(fx.multi_post_report()))
    assert "Calling a treatment a cure is a disease claim that needs strong evidence." in page.plain
    assert "Describe what studies showed, e.g. 'reduced symptoms in some patients'." in page.plain
    assert fx.FTC.url in page.hrefs and fx.SAFE_MESSAGING.url in page.hrefs


def test_waivers_and_waived_findings_are_shown_with_their_reason() -> None:
    text = Page(html.render(fx.multi_post_report())).words
    assert "4 overclaim.cure next-line quoting an FDA warning letter yes" in text
    assert "Waived by quoting an FDA warning letter" in text
    assert "Waived and baselined findings (1)" in text


def test_metadata_and_content_hash_come_from_front_matter() -> None:
    post = replace(fx.empty_post(), front_matter={
        "author": {"name": "Priya Shah", "credentials": "MD"}, "medical_reviewer": "Ana Gomez",
        "date": __import__("datetime").date(2025, 2, 10), "status": "published"})
    text = Page(html.render(Report([post], {}, "1", "e" * 64))).words
    assert "Author Priya Shah, MD" in text and "Medical reviewer Ana Gomez" in text
    assert "Published 2025-02-10" in text and "Status published" in text
    assert "Updated not stated" in text and "d" * 64 in text


def test_provenance_names_version_ruleset_and_options() -> None:
    text = Page(html.render(fx.multi_post_report())).words
    assert "Tool medreview 0.1.0" in text and "Ruleset sha256 " + "e" * 64 in text
    assert 'Option packs ["common", "us"]' in text


def test_output_is_deterministic_and_timestamped_only_on_request() -> None:
    report = fx.multi_post_report()
    first, second = html.render(report), html.render(fx.multi_post_report())
    assert first == second
    assert not re.search(r"20\d\d-\d\d-\d\d", first)
    stamped = html.render(report, generated_at="2025-01-02T03:04:05Z")
    assert "generated 2025-01-02T03:04:05Z" in stamped


@pytest.mark.parametrize("name", sorted(fx.all_reports()))
def test_every_sample_report_renders_valid_structure(name: str) -> None:
    page = Page(html.render(fx.all_reports()[name]))
    assert page.all("html") and page.all("title")
    assert len(page.all("article")) == len(fx.all_reports()[name].files)


# ---- charts -----------------------------------------------------------------------------------

def test_chart_coordinates_are_rounded_numbers() -> None:
    text = html.render(fx.multi_post_report())
    coordinates = re.findall(r' (?:x|y|width|height|x1|x2|y1|y2)="([^"]*)"', text)
    assert coordinates and all(re.fullmatch(r"-?\d+(\.\d)?", c) for c in coordinates)


def test_family_chart_bars_are_proportional_to_counts() -> None:
    rows = html.family_rows(fx.multi_post_report())
    assert [(r["family"], r["error"], r["warning"], r["info"], r["waived"]) for r in rows] == [
        ("overclaim", 3, 0, 0, 1), ("crisis", 1, 0, 0, 0), ("claims", 0, 1, 0, 0),
        ("language", 0, 1, 0, 0), ("readability", 0, 0, 1, 0)]
    bars = html.family_chart(rows)["bars"]
    assert bars[0].width == pytest.approx(3 * bars[1].width, abs=0.1)


def test_grade_histogram_counts_posts_per_band() -> None:
    chart = html.grade_histogram([5.0, 7.9, 8.0, 8.99, 12.5, 40.0])
    assert [label["count"] for label in chart["labels"]] == [1, 3, 0, 1, 0, 1]
    assert [bar.css for bar in chart["bars"]][:3] == ["bar-ok", "bar-ok", "bar-over"]


def test_section_chart_marks_sections_above_the_target() -> None:
    sections = [{"heading": "Intro", "metrics": {"words": 50, "flesch_kincaid_grade": 6.0}},
                {"heading": "Empty", "metrics": {"words": 0}},
                {"heading": "Mechanism", "metrics": {"words": 80, "flesch_kincaid_grade": 14.0}}]
    chart = html.section_chart(sections)
    assert [label["heading"] for label in chart["labels"]] == ["Intro", "Mechanism"]
    assert [bar.css for bar in chart["bars"]] == ["bar-ok", "bar-over"]
    assert chart["bars"][1].width == pytest.approx(chart["bars"][0].width * 14 / 6, abs=0.1)


# ---- scorecard --------------------------------------------------------------------------------

ENABLED = ("authorship.missing", "review.date-missing", "overclaim.cure", "disclaimer.missing")


def statuses(result: FileResult, enabled: tuple[str, ...] = ENABLED) -> dict[str, str]:
    return {f"{scheme.id}.{a.criterion.id}": a.status
            for scheme, assessments in scorecard.assess(result, enabled) for a in assessments}


def test_scorecard_fails_a_benchmark_on_its_findings() -> None:
    missing = fx.make_finding("authorship.missing", "warning", "No author.", 1, 1, 2)
    result = FileResult("p.md", findings=[missing])
    status = statuses(result)
    assert status["jama.authorship"] == "not-met" and status["honcode.authoritative"] == "not-met"
    assert status["jama.currency"] == "met"  # review.date-missing ran and found nothing
    assert status["jama.disclosure"] == "not-assessed"  # no rule ran, no front matter
    assert status["honcode.privacy"] == "not-assessed"


def test_scorecard_counts_front_matter_as_evidence() -> None:
    result = FileResult("p.md", front_matter={"funding": "none", "author": {"name": "A. B"}})
    status = statuses(result, enabled=())
    assert status["jama.disclosure"] == "met" and status["honcode.financial-disclosure"] == "met"
    assessment = scorecard.assess_criterion(result, (), scorecard.load_schemes()[0].criteria[0])
    assert assessment.evidence == (("author", "A. B"),)


def test_waived_findings_do_not_fail_a_benchmark_but_are_listed() -> None:
    result = fx.clean_post()
    jama, honcode = scorecard.assess(result, ENABLED)
    justifiability = next(a for a in honcode[1] if a.criterion.id == "justifiability")
    assert justifiability.status == "met" and justifiability.waived == (0,)


def test_scorecard_links_point_at_the_findings_behind_them() -> None:
    missing = fx.make_finding("authorship.missing", "warning", "No author.", 1, 1, 2)
    report = Report([FileResult("p.md", findings=[missing])], {}, "1", "e" * 64)
    page = Page(html.render(report))
    assert page.hrefs.count("#p1-f1") == 2  # JAMA authorship and HONcode 1
    assert "p1-f1" in page.ids


def test_the_scorecard_mapping_names_only_rules_that_exist() -> None:
    from medreview.ruleset import available_packs, load_ruleset

    known = {rule.id for pack in available_packs() for rule in load_ruleset((pack,)).rules}
    named = {rule for scheme in scorecard.load_schemes() for c in scheme.criteria
             for rule in c.fails_on}
    assert named <= known, named - known
    assert [len(s.criteria) for s in scorecard.load_schemes()] == [4, 8]


def test_a_malformed_scorecard_mapping_names_the_file(tmp_path: Path) -> None:
    from medreview.errors import RuleError

    bad = tmp_path / "scorecard.yaml"
    bad.write_text("schemes:\n  - id: jama\n", encoding="utf-8")
    with pytest.raises(RuleError, match="scorecard.yaml"):
        scorecard.load_schemes(bad)


# ---- a real review ----------------------------------------------------------------------------

def test_report_of_the_sample_posts(tmp_path: Path) -> None:
    from medreview.api import review

    samples = Path(__file__).resolve().parent.parent / "sample_posts"
    report = review([samples])
    page = Page(html.render(report))
    assert len(page.all("article")) == len(report.files) >= 2
    badges = [a["class"] for a in page.all("span") if (a.get("class") or "").startswith("badge v-")]
    for index, result in enumerate(report.files, 1):
        assert result.path in page.plain
        assert f"badge v-{verdict(result)}" in badges
        for n, finding in enumerate(result.findings, 1):
            assert finding.rule in page.plain and f"p{index}-f{n}" in page.ids
