"""Every example of every rule in every built-in pack, run as a test; every rule documented and
sourced; docs/rules.md generated from the rule types' OPTIONS and the packs, and not stale.

Rewrite the generated parts of docs/rules.md with `python tests/test_rule_examples.py`.
"""

from __future__ import annotations

import functools
import re
import sys
from pathlib import Path
from typing import Any

import pytest

from medreview.checks import RULE_TYPES
from medreview.engine import Engine
from medreview.ruleset import Rule, RuleSet, available_packs, load_ruleset
from medreview.selftest import check_example

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "rules.md"
PACKS = tuple(available_packs())
MIN_EXAMPLES = 3
GENERATED = re.compile(r"(<!-- generated: (?P<name>[\w-]+) -->\n).*?(<!-- end generated -->)",
                       re.DOTALL)


@functools.cache
def ruleset(pack: str) -> RuleSet:
    return load_ruleset((pack,))


@functools.cache
def engine(pack: str, rule_id: str) -> Engine:
    whole = ruleset(pack)
    return Engine(RuleSet(rules=[whole.get(rule_id)], tables=whole.tables, packs=whole.packs))


def example_params() -> list[Any]:
    params = []
    for pack in PACKS:
        for rule in ruleset(pack).rules:
            for kind in ("flag", "pass"):
                for index, _ in enumerate(rule.examples[kind]):
                    params.append(pytest.param(pack, rule.id, kind, index,
                                               id=f"{pack}:{rule.id}:{kind}{index}"))
    return params


@pytest.mark.parametrize("pack,rule_id,kind,index", example_params())
def test_rule_example_behaves_as_labelled(pack: str, rule_id: str, kind: str, index: int) -> None:
    rule = ruleset(pack).get(rule_id)
    result = check_example(engine(pack, rule_id), rule, kind, index, rule.examples[kind][index])
    assert result.ok, f"{rule_id} {kind} example {result.text!r}: {result.detail}"


@pytest.mark.parametrize("pack", PACKS)
def test_every_rule_is_documented_sourced_and_has_enough_examples(pack: str) -> None:
    for rule in ruleset(pack).rules:
        if rule.info.pack not in PACKS:
            continue  # built into the engine (waiver checks), not a pack's rule
        info = rule.info
        assert len(rule.examples["flag"]) >= MIN_EXAMPLES, f"{rule.id}: too few flag examples"
        assert len(rule.examples["pass"]) >= MIN_EXAMPLES, f"{rule.id}: too few pass examples"
        assert info.description and info.suggestion, rule.id
        assert info.sources and all(s.url.startswith(("http://", "https://"))
                                    for s in info.sources), f"{rule.id}: a source lacks a URL"


def test_rule_codes_are_unique_across_packs() -> None:
    codes: dict[str, str] = {}
    for pack in PACKS:
        for rule in ruleset(pack).rules:
            assert codes.setdefault(rule.info.code, rule.id) == rule.id, rule.info.code


# ---- docs/rules.md -----------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def _default(value: Any) -> str:
    if value in ("", [], {}):
        return "—"
    if isinstance(value, list):
        return f"{len(value)} patterns" if len(str(value)) > 40 else f"`{value}`"
    return f"`{value}`"


def render_rule_types() -> str:
    """One options table per rule type, from the type's OPTIONS."""
    parts = []
    for name, module in RULE_TYPES.items():
        summary = " ".join((module.__doc__ or "").strip().split("\n\n")[0].split())
        rows = ["| option | accepts | default | what it does |", "|---|---|---|---|"]
        for option, spec in module.OPTIONS.items():
            accepts = " or ".join(t.__name__ for t in spec.types)
            if spec.choices:
                accepts = ", ".join(f"`{c}`" for c in spec.choices if c) or accepts
            rows.append(f"| `{option}` | {accepts} | {_cell(_default(spec.default))} | "
                        f"{_cell(spec.doc)} |")
        parts.append(f"### `{name}`\n\n{summary}\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


def _gates(rule: Rule) -> str:
    return "; ".join(f"{key}: {', '.join(values)}" for key, values in rule.applies_to.items()) or "—"


def render_pack_rules() -> str:
    """The rules of each built-in pack with code, level, type and gate."""
    parts = []
    for pack in PACKS:
        rows = ["| rule | code | level | type | applies to | from |", "|---|---|---|---|---|---|"]
        for rule in ruleset(pack).rules:
            if rule.info.pack in PACKS:
                rows.append(f"| `{rule.id}` | {rule.info.code} | {rule.info.level} | "
                            f"{rule.info.type} | {_cell(_gates(rule))} | {rule.info.pack} |")
        parts.append(f"### Pack `{pack}`\n\n" + "\n".join(rows) + "\n")
    return "\n".join(parts)


RENDERERS = {"rule-types": render_rule_types, "pack-rules": render_pack_rules}


def regenerate(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        body = RENDERERS[match.group("name")]()
        return f"{match.group(1)}\n{body}\n{match.group(3)}"
    return GENERATED.sub(replace, text)


def test_docs_list_every_rule_type_and_pack() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert {m.group("name") for m in GENERATED.finditer(text)} == set(RENDERERS)


def test_docs_generated_sections_are_not_stale() -> None:
    text = DOC.read_text(encoding="utf-8")
    assert regenerate(text) == text, "docs/rules.md is stale: run python tests/test_rule_examples.py"


if __name__ == "__main__":
    DOC.write_text(regenerate(DOC.read_text(encoding="utf-8")), encoding="utf-8")
    print(f"rewrote the generated sections of {DOC.relative_to(ROOT)}", file=sys.stderr)
