"""Rule types: a closed set in code; rules (YAML data) pick one by name.

Each module has OPTIONS (name -> Option), compile(options, env) -> compiled matcher state, and
check(compiled, level, scope, document) -> Iterator[Hit].
"""

from __future__ import annotations

from types import ModuleType

from medreview.checks import (citation_needed, claim, conditional, credentials, date_age,
                              first_mention, metadata, phrase, proximity, readability,
                              required_section, required_text, sentence_length)

RULE_TYPES: dict[str, ModuleType] = {
    "phrase": phrase,
    "required_section": required_section,
    "required_text": required_text,
    "conditional": conditional,
    "citation_needed": citation_needed,
    "readability": readability,
    "sentence_length": sentence_length,
    "metadata": metadata,
    "claim": claim,
    "proximity": proximity,
    "first_mention": first_mention,
    "date_age": date_age,
    "credentials": credentials,
}
