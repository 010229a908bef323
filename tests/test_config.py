"""Project configuration: discovery, every key, errors with file and line, extends and presets,
path overrides, and the ruleset hash."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from medreview.api import ReviewOptions, load_rules, review
from medreview.cli import main
from medreview.config import (Config, discover, find_config, glob_match, load_config,
                              review_options, toml_lines)
from medreview.errors import ConfigError
from medreview.model import FileResult
from medreview.ruleset import load_ruleset

CURE = "Our protocol cures depression.\n"
HEDGED_CURE = "Our protocol may cure depression.\n"
SPEED = "Our infusions give fast-acting relief.\n"

HOUSE_RULE = """\
id: house.banned-word
code: H001
type: phrase
level: warning
message: 'Avoid "{match}".'
description: House style bans this word.
suggestion: Use a plainer word.
sources: [{name: House style guide}]
options:
  exact: [miracle]
examples: {flag: [A miracle treatment.], pass: [A useful treatment.]}
enabled: false
"""


@pytest.fixture(autouse=True)
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run(*args: object) -> object:
    return CliRunner().invoke(main, [str(a) for a in args])


def review_with(config: Config, *paths: Path) -> list[FileResult]:
    return review(list(paths), review_options(config)).files


def rules_of(result: FileResult) -> dict[str, str]:
    """{rule id: severity} of a post's findings (one finding per rule in these posts)."""
    return {f.rule: f.severity for f in result.findings}


def config_error(path: Path) -> ConfigError:
    """The error loading `path` and applying it to the us pack raises."""
    with pytest.raises(ConfigError) as caught:
        load_rules(review_options(load_config(path)))
    return caught.value


# ---- discovery --------------------------------------------------------------------------------

def test_yaml_config_is_found_by_walking_up_from_the_post(tmp_path: Path) -> None:
    config = write(tmp_path / ".medreview.yaml", "fail_on: warning\n")
    post = write(tmp_path / "blog" / "2025" / "post.md", CURE)
    assert discover(post) == config.resolve()
    assert find_config(post).fail_on == "warning"


def test_yml_spelling_is_found_too(tmp_path: Path) -> None:
    config = write(tmp_path / ".medreview.yml", "fail_on: info\n")
    assert discover(tmp_path) == config.resolve()


def test_pyproject_tool_table_is_found(tmp_path: Path) -> None:
    write(tmp_path / "pyproject.toml", """\
        [project]
        name = "site"

        [tool.medreview]
        fail_on = "warning"
        disable = ["readability.grade"]
        """)
    config = find_config(write(tmp_path / "posts" / "a.md", CURE))
    assert config.fail_on == "warning"
    assert config.switches == {"readability.grade": False}


def test_pyproject_without_the_table_is_passed_over(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: info\n")
    write(tmp_path / "site" / "pyproject.toml", "[project]\nname = 'site'\n")
    assert find_config(tmp_path / "site").fail_on == "info"


def test_yaml_wins_over_pyproject_in_the_same_folder(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: info\n")
    write(tmp_path / "pyproject.toml", "[tool.medreview]\nfail_on = 'warning'\n")
    assert find_config(tmp_path).fail_on == "info"


def test_discovery_stops_at_the_repository_root(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: info\n")
    (tmp_path / "repo" / ".git").mkdir(parents=True)
    post = write(tmp_path / "repo" / "posts" / "a.md", CURE)
    assert discover(post) is None
    assert find_config(post).files == ()


def test_explicit_config_skips_discovery(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: info\n")
    other = write(tmp_path / "ci" / "strict.yaml", "fail_on: warning\n")
    assert find_config(tmp_path, explicit=other).fail_on == "warning"


def test_no_config_ignores_a_discovered_file(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: info\n")
    assert find_config(tmp_path, ignore=True).fail_on is None


def test_config_and_no_config_together_are_refused(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="cannot be used together"):
        find_config(tmp_path, explicit=tmp_path / "x.yaml", ignore=True)


def test_missing_explicit_config_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="x.yaml: config file not found"):
        find_config(tmp_path, explicit=tmp_path / "x.yaml")


# ---- every key --------------------------------------------------------------------------------

def test_disable_turns_a_rule_off(tmp_path: Path) -> None:
    post = write(tmp_path / "a.md", CURE)
    assert "overclaim.cure" in rules_of(review_with(find_config(post), post)[0])
    write(tmp_path / ".medreview.yaml", "disable: [overclaim.cure]\n")
    assert "overclaim.cure" not in rules_of(review_with(find_config(post), post)[0])


def test_disable_accepts_a_family_glob(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "disable: ['overclaim.*']\n")
    ruleset = load_rules(review_options(find_config(tmp_path)))
    states = {r.id: r.enabled for r in ruleset.rules if r.info.family == "overclaim"}
    assert states and not any(states.values())


def test_enable_and_options_of_an_extra_rule_relative_to_the_config(tmp_path: Path) -> None:
    write(tmp_path / "house" / "banned.yaml", HOUSE_RULE)
    write(tmp_path / "cfg" / "medreview.yaml", """\
        rules: [../house]
        enable: [house.banned-word]
        options:
          house.banned-word: {exact: [wonder]}
        """)
    post = write(tmp_path / "a.md", "A wonder treatment. A miracle treatment.\n")
    found = review_with(load_config(tmp_path / "cfg" / "medreview.yaml"), post)[0].findings
    assert [f.excerpt for f in found if f.rule == "house.banned-word"] == ["wonder"]


def test_a_rule_disabled_in_its_file_stays_off_without_enable(tmp_path: Path) -> None:
    write(tmp_path / "house" / "banned.yaml", HOUSE_RULE)
    write(tmp_path / ".medreview.yaml", "rules: [house]\n")
    post = write(tmp_path / "a.md", "A miracle treatment.\n")
    assert "house.banned-word" not in rules_of(review_with(find_config(post), post)[0])


def test_severity_changes_the_level_of_findings_and_rule_info(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "severity: {overclaim.cure: warning}\n")
    post = write(tmp_path / "a.md", CURE)
    report = review([post], review_options(find_config(post)))
    assert rules_of(report.files[0])["overclaim.cure"] == "warning"
    assert report.rules["overclaim.cure"].level == "warning"


def test_severity_keeps_a_hedged_claim_one_step_lower(tmp_path: Path) -> None:
    post = write(tmp_path / "a.md", HEDGED_CURE)
    assert rules_of(review_with(find_config(post), post)[0])["overclaim.cure"] == "warning"
    write(tmp_path / ".medreview.yaml", "severity: {overclaim.cure: warning}\n")
    assert rules_of(review_with(find_config(post), post)[0])["overclaim.cure"] == "info"


def test_options_are_merged_over_the_rules_own(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "options: {readability.grade: {max: 12}}\n")
    ruleset = load_rules(review_options(find_config(tmp_path)))
    options = ruleset.get("readability.grade").options
    assert options["max"] == 12
    assert options["metric"] == load_ruleset().get("readability.grade").options["metric"]


def test_packs_fail_on_and_input_format_set_review_options(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "packs: [us]\nfail_on: warning\ninput_format: text\n")
    options = review_options(find_config(tmp_path))
    assert (options.packs, options.fail_on, options.input_format) == (("us",), "warning", "text")


def test_command_line_wins_over_the_config(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: warning\ninput_format: text\n")
    options = review_options(find_config(tmp_path), fail_on="never", input_format="html")
    assert (options.fail_on, options.input_format) == ("never", "html")


def test_exclude_globs_are_relative_to_the_config(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "exclude: ['drafts/**', '*.tmp.md']\n")
    kept = write(tmp_path / "posts" / "a.md", CURE)
    write(tmp_path / "drafts" / "b.md", CURE)
    write(tmp_path / "posts" / "c.tmp.md", CURE)
    paths = [r.path for r in review_with(find_config(tmp_path), tmp_path)]
    assert paths == [kept.relative_to(tmp_path).as_posix()]


@pytest.mark.parametrize(("pattern", "path", "expected"), [
    ("archive/**", "archive/2019/post.md", True),
    ("archive/**", "posts/archive/post.md", False),
    ("archive", "posts/archive/post.md", True),
    ("*.txt", "a/b/c.txt", True),
    ("posts/*.md", "posts/a/b.md", False),
    ("posts/**/*.md", "posts/a/b.md", True),
    ("posts/**/*.md", "posts/b.md", True),
    ("po?ts/a.md", "posts/a.md", True),
])
def test_glob_match(pattern: str, path: str, expected: bool) -> None:
    assert glob_match(pattern, path) is expected


# ---- extends and presets ----------------------------------------------------------------------

def test_strict_preset_fails_on_warnings_and_raises_readability(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "extends: strict\n")
    config = find_config(tmp_path)
    ruleset = load_rules(review_options(config))
    assert review_options(config).fail_on == "warning"
    assert ruleset.get("readability.grade").info.level == "error"


def test_ymyl_strict_raises_authorship_and_review_rules(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "extends: ymyl-strict\n")
    ruleset = load_rules(review_options(find_config(tmp_path)))
    raised = [r for r in ruleset.rules if r.info.family in ("authorship", "review")]
    assert raised and all(r.info.level == "error" for r in raised)
    assert ruleset.get("overclaim.hype-terms").info.level == "warning"


def test_extends_chain_child_wins_and_lists_add_up(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", """\
        extends: strict
        disable: [overclaim.cure]
        exclude: [drafts/**]
        severity: {claims.speed-of-effect: info}
        """)
    write(tmp_path / ".medreview.yaml", """\
        extends: base.yaml
        enable: [overclaim.cure]
        exclude: [old/**]
        fail_on: error
        """)
    config = find_config(tmp_path)
    assert config.files == ("preset:default", "preset:strict", "base.yaml", ".medreview.yaml")
    assert config.fail_on == "error"
    assert config.exclude == ("drafts/**", "old/**")
    ruleset = load_rules(review_options(config))
    assert ruleset.get("overclaim.cure").enabled
    assert ruleset.get("claims.speed-of-effect").info.level == "info"
    assert ruleset.get("readability.grade").info.level == "error"


def test_extends_loop_is_an_error(tmp_path: Path) -> None:
    write(tmp_path / "a.yaml", "extends: b.yaml\n")
    write(tmp_path / "b.yaml", "extends: a.yaml\n")
    with pytest.raises(ConfigError, match="loops back"):
        load_config(tmp_path / "a.yaml")


def test_unknown_preset_names_the_line_and_the_presets(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: error\nextends: stricter\n")
    with pytest.raises(ConfigError) as caught:
        find_config(tmp_path)
    assert caught.value.render() == (".medreview.yaml:2: unknown preset 'stricter' "
                                     "(presets: default, strict, ymyl-strict)")


# ---- errors name the file and line ------------------------------------------------------------

@pytest.mark.parametrize(("text", "line", "problem"), [
    ("fail_on: error\ncolour: red\n", 2, "unknown key 'colour'"),
    ("disable:\n  - overclaim.cure\n  - overclaim.cuer\n", 3, "unknown rule id 'overclaim.cuer'"),
    ("enable: ['nosuch.*']\n", 1, "unknown rule glob 'nosuch.*'"),
    ("severity:\n  overclaim.cure: fatal\n", 2, "severity of 'overclaim.cure' must be one of"),
    ("severity:\n  overclaim.cuer: error\n", 2, "unknown rule id 'overclaim.cuer'"),
    ("options:\n  overclaim.cure:\n    colour: red\n", 3, "unknown option 'colour' for rule"),
    ("options:\n  readability.grade:\n    max: eight\n", 3,
     "option 'max' of 'readability.grade' must be a int or float"),
    ("options:\n  waiver.unused: {x: 1}\n", 2, "rule 'waiver.unused' has no options"),
    ("packs: [us, mars]\n", 1, "unknown rule pack 'mars'"),
    ("rules: [nowhere]\n", 1, "no such rule file or directory: nowhere"),
    ("fail_on: sometimes\n", 1, "'fail_on' must be one of"),
    ("input_format: pdf\n", 1, "'input_format' must be one of"),
    ("disable: overclaim.cure\n", 1, "'disable' must be a list of strings"),
    ("overrides:\n  - files: [a/**]\n    enable: [x]\n", 3, "unknown key 'enable' in overrides"),
    ("overrides:\n  - disable: [overclaim.cure]\n", 2, "each override needs 'files'"),
    ("overrides:\n  - files: [a/**]\n    severity: {overclaim.cuer: info}\n", 3,
     "unknown rule id 'overclaim.cuer'"),
    ("disable: [overclaim.cure\n", 2, "invalid YAML"),
])
def test_yaml_errors_name_file_and_line(tmp_path: Path, text: str, line: int, problem: str) -> None:
    error = config_error(write(tmp_path / ".medreview.yaml", text))
    assert (error.path, error.line) == (".medreview.yaml", line)
    assert problem in error.problem


def test_unknown_rule_id_suggests_the_close_match(tmp_path: Path) -> None:
    error = config_error(write(tmp_path / ".medreview.yaml", "disable: [overclaim.cuer]\n"))
    assert error.hint == "did you mean overclaim.cure?"


def test_error_in_an_extended_file_names_that_file(tmp_path: Path) -> None:
    write(tmp_path / "base.yaml", "fail_on: error\nseverity: {overclaim.cuer: info}\n")
    error = config_error(write(tmp_path / ".medreview.yaml", "extends: base.yaml\n"))
    assert (error.path, error.line) == ("base.yaml", 2)


PYPROJECT = """\
[project]
name = "site"

[tool.medreview]
fail_on = "warning"
disable = ["overclaim.cuer"]

[tool.medreview.severity]
"claims.speed-of-effect" = "loud"

[[tool.medreview.overrides]]
files = ["archive/**"]
disable = ["readability.grade"]

[[tool.medreview.overrides]]
files = ["old/**"]
colour = "red"
"""


def test_toml_line_numbers_are_found_by_scanning() -> None:
    lines = toml_lines(PYPROJECT)
    assert lines[("tool", "medreview", "disable")] == 6
    assert lines[("tool", "medreview", "severity", "claims.speed-of-effect")] == 9
    assert lines[("tool", "medreview", "overrides", "0", "disable")] == 13
    assert lines[("tool", "medreview", "overrides", "1", "colour")] == 17


@pytest.mark.parametrize(("replace", "line", "problem"), [
    ({}, 9, "severity of 'claims.speed-of-effect' must be one of"),
    ({'"loud"': '"info"', 'colour = "red"': ""}, 6, "unknown rule id 'overclaim.cuer'"),
    ({'"loud"': '"info"', "cuer": "cure"}, 17, "unknown key 'colour' in overrides"),
    ({'fail_on = "warning"': "fail_on = "}, 5, "invalid TOML"),
])
def test_pyproject_errors_name_file_and_line(tmp_path: Path, replace: dict[str, str], line: int,
                                             problem: str) -> None:
    text = PYPROJECT
    for old, new in replace.items():
        text = text.replace(old, new)
    error = config_error(write(tmp_path / "pyproject.toml", text))
    assert (error.path, error.line) == ("pyproject.toml", line)
    assert problem in error.problem


# ---- path overrides ---------------------------------------------------------------------------

def test_overrides_apply_only_to_matching_paths(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", """\
        overrides:
          - files: [archive/**]
            disable: [claims.speed-of-effect]
            severity: {overclaim.cure: info}
        """)
    current = write(tmp_path / "posts" / "a.md", CURE + "\n" + SPEED)
    archived = write(tmp_path / "archive" / "a.md", CURE + "\n" + SPEED)
    now, old = review_with(find_config(tmp_path), current, archived)
    assert rules_of(now)["overclaim.cure"] == "error"
    assert rules_of(now)["claims.speed-of-effect"] == "warning"
    assert rules_of(old)["overclaim.cure"] == "info"
    assert "claims.speed-of-effect" not in rules_of(old)


def test_override_options_give_matching_posts_their_own_rule_options(tmp_path: Path) -> None:
    write(tmp_path / "house" / "banned.yaml", HOUSE_RULE.replace("enabled: false\n", ""))
    write(tmp_path / ".medreview.yaml", """\
        rules: [house]
        overrides:
          - files: [clinic/**]
            options: {house.banned-word: {exact: [wonder]}}
        """)
    text = "A wonder treatment. A miracle treatment.\n"
    blog, clinic = write(tmp_path / "blog" / "a.md", text), write(tmp_path / "clinic" / "a.md", text)
    found = review_with(find_config(tmp_path), blog, clinic)
    excerpts = [[f.excerpt for f in r.findings if f.rule == "house.banned-word"] for r in found]
    assert excerpts == [["miracle"], ["wonder"]]


def test_later_override_wins(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", """\
        overrides:
          - files: ["**/*.md"]
            severity: {overclaim.cure: info}
          - files: [posts/**]
            severity: {overclaim.cure: warning}
        """)
    post = write(tmp_path / "posts" / "a.md", CURE)
    assert rules_of(review_with(find_config(tmp_path), post)[0])["overclaim.cure"] == "warning"


# ---- the ruleset hash ------------------------------------------------------------------------

def sha(tmp_path: Path, text: str | None) -> str:
    config = Config(root=tmp_path)
    if text is not None:
        config = load_config(write(tmp_path / ".medreview.yaml", text))
    return load_rules(review_options(config)).sha256


def test_ruleset_hash_changes_with_every_rule_setting(tmp_path: Path) -> None:
    plain = sha(tmp_path, None)
    hashes = {plain, sha(tmp_path, "disable: [overclaim.cure]\n"),
              sha(tmp_path, "severity: {overclaim.cure: warning}\n"),
              sha(tmp_path, "options: {readability.grade: {max: 9}}\n"),
              sha(tmp_path, "options: {readability.grade: {max: 10}}\n"),
              sha(tmp_path, "overrides: [{files: [a/**], disable: [overclaim.cure]}]\n")}
    assert len(hashes) == 6


def test_ruleset_hash_is_unchanged_by_settings_that_do_not_touch_rules(tmp_path: Path) -> None:
    assert sha(tmp_path, None) == sha(tmp_path, "fail_on: warning\nexclude: [drafts/**]\n")
    assert sha(tmp_path, "severity: {overclaim.cure: info}\n") == \
        sha(tmp_path, "severity: {overclaim.cure: info}\n")


# ---- command line -----------------------------------------------------------------------------

def test_check_uses_discovered_config_and_no_config_ignores_it(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: warning\n")
    post = write(tmp_path / "posts" / "a.md", SPEED)
    assert run("check", post, "--format", "json").exit_code == 1
    assert run("check", post, "--no-config").exit_code == 0
    assert run("check", post, "--fail-on", "error").exit_code == 0


def test_check_with_explicit_config(tmp_path: Path) -> None:
    config = write(tmp_path / "ci.yaml", "disable: [overclaim.cure]\n")
    post = write(tmp_path / "a.md", CURE)
    data = json.loads(run("check", post, "--config", config, "--format", "json").stdout)
    assert "overclaim.cure" not in [f["rule"] for f in data["files"][0]["findings"]]
    assert "overclaim.cure" not in data["ruleset"]["rules"]


def test_bad_config_exits_2_with_file_and_line(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "fail_on: error\nseverity: {overclaim.cure: loud}\n")
    result = run("check", write(tmp_path / "a.md", CURE))
    assert result.exit_code == 2
    assert result.stderr.startswith("medreview: error: .medreview.yaml:2: severity of "
                                    "'overclaim.cure' must be one of error, warning, info")


def test_rules_list_shows_the_configured_state(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "disable: [overclaim.cure]\n"
                                        "severity: {claims.speed-of-effect: error}\n")
    lines = {line.split()[0]: line for line in run("rules", "list").output.splitlines()}
    assert lines["overclaim.cure"].endswith("(disabled)")
    assert lines["claims.speed-of-effect"].split()[2] == "error"
    assert "(disabled)" not in run("rules", "list", "--no-config").output


def test_rules_show_explains_a_waiver_rule() -> None:
    result = run("rules", "show", "waiver.unused")
    assert result.exit_code == 0
    assert "RUF100" in result.output and "reportUnusedDisableDirectives" in result.output


def test_config_show_prints_the_effective_config_and_hash(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "extends: strict\ndisable: [overclaim.cure]\n")
    result = run("config", "show")
    assert result.exit_code == 0, result.output
    head, *_ = result.output.splitlines()
    assert head == "# config files (base first): preset:default, preset:strict, .medreview.yaml"
    assert "fail_on: warning" in result.output and "- overclaim.cure" in result.output
    expected = load_rules(review_options(find_config(tmp_path))).sha256
    assert f"# ruleset sha256: {expected}" in result.output
    assert run("config", "show").output == result.output


def test_config_show_validates(tmp_path: Path) -> None:
    write(tmp_path / ".medreview.yaml", "disable: [nosuch.rule]\n")
    result = run("config", "show")
    assert result.exit_code == 2
    assert ".medreview.yaml:1: unknown rule id 'nosuch.rule'" in result.stderr


def test_review_options_default_without_config(tmp_path: Path) -> None:
    options = review_options(Config(root=tmp_path))
    assert (options.packs, options.fail_on, options.extra_rules) == (("us",), "error", ())
    assert isinstance(options, ReviewOptions)
