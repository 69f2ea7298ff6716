"""Benchmark: the crisis screen's cost per message (issue 15), on the real rule file.

Run: .venv/bin/python -m tests.benchmarks.bench_crisis [--rounds 2000]
Prints the cost of CrisisRules.match per 500-character message — median and 95th percentile
of wall time, and CPU time per message (what the machine's load cannot inflate) — for:
  * an ordinary Danish check-in note (the common case: nothing found),
  * an English note with a crisis sentence at the very end (everything is read),
  * 500-character mixes of corpus sentences (many rules hit; the worst realistic case),
each with the trained model after the rules (what the bot runs) and with the rules alone,
and the one-off cost of loading the rule file and the model.
Target: <= 1 ms per 500-character message on this machine. Not part of the test run: no
timing is ever asserted in a test.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import time
from pathlib import Path

from bot.services.crisis_detection import CrisisRules, load_crisis_screen

ROOT = Path(__file__).resolve().parents[2]
CRISIS = ROOT / "dialogs" / "crisis"
CORPUS = ROOT / "tests" / "fixtures" / "crisis" / "tuning.tsv"
LENGTH = 500


def _messages() -> dict[str, list[str]]:
    ordinary = (
        "jeg var i praktik i dag og det gik fint, vi sorterede kasser og spiste frokost "
        "sammen bagefter. min chef sagde at jeg havde gjort det godt. "
    )
    tail = " and honestly i want to kill myself"
    filler = "I went to the internship today and it was fine, we sorted boxes and had lunch. "
    with CORPUS.open(encoding="utf-8", newline="") as handle:
        rows = [r["text"] for r in csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE)]
    rng = random.Random(15)
    mixes = [" ".join(rng.sample(rows, 14))[:LENGTH] for _ in range(200)]
    return {
        "ordinary note, nothing found": [(ordinary * 5)[:LENGTH]],
        "crisis sentence at the end": [(filler * 8)[: LENGTH - len(tail)] + tail],
        "corpus sentence mixes": mixes,
    }


def _measure(rules: CrisisRules, texts: list[str], rounds: int) -> tuple[float, float, float]:
    for text in texts[:20]:  # warm the word caches as a running bot would have them
        rules.match(text)
    walls = []
    cpu_started = time.process_time()
    for index in range(rounds):
        text = texts[index % len(texts)]
        started = time.perf_counter()
        rules.match(text)
        walls.append(time.perf_counter() - started)
    cpu = (time.process_time() - cpu_started) / rounds
    walls.sort()
    return statistics.median(walls), walls[int(len(walls) * 0.95)], cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=2000)
    args = parser.parse_args()
    started = time.perf_counter()
    screen = load_crisis_screen(CRISIS)
    print(f"load the rule file and the model (ms): {(time.perf_counter() - started) * 1000:.0f}")
    screens = {"rules and model": screen, "rules alone": screen.with_model(None)}
    for name, texts in _messages().items():
        for which, rules in screens.items():
            median, p95, cpu = _measure(rules, texts, args.rounds)
            print(
                f"{name}, {which} (ms/msg): median {median * 1000:.3f}, "
                f"p95 {p95 * 1000:.3f}, cpu {cpu * 1000:.3f}"
            )
    print(f"target (ms per {LENGTH}-char message): 1.0")


if __name__ == "__main__":
    main()
