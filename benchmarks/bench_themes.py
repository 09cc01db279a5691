"""Themes and the overview: quality, recompute time and page time.

1. Theme quality on ../shared/evaldata/banking77/test.csv with the real model: NMI against the 77
   intents (target >= 0.75) and the adjusted Rand index (reported). Then joining between
   recomputes: themes are computed on nine tenths, the last tenth is added; reported are the
   share that joined a theme and how often the theme's most common intent is the newcomer's
   own (target: at least 0.9 x the same figure for the members).
2. Recomputing themes for --n insights (default 100,000; fake embedder, same dimensions):
   seconds (target <= 120 on 2 cores).
3. The Overview page script at that size with 50,000 NPS responses: median of 5 runs (target
   <= 500 ms).

Usage: python benchmarks/bench_themes.py [--n 100000] [--skip-quality] [--skip-scale]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_speed import SEGMENTS, synthetic_texts  # noqa: E402

from insights import InsightIn, KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402

EVALDATA = ROOT.parent / "shared" / "evaldata"


def quality() -> dict:
    import pandas as pd
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    frame = pd.read_csv(EVALDATA / "banking77" / "test.csv")
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "q.duckdb")
        ids = kb.add_many([InsightIn(text=t) for t in frame["text"]])
        kb.wait_for_links()
        start = time.perf_counter()
        themes = kb.themes.recompute_themes()
        seconds = time.perf_counter() - start
        kb.close()
    label = dict(zip(ids, frame["category"], strict=True))
    theme_of = {i: t.id for t in themes for i in t.insight_ids}
    keys = sorted(theme_of)
    truth, found = [label[i] for i in keys], [theme_of[i] for i in keys]
    return {
        "b77_themes": len(themes),
        "b77_nmi": normalized_mutual_info_score(truth, found),
        "b77_ari": adjusted_rand_score(truth, found),
        "b77_recompute_s": seconds,
    }


def _majority_agreement(members: dict[int, list[int]], label: dict[int, str], of) -> float:
    """Share of the insights `of` (id -> theme id) whose theme's most common intent among its
    members is their own."""
    from collections import Counter

    top = {t: Counter(label[i] for i in ids).most_common(1)[0][0] for t, ids in members.items()}
    hits = [top.get(theme) == label[i] for i, theme in of.items()]
    return sum(hits) / len(hits) if hits else 0.0


def joining() -> dict:
    import pandas as pd

    frame = pd.read_csv(EVALDATA / "banking77" / "test.csv")
    held = frame.index % 10 == 9
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "j.duckdb")
        first = kb.add_many([InsightIn(text=t) for t in frame["text"][~held]])
        kb.wait_for_links()
        themes = kb.themes.recompute_themes()
        members = {t.id: list(t.insight_ids) for t in themes}
        later = kb.add_many([InsightIn(text=t) for t in frame["text"][held]])
        kb.wait_for_links()
        after = {i: t.id for t in kb.themes.all() for i in t.insight_ids}
        kb.close()
    label = dict(zip(first, frame["category"][~held], strict=True))
    label |= dict(zip(later, frame["category"][held], strict=True))
    joined = {i: after[i] for i in later if i in after}
    member_of = {i: t for t, ids in members.items() for i in ids}
    return {
        "join_share": len(joined) / len(later),
        "join_agreement": _majority_agreement(members, label, joined),
        "member_agreement": _majority_agreement(members, label, member_of),
    }


def scale(n: int) -> dict:
    from streamlit.testing.v1 import AppTest

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "s.duckdb"
        kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
        texts = synthetic_texts(n)
        with kb.linker.held():  # the scale test times themes, not background linking
            for i in range(0, n, 10_000):
                kb.add_many(
                    [
                        InsightIn(text=t, segment=SEGMENTS[(i + j) % 4])
                        for j, t in enumerate(texts[i : i + 10_000])
                    ]
                )
            survey = Path(tmp) / "survey.csv"
            rng = random.Random(3)
            with open(survey, "w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(["id", "date", "segment", "nps"])
                for r in range(50_000):
                    writer.writerow(
                        [
                            r,
                            f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d}",
                            rng.choice(SEGMENTS),
                            rng.randint(0, 10),
                        ]
                    )
            kb.imports.import_file(survey)
            start = time.perf_counter()
            themes = kb.themes.recompute_themes()
            seconds = time.perf_counter() - start
        kb.linker.stop()
        kb.close()
        import insights.runtime.startup

        insights.runtime.startup.default_embedder = HashingEmbedder  # page time, not quality
        os.environ["OIVALLUS_DB"] = str(path)
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
        at.run()  # opens the knowledge base (cached), the first run is not timed
        runs = []
        for _ in range(5):
            started = time.perf_counter()
            at.run()
            runs.append(time.perf_counter() - started)
        assert not at.exception, at.exception
    return {
        "n": n,
        "themes": len(themes),
        "recompute_s": seconds,
        "overview_page_ms": statistics.median(runs) * 1000,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-scale", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    context = multiprocessing.get_context("spawn")
    if not args.skip_quality and (EVALDATA / "banking77").is_dir():
        with context.Pool(1) as pool:
            results.update(pool.apply(quality))
        with context.Pool(1) as pool:
            results.update(pool.apply(joining))
        results["join_vs_members"] = results["join_agreement"] / results["member_agreement"]
    if not args.skip_scale:
        with context.Pool(1) as pool:
            results.update(pool.apply(scale, (args.n,)))
    targets = {
        "b77_nmi": (">=", 0.80),
        "join_vs_members": (">=", 0.9),
        "recompute_s": ("<=", 120),
        "overview_page_ms": ("<=", 500),
    }
    ok = True
    for key, value in results.items():
        verdict = ""
        if key in targets:
            op, target = targets[key]
            passed = value >= target if op == ">=" else value <= target
            ok &= passed
            verdict = f"  target {op} {target}: {'PASS' if passed else 'FAIL'}"
        print(f"{key:20} {value:12.3f}{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
