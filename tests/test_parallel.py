"""Worker processes: output identical to a serial run, input order kept, bounded look-ahead,
small runs serial; no spaCy for commands that need no NLP; the progress bar only on a tty."""

from __future__ import annotations

import importlib.util
import io
import json
import multiprocessing
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Iterator

import pytest
from click.testing import CliRunner

from medreview import parallel
from medreview.api import collect, display_path, review_source
from medreview.cli import main
from medreview.model import FileResult
from medreview.progress import progress
from medreview.ruleset import load_ruleset
from medreview.source import source_from_bytes

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "sample_posts"


def load_corpus_module() -> object:
    spec = importlib.util.spec_from_file_location("corpus", ROOT / "benchmarks" / "corpus.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Sample posts, 30 generated posts and an unreadable one in the middle."""
    root = tmp_path_factory.mktemp("site")
    for sample in SAMPLES.iterdir():
        if sample.suffix in (".md", ".txt", ".html"):
            shutil.copy(sample, root / sample.name)
    load_corpus_module().generate(root / "generated", 30)  # type: ignore[attr-defined]
    (root / "generated" / "post-000015.md").write_bytes(b"\x00\x01binary")
    return root


def check_json(*args: object) -> tuple[int, str]:
    result = CliRunner().invoke(main, ["check", *map(str, args), "--format", "json", "--no-cache"])
    return result.exit_code, result.stdout


@pytest.mark.parametrize("method", [m for m in ("fork", "forkserver", "spawn")
                                    if m in multiprocessing.get_all_start_methods()])
def test_two_jobs_give_exactly_the_serial_output(site: Path, monkeypatch: pytest.MonkeyPatch,
                                                 method: str) -> None:
    started: list[int] = []
    start_pool = parallel._start_pool
    monkeypatch.setattr(parallel, "_start_pool",
                        lambda *args: started.append(args[2]) or start_pool(*args))
    monkeypatch.setattr(parallel, "start_method", lambda: method)
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 2)
    serial = check_json(site, "--jobs", "1")
    assert started == []
    pooled = check_json(site, "--jobs", "2")
    assert started == [2]
    assert pooled == serial
    files = json.loads(serial[1])["files"]
    assert [f["path"] for f in files] == [display_path(p) for p in collect([site])]
    [unreadable] = [f for f in files if f["error"]]
    assert unreadable["path"].endswith("generated/post-000015.md")
    assert "binary file" in unreadable["error"] and len(files) >= 31


def test_pooled_results_keep_input_order_with_cache_hits_in_between(
        site: Path, tmp_path: Path) -> None:
    cache_dir = tmp_path / "cache"
    some = sorted((site / "generated").glob("post-00000*.md"))
    CliRunner().invoke(main, ["check", *map(str, some), "--cache-dir", str(cache_dir)])
    serial = check_json(site, "--jobs", "1")
    mixed = CliRunner().invoke(main, ["check", str(site), "--format", "json", "--jobs", "2",
                                      "--cache-dir", str(cache_dir)])
    assert (mixed.exit_code, mixed.stdout) == serial


def test_small_runs_and_one_job_stay_serial() -> None:
    assert parallel.effective_jobs(8, parallel.SERIAL_BELOW - 1) == 1
    assert parallel.effective_jobs(1, 10_000) == 1
    assert parallel.effective_jobs(4, 10_000) == 4
    assert parallel.effective_jobs(None, 10_000) == parallel.default_jobs()
    assert parallel.effective_jobs(8, parallel.SERIAL_BELOW) == 8


def test_the_pool_reads_ahead_only_a_bounded_number_of_posts() -> None:
    rulesets = parallel.RuleSets()
    rules = rulesets.add(load_ruleset(("us",)))
    produced: list[int] = []

    def items() -> Iterator[parallel.Item]:
        for number in range(200):
            produced.append(number)
            text = f"# Post {number}\n\nOur infusion protocol cures depression.\n"
            source = source_from_bytes(text.encode(), f"p{number}.md", "markdown")
            yield parallel.Post(source, rules)

    stream = parallel.review_stream(items(), rulesets, review_source, jobs=2)
    first = next(stream)
    assert first.path == "p0.md" and "overclaim.cure" in [f.rule for f in first.findings]
    assert len(produced) <= (2 * parallel.AHEAD + 1) * parallel.BATCH_SIZE
    assert [r.path for r in stream] == [f"p{n}.md" for n in range(1, 200)]


def test_finished_results_pass_through_in_place() -> None:
    done = [FileResult(path="a.md", error="unreadable"), FileResult(path="b.md", error="x")]
    assert list(parallel.review_stream(iter(done), {}, lambda *_: None, jobs=2)) == done


def test_a_rule_set_object_is_fingerprinted_once() -> None:
    rulesets = parallel.RuleSets()
    ruleset = load_ruleset(("us",))
    assert rulesets.add(ruleset) == rulesets.add(ruleset) and list(rulesets.values()) == [ruleset]


@pytest.mark.parametrize("args", [["--help"], ["rules", "list"], ["check", "--help"],
                                  ["rules", "show", "overclaim.cure"]])
def test_commands_that_need_no_nlp_do_not_import_spacy(args: list[str]) -> None:
    code = ("import sys\nfrom medreview.cli import main\n"
            f"try:\n    main({args!r})\nexcept SystemExit:\n    pass\n"
            "print('spacy' in sys.modules, 'textstat' in sys.modules, file=sys.stderr)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert done.stderr.strip().splitlines()[-1] == "False False"


def test_a_fully_cached_run_does_not_import_spacy(tmp_path: Path) -> None:
    post = tmp_path / "cure.md"
    post.write_text("Our infusion protocol cures depression.\n")
    code = ("import sys\nfrom medreview.cli import main\n"
            f"try:\n    main(['check', {str(post)!r}, '--cache-dir', {str(tmp_path / 'c')!r}])\n"
            "except SystemExit:\n    pass\n"
            "print('spacy' in sys.modules, file=sys.stderr)")
    runs = [subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
            for _ in range(2)]
    assert [r.stderr.strip().splitlines()[-1] for r in runs] == ["True", "False"]
    assert runs[0].stdout == runs[1].stdout and "overclaim.cure" in runs[1].stdout


def test_no_progress_output_when_stderr_is_not_a_terminal(site: Path) -> None:
    result = CliRunner().invoke(main, ["check", str(site / "generated"), "--jobs", "1",
                                       "--no-cache", "--format", "json"])
    assert len(json.loads(result.stdout)["files"]) == 30
    [line] = result.stderr.splitlines()  # only the unreadable post's error, no bar
    assert line.startswith("medreview: error: ") and "post-000015.md" in line


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_is_drawn_on_a_terminal_only() -> None:
    terminal, pipe = Terminal(), io.StringIO()
    assert list(progress(iter(range(5)), 5, terminal)) == list(range(5))
    assert "Reviewing" in terminal.getvalue() and "5/5" in terminal.getvalue()
    assert list(progress(iter(range(5)), 5, pipe)) == list(range(5))
    assert pipe.getvalue() == ""
    single = Terminal()
    assert list(progress(iter([1]), 1, single)) == [1] and single.getvalue() == ""


def test_readability_loads_without_importing_nltk() -> None:
    """textstat imports NLTK only to fetch cmudict, which medreview supplies: a process pays
    for neither (and a later `import nltk` still gets the real package)."""
    code = ("import sys\nfrom medreview import readability\n"
            "print(readability.measure('Short words. Plain text here.')['words'], "
            "'nltk' in sys.modules)\nimport nltk\nprint(hasattr(nltk, 'download'))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["5", "False", "True"]


def test_workers_fork_only_from_a_single_threaded_process() -> None:
    """fork copies other threads' locks, held or not: with a second thread running, workers
    start from a fork server (or spawn) instead."""
    import threading

    if not sys.platform.startswith("linux"):
        assert parallel.start_method() != "fork"
        return
    assert parallel.start_method() == "fork"
    stop = threading.Event()
    helper = threading.Thread(target=stop.wait)
    helper.start()
    try:
        assert parallel.start_method() == "forkserver"
    finally:
        stop.set()
        helper.join()


def test_config_overrides_for_some_posts_hold_in_workers(tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Posts a config override gives other rules get their own engine in each worker too, also
    when the first of them comes after the workers started (the first batch is all `posts/`)."""
    corpus = load_corpus_module()
    corpus.generate(tmp_path / "posts", parallel.BATCH_SIZE + 2)  # type: ignore[attr-defined]
    corpus.generate(tmp_path / "zarchive", 6)  # type: ignore[attr-defined]
    (tmp_path / ".medreview.yaml").write_text(
        "overrides:\n  - files: ['zarchive/**']\n    disable: [readability.*, overclaim.*]\n")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(parallel, "SERIAL_BELOW", 2)
    serial, pooled = (CliRunner().invoke(main, ["check", ".", "--format", "json", "--no-cache",
                                                "--jobs", jobs]) for jobs in ("1", "2"))
    assert (pooled.exit_code, pooled.stdout) == (serial.exit_code, serial.stdout)
    rules = {f["path"].split("/")[0]: set() for f in json.loads(serial.stdout)["files"]}
    for result in json.loads(serial.stdout)["files"]:
        rules[result["path"].split("/")[0]] |= {f["rule"] for f in result["findings"]}
    assert any(r.startswith("overclaim.") for r in rules["posts"])
    assert not any(r.startswith(("overclaim.", "readability.")) for r in rules["zarchive"])


def test_per_run_costs_are_paid_once_not_per_post(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """One engine (pipeline, compiled rules) per run; the pipeline, lemma table and CMU
    dictionary at most once per process."""
    from medreview import engine, nlp, readability
    from medreview.api import ReviewOptions, review

    for number in range(5):
        (tmp_path / f"p{number}.md").write_text(f"# Post {number}\n\nOur infusion cures depression "
                                                "in elderly patients within days.\n")
    built: list[int] = []
    init = engine.Engine.__init__
    monkeypatch.setattr(engine.Engine, "__init__",
                        lambda self, rules: built.append(1) or init(self, rules))
    lemma_tables: list[int] = []
    lemmas_init = nlp.LowerLemmas.__init__
    monkeypatch.setattr(nlp.LowerLemmas, "__init__",
                        lambda self: lemma_tables.append(1) or lemmas_init(self))
    nlp_before = nlp.get_nlp.cache_info().misses
    cmu_before = readability._cmu_dictionary.cache_info().misses
    report = review([tmp_path], ReviewOptions(jobs=1))
    assert len(report.files) == 5 and all(r.findings for r in report.files)
    assert built == [1]
    assert nlp.get_nlp.cache_info().misses - nlp_before <= 1
    assert readability._cmu_dictionary.cache_info().misses - cmu_before <= 1
    assert len(lemma_tables) <= 1
    review([tmp_path], ReviewOptions(jobs=1))
    assert len(lemma_tables) <= 1 and nlp.get_nlp.cache_info().misses - nlp_before <= 1
