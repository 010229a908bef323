"""jsonl: one valid JSON object per post in input order, then a summary; streamed by the CLI as
posts are reviewed, with nothing held back."""

from __future__ import annotations

import gc
import json
import shutil
import weakref
from dataclasses import replace
from pathlib import Path

import pytest
from click.testing import CliRunner
from report_fixtures import all_reports, multi_post_report

from medreview import api
from medreview.api import ReviewOptions, ReviewRun
from medreview.cli import main
from medreview.reporters import json as json_reporter
from medreview.reporters import jsonl

SAMPLES = Path(__file__).resolve().parent.parent / "sample_posts"
CURE = "Our infusion protocol cures depression.\n"


@pytest.mark.parametrize("name", sorted(all_reports()))
def test_each_line_is_a_post_then_one_summary(name: str) -> None:
    report = all_reports()[name]
    lines = jsonl.render(report).splitlines()
    objects = [json.loads(line) for line in lines]
    assert len(lines) == len(report.files) + 1
    expected = json_reporter.report_dict(report)
    assert [o.pop("type") for o in objects] == ["file"] * len(report.files) + ["summary"]
    assert objects[:-1] == expected.pop("files")
    assert objects[-1] == expected


def test_the_summary_of_a_streamed_run_takes_the_totals_given() -> None:
    report = multi_post_report()
    totals = report.summary()
    streamed = jsonl.summary_line(replace(report, files=[]), totals)
    assert streamed == jsonl.render(report).splitlines(keepends=True)[-1]


def run(*args: object) -> object:
    return CliRunner().invoke(main, ["check", *map(str, args), "--no-cache"])


@pytest.fixture()
def posts(tmp_path: Path) -> Path:
    folder = tmp_path / "posts"
    folder.mkdir()
    for sample in SAMPLES.iterdir():
        if sample.suffix in (".md", ".txt", ".html"):
            shutil.copy(sample, folder / sample.name)
    (folder / "cure.md").write_text(CURE)
    (folder / "empty.md").write_text("")
    return folder


def test_the_cli_streams_one_line_per_post_and_a_summary(posts: Path) -> None:
    streamed, whole = run(posts, "--format", "jsonl"), run(posts, "--format", "json")
    assert streamed.exit_code == whole.exit_code == 2  # empty.md cannot be reviewed
    objects = [json.loads(line) for line in streamed.stdout.splitlines()]
    report = json.loads(whole.stdout)
    assert [o["path"] for o in objects[:-1]] == [f["path"] for f in report["files"]]
    assert [{k: v for k, v in o.items() if k != "type"} for o in objects[:-1]] == report["files"]
    assert objects[-1]["type"] == "summary"
    assert objects[-1]["summary"] == report["summary"]
    assert "empty.md" in streamed.stderr


def test_streamed_lines_equal_the_rendered_report(posts: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.jsonl"
    to_file = run(posts, "--format", "jsonl", "-o", out)
    both = run(posts, "--format", "json", "-o", tmp_path / "r.json", "--format", "jsonl")
    assert to_file.stdout == ""
    assert out.read_text() == both.stdout == run(posts, "--format", "jsonl").stdout


def test_exit_codes_follow_the_streamed_findings(tmp_path: Path) -> None:
    post = tmp_path / "cure.md"
    post.write_text(CURE)
    assert run(post, "--format", "jsonl").exit_code == 1
    assert run(post, "--format", "jsonl", "--fail-on", "never").exit_code == 0


def test_each_line_is_written_before_the_next_post_is_reviewed(
        posts: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    events: list[str] = []
    review_source, file_line = api.review_source, jsonl.file_line
    monkeypatch.setattr(api, "review_source", lambda engine, source: events.append("review")
                        or review_source(engine, source))
    monkeypatch.setattr(jsonl, "file_line",
                        lambda result: events.append("line") or file_line(result))
    assert run(posts, "--format", "jsonl", "--jobs", "1").exit_code == 2
    trace = "".join(event[0] for event in events)  # r: a post reviewed, l: a line written
    assert trace.count("r") >= 4 and trace.count("l") == len(list(posts.iterdir()))
    assert "rr" not in trace  # every reviewed post was written out before the next review


def test_a_run_keeps_no_file_results(tmp_path: Path) -> None:
    for number in range(40):
        (tmp_path / f"p{number:02d}.md").write_text(f"# Post {number}\n\n{CURE}")
    run_ = ReviewRun([tmp_path], ReviewOptions(jobs=1))
    refs = []
    for result in run_:
        refs.append(weakref.ref(result))
        del result
    gc.collect()
    assert len(refs) == 40 and [r for r in refs if r() is not None] == []
    assert run_.counts["files"] == 40 and run_.counts["error"] >= 40  # each post has a cure claim
