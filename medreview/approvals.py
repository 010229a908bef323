"""Approvals: a named reviewer signs off one version of a post under one rule set, and the
history of who approved what, when, and what changed since."""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from medreview.audit import AuditLog, Clock, Record, post_key, project_root
from medreview.errors import ConfigError, InputError
from medreview.model import FileResult, Finding, Report
from medreview.scorecard import verdict

if TYPE_CHECKING:
    from medreview.api import ReviewOptions

ROLES = ("medical", "legal", "regulatory")
KIND = "approval"
# Control characters a post could use to rewrite the terminal, shown as their pictures instead.
_CONTROLS = {**{c: 0x2400 + c for c in range(32) if c not in (9, 10)}, 127: 0x2421}


class ApprovalRefused(Exception):
    """The post has blocking findings: nobody may approve it as it is."""


@dataclass(frozen=True)
class Approval:
    """An approval record, read back."""

    seq: int
    post: str
    sha256: str
    ruleset_sha256: str
    tool_version: str
    reviewer: str
    role: str
    note: str
    recorded_at: str
    summary: dict[str, int]

    @classmethod
    def from_record(cls, record: Record) -> Approval:
        body = record.body
        return cls(record.seq, record.post, body.get("sha256", ""),
                   body.get("ruleset_sha256", ""), body.get("tool_version", ""),
                   body.get("reviewer", ""), body.get("role", ""), body.get("note", ""),
                   body.get("recorded_at", ""), body.get("summary", {}))

    def describe(self) -> str:
        """`on 2025-01-02T03:04:05Z by Ana Gomez (medical, record #3)`."""
        return f"on {self.recorded_at} by {self.reviewer} ({self.role}, record #{self.seq})"


def blocking(result: FileResult) -> list[Finding]:
    """Findings that forbid approval: error level and not waived."""
    return [finding for finding in result.findings if finding.severity == "error"]


def approval_fields(result: FileResult, report: Report, reviewer: str, role: str,
                    note: str) -> dict[str, Any]:
    """What an approval binds: content, rules, tool, findings summary and waivers in force."""
    counts: dict[str, int] = {}
    for finding in result.findings:
        counts[finding.rule] = counts.get(finding.rule, 0) + 1
    return {
        "kind": KIND, "reviewer": reviewer, "role": role, "note": note,
        "sha256": result.sha256, "ruleset_sha256": report.ruleset_sha256,
        "tool_version": report.tool_version, "packs": list(report.options.get("packs", [])),
        "verdict": verdict(result),
        "summary": {**{s: result.count(s) for s in ("error", "warning", "info")},
                    "waived": len(result.suppressed)},
        "findings": dict(sorted(counts.items())),
        "waivers": [{"rules": list(w.rules), "reason": w.reason, "line": w.line,
                     "scope": w.scope, "used": w.used} for w in result.waivers],
        "waived": [{"rule": f.rule, "line": f.line, "waived_by": f.waived_by or "baseline"}
                   for f in result.suppressed],
    }


def approve(path: Path, reviewer: str, role: str, note: str, options: ReviewOptions,
            database: Path, clock: Clock | None = None) -> Approval:
    """Review the post with the current rules and record an approval of exactly this version.
    Raises ApprovalRefused while it has blocking findings."""
    from medreview.api import review

    if not reviewer.strip():
        raise ConfigError(None, "--reviewer must name a person")
    if not path.is_file():
        raise InputError(str(path), "not a file", hint="approve one post at a time")
    report = review([path], options)
    if not report.files:
        raise ConfigError(str(path), "the post is excluded by the options or config")
    result = report.files[0]
    if result.error:
        raise InputError(None, result.error)
    refuse_if_blocked(result)
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != result.sha256:
        raise InputError(result.path, "changed while it was being reviewed", hint="approve again")
    fields = approval_fields(result, report, reviewer.strip(), role, note)
    with AuditLog.open(database, create=True) as log:
        record = log.append(post_key(path), fields, snapshot=data, clock=clock)
    return Approval.from_record(record)


def refuse_if_blocked(result: FileResult) -> None:
    blockers = blocking(result)
    if blockers:
        listed = "; ".join(f"{f.rule} at line {f.line}" for f in blockers)
        raise ApprovalRefused(
            f"{result.path}: not approved: {len(blockers)} blocking finding"
            f"{'s' if len(blockers) != 1 else ''} (error level, not waived): {listed}")


def approvals(log: AuditLog, key: str | None = None) -> list[Approval]:
    """Approval records in order, all or one post's."""
    return [Approval.from_record(r) for r in log.records(key) if r.body.get("kind") == KIND]


def history_lines(log: AuditLog, post: Path | None = None) -> list[str]:
    """Who approved which version and when; then, per post, what changed since (with a
    unified diff of the stored text when one post is named)."""
    root = project_root()
    key = post_key(post, root) if post is not None else None
    found = approvals(log, key)
    if not found:
        return [f"no approvals recorded{f' for {key}' if key else ''} in {log.path}"]
    lines = [line for approval in found for line in approval_lines(approval)]
    latest = {approval.post: approval for approval in found}
    for name, approval in latest.items():
        lines += [""] + change_lines(log, approval, root / name, diff=post is not None)
    return lines


def approval_lines(approval: Approval) -> list[str]:
    s = approval.summary
    lines = [f"#{approval.seq} {approval.recorded_at} {approval.post}: approved by "
             f"{approval.reviewer} ({approval.role})",
             f"    content {approval.sha256[:12]}  rules {approval.ruleset_sha256[:12]}  "
             f"medreview {approval.tool_version}  findings: {s.get('error', 0)} errors, "
             f"{s.get('warning', 0)} warnings, {s.get('info', 0)} info, "
             f"{s.get('waived', 0)} waived"]
    if approval.note:
        lines.append(f"    note: {approval.note}")
    return [printable(line) for line in lines]


def change_lines(log: AuditLog, approval: Approval, current: Path, diff: bool) -> list[str]:
    """Whether the post changed since its latest approval, and the diff when asked."""
    try:
        data = current.read_bytes()
    except OSError as exc:
        return [f"{approval.post}: cannot be read now ({exc.strerror or exc}); last approved "
                f"{approval.describe()}"]
    if hashlib.sha256(data).hexdigest() == approval.sha256:
        return [f"{approval.post}: unchanged since approval {approval.describe()}"]
    lines = [f"{approval.post}: changed since approval {approval.describe()}"]
    if diff:
        before = log.snapshot(approval.sha256)
        if before is None:
            return lines + ["    (the approved text is not stored, so no diff)"]
        lines += [printable(line.rstrip("\n")) for line in unified_diff(
            before, data, f"{approval.post} (approved, record #{approval.seq})",
            f"{approval.post} (now)")]
    return lines


def unified_diff(before: bytes, after: bytes, old_name: str, new_name: str) -> list[str]:
    old = before.decode("utf-8", errors="replace").splitlines(keepends=True)
    new = after.decode("utf-8", errors="replace").splitlines(keepends=True)
    return list(difflib.unified_diff(old, new, old_name, new_name))


def printable(text: str) -> str:
    """Text safe to print on a terminal: no escape sequences from a post."""
    return text.translate(_CONTROLS)
