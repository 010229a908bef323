"""Benchmark a whole-site review and print the figures next to their targets.

    python benchmarks/run.py                 # 1,000 posts, --jobs 2
    python benchmarks/run.py --posts 10000   # takes minutes
    python benchmarks/run.py --posts 1000 --jobs 1 --keep /tmp/corpus

Measured, each in a fresh `medreview` process: the full review (wall time: the median of
--repeat runs; posts/s, words/s), then once more for the peak memory of all its processes, a
cold single-post check, `medreview --help`, the re-run of 1,000 unchanged posts from the cache,
and a bare `spacy.blank("en")` tokenizer pass over the same files on one core. Memory is read
from /proc (Linux) every 100 ms: the sum of each process's peak RSS (medreview, its workers,
any fork server; shared pages count in every process, so an upper bound) and the highest sum
of proportional set sizes (PSS: shared pages split between their users).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import corpus  # noqa: E402  (a sibling script, not a package)

TARGETS = {  # name: (limit, unit, "max" or "min")
    "1,000 posts with --jobs 2": (8.0, "s", "max"),
    "throughput / bare tokenizer": (0.5, "x", "min"),
    "cold single post": (1.0, "s", "max"),
    "--help": (0.3, "s", "max"),
    "10,000 posts peak memory": (600.0, "MB", "max"),
    "cached re-run of 1,000 posts": (1.5, "s", "max"),
}

TOKENIZER_PASS = """
import sys, time
from pathlib import Path
import spacy
texts = [p.read_text(encoding="utf-8") for p in sorted(Path(sys.argv[1]).glob("*.md"))]
nlp = spacy.blank("en")
for text in texts[:20]:
    nlp.tokenizer(text)  # warm the tokenizer's cache, as a long run would
start = time.perf_counter()
tokens = sum(len(doc) for doc in nlp.tokenizer.pipe(texts))
print(time.perf_counter() - start, tokens)
"""


def medreview_command() -> list[str]:
    script = Path(sys.executable).with_name("medreview")
    return [str(script)] if script.exists() else [sys.executable, "-m", "medreview"]


def descendants(pid: int) -> list[int]:
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            for task in os.listdir(f"/proc/{current}/task"):
                with open(f"/proc/{current}/task/{task}/children") as handle:
                    todo.extend(int(child) for child in handle.read().split())
        except OSError:
            continue  # the process ended meanwhile
    return found


def memory_kb(pid: int) -> tuple[int, int]:
    """(peak RSS so far, current PSS) in KiB of one process; zeros once it has gone."""
    try:
        with open(f"/proc/{pid}/status") as handle:
            status = dict(line.split(":", 1) for line in handle if ":" in line)
        with open(f"/proc/{pid}/smaps_rollup") as handle:
            rollup = dict(line.split(":", 1) for line in handle if ":" in line)
        return int(status["VmHWM"].split()[0]), int(rollup["Pss"].split()[0])
    except (OSError, KeyError, ValueError):
        return 0, 0


class PeakMemory(threading.Thread):
    """Samples a process tree every 100 ms until the process ends: `rss` sums each process's
    peak RSS (shared pages counted in every process that maps them: an upper bound), `pss` is
    the highest sum of proportional set sizes (shared pages split between their users)."""

    def __init__(self, process: subprocess.Popen[bytes]) -> None:
        super().__init__(daemon=True)
        self.process, self.peaks, self.pss = process, {}, 0

    @property
    def rss(self) -> int:
        return sum(self.peaks.values())

    def run(self) -> None:
        while self.process.poll() is None:
            total_pss = 0
            for pid in descendants(self.process.pid):
                peak, pss = memory_kb(pid)
                self.peaks[pid] = max(self.peaks.get(pid, 0), peak)
                total_pss += pss
            self.pss = max(self.pss, total_pss)
            time.sleep(0.1)


def timed(args: list[str], cwd: Path,
          watch_memory: bool = False) -> tuple[float, PeakMemory | None]:
    """Wall time of a medreview command (exit 0 or 1 expected), and its memory sampler."""
    start = time.perf_counter()
    process = subprocess.Popen(medreview_command() + args, cwd=cwd, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    sampled = watch_memory and Path("/proc/self/smaps_rollup").exists()
    sampler = PeakMemory(process) if sampled else None
    if sampler:
        sampler.start()
    _, stderr = process.communicate()
    elapsed = time.perf_counter() - start
    if sampler:
        sampler.join()
    if process.returncode not in (0, 1):
        sys.exit(f"medreview {' '.join(args)} failed ({process.returncode}): {stderr.decode()}")
    return elapsed, sampler


def median_time(args: list[str], cwd: Path, runs: int) -> float:
    return statistics.median(timed(args, cwd)[0] for _ in range(runs))


def verdict(name: str, value: float) -> str:
    limit, unit, kind = TARGETS[name]
    met = value <= limit if kind == "max" else value >= limit
    sign = "<=" if kind == "max" else ">="
    return f"target {sign} {limit:g} {unit}: {'met' if met else 'MISSED'}"


def main() -> None:
    parser = argparse.ArgumentParser(description="Benchmark a whole-site review.")
    parser.add_argument("--posts", type=int, default=1000, help="corpus size (1000 or 10000)")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--keep", type=Path, help="generate the corpus here and keep it")
    parser.add_argument("--repeat", type=int, help="timed review runs (default: 3, or 1 above "
                                                   "1,000 posts); the median is reported")
    args = parser.parse_args()

    work = args.keep or Path(tempfile.mkdtemp(prefix="medreview-bench-"))
    site, thousand = work / f"site-{args.posts}", work / "site-1000"
    if not site.is_dir():
        corpus.generate(site, args.posts)
    if not thousand.is_dir():
        corpus.generate(thousand, 1000)
    words = sum(len(p.read_text(encoding="utf-8").split()) for p in site.glob("*.md"))
    out = work / "report.jsonl"
    rows: list[tuple[str, str, str]] = []
    print(f"corpus: {args.posts} posts, {words} words ({words // args.posts} per post), "
          f"{os.cpu_count()} cores, load average {os.getloadavg()[0]:.2f}", flush=True)

    review = ["check", site.name, "--jobs", str(args.jobs), "--no-cache", "--format", "jsonl",
              "-o", str(out)]
    runs = args.repeat or (3 if args.posts <= 1000 else 1)
    elapsed = median_time(review, work, runs)
    _, memory = timed(review, work, watch_memory=True)  # sampled apart: sampling costs CPU
    posts_per_s = args.posts / elapsed
    rows.append((f"review {args.posts} posts, --jobs {args.jobs} (median of {runs})",
                 f"{elapsed:.2f} s",
                 verdict("1,000 posts with --jobs 2", elapsed)
                 if args.posts == 1000 and args.jobs == 2 else ""))
    rows.append(("throughput", f"{posts_per_s:.1f} posts/s, {words / elapsed:,.0f} words/s", ""))
    if memory:
        name = "10,000 posts peak memory"
        rows.append(("peak memory, all processes (sum of peak RSS)", f"{memory.rss / 1024:.0f} MB",
                     verdict(name, memory.rss / 1024) if args.posts == 10000 else ""))
        rows.append(("peak memory, all processes (PSS)", f"{memory.pss / 1024:.0f} MB", ""))

    tokenize = subprocess.run([sys.executable, "-c", TOKENIZER_PASS, str(site)], check=True,
                              capture_output=True, text=True).stdout.split()
    token_time = float(tokenize[0])
    ratio = posts_per_s / (args.posts / token_time)
    rows.append(("bare spacy.blank('en') tokenizer, 1 core",
                 f"{token_time:.2f} s, {args.posts / token_time:.1f} posts/s, "
                 f"{tokenize[1]} tokens", ""))
    rows.append(("medreview throughput / tokenizer", f"{ratio:.2f}x",
                 verdict("throughput / bare tokenizer", ratio)))

    one = next(iter(sorted(site.glob("*.md"))))
    cold = median_time(["check", str(one), "--no-cache"], work, runs=3)
    rows.append(("cold single post (median of 3)", f"{cold:.2f} s",
                 verdict("cold single post", cold)))
    help_time = median_time(["--help"], work, runs=5)
    rows.append(("medreview --help (median of 5)", f"{help_time:.3f} s",
                 verdict("--help", help_time)))

    cache_dir = work / "cache"
    shutil.rmtree(cache_dir, ignore_errors=True)
    cached = ["check", thousand.name, "--jobs", str(args.jobs), "--cache-dir", str(cache_dir),
              "--format", "jsonl", "-o", str(out)]
    first, _ = timed(cached, work)
    again = median_time(cached, work, runs=3)
    rows.append(("1,000 posts filling the cache", f"{first:.2f} s", ""))
    rows.append(("cached re-run of 1,000 posts (median of 3)", f"{again:.2f} s",
                 verdict("cached re-run of 1,000 posts", again)))

    width = max(len(name) for name, _, _ in rows)
    for name, value, target in rows:
        print(f"{name:<{width}}  {value:<42} {target}".rstrip())
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
