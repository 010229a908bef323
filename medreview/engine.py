"""Review one post: Source -> Document -> analysed blocks -> rule hits -> located Findings."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from typing import Any

from medreview import readability, regex
from medreview.checks import RULE_TYPES
from medreview.checks.anchor import document_anchor
from medreview.checks.base import Env, Hit
from medreview.document import Document, Sentence
from medreview.errors import RuleError
from medreview.model import FileResult, Finding
from medreview.nlp import get_nlp, make_doc
from medreview.parsers import parse
from medreview.regex import RegexError
from medreview.ruleset import Rule, RuleSet
from medreview.source import Source

PLACEHOLDER = re.compile(r"\{(\w+)\}")


@dataclass
class CompiledRule:
    rule: Rule
    compiled: Any


class Engine:
    """Compiles a RuleSet once against the shared spaCy pipeline; reviews any number of posts."""

    def __init__(self, ruleset: RuleSet) -> None:
        self.ruleset = ruleset
        self.nlp = get_nlp()
        env = Env(nlp=self.nlp, tables=ruleset.tables)
        self.rules = [CompiledRule(rule, compile_rule(rule, env))
                      for rule in ruleset.rules if rule.enabled]
        self.section_synonyms = ruleset.tables.get("sections", {})
        # One pattern per category (its synonyms as whole-word alternatives), searched once
        # per heading instead of once per synonym.
        self.section_patterns = {
            category: r"\b(?:" + "|".join(re.escape(str(s)) for s in synonyms) + r")\b"
            for category, synonyms in self.section_synonyms.items() if synonyms}

    def analyse(self, document: Document) -> Document:
        """Run spaCy over every block (batched) and record sentences and section categories."""
        texts = [document.block_text(block) for block in document.blocks]
        docs = self.nlp.pipe([make_doc(self.nlp, text) for text in texts])
        for index, (block, doc, text) in enumerate(zip(document.blocks, docs, texts)):
            block.doc = doc
            for sent in doc.sents:
                if text[sent.start_char:sent.end_char].strip():
                    document.sentences.append(Sentence(block.start + sent.start_char,
                                                       block.start + sent.end_char, index))
        for section in document.sections:
            section.categories = tuple(
                category for category, pattern in self.section_patterns.items()
                if regex.search(pattern, section.heading))
        return document

    def review(self, source: Source) -> FileResult:
        document = self.analyse(parse(source))
        findings: list[Finding] = []
        for item in self.rules:
            if not item.rule.applies(document.front_matter):
                continue
            module = RULE_TYPES[item.rule.info.type]
            for hit in module.check(item.compiled, item.rule.info.level, item.rule.scope, document):
                findings.append(make_finding(item.rule, hit, document))
        findings.sort(key=Finding.sort_key)
        return FileResult(path=source.path, format=source.format, sha256=source.sha256,
                          findings=findings, metrics=document_metrics(document),
                          front_matter=document.front_matter, sections=section_summaries(document))


def compile_rule(rule: Rule, env: Env) -> Any:
    """Compile a rule's matchers; a bad regex, pattern or table is a RuleError at its file."""
    try:
        return RULE_TYPES[rule.info.type].compile(rule.options, env)
    except (RegexError, KeyError, ValueError, TypeError) as exc:
        problem = exc.args[0] if isinstance(exc, KeyError) and exc.args else one_line(str(exc))
        raise RuleError(rule.path, f"rule '{rule.id}': {problem}", line=rule.line) from None


def one_line(problem: str) -> str:
    """spaCy's pattern errors span several lines ("Pattern 0:", "- [pattern -> 0 -> LOWR] ...");
    the user gets them on one: "invalid token pattern 0: [pattern -> 0 -> LOWR] ..."."""
    if "\n" not in problem.strip():
        return problem
    parts, pattern = [], ""
    for line in (line.strip() for line in problem.splitlines()[1:]):
        if line.startswith("Pattern "):
            pattern = line.rstrip(":").split()[-1]
        elif line.startswith("- "):
            parts.append(f"invalid token pattern {pattern}: {line[2:]}")
    return "; ".join(parts) or " ".join(problem.split())


def make_finding(rule: Rule, hit: Hit, document: Document) -> Finding:
    source = document.source
    start, end = document.source_span(hit.start, hit.end)
    line, column = source.location(start)
    end_line, end_column = source.location(end)
    sentence = document.sentence_at(hit.start)
    sentence_text = document.text[sentence.start:sentence.end] if sentence else ""
    # A finding about the whole post sits on its first line; editing that line must not make it
    # a different finding, so its fingerprint leaves the text out.
    whole_post = (hit.start, hit.end) == document_anchor(document)
    info = rule.info
    return Finding(
        rule=info.id, code=info.code, severity=hit.severity or info.level,
        message=fill(info.message, hit.values), start=start, end=end, line=line, column=column,
        end_line=end_line, end_column=end_column, excerpt=source.text[start:end],
        sentence=" ".join(sentence_text.split()), suggestion=fill(info.suggestion, hit.values),
        sources=info.sources,
        fingerprint=fingerprint(info.id, source.path,
                                "" if whole_post else sentence_text or source.text[start:end]))


def fill(template: str, values: dict[str, str]) -> str:
    """Replace {name} placeholders that a hit supplies; leave the others as written."""
    return PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), template)


def fingerprint(rule_id: str, path: str, text: str) -> str:
    """Rule + normalised sentence + path: survives line shifts, changes when the claim does."""
    normalised = " ".join(re.findall(r"\w+", text.lower()))
    return hashlib.sha256(f"{rule_id}\0{path}\0{normalised}".encode()).hexdigest()[:32]


def prose_text(document: Document, section: int | None = None) -> str:
    return "\n".join(document.block_text(b) for _, b in document.prose_blocks()
                     if section is None or b.section == section)


def document_metrics(document: Document) -> dict[str, Any]:
    return readability.measure(prose_text(document))


def section_summaries(document: Document) -> list[dict[str, Any]]:
    summaries = []
    for index, section in enumerate(document.sections):
        line, _ = document.source.location(document.source_offset(section.start))
        summaries.append({"heading": section.heading, "level": section.level, "line": line,
                          "categories": list(section.categories),
                          "metrics": readability.measure(prose_text(document, index))})
    return summaries
