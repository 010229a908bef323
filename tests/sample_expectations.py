"""Read and (re)write the `*.expected.yaml` files that sit beside each sample post.

Each file lists exactly the findings the default rules must report for its post, as
`{rule, line, severity}`, plus `forbid` entries (rule prefix + line) that document what must
never be reported there. `python tests/sample_expectations.py` rewrites the `findings` lists
from the current rules; review the diff before committing it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_posts"
POST_SUFFIXES = (".md", ".txt", ".html")


def posts() -> list[Path]:
    return sorted(p for p in SAMPLES.iterdir() if p.suffix in POST_SUFFIXES)


def expectation_path(post: Path) -> Path:
    return post.with_name(post.name + ".expected.yaml")


def load(post: Path) -> dict[str, Any]:
    return yaml.safe_load(expectation_path(post).read_text(encoding="utf-8"))


def as_rows(findings: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return sorted((f["rule"], int(f["line"]), f["severity"]) for f in findings)


def rewrite(post: Path, findings: list[dict[str, Any]]) -> None:
    path = expectation_path(post)
    data = load(post) if path.exists() else {"about": "", "forbid": []}
    data["findings"] = [{"rule": r, "line": n, "severity": s} for r, n, s in as_rows(findings)]
    header = "# Findings the default rules must report for this post, exactly (see tests/test_samples.py).\n"
    path.write_text(header + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=100),
                    encoding="utf-8")


if __name__ == "__main__":
    from medreview.api import ReviewOptions, review
    from medreview.reporters.json import report_dict

    report = report_dict(review(posts(), ReviewOptions()))
    for post, result in zip(posts(), report["files"]):
        rewrite(post, result["findings"])
        print(f"{post.name}: {len(result['findings'])} findings", file=sys.stderr)
