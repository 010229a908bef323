"""User regular expressions run on RE2: linear time, so no rule can hang a review."""

from __future__ import annotations

import functools
from typing import Iterator

import re2


class RegexError(ValueError):
    """A pattern RE2 cannot compile (look-arounds and back-references are not supported)."""


@functools.cache
def compile_regex(pattern: str, ignore_case: bool = True) -> re2._Regexp:
    options = re2.Options()
    options.log_errors = False
    options.case_sensitive = not ignore_case
    try:
        return re2.compile(pattern, options)
    except re2.error as exc:
        problem = exc.args[0].decode() if exc.args and isinstance(exc.args[0], bytes) else str(exc)
        raise RegexError(f"invalid regular expression {pattern!r}: {problem}") from None


def finditer(pattern: str, text: str, ignore_case: bool = True) -> Iterator[tuple[int, int]]:
    """(start, end) character offsets of every non-empty match."""
    for match in compile_regex(pattern, ignore_case).finditer(text):
        if match.end() > match.start():
            yield match.start(), match.end()


def search(pattern: str, text: str, ignore_case: bool = True) -> bool:
    return compile_regex(pattern, ignore_case).search(text) is not None
