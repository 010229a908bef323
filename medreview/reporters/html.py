"""html: one self-contained page for compliance officers: verdicts, scorecard, every finding in
context, waivers, readability charts (inline SVG) and provenance. No scripts, no external assets.

The template autoescapes; this module only builds plain data for it, so text from a post or a
rule never becomes markup. Only http(s) URLs become links.
"""

from __future__ import annotations

import functools
import json
import math
import re
import statistics
from collections import Counter
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import jinja2
import markupsafe

from medreview import scorecard
from medreview.model import SEVERITIES, FileResult, Finding, Report, RuleInfo
from medreview.scorecard import VERDICTS, describe, field_value, verdict

GRADE_METRICS = {
    "flesch_kincaid_grade": "Flesch–Kincaid grade",
    "smog_index": "SMOG",
    "gunning_fog": "Gunning fog",
    "coleman_liau_index": "Coleman–Liau",
}
OTHER_METRICS = {
    "automated_readability_index": "ARI",
    "dale_chall_readability_score": "Dale–Chall",
    "flesch_reading_ease": "Flesch reading ease",
    "linsear_write_formula": "Linsear Write",
}
# School-grade bands for the corpus histograms: (label, grades below this upper bound).
GRADE_BANDS = (("≤6", 7.0), ("7–8", 9.0), ("9–10", 11.0), ("11–12", 13.0), ("13–14", 15.0),
               ("15+", math.inf))
STATUS_LABELS = {"met": "met", "not-met": "not met", "not-assessed": "not assessed"}
TARGET_GRADE = 8  # plain-language guidance for patients: grade 6 to 8
# Front-matter fields shown as the post's metadata, first present wins.
METADATA = (
    ("Title", ("title",)),
    ("Author", ("author", "authors", "byline", "written_by")),
    ("Medical reviewer", ("medical_reviewer", "reviewer", "reviewed_by", "medically_reviewed_by")),
    ("Published", ("date", "published", "date_published")),
    ("Updated", ("updated", "last_updated", "date_modified", "modified", "lastmod")),
    ("Last reviewed", ("last_reviewed", "reviewed", "review_date", "medical_reviewer.date")),
    ("Status", ("status",)),
)
# C0 controls (bar tab and newlines) and DEL are invalid in HTML: show their Unicode pictures.
_CONTROLS = {**{c: 0x2400 + c for c in range(32) if c not in (9, 10, 13)}, 127: 0x2421}
_SPACE = re.compile(r"\s+")
_MARKUP = re.compile(r"\]\([^)]*\)|[*_`~\[\]]")  # link targets, then emphasis and brackets


def is_http_url(url: object) -> bool:
    """True for absolute http(s) URLs with a host: the only URLs the report links."""
    if not isinstance(url, str) or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    parts = urlsplit(url)
    return parts.scheme in ("http", "https") and bool(parts.netloc)


def printable(value: object) -> object:
    """Every value the template prints, with control characters made visible."""
    if isinstance(value, str) and not isinstance(value, markupsafe.Markup):
        return value.translate(_CONTROLS)
    return value


def num(value: object) -> str:
    """A number with at most one decimal, no trailing `.0`: stable SVG coordinates and labels."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    text = f"{round(float(value), 1):.1f}"
    return text[:-2] if text.endswith(".0") else text


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.PackageLoader("medreview", "templates"),
                             autoescape=True, undefined=jinja2.StrictUndefined,
                             trim_blocks=True, lstrip_blocks=True, finalize=printable)
    env.tests["http_url"] = is_http_url
    env.filters["num"] = num
    return env


# ---- finding context --------------------------------------------------------------------------

def highlight(sentence: str, excerpt: str) -> tuple[str, str, str]:
    """(before, match, after): the excerpt found in its sentence; ("", "", "") when it is not."""
    needle = _SPACE.sub(" ", excerpt).strip()
    for candidate in (needle, _MARKUP.sub("", needle).strip()):
        if not candidate:
            continue
        at = sentence.find(candidate)
        if at < 0:
            at = sentence.lower().find(candidate.lower())
        if at >= 0:
            return sentence[:at], sentence[at:at + len(candidate)], sentence[at + len(candidate):]
    return "", "", ""


@dataclass(frozen=True)
class FindingView:
    """A finding as the template shows it: where it links, its rule and its sentence."""

    anchor: str
    finding: Finding
    rule: RuleInfo | None
    context: tuple[str, str, str]  # before, <mark>, after; all empty when not located
    waived_by: str = ""  # for suppressed findings: the waiver's reason, or "baseline"


def finding_views(index: int, result: FileResult, rules: dict[str, RuleInfo]) -> \
        tuple[list[FindingView], list[FindingView]]:
    """Active findings and suppressed (waived or baselined) findings, each with an anchor."""
    active = [FindingView(f"p{index}-f{n}", f, rules.get(f.rule), highlight(f.sentence, f.excerpt))
              for n, f in enumerate(result.findings, 1)]
    suppressed = [FindingView(f"p{index}-w{n}", f, rules.get(f.rule),
                              highlight(f.sentence, f.excerpt), f.waived_by or "baseline")
                  for n, f in enumerate(result.suppressed, 1)]
    return active, suppressed


# ---- charts -----------------------------------------------------------------------------------

@dataclass(frozen=True)
class Bar:
    """One SVG rectangle, coordinates already rounded."""

    x: float
    y: float
    width: float
    height: float
    css: str
    label: str  # tooltip and accessible text


def grade_histogram(values: list[float], width: int = 250, height: int = 150) -> dict[str, Any]:
    """Posts per school-grade band, as vertical bars with their counts."""
    counts = [0] * len(GRADE_BANDS)
    for value in values:
        counts[next(i for i, (_, upper) in enumerate(GRADE_BANDS) if value < upper)] += 1
    top = max(counts, default=0) or 1
    slot = (width - 20) / len(GRADE_BANDS)
    plot = height - 40
    bars, labels = [], []
    for i, ((band, upper), count) in enumerate(zip(GRADE_BANDS, counts)):
        h = plot * count / top
        x = 10 + i * slot + slot * 0.15
        css = "bar-over" if upper > TARGET_GRADE + 1 else "bar-ok"
        bars.append(Bar(round(x, 1), round(10 + plot - h, 1), round(slot * 0.7, 1), round(h, 1),
                        css, f"grade {band}: {count} post{'s' if count != 1 else ''}"))
        labels.append({"x": round(x + slot * 0.35, 1), "band": band, "count": count})
    return {"width": width, "height": height, "bars": bars, "labels": labels,
            "axis_y": 10 + plot}


def family_chart(rows: list[dict[str, Any]], width: int = 760) -> dict[str, Any]:
    """Horizontal stacked bars: one row per rule family, one segment per severity."""
    top = max((row["total"] for row in rows), default=0) or 1
    label_width, row_height = 190, 24
    scale = (width - label_width - 50) / top
    bars, labels = [], []
    for i, row in enumerate(rows):
        y, x = 6 + i * row_height, float(label_width)
        for severity in SEVERITIES:
            count = row[severity]
            if count:
                bars.append(Bar(round(x, 1), y, round(count * scale, 1), 16, f"sev-{severity}",
                                f"{row['family']}: {count} {severity}"))
                x += count * scale
        labels.append({"y": y + 12, "family": row["family"], "total": row["total"],
                       "end": round(x + 6, 1)})
    return {"width": width, "height": 12 + row_height * len(rows), "bars": bars,
            "labels": labels, "label_x": label_width - 8}


def section_chart(sections: list[dict[str, Any]], width: int = 760) -> dict[str, Any] | None:
    """Flesch–Kincaid grade per section (sections with prose only), with the target line."""
    rows = [s for s in sections if s.get("metrics", {}).get("words")
            and isinstance(s["metrics"].get("flesch_kincaid_grade"), (int, float))]
    if not rows:
        return None
    grades = [float(s["metrics"]["flesch_kincaid_grade"]) for s in rows]
    top = max(max(grades), TARGET_GRADE + 2.0)
    label_width, row_height = 300, 22
    scale = (width - label_width - 40) / top
    bars, labels = [], []
    for i, (section, grade) in enumerate(zip(rows, grades)):
        y = 6 + i * row_height
        length = max(grade, 0.0) * scale
        bars.append(Bar(label_width, y, round(length, 1), 14,
                        "bar-over" if grade > TARGET_GRADE else "bar-ok",
                        f"{section['heading']}: grade {num(grade)}"))
        labels.append({"y": y + 11, "heading": _shorten(str(section["heading"]), 44),
                       "grade": num(grade), "end": round(label_width + length + 5, 1)})
    height = 12 + row_height * len(rows)
    return {"width": width, "height": height, "bars": bars, "labels": labels,
            "label_x": label_width - 8, "target_x": round(label_width + TARGET_GRADE * scale, 1)}


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "…"


# ---- corpus and posts -------------------------------------------------------------------------

def family_rows(report: Report) -> list[dict[str, Any]]:
    """Active findings per rule family and severity, plus waived, most errors first."""
    counts: Counter[tuple[str, str]] = Counter()
    for result in report.files:
        for finding in result.findings:
            counts[_family(report, finding.rule), finding.severity] += 1
        for finding in result.suppressed:
            counts[_family(report, finding.rule), "waived"] += 1
    families = sorted({family for family, _ in counts})
    rows = [{"family": family, **{s: counts[family, s] for s in (*SEVERITIES, "waived")},
             "total": sum(counts[family, s] for s in SEVERITIES)} for family in families]
    return sorted(rows, key=lambda r: (-r["error"], -r["warning"], -r["info"], r["family"]))


def _family(report: Report, rule_id: str) -> str:
    info = report.rules.get(rule_id)
    return info.family if info and info.family else rule_id.split(".")[0]


def metric_values(report: Report, key: str) -> list[float]:
    """One metric of every readable post that has prose and that metric."""
    values = [r.metrics.get(key) for r in report.files if not r.error and r.metrics.get("words")]
    return [float(v) for v in values if isinstance(v, (int, float)) and not isinstance(v, bool)]


def readability_summary(report: Report) -> list[dict[str, Any]]:
    """Min, median and max of every metric over the readable posts that have prose."""
    rows = []
    for key, label in {**GRADE_METRICS, **OTHER_METRICS}.items():
        values = metric_values(report, key)
        if values:
            rows.append({"label": label, "min": min(values), "median": statistics.median(values),
                         "max": max(values)})
    return rows


def metadata_rows(result: FileResult) -> list[tuple[str, str]]:
    """(label, value) for the post's key front-matter fields; "not stated" when absent."""
    rows = []
    for label, fields in METADATA:
        values = [field_value(result.front_matter, name) for name in fields]
        found = next((v for v in values if v is not None), None)
        rows.append((label, describe(found) if found is not None else "not stated"))
    return rows


def post_view(index: int, result: FileResult, report: Report) -> dict[str, Any]:
    """Everything the template shows for one post."""
    active, suppressed = finding_views(index, result, report.rules)
    view: dict[str, Any] = {"anchor": f"p{index}", "result": result, "verdict": verdict(result),
                            "findings": active, "suppressed": suppressed,
                            "counts": {s: result.count(s) for s in SEVERITIES}}
    if not result.error:
        view["metadata"] = metadata_rows(result)
        view["scorecard"] = [(scheme, [(a, [active[i] for i in a.against],
                                        [suppressed[i] for i in a.waived]) for a in assessments])
                             for scheme, assessments in scorecard.assess(result, report.rules)]
        view["sections"] = [s for s in result.sections if s.get("metrics")]
        view["section_chart"] = section_chart(result.sections)
    return view


def options_rows(report: Report) -> list[tuple[str, str]]:
    """The run's options as (name, JSON value), sorted, for the provenance table."""
    return [(str(key), json.dumps(value, sort_keys=True, ensure_ascii=False, default=str))
            for key, value in sorted(report.options.items(), key=lambda item: str(item[0]))]


def render(report: Report, generated_at: str | None = None, **_: object) -> str:
    """The report as one HTML page; `generated_at` adds a timestamp (none by default)."""
    posts = [post_view(i, result, report) for i, result in enumerate(report.files, 1)]
    verdicts = Counter(post["verdict"] for post in posts)
    families = family_rows(report)
    grades = {label: metric_values(report, key) for key, label in GRADE_METRICS.items()}
    return environment().get_template("report.html.j2").render(
        report=report, posts=posts, summary=report.summary(), legend=VERDICTS,
        verdict_counts=[(name, verdicts[name]) for name in VERDICTS],
        families=families, family_chart=family_chart(families),
        histograms=[(label, grade_histogram(values)) for label, values in grades.items()],
        readability=readability_summary(report), target_grade=TARGET_GRADE,
        options=options_rows(report),
        rules=[report.rules[key] for key in sorted(report.rules)], generated_at=generated_at,
        schemes=scorecard.load_schemes(), statuses=STATUS_LABELS)

