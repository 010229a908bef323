"""jsonl: one JSON object per line: each post as the json format writes it (`"type": "file"`),
in input order, then one `"type": "summary"` object (schema, tool, ruleset, summary, baseline).

The CLI writes the lines as posts are reviewed (`file_line` as each result arrives, then
`summary_line`), so a review of any size streams in bounded memory; `render` gives the same
text for a Report held whole.
"""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

from medreview.model import FileResult, Report
from medreview.reporters.json import file_dict, report_dict


def file_line(result: FileResult) -> str:
    return _line({"type": "file", **file_dict(result)})


def summary_line(report: Report, summary: dict[str, int] | None = None) -> str:
    """The closing object; `summary` gives the totals when the files were streamed, not held."""
    data = report_dict(replace(report, files=[]))
    del data["files"]
    data["summary"] = dict(summary) if summary is not None else report.summary()
    return _line({"type": "summary", **data})


def render(report: Report, **_: object) -> str:
    return "".join(file_line(result) for result in report.files) + summary_line(report)


def _line(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
