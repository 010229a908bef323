"""Post verdicts and the quality scorecard (JAMA benchmarks, HONcode principles).

Both are derived, never checked anew: a verdict from a post's active findings, a scorecard from
its findings and front matter through the mapping in `rules/common/knowledge/scorecard.yaml`.
"""

from __future__ import annotations

import datetime
import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Collection

from medreview import yamlfile
from medreview.errors import RuleError
from medreview.model import FileResult, SourceRef
from medreview.paths import builtin_rules_dir

# Verdicts, blocking first, with the definitions shown in the report's legend.
VERDICTS = {
    "blocked": "At least one error-level finding that is not waived. Must not be published.",
    "needs-review": "No blocking finding, but at least one warning that is not waived: a person "
                    "should look before publishing.",
    "clear": "No error or warning left (info findings, waived and baselined findings may remain).",
    "unreadable": "The post could not be read, so it was not reviewed.",
}
STATUSES = ("met", "not-met", "not-assessed")


def verdict(result: FileResult) -> str:
    """unreadable, blocked (active error), needs-review (active warning) or clear."""
    if result.error:
        return "unreadable"
    severities = {finding.severity for finding in result.findings}
    if "error" in severities:
        return "blocked"
    return "needs-review" if "warning" in severities else "clear"


@dataclass(frozen=True)
class Criterion:
    """One benchmark or principle and what counts for and against it."""

    id: str
    name: str
    asks: str
    fails_on: tuple[str, ...]
    evidence: tuple[str, ...]


@dataclass(frozen=True)
class Scheme:
    """A quality instrument: JAMA benchmarks or HONcode."""

    id: str
    name: str
    source: SourceRef
    criteria: tuple[Criterion, ...]


@dataclass(frozen=True)
class Assessment:
    """How one post fares on one criterion, and why (indexes into its findings)."""

    criterion: Criterion
    status: str  # met | not-met | not-assessed
    against: tuple[int, ...]  # indexes into FileResult.findings
    waived: tuple[int, ...]  # indexes into FileResult.suppressed
    evidence: tuple[tuple[str, str], ...]  # (front-matter field, value as text)
    checked: tuple[str, ...]  # fails_on rules that ran


def scorecard_path() -> Path:
    return builtin_rules_dir() / "common" / "knowledge" / "scorecard.yaml"


@functools.cache
def load_schemes(path: Path | None = None) -> tuple[Scheme, ...]:
    """The schemes of the scorecard mapping; a malformed file is a RuleError naming it."""
    path = path or scorecard_path()
    data, _ = yamlfile.load(path, RuleError)
    try:
        return tuple(_scheme(item) for item in data["schemes"])
    except (KeyError, TypeError, AttributeError) as exc:
        raise RuleError(str(path), f"malformed scorecard mapping ({type(exc).__name__}: {exc})",
                        hint="each scheme needs id, name, source and criteria") from None


def _scheme(item: dict[str, Any]) -> Scheme:
    source = SourceRef(str(item["source"]["name"]), str(item["source"].get("url", "")))
    criteria = tuple(Criterion(str(c["id"]), str(c["name"]), str(c["asks"]),
                               tuple(c.get("fails_on") or ()), tuple(c.get("evidence") or ()))
                     for c in item["criteria"])
    return Scheme(str(item["id"]), str(item["name"]), source, criteria)


def assess(result: FileResult, enabled_rules: Collection[str],
           schemes: tuple[Scheme, ...] | None = None) -> list[tuple[Scheme, list[Assessment]]]:
    """Every criterion of every scheme, assessed for one readable post."""
    schemes = load_schemes() if schemes is None else schemes
    return [(scheme, [assess_criterion(result, enabled_rules, c) for c in scheme.criteria])
            for scheme in schemes]


def assess_criterion(result: FileResult, enabled_rules: Collection[str],
                     criterion: Criterion) -> Assessment:
    """not-met if a fails_on rule has an active finding; met if one ran or evidence exists."""
    rules = set(criterion.fails_on)
    against = tuple(i for i, f in enumerate(result.findings) if f.rule in rules)
    waived = tuple(i for i, f in enumerate(result.suppressed) if f.rule in rules)
    evidence = tuple((name, describe(value)) for name in criterion.evidence
                     if (value := field_value(result.front_matter, name)) is not None)
    checked = tuple(rule for rule in criterion.fails_on if rule in enabled_rules)
    status = "not-met" if against else "met" if checked or evidence else "not-assessed"
    return Assessment(criterion, status, against, waived, evidence, checked)


def field_value(front_matter: dict[str, Any], dotted: str) -> Any:
    """A front-matter value by dotted path ("medical_reviewer.date"); None when absent or empty."""
    value: Any = front_matter
    for part in dotted.split("."):
        if not isinstance(value, dict):
            return None
        value = value.get(part)
    return None if value in ("", [], {}, None) else value


def describe(value: Any) -> str:
    """A front-matter value as one line of text: names with credentials, dates in ISO form."""
    if isinstance(value, dict):
        if "name" in value:
            extras = [describe(value[k]) for k in ("credentials", "role", "date") if value.get(k)]
            return ", ".join([describe(value["name"]), *extras])
        return "; ".join(f"{key}: {describe(item)}" for key, item in value.items())
    if isinstance(value, list):
        return "; ".join(describe(item) for item in value)
    if isinstance(value, (datetime.date, datetime.datetime)):
        return value.isoformat()
    return str(value)
