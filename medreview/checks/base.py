"""What every rule type shares: option specs, hits, scopes and severity adjustment."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from medreview.model import downgrade

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span

    from medreview.document import Document

MODIFIER_ACTIONS = ("skip", "downgrade", "keep")


@dataclass(frozen=True)
class Option:
    """One option of a rule type: accepted Python types, default, and a line of documentation."""

    types: tuple[type, ...]
    default: Any
    doc: str
    choices: tuple[str, ...] = ()


@dataclass(frozen=True)
class Hit:
    """A rule type's raw result: a span in document offsets, before it becomes a Finding."""

    start: int
    end: int
    severity: str | None = None  # None: the rule's level
    values: dict[str, str] = field(default_factory=dict)  # for the message's {placeholders}


@dataclass
class Env:
    """Per-process resources a rule type compiles against."""

    nlp: Language
    tables: dict[str, Any]


MATCH_OPTIONS = {
    "terms": Option((list,), [], "phrases matched on lowercase lemmas ('cure' finds 'cured')"),
    "exact": Option((list,), [], "phrases matched on lowercase word forms, no lemmas"),
    "patterns": Option((list,), [], "spaCy Matcher token patterns (lists of token dicts)"),
    "regex": Option((list,), [], "RE2 regular expressions, case-insensitive"),
    "table": Option((str, list), [], "knowledge table(s) whose entries' terms/exact/regex/names "
                    "are matched too"),
}


def match_spec(options: dict[str, Any]) -> dict[str, Any]:
    """The matcher part (terms, exact, patterns, regex, table) of a rule's options."""
    return {key: options[key] for key in MATCH_OPTIONS if key in options}


def modifier_option(default: str, what: str) -> Option:
    return Option((str,), default, f"what to do with a {what} match: skip, downgrade or keep",
                  MODIFIER_ACTIONS)


def adjust(level: str, flags: dict[str, bool], actions: dict[str, str]) -> str | None:
    """Apply negated/hedged/quoted/... actions to a level; None means drop the match."""
    severity = level
    for name, present in flags.items():
        if not present:
            continue
        action = actions.get(name, "keep")
        if action == "skip":
            return None
        if action == "downgrade":
            severity = downgrade(severity)
    return severity


# Sections that cite or warn rather than assert: left out unless named, or for `document`
# scope (a disclaimer often follows the reference list).
SET_ASIDE = ("references", "scam-warnings")


def in_scope(document: Document, scope: tuple[str, ...]) -> list[int]:
    """Indices of the blocks a scope covers. A block belongs to the categories of its section
    and of the sections that section is nested in."""
    key = tuple(scope)
    if key not in document.scopes:
        document.scopes[key] = _in_scope(document, key)
    return list(document.scopes[key])


def _in_scope(document: Document, scope: tuple[str, ...]) -> list[int]:
    chosen: list[int] = []
    for index, block in enumerate(document.blocks):
        categories = _categories(document, block)
        if any(_covers(item, block, categories) for item in scope):
            if "document" not in scope and any(
                    c in categories and f"section:{c}" not in scope for c in SET_ASIDE):
                continue
            chosen.append(index)
    return chosen


def _categories(document: Document, block: Any) -> tuple[str, ...]:
    """Categories of every section that contains the block (its own and its ancestors)."""
    return tuple(category for section in document.sections
                 if section.start <= block.start < section.end for category in section.categories)


def _covers(item: str, block: Any, categories: tuple[str, ...]) -> bool:
    if item in ("text", "document"):
        return block.kind != "front_matter" or item == "document"
    if item == "body":
        return block.kind not in ("heading", "front_matter")
    if item == "headings":
        return block.kind == "heading"
    if item.startswith("section:"):
        return item.split(":", 1)[1] in categories and block.kind != "front_matter"
    if item.startswith("front_matter:"):
        return block.kind == "front_matter" and block.field == item.split(":", 1)[1]
    return False


def valid_scope(item: str) -> bool:
    return item in ("text", "document", "body", "headings") or (
        item.startswith(("section:", "front_matter:")) and len(item.split(":", 1)[1]) > 0)


def span_offsets(document: Document, block_index: int, span: Span) -> tuple[int, int]:
    base = document.blocks[block_index].start
    return base + span.start_char, base + span.end_char


def sentence_of(span: Span) -> Span:
    return span.sent
