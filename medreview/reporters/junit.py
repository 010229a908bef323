"""JUnit XML (Jenkins junit-10.xsd): one testsuite per post, one failing testcase per finding.

Every finding is a failure whatever its severity (the severity is the failure's `type`); whether
the build fails is the CLI's `--fail-on` decision, not this file's. An unreadable post is an
`<error>`. Testcases carry no `file`/`line` attributes because the XSD forbids them: the
location is in the failure text as `path:line:col`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from medreview.model import Finding, FileResult, Report

# Characters XML 1.0 cannot represent at all, even escaped; ElementTree would emit them as-is.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_text(text: str) -> str:
    """Text with characters that XML 1.0 forbids replaced by U+FFFD."""
    return _INVALID_XML.sub("\ufffd", text)


def _element(tag: str, text: str = "", **attributes: str) -> ET.Element:
    """An element with attributes in the given order and sanitised text."""
    element = ET.Element(tag, {k: xml_text(v) for k, v in attributes.items()})
    if text:
        element.text = xml_text(text)
    return element


def failure_text(path: str, finding: Finding) -> str:
    """`path:line:col severity [rule] message`, then the excerpt and suggestion."""
    lines = [f"{path}:{finding.line}:{finding.column} {finding.severity} [{finding.rule}] "
             f"{finding.message}"]
    if finding.excerpt:
        lines.append(finding.excerpt)
    if finding.suggestion:
        lines.append(f"Suggestion: {finding.suggestion}")
    return "\n".join(lines)


def _classname(report: Report, rule: str) -> str:
    info = report.rules.get(rule)
    return f"medreview.{info.family}" if info and info.family else "medreview"


def _finding_case(report: Report, path: str, finding: Finding) -> ET.Element:
    case = _element("testcase", name=f"{finding.rule} at {finding.line}:{finding.column}",
                    classname=_classname(report, finding.rule), time="0")
    case.append(_element("failure", failure_text(path, finding), type=finding.severity,
                         message=finding.message))
    return case


def _suite(report: Report, result: FileResult) -> ET.Element:
    """The testsuite of one post."""
    cases: list[ET.Element] = []
    if result.error:
        case = _element("testcase", name="input-error", classname="medreview", time="0")
        case.append(_element("error", f"{result.path}: {result.error}", type="input-error",
                             message=result.error))
        cases.append(case)
    cases.extend(_finding_case(report, result.path, f) for f in result.findings)
    if not cases:
        cases.append(_element("testcase", name="no findings", classname="medreview", time="0"))
    suite = _element("testsuite", name=result.path, tests=str(len(cases)),
                     failures=str(len(result.findings)), errors=str(int(bool(result.error))),
                     skipped="0", time="0")
    suite.extend(cases)
    return suite


def build(report: Report) -> ET.Element:
    """The `<testsuites>` element."""
    suites = [_suite(report, result) for result in report.files]
    totals = {key: sum(int(s.get(key, "0")) for s in suites)
              for key in ("tests", "failures", "errors")}
    root = _element("testsuites", name="medreview", tests=str(totals["tests"]),
                    failures=str(totals["failures"]), errors=str(totals["errors"]), time="0")
    root.extend(suites)
    return root


def render(report: Report, **_: object) -> str:
    """The report as a JUnit XML document."""
    root = build(report)
    ET.indent(root)
    body = ET.tostring(root, encoding="unicode", short_empty_elements=True)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + body + "\n"
