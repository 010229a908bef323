"""Run every rule's own flag/pass examples: `medreview rules test` and the test suite use this."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import yaml

from medreview.engine import Engine
from medreview.errors import MedreviewError
from medreview.ruleset import Rule, RuleSet
from medreview.source import source_from_bytes

EXTENSIONS = {"markdown": "md", "text": "txt", "html": "html"}


@dataclass(frozen=True)
class ExampleResult:
    rule: str
    kind: str  # flag | pass
    text: str
    ok: bool
    detail: str


def example_source(example: Any, rule_id: str, index: int, kind: str) -> tuple[bytes, str, str]:
    """An example as post bytes: a string is a Markdown body; a mapping may add front matter."""
    if isinstance(example, str):
        example = {"text": example}
    fmt = example.get("format", "markdown")
    body = str(example["text"])
    front = example.get("front_matter")
    if front:
        body = "---\n" + yaml.safe_dump(front, sort_keys=True, allow_unicode=True) + "---\n" + body
    name = f"{rule_id}.{kind}{index}.{EXTENSIONS.get(fmt, 'md')}"
    return body.encode("utf-8"), name, fmt


def run_examples(ruleset: RuleSet, rule_ids: set[str] | None = None) -> Iterator[ExampleResult]:
    for rule in ruleset.rules:
        if rule_ids and rule.id not in rule_ids:
            continue
        engine = Engine(RuleSet(rules=[rule], tables=ruleset.tables, packs=ruleset.packs))
        for kind in ("flag", "pass"):
            for index, example in enumerate(rule.examples[kind]):
                yield check_example(engine, rule, kind, index, example)


def check_example(engine: Engine, rule: Rule, kind: str, index: int, example: Any) -> ExampleResult:
    data, name, fmt = example_source(example, rule.id, index, kind)
    text = example if isinstance(example, str) else str(example["text"])
    try:
        result = engine.review(source_from_bytes(data, name, fmt))
    except MedreviewError as exc:
        return ExampleResult(rule.id, kind, text, False, f"example cannot be reviewed: {exc}")
    hits = [f for f in result.findings if f.rule == rule.id]
    if kind == "flag":
        ok = bool(hits)
        detail = "flagged" if ok else "expected a finding, got none"
    else:
        ok = not hits
        detail = "passed" if ok else f"expected no finding, got: {hits[0].message} ({hits[0].excerpt!r})"
    return ExampleResult(rule.id, kind, text, ok, detail)
