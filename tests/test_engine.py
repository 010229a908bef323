"""The review path end to end: findings located exactly in every input format; rules loaded
strictly; the pipeline built once; nothing downloaded."""

from __future__ import annotations

from pathlib import Path

import pytest

from medreview.engine import Engine
from medreview.errors import RuleError
from medreview.nlp import get_nlp
from medreview.ruleset import load_ruleset
from medreview.source import source_from_bytes

CLAIM = "Our infusion protocol cures depression."


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(load_ruleset(("us",)))


def findings(engine: Engine, text: str, fmt: str = "markdown", name: str = "post.md") -> list:
    return engine.review(source_from_bytes(text.encode("utf-8"), name, fmt)).findings


def rules_of(found: list) -> set[str]:
    return {f.rule for f in found}


def excerpt_at(text: str, line: int, column: int, end_column: int) -> str:
    raw = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")[line - 1]
    return raw[column - 1:end_column - 1]


@pytest.mark.parametrize("fmt,name,text,line,column", [
    ("markdown", "p.md", "---\ntitle: T\n---\n# Head\n\nIntro line.\n\n" + CLAIM + "\n", 8, 23),
    ("markdown", "p.md", "# Head\r\n\r\n> **Note:** " + CLAIM + "\r\n", 3, 35),
    ("markdown", "p.md", "- one\n- two: *" + CLAIM + "*\n", 2, 31),
    ("text", "p.txt", "Title\n\nIntro.\n\nFirst line\n" + CLAIM + "\n", 6, 23),
    ("text", "p.txt", "Title\r\rIntro.\r\r" + CLAIM + "\r", 5, 23),
    ("html", "p.html", "<html><body>\n<h1>T</h1>\n<p>Caf&eacute; &amp; more. " + CLAIM + "</p>\n", 3, 50),
    ("html", "p.html", "<p>\n  <em>Fact:</em>\n  " + CLAIM + "\n</p>", 3, 25),
])
def test_finding_positions_are_exact_in_every_format(engine: Engine, fmt: str, name: str,
                                                     text: str, line: int, column: int) -> None:
    cure = [f for f in findings(engine, text, fmt, name) if f.rule == "overclaim.cure"]
    assert len(cure) == 1
    assert (cure[0].line, cure[0].column) == (line, column)
    assert excerpt_at(text, cure[0].line, cure[0].column, cure[0].end_column) == "cures"


def test_non_ascii_text_keeps_code_point_columns(engine: Engine) -> None:
    text = "Ça va — “naïve” 🙂 patients: our protocol cures depression.\n"
    cure = [f for f in findings(engine, text) if f.rule == "overclaim.cure"][0]
    assert text[cure.column - 1:cure.end_column - 1] == "cures"


@pytest.mark.parametrize("sentence,flagged", [
    ("Our infusion protocol cures treatment-resistant bipolar depression.", True),
    ("It's not just another treatment — it's a cure for your depression.", True),
    ("It is not only a treatment but a cure.", True),
    ("Ketamine is not a cure for bipolar disorder.", False),
    ("There is no cure for bipolar disorder.", False),
    ("No cure exists for bipolar disorder.", False),
    ("Beware of clinics promising a 'miracle cure'.", False),
    ("Headlines called it a “cure”, but the evidence is modest.", False),
])
def test_cure_claims_respect_negation_pseudo_negation_and_quotes(engine: Engine, sentence: str,
                                                                  flagged: bool) -> None:
    assert ("overclaim.cure" in rules_of(findings(engine, sentence))) is flagged


def test_hedged_cure_is_downgraded_not_cleared(engine: Engine) -> None:
    cure = [f for f in findings(engine, "Ketamine may cure your depression.") if f.rule == "overclaim.cure"]
    assert [f.severity for f in cure] == ["warning"]


def test_cited_establishment_claim_drops_to_warning(engine: Engine) -> None:
    uncited = findings(engine, "Studies show nine in ten patients respond.")
    cited = findings(engine, "Studies show nine in ten patients respond [1].")
    assert [f.severity for f in uncited if f.rule == "claims.establishment"] == ["error"]
    assert [f.severity for f in cited if f.rule == "claims.establishment"] == ["warning"]


def test_crisis_line_anywhere_satisfies_the_suicide_rule(engine: Engine) -> None:
    mention = "Bipolar depression raises the risk of suicide."
    assert "crisis.resource-missing" in rules_of(findings(engine, mention))
    with_line = mention + "\n\nIf you are thinking about suicide, call or text 988."
    assert "crisis.resource-missing" not in rules_of(findings(engine, with_line))


def test_references_section_is_not_scanned_for_claims(engine: Engine) -> None:
    text = "# Post\n\nKetamine may help.\n\n## References\n\n1. Ketamine cures depression? A trial. 2021.\n"
    assert "overclaim.cure" not in rules_of(findings(engine, text))


def test_front_matter_fields_satisfy_metadata_rules(engine: Engine) -> None:
    text = ("---\nauthor: Ann Lee, MD\nmedical_reviewer: Bo Park, MD\ndate: 2025-01-01\n---\n"
            "Ketamine may help some people.\n")
    found = rules_of(findings(engine, text))
    assert not found & {"authorship.missing", "review.medical-reviewer-missing", "review.date-missing"}


def test_findings_are_sorted_and_deterministic(engine: Engine) -> None:
    text = (Path(__file__).resolve().parent.parent / "sample_posts" / "ketamine-bipolar.txt").read_text()
    first, second = findings(engine, text, "text", "a.txt"), findings(engine, text, "text", "a.txt")
    assert first == second
    assert [f.sort_key() for f in first] == sorted(f.sort_key() for f in first)


def test_fingerprint_survives_a_line_shift_but_not_a_changed_claim(engine: Engine) -> None:
    def fingerprint(text: str) -> str:
        return [f for f in findings(engine, text) if f.rule == "overclaim.cure"][0].fingerprint
    base = fingerprint(CLAIM)
    assert fingerprint("New intro paragraph.\n\n\n" + CLAIM) == base
    assert fingerprint("Our infusion protocol cures anxiety.") != base


def test_pipeline_is_built_once_per_process() -> None:
    assert get_nlp() is get_nlp()
    assert get_nlp().pipe_names == ["medreview_lemmas", "sentencizer", "medreview_cues"]


def test_lemmas_are_lowercase_lookups() -> None:
    doc = get_nlp()("Cures cured CURING studies")
    assert [t.lemma_ for t in doc] == ["cure", "cure", "cure", "study"]


def test_duplicate_rule_ids_name_both_files(tmp_path: Path) -> None:
    rule = Path(__file__).resolve().parent.parent / "rules" / "us" / "overclaim.cure.yaml"
    (tmp_path / "copy.yaml").write_text(rule.read_text())
    with pytest.raises(RuleError, match="duplicate rule id 'overclaim.cure'.*overclaim.cure.yaml"):
        load_ruleset(("us",), (tmp_path / "copy.yaml",))


@pytest.mark.parametrize("change,message", [
    (("level: error", "level: fatal"), "level must be one of error, warning, info"),
    (("type: phrase", "type: magic"), "unknown rule type 'magic'"),
    (("code: MR101\n", "code: MR101\ncolour: red\n"), "unknown key 'colour'"),
    (("  negated: skip", "  negated: maybe"), "option 'negated' must be one of skip, downgrade, keep"),
    (("id: overclaim.cure", "id: [overclaim.cure]"), "'id' must be a non-empty string"),
])
def test_broken_rule_files_name_file_line_and_problem(tmp_path: Path, change: tuple[str, str],
                                                     message: str) -> None:
    source = (Path(__file__).resolve().parent.parent / "rules" / "us" / "overclaim.cure.yaml").read_text()
    assert change[0] in source
    path = tmp_path / "rule.yaml"
    path.write_text(source.replace(change[0], change[1], 1))
    with pytest.raises(RuleError) as caught:
        load_ruleset((), (path,))
    assert message in str(caught.value)
    assert caught.value.path == str(path) and caught.value.line


def test_yaml_tags_that_build_objects_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("id: !!python/object/apply:os.system ['echo pwned']\n")
    with pytest.raises(RuleError, match="invalid YAML"):
        load_ruleset((), (path,))


def test_ruleset_hash_changes_when_a_rule_changes(tmp_path: Path) -> None:
    source = (Path(__file__).resolve().parent.parent / "rules" / "us" / "overclaim.cure.yaml").read_text()
    path = tmp_path / "rule.yaml"
    path.write_text(source)
    before = load_ruleset((), (path,)).sha256
    path.write_text(source.replace("level: error", "level: warning"))
    assert load_ruleset((), (path,)).sha256 != before


def test_negation_after_a_match_stops_at_a_new_clause(engine: Engine) -> None:
    negated = "A cure is not available yet."
    other_clause = "Our tea is a cure, even for those who have not been helped by drugs."
    assert "overclaim.cure" not in rules_of(findings(engine, negated))
    assert "overclaim.cure" in rules_of(findings(engine, other_clause))


def test_numbered_references_in_parentheses_count_as_citations(engine: Engine) -> None:
    cited = findings(engine, "Studies show nine in ten patients respond (84-85).")
    assert [f.severity for f in cited if f.rule == "claims.establishment"] == ["warning"]


def test_document_level_findings_keep_a_short_excerpt(engine: Engine) -> None:
    text = "Ketamine " + "helps some people feel better " * 500 + "today.\n"
    missing = [f for f in findings(engine, text) if f.rule == "disclaimer.missing"]
    assert missing and 0 < len(missing[0].excerpt) <= 120
    assert text.startswith(missing[0].excerpt)
