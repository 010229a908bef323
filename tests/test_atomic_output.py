"""Reports are written atomically (a temporary file in the same folder, then a rename): an
interrupted write leaves the old report or none, never half of one, and no temporary file;
an output path that cannot be written is one clear error line and exit 2."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from medreview import output
from medreview.cli import main
from medreview.errors import ConfigError

OLD = '{"old": "report"}\n'
NEW = '{"new": "report", "padding": "' + "x" * 100_000 + '"}\n'
POST = "Our infusion protocol cures depression.\n"


class FailingHandle:
    """Wraps the temporary file: writes half of the first text given, then fails."""

    def __init__(self, handle: Any, error: BaseException) -> None:
        self.handle = handle
        self.error = error

    def write(self, text: str) -> int:
        self.handle.write(text[:len(text) // 2])
        self.handle.flush()
        raise self.error

    def __getattr__(self, name: str) -> Any:
        return getattr(self.handle, name)

    def __enter__(self) -> FailingHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.handle.close()


def fail_mid_write(monkeypatch: pytest.MonkeyPatch, error: BaseException) -> None:
    real_fdopen = os.fdopen
    monkeypatch.setattr(output.os, "fdopen",
                        lambda *args, **kwargs: FailingHandle(real_fdopen(*args, **kwargs), error))


def leftovers(folder: Path) -> list[str]:
    """What is in `folder`, apart from the review cache the CLI keeps there."""
    return sorted(p.name for p in folder.iterdir() if p.name != ".medreview")


def test_report_is_written_whole_with_no_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "report.json"
    output.write_atomic(target, NEW)
    assert target.read_text() == NEW
    assert leftovers(tmp_path) == ["report.json"]


@pytest.mark.parametrize("error", [KeyboardInterrupt(), MemoryError()], ids=["interrupt", "memory"])
def test_interrupted_write_keeps_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                error: BaseException) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)
    fail_mid_write(monkeypatch, error)
    with pytest.raises(type(error)):
        output.write_atomic(target, NEW)
    assert target.read_text() == OLD
    assert leftovers(tmp_path) == ["report.json"]


def test_interrupted_first_write_leaves_no_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fail_mid_write(monkeypatch, KeyboardInterrupt())
    with pytest.raises(KeyboardInterrupt):
        output.write_atomic(tmp_path / "report.json", NEW)
    assert leftovers(tmp_path) == []


def test_full_disk_is_a_clear_error_and_keeps_the_old_report(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)
    fail_mid_write(monkeypatch, OSError(28, "No space left on device"))
    with pytest.raises(ConfigError) as caught:
        output.write_atomic(target, NEW)
    assert caught.value.render() == (f"{target}: cannot write report: No space left on device "
                                     "(the previous report, if any, is unchanged)")
    assert target.read_text() == OLD
    assert leftovers(tmp_path) == ["report.json"]


def test_failed_rename_keeps_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    target = tmp_path / "report.json"
    target.write_text(OLD)

    def refuse(*args: object) -> None:
        raise OSError(5, "Input/output error")
    monkeypatch.setattr(output.os, "replace", refuse)
    with pytest.raises(ConfigError, match="cannot write report: Input/output error"):
        output.write_atomic(target, NEW)
    assert target.read_text() == OLD
    assert leftovers(tmp_path) == ["report.json"]


# A writer slowed down chunk by chunk, so the parent can kill it in the middle of the write.
SLOW_WRITER = r"""
import os, sys, time
from pathlib import Path
from medreview import output

real_fdopen = os.fdopen

class Slow:
    def __init__(self, handle):
        self.handle = handle
    def write(self, text):
        for start in range(0, len(text), 1000):
            self.handle.write(text[start:start + 1000])
            self.handle.flush()
            if start == 5000:
                print("writing", flush=True)
            time.sleep(0.01)
    def __getattr__(self, name):
        return getattr(self.handle, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.handle.close()

output.os.fdopen = lambda *a, **k: Slow(real_fdopen(*a, **k))
output.write_atomic(Path(sys.argv[1]), "x" * 1_000_000)
"""


def test_killed_writer_never_leaves_half_a_report(tmp_path: Path) -> None:
    """SIGKILL can't be caught, so its hidden temporary file may stay behind, but the report
    itself is the old one, whole."""
    target = tmp_path / "report.json"
    target.write_text(OLD)
    writer = subprocess.Popen([sys.executable, "-c", SLOW_WRITER, str(target)],
                              stdout=subprocess.PIPE, text=True)
    assert writer.stdout is not None
    assert writer.stdout.readline() == "writing\n"
    writer.send_signal(signal.SIGKILL)
    writer.wait(timeout=30)
    assert target.read_text() == OLD
    assert all(name == "report.json" or (name.startswith(".report.json.") and name.endswith(".tmp"))
               for name in leftovers(tmp_path))


# -- through the CLI: exit 2, one line, no traceback ---------------------------------------

def check_to(tmp_path: Path, out: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "post.md").write_text(POST)
    return CliRunner().invoke(main, ["check", "post.md", "--format", "json", "--output", out])


def test_output_in_a_missing_directory_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    result = check_to(tmp_path, "missing/report.json", monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == ("medreview: error: missing/report.json: cannot write report: the "
                             "directory does not exist (create missing first)\n")
    assert leftovers(tmp_path) == ["post.md"]


def test_output_without_permission_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    if os.geteuid() == 0:
        # root may write anywhere (as in CI), so the refusal is simulated.
        def refuse(*args: object, **kwargs: object) -> None:
            raise PermissionError(13, "Permission denied")
        monkeypatch.setattr(output.tempfile, "mkstemp", refuse)
    else:
        locked.chmod(0o500)
    try:
        result = check_to(tmp_path, "locked/report.json", monkeypatch)
    finally:
        locked.chmod(0o700)
    assert result.exit_code == 2
    assert result.stderr == ("medreview: error: locked/report.json: cannot write report: "
                             "Permission denied (make the directory writable or choose another "
                             "--output)\n")
    assert leftovers(locked) == []


def test_output_that_is_a_directory_is_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "reports").mkdir()
    result = check_to(tmp_path, "reports", monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == ("medreview: error: reports: cannot write report: it is a directory "
                             "(give a file name)\n")
    assert leftovers(tmp_path / "reports") == []


def test_failed_write_through_the_cli_keeps_the_old_report(tmp_path: Path,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "report.json").write_text(OLD)
    fail_mid_write(monkeypatch, OSError(28, "No space left on device"))
    result = check_to(tmp_path, "report.json", monkeypatch)
    assert result.exit_code == 2
    assert result.stderr == ("medreview: error: report.json: cannot write report: No space left "
                             "on device (the previous report, if any, is unchanged)\n")
    assert "Traceback" not in result.output
    assert (tmp_path / "report.json").read_text() == OLD
    assert leftovers(tmp_path) == ["post.md", "report.json"]


def test_successful_run_replaces_the_old_report(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "report.json").write_text(OLD)
    result = check_to(tmp_path, "report.json", monkeypatch)
    assert result.exit_code == 1
    report = json.loads((tmp_path / "report.json").read_text())
    assert "overclaim.cure" in {f["rule"] for f in report["files"][0]["findings"]}
    assert leftovers(tmp_path) == ["post.md", "report.json"]
