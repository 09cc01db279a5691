"""Would a Finnish note get the hints and links its English translation would get? (issue 25)

Labelled cross-language pairs on one subject that are not translations do not exist in
../shared/evaldata, so the English pipeline labels them: held-out Tatoeba pairs (odd lines, never
trained on), the English side of the first `--queries` pairs as queries against the English side
of the next `--pool` pairs; what `similar` (the Add page's hints) and the suggested links of
`related` give an English query among the pool is "right". Then the Finnish side of the same
queries against the same English pool: for each threshold on the fi-en `evidence`, how many
hints and links it gives (against the English count) and the share the English would give too.

Usage: python benchmarks/eval_hints.py [--queries 400] [--pool 2000]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.eval_languages import EVALDATA, held_out_pairs  # noqa: E402
from benchmarks.eval_pool import pool as stored  # noqa: E402
from language.bilingual import default_embedder  # noqa: E402
from language.pairs import evidence, suggests_link, threshold  # noqa: E402

SWEEP = (0.70, 0.65, 0.61, 0.57, 0.54, 0.50, 0.45, 0.40)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--queries", type=int, default=400)
    parser.add_argument("--pool", type=int, default=2000)
    args = parser.parse_args()
    if not EVALDATA.exists():
        print(f"skipped: {EVALDATA} is absent (it ships beside the repo, not in it)")
        return 0
    n = args.queries
    fi, en = held_out_pairs("tatoeba", n + args.pool)
    pool = en[n:]
    embedder = default_embedder()
    english_hints, english_links, finnish = [], [], {"similar": [], "related": []}
    with stored(embedder, en, ["en"] * len(en)) as (kb, ids):
        text = dict(zip(ids, en, strict=True))
        for i in range(n):
            hints = kb.insights.similar(en[i], k=10)
            english_hints.append({text[h.insight_id] for h, _ in hints} & set(pool))
            links = [h for h in kb.related(ids[i], k=10) if text[h.insight_id] in pool]
            english_links.append(
                {
                    text[h.insight_id]
                    for h in links
                    if suggests_link(h.score, h.dense_score, "en", "en")
                }
            )
    with stored(embedder, fi[:n] + pool, ["fi"] * n + ["en"] * len(pool)) as (kb, ids):
        for i in range(n):
            for h in kb.search(fi[i], k=10):
                if h.insight.language == "en":
                    right = h.insight.text in english_hints[i]
                    finnish["similar"].append((evidence(h.dense_score, h.shared_score), right))
            for h in kb.related(ids[i], k=10):
                if h.insight.language == "en":
                    right = h.insight.text in english_links[i]
                    finnish["related"].append((evidence(h.dense_score, h.shared_score), right))
    english = {"similar": english_hints, "related": english_links}
    for kind, rows in finnish.items():
        total = sum(map(len, english[kind]))
        values = np.asarray([v for v, _ in rows])
        right = np.asarray([r for _, r in rows], dtype=bool)
        now = threshold(kind, "fi", "en")
        print(f"{kind}: the English translations get {total} for {n} queries; in Finnish:")
        for t in sorted({*SWEEP, now}, reverse=True):
            given = values >= t
            agree = right[given].mean() if given.any() else float("nan")
            mark = "  <- the threshold now" if t == now else ""
            print(
                f"  evidence >= {t:.2f}: {given.sum():4d} given, "
                f"{agree:.2f} of them English too{mark}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
