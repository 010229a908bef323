"""CI/export reporters (SARIF, JUnit, GitHub, GitLab, Markdown, CSV) against their schemas.

The validate_*/parse_* helpers are importable (`from test_reporters_ci import validate_sarif`)
so that reviews of real sample posts can be checked the same way.
"""

from __future__ import annotations

import copy
import csv
import io
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import jsonschema
import pytest
import xmlschema

import report_fixtures as fx
from medreview import reporters
from medreview.model import Report
from medreview.reporters import csv as csv_reporter
from medreview.reporters import github, gitlab, junit, markdown, sarif

SCHEMAS = Path(os.environ.get("MEDREVIEW_SCHEMAS", "/work/shared/schemas"))
CI_FORMATS = ("sarif", "junit", "github", "gitlab", "markdown", "csv")
GITHUB_LINE = re.compile(
    r"^::(error|warning|notice)( [A-Za-z]+=[^,:\r\n]*(,[A-Za-z]+=[^,:\r\n]*)*)?::[^\r\n]*$")
GITHUB_KEYS = {"file", "line", "endLine", "col", "endColumn", "title"}

pytestmark = pytest.mark.skipif(not SCHEMAS.is_dir(), reason=f"no schemas at {SCHEMAS}")


# ---- reusable validation helpers ---------------------------------------------------------------

@cache
def _json_schema(name: str) -> dict[str, Any]:
    return json.loads((SCHEMAS / name).read_text(encoding="utf-8"))


@cache
def _junit_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMAS / "junit.xsd"))


# The schema's "uri-reference" format goes unchecked without rfc3987 installed: check it here.
URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _is_relative_uri(uri: str) -> bool:
    parts = urlsplit(uri)
    return (bool(URI_CHARS.match(uri)) and not parts.scheme and not parts.netloc
            and not uri.startswith("/"))


def validate_sarif(text: str) -> dict[str, Any]:
    """Parse a SARIF log, validate it (Draft 4) and check what GitHub code scanning needs."""
    log = json.loads(text)
    schema = _json_schema("sarif-schema-2.1.0.json")
    validator = jsonschema.validators.validator_for(schema)
    assert validator is jsonschema.Draft4Validator
    validator(schema, format_checker=validator.FORMAT_CHECKER).validate(log)
    assert log["version"] == "2.1.0" and len(log["runs"]) == 1
    run = log["runs"][0]
    driver = run["tool"]["driver"]
    assert driver["name"]
    rules = driver.get("rules", [])
    assert [r["id"] for r in rules] == sorted(r["id"] for r in rules)
    for result in run["results"]:
        assert result["ruleId"] and result["message"]["text"]
        if "ruleIndex" in result:
            assert rules[result["ruleIndex"]]["id"] == result["ruleId"]
        physical = result["locations"][0]["physicalLocation"]
        assert _is_relative_uri(physical["artifactLocation"]["uri"])
        assert physical["region"]["startLine"] >= 1
    for artifact in run.get("artifacts", []):
        assert URI_CHARS.match(artifact["location"]["uri"])
    return log


def validate_junit(text: str) -> ET.Element:
    """Validate JUnit XML against junit.xsd and check that the totals add up."""
    _junit_schema().validate(text)
    root = ET.fromstring(text.encode("utf-8"))
    suites = root.findall("testsuite")
    for key in ("tests", "failures", "errors"):
        assert int(root.get(key)) == sum(int(s.get(key)) for s in suites)
    for suite in suites:
        cases = suite.findall("testcase")
        assert int(suite.get("tests")) == len(cases)
        assert int(suite.get("failures")) == sum(len(c.findall("failure")) for c in cases)
        assert int(suite.get("errors")) == sum(len(c.findall("error")) for c in cases)
    for case in root.iter("testcase"):
        assert "file" not in case.attrib and "line" not in case.attrib
    return root


def validate_gitlab(text: str) -> list[dict[str, Any]]:
    """Validate a Code Quality report item by item (GitLab's schema) and whole (strict)."""
    assert not text.startswith("\ufeff") and not text.encode("utf-8").startswith(b"\xef\xbb\xbf")
    issues = json.loads(text)
    assert isinstance(issues, list)
    item_validator = jsonschema.Draft7Validator(
        _json_schema("gitlab-codeclimate-degradation.schema.json"))
    for issue in issues:
        item_validator.validate(issue)
    jsonschema.Draft7Validator(
        _json_schema("gitlab-codequality-report.strict.schema.json")).validate(issues)
    fingerprints = [issue["fingerprint"] for issue in issues]
    assert len(set(fingerprints)) == len(fingerprints)
    for issue in issues:
        assert not issue["location"]["path"].startswith(("/", "./"))
    return issues


def unescape_github(value: str) -> str:
    """Undo workflow-command escaping, `%25` last."""
    for escaped, char in (("%2C", ","), ("%3A", ":"), ("%0A", "\n"), ("%0D", "\r"),
                          ("%25", "%")):
        value = value.replace(escaped, char)
    return value


def parse_github(text: str) -> list[dict[str, Any]]:
    """Parse annotation lines into {command, properties, message}, checking their syntax."""
    annotations = []
    for line in text.splitlines():
        assert GITHUB_LINE.match(line), line
        head, message = line[2:].split("::", 1)
        name, _, props_text = head.partition(" ")
        properties: dict[str, Any] = {}
        for item in props_text.split(",") if props_text else []:
            key, value = item.split("=", 1)
            assert key in GITHUB_KEYS and key not in properties
            properties[key] = unescape_github(value)
        for key in ("line", "endLine", "col", "endColumn"):
            if key in properties:
                properties[key] = int(properties[key])
                assert properties[key] >= 1
        annotations.append({"command": name, "properties": properties,
                            "message": unescape_github(message)})
    return annotations


def parse_csv(text: str) -> list[dict[str, str]]:
    """Parse the CSV export, checking its header and row width."""
    rows = list(csv.reader(io.StringIO(text, newline="")))
    assert tuple(rows[0]) == csv_reporter.HEADER
    assert all(len(row) == len(csv_reporter.HEADER) for row in rows)
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def markdown_table_rows(text: str) -> list[list[str]]:
    """Cells of every table row, split on unescaped pipes; each table keeps its width."""
    tables: list[list[list[str]]] = []
    previous_was_row = False
    for line in text.splitlines():
        if not line.startswith("|"):
            previous_was_row = False
            continue
        cells = re.split(r"(?<!\\)\|", re.sub(r"\\\\", "", line))[1:-1]
        if not previous_was_row:
            tables.append([])
        tables[-1].append(cells)
        previous_was_row = True
    for table in tables:
        assert len({len(row) for row in table}) == 1, table
    return [row for table in tables for row in table]


def validate_all(report: Report) -> dict[str, Any]:
    """Render every CI format of a report and validate each; returns the parsed outputs."""
    return {
        "sarif": validate_sarif(sarif.render(report)),
        "junit": validate_junit(junit.render(report)),
        "github": parse_github(github.render(report)),
        "gitlab": validate_gitlab(gitlab.render(report)),
        "markdown": markdown_table_rows(markdown.render(report)),
        "csv": parse_csv(csv_reporter.render(report)),
    }


# ---- the helpers reject what they should ------------------------------------------------------

@pytest.mark.parametrize(("helper", "example"), [
    (validate_sarif, "invalid.sarif"),
    (validate_junit, "invalid-junit.xml"),
    (validate_junit, "invalid-junit-testcase-file-attr.xml"),
    (validate_gitlab, "invalid-codequality.json"),
])
def test_helpers_reject_the_invalid_examples(helper: Any, example: str) -> None:
    with pytest.raises((AssertionError, jsonschema.ValidationError,
                        xmlschema.XMLSchemaValidationError)):
        helper((SCHEMAS / "examples" / example).read_text(encoding="utf-8"))


@pytest.mark.parametrize("line", [
    "::error file=a.md,line=1::ok\n::warning file=a:b.md::colon in a property",
    "::error file=a.md,line=0::line numbers start at 1",
    "::error fil=a.md::unknown key",
])
def test_parse_github_rejects_malformed_lines(line: str) -> None:
    with pytest.raises((AssertionError, ValueError)):
        parse_github(line)


def test_helpers_accept_the_valid_examples() -> None:
    examples = SCHEMAS / "examples"
    validate_sarif((examples / "sample.sarif").read_text(encoding="utf-8"))
    validate_junit((examples / "sample-junit.xml").read_text(encoding="utf-8"))
    validate_gitlab((examples / "sample-codequality.json").read_text(encoding="utf-8"))
    annotations = parse_github((examples / "sample-github-annotations.txt").read_text("utf-8"))
    assert annotations[1]["properties"]["title"] == "MR002: dosage, no unit"
    assert annotations[1]["message"] == 'Dosage "10" has no unit.\nAdd mg, mcg or IU.'


# ---- every format, every sample report ---------------------------------------------------------

REPORTS = fx.all_reports()


def _findings(report: Report) -> list[tuple[str, Any]]:
    return [(r.path, f) for r in report.files for f in r.findings]


@pytest.mark.parametrize("name", REPORTS)
def test_every_format_validates(name: str) -> None:
    validate_all(REPORTS[name])


@pytest.mark.parametrize("fmt", CI_FORMATS)
@pytest.mark.parametrize("name", REPORTS)
def test_output_is_deterministic_and_ignores_unknown_options(fmt: str, name: str) -> None:
    report = REPORTS[name]
    first = reporters.render(fmt, report)
    assert reporters.render(fmt, copy.deepcopy(report), colour=True, unknown=1) == first
    assert first == "" or first.endswith("\n")


@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_rendering_does_not_mutate_the_report(fmt: str) -> None:
    report = fx.multi_post_report()
    before = copy.deepcopy(report)
    reporters.render(fmt, report)
    assert report == before


# ---- SARIF -------------------------------------------------------------------------------------

def test_sarif_rules_are_sorted_with_stable_ids_and_plain_descriptions() -> None:
    run = validate_sarif(sarif.render(fx.multi_post_report()))["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    assert [r["id"] for r in rules] == sorted(fx.sample_rules())
    by_id = {r["id"]: r for r in rules}
    cure = by_id["overclaim.cure"]
    assert cure["name"] == "OverclaimCure"
    assert cure["shortDescription"]["text"] == "claims a cure."
    assert cure["helpUri"] == fx.FTC.url
    assert cure["properties"] == {"tags": ["overclaim", "us"], "precision": "medium"}
    assert by_id["crisis.resource-missing"]["properties"]["tags"] == ["crisis"]
    assert by_id["readability.grade"]["defaultConfiguration"]["level"] == "note"
    assert "CMS Toolkit Part 7" in by_id["readability.grade"]["help"]["text"]
    jargon = by_id["language.jargon-undefined"]
    assert jargon["shortDescription"]["text"] == jargon["id"]  # the message was all placeholder
    assert all("{" not in r["shortDescription"]["text"] for r in rules)


def test_sarif_results_match_findings() -> None:
    report = fx.multi_post_report()
    run = validate_sarif(sarif.render(report))["runs"][0]
    active = [r for r in run["results"] if "suppressions" not in r]
    expected = _findings(report)
    assert [r["ruleId"] for r in active] == [f.rule for _, f in expected]
    assert [r["level"] for r in active] == [
        {"error": "error", "warning": "warning", "info": "note"}[f.severity] for _, f in expected]
    for result, (path, finding) in zip(active, expected):
        location = result["locations"][0]["physicalLocation"]
        assert unquote(location["artifactLocation"]["uri"]) == path
        assert location["artifactLocation"]["uriBaseId"] == "%SRCROOT%"
        assert location["region"]["startColumn"] == finding.column
        assert location["region"]["endColumn"] == finding.end_column
        assert location["region"]["snippet"]["text"] == finding.excerpt
        assert result["partialFingerprints"]["medreview/v1"] == sarif.finding_fingerprint(
            path, finding)
    assert run["columnKind"] == "unicodeCodePoints"


def test_sarif_escapes_uris_and_keeps_non_ascii_text() -> None:
    run = validate_sarif(sarif.render(fx.multi_post_report()))["runs"][0]
    uris = [a["location"]["uri"] for a in run["artifacts"]]
    assert "posts/caf%C3%A9%3A%20notes%2C%20100%25.md" in uris
    assert any(r["locations"][0]["physicalLocation"]["region"]["snippet"]["text"] == fx.NON_ASCII
               for r in run["results"])


def test_sarif_reports_unreadable_posts_as_notifications() -> None:
    run = validate_sarif(sarif.render(fx.multi_post_report()))["runs"][0]
    invocation = run["invocations"][0]
    assert invocation["executionSuccessful"] is True
    (note,) = invocation["toolExecutionNotifications"]
    assert note["level"] == "error" and fx.READ_ERROR in note["message"]["text"]
    artifact = note["locations"][0]["physicalLocation"]["artifactLocation"]
    assert artifact["uri"] == "posts/broken.html"
    hashes = {a["location"]["uri"]: a.get("hashes") for a in run["artifacts"]}
    assert hashes["posts/ketamine-cure.md"] == {"sha-256": "a" * 64}
    assert hashes["posts/broken.html"] is None


def test_sarif_keeps_waived_findings_as_suppressed_results() -> None:
    run = validate_sarif(sarif.render(fx.multi_post_report()))["runs"][0]
    suppressed = [r for r in run["results"] if "suppressions" in r]
    assert [r["suppressions"] for r in suppressed] == [
        [{"kind": "inSource", "justification": "quoting an FDA warning letter"}]]


def test_sarif_derives_missing_fingerprints_deterministically() -> None:
    finding = fx.mixed_post().findings[2]
    assert finding.fingerprint == ""
    derived = sarif.finding_fingerprint("posts/a.md", finding)
    assert derived == sarif.finding_fingerprint("posts/a.md", finding)
    assert derived != sarif.finding_fingerprint("posts/b.md", finding)


def test_sarif_uses_file_uris_for_absolute_paths() -> None:
    report = Report([replace(fx.empty_post(), path="/tmp/my post.md")], {}, "1", "")
    log = validate_sarif(sarif.render(report))
    artifact = log["runs"][0]["artifacts"][0]["location"]
    assert artifact == {"uri": "file:///tmp/my%20post.md"}


# ---- JUnit -------------------------------------------------------------------------------------

def test_junit_failures_equal_findings_and_errors_equal_unreadable_posts() -> None:
    report = fx.multi_post_report()
    root = validate_junit(junit.render(report))
    summary = report.summary()
    assert int(root.get("failures")) == len(_findings(report))
    assert int(root.get("errors")) == summary["unreadable"] == 1
    assert [s.get("name") for s in root.findall("testsuite")] == [r.path for r in report.files]


def test_junit_testcases_describe_each_finding() -> None:
    root = validate_junit(junit.render(fx.multi_post_report()))
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    first = suites["posts/ketamine-cure.md"].find("testcase")
    assert first.attrib == {"name": "overclaim.cure at 3:12", "classname": "medreview.overclaim",
                            "time": "0"}
    failure = first.find("failure")
    assert failure.get("type") == "error"
    assert failure.text.splitlines() == [
        "posts/ketamine-cure.md:3:12 error [overclaim.cure] 'cures' claims a cure.", "cures",
        "Suggestion: " + fx.sample_rules()["overclaim.cure"].suggestion]
    assert [c.get("name") for c in suites["posts/empty.txt"]] == ["no findings"]
    assert [c.get("name") for c in suites["posts/sleep-hygiene.md"]] == ["no findings"]
    error = suites["posts/broken.html"].find("testcase/error")
    assert error.get("message") == fx.READ_ERROR


def test_junit_escapes_markup_and_replaces_characters_xml_cannot_hold() -> None:
    text = junit.render(fx.multi_post_report())
    assert "<script>" not in text
    root = validate_junit(text)
    messages = [f.get("message") for f in root.iter("failure")]
    assert fx.HOSTILE_MESSAGE in messages
    assert any("\ufffdform feed\ufffdbell" in (f.text or "") for f in root.iter("failure"))


# ---- GitHub ------------------------------------------------------------------------------------

def test_github_annotations_round_trip() -> None:
    report = fx.multi_post_report()
    annotations = parse_github(github.render(report))
    expected = _findings(report)
    errors = [a for a in annotations if "title" not in a["properties"]]
    found = [a for a in annotations if "title" in a["properties"]]
    assert [(a["properties"]["file"], a["message"]) for a in errors] == [
        ("posts/broken.html", fx.READ_ERROR)]
    assert len(found) == len(expected)
    for annotation, (path, finding) in zip(found, expected):
        assert annotation["command"] == {"error": "error", "warning": "warning",
                                         "info": "notice"}[finding.severity]
        assert annotation["properties"]["file"] == path
        assert annotation["properties"]["title"] == finding.rule
        assert annotation["properties"]["line"] == finding.line
        assert annotation["message"] == finding.message


def test_github_escapes_properties_and_messages_exactly() -> None:
    line = github.annotation(fx.HOSTILE_PATH, fx.hostile_post().findings[0])
    assert line.startswith(
        "::error file=posts/café%3A notes%2C 100%25.md,line=2,col=5,endLine=2,endColumn=26,"
        "title=overclaim.cure::“Cures 100%25” claim: see lines 3, 4%0A<script>")


def test_github_leaves_columns_out_of_multi_line_spans() -> None:
    annotations = parse_github(github.render(Report([fx.mixed_post()], {}, "", "")))
    assert annotations[1]["properties"] == {"file": "posts/ketamine-cure.md", "line": 7,
                                            "endLine": 8, "title": "claims.testimonial"}


def test_github_output_of_an_empty_report_is_empty() -> None:
    assert github.render(fx.empty_report()) == ""


# ---- GitLab ------------------------------------------------------------------------------------

def test_gitlab_issues_match_findings_with_unique_fingerprints() -> None:
    report = fx.multi_post_report()
    issues = validate_gitlab(gitlab.render(report))
    input_errors = [i for i in issues if i["check_name"] == "input-error"]
    assert [i["location"]["path"] for i in input_errors] == ["posts/broken.html"]
    found = [i for i in issues if i["check_name"] != "input-error"]
    assert [(i["location"]["path"], i["check_name"]) for i in found] == [
        (path, f.rule) for path, f in _findings(report)]
    duplicated = [i for i in found if i["description"].startswith(("“Cures", "Second claim"))]
    assert len({i["fingerprint"] for i in duplicated}) == 2
    assert all(re.fullmatch(r"[0-9a-f]{64}", i["fingerprint"]) for i in issues)


def test_gitlab_severity_and_category_mapping() -> None:
    issues = validate_gitlab(gitlab.render(fx.multi_post_report()))
    by_rule = {(i["check_name"], i["severity"]) for i in issues}
    assert ("overclaim.cure", "major") in by_rule
    assert ("crisis.resource-missing", "critical") in by_rule
    assert ("claims.testimonial", "minor") in by_rule
    assert ("readability.grade", "info") in by_rule
    categories = {i["check_name"]: i["categories"] for i in issues}
    assert categories["readability.grade"] == ["Clarity"]
    assert categories["overclaim.cure"] == ["Bug Risk"]


def test_gitlab_positions_and_suggestions() -> None:
    issues = validate_gitlab(gitlab.render(Report([fx.mixed_post()], fx.sample_rules(), "", "")))
    assert issues[1]["location"] == {"path": "posts/ketamine-cure.md", "positions": {
        "begin": {"line": 7, "column": 1}, "end": {"line": 8, "column": 21}}}
    assert issues[1]["content"] == {"body": "Disclose the generally expected results."}


def test_gitlab_fingerprints_survive_line_shifts() -> None:
    post = fx.mixed_post()
    moved = replace(post, findings=[replace(f, line=f.line + 10, end_line=f.end_line + 10)
                                       for f in post.findings])
    before = [i["fingerprint"] for i in gitlab.build(Report([post], {}, "", ""))]
    after = [i["fingerprint"] for i in gitlab.build(Report([moved], {}, "", ""))]
    assert before == after


def test_gitlab_empty_report_is_an_empty_array() -> None:
    assert gitlab.render(fx.empty_report()) == "[]\n"


# ---- Markdown ----------------------------------------------------------------------------------

def test_markdown_verdict_and_rule_counts() -> None:
    text = markdown.render(fx.multi_post_report())
    lines = text.splitlines()
    assert lines[0] == "## medreview report"
    assert lines[2] == "❌ 4 errors, 2 warnings, 1 info in 2 of 5 posts (1 unreadable, 1 waived)"
    rows = markdown_table_rows(text)
    assert [c.strip() for c in rows[0]] == ["Rule", "Severity", "Count"]
    counts = {(r[0].strip(), r[1].strip()): r[2].strip() for r in rows[2:7]}
    assert counts[("overclaim.cure", "error")] == "3"
    assert list(counts)[0][1] == "error" and list(counts)[-1][1] == "info"


def test_markdown_escapes_untrusted_post_text() -> None:
    text = markdown.render(fx.multi_post_report())
    assert "<script>" not in text and "&lt;script&gt;" in text
    assert "[link](" not in text and "`code`" not in text
    assert "@everyone" not in text and "@support" not in text
    assert "<summary>posts/café: notes, 100%.md: 3 errors, 1 warning</summary>" in text
    assert "<details>" in text and text.count("<details>") == text.count("</details>") == 4
    hostile = [r for r in markdown_table_rows(text) if "Cures 100%" in "".join(r)]
    assert len(hostile) == 1 and len(hostile[0]) == 5


def test_markdown_lists_waived_findings_with_their_reason() -> None:
    text = markdown.render(fx.multi_post_report())
    assert "<summary>posts/sleep-hygiene.md: 0 errors, 0 warnings, 1 waived</summary>" in text
    waived = [[c.strip() for c in r] for r in markdown_table_rows(text) if "5:30" in r[0]]
    assert waived == [["5:30", "error", "overclaim.cure", "'cure' claims a cure.",
                       "quoting an FDA warning letter"]]
    assert "posts/sleep-hygiene.md" not in text.split("No findings in:")[-1]


def test_markdown_for_clean_and_empty_runs() -> None:
    clean = Report([fx.empty_post()], {}, "", "")
    assert markdown.render(clean).splitlines()[2] == "✅ 0 errors, 0 warnings in 0 of 1 posts"
    assert "No findings in: posts/empty.txt" in markdown.render(clean)
    assert markdown.render(fx.empty_report()) == (
        "## medreview report\n\n✅ No posts were reviewed.\n")


# ---- CSV ---------------------------------------------------------------------------------------

def test_csv_has_one_row_per_finding_suppressed_finding_and_unreadable_post() -> None:
    report = fx.multi_post_report()
    rows = parse_csv(csv_reporter.render(report))
    assert len(rows) == len(_findings(report)) + 1 + 1
    waived = [r for r in rows if r["waived"]]
    assert [(r["path"], r["waived"]) for r in waived] == [
        ("posts/sleep-hygiene.md", "quoting an FDA warning letter")]
    (error,) = [r for r in rows if r["rule"] == "input-error"]
    assert (error["path"], error["severity"], error["message"]) == (
        "posts/broken.html", "error", fx.READ_ERROR)
    first = rows[0]
    assert first["sources"] == (f"{fx.FTC.name} <{fx.FTC.url}> ; "
                                f"{fx.FDA_FRAUD.name} <{fx.FDA_FRAUD.url}>")
    assert (first["line"], first["column"]) == ("3", "12")
    assert first["fingerprint"] == "fp-overclaim-cure-1"


def test_csv_neutralises_formulas_and_keeps_text_intact() -> None:
    rows = parse_csv(csv_reporter.render(fx.multi_post_report()))
    hostile = [r for r in rows if r["path"] == fx.HOSTILE_PATH]
    assert hostile[0]["message"] == fx.HOSTILE_MESSAGE
    assert hostile[0]["excerpt"] == fx.NON_ASCII
    assert hostile[0]["suggestion"].startswith("'+ add")
    assert hostile[1]["excerpt"] == "'" + fx.FORMULA_EXCERPT
    assert hostile[2]["message"].startswith("'@support")
    formula_start = re.compile(r"^[=+\-@\t\r]")
    assert not any(formula_start.match(v) for row in rows for v in row.values())


def test_csv_of_an_empty_report_is_the_header() -> None:
    assert csv_reporter.render(fx.empty_report()) == ",".join(csv_reporter.HEADER) + "\n"


# ---- registry ----------------------------------------------------------------------------------

@pytest.mark.parametrize("fmt", CI_FORMATS)
def test_formats_are_reachable_through_the_registry(fmt: str) -> None:
    assert fmt in reporters.FORMATS
    assert reporters.get(fmt).__module__ == f"medreview.reporters.{fmt}"
