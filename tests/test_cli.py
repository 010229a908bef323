"""The CLI's contract: exit codes, formats, rule commands (click's CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from medreview.cli import main

SAMPLES = Path(__file__).resolve().parent.parent / "sample_posts"
SEED = SAMPLES / "ketamine-bipolar.txt"
CLEAN = SAMPLES / "ketamine-depression-plain.md"


def run(*args: str) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_seed_post_exits_1_for_errors() -> None:
    result = run("check", SEED)
    assert result.exit_code == 1
    assert "error [crisis.resource-missing]" in result.output


def test_clean_post_exits_0() -> None:
    result = run("check", CLEAN)
    assert result.exit_code == 0, result.output
    assert result.output.strip().endswith("in 0 of 1 post.")


def test_fail_on_warning_fails_a_post_with_only_warnings(tmp_path: Path) -> None:
    post = tmp_path / "p.md"
    post.write_text("By Ann Lee, MD. Published 1 May 2025.\n\nAddicts often relapse soon after "
                    "detox. This is general information, not a substitute for medical advice. "
                    "Medically reviewed by Bo Park, MD.\n")
    assert run("check", post).exit_code == 0
    assert run("check", post, "--fail-on", "warning").exit_code == 1
    assert run("check", post, "--fail-on", "never").exit_code == 0


def test_fail_on_never_still_exits_0_with_errors() -> None:
    assert run("check", SEED, "--fail-on", "never").exit_code == 0


def test_unreadable_post_exits_2_and_others_are_still_reviewed(tmp_path: Path) -> None:
    (tmp_path / "bad.md").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00binary")
    (tmp_path / "good.md").write_text("Our infusion protocol cures depression.\n")
    result = run("check", tmp_path, "--format", "json")
    assert result.exit_code == 2
    files = {Path(f["path"]).name: f for f in json.loads(result.stdout)["files"]}
    assert "binary file" in files["bad.md"]["error"]
    assert "overclaim.cure" in [f["rule"] for f in files["good.md"]["findings"]]


def test_missing_path_is_reported_as_that_files_error(tmp_path: Path) -> None:
    result = run("check", tmp_path / "nope.md", "--format", "json")
    assert result.exit_code == 2
    assert "not found" in json.loads(result.stdout)["files"][0]["error"]


def test_unknown_format_is_a_usage_error() -> None:
    result = run("check", SEED, "--format", "pdf")
    assert result.exit_code == 2
    assert "unknown format 'pdf'" in result.stderr


def test_two_formats_to_stdout_is_a_usage_error() -> None:
    result = run("check", SEED, "--format", "json", "--format", "sarif")
    assert result.exit_code == 2
    assert "only one format can go to standard output" in result.stderr


def test_output_files_are_written_per_format(tmp_path: Path) -> None:
    out_json, out_sarif = tmp_path / "r.json", tmp_path / "r.sarif"
    result = run("check", SEED, "--format", "json", "-o", out_json, "--format", "sarif", "-o", out_sarif)
    assert result.exit_code == 1
    assert json.loads(out_json.read_text())["summary"]["error"] >= 1
    assert json.loads(out_sarif.read_text())["version"] == "2.1.0"


def test_text_output_has_no_colour_when_not_a_terminal() -> None:
    assert "\x1b[" not in run("check", SEED).output
    assert "\x1b[" in run("check", SEED, "--color").output


def test_json_report_shape_and_versioning() -> None:
    data = json.loads(run("check", SEED, "--format", "json").stdout)
    assert data["schema_version"] == 1
    assert data["tool"]["name"] == "medreview"
    assert len(data["ruleset"]["sha256"]) == 64
    file = data["files"][0]
    assert set(file) >= {"path", "sha256", "format", "metrics", "findings", "error"}
    assert {"flesch_kincaid_grade", "smog_index", "words", "sentences"} <= set(file["metrics"])
    finding = file["findings"][0]
    assert set(finding) >= {"rule", "code", "severity", "message", "line", "column", "end_line",
                            "end_column", "excerpt", "suggestion", "sources"}
    assert set(data["summary"]) >= {"files", "error", "warning", "info"}


def test_json_positions_point_into_the_original_file() -> None:
    data = json.loads(run("check", SEED, "--format", "json").stdout)
    lines = SEED.read_text(encoding="utf-8").split("\n")
    for finding in data["files"][0]["findings"]:
        if finding["line"] == finding["end_line"]:
            text = lines[finding["line"] - 1][finding["column"] - 1:finding["end_column"] - 1]
            assert text == finding["excerpt"], finding["rule"]


def test_same_input_gives_byte_identical_reports() -> None:
    for fmt in ("text", "json"):
        assert run("check", SAMPLES, "--format", fmt).stdout == run("check", SAMPLES, "--format", fmt).stdout


def test_exclude_skips_matching_paths() -> None:
    data = json.loads(run("check", SAMPLES, "--exclude", "*.html", "--format", "json").stdout)
    assert not [f for f in data["files"] if f["path"].endswith(".html")]


def test_input_format_override_reads_markdown_as_text(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("# Title\n\nOur protocol cures depression.\n")
    data = json.loads(run("check", post, "--input-format", "text", "--format", "json").stdout)
    assert data["files"][0]["format"] == "text"


def test_rules_list_names_every_core_rule() -> None:
    output = run("rules", "list").output
    for rule_id in ("overclaim.cure", "crisis.resource-missing", "readability.grade"):
        assert rule_id in output


def test_rules_show_prints_what_why_sources_and_examples() -> None:
    result = run("rules", "show", "overclaim.cure")
    assert result.exit_code == 0
    for heading in ("What it does and why", "Use instead", "Sources", "Examples: Flags",
                    "Examples: Passes", "https://www.ftc.gov/"):
        assert heading in result.output


def test_rules_show_unknown_rule_exits_2() -> None:
    result = run("rules", "show", "no.such-rule")
    assert result.exit_code == 2
    assert "no rule 'no.such-rule'" in result.stderr


def test_rules_test_passes_for_the_builtin_pack() -> None:
    result = run("rules", "test", "--pack", "us")
    assert result.exit_code == 0, result.output
    assert " 0 failed" in result.output


BROKEN_RULE = """\
id: custom.bad
code: X1
type: phrase
level: error
message: m
description: d
suggestion: s
sources: [{name: n, url: "https://example.org"}]
options:
  terms: [cure]
  colour: red
examples: {flag: [a cure], pass: [nothing]}
"""


def test_rules_validate_names_file_line_and_problem(tmp_path: Path) -> None:
    rule = tmp_path / "bad.yaml"
    rule.write_text(BROKEN_RULE)
    result = run("rules", "validate", rule)
    assert result.exit_code == 2
    assert f"{rule}:11: unknown option 'colour'" in result.stderr


def test_check_with_a_broken_rule_file_exits_2(tmp_path: Path) -> None:
    rule = tmp_path / "bad.yaml"
    rule.write_text(BROKEN_RULE)
    result = run("check", SEED, "--rules", rule)
    assert result.exit_code == 2
    assert "unknown option 'colour'" in result.stderr


def test_rules_test_fails_when_an_example_misbehaves(tmp_path: Path) -> None:
    rule = tmp_path / "wrong.yaml"
    rule.write_text(BROKEN_RULE.replace("  colour: red\n", "").replace("pass: [nothing]",
                                                                       "pass: [this is a cure]"))
    result = run("rules", "test", rule)
    assert result.exit_code == 1
    assert "FAIL custom.bad [pass]" in result.output


@pytest.mark.parametrize("args", [["--help"], ["check", "--help"], ["rules", "--help"]])
def test_help_exits_0(args: list[str]) -> None:
    assert run(*args).exit_code == 0


def test_python_dash_m_runs_the_cli() -> None:
    import subprocess
    import sys

    result = subprocess.run([sys.executable, "-m", "medreview", "--version"], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and "medreview" in result.stdout


def test_output_to_dev_null_leaves_the_device_in_place() -> None:
    import stat

    null = Path("/dev/null")
    if not null.exists():
        pytest.skip("no /dev/null on this system")
    assert run("check", SEED, "--format", "json", "-o", null).exit_code == 1
    assert stat.S_ISCHR(null.stat().st_mode)


def test_output_to_a_directory_is_a_clear_error(tmp_path: Path) -> None:
    result = run("check", SEED, "--format", "json", "-o", tmp_path)
    assert result.exit_code == 2
    assert "it is a directory" in result.stderr
