"""A deterministic benchmark corpus: N Markdown posts of about 800 words each.

Every post has YAML front matter, headings, links and a few claim-bearing sentences drawn from a
fixed list (cure, guarantee, speed, safety, evidence, off-label, crisis wording), between
filler sentences built from a fixed vocabulary. The same seed always gives the same bytes.

    python benchmarks/corpus.py OUT_DIR -n 1000 [--seed 7]
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

WORDS_PER_POST = 720

CLAIMS = (
    "Our infusion protocol cures treatment-resistant bipolar depression.",
    "It's not just another treatment — it's a cure for your depression.",
    "This program reverses type 2 diabetes in eight weeks.",
    "After three sessions your anxiety will be gone for good.",
    "Relief is guaranteed, or your next session is free.",
    "We guarantee results in three sessions or your money back.",
    "Patients feel relief within hours or days of their first infusion.",
    "Our fast-acting infusions lift your mood right away.",
    "Ketamine infusions have no lasting side effects.",
    "Because a physician gives it, the treatment is completely safe.",
    "Clinically proven to lift mood within a day.",
    "Studies show nine in ten patients respond to ketamine.",
    "Research has increasingly explored ketamine's benefits for bipolar depression.",
    "A growing body of evidence supports our approach.",
    "Side effects are typically mild and short-lived.",
    "Discover the miracle treatment psychiatrists are talking about.",
    "We offer ketamine infusions for anxiety and chronic pain.",
    "Bipolar depression greatly raises the risk of suicide.",
    "Addicts often relapse soon after detox.",
    "There is no cure for bipolar disorder, but treatment helps many people live well.",
    "Ketamine is not a cure for bipolar disorder; it may ease symptoms for a while.",
    "Be cautious of any clinic that promises a 'cure' for mood disorders.",
    "In a small trial, some people had fewer symptoms for several weeks [1].",
    "Ketamine can raise blood pressure, so a nurse checks it during each visit.",
    "If you are thinking about suicide, call or text 988 to reach the Suicide and Crisis Lifeline.",
)

HEADINGS = ("Overview", "How the treatment works", "Who it may help", "What a visit is like",
            "Risks and side effects", "Cost and insurance", "Questions to ask your doctor",
            "What the research says", "Living with depression", "Next steps")

VOCABULARY = (
    "patients doctors nurses clinic treatment therapy session visit symptoms mood sleep energy "
    "appetite family support plan dose medicine infusion evaluation history questions answers "
    "research trial study results weeks months days hours morning evening care team program "
    "depression anxiety bipolar disorder pain stress recovery progress goals options insurance "
    "cost payment schedule appointment referral record pharmacy prescription monitoring blood "
    "pressure heart rate breathing comfort room chair music blanket water snack ride home safety "
    "follow-up check-in journal diary notes changes effects benefits limits risks choices people "
    "adults teens parents partners friends work school exercise walking diet routine habits "
    "counseling psychiatrist psychologist therapist specialist primary physician guideline label "
    "approval evidence source article review reader community resources library website phone"
).split()
VERBS = ("helps", "supports", "describes", "explains", "changes", "follows", "includes", "reviews",
         "tracks", "discusses", "measures", "affects", "shapes", "guides", "covers", "needs")
LINKS = ("https://www.nimh.nih.gov/health/topics/depression", "https://www.fda.gov/drugs",
         "https://988lifeline.org", "https://www.ncbi.nlm.nih.gov/pmc/", "/contact", "/pricing")


def filler_sentence(rng: random.Random) -> str:
    """A plain sentence of 8 to 22 words from the fixed vocabulary."""
    words = rng.choices(VOCABULARY, k=rng.randint(6, 18))
    words.insert(rng.randint(1, len(words) - 1), rng.choice(VERBS))
    words.insert(0, rng.choice(("The", "Our", "Your", "Each", "Many", "Some", "Most")))
    return " ".join(words) + "."


def paragraph(rng: random.Random, claims: bool) -> str:
    sentences = [filler_sentence(rng) for _ in range(rng.randint(3, 6))]
    if claims and rng.random() < 0.5:
        sentences.insert(rng.randint(0, len(sentences)), rng.choice(CLAIMS))
    if rng.random() < 0.3:
        url = rng.choice(LINKS)
        sentences.append(f"Read more in [this guide]({url}).")
    return " ".join(sentences)


def post(rng: random.Random, number: int) -> str:
    """One post: front matter, a title, sections of paragraphs until about WORDS_PER_POST words."""
    lines = ["---", f"title: Post {number}", f"author: Writer {number % 17}",
             f"date: 2025-{number % 12 + 1:02d}-{number % 28 + 1:02d}", "audience: patients",
             "---", "", f"# Post {number}: a guide to treatment options", ""]
    words = 8
    for heading in rng.sample(HEADINGS, k=len(HEADINGS)):
        if words >= WORDS_PER_POST:
            break
        lines += [f"## {heading}", ""]
        for _ in range(rng.randint(1, 3)):
            text = paragraph(rng, claims=True)
            lines += [text, ""]
            words += len(text.split())
    if rng.random() < 0.5:
        lines += ["## References", "",
                  "1. Smith J, et al. A trial of care. 2020. doi:10.1000/xyz123", ""]
    return "\n".join(lines)


def generate(directory: Path, count: int, seed: int = 7) -> list[Path]:
    """Write `count` posts into `directory` (created); the same seed gives the same files."""
    rng = random.Random(seed)
    directory.mkdir(parents=True, exist_ok=True)
    paths = []
    for number in range(count):
        path = directory / f"post-{number:06d}.md"
        path.write_text(post(rng, number), encoding="utf-8")
        paths.append(path)
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("-n", "--count", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    generate(args.out, args.count, args.seed)


if __name__ == "__main__":
    main()
