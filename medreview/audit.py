"""The audit trail: an append-only, hash-chained log of records in SQLite.

Each record is canonical JSON (sorted keys, no spaces) carrying its sequence number; its hash is
sha256(previous hash + "\\n" + JSON), so editing, deleting or reordering a record breaks the
chain where it happened. The head (last sequence number and hash) is kept too, so deleting the
newest records shows. Writers take the lock first (BEGIN IMMEDIATE) and the database runs in WAL
mode with synchronous=FULL: concurrent writers queue, and a killed one leaves no partial record.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import sqlite3
import zlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Callable, Iterator

from medreview.errors import ConfigError

GENESIS = "0" * 64
SCHEMA = "medreview-audit-1"
DATA_DIR = ".medreview"
DATABASE_NAME = "audit.sqlite"
BUSY_TIMEOUT_MS = 60_000
TABLES = (
    "CREATE TABLE IF NOT EXISTS records (seq INTEGER PRIMARY KEY, post TEXT NOT NULL, "
    "body TEXT NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS records_post ON records (post)",
    "CREATE TABLE IF NOT EXISTS snapshots (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
)
Clock = Callable[[], str]


def utc_now() -> str:
    """The current time in UTC, ISO 8601 to the second: 2025-01-02T03:04:05Z."""
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def project_root(start: Path | None = None) -> Path:
    """The nearest directory, from `start` (default: the working directory) up, holding an
    audit database (`.medreview/audit.sqlite`) or `.git`; `start` itself when there is none.
    A `.medreview/` with only a result cache in it does not count: running `check` somewhere
    must not move where approvals are kept."""
    start = (start or Path.cwd()).resolve()
    for directory in (start, *start.parents):
        if (directory / DATA_DIR / DATABASE_NAME).is_file() or (directory / ".git").exists():
            return directory
    return start


def default_database(start: Path | None = None) -> Path:
    return project_root(start) / DATA_DIR / DATABASE_NAME


def post_key(path: Path, root: Path | None = None) -> str:
    """How records name a post: its path relative to the project root, POSIX style (so the
    name does not depend on where the command runs); absolute when outside the root."""
    resolved = path.resolve()
    try:
        return resolved.relative_to((root or project_root()).resolve()).as_posix()
    except ValueError:
        return resolved.as_posix()


def canonical(body: dict[str, Any]) -> str:
    return json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def chain_hash(prev_hash: str, body_json: str) -> str:
    return hashlib.sha256(f"{prev_hash}\n{body_json}".encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Record:
    """One stored record: its position, content and place in the chain."""

    seq: int
    post: str
    body_json: str
    prev_hash: str
    hash: str

    @property
    def body(self) -> dict[str, Any]:
        return json.loads(self.body_json)


class AuditLog:
    """An open audit database. Use as a context manager; `open()` makes it."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    @classmethod
    def open(cls, path: Path, create: bool = False) -> AuditLog:
        """Open (and with `create`, make) the database; a missing or foreign file is a
        ConfigError naming it."""
        if not create and not path.is_file():
            raise ConfigError(str(path), "no audit database here",
                              hint="approve a post first, or pass --db PATH")
        if create:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise ConfigError(str(path), f"cannot create the audit directory: {exc}") from None
        try:
            connection = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000,
                                         isolation_level=None)
        except sqlite3.Error as exc:
            raise ConfigError(str(path), f"cannot open the audit database: {exc}") from None
        log = cls(connection, path)
        try:
            connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            connection.execute("PRAGMA journal_mode = WAL")
            connection.execute("PRAGMA synchronous = FULL")
            log._prepare()
        except sqlite3.Error as exc:
            connection.close()
            raise ConfigError(str(path), f"cannot use the audit database: {exc}") from None
        except BaseException:
            connection.close()
            raise
        return log

    def __enter__(self) -> AuditLog:
        return self

    def __exit__(self, *_: object) -> None:
        self.connection.close()

    def _prepare(self) -> None:
        with self.transaction():
            for statement in TABLES:
                self.connection.execute(statement)
            row = self.connection.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
            if row is None:
                self.connection.execute("INSERT INTO meta VALUES ('schema', ?)", (SCHEMA,))
            elif row[0] != SCHEMA:
                raise ConfigError(str(self.path), f"unknown audit schema '{row[0]}'",
                                  hint=f"this medreview reads {SCHEMA}")

    def transaction(self) -> _Transaction:
        """BEGIN IMMEDIATE ... COMMIT: the write lock is taken before anything is read."""
        return _Transaction(self.connection)

    def append(self, post: str, fields: dict[str, Any], snapshot: bytes | None = None,
               clock: Clock | None = None) -> Record:
        """Add one record after the current head; `snapshot` (the post's bytes) is stored
        compressed under its sha256. The clock is read inside the lock, so time follows order."""
        with self.transaction():
            last = self.connection.execute(
                "SELECT seq, hash FROM records ORDER BY seq DESC LIMIT 1").fetchone()
            seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
            if snapshot is not None:
                self.connection.execute("INSERT OR IGNORE INTO snapshots VALUES (?, ?)",
                                        (hashlib.sha256(snapshot).hexdigest(),
                                         zlib.compress(snapshot, 9)))
            body = {**fields, "seq": seq, "post": post,
                    "recorded_at": (clock or utc_now)()}
            body_json = canonical(body)
            record = Record(seq, post, body_json, prev_hash, chain_hash(prev_hash, body_json))
            self.connection.execute("INSERT INTO records VALUES (?, ?, ?, ?, ?)",
                                    (record.seq, post, body_json, prev_hash, record.hash))
            self.connection.executemany("INSERT OR REPLACE INTO meta VALUES (?, ?)",
                                        [("head_seq", str(seq)), ("head_hash", record.hash)])
        return record

    def records(self, post: str | None = None) -> list[Record]:
        """Records in sequence order, all or one post's."""
        query = "SELECT seq, post, body, prev_hash, hash FROM records"
        rows = (self.connection.execute(query + " WHERE post = ? ORDER BY seq", (post,))
                if post is not None else self.connection.execute(query + " ORDER BY seq"))
        return [Record(*row) for row in rows]

    def snapshot(self, sha256: str) -> bytes | None:
        """The stored bytes of a post version, or None."""
        row = self.connection.execute("SELECT data FROM snapshots WHERE sha256 = ?",
                                      (sha256,)).fetchone()
        return zlib.decompress(row[0]) if row else None

    def head(self) -> tuple[int, str]:
        """The (sequence number, hash) the log says it ends at."""
        meta = dict(self.connection.execute(
            "SELECT key, value FROM meta WHERE key IN ('head_seq', 'head_hash')").fetchall())
        return int(meta.get("head_seq", 0)), meta.get("head_hash", GENESIS)

    def verify(self) -> list[str]:
        """Every break in the chain, the head and the snapshots; empty when intact."""
        records = self.records()
        problems = list(chain_problems(records))
        problems += head_problems(records[-1:], self.head())
        problems += self._snapshot_problems()
        return problems

    def _snapshot_problems(self) -> Iterator[str]:
        for sha256, data in self.connection.execute("SELECT sha256, data FROM snapshots"):
            try:
                intact = hashlib.sha256(zlib.decompress(data)).hexdigest() == sha256
            except zlib.error:
                intact = False
            if not intact:
                yield f"snapshot {sha256[:12]}: stored text does not match its hash (edited)"


class _Transaction:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> None:
        self.connection.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind: object, *_: object) -> None:
        self.connection.execute("ROLLBACK" if kind else "COMMIT")


def chain_problems(records: list[Record]) -> Iterator[str]:
    """Walk the chain in sequence order and name every record that does not fit."""
    expected_seq, expected_prev = 1, GENESIS
    for record in records:
        if record.seq > expected_seq:
            gap = (f"record {expected_seq}" if record.seq == expected_seq + 1
                   else f"records {expected_seq}-{record.seq - 1}")
            yield f"{gap}: missing (deleted)"
        yield from record_problems(record, expected_prev)
        expected_seq, expected_prev = record.seq + 1, record.hash


def record_problems(record: Record, expected_prev: str) -> Iterator[str]:
    """What is wrong with one record, given the hash of the record before it."""
    where = f"record {record.seq}"
    try:
        body = json.loads(record.body_json)
    except ValueError:
        yield f"{where}: contents are not valid JSON (edited)"
        return
    if not isinstance(body, dict) or canonical(body) != record.body_json:
        yield f"{where}: contents are not in canonical form (edited)"
    elif body.get("seq") != record.seq:
        yield f"{where}: holds the record written as number {body.get('seq')} (reordered)"
    elif body.get("post") != record.post:
        yield f"{where}: post column says {record.post!r}, the record {body.get('post')!r} (edited)"
    if chain_hash(record.prev_hash, record.body_json) != record.hash:
        yield f"{where}: contents do not match its hash (edited)"
    if record.prev_hash != expected_prev:
        yield f"{where}: does not follow the record before it (a record was edited, deleted " \
              f"or reordered)"


def head_problems(last: list[Record], head: tuple[int, str]) -> Iterator[str]:
    """The newest record must be the head the log recorded."""
    seq, digest = (last[0].seq, last[0].hash) if last else (0, GENESIS)
    if head[0] > seq:
        missing = f"record {head[0]}" if head[0] == seq + 1 else f"records {seq + 1}-{head[0]}"
        yield f"{missing}: missing at the end (deleted)"
    elif head[0] == seq and head[1] != digest:
        yield f"record {seq}: is not the record the log ended with (edited or replaced)"
    elif head[0] < seq:
        yield f"record {seq}: the log's head says it ends at record {head[0]} (head edited)"
