"""text: for editors at a terminal: `path:line:col: severity [rule] message`, the line with the
span underlined, the suggestion, and a summary. Colour only when asked (on a terminal)."""

from __future__ import annotations

from typing import Any

import click

from medreview.baseline import stale_note
from medreview.model import FileResult, Finding, Report

COLOURS = {"error": "red", "warning": "yellow", "info": "blue"}
WIDTH = 100


def render(report: Report, color: bool = False, **_: Any) -> str:
    lines: list[str] = []
    for result in report.files:
        lines.extend(_file_lines(result, color))
    lines.append(summary_line(report))
    if stale := stale_note(report):
        lines.append(stale)
    return "\n".join(lines) + "\n"


def _style(text: str, color: bool, **style: Any) -> str:
    return click.style(text, **style) if color else text


def _file_lines(result: FileResult, color: bool) -> list[str]:
    if result.error:
        # the error already names the file (and line): "p.md:4: malformed front matter ..."
        return [f"{_style('unreadable', color, fg='red', bold=True)}: {result.error}", ""]
    if not result.findings:
        return []
    out = [_style(result.path, color, bold=True, underline=True)]
    for finding in result.findings:
        out.extend(_finding_lines(result.path, finding, color))
    out.append("")
    return out


def _finding_lines(path: str, finding: Finding, color: bool) -> list[str]:
    severity = _style(finding.severity, color, fg=COLOURS[finding.severity], bold=True)
    head = (f"{path}:{finding.line}:{finding.column}: {severity} "
            f"[{_style(finding.rule, color, bold=True)}] {finding.message}")
    out = [head]
    snippet, marker = _snippet(finding)
    if snippet:
        out.append(f"  | {snippet}")
        out.append(f"  | {_style(marker, color, fg=COLOURS[finding.severity])}")
    if finding.suggestion:
        out.append(f"  = suggestion: {finding.suggestion}")
    return out


def _snippet(finding: Finding) -> tuple[str, str]:
    """The sentence around the excerpt, clipped to WIDTH, with the excerpt underlined."""
    text = finding.sentence or (finding.excerpt.splitlines() or [""])[0]
    if not text:
        return "", ""
    excerpt = " ".join(finding.excerpt.split())
    at = text.find(excerpt) if excerpt else -1
    if at < 0:
        return _clip(text, 0, 0)[0], ""
    clipped, offset = _clip(text, at, len(excerpt))
    width = max(1, min(len(excerpt), len(clipped) - offset))
    return clipped, " " * offset + "^" * width


def _clip(text: str, at: int, length: int) -> tuple[str, int]:
    if len(text) <= WIDTH:
        return text, at
    start = max(0, min(at - 30, len(text) - WIDTH))
    prefix = "…" if start else ""
    body = text[start:start + WIDTH]
    suffix = "…" if start + WIDTH < len(text) else ""
    return prefix + body + suffix, at - start + len(prefix)


def summary_line(report: Report) -> str:
    counts = report.summary()
    total = counts["error"] + counts["warning"] + counts["info"]
    with_findings = sum(1 for r in report.files if r.findings)
    text = (f"{total} finding{'s' if total != 1 else ''} ({counts['error']} error, "
            f"{counts['warning']} warning, {counts['info']} info) in {with_findings} of "
            f"{counts['files']} post{'s' if counts['files'] != 1 else ''}")
    if counts["unreadable"]:
        text += f"; {counts['unreadable']} unreadable"
    if counts["waived"]:
        text += f"; {counts['waived']} waived"
    if counts["baselined"]:
        text += f"; {counts['baselined']} baselined"
    return text + "."
