"""The result cache: exact round trips, hits that equal misses, invalidation by rules and
version, damaged entries ignored, concurrent writers, pruning to size."""

from __future__ import annotations

import datetime
import json
import math
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import medreview
from medreview import cache as cache_module
from medreview.api import ReviewOptions, review, review_file
from medreview.cache import ResultCache, result_from_dict, result_to_dict
from medreview.cli import main
from medreview.engine import Engine
from medreview.model import FileResult, Finding, SourceRef, Waiver
from medreview.paths import builtin_rules_dir
from medreview.ruleset import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_posts"
CURE = "# Infusions\n\nOur infusion protocol cures depression.\n"


def finding(**changes: object) -> Finding:
    data: dict = dict(rule="overclaim.cure", code="MR101", severity="error", message="Cure claim",
                      start=10, end=15, line=2, column=3, end_line=2, end_column=8,
                      excerpt="cures", sentence="It cures.", suggestion="Say less.",
                      sources=(SourceRef("FTC", "https://ftc.gov"), SourceRef("FDA")),
                      fingerprint="ab" * 16)
    data.update(changes)
    return Finding(**data)


def test_a_file_result_round_trips_exactly_through_json() -> None:
    result = FileResult(
        path="posts/a.md", format="markdown", sha256="0" * 64,
        findings=[finding(), finding(line=3, severity="warning")],
        metrics={"words": 120, "smog_index": 9.5, "smog_low_confidence": True},
        front_matter={"title": "A", "date": datetime.date(2025, 5, 1),
                      "updated": datetime.datetime(2025, 5, 1, 9, 30),
                      "tags": ["x", 1, None], "nested": {"__odd": (1, 2)}, 2024: "year key"},
        sections=[{"heading": "Risks", "level": 2, "line": 5, "categories": ["safety"],
                   "metrics": {"words": 3}}],
        waivers=[Waiver(rules=("overclaim.cure",), reason="quoted", line=4, scope="next-line")],
        suppressed=[finding(waived_by="quoted")])
    text = json.dumps(result_to_dict(result))
    back = result_from_dict(json.loads(text))
    assert back == result
    assert type(back.front_matter["date"]) is datetime.date
    assert isinstance(back.findings[0].sources, tuple)


def test_every_sample_posts_result_round_trips_exactly() -> None:
    engine = Engine(load_ruleset(("us",)))
    for path in sorted(SAMPLES.iterdir()):
        if path.suffix in (".md", ".txt", ".html"):
            result = review_file(engine, path)
            assert result.findings or path.name == "ketamine-depression-plain.md"
            assert result_from_dict(json.loads(json.dumps(result_to_dict(result)))) == result


def test_a_value_json_cannot_carry_exactly_is_not_cached(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path)
    assert not cache.put("k" * 64, FileResult(path="a.md", metrics={"grade": math.nan}))
    assert not cache.put("j" * 64, FileResult(path="a.md", front_matter={"when": datetime.time(9)}))
    assert cache.get("k" * 64) is None and not list(tmp_path.rglob("*.json"))


def run_check(*args: object) -> object:
    return CliRunner().invoke(main, ["check", *map(str, args), "--format", "json"])


def posts_dir(tmp_path: Path) -> Path:
    posts = tmp_path / "posts"
    posts.mkdir()
    for sample in SAMPLES.iterdir():
        if sample.suffix in (".md", ".txt", ".html"):
            shutil.copy(sample, posts / sample.name)
    (posts / "cure.md").write_text(CURE)
    return posts


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*/*.json"))


def test_a_cache_hit_gives_exactly_the_output_of_a_miss(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    posts, cache_dir = posts_dir(tmp_path), tmp_path / "cache"
    cold = run_check(posts, "--cache-dir", cache_dir)
    assert len(entries(cache_dir)) == 5

    def no_review(*_: object) -> None:
        raise AssertionError("a cached post was reviewed again")

    monkeypatch.setattr(Engine, "review", no_review)
    warm = run_check(posts, "--cache-dir", cache_dir)
    assert (warm.exit_code, warm.stdout) == (cold.exit_code, cold.stdout)
    assert json.loads(warm.stdout)["summary"]["error"] > 0


def test_no_cache_neither_reads_nor_writes(tmp_path: Path) -> None:
    posts, cache_dir = posts_dir(tmp_path), tmp_path / "cache"
    run_check(posts, "--cache-dir", cache_dir, "--no-cache")
    assert not cache_dir.exists()


def test_the_decide_stage_runs_after_the_cache(tmp_path: Path) -> None:
    """Cached results are pre-decide: a baseline added later still hides the known finding."""
    post = tmp_path / "cure.md"
    post.write_text(CURE)
    cache_dir, baseline = tmp_path / "cache", tmp_path / "baseline.json"
    first = run_check(post, "--cache-dir", cache_dir)
    assert "overclaim.cure" in first.stdout
    CliRunner().invoke(main, ["baseline", "create", str(post), "-o", str(baseline)])
    second = run_check(post, "--cache-dir", cache_dir, "--baseline", baseline)
    data = json.loads(second.stdout)
    assert data["summary"]["baselined"] >= 1
    assert "overclaim.cure" not in [f["rule"] for f in data["files"][0]["findings"]]


def test_a_changed_rule_file_invalidates_the_cache(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    rules.mkdir()
    shutil.copy(builtin_rules_dir() / "us" / "overclaim.cure.yaml", rules / "cure.yaml")
    post = tmp_path / "cure.md"
    post.write_text(CURE)
    options = ReviewOptions(packs=(), extra_rules=(rules,), cache_dir=tmp_path / "cache")
    [before] = review([post], options).files[0].findings
    assert before.message.startswith("Cure claim:")
    text = (rules / "cure.yaml").read_text()
    (rules / "cure.yaml").write_text(text.replace("message: 'Cure claim:",
                                                  "message: 'Cure wording:"))
    [after] = review([post], options).files[0].findings
    assert after.message.startswith("Cure wording:")
    assert len(entries(tmp_path / "cache")) == 2


def test_a_new_tool_version_misses(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    post = tmp_path / "cure.md"
    post.write_text(CURE)
    options = ReviewOptions(cache_dir=tmp_path / "cache")
    review([post], options)
    reviewed: list[str] = []
    original = Engine.review
    monkeypatch.setattr(Engine, "review",
                        lambda self, src: reviewed.append(src.path) or original(self, src))
    review([post], options)
    assert reviewed == []
    monkeypatch.setattr(medreview, "__version__", "99.0.0")
    review([post], options)
    assert len(reviewed) == 1
    assert len(entries(tmp_path / "cache")) == 2


def test_the_key_covers_path_format_and_content(tmp_path: Path) -> None:
    from medreview.source import source_from_bytes

    cache = ResultCache(tmp_path)
    base = source_from_bytes(CURE.encode(), "a.md", "markdown")
    keys = {cache.key(base, "rules"), cache.key(base, "other rules"),
            cache.key(source_from_bytes(CURE.encode(), "b.md", "markdown"), "rules"),
            cache.key(source_from_bytes(CURE.encode(), "a.md", "text"), "rules"),
            cache.key(source_from_bytes(CURE.encode() + b"\n", "a.md", "markdown"), "rules")}
    assert len(keys) == 5
    again = source_from_bytes(CURE.encode(), "a.md", "markdown")
    assert cache.key(base, "rules") == cache.key(again, "rules")


@pytest.mark.parametrize("damage", [
    lambda text: text[: len(text) // 2],  # truncated by a crash
    lambda text: "",
    lambda text: "\x00\x01 not json",
    lambda text: json.dumps({"key": "someone else's", "result": json.loads(text)["result"]}),
    lambda text: json.dumps({"key": json.loads(text)["key"], "result": {"__model__": "Nope"}}),
])
def test_a_damaged_entry_is_ignored_and_rewritten(tmp_path: Path, damage: object) -> None:
    post, cache_dir = tmp_path / "cure.md", tmp_path / "cache"
    post.write_text(CURE)
    good = run_check(post, "--cache-dir", cache_dir)
    [entry] = entries(cache_dir)
    entry.write_text(damage(entry.read_text()))  # type: ignore[operator]
    again = run_check(post, "--cache-dir", cache_dir)
    assert (again.exit_code, again.stdout) == (good.exit_code, good.stdout)
    assert json.loads(entry.read_text())["key"] == entry.stem


WRITER = """
import sys
from pathlib import Path
from medreview.cache import ResultCache
from medreview.model import FileResult, Finding
cache = ResultCache(Path(sys.argv[1]))
me = sys.argv[2]
for round in range(300):
    for key in ("a" * 64, "b" * 64):
        result = FileResult(path=me, metrics={"round": round}, findings=[])
        cache.put(key, result)
        seen = cache.get(key)
        if seen is not None and seen.path not in ("one", "two"):
            sys.exit("read a damaged entry")
"""


def test_two_processes_writing_the_same_entries_never_damage_them(tmp_path: Path) -> None:
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(tmp_path), name])
             for name in ("one", "two")]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    for entry in entries(tmp_path):
        assert ResultCache(tmp_path).get(entry.stem).path in ("one", "two")
    assert not [p for p in tmp_path.rglob("*") if p.name.startswith(".tmp-")]


def test_two_cli_runs_sharing_a_cache_agree(tmp_path: Path) -> None:
    posts, cache_dir = posts_dir(tmp_path), tmp_path / "cache"
    command = [sys.executable, "-m", "medreview", "check", str(posts), "--format", "json",
               "--cache-dir", str(cache_dir), "--jobs", "1"]
    procs = [subprocess.Popen(command, stdout=subprocess.PIPE, cwd=tmp_path) for _ in range(2)]
    outputs = [p.communicate(timeout=300)[0] for p in procs]
    assert outputs[0] == outputs[1] and b'"overclaim.cure"' in outputs[0]
    assert len(entries(cache_dir)) == 5


def test_pruning_removes_the_least_recently_used_entries(tmp_path: Path) -> None:
    cache = ResultCache(tmp_path, max_bytes=4000)
    for number in range(10):
        cache.put(f"{number:064d}", FileResult(path=f"post-{number}.md", metrics={"x": "y" * 500}))
        os.utime(tmp_path / "00" / f"{number:064d}.json", (1000 + number, 1000 + number))
    cache.get(f"{0:064d}")  # used just now: survives
    cache.prune()
    kept = {p.stem for p in entries(tmp_path)}
    assert sum(p.stat().st_size for p in entries(tmp_path)) <= 4000
    assert f"{0:064d}" in kept and f"{9:064d}" in kept and f"{1:064d}" not in kept


def test_the_cache_key_needs_no_spacy() -> None:
    code = ("import sys; from medreview.cache import engine_fingerprint; engine_fingerprint(); "
            "print('spacy' in sys.modules)")
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          check=True).stdout.strip() == "False"


def test_the_engine_fingerprint_covers_the_tool_version(monkeypatch: pytest.MonkeyPatch) -> None:
    before = cache_module.engine_fingerprint()
    monkeypatch.setattr(medreview, "__version__", "0.0.0-other")
    assert cache_module.engine_fingerprint() != before


def test_the_default_cache_stays_out_of_git(tmp_path: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    (tmp_path / "cure.md").write_text(CURE)
    monkeypatch.chdir(tmp_path)
    assert CliRunner().invoke(main, ["check", "cure.md"]).exit_code == 1
    assert len(entries(tmp_path / ".medreview" / "cache")) == 1
    untracked = subprocess.run(["git", "ls-files", "--others", "--exclude-standard"], check=True,
                               capture_output=True, text=True, cwd=tmp_path).stdout.split()
    assert untracked == ["cure.md"]
    assert (tmp_path / ".medreview" / "cache" / "CACHEDIR.TAG").read_text().startswith(
        "Signature: 8a477f597d28d172789f06886806bc55")


def test_a_read_only_cache_still_answers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache = ResultCache(tmp_path / "cache")
    result = FileResult(path="a.md", metrics={"words": 3})
    assert cache.put("c" * 64, result)

    def refuse(*_: object, **__: object) -> None:
        raise PermissionError(13, "Read-only file system")

    monkeypatch.setattr(cache_module.os, "utime", refuse)
    monkeypatch.setattr(cache_module.tempfile, "mkstemp", refuse)
    assert cache.get("c" * 64) == result  # a hit, though its mtime cannot be refreshed
    assert not cache.put("d" * 64, result)  # cannot write: no entry, and no error
    assert cache.get("d" * 64) is None
