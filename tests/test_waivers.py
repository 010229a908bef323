"""Inline waivers: next-line, block and file scope in Markdown, HTML and plain text; broken and
unused directives; the audit trail in reports; exit codes ignore waived findings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medreview.api import ReviewOptions, exit_code, review
from medreview.cli import main
from medreview.config import load_config, review_options
from medreview.model import FileResult, Report, Waiver
from medreview.parsers import parse
from medreview.reporters import render
from medreview.ruleset import RuleSet, load_ruleset
from medreview.source import source_from_bytes
from medreview.waivers import META_EXAMPLES, META_RULES, is_text_directive, read_directives

CURE = "Our protocol cures depression."
SPEED = "Our infusions give fast-acting relief."
REASON = "quoting FDA's warning letter"


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load_ruleset(("us",))


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def check(ruleset: RuleSet, name: str, text: str, options: ReviewOptions | None = None) -> Report:
    post = Path(name)
    post.write_text(text, encoding="utf-8")
    return review([post], options or ReviewOptions(), ruleset)


def result_of(ruleset: RuleSet, name: str, text: str) -> FileResult:
    return check(ruleset, name, text).files[0]


def lines_of(findings: list, rule: str) -> list[int]:
    return [f.line for f in findings if f.rule == rule]


def run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


# ---- scopes in each format --------------------------------------------------------------------

NEXT_LINE = {
    "post.md": f"# Ketamine\n\n<!-- medreview-disable-next-line overclaim.cure -- reason: {REASON} -->\n"
               f"{CURE}\n\n{CURE}\n",
    "post.html": f"<html><body>\n<h1>Ketamine</h1>\n<!-- medreview-disable-next-line "
                 f"overclaim.cure -- reason: {REASON} -->\n<p>{CURE}</p>\n\n<p>{CURE}</p>\n"
                 "</body></html>\n",
    "post.txt": f"Ketamine\n\nmedreview-disable-next-line overclaim.cure -- reason: {REASON}\n"
                f"{CURE}\n\n{CURE}\n",
}


@pytest.mark.parametrize("name", sorted(NEXT_LINE))
def test_next_line_waiver_suppresses_only_the_next_line(ruleset: RuleSet, name: str) -> None:
    result = result_of(ruleset, name, NEXT_LINE[name])
    assert lines_of(result.suppressed, "overclaim.cure") == [4]
    assert lines_of(result.findings, "overclaim.cure") == [6]
    assert result.suppressed[0].waived_by == REASON
    assert result.waivers == [Waiver(rules=("overclaim.cure",), reason=REASON, line=3,
                                     scope="next-line", used=True)]


BLOCK = {
    "post.md": ("<!-- medreview-disable overclaim.cure, claims.speed-of-effect -- reason: {r} -->",
                "<!-- medreview-enable overclaim.cure -->"),
    "post.html": ("<!-- medreview-disable overclaim.cure, claims.speed-of-effect -- reason: {r} -->",
                  "<!-- medreview-enable overclaim.cure -->"),
    "post.txt": ("medreview-disable overclaim.cure claims.speed-of-effect reason: {r}",
                 "medreview-enable overclaim.cure"),
}


@pytest.mark.parametrize("name", sorted(BLOCK))
def test_block_waiver_runs_to_its_enable_per_rule(ruleset: RuleSet, name: str) -> None:
    disable, enable = BLOCK[name]
    para = (lambda s: f"<p>{s}</p>") if name.endswith(".html") else (lambda s: s)
    text = "\n\n".join(["Ketamine", disable.format(r=REASON), para(CURE), para(SPEED), enable,
                        para(CURE), para(SPEED)]) + "\n"
    result = result_of(ruleset, name, text)
    assert lines_of(result.suppressed, "overclaim.cure") == [5]
    assert lines_of(result.findings, "overclaim.cure") == [11]
    assert lines_of(result.suppressed, "claims.speed-of-effect") == [7, 13]
    assert [(w.scope, w.line, w.used) for w in result.waivers] == [("block", 3, True)]


def test_bare_enable_ends_every_open_block(ruleset: RuleSet) -> None:
    text = (f"<!-- medreview-disable overclaim.cure -- reason: {REASON} -->\n{CURE}\n\n"
            f"<!-- medreview-enable -->\n{CURE}\n")
    result = result_of(ruleset, "post.md", text)
    assert lines_of(result.suppressed, "overclaim.cure") == [2]
    assert lines_of(result.findings, "overclaim.cure") == [5]


@pytest.mark.parametrize("name", ["post.md", "post.html", "post.txt"])
def test_file_waiver_covers_the_whole_post(ruleset: RuleSet, name: str) -> None:
    directive = (f"medreview-disable-file overclaim.cure -- reason: {REASON}" if name.endswith(".txt")
                 else f"<!-- medreview-disable-file overclaim.cure -- reason: {REASON} -->")
    para = (lambda s: f"<p>{s}</p>") if name.endswith(".html") else (lambda s: s)
    text = f"{para(CURE)}\n\n{para(CURE)}\n\n{directive}\n"
    result = result_of(ruleset, name, text)
    assert lines_of(result.findings, "overclaim.cure") == []
    assert lines_of(result.suppressed, "overclaim.cure") == [1, 3]
    assert [(w.scope, w.used) for w in result.waivers] == [("file", True)]


def test_inline_comment_at_the_end_of_a_line_waives_the_next_line(ruleset: RuleSet) -> None:
    text = (f"Ketamine is a medicine. <!-- medreview-disable-next-line overclaim.cure -- "
            f"reason: {REASON} -->\n{CURE}\n")
    result = result_of(ruleset, "post.md", text)
    assert lines_of(result.suppressed, "overclaim.cure") == [2]


def test_reason_is_kept_exactly(ruleset: RuleSet) -> None:
    reason = 'MLR #2025-114 (J. Ortiz, 3 Mar): quoting FDA’s letter — "cures"  verbatim; ok'
    text = f"<!-- medreview-disable-next-line overclaim.cure -- reason: {reason} -->\n{CURE}\n"
    result = result_of(ruleset, "post.md", text)
    assert result.waivers[0].reason == reason
    assert [f.waived_by for f in result.suppressed] == [reason]


def test_reason_without_dashes_is_accepted(ruleset: RuleSet) -> None:
    text = f"<!-- medreview-disable-next-line overclaim.cure reason: {REASON} -->\n{CURE}\n"
    assert result_of(ruleset, "post.md", text).waivers[0].reason == REASON


# ---- directives are not prose -----------------------------------------------------------------

def test_text_directive_lines_are_not_prose() -> None:
    text = f"Title\n\nmedreview-disable-next-line overclaim.cure -- reason: {REASON}\n{CURE}\n"
    document = parse(source_from_bytes(text.encode(), "post.txt", "text"))
    assert "medreview" not in document.text
    assert CURE in document.text


def test_markdown_comments_block_and_inline_are_not_prose() -> None:
    text = (f"<!-- medreview-disable-file overclaim.cure -- reason: {REASON} -->\n\n"
            f"{CURE} <!-- medreview-disable-next-line overclaim.guarantee -- reason: x --> More.\n")
    document = parse(source_from_bytes(text.encode(), "post.md", "markdown"))
    assert "medreview" not in document.text and "reason" not in document.text
    assert CURE in document.text


@pytest.mark.parametrize(("line", "expected"), [
    ("medreview-disable-next-line overclaim.cure -- reason: x", True),
    ("  medreview-enable", True),
    ("medreview-disabled is not a directive", False),
    ("See medreview-disable-file docs", False),
])
def test_is_text_directive(line: str, expected: bool) -> None:
    assert is_text_directive(line) is expected


# ---- broken and unused directives -------------------------------------------------------------

def test_directive_without_reason_is_a_finding_and_suppresses_nothing(ruleset: RuleSet) -> None:
    text = f"<!-- medreview-disable-next-line overclaim.cure -->\n{CURE}\n"
    result = result_of(ruleset, "post.md", text)
    assert lines_of(result.findings, "overclaim.cure") == [2]
    problem = next(f for f in result.findings if f.rule == "waiver.reason-missing")
    assert (problem.line, problem.column, problem.severity, problem.code) == (1, 1, "warning", "MR001")
    assert problem.excerpt == "<!-- medreview-disable-next-line overclaim.cure -->"
    assert result.waivers == [] and result.suppressed == []


@pytest.mark.parametrize("body", ["overclaim.cure --", "overclaim.cure -- quoting FDA",
                                  "overclaim.cure -- reason:   "])
def test_dashes_or_an_empty_reason_are_not_a_reason(ruleset: RuleSet, body: str) -> None:
    result = result_of(ruleset, "post.md", f"<!-- medreview-disable-next-line {body} -->\n{CURE}\n")
    assert lines_of(result.findings, "waiver.reason-missing") == [1]
    assert lines_of(result.findings, "overclaim.cure") == [2]


def test_unknown_rule_is_a_finding_and_known_rules_still_apply(ruleset: RuleSet) -> None:
    text = (f"<!-- medreview-disable-next-line overclaim.cuer, overclaim.cure -- reason: "
            f"{REASON} -->\n{CURE}\n")
    result = result_of(ruleset, "post.md", text)
    unknown = [f for f in result.findings if f.rule == "waiver.unknown-rule"]
    assert [(f.line, f.message) for f in unknown] == [
        (1, "Waiver names an unknown rule: overclaim.cuer.")]
    assert lines_of(result.suppressed, "overclaim.cure") == [2]
    assert result.waivers[0].rules == ("overclaim.cure",)


@pytest.mark.parametrize("rules", ["all", ""])
def test_all_or_no_rule_is_refused(ruleset: RuleSet, rules: str) -> None:
    text = f"<!-- medreview-disable-file {rules} -- reason: legacy page -->\n{CURE}\n"
    result = result_of(ruleset, "post.md", text)
    unknown = [f for f in result.findings if f.rule == "waiver.unknown-rule"]
    assert [f.message for f in unknown] == [
        "Waiver must name the rules it waives ('all' is not allowed)."]
    assert lines_of(result.findings, "overclaim.cure") == [2]
    assert result.waivers == []


def test_waiver_rules_cannot_themselves_be_waived(ruleset: RuleSet) -> None:
    text = "<!-- medreview-disable-file waiver.unused -- reason: noisy -->\nKetamine.\n"
    result = result_of(ruleset, "post.md", text)
    assert lines_of(result.findings, "waiver.unknown-rule") == [1]


def test_unused_waiver_is_reported_as_info(ruleset: RuleSet) -> None:
    text = f"<!-- medreview-disable-next-line overclaim.cure -- reason: {REASON} -->\nKetamine.\n"
    result = result_of(ruleset, "post.md", text)
    unused = [f for f in result.findings if f.rule == "waiver.unused"]
    assert [(f.line, f.severity, f.message) for f in unused] == [
        (1, "info", "Waiver for overclaim.cure suppresses nothing.")]
    assert result.waivers[0].used is False


def test_partly_used_waiver_reports_only_the_unused_rule(ruleset: RuleSet) -> None:
    text = (f"<!-- medreview-disable-next-line overclaim.cure, claims.speed-of-effect -- "
            f"reason: {REASON} -->\n{CURE}\n")
    result = result_of(ruleset, "post.md", text)
    unused = [f.message for f in result.findings if f.rule == "waiver.unused"]
    assert unused == ["Waiver for claims.speed-of-effect suppresses nothing."]
    assert result.waivers[0].used is True


def test_waiver_for_a_rule_the_config_disables_is_unused(tmp_path: Path) -> None:
    (tmp_path / ".medreview.yaml").write_text("disable: [overclaim.cure]\n")
    options = review_options(load_config(tmp_path / ".medreview.yaml"))
    post = tmp_path / "post.md"
    post.write_text(f"<!-- medreview-disable-next-line overclaim.cure -- reason: {REASON} -->\n"
                    f"{CURE}\n")
    result = review([post], options).files[0]  # no ruleset given: the config builds it
    assert lines_of(result.findings, "waiver.unused") == [1]
    assert result.suppressed == []


@pytest.mark.parametrize(("rule", "kind", "index"), [
    (rule, kind, index) for rule, examples in sorted(META_EXAMPLES.items())
    for kind in ("flag", "pass") for index in range(len(examples[kind]))])
def test_waiver_rule_examples(ruleset: RuleSet, rule: str, kind: str, index: int) -> None:
    text = META_EXAMPLES[rule][kind][index]
    fired = rule in {f.rule for f in result_of(ruleset, "example.md", text + "\n").findings}
    assert fired is (kind == "flag")


def test_every_waiver_rule_documents_itself() -> None:
    for info in META_RULES.values():
        assert info.code.startswith("MR0") and info.sources and info.suggestion
        assert all(source.url.startswith("https://") for source in info.sources)


# ---- configuration of the waiver rules --------------------------------------------------------

UNUSED_POST = f"<!-- medreview-disable-next-line overclaim.cure -- reason: {REASON} -->\nKetamine.\n"


def test_config_can_turn_off_or_raise_a_waiver_rule(ruleset: RuleSet, tmp_path: Path) -> None:
    config_file = tmp_path / ".medreview.yaml"
    config_file.write_text("disable: [waiver.unused]\n")
    report = check(ruleset, "post.md", UNUSED_POST, review_options(load_config(config_file)))
    assert lines_of(report.files[0].findings, "waiver.unused") == []
    assert "waiver.unused" not in report.rules
    config_file.write_text("severity: {waiver.unused: error}\n")
    report = check(ruleset, "post.md", UNUSED_POST, review_options(load_config(config_file)))
    assert [f.severity for f in report.files[0].findings if f.rule == "waiver.unused"] == ["error"]
    assert report.rules["waiver.unused"].level == "error"
    assert exit_code(report) == 1


def test_override_turns_off_a_waiver_rule_for_some_paths(ruleset: RuleSet, tmp_path: Path) -> None:
    config_file = tmp_path / ".medreview.yaml"
    config_file.write_text("overrides:\n  - files: [archive/**]\n    disable: [waiver.unused]\n")
    (tmp_path / "archive").mkdir()
    options = review_options(load_config(config_file))
    assert lines_of(check(ruleset, "archive/p.md", UNUSED_POST, options).files[0].findings,
                    "waiver.unused") == []
    assert lines_of(check(ruleset, "p.md", UNUSED_POST, options).files[0].findings,
                    "waiver.unused") == [1]


def test_waiver_rules_are_listed_only_when_a_post_has_a_directive(ruleset: RuleSet) -> None:
    assert not [r for r in check(ruleset, "a.md", CURE + "\n").rules if r.startswith("waiver.")]
    listed = check(ruleset, "b.md", UNUSED_POST).rules
    assert {"waiver.reason-missing", "waiver.unknown-rule", "waiver.unused"} <= set(listed)


# ---- reports and exit codes -------------------------------------------------------------------

WAIVED_POST = f"# Ketamine\n\n<!-- medreview-disable-next-line overclaim.cure -- reason: {REASON} -->\n{CURE}\n"


def test_json_report_carries_the_waiver_and_the_suppressed_finding(ruleset: RuleSet) -> None:
    data = json.loads(render("json", check(ruleset, "post.md", WAIVED_POST)))
    post = data["files"][0]
    assert post["waivers"] == [{"rules": ["overclaim.cure"], "reason": REASON, "line": 3,
                                "scope": "next-line", "used": True}]
    waived = [f for f in post["suppressed"] if f["rule"] == "overclaim.cure"]
    assert [(f["line"], f["waived_by"]) for f in waived] == [(4, REASON)]
    assert "overclaim.cure" not in [f["rule"] for f in post["findings"]]
    assert data["summary"]["waived"] == 1


def test_text_summary_counts_waived_findings(ruleset: RuleSet) -> None:
    text = render("text", check(ruleset, "post.md", WAIVED_POST))
    assert text.rstrip().endswith("; 1 waived.")


def test_exit_code_ignores_waived_errors(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text(WAIVED_POST, encoding="utf-8")
    bare = tmp_path / "bare.md"
    bare.write_text(f"# Ketamine\n\n{CURE}\n", encoding="utf-8")
    assert run("check", bare, "--no-config").exit_code == 1
    result = run("check", post, "--no-config", "--format", "json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["summary"]["error"] == 0


def test_directives_are_read_with_their_lines() -> None:
    text = (f"# T\n\n<!--\n  medreview-disable-next-line overclaim.cure\n  -- reason: {REASON}\n-->\n"
            f"{CURE}\n")
    directives, problems = read_directives(source_from_bytes(text.encode(), "p.md", "markdown"),
                                           {"overclaim.cure"})
    assert problems == []
    assert [(d.line, d.lines, d.reason) for d in directives] == [(3, ((7, 7),), REASON)]
