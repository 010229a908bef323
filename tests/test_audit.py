"""The audit trail: hash chain, tamper evidence, database location, and nothing lost when
writers race or die mid-write."""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import signal
import sqlite3
import subprocess
import sys
import time
from itertools import count
from pathlib import Path

import pytest
from click.testing import CliRunner

from medreview import audit
from medreview.audit import GENESIS, AuditLog, canonical, chain_hash
from medreview.cli import main
from medreview.errors import ConfigError

ROOT = Path(__file__).resolve().parent.parent


def fixed_clock(start: int = 0):
    """A clock that ticks one second per reading, from 2025-01-02T03:04:00Z."""
    ticks = count(start)
    return lambda: f"2025-01-02T03:04:{next(ticks):02d}Z"


def filled(path: Path, n: int = 4) -> Path:
    """A database with n approval-like records for two posts."""
    clock = fixed_clock()
    with AuditLog.open(path, create=True) as log:
        for i in range(n):
            log.append(f"posts/{'ab'[i % 2]}.md", {"kind": "approval", "reviewer": f"R{i}"},
                       snapshot=f"text {i}".encode(), clock=clock)
    return path


def raw(path: Path) -> sqlite3.Connection:
    """A plain connection, as someone editing the file with the sqlite3 shell would use."""
    return sqlite3.connect(path, isolation_level=None)


def verify(path: Path) -> list[str]:
    with AuditLog.open(path) as log:
        return log.verify()


# ---- the chain --------------------------------------------------------------------------------

def test_records_are_chained_canonical_json(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    with AuditLog.open(db) as log:
        records = log.records()
        assert [r.seq for r in records] == [1, 2, 3, 4]
        assert records[0].prev_hash == GENESIS
        for before, record in zip(records, records[1:]):
            assert record.prev_hash == before.hash
        for record in records:
            assert record.body_json == canonical(record.body)
            assert record.hash == chain_hash(record.prev_hash, record.body_json)
        assert records[2].body == {"kind": "approval", "post": "posts/a.md", "reviewer": "R2",
                                   "seq": 3, "recorded_at": "2025-01-02T03:04:02Z"}
        assert log.head() == (4, records[-1].hash)
        assert [r.seq for r in log.records("posts/b.md")] == [2, 4]
        assert log.snapshot(hashlib.sha256(b"text 1").hexdigest()) == b"text 1"
        assert log.verify() == []


def test_database_runs_in_wal_mode(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite", 1)
    assert raw(db).execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_utc_now_is_iso_8601_utc() -> None:
    assert len(audit.utc_now()) == 20 and audit.utc_now().endswith("Z")


# ---- tamper evidence --------------------------------------------------------------------------

def test_an_edited_record_is_named(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    raw(db).execute("UPDATE records SET body = replace(body, 'R1', 'Eve') WHERE seq = 2")
    assert verify(db) == ["record 2: contents do not match its hash (edited)"]


def test_an_edit_with_a_recomputed_hash_breaks_the_next_link(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    with raw(db) as connection:
        prev, body = connection.execute("SELECT prev_hash, body FROM records WHERE seq = 2").fetchone()
        forged = body.replace("R1", "Eve")
        connection.execute("UPDATE records SET body = ?, hash = ? WHERE seq = 2",
                           (forged, chain_hash(prev, forged)))
    assert verify(db) == ["record 3: does not follow the record before it (a record was "
                          "edited, deleted or reordered)"]


def test_a_deleted_record_is_named(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    raw(db).execute("DELETE FROM records WHERE seq = 2")
    problems = verify(db)
    assert problems[0] == "record 2: missing (deleted)"
    assert problems[1].startswith("record 3: does not follow")


def test_deleting_the_newest_records_is_caught_by_the_head(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    raw(db).execute("DELETE FROM records WHERE seq >= 3")
    assert verify(db) == ["records 3-4: missing at the end (deleted)"]


def test_reordered_records_are_named(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    with raw(db) as connection:
        connection.execute("UPDATE records SET seq = -1 WHERE seq = 2")
        connection.execute("UPDATE records SET seq = 2 WHERE seq = 3")
        connection.execute("UPDATE records SET seq = 3 WHERE seq = -1")
    problems = verify(db)
    assert "record 2: holds the record written as number 3 (reordered)" in problems
    assert "record 3: holds the record written as number 2 (reordered)" in problems


def test_an_edited_post_column_and_snapshot_are_named(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    with raw(db) as connection:
        connection.execute("UPDATE records SET post = 'posts/other.md' WHERE seq = 1")
        connection.execute("UPDATE snapshots SET data = ? WHERE sha256 = ?",
                           (b"not zlib", hashlib.sha256(b"text 0").hexdigest()))
    problems = verify(db)
    assert "record 1: post column says 'posts/other.md', the record 'posts/a.md' (edited)" in problems
    assert any(p.startswith("snapshot ") and p.endswith("(edited)") for p in problems)


def test_cli_verify_reports_intact_and_broken_trails(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite")
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(db)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("audit trail intact: 4 records, head ")
    raw(db).execute("UPDATE records SET body = replace(body, 'R3', 'Eve') WHERE seq = 4")
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(db)])
    assert result.exit_code == 1
    assert f"{db}: record 4: contents do not match its hash (edited)" in result.output
    assert "audit trail broken: 1 problem in 4 records" in result.output


def test_cli_verify_without_a_database_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["audit", "verify", "--db", str(tmp_path / "none.sqlite")])
    assert result.exit_code == 2
    assert "none.sqlite: no audit database here" in result.output


def test_a_file_that_is_not_a_database_is_named(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.sqlite"
    bogus.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="bogus.sqlite: cannot use the audit database"):
        AuditLog.open(bogus)


# ---- where the database lives -----------------------------------------------------------------

def test_default_database_is_in_the_nearest_project_root(tmp_path: Path) -> None:
    (tmp_path / "site" / ".git").mkdir(parents=True)
    nested = tmp_path / "site" / "content" / "posts"
    nested.mkdir(parents=True)
    assert audit.default_database(nested) == tmp_path / "site" / ".medreview" / "audit.sqlite"
    (tmp_path / "site" / "content" / ".medreview" / "cache").mkdir(parents=True)
    assert audit.project_root(nested) == tmp_path / "site"  # a cache alone marks no root
    (tmp_path / "site" / "content" / ".medreview" / "audit.sqlite").touch()
    assert audit.project_root(nested) == tmp_path / "site" / "content"
    loose = tmp_path / "loose"
    loose.mkdir()
    marked = [d for d in loose.parents
              if (d / ".medreview" / "audit.sqlite").is_file() or (d / ".git").exists()]
    expected = marked[0] if marked else loose  # the temporary directory may sit in a project
    assert audit.default_database(loose) == expected / ".medreview" / "audit.sqlite"


def test_posts_are_named_relative_to_the_project_root(tmp_path: Path) -> None:
    (tmp_path / ".git").mkdir()
    post = tmp_path / "posts" / "a.md"
    assert audit.post_key(post, tmp_path) == "posts/a.md"
    outside = tmp_path.parent / "elsewhere.md"
    assert audit.post_key(outside, tmp_path) == outside.resolve().as_posix()


# ---- concurrency and crashes ------------------------------------------------------------------

def append_many(db: str, writer: str, n: int, start: multiprocessing.synchronize.Event) -> None:
    """Child process: wait for the start signal, then append n records, pausing between them
    so that the writers interleave instead of taking turns."""
    start.wait()
    with AuditLog.open(Path(db), create=True) as log:
        for i in range(n):
            log.append(f"posts/{writer}.md", {"kind": "approval", "reviewer": writer, "i": i},
                       snapshot=f"{writer} {i}".encode())
            time.sleep(0.002)


def test_concurrent_writers_lose_nothing(tmp_path: Path) -> None:
    db = tmp_path / "a.sqlite"
    context = multiprocessing.get_context("spawn")
    start = context.Event()
    names = ("alice", "bob", "carol")
    writers = [context.Process(target=append_many, args=(str(db), name, 30, start))
               for name in names]
    for process in writers:
        process.start()
    start.set()
    for process in writers:
        process.join(120)
        assert process.exitcode == 0
    with AuditLog.open(db) as log:
        records = log.records()
        assert [r.seq for r in records] == list(range(1, 91))
        for name in names:
            assert [r.body["i"] for r in records if r.body["reviewer"] == name] == \
                list(range(30))
        assert log.verify() == []


def hang_mid_write(db: str, ready: str) -> None:
    """Child process: start appending; inside the transaction (the clock is read there),
    announce it and wait to be killed."""
    def stuck_clock() -> str:
        Path(ready).touch()
        time.sleep(600)
        return "never"

    with AuditLog.open(Path(db)) as log:
        log.append("posts/doomed.md", {"kind": "approval"}, snapshot=b"doomed text",
                   clock=stuck_clock)


def test_a_writer_killed_mid_write_leaves_no_trace(tmp_path: Path) -> None:
    db = filled(tmp_path / "a.sqlite", 3)
    ready = tmp_path / "ready"
    process = multiprocessing.get_context("spawn").Process(
        target=hang_mid_write, args=(str(db), str(ready)))
    process.start()
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the child never reached the middle of its write"
    os.kill(process.pid, signal.SIGKILL)
    process.join(30)
    assert process.exitcode == -signal.SIGKILL
    with AuditLog.open(db) as log:
        assert log.verify() == []
        assert [r.seq for r in log.records()] == [1, 2, 3]
        assert log.snapshot(hashlib.sha256(b"doomed text").hexdigest()) is None
        assert log.append("posts/next.md", {"kind": "approval"}).seq == 4  # lock released
        assert log.verify() == []


LOOP_WRITER = """
import sys
from pathlib import Path
from medreview.audit import AuditLog
with AuditLog.open(Path(sys.argv[1]), create=True) as log:
    i = 0
    while True:
        log.append("posts/loop.md", {"kind": "approval", "i": i}, snapshot=str(i).encode() * 999)
        i += 1
        print(i, flush=True)
"""


@pytest.mark.parametrize("after", [5, 23, 61])
def test_a_writer_killed_at_an_arbitrary_point_leaves_whole_records(tmp_path: Path,
                                                                    after: int) -> None:
    db = tmp_path / "a.sqlite"
    process = subprocess.Popen([sys.executable, "-c", LOOP_WRITER, str(db)],
                               stdout=subprocess.PIPE, text=True)
    assert process.stdout is not None
    for line in process.stdout:
        if int(line) >= after:
            break
    process.send_signal(signal.SIGKILL)
    process.wait(30)
    with AuditLog.open(db) as log:
        records = log.records()
        assert len(records) >= after
        assert [r.seq for r in records] == list(range(1, len(records) + 1))
        assert [r.body["i"] for r in records] == list(range(len(records)))
        assert log.verify() == []
