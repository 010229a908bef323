"""`--statistics`: how many findings each rule produced, like `ruff --statistics`."""

from __future__ import annotations

from collections import Counter

from medreview.model import SEVERITY_RANK, Report


def rule_counts(report: Report) -> list[tuple[str, str, int]]:
    """(rule, severity, count) of the reported findings: most frequent first, then most severe,
    then by rule id, so ties always come out in the same order."""
    counts = Counter((f.rule, f.severity) for result in report.files for f in result.findings)
    rows = [(rule, severity, n) for (rule, severity), n in counts.items()]
    return sorted(rows, key=lambda row: (-row[2], -SEVERITY_RANK.get(row[1], 0), row[0]))


def render(report: Report) -> str:
    """An aligned table `count  rule  severity`, one line per row; "" when nothing was found."""
    rows = rule_counts(report)
    if not rows:
        return ""
    count_width = max(len(str(n)) for _, _, n in rows)
    rule_width = max(len(rule) for rule, _, _ in rows)
    return "".join(f"{n:>{count_width}}  {rule:<{rule_width}}  {severity}\n"
                   for rule, severity, n in rows)
