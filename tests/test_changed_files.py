"""`--changed-since REV`: only posts git says changed, in a real temporary repository."""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from medreview.cli import main
from medreview.gitchanges import changed_files

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")

CURE = "Our infusion cures depression.\n"
SPACED = "posts/café notes “draft”.md"


def git(repo: Path, *args: str) -> str:
    done = subprocess.run(["git", *args], cwd=repo, capture_output=True, text=True, check=True)
    return done.stdout.strip()


def write(repo: Path, name: str, text: str = CURE) -> None:
    path = repo / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")


def commit(repo: Path, message: str) -> str:
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", message)
    return git(repo, "rev-parse", "HEAD")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A repository on branch `main` with five posts, and a `feature` branch checked out."""
    repo = tmp_path / "site"
    repo.mkdir()
    git(repo, "init", "-q", "-b", "main")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    for name in ("keep.md", "modify.md", "rename-me.md", "delete.md", "untouched.md"):
        write(repo, f"posts/{name}")
    commit(repo, "posts")
    git(repo, "checkout", "-q", "-b", "feature")
    monkeypatch.chdir(repo)
    return repo


def reviewed(*args: str) -> list[str]:
    result = run("check", *args, "--format", "json", "--fail-on", "never")
    assert result.exit_code == 0, result.output
    return [f["path"] for f in json.loads(result.stdout)["files"]]


def run(*args: object) -> Result:
    return CliRunner().invoke(main, [str(a) for a in args])


def test_only_added_modified_and_renamed_posts_are_reviewed(repo: Path) -> None:
    write(repo, "posts/added.md")
    write(repo, "posts/modify.md", CURE + "More.\n")
    git(repo, "mv", "posts/rename-me.md", "posts/renamed.md")
    git(repo, "rm", "-q", "posts/delete.md")
    write(repo, SPACED)
    commit(repo, "feature work")
    assert reviewed("posts", "--changed-since", "main") == [
        "posts/added.md", SPACED, "posts/modify.md", "posts/renamed.md"]


def test_uncommitted_staged_and_untracked_changes_count(repo: Path) -> None:
    write(repo, "posts/modify.md", CURE + "Unstaged edit.\n")
    write(repo, "posts/keep.md", CURE + "Staged edit.\n")
    git(repo, "add", "posts/keep.md")
    write(repo, "posts/new untracked.md")
    write(repo, "posts/ignored.md")
    write(repo, ".gitignore", "posts/ignored.md\n")
    (repo / "posts" / "untouched.md").unlink()  # deleted in the work tree only
    assert reviewed("posts", "--changed-since", "main") == [
        "posts/keep.md", "posts/modify.md", "posts/new untracked.md"]


def test_changes_on_the_base_branch_after_forking_do_not_count(repo: Path) -> None:
    write(repo, "posts/modify.md", CURE + "Feature edit.\n")
    commit(repo, "feature edit")
    git(repo, "checkout", "-q", "main")
    write(repo, "posts/keep.md", CURE + "Edited on main later.\n")
    commit(repo, "main edit")
    git(repo, "checkout", "-q", "feature")
    # REV...HEAD: from the merge base, so main's later edit is not this branch's change.
    assert reviewed("posts", "--changed-since", "main") == ["posts/modify.md"]


def test_changed_files_are_intersected_with_the_given_paths(repo: Path) -> None:
    write(repo, "posts/modify.md", CURE + "Edit.\n")
    write(repo, "drafts/new.md")
    write(repo, "notes.txt")
    assert reviewed("posts", "--changed-since", "main") == ["posts/modify.md"]
    assert reviewed("drafts", "posts/keep.md", "--changed-since", "main") == ["drafts/new.md"]
    assert reviewed(".", "--changed-since", "main", "--exclude", "drafts/*") == [
        "notes.txt", "posts/modify.md"]


def test_no_changes_reviews_nothing_and_exits_0(repo: Path) -> None:
    result = run("check", "posts", "--changed-since", "main")
    assert result.exit_code == 0
    assert result.stdout == "0 findings (0 error, 0 warning, 0 info) in 0 of 0 posts.\n"


def test_works_from_a_subdirectory_and_with_relative_revisions(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    write(repo, "posts/modify.md", CURE + "Edit.\n")
    commit(repo, "edit")
    monkeypatch.chdir(repo / "posts")
    assert changed_files("HEAD~1") == {(repo / "posts" / "modify.md").resolve()}
    assert reviewed(".", "--changed-since", "HEAD~1") == ["modify.md"]


def test_baseline_create_takes_changed_since(repo: Path) -> None:
    write(repo, "posts/modify.md", CURE + "Edit.\n")
    result = run("baseline", "create", "posts", "--changed-since", "main", "-o", "b.json")
    assert result.exit_code == 0, result.output
    entries = json.loads((repo / "b.json").read_text("utf-8"))["entries"]
    assert {e["path"] for e in entries} == {"posts/modify.md"}


@pytest.mark.parametrize(("rev", "message"), [
    ("no-such-branch", "--changed-since: unknown revision 'no-such-branch'"),
    ("--output=x", "--changed-since: '--output=x' is not a revision"),
])
def test_a_bad_revision_is_a_config_error(repo: Path, rev: str, message: str) -> None:
    result = run("check", "posts", "--changed-since", rev)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"medreview: error: {message}")
    assert len(result.stderr.splitlines()) == 1


def test_unrelated_history_is_a_config_error(repo: Path) -> None:
    git(repo, "checkout", "-q", "--orphan", "other")
    commit(repo, "unrelated root")
    result = run("check", "posts", "--changed-since", "main")
    assert result.exit_code == 2
    assert "'main' and HEAD have no common ancestor" in result.stderr


def test_outside_a_repository_is_a_config_error(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    outside = tmp_path / "plain"
    outside.mkdir()
    write(outside, "post.md")
    monkeypatch.chdir(outside)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    result = run("check", "post.md", "--changed-since", "main")
    assert result.exit_code == 2
    assert result.stderr == (f"medreview: error: --changed-since needs a git repository, and "
                             f"{outside} is not in one (run medreview from inside the "
                             "repository)\n")
