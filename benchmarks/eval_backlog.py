"""Research backlog: matching quality on banking77 and speed at 10,000 questions.

Quality: banking77 train as insights; one question per category (its first test utterance);
the share of the top-5 `question_suggestions` with the question's category (target >= 0.85),
and the precision of "may answer" matches above several dense scores (English: the "answers"
threshold of language/pairs.py for en-en is chosen from these).
Speed (fake embedder): 10,000 questions and 100,000 votes; `vote` p50 (target <= 20 ms) and
the Backlog page script run (target <= 300 ms).

Usage: python benchmarks/eval_backlog.py [--skip-quality] [--skip-speed]
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import InsightIn, KnowledgeBase  # noqa: E402
from language import pairs  # noqa: E402
from language.text import detect_language  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402
from vocabulary.backlog import QuestionIn  # noqa: E402

EVALDATA = ROOT.parent / "shared" / "evaldata" / "banking77"


def quality() -> dict:
    from language.bilingual import default_embedder

    train = pd.read_csv(EVALDATA / "train.csv")
    test = pd.read_csv(EVALDATA / "test.csv")
    results: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "q.duckdb", embedder=default_embedder())
        start = time.perf_counter()
        ids = kb.add_many([InsightIn(text=t, source="support ticket") for t in train["text"]])
        kb.wait_for_links()
        results["insights"] = len(set(ids))
        results["load_and_link_s"] = time.perf_counter() - start
        label = dict(zip(ids, train["category"], strict=True))
        questions = test.groupby("category", sort=True).first().reset_index()
        shares, pairs = [], []
        raw = kb.index.raw.vectors()
        rows = np.asarray([kb.index.row_of[i] for i in sorted(set(ids))])
        row_labels = np.asarray([label[i] for i in sorted(set(ids))], dtype=object)
        for category, text in zip(questions["category"], questions["text"], strict=True):
            question = kb.backlog.ask(QuestionIn(text=text, team="Support"))
            hits = kb.backlog.question_suggestions(question.id, k=5)
            shares.append(np.mean([label[h.insight_id] == category for h in hits]))
            sims = raw[rows] @ kb._text_vector(text, detect_language(text))
            pairs.append((sims, row_labels == category))
        results["top5_share"] = float(np.mean(shares))
        sims = np.concatenate([s for s, _ in pairs])
        same = np.concatenate([c for _, c in pairs])
        for threshold in (0.5, 0.55, 0.6, 0.65, 0.7, 0.75):
            above = sims >= threshold
            results[f"match_precision@{threshold}"] = float(same[above].mean())
            results[f"matches_per_question@{threshold}"] = float(above.sum() / len(questions))
        kb.close()
    return results


def build(path: Path, questions: int, votes: int) -> None:
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    rng = random.Random(3)
    words = [
        "delivery",
        "checkout",
        "invoice",
        "price",
        "app",
        "pause",
        "refund",
        "driver",
        "lunch",
        "office",
    ]
    for i in range(questions):
        text = f"Question {i}: why do customers mention {rng.choice(words)} {rng.choice(words)}?"
        kb.backlog.ask(
            QuestionIn(
                text=text,
                team=f"team{i % 12}",
                impact=rng.randint(1, 5),
                effort=rng.randint(1, 5),
                tags=[rng.choice(words)],
            )
        )
    pairs = {(rng.randint(1, questions), f"user{rng.randint(1, 3000)}") for _ in range(votes)}
    import pyarrow as pa

    table = pa.table(
        {
            "question_id": [q for q, _ in pairs],
            "user_id": [u for _, u in pairs],
            "team": [f"team{hash(u) % 12}" for _, u in pairs],
        }
    )
    with kb.db.transaction() as cur:  # bulk set-up only; the timed votes use kb.vote
        cur.register("bulk_votes", table)
        cur.execute(
            "INSERT INTO question_votes (question_id, user_id, team)"
            " SELECT question_id, user_id, team FROM bulk_votes"
        )
    kb.close()


def speed(path: Path) -> dict:
    from streamlit.testing.v1 import AppTest

    import insights.kb

    results: dict = {}
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    t = time.perf_counter()
    results["questions"] = len(kb.backlog.questions())
    results["backlog_uncached_read_ms"] = (time.perf_counter() - t) * 1000
    timings = []
    for i in range(200):
        t = time.perf_counter()
        kb.backlog.vote(1 + i * 37 % 9000, f"bench{i % 20}", on=bool(i % 2), team="Bench")
        timings.append(time.perf_counter() - t)
    results["vote_p50_ms"] = statistics.median(timings) * 1000
    t = time.perf_counter()
    kb.backlog.ranked()
    results["backlog_cached_read_ms"] = (time.perf_counter() - t) * 1000
    kb.close()
    insights.kb.default_embedder = HashingEmbedder  # size, not quality
    os.environ["OIVALLUS_DB"] = str(path)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=600)
    at.run()
    at.switch_page("views/backlog.py").run()
    runs = []
    for _ in range(5):
        t = time.perf_counter()
        at.run()
        runs.append(time.perf_counter() - t)
        assert not at.exception, at.exception
    results["page_backlog_ms"] = statistics.median(runs) * 1000
    from views.common import get_kb

    app_kb = get_kb(str(path))
    after_write = []
    for i in range(5):
        app_kb.backlog.vote(1 + i, "bench-writer", on=True, team="Bench")  # invalidates the cache
        t = time.perf_counter()
        at.run()
        after_write.append(time.perf_counter() - t)
    results["page_backlog_after_write_ms"] = statistics.median(after_write) * 1000
    return results


TARGETS = {"top5_share": (">=", 0.85), "vote_p50_ms": ("<=", 20), "page_backlog_ms": ("<=", 300)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--skip-quality", action="store_true")
    parser.add_argument("--skip-speed", action="store_true")
    parser.add_argument("--db", type=Path, default=None)
    args = parser.parse_args()
    results: dict = {}
    if not args.skip_quality:
        if EVALDATA.exists():
            results.update(quality())
        else:
            print(f"quality skipped: {EVALDATA} is absent")
    if not args.skip_speed:
        with tempfile.TemporaryDirectory() as tmp:
            path = args.db or Path(tmp) / "backlog.duckdb"
            if not path.exists():
                build(path, 10_000, 100_000)
            with multiprocessing.get_context("spawn").Pool(1) as pool:
                results.update(pool.apply(speed, (path,)))
    ok = True
    for key, value in results.items():
        verdict = ""
        if key in TARGETS:
            op, target = TARGETS[key]
            good = value >= target if op == ">=" else value <= target
            ok &= good
            verdict = f"  target {op} {target}: {'PASS' if good else 'FAIL'}"
        print(f"{key:28} {value:10.3f}{verdict}")
    print(f"may-answer thresholds in use: {pairs.THRESHOLDS['answers']}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
