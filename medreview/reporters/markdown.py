"""Markdown summary for a pull-request comment: verdict, counts per rule, findings per post,
and each post's waived findings with the waiver's reason (or `baseline`).

Everything that comes from a post (paths, messages with quoted text, excerpts, suggestions) is
untrusted: table cells escape Markdown and HTML so that post text cannot break the table, inject
HTML or links, or @-mention people; the `<summary>` lines, which GitHub reads as raw HTML,
get HTML escaping instead.
"""

from __future__ import annotations

import html
from collections import Counter

from medreview.model import SEVERITY_RANK, FileResult, Report

ICONS = {"error": "❌", "warning": "⚠️", "clean": "✅"}
NOUNS = {"error": ("error", "errors"), "warning": ("warning", "warnings"), "info": ("info", "info")}
# A word joiner after "@" keeps "@team" in a post from notifying anyone.
_MENTION = {ord("@"): "@\u2060"}
_CELL = str.maketrans({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "`": "&#96;", "|": "\\|", "\\": "\\\\",
    "[": "\\[", "]": "\\]", "*": "\\*", "_": "\\_", "~": "\\~", "\n": " ", "\r": " ",
    **{chr(k): v for k, v in _MENTION.items()},
})


def cell(text: str) -> str:
    """Text made safe for a Markdown table cell (one line, no markup, no HTML)."""
    return text.translate(_CELL)


def html_text(text: str) -> str:
    """Text made safe inside raw HTML such as `<summary>` (one line, no tags)."""
    one_line = " ".join(text.splitlines())
    return html.escape(one_line).replace("`", "&#96;").translate(_MENTION)


def counts_text(counts: dict[str, int]) -> str:
    """`3 errors, 1 warning` (info only when there is some)."""
    parts = []
    for severity in ("error", "warning", "info"):
        n = counts.get(severity, 0)
        if n or severity != "info":
            parts.append(f"{n} {NOUNS[severity][n != 1]}")
    return ", ".join(parts)


def verdict(report: Report) -> str:
    """One line: icon, totals and how many posts have findings."""
    summary = report.summary()
    if not report.files:
        return f"{ICONS['clean']} No posts were reviewed."
    icon = ICONS["error" if summary["error"] or summary["unreadable"] else
                 "warning" if summary["warning"] else "clean"]
    flagged = sum(1 for result in report.files if result.findings)
    line = f"{icon} {counts_text(summary)} in {flagged} of {len(report.files)} posts"
    extras = []
    if summary["unreadable"]:
        extras.append(f"{summary['unreadable']} unreadable")
    if summary["waived"]:
        extras.append(f"{summary['waived']} waived")
    return line + (f" ({', '.join(extras)})" if extras else "")


def rule_table(report: Report) -> list[str]:
    """Counts per (rule, severity), most severe first."""
    counts = Counter((f.rule, f.severity) for result in report.files for f in result.findings)
    if not counts:
        return []
    keys = sorted(counts, key=lambda k: (-SEVERITY_RANK.get(k[1], 0), k[0], k[1]))
    rows = [f"| {cell(rule)} | {cell(severity)} | {counts[rule, severity]} |"
            for rule, severity in keys]
    return ["| Rule | Severity | Count |", "|---|---|---:|", *rows, ""]


def post_section(result: FileResult) -> list[str]:
    """A collapsible table of one post's findings (or its read error), then its waived ones."""
    counts = Counter(f.severity for f in result.findings)
    heading = f"could not be read: {result.error}" if result.error else counts_text(counts)
    if result.suppressed:
        heading += f", {len(result.suppressed)} waived"
    lines = ["<details>", f"<summary>{html_text(result.path)}: {html_text(heading)}</summary>", ""]
    if result.findings:
        lines += ["| Line:Col | Severity | Rule | Message | Suggestion |", "|---|---|---|---|---|"]
        lines += [f"| {f.line}:{f.column} | {cell(f.severity)} | {cell(f.rule)} | "
                  f"{cell(f.message)} | {cell(f.suggestion)} |" for f in result.findings]
        lines.append("")
    if result.suppressed:
        lines += ["Waived (not counted above):", "",
                  "| Line:Col | Severity | Rule | Message | Waived by |", "|---|---|---|---|---|"]
        lines += [f"| {f.line}:{f.column} | {cell(f.severity)} | {cell(f.rule)} | "
                  f"{cell(f.message)} | {cell(f.waived_by or 'baseline')} |"
                  for f in result.suppressed]
        lines.append("")
    return lines + ["</details>", ""]


def render(report: Report, **_: object) -> str:
    """The report as a Markdown pull-request comment."""
    lines = ["## medreview report", "", verdict(report), "", *rule_table(report)]
    for result in report.files:
        if result.findings or result.error or result.suppressed:
            lines += post_section(result)
    clean = [result.path for result in report.files
             if not result.findings and not result.error and not result.suppressed]
    if clean:
        lines += [f"{ICONS['clean']} No findings in: " + ", ".join(cell(p) for p in clean), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
