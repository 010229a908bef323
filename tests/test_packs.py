"""Rule packs reusing each other: `extends` (minus `exclude`) and `include`, deduplication of a
rule reached twice through the same file, and the errors a broken pack.yaml gives."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from medreview.errors import RuleError
from medreview.ruleset import load_ruleset

BUILTIN = Path(__file__).resolve().parent.parent / "rules"


def make_pack(root: Path, name: str, manifest: str, rules: tuple[str, ...] = (),
              tables: dict[str, str] | None = None) -> None:
    """A pack directory with pack.yaml, copies of built-in US rules and knowledge tables."""
    directory = root / name
    (directory / "knowledge").mkdir(parents=True)
    (directory / "pack.yaml").write_text(f"name: {name}\n{manifest}", encoding="utf-8")
    for rule in rules:
        shutil.copy(BUILTIN / "us" / f"{rule}.yaml", directory / f"{rule}.yaml")
    for table, text in (tables or {}).items():
        (directory / "knowledge" / f"{table}.yaml").write_text(text, encoding="utf-8")


@pytest.fixture
def root(tmp_path: Path) -> Path:
    make_pack(tmp_path, "base", "", ("overclaim.cure", "overclaim.guarantee"),
              {"lines": "a: {regex: ['x']}\n"})
    return tmp_path


def ids(root: Path, *packs: str) -> list[str]:
    return [rule.id for rule in load_ruleset(packs, root=root).rules]


def test_extends_reuses_every_rule_of_the_base_but_the_excluded(root: Path) -> None:
    make_pack(root, "child", "extends: base\nexclude: [overclaim.guarantee]\n",
              ("overclaim.hype-terms",))
    ruleset = load_ruleset(("child",), root=root)
    assert [r.id for r in ruleset.rules] == ["overclaim.cure", "overclaim.hype-terms"]
    assert {r.id: r.info.pack for r in ruleset.rules} == {"overclaim.cure": "base",
                                                          "overclaim.hype-terms": "child"}
    assert "lines" in ruleset.tables


def test_include_takes_only_the_named_rules_and_the_base_knowledge(root: Path) -> None:
    make_pack(root, "picker", "include: [base/overclaim.guarantee]\n")
    ruleset = load_ruleset(("picker",), root=root)
    assert [r.id for r in ruleset.rules] == ["overclaim.guarantee"]
    assert "lines" in ruleset.tables
    hashed = {name for name, _ in ruleset.files}
    assert "base/overclaim.guarantee.yaml" in hashed
    assert "base/overclaim.cure.yaml" not in hashed


def test_two_selected_packs_reusing_one_rule_load_it_once(root: Path) -> None:
    make_pack(root, "child", "extends: base\n")
    make_pack(root, "picker", "include: [base/overclaim.cure]\n")
    assert ids(root, "base", "child", "picker") == ["overclaim.cure", "overclaim.guarantee"]


def test_same_id_in_a_different_file_is_still_a_duplicate(root: Path) -> None:
    make_pack(root, "child", "extends: base\n", ("overclaim.cure",))
    with pytest.raises(RuleError, match="duplicate rule id 'overclaim.cure'"):
        load_ruleset(("child",), root=root)


def test_excluding_a_rule_the_base_lacks_is_an_error(root: Path) -> None:
    make_pack(root, "child", "extends: base\nexclude: [overclaim.typo]\n")
    with pytest.raises(RuleError, match="exclude names no rule of pack 'base': overclaim.typo"):
        load_ruleset(("child",), root=root)


def test_including_a_missing_rule_is_an_error(root: Path) -> None:
    make_pack(root, "picker", "include: [base/overclaim.typo]\n")
    with pytest.raises(RuleError, match="pack 'base' has no rule 'overclaim.typo'"):
        load_ruleset(("picker",), root=root)


def test_reusing_an_unknown_pack_is_an_error(root: Path) -> None:
    make_pack(root, "child", "extends: nowhere\n")
    with pytest.raises(RuleError, match="unknown rule pack 'nowhere'"):
        load_ruleset(("child",), root=root)


def test_packs_reusing_each_other_in_a_cycle_is_an_error(root: Path) -> None:
    make_pack(root, "one", "extends: two\n")
    make_pack(root, "two", "extends: one\n")
    with pytest.raises(RuleError, match="cycle: one -> two -> one"):
        load_ruleset(("one",), root=root)


@pytest.mark.parametrize("manifest,message", [
    ("colour: red\n", "unknown key 'colour'"),
    ("extends: [base]\n", "'extends' must name one pack"),
    ("exclude: overclaim.cure\n", "'exclude' must be a list of rule ids"),
    ("include: [overclaim.cure]\n", "must be <pack>/<rule id>"),
])
def test_malformed_pack_yaml_names_file_line_and_problem(root: Path, manifest: str,
                                                         message: str) -> None:
    make_pack(root, "bad", manifest)
    with pytest.raises(RuleError, match=message) as caught:
        load_ruleset(("bad",), root=root)
    assert caught.value.path.endswith("pack.yaml") and caught.value.line == 2


def test_a_table_defined_differently_by_two_packs_is_an_error(root: Path) -> None:
    make_pack(root, "other", "", (), {"lines": "b: {regex: ['y']}\n"})
    with pytest.raises(RuleError, match="knowledge table 'lines' is already defined"):
        load_ruleset(("base", "other"), root=root)


def test_builtin_uk_and_eu_packs_swap_the_us_crisis_lines() -> None:
    uk, eu = ids(BUILTIN, "uk"), ids(BUILTIN, "eu")
    assert "crisis.resource-missing-uk" in uk and "crisis.resource-missing" not in uk
    assert "crisis.resource-missing-eu" in eu and "crisis.resource-missing" not in eu
    assert "disclaimer.dshea-missing" not in uk + eu
    assert "overclaim.cure" in uk and "overclaim.cure" in eu


def test_builtin_packs_together_keep_rule_ids_unique() -> None:
    together = ids(BUILTIN, "us", "uk", "eu")
    assert len(together) == len(set(together))
    assert {"crisis.resource-missing", "crisis.resource-missing-uk",
            "crisis.resource-missing-eu", "uk.pom-advertising"} <= set(together)
