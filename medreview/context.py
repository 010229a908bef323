"""Is a matched span negated, hedged or quoted? Decided from the cue spans `medreview_cues` marks.

NegEx-style: a negation cue before the match (or after it, for "is not"-type cues) negates it
when it lies in the same sentence, within a window of tokens, with no termination cue between,
and is not part of a pseudo-negation ("not just ..., it's a cure" stays a cure claim).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spacy.tokens import Span

NEGATION_WINDOW = 8
NEGATION_AFTER_WINDOW = 4
HEDGE_WINDOW = 8
RELATIVE_PRONOUNS = frozenset({"that", "who", "which", "whom", "whose"})


@dataclass(frozen=True)
class Context:
    negated: bool = False
    hedged: bool = False
    quoted: bool = False


def assess(span: Span) -> Context:
    return Context(negated=is_negated(span), hedged=is_hedged(span), quoted=is_quoted(span))


def _in_sentence(cue: Span, span: Span) -> bool:
    sent = span.sent
    return sent.start <= cue.start and cue.end <= sent.end


def _terminated(span: Span, start: int, end: int) -> bool:
    """A termination cue lies between token positions start and end."""
    return any(start <= t.start and t.end <= end for t in span.doc.spans["termination"])


def _pseudo(cue: Span) -> bool:
    return any(p.start <= cue.start and cue.end <= p.end for p in cue.doc.spans["pseudo_negation"])


def is_negated(span: Span) -> bool:
    doc = span.doc
    for cue in doc.spans["negation_before"]:
        if (cue.end <= span.start and span.start - cue.end <= NEGATION_WINDOW
                and _in_sentence(cue, span) and not _pseudo(cue)
                and not _terminated(span, cue.end, span.start)):
            return True
    for cue in doc.spans["negation_after"]:
        if (cue.start >= span.end and cue.start - span.end <= NEGATION_AFTER_WINDOW
                and _in_sentence(cue, span) and not _terminated(span, span.end, cue.start)
                and not _clause_break(span, span.end, cue.start)):
            return True
    return False


def _clause_break(span: Span, start: int, end: int) -> bool:
    """A comma or relative pronoun between a match and a following negation starts another
    clause: "many sufferers, even those that have not benefited" does not negate "sufferers"."""
    return any(t.text == "," or t.lower_ in RELATIVE_PRONOUNS for t in span.doc[start:end])


def is_hedged(span: Span) -> bool:
    for cue in span.doc.spans["hedge"]:
        if (cue.end <= span.start and span.start - cue.end <= HEDGE_WINDOW
                and _in_sentence(cue, span) and not _terminated(span, cue.end, span.start)):
            return True
        if span.start <= cue.start and cue.end <= span.end:
            return True
    return False


def is_quoted(span: Span) -> bool:
    """Inside quotation marks, or in a sentence that reports or warns about the claim."""
    doc = span.doc
    if any(q.start <= span.start and span.end <= q.end for q in doc.spans["quote"]):
        return True
    return any(cue.end <= span.start and _in_sentence(cue, span) for cue in doc.spans["reported"])
