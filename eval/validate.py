#!/usr/bin/env python3
"""Consistency checks for the medreview evaluation set (no network, stdlib + optional PyYAML).

Run: python3 eval/validate.py
Checks: sentence schema, allowed labels/categories/kinds, unique ids and texts, that
regression.jsonl is an exact subset of sentences.jsonl covering every label and category,
that every post has an expected.yaml, and that every body line of an `assembled: true`
post is made only of labelled sentences.
"""
import json, pathlib, re, sys

HERE = pathlib.Path(__file__).resolve().parent
LABELS = {
    "overclaim.cure", "overclaim.guarantee", "overclaim.hype-terms", "claims.safety-absolute",
    "claims.speed-of-effect", "claims.establishment", "claims.disease-claim-nondrug",
    "claims.testimonial", "claims.comparative-efficacy", "evidence.uncited-research-claim",
    "evidence.preclinical-extrapolation", "fair-balance.risk-minimization", "language.stigmatizing",
    "safe-messaging.language", "safe-messaging.method-detail",
}
CATEGORIES = {"violative", "negated", "hedged", "quoted", "process", "other-sense", "neutral"}
KINDS = {"warning-letter", "press-release", "clinic-page", "supplement-page", "patient-page"}
PRODUCTS = {"supplement", "food", "cosmetic", "device", "service", "rx"}


def load(name):
    return [json.loads(l) for l in (HERE / name).read_text(encoding="utf-8").splitlines() if l.strip()]


def main():
    errs = []
    rows = load("sentences.jsonl")
    ids, texts = set(), set()
    for r in rows:
        for k in ("id", "text", "labels", "category", "source", "note"):
            if k not in r:
                errs.append(f"{r.get('id')}: missing {k}")
        if r["id"] in ids:
            errs.append(f"duplicate id {r['id']}")
        ids.add(r["id"])
        if r["text"] in texts:
            errs.append(f"duplicate text {r['id']}")
        texts.add(r["text"])
        if not set(r["labels"]) <= LABELS:
            errs.append(f"{r['id']}: unknown label {set(r['labels']) - LABELS}")
        if r["category"] not in CATEGORIES:
            errs.append(f"{r['id']}: bad category {r['category']}")
        if r["category"] == "violative" and not r["labels"]:
            errs.append(f"{r['id']}: violative but no labels")
        if r["source"].get("kind") not in KINDS or not r["source"].get("url", "").startswith("http"):
            errs.append(f"{r['id']}: bad source {r['source']}")
        if "product" in r and r["product"] not in PRODUCTS:
            errs.append(f"{r['id']}: bad product {r['product']}")
    byid = {r["id"]: r for r in rows}
    reg = load("regression.jsonl")
    for r in reg:
        if byid.get(r["id"]) != r:
            errs.append(f"regression {r['id']} differs from sentences.jsonl")
    if {l for r in reg for l in r["labels"]} != LABELS:
        errs.append("regression slice does not cover every label")
    if {r["category"] for r in reg} != CATEGORIES:
        errs.append("regression slice does not cover every category")

    posts = sorted((HERE / "posts").glob("*.md"))
    for p in posts:
        y = p.with_name(p.stem + ".expected.yaml")
        if not y.exists():
            errs.append(f"{p.name}: no expected.yaml")
        raw = p.read_text(encoding="utf-8")
        m = re.match(r"---\n(.*?)\n---\n(.*)", raw, re.S)
        if not m:
            errs.append(f"{p.name}: no front matter"); continue
        fm, body = m.group(1), m.group(2)
        for key in ("title:", "source_url:", "publisher:", "retrieved: 2026-11-24"):
            if key not in fm:
                errs.append(f"{p.name}: front matter lacks {key}")
        if "assembled: true" in fm and "publisher_kind: government" not in fm:
            known = sorted(texts, key=len, reverse=True)
            for line in body.splitlines():
                line = re.sub(r"^#+\s*", "", line).strip()
                if not line:
                    continue
                rest = line
                while rest:
                    for t in known:
                        if rest.startswith(t):
                            rest = rest[len(t):].lstrip(); break
                    else:
                        errs.append(f"{p.name}: text not among labelled sentences: {rest[:70]!r}")
                        break
    try:
        import yaml  # optional
        for y in sorted((HERE / "posts").glob("*.expected.yaml")):
            d = yaml.safe_load(y.read_text(encoding="utf-8"))
            exp = {e["rule"] for e in d.get("expect") or []}
            forb = {e["rule"] for e in d.get("forbid") or []}
            if exp & forb:
                errs.append(f"{y.name}: rule both expected and forbidden: {exp & forb}")
    except ImportError:
        pass
    for e in errs:
        print("ERROR", e)
    print(f"{len(rows)} sentences, {len(reg)} regression, {len(posts)} posts, {len(errs)} errors")
    return 1 if errs else 0


if __name__ == "__main__":
    sys.exit(main())
