"""SARIF 2.1.0 log (one run) for GitHub code scanning and other SARIF consumers.

Columns are the model's Unicode code points, so the run declares `columnKind:
"unicodeCodePoints"` instead of converting to UTF-16 code units (which would need the source
text). Waived and baselined findings are kept as results with `suppressions`, so consumers can
show them as dismissed rather than losing the audit trail.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import quote

from medreview.model import Finding, FileResult, Report, RuleInfo

SCHEMA_URI = (
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
INFORMATION_URI = "https://github.com/medreview/medreview"
FINGERPRINT_KEY = "medreview/v1"
SRCROOT = "%SRCROOT%"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}
MIME_TYPES = {"markdown": "text/markdown", "html": "text/html", "text": "text/plain"}
# A placeholder, with the quotes around it if any: "'{match}'" must not leave "''" behind.
_PLACEHOLDER = re.compile(r"""["'“‘]?\{[^{}]*\}["'”’]?""")


def finding_fingerprint(path: str, finding: Finding) -> str:
    """The finding's fingerprint, or one derived from rule + path + normalised sentence/excerpt."""
    if finding.fingerprint:
        return finding.fingerprint
    context = " ".join((finding.sentence or finding.excerpt).split()).casefold()
    digest = hashlib.sha256("\0".join((finding.rule, path, context)).encode("utf-8"))
    return digest.hexdigest()[:32]


def artifact_uri(path: str) -> tuple[str, str | None]:
    """A URI for a displayed path and its uriBaseId (None for absolute paths)."""
    if PurePosixPath(path).is_absolute():
        return "file://" + quote(path, safe="/"), None
    return quote(path, safe="/"), SRCROOT


def camel_case(rule_id: str) -> str:
    """`overclaim.cure-claim` -> `OverclaimCureClaim`."""
    return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^0-9A-Za-z]+", rule_id))


def plain_message(template: str, fallback: str) -> str:
    """A rule message template without its `{...}` placeholders."""
    text = " ".join(_PLACEHOLDER.sub("", template).split())
    text = re.sub(r"\s+([,.;:!?)])", r"\1", text).strip()
    return text if any(ch.isalnum() for ch in text) else fallback


def _sources_text(rule: RuleInfo) -> str:
    lines = [f"- {s.name}: {s.url}" if s.url else f"- {s.name}" for s in rule.sources]
    return "Sources:\n" + "\n".join(lines) if lines else ""


def _descriptor(rule: RuleInfo) -> dict[str, Any]:
    """A reportingDescriptor for one rule."""
    descriptor: dict[str, Any] = {
        "id": rule.id,
        "name": camel_case(rule.id),
        "shortDescription": {"text": plain_message(rule.message, rule.id)},
        "defaultConfiguration": {"level": LEVELS.get(rule.level, "warning")},
        # Tags must be unique (the schema says so), and a pack may share its family's name.
        "properties": {"tags": list(dict.fromkeys(t for t in (rule.family, rule.pack) if t)),
                       "precision": "medium"},
    }
    if rule.description:
        descriptor["fullDescription"] = {"text": rule.description}
    help_text = "\n\n".join(t for t in (rule.suggestion, _sources_text(rule)) if t)
    if help_text:
        descriptor["help"] = {"text": help_text}
    urls = [s.url for s in rule.sources if s.url]
    if urls:
        descriptor["helpUri"] = urls[0]
    return descriptor


def _artifact_location(path: str, index: int | None = None) -> dict[str, Any]:
    uri, base = artifact_uri(path)
    location: dict[str, Any] = {"uri": uri}
    if base:
        location["uriBaseId"] = base
    if index is not None:
        location["index"] = index
    return location


def _region(finding: Finding) -> dict[str, Any]:
    """The finding's region; positions below 1 are left out rather than made up."""
    region: dict[str, Any] = {"startLine": max(finding.line, 1)}
    if finding.column >= 1:
        region["startColumn"] = finding.column
    if finding.end_line >= region["startLine"]:
        region["endLine"] = finding.end_line
        if finding.end_column >= 1:
            region["endColumn"] = finding.end_column
    if finding.excerpt:
        region["snippet"] = {"text": finding.excerpt}
    return region


def _suppression(finding: Finding) -> dict[str, Any]:
    """A waiver is an in-source suppression; anything else suppressed came from the baseline."""
    if finding.waived_by:
        return {"kind": "inSource", "justification": finding.waived_by}
    return {"kind": "external", "justification": "baseline"}


def _result(path: str, artifact: int, finding: Finding, rule_index: dict[str, int],
            suppressed: bool) -> dict[str, Any]:
    """One SARIF result."""
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "level": LEVELS.get(finding.severity, "warning"),
        "message": {"text": finding.message or finding.rule},
        "locations": [{"physicalLocation": {
            "artifactLocation": _artifact_location(path, artifact),
            "region": _region(finding),
        }}],
        "partialFingerprints": {FINGERPRINT_KEY: finding_fingerprint(path, finding)},
    }
    if finding.rule in rule_index:
        result["ruleIndex"] = rule_index[finding.rule]
    extras = (("code", finding.code), ("suggestion", finding.suggestion))
    properties = {key: value for key, value in extras if value}
    if properties:
        result["properties"] = properties
    if suppressed:
        result["suppressions"] = [_suppression(finding)]
    return result


def _artifact(result: FileResult) -> dict[str, Any]:
    artifact: dict[str, Any] = {"location": _artifact_location(result.path)}
    if result.sha256:
        artifact["hashes"] = {"sha-256": result.sha256}
    if result.format in MIME_TYPES:
        artifact["mimeType"] = MIME_TYPES[result.format]
    return artifact


def _notification(result: FileResult) -> dict[str, Any]:
    """A tool execution notification for a post that could not be read."""
    return {
        "level": "error",
        "descriptor": {"id": "input-error"},
        "message": {"text": f"{result.path}: {result.error}"},
        "locations": [{"physicalLocation": {"artifactLocation": _artifact_location(result.path)}}],
    }


def build(report: Report) -> dict[str, Any]:
    """The SARIF log as a dict."""
    rules = [report.rules[key] for key in sorted(report.rules)]
    rule_index = {rule.id: i for i, rule in enumerate(rules)}
    driver: dict[str, Any] = {"name": "medreview", "informationUri": INFORMATION_URI,
                              "rules": [_descriptor(rule) for rule in rules]}
    if report.tool_version:
        driver["version"] = report.tool_version
    results: list[dict[str, Any]] = []
    for index, file in enumerate(report.files):
        results.extend(_result(file.path, index, f, rule_index, False) for f in file.findings)
        results.extend(_result(file.path, index, f, rule_index, True) for f in file.suppressed)
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notifications = [_notification(file) for file in report.files if file.error]
    if notifications:
        invocation["toolExecutionNotifications"] = notifications
    run: dict[str, Any] = {
        "tool": {"driver": driver},
        "columnKind": "unicodeCodePoints",
        "artifacts": [_artifact(file) for file in report.files],
        "invocations": [invocation],
        "results": results,
    }
    if report.ruleset_sha256:
        run["properties"] = {"rulesetSha256": report.ruleset_sha256}
    return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}


def render(report: Report, **_: object) -> str:
    """The report as a SARIF 2.1.0 JSON document."""
    return json.dumps(build(report), indent=2, sort_keys=True, ensure_ascii=False) + "\n"
