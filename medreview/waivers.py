"""Inline waivers: directives in a post that suppress named rules, always with a reason.

Markdown and HTML use comments, which do not render:
`<!-- medreview-disable-next-line overclaim.cure -- reason: quoting FDA's warning letter -->`;
plain text uses a line that starts `medreview-disable-next-line ...`. Directives are read from
the Source text at review time (`read_directives`); the decide stage (`waiver_step`) moves the
findings they cover into `suppressed` and reports directives that suppress nothing. Broken
directives (no reason, unknown rule) suppress nothing and are findings themselves.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable, Iterable

from medreview.model import FileResult, Finding, RuleInfo, SourceRef, Waiver
from medreview.ruleset import Rule
from medreview.source import Source

if TYPE_CHECKING:
    from medreview.config import Config

SCOPES = {"disable-next-line": "next-line", "disable": "block", "disable-file": "file"}
_KEYWORD = r"medreview-(disable-next-line|disable-file|disable|enable)(?![\w.-])"
COMMENT_DIRECTIVE = re.compile(r"<!--\s*" + _KEYWORD + r"(.*?)-->", re.DOTALL)
TEXT_DIRECTIVE = re.compile(r"^[ \t]*" + _KEYWORD + r"(.*)$", re.MULTILINE)
REASON = re.compile(r"(?:^|\s)(?:--\s*)?reason:", re.IGNORECASE)
RULE_SEPARATOR = re.compile(r"[,\s]+")
NAME_RULES = "Waiver must name the rules it waives ('all' is not allowed)."

REASON_MISSING, UNKNOWN_RULE, UNUSED = "waiver.reason-missing", "waiver.unknown-rule", "waiver.unused"

_RUFF = SourceRef("Ruff, unused-noqa (RUF100)", "https://docs.astral.sh/ruff/rules/unused-noqa/")
_ESLINT_UNUSED = SourceRef(
    "ESLint, Report unused eslint-disable comments (reportUnusedDisableDirectives)",
    "https://eslint.org/docs/latest/use/configure/rules#report-unused-eslint-disable-comments")
_ESLINT_DESCRIPTION = SourceRef(
    "ESLint, Comment descriptions (`-- reason` after a directive)",
    "https://eslint.org/docs/latest/use/configure/rules#comment-descriptions")
_REQUIRE_DESCRIPTION = SourceRef(
    "eslint-plugin-eslint-comments, require-description and no-unlimited-disable",
    "https://eslint-community.github.io/eslint-plugin-eslint-comments/rules/require-description.html")
_PART_11 = SourceRef("21 CFR Part 11, §11.10(e): audit trails for electronic records",
                     "https://www.ecfr.gov/current/title-21/chapter-I/subchapter-A/part-11")
_ABPI = SourceRef("ABPI Code of Practice, clause 8: certification of promotional material "
                  "(MLR sign-off and its records)", "https://www.pmcpa.org.uk/the-code/")

META_RULES: dict[str, RuleInfo] = {info.id: info for info in (
    RuleInfo(
        id=REASON_MISSING, code="MR001", type="waiver", level="warning", family="waiver",
        pack="medreview",
        message="Waiver for {rules} gives no reason, so it suppresses nothing.",
        description="A medreview-disable directive without `-- reason: ...`. The reason is the "
                    "audit evidence that a person looked at the finding and accepted it (as an "
                    "MLR reviewer records why an exception was approved), so a directive without "
                    "one is ignored and the findings it names stay.",
        suggestion="Add the reason after the rule ids: `<!-- medreview-disable-next-line "
                   "overclaim.cure -- reason: quoting FDA's warning letter -->`.",
        sources=(_ESLINT_DESCRIPTION, _REQUIRE_DESCRIPTION, _PART_11, _ABPI)),
    RuleInfo(
        id=UNKNOWN_RULE, code="MR002", type="waiver", level="warning", family="waiver",
        pack="medreview",
        message="Waiver names an unknown rule: {rules}.",
        description="A directive that names a rule id medreview does not know (a typo, or a "
                    "rule that was renamed), or that names `all` or no rule at all. A waiver "
                    "must name each rule it waives, so that a blanket waiver cannot hide new "
                    "findings; the unknown names suppress nothing.",
        suggestion="Use the exact ids from `medreview rules list`, separated by commas.",
        sources=(_REQUIRE_DESCRIPTION, _RUFF)),
    RuleInfo(
        id=UNUSED, code="MR003", type="waiver", level="info", family="waiver", pack="medreview",
        message="Waiver for {rules} suppresses nothing.",
        description="A directive whose rules found nothing where it applies: the text was "
                    "edited, or the rule is disabled. A stale waiver would silently cover a "
                    "future finding on that line, so it should be removed.",
        suggestion="Delete the directive (or the unused rule ids from it).",
        sources=(_RUFF, _ESLINT_UNUSED)),
)}

META_EXAMPLES = {
    REASON_MISSING: {"flag": ["<!-- medreview-disable-next-line overclaim.cure -->\n"
                              "Our protocol cures depression."],
                     "pass": ["<!-- medreview-disable-next-line overclaim.cure -- reason: "
                              "quoting FDA's warning letter -->\nOur protocol cures depression."]},
    UNKNOWN_RULE: {"flag": ["<!-- medreview-disable-next-line overclaim.cures -- reason: "
                            "quoted -->\nOur protocol cures depression.",
                            "<!-- medreview-disable-file all -- reason: legacy page -->\nText."],
                   "pass": ["<!-- medreview-disable-next-line overclaim.cure -- reason: "
                            "quoted -->\nOur protocol cures depression."]},
    UNUSED: {"flag": ["<!-- medreview-disable-next-line overclaim.cure -- reason: quoted -->\n"
                      "Ketamine may ease symptoms for a while."],
             "pass": ["<!-- medreview-disable-next-line overclaim.cure -- reason: quoted -->\n"
                      "Our protocol cures depression."]},
}


def meta_rules(config: Config | None = None) -> list[Rule]:
    """The waiver rules as Rule objects (for `rules list` and `rules show`), as `config` sets
    their level and on/off state."""
    rules = []
    for info in META_RULES.values():
        level = (config.level(info.id) if config else None) or info.level
        rules.append(Rule(info=replace(info, level=level), scope=("document",), options={},
                          examples=META_EXAMPLES[info.id], applies_to={},
                          path="medreview/waivers.py",
                          enabled=config.enabled(info.id) if config else True))
    return rules


@dataclass(frozen=True)
class Directive(Waiver):
    """A valid waiver as read from the post, before the decide stage: `lines` holds, per rule
    in `rules`, the first and last source line it covers; `anchor` locates the directive."""

    lines: tuple[tuple[int, int], ...] = ()
    anchor: Finding | None = None

    def covering(self, finding: Finding) -> str | None:
        """The rule id under which this directive waives `finding`, if it does."""
        for rule, (first, last) in zip(self.rules, self.lines):
            if rule == finding.rule and first <= finding.line <= last:
                return rule
        return None

    def waiver(self, used: bool) -> Waiver:
        return Waiver(rules=self.rules, reason=self.reason, line=self.line, scope=self.scope,
                      used=used)


@dataclass(frozen=True)
class _Raw:
    keyword: str
    rules: tuple[str, ...]
    reason: str | None
    start: int
    end: int


def is_text_directive(line: str) -> bool:
    """True for a plain-text line that is a directive (the text parser skips it as non-prose)."""
    return TEXT_DIRECTIVE.fullmatch(line.strip()) is not None


def read_directives(source: Source, known: set[str]) -> tuple[list[Directive], list[Finding]]:
    """Every directive in the post: valid waivers, plus findings for broken directives."""
    pattern = TEXT_DIRECTIVE if source.format == "text" else COMMENT_DIRECTIVE
    raws = [_raw(match) for match in pattern.finditer(source.text)]
    last_line = len(source.line_starts)
    problems: list[Finding] = []
    directives: list[Directive] = []
    open_blocks: list[tuple[int, Directive]] = []  # (index in directives, block directive)
    for raw in raws:
        anchor = _anchor(source, raw.start, raw.end)
        rules = _known_rules(raw, known, anchor, source.path, problems)
        if raw.keyword == "enable":
            _close(directives, open_blocks, rules if raw.rules else None, anchor.line)
            continue
        if raw.reason is None:
            problems.append(meta_finding(REASON_MISSING, anchor, source.path,
                                         raw.rules or ("no rule",)))
            continue
        if not rules:
            continue
        first, last = _coverage(raw.keyword, anchor, last_line)
        directive = Directive(rules=rules, reason=raw.reason, line=anchor.line,
                              scope=SCOPES[raw.keyword], lines=((first, last),) * len(rules),
                              anchor=anchor)
        directives.append(directive)
        if raw.keyword == "disable":
            open_blocks.append((len(directives) - 1, directive))
    return directives, problems


def _raw(match: re.Match[str]) -> _Raw:
    """Split a directive's body into rule ids and the reason (None when there is none)."""
    body = match.group(2)
    found = REASON.search(body)
    if found:
        head, reason = body[:found.start()], body[found.end():].strip() or None
    else:
        head, reason = body.split("--", 1)[0], None
    rules = tuple(r for r in RULE_SEPARATOR.split(head.strip().removesuffix("--")) if r)
    return _Raw(match.group(1), rules, reason, match.start(), match.end())


def _known_rules(raw: _Raw, known: set[str], anchor: Finding, path: str,
                 problems: list[Finding]) -> tuple[str, ...]:
    """The rule ids of a directive that exist; a finding for each that does not."""
    if not raw.rules and raw.keyword != "enable" or "all" in raw.rules:
        problems.append(meta_finding(UNKNOWN_RULE, anchor, path, (), message=NAME_RULES))
    for rule in raw.rules:
        if rule not in known and rule != "all":
            problems.append(meta_finding(UNKNOWN_RULE, anchor, path, (rule,)))
    return tuple(dict.fromkeys(r for r in raw.rules if r in known))


def _coverage(keyword: str, anchor: Finding, last_line: int) -> tuple[int, int]:
    """First and last line a directive covers (a block runs to the end until enabled)."""
    if keyword == "disable-next-line":
        return anchor.end_line + 1, anchor.end_line + 1
    if keyword == "disable-file":
        return 1, last_line
    return anchor.line, last_line


def _close(directives: list[Directive], open_blocks: list[tuple[int, Directive]],
           rules: tuple[str, ...] | None, line: int) -> None:
    """End open blocks at `line` for `rules` (None: every rule)."""
    for index, block in open_blocks:
        current = directives[index]
        lines = tuple((first, min(last, line)) if rules is None or rule in rules else (first, last)
                      for rule, (first, last) in zip(current.rules, current.lines))
        directives[index] = replace(current, lines=lines)
    open_blocks[:] = [(i, b) for i, b in open_blocks
                      if any(last > line for _, last in directives[i].lines)]


def _anchor(source: Source, start: int, end: int) -> Finding:
    """A located, rule-less Finding spanning the directive; meta findings copy it."""
    line, column = source.location(start)
    end_line, end_column = source.location(end)
    return Finding(rule="", code="", severity="info", message="", start=start, end=end,
                   line=line, column=column, end_line=end_line, end_column=end_column,
                   excerpt=source.text[start:end])


def meta_finding(rule_id: str, anchor: Finding, path: str, rules: Iterable[str],
                 message: str = "") -> Finding:
    """A waiver rule's finding at a directive; `rules` fills the message's {rules}."""
    from medreview.engine import fingerprint  # the engine imports the parsers, which import us

    info = META_RULES[rule_id]
    return replace(anchor, rule=info.id, code=info.code, severity=info.level,
                   message=message or info.message.replace("{rules}", ", ".join(rules)),
                   suggestion=info.suggestion, sources=info.sources,
                   fingerprint=fingerprint(info.id, path, anchor.excerpt))


def attach(result: FileResult, source: Source, known: set[str]) -> FileResult:
    """Add a post's directives to its review (review stage); `known` are valid rule ids."""
    directives, problems = read_directives(source, known)
    result.waivers = list(directives)
    result.findings = sorted([*result.findings, *problems], key=Finding.sort_key)
    return result


def waiver_step() -> Callable[[FileResult], None]:
    """A decide step: move each finding a directive covers to `suppressed` (waived_by = the
    reason, unchanged), mark directives used, and report the rule ids that waived nothing."""
    def step(result: FileResult) -> None:
        directives = [w for w in result.waivers if isinstance(w, Directive)]
        if not directives:
            return
        used: list[set[str]] = [set() for _ in directives]
        kept: list[Finding] = []
        for finding in result.findings:
            hit = _first_covering(directives, finding)
            if hit is None:
                kept.append(finding)
                continue
            used[hit[0]].add(hit[1])
            result.suppressed.append(replace(finding, waived_by=directives[hit[0]].reason))
        for directive, rules in zip(directives, used):
            unused = [r for r in directive.rules if r not in rules]
            if unused and directive.anchor is not None:
                kept.append(meta_finding(UNUSED, directive.anchor, result.path, unused))
        result.findings = kept
        result.waivers = [d.waiver(bool(rules)) for d, rules in zip(directives, used)]
    return step


def _first_covering(directives: list[Directive], finding: Finding) -> tuple[int, str] | None:
    """The first directive (in file order) that covers `finding`, and the rule it names."""
    for index, directive in enumerate(directives):
        rule = directive.covering(finding)
        if rule is not None:
            return index, rule
    return None


def active_rules(results: list[FileResult], config: Config | None) -> dict[str, RuleInfo]:
    """The waiver rules for Report.rules: listed, at their configured level, when they ran,
    that is when some post has a directive; a rule the config turns off is left out."""
    if not any(isinstance(w, Directive) for r in results for w in r.waivers) and not any(
            f.rule in META_RULES for r in results for f in r.findings):
        return {}
    infos = {}
    for info in META_RULES.values():
        if config is None:
            infos[info.id] = info
        elif config.enabled(info.id):
            infos[info.id] = replace(info, level=config.level(info.id) or info.level)
    return infos
