"""json: the versioned machine-readable report (schema documented in the README)."""

from __future__ import annotations

import json
from dataclasses import asdict
from typing import Any

from medreview.model import BaselineStatus, FileResult, Finding, Report

SCHEMA_VERSION = 1


def finding_dict(finding: Finding) -> dict[str, Any]:
    return {
        "rule": finding.rule, "code": finding.code, "severity": finding.severity,
        "message": finding.message, "line": finding.line, "column": finding.column,
        "end_line": finding.end_line, "end_column": finding.end_column,
        "excerpt": finding.excerpt, "sentence": finding.sentence,
        "suggestion": finding.suggestion,
        "sources": [{"name": s.name, "url": s.url} for s in finding.sources],
        "fingerprint": finding.fingerprint,
    }


def file_dict(result: FileResult) -> dict[str, Any]:
    data: dict[str, Any] = {"path": result.path, "sha256": result.sha256, "format": result.format,
                            "metrics": result.metrics,
                            "findings": [finding_dict(f) for f in result.findings],
                            "error": result.error}
    if result.waivers or result.suppressed:
        data["waivers"] = [{"rules": list(w.rules), "reason": w.reason, "line": w.line,
                            "scope": w.scope, "used": w.used} for w in result.waivers]
        data["suppressed"] = [{**finding_dict(f), "waived_by": f.waived_by,
                               "baselined": f.baselined} for f in result.suppressed]
    return data


def baseline_dict(status: BaselineStatus) -> dict[str, Any]:
    return {"path": status.path, "entries": status.entries,
            "stale": [asdict(entry) for entry in status.stale]}


def report_dict(report: Report) -> dict[str, Any]:
    data: dict[str, Any] = {
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "medreview", "version": report.tool_version},
        "ruleset": {"sha256": report.ruleset_sha256, "packs": report.options.get("packs", []),
                    "rules": sorted(report.rules)},
        "files": [file_dict(result) for result in report.files],
        "summary": report.summary(),
    }
    if report.baseline:
        data["baseline"] = baseline_dict(report.baseline)
    return data


def render(report: Report, **_: object) -> str:
    return json.dumps(report_dict(report), indent=2, ensure_ascii=False) + "\n"
