"""Approvals and the publication gate, end to end through the CLI: approve, edit, gate,
re-approve; never approved; rules changed; several roles; history with diffs."""

from __future__ import annotations

import subprocess
import sys
from itertools import count
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

import report_fixtures as fx
from medreview import audit
from medreview.approvals import Approval, approval_fields
from medreview.audit import AuditLog
from medreview.cli import main
from medreview.gate import role_reasons

ROOT = Path(__file__).resolve().parent.parent
POST = """\
---
title: Sleep basics
author: Priya Shah, MD
medical_reviewer: Ana Gomez, MD
date: 2025-01-02
status: {status}
---

# Sleep basics

Most adults need seven or more hours of sleep each night. Going to bed at the same time helps.

This article is general information and is not a substitute for advice from your own doctor.
"""
BLOCKED = "\nThis supplement cures insomnia in every case.\n"
EXTRA_RULE = """\
id: custom.miracle
code: MRX01
type: phrase
level: warning
message: Avoid "{match}".
description: A house style rule.
suggestion: Say what the evidence shows.
sources: [{name: House style guide}]
options: {terms: [miracle]}
examples: {flag: [A miracle pill.], pass: [A pill.]}
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A project (a git checkout) with one published post, as the working directory, and a
    clock that reads 2025-01-02T03:04:00Z, :01, :02 ..."""
    (tmp_path / ".git").mkdir()
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "sleep.md").write_text(POST.format(status="published"),
                                                 encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    ticks = count()
    monkeypatch.setattr(audit, "utc_now", lambda: f"2025-01-02T03:04:{next(ticks):02d}Z")
    return tmp_path


def run(*args: str) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def records(site: Path) -> int:
    database = site / ".medreview" / "audit.sqlite"
    if not database.exists():
        return 0
    with AuditLog.open(database) as log:
        return len(log.records())


def test_approve_edit_gate_reapprove_round_trip(site: Path) -> None:
    approved = run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez", "--note", "checked")
    assert approved.exit_code == 0, approved.output
    assert approved.output.startswith("approved posts/sleep.md (content ")
    assert approved.output.rstrip().endswith("by Ana Gomez (medical): audit record #1")
    assert (site / ".medreview" / "audit.sqlite").is_file()
    passed = run("gate", "posts")
    assert passed.exit_code == 0, passed.output
    assert "posts/sleep.md: approved (medical Ana Gomez 2025-01-02T03:04:00Z)" in passed.output

    with (site / "posts" / "sleep.md").open("a", encoding="utf-8") as post:
        post.write("Naps longer than 30 minutes can make night sleep worse.\n")
    failed = run("gate", "posts")
    assert failed.exit_code == 1
    assert ("posts/sleep.md: blocked: changed after approval on 2025-01-02T03:04:00Z by "
            "Ana Gomez (medical, record #1)") in failed.output
    assert "gate: 0 of 1 post going live approved, 1 blocked" in failed.output

    assert run("check", "posts/sleep.md").exit_code == 0
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez").exit_code == 0
    again = run("gate", "posts")
    assert again.exit_code == 0, again.output
    assert "approved (medical Ana Gomez 2025-01-02T03:04:01Z)" in again.output

    history = run("history", "posts/sleep.md")
    assert history.exit_code == 0
    assert "#1 2025-01-02T03:04:00Z posts/sleep.md: approved by Ana Gomez (medical)" in history.output
    assert "    note: checked" in history.output
    assert "posts/sleep.md: unchanged since approval on 2025-01-02T03:04:01Z" in history.output
    verified = run("audit", "verify")
    assert verified.exit_code == 0 and "intact: 2 records" in verified.output


def test_approval_is_refused_while_the_post_has_blocking_findings(site: Path) -> None:
    with (site / "posts" / "sleep.md").open("a", encoding="utf-8") as post:
        post.write(BLOCKED)
    result = run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez")
    assert result.exit_code == 1
    assert "posts/sleep.md: not approved: " in result.output
    assert "blocking finding" in result.output and "overclaim.cure at line 15" in result.output
    assert records(site) == 0


def test_a_waived_error_does_not_block_and_the_approval_records_the_waiver(site: Path) -> None:
    with (site / "posts" / "sleep.md").open("a", encoding="utf-8") as post:
        post.write("\n<!-- medreview-disable-next-line overclaim.cure -- reason: quoting the "
                   "FDA warning letter -->\n" + BLOCKED.lstrip("\n"))
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez").exit_code == 0
    with AuditLog.open(site / ".medreview" / "audit.sqlite") as log:
        body = log.records()[0].body
    assert body["waivers"] == [{"rules": ["overclaim.cure"], "reason": "quoting the FDA warning "
                                "letter", "line": 15, "scope": "next-line", "used": True}]
    assert body["waived"] == [{"rule": "overclaim.cure", "line": 16,
                               "waived_by": "quoting the FDA warning letter"}]
    assert body["summary"]["error"] == 0 and body["summary"]["waived"] == 1


def test_a_published_post_never_approved_fails_the_gate(site: Path) -> None:
    result = run("gate", "posts")
    assert result.exit_code == 1
    assert "posts/sleep.md: blocked: never approved" in result.output
    assert "(no audit database at " in result.output


def test_only_posts_going_live_need_approval(site: Path) -> None:
    (site / "posts" / "sleep.md").write_text(POST.format(status="draft"), encoding="utf-8")
    skipped = run("gate", "posts")
    assert skipped.exit_code == 0
    assert skipped.output == "gate: 0 of 0 posts going live approved, 0 blocked; 1 not going live" \
        f" (no audit database at {site / '.medreview' / 'audit.sqlite'})\n"
    assert run("gate", "posts", "--all").exit_code == 1
    required = run("gate", "posts", "--require", "posts/*.md")
    assert required.exit_code == 1 and "posts/sleep.md: blocked: never approved" in required.output


def test_changed_rules_invalidate_an_approval(site: Path) -> None:
    extra = site / "house-rules"
    extra.mkdir()
    (extra / "custom.miracle.yaml").write_text(EXTRA_RULE, encoding="utf-8")
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez").exit_code == 0
    result = run("gate", "posts", "--rules", extra)
    assert result.exit_code == 1
    assert ("posts/sleep.md: blocked: rules changed since approval on 2025-01-02T03:04:00Z by "
            "Ana Gomez (medical, record #1) (ruleset ") in result.output
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez", "--rules", extra) \
        .exit_code == 0
    assert run("gate", "posts", "--rules", extra).exit_code == 0
    assert run("gate", "posts").exit_code == 0  # the first approval still fits the default rules


def test_approve_and_gate_follow_the_project_config(site: Path) -> None:
    with (site / "posts" / "sleep.md").open("a", encoding="utf-8") as post:
        post.write(BLOCKED)
    (site / ".medreview.yaml").write_text("severity: {overclaim.cure: warning}\n",
                                         encoding="utf-8")
    approved = run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez")
    assert approved.exit_code == 0, approved.output  # the config made the cure claim a warning
    assert run("gate", "posts").exit_code == 0
    refused = run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez", "--no-config")
    assert refused.exit_code == 1 and "overclaim.cure" in refused.output
    (site / ".medreview.yaml").write_text("severity: {overclaim.cure: info}\n", encoding="utf-8")
    changed = run("gate", "posts")
    assert changed.exit_code == 1 and "rules changed since approval" in changed.output


def test_mlr_review_needs_every_required_role(site: Path) -> None:
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez").exit_code == 0
    roles = ("--require-role", "medical", "--require-role", "legal")
    missing = run("gate", "posts", *roles)
    assert missing.exit_code == 1
    assert "posts/sleep.md: blocked: no legal approval" in missing.output
    assert run("approve", "posts/sleep.md", "--reviewer", "Lee Chan", "--role", "legal") \
        .exit_code == 0
    both = run("gate", "posts", *roles)
    assert both.exit_code == 0, both.output
    assert ("approved (medical Ana Gomez 2025-01-02T03:04:00Z, legal Lee Chan "
            "2025-01-02T03:04:01Z)") in both.output
    regulatory = run("gate", "posts", *roles, "--require-role", "regulatory")
    assert regulatory.exit_code == 1 and "no regulatory approval" in regulatory.output


def test_history_shows_a_diff_of_what_changed_since_approval(site: Path) -> None:
    assert run("approve", "posts/sleep.md", "--reviewer", "Ana Gomez").exit_code == 0
    post = site / "posts" / "sleep.md"
    post.write_text(post.read_text(encoding="utf-8").replace("seven", "eight")
                    + "Evil \x1b[2J escape.\n", encoding="utf-8")
    one = run("history", "posts/sleep.md")
    assert one.exit_code == 0
    assert "posts/sleep.md: changed since approval on 2025-01-02T03:04:00Z" in one.output
    assert "--- posts/sleep.md (approved, record #1)" in one.output
    assert "-Most adults need seven or more hours" in one.output
    assert "+Most adults need eight or more hours" in one.output
    assert "+Evil ␛[2J escape." in one.output and "\x1b" not in one.output
    every = run("history")
    assert "changed since approval" in every.output and "---" not in every.output


def test_history_and_approve_errors_are_one_line(site: Path) -> None:
    assert run("history").exit_code == 2
    missing = run("approve", "posts/none.md", "--reviewer", "Ana Gomez")
    assert missing.exit_code == 2 and "posts/none.md: not a file" in missing.output
    (site / "posts" / "bad.md").write_bytes(b"\xff\xfe\x00binary")
    unreadable = run("approve", "posts/bad.md", "--reviewer", "Ana Gomez")
    assert unreadable.exit_code == 2 and "bad.md" in unreadable.output
    blank = run("approve", "posts/sleep.md", "--reviewer", "  ")
    assert blank.exit_code == 2 and "--reviewer must name a person" in blank.output


def test_gate_names_posts_it_cannot_read_and_exits_2(site: Path) -> None:
    (site / "posts" / "bad.md").write_bytes(b"\x00\x01binary")
    result = run("gate", "posts")
    assert result.exit_code == 2
    assert "posts/bad.md: cannot be checked: " in result.output


def test_two_reviewers_approving_at_once_both_land(site: Path) -> None:
    (site / "posts" / "naps.md").write_text(POST.format(status="published"), encoding="utf-8")
    commands = [[sys.executable, "-m", "medreview", "approve", f"posts/{name}.md",
                 "--reviewer", reviewer] for name, reviewer in (("sleep", "Ana"), ("naps", "Bo"))]
    processes = [subprocess.Popen(c, cwd=site, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True) for c in commands]
    outcomes = [p.communicate(timeout=300) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], outcomes
    with AuditLog.open(site / ".medreview" / "audit.sqlite") as log:
        assert sorted(r.body["reviewer"] for r in log.records()) == ["Ana", "Bo"]
        assert log.verify() == []
    assert run("gate", "posts").exit_code == 0


def approval(seq: int, sha: str, rules: str, role: str = "medical") -> Approval:
    return Approval(seq, "p.md", sha, rules, "1", "Ana", role, "", f"T{seq}", {})


def test_gate_explains_with_the_closest_approval() -> None:
    history = [approval(1, "v1", "r1"), approval(2, "v2", "r1"), approval(3, "v1", "r2")]
    assert role_reasons(history, "v1", "r2", None) == ([], history[2])
    assert role_reasons(history, "v2", "r2", None)[0] == [
        "rules changed since approval on T2 by Ana (medical, record #2) (ruleset r1 then, r2 now)"]
    assert role_reasons(history, "v3", "r2", None)[0] == [
        "changed after approval on T3 by Ana (medical, record #3)"]
    assert role_reasons(history, "v1", "r2", "legal")[0] == ["no legal approval"]
    assert role_reasons(history, "v3", "r2", "medical")[0][0].startswith("medical: changed after")


def test_an_approval_binds_the_findings_summary_and_waivers_in_force() -> None:
    report = fx.multi_post_report()
    fields = approval_fields(report.files[1], report, "Ana", "legal", "ok")
    assert fields["sha256"] == "b" * 64 and fields["ruleset_sha256"] == "e" * 64
    assert fields["tool_version"] == "0.1.0" and fields["verdict"] == "clear"
    assert fields["summary"] == {"error": 0, "warning": 0, "info": 0, "waived": 1}
    assert fields["waivers"] == [{"rules": ["overclaim.cure"], "line": 4, "scope": "next-line",
                                  "reason": "quoting an FDA warning letter", "used": True}]
    assert fields["waived"] == [{"rule": "overclaim.cure", "line": 5,
                                 "waived_by": "quoting an FDA warning letter"}]
