"""GitLab Code Quality report: a JSON array of CodeClimate issues (no BOM; UTF-8 text).

Severity mapping (GitLab's scale is info < minor < major < critical < blocker):
- error -> `critical` for safety-critical families (crisis, messaging, safety: suicide safe
  messaging and missing risk information), `major` otherwise;
- warning -> `minor`;
- info -> `info`;
- an unreadable post -> `major` with check_name `input-error`.

Categories: readability -> Clarity, language -> Style, everything else (claims, evidence,
disclosure, ...) -> Bug Risk, since a compliance finding is a defect in the post.
Fingerprints are the sha256 hex of the finding's fingerprint; GitLab merges equal fingerprints
into one entry, so a repeated one gets an occurrence suffix (`#2`, `#3`, ...) before hashing.
Waived and baselined findings are left out.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from medreview.model import Finding, FileResult, Report
from medreview.reporters.sarif import finding_fingerprint

SEVERITIES = {"error": "major", "warning": "minor", "info": "info"}
SAFETY_CRITICAL_FAMILIES = frozenset({"crisis", "messaging", "safety"})
CATEGORIES = {"readability": "Clarity", "language": "Style"}
DEFAULT_CATEGORY = "Bug Risk"


def severity(report: Report, finding: Finding) -> str:
    """GitLab severity of a finding."""
    info = report.rules.get(finding.rule)
    family = info.family if info else ""
    if finding.severity == "error" and family in SAFETY_CRITICAL_FAMILIES:
        return "critical"
    return SEVERITIES.get(finding.severity, "minor")


def _category(report: Report, rule: str) -> str:
    info = report.rules.get(rule)
    return CATEGORIES.get(info.family if info else "", DEFAULT_CATEGORY)


def _location(finding: Finding) -> dict[str, Any]:
    """positions with columns when known; both schemas accept positions.begin.line."""
    begin: dict[str, int] = {"line": max(finding.line, 1)}
    if finding.column >= 1:
        begin["column"] = finding.column
    positions: dict[str, Any] = {"begin": begin}
    if finding.end_line >= begin["line"]:
        end = {"line": finding.end_line}
        if finding.end_column >= 1:
            end["column"] = finding.end_column
        positions["end"] = end
    return {"positions": positions}


def _issue(report: Report, path: str, finding: Finding, fingerprint: str) -> dict[str, Any]:
    issue: dict[str, Any] = {
        "type": "issue",
        "engine_name": "medreview",
        "check_name": finding.rule,
        "description": finding.message or finding.rule,
        "severity": severity(report, finding),
        "categories": [_category(report, finding.rule)],
        "fingerprint": fingerprint,
        "location": {"path": path, **_location(finding)},
    }
    if finding.suggestion:
        issue["content"] = {"body": finding.suggestion}
    return issue


def _input_error(result: FileResult, fingerprint: str) -> dict[str, Any]:
    return {
        "type": "issue",
        "engine_name": "medreview",
        "check_name": "input-error",
        "description": result.error or "unreadable",
        "severity": "major",
        "categories": [DEFAULT_CATEGORY],
        "fingerprint": fingerprint,
        "location": {"path": result.path, "lines": {"begin": 1}},
    }


class _Fingerprints:
    """Hashes fingerprints, suffixing repeats so that every issue's fingerprint is unique."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def __call__(self, raw: str) -> str:
        key, occurrence = raw, 1
        # Loop rather than trust the suffix: a raw fingerprint could itself end in "#2".
        while key in self.used:
            occurrence += 1
            key = f"{raw}#{occurrence}"
        self.used.add(key)
        return hashlib.sha256(key.encode("utf-8")).hexdigest()


def build(report: Report) -> list[dict[str, Any]]:
    """The Code Quality issues, files in report order, findings in the order given."""
    unique = _Fingerprints()
    issues: list[dict[str, Any]] = []
    for result in report.files:
        if result.error:
            issues.append(_input_error(result, unique(f"input-error\0{result.path}")))
        for finding in result.findings:
            fingerprint = unique(finding_fingerprint(result.path, finding))
            issues.append(_issue(report, result.path, finding, fingerprint))
    return issues


def render(report: Report, **_: object) -> str:
    """The report as a GitLab Code Quality JSON array."""
    return json.dumps(build(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
