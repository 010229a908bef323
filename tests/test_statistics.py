"""`--statistics`: per-rule counts after the report, on standard error."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

from click.testing import CliRunner

import report_fixtures as fx
from medreview import statistics
from medreview.api import review
from medreview.cli import main
from medreview.model import FileResult, Report

SEED = Path(__file__).resolve().parent.parent / "sample_posts" / "ketamine-bipolar.txt"


def test_rows_are_most_frequent_then_most_severe_then_by_rule() -> None:
    rows = statistics.rule_counts(fx.multi_post_report())
    counts = [n for _, _, n in rows]
    assert counts == sorted(counts, reverse=True)
    assert rows[0] == ("overclaim.cure", "error", 3)
    for (rule_a, sev_a, n_a), (rule_b, sev_b, n_b) in zip(rows, rows[1:]):
        if n_a == n_b and sev_a == sev_b:
            assert rule_a < rule_b


def test_table_is_aligned_and_empty_without_findings() -> None:
    text = statistics.render(fx.multi_post_report())
    lines = text.splitlines()
    assert text.endswith("\n") and lines[0].split() == ["3", "overclaim.cure", "error"]
    severity_column = {line.rindex(" ") for line in lines}
    assert len(severity_column) == 1
    assert statistics.render(Report([FileResult("a.md")], {}, "", "")) == ""


def test_check_prints_statistics_on_stderr_after_an_unchanged_report() -> None:
    plain = CliRunner().invoke(main, ["check", str(SEED)])
    result = CliRunner().invoke(main, ["check", str(SEED), "--statistics"])
    assert result.exit_code == plain.exit_code == 1
    assert result.stdout == plain.stdout
    findings = json.loads(CliRunner().invoke(
        main, ["check", str(SEED), "--format", "json"]).stdout)["files"][0]["findings"]
    expected = Counter((f["rule"], f["severity"]) for f in findings)
    rows = [line.split() for line in result.stderr.splitlines()]
    assert {(rule, severity): int(n) for n, rule, severity in rows} == expected
    assert [int(n) for n, _, _ in rows] == sorted(expected.values(), reverse=True)
    assert CliRunner().invoke(main, ["check", str(SEED), "--statistics"]).stderr == result.stderr


def test_statistics_keep_machine_readable_stdout_intact() -> None:
    result = CliRunner().invoke(main, ["check", str(SEED), "--statistics", "--format", "sarif"])
    assert json.loads(result.stdout)["version"] == "2.1.0"
    assert result.stderr == statistics.render(review([SEED]))
