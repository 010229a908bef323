"""Baseline files: the findings a legacy site already has, so CI fails only on new ones.

Entries are matched by fingerprint (rule + path + normalised sentence, see engine.fingerprint),
never by line, so edits elsewhere in a post and moved sentences keep matching while a changed
claim does not. The file is JSON, versioned, sorted and byte-for-byte deterministic.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any, Callable, Iterable

from medreview.errors import ConfigError
from medreview.model import BaselineEntry, BaselineStatus, Finding, Report

VERSION = 1
ENTRY_FIELDS = {"fingerprint": str, "rule": str, "path": str, "sentence": str, "count": int}
UPDATE_HINT = "run `medreview baseline update`"


def entries_from(findings: Iterable[tuple[str, Finding]]) -> list[BaselineEntry]:
    """One entry per fingerprint of these (path, finding) pairs, counting repeats, sorted."""
    counts: Counter[str] = Counter()
    first: dict[str, tuple[str, Finding]] = {}
    for path, finding in findings:
        counts[finding.fingerprint] += 1
        first.setdefault(finding.fingerprint, (path, finding))
    entries = [BaselineEntry(fp, finding.rule, path, finding.sentence or finding.excerpt, counts[fp])
               for fp, (path, finding) in first.items()]
    return sorted(entries, key=_entry_key)


def _entry_key(entry: BaselineEntry) -> tuple[str, str, str, str]:
    return (entry.path, entry.rule, entry.sentence, entry.fingerprint)


def active_findings(report: Report) -> list[tuple[str, Finding]]:
    """(path, finding) for every finding the run still reports."""
    return [(result.path, f) for result in report.files for f in result.findings]


def baselined_findings(report: Report) -> list[tuple[str, Finding]]:
    """(path, finding) for every finding the baseline hid."""
    return [(result.path, f) for result in report.files for f in result.suppressed if f.baselined]


def dumps(entries: Iterable[BaselineEntry]) -> str:
    """The baseline file's text: sorted entries, keys in a fixed order, no timestamps."""
    items = [asdict(entry) for entry in sorted(entries, key=_entry_key)]
    document = {"medreview_baseline": VERSION, "entries": items}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def load(path: Path) -> list[BaselineEntry]:
    """Read a baseline file; anything malformed is a ConfigError naming the file (and line)."""
    name = str(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(name, "baseline file not found",
                          hint="create it with `medreview baseline create PATHS -o FILE`") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(name, f"cannot read baseline: {exc}") from None
    except json.JSONDecodeError as exc:
        raise ConfigError(name, f"baseline is not valid JSON: {exc.msg}", line=exc.lineno) from None
    if not isinstance(document, dict) or "medreview_baseline" not in document:
        raise ConfigError(name, "not a medreview baseline (no 'medreview_baseline' version key)")
    if document["medreview_baseline"] != VERSION:
        raise ConfigError(name, f"unsupported baseline version {document['medreview_baseline']!r}",
                          hint=f"this medreview reads version {VERSION}")
    raw = document.get("entries")
    if not isinstance(raw, list):
        raise ConfigError(name, "baseline 'entries' must be a list")
    return [_entry(name, index, item) for index, item in enumerate(raw)]


def _entry(name: str, index: int, item: Any) -> BaselineEntry:
    if not isinstance(item, dict) or any(not isinstance(item.get(key), kind)
                                         for key, kind in ENTRY_FIELDS.items()):
        fields = ", ".join(f"{key} ({kind.__name__})" for key, kind in ENTRY_FIELDS.items())
        raise ConfigError(name, f"baseline entry {index + 1} is malformed", hint=f"needs {fields}")
    if item["count"] < 1 or not item["fingerprint"]:
        raise ConfigError(name, f"baseline entry {index + 1} needs a fingerprint and a count >= 1")
    return BaselineEntry(**{key: item[key] for key in ENTRY_FIELDS})


def counts(entries: Iterable[BaselineEntry]) -> Counter[str]:
    """How many findings each fingerprint may hide."""
    total: Counter[str] = Counter()
    for entry in entries:
        total[entry.fingerprint] += entry.count
    return total


def scope(report: Report) -> Callable[[BaselineEntry], bool]:
    """Whether this run can judge an entry: its rule ran and its post was reviewed or is gone.
    Entries for posts the run skipped (other paths, --changed-since) are left alone."""
    reviewed = {result.path for result in report.files if not result.error}
    return lambda entry: entry.rule in report.rules and (
        entry.path in reviewed or not Path(entry.path).exists())


def status(path: Path, entries: list[BaselineEntry], unmatched: Counter[str],
           report: Report) -> BaselineStatus:
    """The run's baseline status; an in-scope entry with occurrences left over is stale."""
    left = Counter(unmatched)
    in_scope = scope(report)
    stale = []
    for entry in sorted(entries, key=_entry_key):
        unused = min(entry.count, left[entry.fingerprint])
        if unused and in_scope(entry):
            stale.append(BaselineEntry(entry.fingerprint, entry.rule, entry.path, entry.sentence,
                                       unused))
        left[entry.fingerprint] -= unused
    return BaselineStatus(str(path), len(entries), tuple(stale))


def updated(entries: list[BaselineEntry], report: Report, add_new: bool = False) -> list[BaselineEntry]:
    """The baseline after a run that used it: entries it could not judge unchanged, the rest cut
    down to what still matched; the run's remaining findings too when `add_new`."""
    in_scope = scope(report)
    kept = [entry for entry in entries if not in_scope(entry)]
    found = baselined_findings(report) + (active_findings(report) if add_new else [])
    return merge(kept, entries_from(found))


def merge(first: list[BaselineEntry], second: list[BaselineEntry]) -> list[BaselineEntry]:
    """Entries of both lists, counts added where a fingerprint appears in both."""
    by_fingerprint: dict[str, BaselineEntry] = {}
    for entry in first + second:
        seen = by_fingerprint.get(entry.fingerprint)
        by_fingerprint[entry.fingerprint] = entry if seen is None else BaselineEntry(
            seen.fingerprint, seen.rule, seen.path, seen.sentence, seen.count + entry.count)
    return sorted(by_fingerprint.values(), key=_entry_key)


def stale_note(report: Report) -> str:
    """One line about stale entries, or "" when there are none."""
    stale = len(report.baseline.stale) if report.baseline else 0
    if not stale:
        return ""
    entries = "entry no longer matches" if stale == 1 else "entries no longer match"
    return f"{stale} baseline {entries}; {UPDATE_HINT}."
