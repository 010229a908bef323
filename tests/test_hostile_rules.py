"""Broken or hostile rule files: each is refused with one exact line naming the file (and line),
exit 2, before any post is reviewed; nothing in a rule can run code or hang a review."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from medreview.checks import RULE_TYPES
from medreview.cli import main
from medreview.errors import RuleError
from medreview.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
CURE_RULE = ROOT / "rules" / "us" / "overclaim.cure.yaml"
RULE = """\
id: custom.claim
code: X1
type: phrase
level: error
message: m
description: d
suggestion: s
sources: [{name: n, url: "https://example.org"}]
options:
  terms: [zorblax]
examples: {flag: [we sell zorblax], pass: [nothing here]}
"""
YAML_HINT = "(check the YAML syntax on this line or the one before)"
RE2_HINT = ("(RE2 has no look-behind, look-ahead or back-references; rewrite the pattern "
            "without them)")
PHRASE_OPTIONS = ", ".join(sorted(RULE_TYPES["phrase"].OPTIONS))

# (case, rule file text, exact message after "medreview: error: <file>")
BROKEN_RULES = [
    ("malformed YAML", RULE.replace("code: X1", "code: [X1"),
     f":3: invalid YAML: while parsing a flow sequence, did not find expected ',' or ']' {YAML_HINT}"),
    ("bad indentation", RULE.replace("code: X1", "  code: X1"),
     f":2: invalid YAML: mapping values are not allowed in this context {YAML_HINT}"),
    ("control character", RULE.replace("message: m", "message: m\x07"),
     ":5: invalid YAML: character #x0007 is not allowed (control characters are not allowed) "
     "(remove the character)"),
    ("YAML tag that builds an object",
     RULE.replace("message: m", 'message: !!python/object/apply:os.system ["echo pwned"]'),
     ":5: invalid YAML: YAML tag not allowed: 'tag:yaml.org,2002:python/object/apply:os.system' "
     "(rules are plain data: remove the tag)"),
    ("rule file that is a list", "- id: a\n- id: b\n",
     ":1: a rule file must be a mapping of fields (id, type, level, ...)"),
    ("empty rule file", "",
     ":1: a rule file must be a mapping of fields (id, type, level, ...)"),
    ("unknown rule type", RULE.replace("type: phrase", "type: magic"),
     f":3: unknown rule type 'magic' (known types: {', '.join(sorted(RULE_TYPES))})"),
    ("unknown option", RULE.replace("  terms: [zorblax]", "  terms: [zorblax]\n  colour: red"),
     f":11: unknown option 'colour' for this rule type (allowed: {PHRASE_OPTIONS})"),
    ("look-behind regex", RULE.replace("  terms: [zorblax]", "  regex: ['(?<=we )sell']"),
     ":10: rule 'custom.claim': invalid regular expression '(?<=we )sell': invalid perl "
     f"operator: (?<= {RE2_HINT}"),
    ("back-reference in a nested regex",
     RULE.replace("  terms: [zorblax]", "  terms: [zorblax]\n  excludes_any:\n    regex:\n"
                                        "      - fine\n      - '(a)\\1'"),
     ":14: rule 'custom.claim': invalid regular expression '(a)\\\\1': invalid escape "
     f"sequence: \\1 {RE2_HINT}"),
    ("invalid spaCy token pattern", RULE.replace("  terms: [zorblax]", "  patterns: [[{LOWR: x}]]"),
     ":1: rule 'custom.claim': invalid token pattern 0: [pattern -> 0 -> LOWR] Extra inputs are "
     "not permitted"),
]


def refusal(tmp_path: Path, text: str | bytes, command: str) -> tuple[int, str, str]:
    """Write the rule file, run `command` with it; (exit code, stdout, stderr)."""
    rule = tmp_path / "rule.yaml"
    rule.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    post = tmp_path / "post.md"
    post.write_text("We sell zorblax.\n", encoding="utf-8")
    args = ["rules", "validate", str(rule)] if command == "validate" else \
        ["check", str(post), "--rules", str(rule), "--format", "json"]
    result = CliRunner().invoke(main, args)
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize("command", ["validate", "check"])
@pytest.mark.parametrize("case,text,message", BROKEN_RULES, ids=[c[0] for c in BROKEN_RULES])
def test_broken_rule_is_refused_with_file_line_and_problem(tmp_path: Path, case: str, text: str,
                                                           message: str, command: str) -> None:
    code, stdout, stderr = refusal(tmp_path, text, command)
    assert code == 2
    assert stderr == f"medreview: error: {tmp_path / 'rule.yaml'}{message}\n"
    assert "Traceback" not in stderr
    assert stdout == ""  # nothing reviewed, no half report


def test_rule_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    code, _, stderr = refusal(tmp_path, RULE.encode().replace(b"message: m", b"message: caf\xe9"),
                              "validate")
    assert code == 2
    assert stderr == (f"medreview: error: {tmp_path / 'rule.yaml'}:5: not valid UTF-8: byte 0xe9 "
                      "at offset 64 cannot be decoded (save the file as UTF-8)\n")


def test_missing_rule_path_is_refused(tmp_path: Path) -> None:
    post = tmp_path / "post.md"
    post.write_text("Hello.\n")
    result = CliRunner().invoke(main, ["check", str(post), "--rules", str(tmp_path / "nope.yaml")])
    assert result.exit_code == 2
    assert result.stderr == f"medreview: error: {tmp_path / 'nope.yaml'}: no such rule file or directory\n"


def test_yaml_tag_never_runs(tmp_path: Path) -> None:
    marker = tmp_path / "pwned"
    evil = RULE.replace("message: m", f'message: !!python/object/apply:os.system ["touch {marker}"]')
    code, _, _ = refusal(tmp_path, evil, "check")
    assert code == 2
    assert not marker.exists()


def test_duplicate_rule_ids_across_rule_dirs_name_both_files(tmp_path: Path) -> None:
    for folder in ("team-a", "team-b"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "claim.yaml").write_text(RULE, encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_ruleset((), (tmp_path / "team-a", tmp_path / "team-b"))
    assert caught.value.render() == (
        "team-b/claim.yaml:1: duplicate rule id 'custom.claim' (also in team-a/claim.yaml)")


def test_duplicate_of_a_pack_rule_names_both_files(tmp_path: Path) -> None:
    copy = tmp_path / "mine.yaml"
    copy.write_text(CURE_RULE.read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(RuleError) as caught:
        load_ruleset(("us",), (copy,))
    assert caught.value.render() == (
        f"{copy}:1: duplicate rule id 'overclaim.cure' (also in us/overclaim.cure.yaml)")


def test_rule_file_with_100000_terms_loads_and_matches(tmp_path: Path) -> None:
    from medreview.engine import Engine
    from medreview.source import source_from_bytes

    terms = ", ".join(f"zorblax{i}" for i in range(100_000))
    rule = tmp_path / "huge.yaml"
    rule.write_text(RULE.replace("terms: [zorblax]", f"terms: [zorblax, {terms}]"), encoding="utf-8")
    ruleset = load_ruleset((), (rule,))
    assert len(ruleset.get("custom.claim").options["terms"]) == 100_001
    result = Engine(ruleset).review(source_from_bytes(b"We sell zorblax99999.\n", "p.md", "markdown"))
    assert [(f.rule, f.excerpt) for f in result.findings] == [("custom.claim", "zorblax99999")]


REDOS_SCRIPT = """
import sys
from medreview.cli import main
main(["check", sys.argv[1], "--rules", sys.argv[2], "--format", "json"])
"""


def test_catastrophic_backtracking_regex_runs_in_linear_time(tmp_path: Path) -> None:
    """`(a+)+$` on 200,000 'a's and a '!' takes forever on a backtracking engine; RE2 finishes.
    A subprocess with a timeout makes a regression fail instead of hanging the suite."""
    rule = tmp_path / "redos.yaml"
    rule.write_text(RULE.replace("  terms: [zorblax]", "  regex: ['(a+)+$']"), encoding="utf-8")
    post = tmp_path / "post.md"
    post.write_text("a" * 200_000 + "!\n\nWe sell aaa\n", encoding="utf-8")
    done = subprocess.run([sys.executable, "-c", REDOS_SCRIPT, str(post), str(rule)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    findings = json.loads(done.stdout)["files"][0]["findings"]
    assert (3, 9, "aaa") in [(f["line"], f["column"], f["excerpt"]) for f in findings
                             if f["rule"] == "custom.claim"]


def test_errors_doc_lists_every_broken_rule_case() -> None:
    doc = (ROOT / "docs" / "errors.md").read_text(encoding="utf-8")
    for case, _, message in BROKEN_RULES:
        assert f"| {case} |" in doc, case
        if "known types:" not in message and "allowed:" not in message:  # lists that grow
            assert f"`rule.yaml{message}`" in doc, message
