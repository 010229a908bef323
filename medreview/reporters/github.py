"""GitHub Actions workflow commands: one `::error|warning|notice ...::message` line per finding.

Severity mapping: error -> `::error`, warning -> `::warning`, info -> `::notice`. Escaping
follows actions/toolkit: `%`, CR and LF in the message; additionally `:` and `,` in property
values. Waived and baselined findings are not annotated.
"""

from __future__ import annotations

from medreview.model import Finding, FileResult, Report

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(text: str) -> str:
    """Escape a message (the part after the second `::`); `%` first so escapes stay single."""
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    """Escape a property value, which also must not contain `:` or `,`."""
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: list[tuple[str, object]], message: str) -> str:
    """One workflow command line; properties without a value are left out."""
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties
                     if value not in (None, ""))
    return f"::{name}{' ' + props if props else ''}::{escape_data(message)}"


def _position(finding: Finding) -> list[tuple[str, object]]:
    """line, col, endLine, endColumn; columns only on a one-line span, as GitHub requires."""
    if finding.line < 1:
        return []
    one_line = finding.end_line in (finding.line, 0)
    props: list[tuple[str, object]] = [("line", finding.line)]
    if one_line and finding.column >= 1:
        props.append(("col", finding.column))
    if finding.end_line >= finding.line:
        props.append(("endLine", finding.end_line))
    if finding.end_line == finding.line and finding.column >= 1 and finding.end_column >= 1:
        props.append(("endColumn", finding.end_column))
    return props


def annotation(path: str, finding: Finding) -> str:
    """The workflow command for one finding."""
    props = [("file", path), *_position(finding), ("title", finding.rule)]
    return command(COMMANDS.get(finding.severity, "warning"), props, finding.message)


def _lines(result: FileResult) -> list[str]:
    lines = [command("error", [("file", result.path)], result.error)] if result.error else []
    return lines + [annotation(result.path, f) for f in result.findings]


def render(report: Report, **_: object) -> str:
    """The report as workflow commands, one per line."""
    lines = [line for result in report.files for line in _lines(result)]
    return "".join(line + "\n" for line in lines)
