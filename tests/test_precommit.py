"""The pre-commit hook, run by the real `pre-commit try-repo` against this repository.

try-repo installs the hook from the repository into a fresh virtualenv with pip, so this needs
the package index and takes a minute or two; PIP_CONSTRAINT pins the versions of
constraints.txt. The test passes `--ref` with HEAD's commit: without it try-repo would fold
uncommitted edits to tracked files into a temporary commit (but not new untracked files), which
in a work tree mid-change installs a package that cannot import. So this checks what is
committed, which in CI is the tree under test.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
BAD = "By Ann Lee, MD. Published 1 May 2025.\n\nOur infusion cures depression.\n"
GOOD = ("By Ann Lee, MD. Published 1 May 2025.\n\nSleep matters for mood. Most adults need seven "
        "or more hours a night.\n\nThis is general information, not a substitute for medical "
        "advice. Medically reviewed by Bo Park, MD.\n")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed"),
    pytest.mark.skipif(not (ROOT / ".git").exists(), reason="not a git checkout of medreview"),
]


def git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    """A git repository with a bad and a good post, and the environment for pre-commit."""
    repo = tmp_path_factory.mktemp("site")
    git(repo, "init", "-q")
    git(repo, "config", "user.name", "Test")
    git(repo, "config", "user.email", "test@example.org")
    git(repo, "config", "commit.gpgsign", "false")
    (repo / "bad.md").write_text(BAD, "utf-8")
    (repo / "good.md").write_text(GOOD, "utf-8")
    (repo / "notes.py").write_text("print('not a post')\n", "utf-8")
    git(repo, "add", ".")
    git(repo, "commit", "-q", "-m", "posts")
    env = {**os.environ, "PRE_COMMIT_HOME": str(tmp_path_factory.mktemp("pre-commit-home")),
           "PIP_CONSTRAINT": str(ROOT / "constraints.txt"), "NO_COLOR": "1"}
    return repo, env


def try_repo(site: tuple[Path, dict[str, str]], *files: str) -> subprocess.CompletedProcess[str]:
    repo, env = site
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout.strip()
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(ROOT), "medreview", "--ref", head,
         "--color", "never", "--files", *files],
        cwd=repo, env=env, capture_output=True, text=True, timeout=900, check=False)


def test_the_hook_fails_a_post_with_a_cure_claim(site: tuple[Path, dict[str, str]]) -> None:
    done = try_repo(site, "bad.md")
    assert done.returncode != 0, done.stdout + done.stderr
    assert "medreview" in done.stdout and "Failed" in done.stdout
    assert "bad.md:3:14: error [overclaim.cure]" in done.stdout


def test_the_hook_passes_a_good_post_and_skips_other_files(
        site: tuple[Path, dict[str, str]]) -> None:
    done = try_repo(site, "good.md", "notes.py")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "Passed" in done.stdout and "notes.py" not in done.stdout
