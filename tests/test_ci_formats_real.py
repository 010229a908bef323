"""Every CI format on real reviews: schemas, positions in the real text, and determinism.

One shared set of posts goes through the real engine: the seed post, the compliant sample, a
post full of non-ASCII text (accents, curly quotes, emoji, astral letters, CJK) under a
non-ASCII file name with a space, and a post with no findings.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any, Iterator

import pytest

from medreview.api import review
from medreview.model import Report
from medreview.reporters import render
from test_reporters_ci import parse_csv, validate_all

SAMPLES = Path(__file__).resolve().parent.parent / "sample_posts"
NON_ASCII_NAME = "posts/café notes.md"
NON_ASCII = """---
title: "Café “miracle” 🙂 治疗"
author: Zoë Müller
---

# Café “miracle” 🙂 治疗 guide

Naïve readers ask about 抑郁症 🙂 — “our infusion cures depression” in one visit.

抑郁症 🙂 𝒦 — Ketamine is 100% safe, says Dr. Ñúñez, and our infusion cures depression.

Studies prove it works — 研究 shows it 🧠 helps the brain.
"""
NO_FINDINGS = ("By Ann Lee, MD. Published 1 May 2025.\n\nSleep matters for mood. Most adults "
               "need seven or more hours a night.\n\nThis is general information, not a "
               "substitute for medical advice. Medically reviewed by Bo Park, MD.\n")
FORMATS = ("sarif", "junit", "github", "gitlab", "markdown", "csv", "json", "text")


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The shared posts under ./posts, with the working directory at the site's root."""
    root = tmp_path_factory.mktemp("site")
    posts = root / "posts"
    posts.mkdir()
    shutil.copy(SAMPLES / "ketamine-bipolar.txt", posts / "ketamine-bipolar.txt")
    shutil.copy(SAMPLES / "ketamine-depression-plain.md", posts / "clean.md")
    (root / NON_ASCII_NAME).write_text(NON_ASCII, "utf-8")
    (posts / "no-findings.txt").write_text(NO_FINDINGS, "utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        yield root


@pytest.fixture(scope="module")
def report(site: Path) -> Report:
    report = review([Path("posts")])
    by_path = {result.path: result for result in report.files}
    assert not by_path["posts/no-findings.txt"].findings, "update NO_FINDINGS: a rule flags it"
    assert by_path["posts/ketamine-bipolar.txt"].findings and by_path[NON_ASCII_NAME].findings
    assert not any(result.error for result in report.files)
    return report


def findings(report: Report) -> list[tuple[str, Any]]:
    return [(result.path, f) for result in report.files for f in result.findings]


def test_every_format_validates(report: Report) -> None:
    outputs = validate_all(report)
    document = json.loads(render("json", report))
    assert document["schema_version"] == 1
    assert [f["path"] for f in document["files"]] == [r.path for r in report.files]
    assert sorted(f["path"] for f in document["files"]) == [
        "posts/café notes.md", "posts/clean.md", "posts/ketamine-bipolar.txt",
        "posts/no-findings.txt"]
    assert outputs["sarif"]["runs"][0]["columnKind"] == "unicodeCodePoints"


def test_every_format_carries_every_finding(report: Report) -> None:
    expected = findings(report)
    outputs = validate_all(report)
    results = outputs["sarif"]["runs"][0]["results"]
    assert [(r["ruleId"], r["locations"][0]["physicalLocation"]["region"]["startLine"])
            for r in results] == [(f.rule, f.line) for _, f in expected]
    assert len(list(outputs["junit"].iter("failure"))) == len(expected)
    assert [(a["properties"]["file"], a["properties"]["title"]) for a in outputs["github"]] == [
        (path, f.rule) for path, f in expected]
    assert [(i["location"]["path"], i["check_name"]) for i in outputs["gitlab"]] == [
        (path, f.rule) for path, f in expected]
    assert [(row["path"], row["rule"], int(row["line"])) for row in outputs["csv"]] == [
        (path, f.rule, f.line) for path, f in expected]
    document = json.loads(render("json", report))
    assert sum(len(f["findings"]) for f in document["files"]) == len(expected)


def test_sarif_regions_start_at_their_snippet_in_the_real_text(site: Path, report: Report) -> None:
    run = validate_all(report)["sarif"]["runs"][0]
    uris = [artifact["location"]["uri"] for artifact in run["artifacts"]]
    checked = 0
    for result in run["results"]:
        location = result["locations"][0]["physicalLocation"]
        path = report.files[location["artifactLocation"]["index"]].path
        assert location["artifactLocation"]["uri"] == uris[location["artifactLocation"]["index"]]
        text = (site / path).read_text("utf-8").replace("\r\n", "\n")
        region = location["region"]
        line_start = sum(len(line) for line in text.splitlines(keepends=True)[:region["startLine"] - 1])
        offset = line_start + region["startColumn"] - 1
        assert text[offset:].startswith(region["snippet"]["text"]), (path, region)
        checked += 1
    assert checked == len(findings(report))


def test_columns_count_code_points_after_emoji_and_cjk(report: Report) -> None:
    line = NON_ASCII.splitlines()[9]
    assert "🙂" in line and "𝒦" in line and "抑郁症" in line
    result = next(r for r in report.files if r.path == NON_ASCII_NAME)
    on_line = [f for f in result.findings if f.line == 10]
    assert on_line, "the non-ASCII line must carry a finding for this test to mean anything"
    for finding in on_line:
        assert finding.column == line.index(finding.excerpt) + 1
    log = validate_all(report)["sarif"]["runs"][0]
    cure = [r for r in log["results"] if r["ruleId"] == "overclaim.cure"
            and r["locations"][0]["physicalLocation"]["region"]["startLine"] == 10]
    assert cure and cure[0]["locations"][0]["physicalLocation"]["region"]["startColumn"] == (
        line.index("cures") + 1)


def test_non_ascii_text_survives_in_every_format(report: Report) -> None:
    for fmt in ("gitlab", "markdown", "csv", "json", "junit", "github"):
        assert "café notes.md" in render(fmt, report), fmt
    assert "posts/caf%C3%A9%20notes.md" in render("sarif", report)  # a URI: percent-encoded
    assert "Dr. Ñúñez" in render("json", report)
    rows = parse_csv(render("csv", report))
    assert any(row["path"] == NON_ASCII_NAME and row["excerpt"] == "100% safe" for row in rows)


def run_cli(site: Path, out: Path, seed: str) -> None:
    """One `medreview check` process writing every format, with its own hash seed."""
    args = [sys.executable, "-m", "medreview", "check", "posts", "--fail-on", "never"]
    for fmt in FORMATS:
        args += ["--format", fmt, "--output", str(out / f"report.{fmt}")]
    env = {**os.environ, "PYTHONHASHSEED": seed}
    done = subprocess.run(args, cwd=site, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr


def test_two_runs_give_byte_identical_output_without_timestamps(site: Path,
                                                                tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    first.mkdir()
    second.mkdir()
    run_cli(site, first, "1")
    run_cli(site, second, "2")
    today = date.today().isoformat()
    for fmt in FORMATS:
        data = (first / f"report.{fmt}").read_bytes()
        assert data == (second / f"report.{fmt}").read_bytes(), fmt
        assert today.encode() not in data and b"timestamp" not in data, fmt
