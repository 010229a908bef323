"""Baselines: known findings matched by fingerprint, stale entries, create and update."""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from medreview.api import ReviewOptions, exit_code, review
from medreview.cli import main
from medreview.decide import baseline_step
from medreview.model import FileResult
from medreview.reporters import sarif
from medreview.ruleset import load_ruleset

SEED = Path(__file__).resolve().parent.parent / "sample_posts" / "ketamine-bipolar.txt"
HEADER = "By Ann Lee, MD. Published 1 May 2025.\n\n"
FOOTER = ("This is general information, not a substitute for medical advice. Medically reviewed "
          "by Bo Park, MD.\n\n## Risks and side effects\n\nNausea is common.\n")
CURE = "Our infusion cures depression."


def post(*paragraphs: str) -> str:
    """A post whose only findings come from `paragraphs`."""
    return HEADER + "".join(p + "\n\n" for p in paragraphs) + FOOTER


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def check_json(*args: object) -> tuple[int, dict]:
    result = run("check", *args, "--format", "json")
    return result.exit_code, json.loads(result.stdout)


def active(report: dict) -> list[tuple[str, str]]:
    return [(f["rule"], f["excerpt"]) for file in report["files"] for f in file["findings"]]


def cures(report: dict) -> list[tuple[str, str]]:
    """The cure-claim findings still reported (other rules may flag the same sentences)."""
    return [finding for finding in active(report) if finding[0] == "overclaim.cure"]


def stale_cures(report: dict) -> list[str]:
    return [e["sentence"] for e in report["baseline"]["stale"] if e["rule"] == "overclaim.cure"]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working directory with the seed post and a short post, both with findings."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "posts").mkdir()
    (tmp_path / "posts" / "seed.txt").write_text(SEED.read_text(encoding="utf-8"), "utf-8")
    (tmp_path / "posts" / "cure.md").write_text(post(CURE, "Sleep matters too."), "utf-8")
    return tmp_path


def create(*args: object) -> Result:
    result = run("baseline", "create", "posts", "-o", "baseline.json", *args)
    assert result.exit_code == 0, result.output
    return result


# ---- the file ----------------------------------------------------------------------------------

def test_create_records_fingerprints_not_lines_in_a_sorted_versioned_file(site: Path) -> None:
    result = create()
    document = json.loads((site / "baseline.json").read_text("utf-8"))
    assert document["medreview_baseline"] == 1
    entries = document["entries"]
    assert all(list(e) == ["fingerprint", "rule", "path", "sentence", "count"] for e in entries)
    keys = [(e["path"], e["rule"], e["sentence"], e["fingerprint"]) for e in entries]
    assert keys == sorted(keys)
    cure = [e for e in entries if e["rule"] == "overclaim.cure"]
    assert cure == [{"fingerprint": cure[0]["fingerprint"], "rule": "overclaim.cure",
                     "path": "posts/cure.md", "sentence": CURE, "count": 1}]
    _, report = check_json("posts")
    assert len(entries) == len({f["fingerprint"] for f in report["files"][0]["findings"]}
                               | {f["fingerprint"] for f in report["files"][1]["findings"]})
    assert "medreview: wrote baseline.json:" in result.stderr


def test_create_is_byte_for_byte_deterministic(site: Path) -> None:
    create()
    first = (site / "baseline.json").read_bytes()
    create()
    assert (site / "baseline.json").read_bytes() == first


def test_the_same_sentence_flagged_twice_is_one_entry_with_count_2(site: Path) -> None:
    (site / "posts" / "cure.md").write_text(post(CURE, "Sleep matters.", CURE), "utf-8")
    create("--exclude", "*.txt")
    entries = json.loads((site / "baseline.json").read_text("utf-8"))["entries"]
    assert [(e["sentence"], e["count"]) for e in entries if e["rule"] == "overclaim.cure"] == [
        (CURE, 2)]
    # A third copy of the sentence is one more than the baseline knows about.
    (site / "posts" / "cure.md").write_text(post(CURE, CURE, "Sleep.", CURE), "utf-8")
    code, report = check_json("posts/cure.md", "--baseline", "baseline.json")
    assert code == 1
    assert cures(report) == [("overclaim.cure", "cures")]
    hidden = [f for f in report["files"][0]["suppressed"] if f["rule"] == "overclaim.cure"]
    assert len(hidden) == 2 and all(f["baselined"] for f in hidden)


def test_create_takes_the_review_selection_options(site: Path) -> None:
    create("--exclude", "*.txt")
    paths = {e["path"] for e in json.loads((site / "baseline.json").read_text("utf-8"))["entries"]}
    assert paths == {"posts/cure.md"}


# ---- matching ----------------------------------------------------------------------------------

def test_check_with_the_baseline_hides_every_known_finding(site: Path) -> None:
    assert run("check", "posts").exit_code == 1
    create()
    code, report = check_json("posts", "--baseline", "baseline.json")
    assert code == 0 and active(report) == []
    suppressed = [f for file in report["files"] for f in file["suppressed"]]
    assert suppressed and all(f["baselined"] and f["waived_by"] == "" for f in suppressed)
    assert report["summary"]["baselined"] == len(suppressed)
    entries = json.loads(Path("baseline.json").read_text("utf-8"))["entries"]
    assert sum(e["count"] for e in entries) == len(suppressed)
    assert report["baseline"] == {"path": "baseline.json", "entries": len(entries), "stale": []}
    text = run("check", "posts", "--baseline", "baseline.json").stdout
    assert text.endswith(f"in 0 of 2 posts; {len(suppressed)} baselined.\n")


def test_edits_elsewhere_and_line_shifts_do_not_resurface_findings(site: Path) -> None:
    create()
    seed = site / "posts" / "seed.txt"
    text = seed.read_text("utf-8")
    # New paragraphs above everything, an unflagged sentence reworded, and a flagged sentence
    # moved to another paragraph with different spacing and case.
    moved = "In many cases, relief is noticeable within hours or days of treatment."
    assert moved in text
    text = text.replace(moved, "")
    text = text.replace("Bipolar disorder presents unique challenges",
                        "Sleep matters.\n\nBipolar disorder is a hard illness and presents unique "
                        "challenges", 1)
    text = text.replace("This integration maximizes long-term stability",
                        "IN MANY CASES,  relief is noticeable within hours or days of treatment. "
                        "This integration maximizes long-term stability")
    seed.write_text("Intro line.\n\n" * 5 + text, "utf-8")
    code, report = check_json("posts", "--baseline", "baseline.json", "--baseline-strict")
    assert active(report) == []
    assert report["baseline"]["stale"] == [] and code == 0


def test_a_changed_claim_resurfaces_and_its_old_entry_goes_stale(site: Path) -> None:
    create()
    cure = site / "posts" / "cure.md"
    cure.write_text(post("Our infusion cures anxiety.", "Sleep matters too."), "utf-8")
    code, report = check_json("posts", "--baseline", "baseline.json")
    assert code == 1
    assert cures(report) == [("overclaim.cure", "cures")]
    assert stale_cures(report) == [CURE]
    assert {e["path"] for e in report["baseline"]["stale"]} == {"posts/cure.md"}


def test_the_baseline_step_uses_each_occurrence_once() -> None:
    from medreview.engine import fingerprint
    from report_fixtures import make_finding

    fp = fingerprint("overclaim.cure", "a.md", CURE)
    finding = make_finding("overclaim.cure", "error", "m", 1, 1, 2, fingerprint=fp)
    result = FileResult("a.md", findings=[finding, replace(finding, line=5),
                                          replace(finding, line=9)])
    unmatched = Counter({fp: 2, "gone": 1})
    baseline_step(unmatched)(result)
    assert [f.line for f in result.suppressed] == [1, 5]
    assert all(f.baselined for f in result.suppressed)
    assert [f.line for f in result.findings] == [9]
    assert +unmatched == Counter({"gone": 1})


# ---- stale entries -----------------------------------------------------------------------------

def test_stale_entries_are_reported_and_fail_only_in_strict_mode(site: Path) -> None:
    create()
    (site / "posts" / "cure.md").write_text(post("Sleep matters too."), "utf-8")
    code, report = check_json("posts", "--baseline", "baseline.json")
    assert code == 0 and stale_cures(report) == [CURE]
    stale = len(report["baseline"]["stale"])
    entries = "entry no longer matches" if stale == 1 else "entries no longer match"
    result = run("check", "posts", "--baseline", "baseline.json")
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == (
        f"{stale} baseline {entries}; run `medreview baseline update`.")
    strict = run("check", "posts", "--baseline", "baseline.json", "--baseline-strict")
    assert strict.exit_code == 1


def test_the_stale_note_goes_to_stderr_when_stdout_is_not_text(site: Path) -> None:
    create()
    (site / "posts" / "cure.md").write_text(post("Sleep matters too."), "utf-8")
    result = run("check", "posts", "--baseline", "baseline.json", "--format", "sarif")
    assert "no longer match" not in result.stdout
    assert re.fullmatch(r"medreview: \d+ baseline entr(y|ies) no longer match(es)?; "
                        r"run `medreview baseline update`\.\n", result.stderr)


def test_entries_of_posts_not_reviewed_are_not_stale_but_deleted_posts_are(site: Path) -> None:
    create()
    code, report = check_json("posts/cure.md", "--baseline", "baseline.json", "--baseline-strict")
    assert code == 0 and report["baseline"]["stale"] == []
    (site / "posts" / "seed.txt").unlink()
    code, report = check_json("posts/cure.md", "--baseline", "baseline.json", "--baseline-strict")
    assert code == 1
    assert {e["path"] for e in report["baseline"]["stale"]} == {"posts/seed.txt"}


def test_entries_of_rules_that_did_not_run_are_not_stale(site: Path) -> None:
    create()
    ruleset = load_ruleset(("us",))
    ruleset.rules = [rule for rule in ruleset.rules if rule.id != "overclaim.cure"]
    report = review([Path("posts")], ReviewOptions(baseline=Path("baseline.json")), ruleset)
    assert report.baseline is not None and report.baseline.stale == ()
    assert exit_code(report, "never", strict_baseline=True) == 0


def test_strict_mode_needs_a_baseline(site: Path) -> None:
    result = run("check", "posts", "--baseline-strict")
    assert result.exit_code == 2
    assert result.stderr == "medreview: error: --baseline-strict needs --baseline FILE\n"


# ---- update ------------------------------------------------------------------------------------

def test_update_drops_stale_entries_and_adds_nothing_new(site: Path) -> None:
    create()
    (site / "posts" / "cure.md").write_text(post("Our infusion cures anxiety."), "utf-8")
    result = run("baseline", "update", "posts", "--baseline", "baseline.json")
    assert result.exit_code == 0, result.output
    assert re.search(r"; [1-9]\d* stale dropped\)", result.stderr)
    sentences = [e["sentence"] for e in json.loads(Path("baseline.json").read_text())["entries"]]
    assert CURE not in sentences and "Our infusion cures anxiety." not in sentences
    code, report = check_json("posts", "--baseline", "baseline.json", "--baseline-strict")
    assert code == 1 and report["baseline"]["stale"] == []
    assert cures(report) == [("overclaim.cure", "cures")]


def test_update_with_add_new_records_new_findings(site: Path) -> None:
    create()
    (site / "posts" / "cure.md").write_text(post("Our infusion cures anxiety."), "utf-8")
    result = run("baseline", "update", "posts", "-b", "baseline.json", "--add-new",
                 "-o", "new.json")
    assert result.exit_code == 0, result.output
    sentences = [e["sentence"] for e in json.loads(Path("new.json").read_text())["entries"]]
    assert "Our infusion cures anxiety." in sentences and CURE not in sentences
    assert CURE in Path("baseline.json").read_text("utf-8")  # -o left the original alone
    assert check_json("posts", "--baseline", "new.json", "--baseline-strict")[0] == 0


def test_update_with_nothing_changed_rewrites_the_same_bytes(site: Path) -> None:
    create()
    before = Path("baseline.json").read_bytes()
    assert run("baseline", "update", "posts", "-b", "baseline.json").exit_code == 0
    assert Path("baseline.json").read_bytes() == before


def test_update_keeps_entries_of_posts_it_did_not_review(site: Path) -> None:
    create()
    before = Path("baseline.json").read_bytes()
    (site / "posts" / "cure.md").write_text(post("Sleep matters too."), "utf-8")
    assert run("baseline", "update", "posts/seed.txt", "-b", "baseline.json").exit_code == 0
    assert Path("baseline.json").read_bytes() == before


# ---- errors and other formats ------------------------------------------------------------------

@pytest.mark.parametrize(("content", "message"), [
    (None, "baseline.json: baseline file not found"),
    ('{"medreview_baseline": 1,\n "entries": [}', "baseline.json:2: baseline is not valid JSON"),
    ('{"entries": []}', "baseline.json: not a medreview baseline"),
    ('{"medreview_baseline": 9, "entries": []}', "baseline.json: unsupported baseline version 9"),
    ('{"medreview_baseline": 1, "entries": [{"rule": "x"}]}',
     "baseline.json: baseline entry 1 is malformed"),
    ('{"medreview_baseline": 1, "entries": [{"fingerprint": "f", "rule": "r", "path": "p", '
     '"sentence": "s", "count": 0}]}', "baseline.json: baseline entry 1 needs a fingerprint"),
])
def test_a_bad_baseline_file_is_one_clear_error_and_exit_2(site: Path, content: str | None,
                                                           message: str) -> None:
    if content is not None:
        Path("baseline.json").write_text(content, "utf-8")
    result = run("check", "posts", "--baseline", "baseline.json")
    assert result.exit_code == 2
    assert result.stderr.startswith("medreview: error: " + message)
    assert len(result.stderr.splitlines()) == 1 and result.stdout == ""


def test_sarif_marks_baselined_findings_as_external_suppressions(site: Path) -> None:
    create()
    log = json.loads(run("check", "posts", "--baseline", "baseline.json",
                         "--format", "sarif").stdout)
    results = log["runs"][0]["results"]
    assert results and all(r["suppressions"] == [{"kind": "external",
                                                  "justification": "baseline"}]
                           for r in results)
    assert sarif.FINGERPRINT_KEY in results[0]["partialFingerprints"]
