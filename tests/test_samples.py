"""Every sample post gets exactly the findings its `.expected.yaml` declares."""

from __future__ import annotations

from pathlib import Path

import pytest

from medreview.api import ReviewOptions, review
from sample_expectations import SAMPLES, as_rows, load, posts

SEED = SAMPLES / "ketamine-bipolar.txt"


@pytest.fixture(scope="module")
def report() -> dict[str, dict]:
    from medreview.reporters.json import report_dict

    data = report_dict(review(posts(), ReviewOptions()))
    return {Path(f["path"]).name: f for f in data["files"]}


@pytest.mark.parametrize("post", posts(), ids=lambda p: p.name)
def test_sample_gets_exactly_its_expected_findings(post: Path, report: dict[str, dict]) -> None:
    expected = load(post)
    assert as_rows(report[post.name]["findings"]) == as_rows(expected["findings"])


@pytest.mark.parametrize("post", posts(), ids=lambda p: p.name)
def test_sample_never_gets_a_forbidden_finding(post: Path, report: dict[str, dict]) -> None:
    for rule in load(post)["forbid"]:
        bad = [f for f in report[post.name]["findings"] if f["rule"].startswith(rule["rule_prefix"])
               and rule["line"] in (None, f["line"])]
        assert not bad, rule["why"]


def test_seed_post_is_copied_unchanged() -> None:
    shared = Path(__file__).resolve().parents[2] / "shared" / "seed_posts"
    originals = list(shared.glob("*.txt")) if shared.is_dir() else []
    if not originals:
        pytest.skip("../shared/seed_posts is not beside this checkout")
    assert SEED.read_bytes() == originals[0].read_bytes()


def test_seed_post_gets_the_findings_the_issue_requires(report: dict[str, dict]) -> None:
    found = {(f["rule"], f["line"]) for f in report[SEED.name]["findings"]}
    rules = {rule for rule, _ in found}
    for rule, line in [("crisis.resource-missing", 9), ("evidence.uncited-research-claim", 25),
                       ("fair-balance.risk-minimization", 29), ("claims.speed-of-effect", 17)]:
        assert (rule, line) in found
    assert {"disclaimer.missing", "offlabel.undisclosed", "authorship.missing",
            "review.medical-reviewer-missing", "review.date-missing", "readability.grade"} <= rules
    assert "safety.section-missing" not in rules
    assert not [r for r, line in found if line == 31 and r.startswith(("overclaim.", "claims."))]


def test_compliant_sample_has_no_error_or_warning(report: dict[str, dict]) -> None:
    findings = report["ketamine-depression-plain.md"]["findings"]
    assert not [f for f in findings if f["severity"] in ("error", "warning")]
