"""The review result: findings, per-file results and the whole report. Reporters read only these."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

SEVERITIES = ("error", "warning", "info")
SEVERITY_RANK = {"error": 3, "warning": 2, "info": 1}


def downgrade(severity: str) -> str:
    """One step less severe: error -> warning -> info -> info."""
    return {"error": "warning", "warning": "info"}.get(severity, "info")


@dataclass(frozen=True)
class SourceRef:
    """An authority a rule cites."""

    name: str
    url: str = ""


@dataclass(frozen=True)
class RuleInfo:
    """What reporters need to know about a rule (its documentation, not its matching logic)."""

    id: str
    code: str
    type: str
    level: str
    message: str
    description: str
    suggestion: str
    sources: tuple[SourceRef, ...]
    family: str = ""  # id prefix, e.g. "overclaim"
    pack: str = ""


@dataclass(frozen=True)
class Waiver:
    """An inline directive that suppressed a finding (or tried to)."""

    rules: tuple[str, ...]
    reason: str
    line: int
    scope: str  # next-line | block | file
    used: bool = False


@dataclass(frozen=True)
class Finding:
    """One problem in one post. Offsets index the Source text; line/column are 1-based and
    computed once, from those offsets, by the engine."""

    rule: str
    code: str
    severity: str
    message: str
    start: int
    end: int
    line: int
    column: int
    end_line: int
    end_column: int
    excerpt: str  # the source text of the span
    sentence: str = ""  # the plain text of the sentence that contains it (for context)
    suggestion: str = ""
    sources: tuple[SourceRef, ...] = ()
    fingerprint: str = ""  # stable across line shifts: rule + normalised sentence + path
    waived_by: str = ""  # reason, when a waiver suppressed it
    baselined: bool = False  # suppressed because the baseline file lists it

    def sort_key(self) -> tuple[Any, ...]:
        return (self.line, self.column, self.rule, self.end_line, self.end_column, self.message)


@dataclass(frozen=True)
class BaselineEntry:
    """A known finding in a baseline file, matched by fingerprint (never by line). `count` is how
    many findings share the fingerprint (one rule flagging the same sentence twice)."""

    fingerprint: str
    rule: str
    path: str
    sentence: str
    count: int = 1


@dataclass(frozen=True)
class BaselineStatus:
    """The baseline a run used: its file, how many entries it has, and those that matched nothing."""

    path: str
    entries: int
    stale: tuple[BaselineEntry, ...] = ()


@dataclass
class FileResult:
    """The review of one post: findings or the error that prevented a review."""

    path: str
    format: str = ""
    sha256: str = ""
    findings: list[Finding] = field(default_factory=list)
    metrics: dict[str, Any] = field(default_factory=dict)
    front_matter: dict[str, Any] = field(default_factory=dict)
    sections: list[dict[str, Any]] = field(default_factory=list)  # heading, level, line, metrics
    waivers: list[Waiver] = field(default_factory=list)
    suppressed: list[Finding] = field(default_factory=list)  # waived or baselined findings
    error: str | None = None

    def count(self, severity: str) -> int:
        return sum(1 for f in self.findings if f.severity == severity)


@dataclass
class Report:
    """Everything one run produced; reporters are pure functions of it."""

    files: list[FileResult]
    rules: dict[str, RuleInfo]  # every rule that was enabled, by id
    tool_version: str
    ruleset_sha256: str
    options: dict[str, Any] = field(default_factory=dict)  # provenance: packs, fail-on, ...
    baseline: BaselineStatus | None = None

    def summary(self) -> dict[str, int]:
        counts = {"files": len(self.files), "unreadable": 0, "error": 0, "warning": 0, "info": 0,
                  "waived": 0, "baselined": 0}
        for result in self.files:
            if result.error:
                counts["unreadable"] += 1
            for finding in result.findings:
                counts[finding.severity] += 1
            counts["waived"] += sum(1 for f in result.suppressed if f.waived_by)
            counts["baselined"] += sum(1 for f in result.suppressed if f.baselined)
        return counts
