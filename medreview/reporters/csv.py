"""CSV export: one row per finding, for spreadsheets and audits.

Rows follow report order: per post, an `input-error` row if it could not be read, its findings,
then its suppressed findings with `waived` set to the waiver's reason (or `baseline`). Cells that
a spreadsheet would run as a formula get a leading apostrophe (OWASP "CSV injection").
"""

from __future__ import annotations

import csv
import io

from medreview.model import Finding, FileResult, Report, SourceRef
from medreview.reporters.sarif import finding_fingerprint

HEADER = ("path", "line", "column", "end_line", "end_column", "severity", "rule", "code",
          "message", "excerpt", "suggestion", "sources", "fingerprint", "waived")
# "=", "+", "-", "@" start formulas; tab and CR do too in some spreadsheet importers.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: object) -> object:
    """A text cell that cannot start a formula; numbers pass through unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def sources_text(sources: tuple[SourceRef, ...]) -> str:
    """`name <url> ; name <url>`."""
    return " ; ".join(f"{s.name} <{s.url}>" if s.url else s.name for s in sources)


def finding_row(path: str, finding: Finding, waived: str = "") -> list[object]:
    """The cells of one finding, in HEADER order."""
    return [path, finding.line, finding.column, finding.end_line, finding.end_column,
            finding.severity, finding.rule, finding.code, finding.message, finding.excerpt,
            finding.suggestion, sources_text(finding.sources),
            finding_fingerprint(path, finding), waived]


def error_row(result: FileResult) -> list[object]:
    """The row of a post that could not be read."""
    return [result.path, "", "", "", "", "error", "input-error", "", result.error or "",
            "", "", "", "", ""]


def file_rows(result: FileResult) -> list[list[object]]:
    """All rows of one post."""
    rows = [error_row(result)] if result.error else []
    rows += [finding_row(result.path, f) for f in result.findings]
    rows += [finding_row(result.path, f, f.waived_by or "baseline") for f in result.suppressed]
    return rows


def render(report: Report, **_: object) -> str:
    """The report as CSV text with a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL, lineterminator="\n")
    writer.writerow(HEADER)
    for result in report.files:
        writer.writerows([neutralise(cell) for cell in row] for row in file_rows(result))
    return buffer.getvalue()
