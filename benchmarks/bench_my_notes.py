"""What happened to my notes: how long the page's read (`kb.notes.mine`) and the digest's week
(`kb.notes.week`) take for one contributor among many.

--n insights (default 20,000; the fake embedder, the bundled model's dimensions), observed over
twelve months; one contributor is the author of --mine of them (default 300: the page reads the
newest 200); themes computed; 20 questions, each with its evidence suggested. Reported: the
median and the slowest of 5 reads, warm (target: the page's read under 1 s on 2 cores).

Usage: python benchmarks/bench_my_notes.py [--n 20000] [--mine 300]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_speed import DIM, synthetic_texts  # noqa: E402

from insights import InsightIn, KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402


def timed(call, runs: int = 5) -> tuple[float, float]:
    """(median, slowest) in milliseconds of `runs` calls after one warm-up."""
    call()
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        seconds.append(time.perf_counter() - start)
    return statistics.median(seconds) * 1000, max(seconds) * 1000


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--mine", type=int, default=300)
    args = parser.parse_args()
    rng = random.Random(3)
    texts = synthetic_texts(args.n)
    start_day = date.today() - timedelta(days=365)
    mine = set(rng.sample(range(args.n), args.mine))
    items = [
        InsightIn(
            text=t,
            observed_at=start_day + timedelta(days=rng.randrange(365)),
            author="Mikko Laine" if i in mine else f"person {i % 50}",
        )
        for i, t in enumerate(texts)
    ]
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "notes.duckdb", embedder=HashingEmbedder(dim=DIM))
        kb.people.create_user("mikko", "Mikko Laine", role="contributor")
        started = time.perf_counter()
        kb.add_many(items)
        kb.wait_for_links()
        kb.themes.recompute_themes()
        for question in synthetic_texts(20, seed=11):
            kb.backlog.ask({"text": question[:200]})
        built = time.perf_counter() - started
        view = kb.acting_as(kb.people.user("mikko"))
        report = view.notes.mine()
        page = timed(view.notes.mine)
        today = date.today()
        week = timed(lambda: kb.notes.week("mikko", today - timedelta(days=6), today))
        used = sum(n.happened for n in report.notes)
        kb.close()
    print(f"{args.n} insights, {args.mine} by the contributor (built in {built:.0f} s)")
    print(
        f"page read (kb.notes.mine, newest {len(report.notes)}, {used} used): "
        f"median {page[0]:.0f} ms, slowest {page[1]:.0f} ms"
    )
    print(f"digest week (kb.notes.week): median {week[0]:.0f} ms, slowest {week[1]:.0f} ms")


if __name__ == "__main__":
    main()
