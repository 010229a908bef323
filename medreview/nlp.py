"""The spaCy pipeline: `spacy.blank("en")` plus rule-based components, built once per process.

Components: lowercase lookup lemmas (spacy-lookups-data), the rule-based sentencizer, and
`medreview_cues`, which marks negation, pseudo-negation, termination, hedge and reported-speech
cues and quotations as span groups (`doc.spans["negation_before"]`, ..., `doc.spans["quote"]`).
Nothing is downloaded: the lemma table ships in spacy-lookups-data.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path
from typing import TYPE_CHECKING, Iterable

import yaml

from medreview.paths import builtin_rules_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

CUE_GROUPS = ("negation_before", "negation_after", "pseudo_negation", "termination", "hedge",
              "reported")
OPENING_QUOTES = {'"': '"', "“": "”", "‘": "’", "'": "'", "«": "»"}
TEXT_KEY = "medreview.text"  # Doc.user_data key of the text a Doc was made from
QUOTE_MARKS = "".join(sorted({*OPENING_QUOTES, *OPENING_QUOTES.values()}))
QUOTE_OR_NEWLINE = re.compile("[" + re.escape(QUOTE_MARKS) + "\n]")  # all quote_ranges reacts to


def load_cues(path: Path | None = None) -> dict[str, list[str]]:
    path = path or builtin_rules_dir() / "common" / "knowledge" / "cues.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    return {group: [str(cue) for cue in data.get(group, [])]
            for group in (*CUE_GROUPS, "abbreviations")}


@functools.cache
def get_nlp() -> Language:
    """The shared pipeline; the first call builds it (about half a second), later calls are free."""
    import spacy
    from spacy.language import Language

    _register_components(Language)
    nlp = spacy.blank("en")
    cues = load_cues()
    for abbreviation in cues["abbreviations"]:
        for form in {abbreviation, abbreviation.lower(), abbreviation.capitalize()}:
            nlp.tokenizer.add_special_case(form, [{"ORTH": form}])
    nlp.add_pipe("medreview_lemmas")
    nlp.add_pipe("sentencizer")
    nlp.add_pipe("medreview_cues", config={"cues": {g: cues[g] for g in CUE_GROUPS}})
    nlp.max_length = 2_000_000
    return nlp


def lemma_doc(nlp: Language, text: str) -> Doc:
    """Tokenise and lemmatise a term the way documents are, for phrase patterns."""
    doc = nlp.make_doc(text)
    return nlp.get_pipe("medreview_lemmas")(doc)


def _register_components(language: type) -> None:
    if "medreview_lemmas" in language.factories:
        return

    @language.factory("medreview_lemmas")
    def make_lemmas(nlp: Language, name: str) -> LowerLemmas:
        return LowerLemmas()

    @language.factory("medreview_cues", default_config={"cues": {}})
    def make_cues(nlp: Language, name: str, cues: dict[str, list[str]]) -> CueMarker:
        return CueMarker(nlp, cues)


class LowerLemmas:
    """Sets `token.lemma_` to the lowercase lookup lemma, so "Cures" and "cured" match "cure"."""

    def __init__(self) -> None:
        import spacy_lookups_data
        from spacy.util import load_language_data

        # The table spacy.lookups.load_lookups("en", ["lemma_lookup"]) returns, read without
        # its entry-point scan; a plain dict is also several times faster to query.
        self.table = load_language_data(spacy_lookups_data.en["lemma_lookup"])
        self._lemma_ids: dict[int, int] = {}  # lowercase form's hash -> its lemma's hash

    def __call__(self, doc: Doc) -> Doc:
        import numpy
        from spacy.attrs import LEMMA, LOWER

        if not len(doc):
            return doc
        # Whole-array access and one lookup per distinct form: setting token.lemma_ token by
        # token was the pipeline's slowest step.
        ids = self._lemma_ids
        keys = doc.to_array([LOWER]).tolist()
        for key in set(keys).difference(ids):
            lower = doc.vocab.strings[key]
            lemma = lower if lower[:1] in "'’" else str(self.table.get(lower, lower)).lower()
            ids[key] = doc.vocab.strings.add(lemma)
        doc.from_array([LEMMA], numpy.array([ids[key] for key in keys], dtype="uint64"))
        return doc


class CueMarker:
    """Marks context cues (phrase lists from YAML) and quoted stretches as span groups."""

    def __init__(self, nlp: Language, cues: dict[str, list[str]]) -> None:
        from spacy.matcher import PhraseMatcher

        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        for group in CUE_GROUPS:
            self.matcher.add(group, [nlp.make_doc(cue) for cue in cues.get(group, [])])

    def __call__(self, doc: Doc) -> Doc:
        groups: dict[str, list] = {group: [] for group in CUE_GROUPS}
        for match_id, start, end in self.matcher(doc):
            groups[doc.vocab.strings[match_id]].append(doc[start:end])
        for group, spans in groups.items():
            doc.spans[group] = spans
        doc.spans["quote"] = [doc.char_span(s, e, alignment_mode="expand")
                              for s, e in quote_ranges(doc_text(doc)) if e > s]
        return doc


def doc_text(doc: Doc) -> str:
    """A Doc's text, built once: Doc.text joins every token anew on each call."""
    if TEXT_KEY not in doc.user_data:
        doc.user_data[TEXT_KEY] = doc.text
    return doc.user_data[TEXT_KEY]


def make_doc(nlp: Language, text: str) -> Doc:
    """Tokenise `text`, keeping the text on the Doc for doc_text (for nlp.pipe to finish)."""
    doc = nlp.make_doc(text)
    doc.user_data[TEXT_KEY] = text
    return doc


def quote_ranges(text: str) -> Iterable[tuple[int, int]]:
    """Character ranges inside quotation marks. An apostrophe inside a word is not a quote."""
    opener: str | None = None
    start = 0
    for match in QUOTE_OR_NEWLINE.finditer(text):  # other characters never change the state
        i = match.start()
        ch = text[i]
        before = text[i - 1] if i else " "
        after = text[i + 1] if i + 1 < len(text) else " "
        if opener is None and ch in OPENING_QUOTES:
            if ch in "'‘" and (before.isalnum() or not after.isalnum()):
                continue  # an apostrophe (don't, patients') or a stray mark
            opener, start = ch, i + 1
        elif opener is not None and ch == OPENING_QUOTES[opener]:
            if ch in "'’" and after.isalnum():
                continue  # an apostrophe inside a quoted phrase
            yield start, i
            opener = None
        elif opener is not None and ch == "\n":
            opener = None
