"""Search while the knowledge base works in the background (issue 14).

Builds (or reuses) a file of N insights whose links are not yet computed, as right after a big
import, opens it and searches for a while as a person would (one query every 100 ms) while the
background linker works through them; then again while a 5,000-row import and a theme
recomputation run beside the linker. Prints search p50/p95 of each phase, how many insights
rows (smoothed or related) the linker did per second meanwhile, and peak memory, against the
targets.

Usage: python benchmarks/bench_busy.py [--n 100000] [--db PATH] [--seconds 60]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_speed import DIM, SEGMENTS, ms, peak_rss_mb, synthetic_texts  # noqa: E402

from insights import InsightIn, KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402

TARGETS = {"search_p50_ms": 50, "search_p95_ms": 150, "peak_rss_mb": 1024}


def build_unlinked(path: Path, n: int) -> None:
    """N insights stored and indexed, their links left for the next open to compute."""
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder(dim=DIM))
    texts = synthetic_texts(n)
    with kb.linker.held():  # store only: the linking is what the benchmark watches
        for i in range(0, n, 10_000):
            kb.add_many(
                [
                    InsightIn(text=t, segment=SEGMENTS[(i + j) % 4], source="other")
                    for j, t in enumerate(texts[i : i + 10_000])
                ]
            )
            print(f"  stored {min(i + 10_000, n)}", flush=True)
    kb.close()


def search_for(kb: KnowledgeBase, seconds: float, queries: list[str]) -> list[float]:
    """Search every 100 ms (a busy person), timing each."""
    timings, end, i = [], time.perf_counter() + seconds, 0
    while time.perf_counter() < end:
        start = time.perf_counter()
        kb.search(queries[i % len(queries)], k=10)
        timings.append(time.perf_counter() - start)
        i += 1
        time.sleep(max(0.0, 0.1 - (time.perf_counter() - start)))
    return timings


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--db", type=Path, default=None, help="reuse (or build once) this file")
    parser.add_argument("--seconds", type=float, default=60)
    args = parser.parse_args()
    import os

    sys.setswitchinterval(float(os.environ.get("SWITCH", "0.005")))
    path = args.db or Path(tempfile.mkdtemp()) / "busy.duckdb"
    if not path.exists():
        print(f"building {args.n:,} unlinked insights in {path}", flush=True)
        build_unlinked(path, args.n)
    queries = [" ".join(t.split()[:4]) for t in synthetic_texts(300, seed=11)]
    work_copy = Path(tempfile.mkdtemp()) / "busy.duckdb"
    shutil.copyfile(path, work_copy)  # the built file stays unlinked for the next run
    start = time.perf_counter()
    kb = KnowledgeBase.open(work_copy, embedder=HashingEmbedder(dim=DIM))
    print(f"opened {kb.count():,} insights in {time.perf_counter() - start:.1f} s", flush=True)
    results = {}
    try:
        for q in queries[:10]:
            kb.search(q)
        before = kb.index.background_rows
        linking = search_for(kb, args.seconds, queries)
        results["linking"] = (linking, kb.index.background_rows - before)

        extra = [
            InsightIn(text=t + " import", segment="SMB", source="other")
            for t in synthetic_texts(5_000, seed=23)
        ]
        work = [
            threading.Thread(target=kb.add_many, args=(extra,)),
            threading.Thread(target=kb.themes.recompute_themes),
        ]
        before = kb.index.background_rows
        for thread in work:
            thread.start()
        busy = search_for(kb, args.seconds, queries)
        results["linking + import + themes"] = (busy, kb.index.background_rows - before)
        for thread in work:
            thread.join()
    finally:
        kb.close()
        shutil.rmtree(work_copy.parent, ignore_errors=True)
    ok = True
    for phase, (timings, linked) in results.items():
        p50, p95 = ms(timings, 0.5), ms(timings, 0.95)
        ok &= p50 <= TARGETS["search_p50_ms"] and p95 <= TARGETS["search_p95_ms"]
        print(
            f"{phase:28s} search p50 {p50:6.1f} ms  p95 {p95:7.1f} ms  max "
            f"{max(timings) * 1000:7.1f} ms  ({len(timings)} searches; the linker did "
            f"{linked / args.seconds:,.0f} rows/s)  target p50 <= 50, p95 <= 150"
        )
    rss = peak_rss_mb()
    print(f"peak RSS {rss:,.0f} MB (target {TARGETS['peak_rss_mb']:,})")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
