"""Measure the rules' precision and recall on the labelled evaluation set in eval/.

Every row of eval/sentences.jsonl is reviewed as its own one-paragraph Markdown post (with
`product:` front matter when the row names one); every post in eval/posts is reviewed whole and
checked against its `.expected.yaml`. Document-level rules are ignored when scoring sentences.

    .venv/bin/python benchmarks/accuracy.py [--pack us] [--show-errors] [--markdown] [--json FILE]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from medreview.engine import Engine
from medreview.errors import InputError, MedreviewError
from medreview.ruleset import Rule, RuleSet, load_ruleset
from medreview.source import read_source, source_from_bytes

ROOT = Path(__file__).resolve().parent.parent
EVAL = ROOT / "eval"
POST_SUFFIXES = (".md", ".txt")
# Rules about whole posts (a missing disclaimer, byline, section...): a single sentence says
# nothing about them. An id ending in "." is a prefix.
DOCUMENT_LEVEL = ("disclaimer.missing", "disclaimer.dshea-missing", "authorship.", "review.",
                  "readability.", "safety.section-missing", "crisis.resource-missing",
                  "offlabel.undisclosed", "balance.options-and-uncertainty", "waiver.")
DOCUMENT_TYPES = ("metadata", "required_section", "required_text", "readability")
NEGATED_HEDGED = ("negated", "hedged")
NEAR_MISS = ("quoted", "process", "other-sense")
ROW_KEYS = ("id", "text", "labels", "category", "source")
AIM_PRECISION, AIM_RECALL, AIM_FLAGGED = 0.95, 0.90, 0.05


@dataclass
class Counts:
    """True positives, false positives and false negatives for one rule or family."""

    tp: int = 0
    fp: int = 0
    fn: int = 0
    not_implemented: int = 0  # labelled rows whose rule the loaded packs lack

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn
        self.not_implemented += other.not_implemented

    @property
    def precision(self) -> float | None:
        return ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float | None:
        return ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        return None if p is None or r is None or p + r == 0 else 2 * p * r / (p + r)

    def as_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "fp": self.fp, "fn": self.fn,
                "not_implemented": self.not_implemented, "precision": rounded(self.precision),
                "recall": rounded(self.recall), "f1": rounded(self.f1)}


@dataclass(frozen=True)
class Error:
    """One false positive or false negative, with what an annotator needs to judge it."""

    kind: str  # FP | FN
    rule: str
    row: dict[str, Any]

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "id": self.row["id"],
                "category": self.row["category"], "text": self.row["text"],
                "url": self.row["source"].get("url", "")}


@dataclass
class Scores:
    rules: dict[str, Counts] = field(default_factory=dict)
    categories: dict[str, list[int]] = field(default_factory=dict)  # [rows, rows flagged]
    errors: list[Error] = field(default_factory=list)
    unscored: dict[str, Counter[str]] = field(default_factory=dict)  # rule -> category -> rows

    def counts(self, rule: str) -> Counts:
        return self.rules.setdefault(rule, Counts())


def ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def rounded(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def family(rule: str) -> str:
    return rule.split(".", 1)[0]


def is_document_level(rule: Rule) -> bool:
    """True for rules about whole posts, which single sentences are not scored on."""
    listed = any(rule.id.startswith(d) if d.endswith(".") else rule.id == d
                 for d in DOCUMENT_LEVEL)
    return listed or rule.info.type in DOCUMENT_TYPES or set(rule.scope) == {"document"}


def load_rows(path: Path) -> list[dict[str, Any]]:
    """The labelled rows of a JSONL file; a bad line is an InputError naming file and line."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(path, exc) from None
    rows = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(str(path), f"not valid JSON: {exc.msg}", line=number) from None
        missing = [k for k in ROW_KEYS if not isinstance(row, dict) or k not in row]
        if missing:
            raise InputError(str(path), f"row lacks {', '.join(missing)}", line=number)
        rows.append(row)
    return rows


def unreadable(path: Path, exc: OSError | UnicodeDecodeError) -> InputError:
    reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
    return InputError(str(path), f"cannot be read: {reason}")


def label_vocabulary(rows: list[dict[str, Any]]) -> set[str]:
    """The rule ids the set labels: eval/validate.py's LABELS plus any label a row uses."""
    vocabulary = {rule for row in rows for rule in row["labels"]}
    spec = importlib.util.spec_from_file_location("eval_validate", EVAL / "validate.py")
    if spec and spec.loader and (EVAL / "validate.py").is_file():
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)  # defines LABELS; runs nothing unless __main__
        vocabulary |= set(getattr(module, "LABELS", ()))
    return vocabulary


def sentence_post(row: dict[str, Any]) -> str:
    """A row as a one-paragraph Markdown post; product-gated rules need the `product` field."""
    front = f"---\nproduct: {row['product']}\n---\n\n" if row.get("product") else ""
    return f"{front}{row['text']}\n"


def fired_rules(engine: Engine, row: dict[str, Any], sentence_rules: set[str]) -> set[str]:
    """The sentence-level rules with at least one finding on the row."""
    source = source_from_bytes(sentence_post(row).encode("utf-8"), f"{row['id']}.md", "markdown")
    return {f.rule for f in engine.review(source).findings} & sentence_rules


def score(rows: list[dict[str, Any]], fired: dict[str, set[str]], implemented: set[str],
          vocabulary: set[str]) -> Scores:
    """Compare each row's labels with the rules that fired on it. Rules outside the set's
    label vocabulary were never judged by the annotators: they are counted apart."""
    scores = Scores()
    for row in rows:
        labels, hits = set(row["labels"]), fired[row["id"]] & vocabulary
        for rule in sorted(fired[row["id"]] - vocabulary):
            scores.unscored.setdefault(rule, Counter())[row["category"]] += 1
        for rule in sorted(labels | hits):
            counts = scores.counts(rule)
            if rule in labels and rule not in implemented:
                counts.not_implemented += 1
            elif rule in labels and rule in hits:
                counts.tp += 1
            else:
                kind = "FN" if rule in labels else "FP"
                setattr(counts, kind.lower(), getattr(counts, kind.lower()) + 1)
                scores.errors.append(Error(kind, rule, row))
        tally = scores.categories.setdefault(row["category"], [0, 0])
        tally[0] += 1
        tally[1] += bool(hits - labels)
    scores.errors.sort(key=lambda e: (e.rule, e.kind, e.row["id"]))
    return scores


def family_counts(scores: Scores) -> dict[str, Counts]:
    """Per-family sums, plus `all` (micro-averaged over every rule)."""
    families: dict[str, Counts] = {}
    for rule, counts in sorted(scores.rules.items()):
        families.setdefault(family(rule), Counts()).add(counts)
    total = Counts()
    for counts in families.values():
        total.add(counts)
    return {**dict(sorted(families.items())), "all": total}


def flagged_rate(scores: Scores, categories: tuple[str, ...]) -> tuple[int, int, float | None]:
    rows = sum(scores.categories.get(c, [0, 0])[0] for c in categories)
    flagged = sum(scores.categories.get(c, [0, 0])[1] for c in categories)
    return rows, flagged, ratio(flagged, rows)


def review_posts(engine: Engine, directory: Path, implemented: set[str]) -> list[dict[str, Any]]:
    """Each post's expected rules (found, missed, not implemented) and forbidden rules reported.
    A post without a readable expectation file is reported on stderr and left out."""
    if not directory.is_dir():
        raise InputError(str(directory), "no such directory of posts")
    results = []
    for path in sorted(p for p in directory.iterdir() if p.suffix in POST_SUFFIXES):
        try:
            expected = load_expectations(path.with_name(path.stem + ".expected.yaml"))
            found = {f.rule for f in engine.review(read_source(path, str(path))).findings}
        except MedreviewError as exc:
            print(f"skipped: {exc.render()}", file=sys.stderr)
            continue
        expect = sorted({item["rule"] for item in expected["expect"]})
        forbid = sorted({item["rule"] for item in expected["forbid"]})
        results.append({
            "post": path.name,
            "expected_found": [r for r in expect if r in found],
            "expected_missed": [r for r in expect if r not in found and r in implemented],
            "expected_not_implemented": [r for r in expect if r not in implemented],
            "forbidden": forbid,
            "forbidden_reported": [r for r in forbid if r in found]})
    return results


def load_expectations(path: Path) -> dict[str, list[dict[str, Any]]]:
    """A post's `{expect: [{rule, why}], forbid: [...]}`; anything else is an InputError."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError) as exc:
        raise unreadable(path, exc) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise InputError(str(path), "not valid YAML", line=line) from None
    lists = {key: (data.get(key) or []) if isinstance(data, dict) else None
             for key in ("expect", "forbid")}
    if not all(isinstance(v, list) and all(isinstance(i, dict) and "rule" in i for i in v)
               for v in lists.values()):
        raise InputError(str(path), "expect and forbid must be lists of {rule, why}")
    return lists


def aims(scores: Scores) -> list[dict[str, Any]]:
    """The issue's targets, each with its measured value (None when nothing was measured)."""
    overclaim = family_counts(scores).get("overclaim", Counts())
    rows = [("overclaim precision", overclaim.precision, ">=", AIM_PRECISION),
            ("overclaim recall", overclaim.recall, ">=", AIM_RECALL)]
    for name, categories in [("negated flagged", ("negated",)), ("hedged flagged", ("hedged",)),
                             ("negated+hedged flagged", NEGATED_HEDGED)]:
        rows.append((name, flagged_rate(scores, categories)[2], "<=", AIM_FLAGGED))
    return [{"aim": name, "measured": rounded(value), "target": f"{op} {target:.2f}",
             "met": value is not None and (value >= target if op == ">=" else value <= target)}
            for name, value, op, target in rows]


def measure(packs: tuple[str, ...], sentences: Path, posts: Path | None,
            rules_dir: Path | None = None) -> dict[str, Any]:
    """Run the engine over the set and return every figure as plain data."""
    ruleset = load_ruleset(packs, root=rules_dir)
    engine = Engine(ruleset)
    implemented = {r.id for r in ruleset.rules if r.enabled}
    sentence_rules = {r.id for r in ruleset.rules if r.enabled and not is_document_level(r)}
    rows = load_rows(sentences)
    vocabulary = label_vocabulary(rows)
    scores = score(rows, {row["id"]: fired_rules(engine, row, sentence_rules) for row in rows},
                   implemented, vocabulary)
    for rule in sentence_rules & vocabulary:  # list rules that never fired too
        scores.counts(rule)
    return figures(ruleset, rows, scores, implemented,
                   review_posts(engine, posts, implemented) if posts else [])


def figures(ruleset: RuleSet, rows: list[dict[str, Any]], scores: Scores, implemented: set[str],
            posts: list[dict[str, Any]]) -> dict[str, Any]:
    categories = {c: {"rows": n, "flagged": k, "rate": rounded(ratio(k, n))}
                  for c, (n, k) in sorted(scores.categories.items())}
    for name, group in [("negated+hedged", NEGATED_HEDGED),
                        ("quoted+process+other-sense", NEAR_MISS)]:
        n, k, rate = flagged_rate(scores, group)
        categories[name] = {"rows": n, "flagged": k, "rate": rounded(rate)}
    return {
        "packs": list(ruleset.packs), "ruleset_sha256": ruleset.sha256, "sentences": len(rows),
        "families": {name: c.as_dict() for name, c in family_counts(scores).items()},
        "rules": {rule: {**c.as_dict(), "implemented": rule in implemented}
                  for rule, c in sorted(scores.rules.items())},
        "unscored": {rule: {"rows": sum(by.values()), **dict(sorted(by.items()))}
                     for rule, by in sorted(scores.unscored.items())},
        "not_implemented": {rule: c.not_implemented for rule, c in sorted(scores.rules.items())
                            if c.not_implemented},
        "categories": categories, "posts": posts, "aims": aims(scores),
        "errors": [e.as_dict() for e in scores.errors]}


def fmt(value: float | None) -> str:
    return "-" if value is None else f"{value:.3f}"


def table(headers: list[str], rows: list[list[Any]], markdown: bool = False) -> list[str]:
    """Left-aligned first column, right-aligned numbers; plain columns or a Markdown table."""
    cells = [headers] + [[str(c) for c in row] for row in rows]
    if markdown:
        rule = "|" + "|".join([":---"] + ["---:"] * (len(headers) - 1)) + "|"
        lines = ["| " + " | ".join(row) + " |" for row in cells]
        return [lines[0], rule, *lines[1:]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = ["  ".join(cell.ljust(w) if i == 0 else cell.rjust(w)
                       for i, (cell, w) in enumerate(zip(row, widths))) for row in cells]
    return [lines[0], "  ".join("-" * w for w in widths), *lines[1:]]


def counts_row(name: str, c: dict[str, Any]) -> list[Any]:
    return [name, c["tp"], c["fp"], c["fn"], c["not_implemented"], fmt(c["precision"]),
            fmt(c["recall"]), fmt(c["f1"])]


COUNT_HEADERS = ["tp", "fp", "fn", "not impl.", "precision", "recall", "F1"]


def render(data: dict[str, Any], show_errors: bool, markdown: bool = False) -> str:
    """The figures as tables in a fixed order: aligned plain text, or Markdown for docs."""
    def tab(headers: list[str], rows: list[list[Any]]) -> list[str]:
        return table(headers, rows, markdown)

    def head(name: str) -> list[str]:
        return ["", f"### {name}" if markdown else name, ""]

    lines = [f"medreview accuracy on {data['sentences']} labelled sentences and "
             f"{len(data['posts'])} posts (packs: {', '.join(data['packs'])}; "
             f"ruleset {data['ruleset_sha256'][:12]})",
             "Sentence-level rules only; document-level rules are not scored on single sentences."]
    lines += head("Per family")
    lines += tab(["family", *COUNT_HEADERS],
                 [counts_row(name, c) for name, c in data["families"].items()])
    lines += head("Per rule")
    lines += tab(["rule", *COUNT_HEADERS],
                 [counts_row(rule, c) for rule, c in data["rules"].items() if c["implemented"]])
    lines += head("Labelled rules not implemented by the loaded packs")
    lines += [f"- {rule}: {n} labelled rows"
              for rule, n in data["not_implemented"].items()] or ["none"]
    lines += ["", "These rows are counted as 'not impl.', not as recall misses."]
    lines += head("False-positive rate by category")
    lines += tab(["category", "rows", "flagged", "rate"],
                 [[name, c["rows"], c["flagged"], fmt(c["rate"])]
                  for name, c in data["categories"].items()])
    lines += ["", "flagged: rows with a sentence-level finding their labels do not call for."]
    lines += head("Sentence-level rules the set does not label")
    lines += tab(["rule", "rows flagged", "negated", "hedged"],
                 [[rule, u["rows"], u.get("negated", 0), u.get("hedged", 0)]
                  for rule, u in data["unscored"].items()]) if data["unscored"] else ["none"]
    lines += ["", "Not scored: the annotators never judged these rules, so their findings are "
              "neither true nor false positives here."]
    lines += head("Posts") + render_posts(data["posts"], tab)
    lines += head("Aims")
    lines += tab(["aim", "measured", "target", "met"],
                 [[a["aim"], fmt(a["measured"]), a["target"], "yes" if a["met"] else "NO"]
                  for a in data["aims"]])
    if show_errors:
        lines += head("Errors") + ([render_error(e) for e in data["errors"]] or ["none"])
    return "\n".join(lines) + "\n"


POST_KEYS = ("expected_found", "expected_missed", "expected_not_implemented", "forbidden",
             "forbidden_reported")


def render_posts(posts: list[dict[str, Any]], tab: Any) -> list[str]:
    """One row per post plus a total, then each post's misses and forbidden findings."""
    sizes = [(p["post"], {k: len(p[k]) for k in POST_KEYS}) for p in posts]
    sizes.append(("total", {k: sum(n[k] for _, n in sizes) for k in POST_KEYS}))
    rows = [[name, f"{n['expected_found']}/{n['expected_found'] + n['expected_missed']}",
             n["expected_not_implemented"], f"{n['forbidden_reported']}/{n['forbidden']}"]
            for name, n in sizes]
    lines = tab(["post", "expected found", "not impl.", "forbidden reported"], rows) + [""]
    for p in posts:
        for key, what in (("expected_missed", "expected, not reported"),
                          ("forbidden_reported", "forbidden, reported")):
            if p[key]:
                lines.append(f"- {p['post']}: {what}: {', '.join(p[key])}")
    return lines


def render_error(error: dict[str, Any]) -> str:
    return (f"{error['kind']} {error['rule']} {error['id']} [{error['category']}] "
            f"{json.dumps(error['text'], ensure_ascii=False)} {error['url']}")


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", action="append", dest="packs", metavar="NAME",
                        help="rule pack to load (repeatable; default: us)")
    parser.add_argument("--rules-dir", type=Path, metavar="DIR",
                        help="load packs from this copy of rules/ (to measure a proposed change)")
    parser.add_argument("--sentences", type=Path, default=EVAL / "sentences.jsonl",
                        help="labelled sentences (JSONL; default: eval/sentences.jsonl)")
    parser.add_argument("--posts", type=Path, default=EVAL / "posts",
                        help="directory of posts with .expected.yaml files (default: eval/posts)")
    parser.add_argument("--no-posts", action="store_true", help="score sentences only")
    parser.add_argument("--show-errors", action="store_true",
                        help="list every false positive and false negative with its source URL")
    parser.add_argument("--markdown", action="store_true",
                        help="print Markdown tables (for docs/accuracy.md)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the figures as JSON")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        data = measure(tuple(args.packs or ("us",)), args.sentences,
                       None if args.no_posts else args.posts, args.rules_dir)
    except MedreviewError as exc:
        print(f"error: {exc.render()}", file=sys.stderr)
        return 2
    sys.stdout.write(render(data, args.show_errors, args.markdown))
    if args.json:
        args.json.write_text(json.dumps(data, indent=2, sort_keys=True, ensure_ascii=False) + "\n",
                             encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
