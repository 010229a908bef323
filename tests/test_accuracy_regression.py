"""The fixed slice eval/regression.jsonl as regression cases, and the accuracy benchmark itself.

Each row must get exactly its labelled sentence-level rules. Rows labelled with a rule the
default pack lacks are skipped until that rule exists; rows that fail today are KNOWN_MISSES
(xfail, not strict, so a fix shows up as XPASS). See docs/accuracy.md.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from medreview.engine import Engine
from medreview.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
REGRESSION = ROOT / "eval" / "regression.jsonl"
BENCHMARK = ROOT / "benchmarks" / "accuracy.py"
HEADINGS = ["Per family", "Per rule", "Labelled rules not implemented by the loaded packs",
            "False-positive rate by category", "Sentence-level rules the set does not label",
            "Posts", "Aims", "Errors"]

if not (REGRESSION.is_file() and BENCHMARK.is_file()):
    pytest.skip("eval/ and benchmarks/ are not in this checkout", allow_module_level=True)

# Row id -> why it fails today (measured with the default "us" pack; see docs/accuracy.md).
KNOWN_MISSES = {
    "s0003": "claims.disease-claim-nondrug misses a superiority claim over a cancer drug "
             "('80 percent more effective than ... cancer drug': no treat/cure verb)",
    "s0022": "claims.disease-claim-nondrug misses the regulator's bracket edit '[C]onquers "
             "insulin resistance' (tokens '[', 'C', ']', 'onquers')",
    "s0312": "evidence.preclinical-extrapolation misses 'the human health potential of this "
             "supplement is enormous' (the mouse study is in another sentence)",
    "s0313": "evidence.preclinical-extrapolation misses 'produces the clinical results' after "
             "the pseudo-negation 'no doubt' (no animal wording in the sentence)",
}


def load_benchmark() -> ModuleType:
    spec = importlib.util.spec_from_file_location("accuracy", BENCHMARK)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


accuracy = load_benchmark()
ROWS = accuracy.load_rows(REGRESSION)


def row_param(row: dict[str, Any]) -> Any:
    marks = ([pytest.mark.xfail(strict=False, reason=KNOWN_MISSES[row["id"]])]
             if row["id"] in KNOWN_MISSES else [])
    return pytest.param(row, id=row["id"], marks=marks)


@pytest.fixture(scope="module")
def default_rules() -> tuple[Engine, set[str], set[str]]:
    """The engine, the sentence-level rules the set labels, and every implemented rule id."""
    ruleset = load_ruleset(("us",))
    implemented = {r.id for r in ruleset.rules if r.enabled}
    scored = {r.id for r in ruleset.rules if r.enabled and not accuracy.is_document_level(r)}
    return Engine(ruleset), scored & accuracy.label_vocabulary(ROWS), implemented


@pytest.mark.parametrize("row", [row_param(r) for r in ROWS])
def test_row_gets_exactly_its_labelled_rules(row: dict[str, Any], default_rules: tuple) -> None:
    engine, sentence_rules, implemented = default_rules
    missing = sorted(set(row["labels"]) - implemented)
    if missing:
        pytest.skip(f"rule not implemented: {', '.join(missing)}")
    fired = accuracy.fired_rules(engine, row, sentence_rules)
    assert sorted(fired) == sorted(row["labels"]), f"{row['category']}: {row['text']}"


def test_known_misses_name_rows_of_the_slice() -> None:
    assert set(KNOWN_MISSES) <= {row["id"] for row in ROWS}


def test_document_level_rules_are_not_scored_on_sentences() -> None:
    rules = {r.id: r for r in load_ruleset(("us",)).rules}
    assert accuracy.is_document_level(rules["disclaimer.missing"])
    assert accuracy.is_document_level(rules["readability.sentence-length"])
    assert accuracy.is_document_level(rules["crisis.resource-missing"])
    assert not accuracy.is_document_level(rules["overclaim.cure"])


def test_label_vocabulary_is_the_sets_fifteen_rule_ids() -> None:
    vocabulary = accuracy.label_vocabulary([])
    assert len(vocabulary) == 15
    assert {"overclaim.cure", "safe-messaging.method-detail"} <= vocabulary


def test_product_rows_become_posts_with_front_matter() -> None:
    assert accuracy.sentence_post({"text": "Cures colds.", "product": "supplement"}) == (
        "---\nproduct: supplement\n---\n\nCures colds.\n")
    assert accuracy.sentence_post({"text": "Cures colds."}) == "Cures colds.\n"


def fake_row(row_id: str, labels: list[str], category: str) -> dict[str, Any]:
    return {"id": row_id, "text": row_id, "labels": labels, "category": category,
            "source": {"url": "https://example.org/" + row_id}}


def test_scoring_counts_each_outcome_once() -> None:
    rows = [fake_row("a", ["overclaim.cure"], "violative"),
            fake_row("b", ["overclaim.cure"], "violative"),
            fake_row("c", [], "negated"),
            fake_row("d", ["claims.unbuilt"], "violative"),
            fake_row("e", [], "negated")]
    fired = {"a": {"overclaim.cure"}, "b": set(), "c": {"overclaim.cure"}, "d": set(), "e": set()}
    fired["e"] = {"language.jargon-undefined"}
    scores = accuracy.score(rows, fired, implemented={"overclaim.cure"},
                            vocabulary={"overclaim.cure", "claims.unbuilt"})
    cure = scores.rules["overclaim.cure"]
    assert (cure.tp, cure.fp, cure.fn, cure.not_implemented) == (1, 1, 1, 0)
    unbuilt = scores.rules["claims.unbuilt"]
    assert (unbuilt.tp, unbuilt.fn, unbuilt.not_implemented) == (0, 0, 1)
    assert scores.categories["negated"] == [2, 1]  # an unjudged rule does not flag "e"
    assert scores.unscored == {"language.jargon-undefined": {"negated": 1}}
    assert [(e.kind, e.row["id"]) for e in scores.errors] == [("FN", "b"), ("FP", "c")]
    assert accuracy.aims(scores)[0] == {"aim": "overclaim precision", "measured": 0.5,
                                        "target": ">= 0.95", "met": False}


@pytest.fixture()
def slice_args(tmp_path: Path) -> list[str]:
    """A 20-row slice of the regression set and one post, as benchmark arguments."""
    sentences = tmp_path / "slice.jsonl"
    sentences.write_text("".join(json.dumps(row) + "\n" for row in ROWS[:20]), encoding="utf-8")
    posts = tmp_path / "posts"
    posts.mkdir()
    for name in ("arc-ketamine-therapy.md", "arc-ketamine-therapy.expected.yaml"):
        shutil.copy(ROOT / "eval" / "posts" / name, posts / name)
    return ["--sentences", str(sentences), "--posts", str(posts), "--show-errors"]


def test_benchmark_runs_end_to_end_on_a_slice(slice_args: list[str], tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    out_json = tmp_path / "figures.json"
    assert accuracy.main([*slice_args, "--json", str(out_json)]) == 0
    text = capsys.readouterr().out
    lines = text.splitlines()
    assert [h for h in lines if h in HEADINGS] == HEADINGS
    assert lines[0].startswith("medreview accuracy on 20 labelled sentences and 1 posts")
    data = json.loads(out_json.read_text(encoding="utf-8"))
    total = data["families"]["all"]
    assert total["tp"] + total["fn"] + total["not_implemented"] == sum(
        len(row["labels"]) for row in ROWS[:20])
    assert [p["post"] for p in data["posts"]] == ["arc-ketamine-therapy.md"]
    assert len(data["errors"]) == total["fp"] + total["fn"]


def test_benchmark_prints_markdown_tables_for_the_docs(slice_args: list[str],
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    accuracy.main([*slice_args, "--markdown"])
    lines = capsys.readouterr().out.splitlines()
    assert [h for h in lines if h.startswith("### ")] == [f"### {h}" for h in HEADINGS]
    family_table = lines[lines.index("### Per family") + 2:lines.index("### Per rule") - 1]
    assert family_table[0] == "| family | tp | fp | fn | not impl. | precision | recall | F1 |"
    assert family_table[1] == "|:---|---:|---:|---:|---:|---:|---:|---:|"
    assert family_table[-1].startswith("| all | ")


def test_benchmark_names_file_and_line_of_a_bad_row(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    sentences = tmp_path / "bad.jsonl"
    sentences.write_text(json.dumps(ROWS[0]) + "\n{not json\n", encoding="utf-8")
    assert accuracy.main(["--sentences", str(sentences), "--no-posts"]) == 2
    assert capsys.readouterr().err.startswith(f"error: {sentences}:2: not valid JSON: ")


def test_benchmark_output_is_deterministic(slice_args: list[str],
                                           capsys: pytest.CaptureFixture[str]) -> None:
    accuracy.main(slice_args)
    first = capsys.readouterr().out
    accuracy.main(slice_args)
    assert capsys.readouterr().out == first
