"""first_mention: a term from a lexicon must be explained where it first appears.

Flags "Ketamine is an NMDA antagonist" (no explanation at the first "NMDA"); passes "Ketamine
blocks a brain receptor called NMDA" and "You may feel dissociation (a sense of being detached
from your surroundings)". Each lexicon entry is one concept with several names and a plain
wording that the message offers. Only the first mention in the post is judged; the unexplained
terms a sentence introduces make one hit.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

from medreview import regex
from medreview.checks.base import Env, Hit, Option, in_scope, span_offsets
from medreview.document import Document

# Text right after a term that explains it: "(...)", ", which means", ", a ...", "—", "means".
DEFINED_AFTER = [
    r"^\s*\(",
    r"^\s*[—–:]",
    r"^\s+-\s",
    r"^,?\s+(which|that) (means?|is|are|refers? to|describes?)\b",
    r"^,\s+(a|an|the|or|i\.e\.|ie|meaning|also called|also known as|sometimes called)\b",
    r"^\s+(means|refers to|describes|is (a|an) (term|word|name)|is short for|stands for)\b",
]
# Text right before a term that introduces it: "called", "known as", "(".
DEFINED_BEFORE = [r"\b(called|known as|named|termed|dubbed)\s+(an? |the )?$", r"\(\s*$"]
CONTEXT_CHARS = 60

OPTIONS = {
    "table": Option((str,), "", "knowledge table: concept -> {terms: [...], exact: [...], "
                    "plain: plain wording}"),
    "defined_after": Option((list,), DEFINED_AFTER, "RE2 patterns on the text right after a "
                            "term that count as explaining it"),
    "defined_before": Option((list,), DEFINED_BEFORE, "RE2 patterns on the text right before "
                             "a term that count as introducing it"),
}


@dataclass
class Compiled:
    matchers: list[Any]  # spaCy PhraseMatchers: lemma terms, lowercase exact names
    plain: dict[str, str]
    options: dict[str, Any]


def compile(options: dict[str, Any], env: Env) -> Compiled:
    from spacy.matcher import PhraseMatcher

    from medreview.nlp import lemma_doc

    if options["table"] not in env.tables:
        raise KeyError(f"unknown knowledge table '{options['table']}'")
    lemmas = PhraseMatcher(env.nlp.vocab, attr="LEMMA")
    lower = PhraseMatcher(env.nlp.vocab, attr="LOWER")
    plain: dict[str, str] = {}
    for concept, entry in env.tables[options["table"]].items():
        if not isinstance(entry, dict) or not isinstance(entry.get("plain"), str):
            raise ValueError(f"lexicon entry '{concept}' needs a `plain` wording")
        lemmas.add(concept, [lemma_doc(env.nlp, t) for t in entry.get("terms", [])])
        lower.add(concept, [env.nlp.make_doc(t) for t in entry.get("exact", [])])
        plain[concept] = entry["plain"]
    for pattern in options["defined_after"] + options["defined_before"]:
        regex.compile_regex(pattern)
    return Compiled([lemmas, lower], plain, options)


def check(compiled: Compiled, level: str, scope: tuple[str, ...], document: Document) -> Iterator[Hit]:
    """Each concept is judged at its first mention in scope; one hit per sentence lists the
    unexplained terms it introduces."""
    seen: set[str] = set()
    for index in in_scope(document, scope):
        doc = document.blocks[index].doc
        by_sentence: dict[int, list[tuple[str, Any]]] = {}
        for concept, span in _mentions(compiled, doc):
            if concept in seen:
                continue
            seen.add(concept)
            if not _explained(compiled.options, doc.text, span.start_char, span.end_char):
                by_sentence.setdefault(span.sent.start, []).append((concept, span))
        for terms in by_sentence.values():
            start, _ = span_offsets(document, index, terms[0][1])
            _, end = span_offsets(document, index, terms[-1][1])
            yield Hit(start, end, values={
                "match": ", ".join(f'"{span.text}"' for _, span in terms),
                "plain": "; ".join(f"{span.text}: {compiled.plain[c]}" for c, span in terms)})


def _mentions(compiled: Compiled, doc: Any) -> list[tuple[str, Any]]:
    """(concept, span) in text order; a longer name wins over a shorter one inside it."""
    from spacy.util import filter_spans

    labelled = {}
    for matcher in compiled.matchers:
        for match_id, start, end in matcher(doc):
            labelled[(start, end)] = doc.vocab.strings[match_id]
    spans = filter_spans([doc[start:end] for start, end in labelled])
    return [(labelled[(s.start, s.end)], s) for s in sorted(spans, key=lambda s: s.start)]


def _explained(options: dict[str, Any], text: str, start: int, end: int) -> bool:
    after = text[end:end + CONTEXT_CHARS]
    before = text[max(0, start - CONTEXT_CHARS):start]
    return (any(regex.search(p, after) for p in options["defined_after"])
            or any(regex.search(p, before) for p in options["defined_before"]))
