"""The decide stage: after rules ran, before reporters. Findings in, findings out.

Steps, in order: inline waivers (medreview.waivers.waiver_step), per-path severity and the
waiver rules' settings from configuration (medreview.config.severity_step; rules the config
disables never ran), then the baseline. Waivers and the baseline move the findings they
remove into `FileResult.suppressed`, so nothing is lost from the audit trail.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace
from typing import Callable

from medreview.model import FileResult, Finding, Report

Step = Callable[[FileResult], None]


def decide(report: Report, steps: list[Step]) -> Report:
    """Apply each step to every readable file, then put findings in a stable order."""
    for result in report.files:
        if result.error:
            continue
        for step in steps:
            step(result)
        result.findings.sort(key=Finding.sort_key)
        result.suppressed.sort(key=Finding.sort_key)
    return report


def baseline_step(unmatched: Counter[str]) -> Step:
    """Move findings whose fingerprint `unmatched` still counts to `suppressed`, marked
    baselined, using one occurrence each; whatever is left afterwards matched nothing (stale)."""
    def step(result: FileResult) -> None:
        kept: list[Finding] = []
        for finding in result.findings:
            if unmatched[finding.fingerprint] > 0:
                unmatched[finding.fingerprint] -= 1
                result.suppressed.append(replace(finding, baselined=True))
            else:
                kept.append(finding)
        result.findings[:] = kept
    return step
