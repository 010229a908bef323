"""Which files git says changed since a revision, for `--changed-since REV`.

"Changed" means what a pull request from here would change: files added, modified, renamed or
copied between the merge base of REV and HEAD and the working tree (so committed, staged and
unstaged edits all count, like `git diff REV...HEAD` plus local edits), and untracked files that
are not ignored. Deleted files are not listed. NUL-separated output keeps spaces and non-ASCII
names intact.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

from medreview.errors import ConfigError

FETCH_HINT = "fetch it first (in CI, check out with full history, e.g. fetch-depth: 0)"


def changed_files(rev: str, cwd: Path | None = None) -> set[Path]:
    """Resolved paths of files changed since `rev` in the git repository around `cwd`."""
    if not rev or rev.startswith("-"):
        raise ConfigError(None, f"--changed-since: '{rev}' is not a revision")
    top = repository_root(cwd or Path.cwd())
    base = merge_base(top, rev)
    names = _names(top, "diff", "--name-only", "--no-ext-diff", "--diff-filter=AMRC", "-z", base)
    names += _names(top, "ls-files", "--others", "--exclude-standard", "-z")
    return {(top / name).resolve() for name in names}


def repository_root(cwd: Path) -> Path:
    """The top of the work tree that contains `cwd`."""
    done = _run(cwd, "rev-parse", "--show-toplevel")
    if done.returncode:
        raise ConfigError(None, f"--changed-since needs a git repository, and {cwd} is not in one",
                          hint="run medreview from inside the repository")
    return Path(os.fsdecode(done.stdout.strip()))


def merge_base(top: Path, rev: str) -> str:
    """The commit where HEAD's history left `rev`'s: the base of `rev...HEAD`."""
    if _run(top, "rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").returncode:
        raise ConfigError(None, f"--changed-since: unknown revision '{rev}'", hint=FETCH_HINT)
    done = _run(top, "merge-base", rev, "HEAD")
    if done.returncode:
        raise ConfigError(None, f"--changed-since: '{rev}' and HEAD have no common ancestor",
                          hint=FETCH_HINT)
    return os.fsdecode(done.stdout.strip())


def _names(top: Path, *args: str) -> list[str]:
    """NUL-separated path names a git command printed."""
    done = _run(top, *args)
    if done.returncode:
        lines = os.fsdecode(done.stderr).strip().splitlines()
        raise ConfigError(None, f"git {args[0]} failed: {lines[-1] if lines else done.returncode}")
    return [os.fsdecode(name) for name in done.stdout.split(b"\0") if name]


def _run(cwd: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    try:
        return subprocess.run(["git", *args], cwd=cwd, capture_output=True, check=False)
    except FileNotFoundError:
        raise ConfigError(None, "--changed-since needs git, which is not installed") from None


def only_changed(files: list[Path], rev: str) -> list[Path]:
    """The files among `files` that changed since `rev`, in the order given."""
    changed = changed_files(rev)
    return [path for path in files if path.resolve() in changed]
