"""Linking quality on ../shared/evaldata: precision@5 of `related` (same label = relevant).

Prints dense-only, lexical-only and hybrid figures for banking77 (English, target >= 0.85) and
eduskunta_vkk_fi (Finnish, the hybrid must beat both), plus the precision of suggested links
above RELATED_THRESHOLD. Usage: python benchmarks/eval_quality.py [--limit N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from insights import InsightIn, KnowledgeBase  # noqa: E402
from language import pairs  # noqa: E402
from language.bilingual import default_embedder  # noqa: E402

EVALDATA = Path(__file__).resolve().parents[2] / "shared" / "evaldata"
SETS = {
    "banking77": ("banking77/test.csv", "text", "category", 0.85),
    "eduskunta_vkk_fi": ("eduskunta_vkk_fi/test.csv", "sentence", "ministry", None),
}


def precision_at_5(labels: dict[int, str], neighbours: dict[int, list[int]]) -> float:
    """Share of each row's neighbours (rows) that carry the row's label, averaged."""
    return float(
        np.mean(
            [np.mean([labels[j] == labels[i] for j in ns]) for i, ns in neighbours.items() if ns]
        )
    )


def dense_only(kb: KnowledgeBase, rows: list[int]) -> dict[int, list[int]]:
    raw = kb.index.raw.vectors()
    sims = raw @ raw.T
    np.fill_diagonal(sims, -np.inf)
    return {r: list(np.argsort(-sims[r])[:5]) for r in rows}


def lexical_only(kb: KnowledgeBase, rows: list[int]) -> dict[int, list[int]]:
    out = {}
    for r in rows:
        scores = kb.index._lexical_row(r)
        scores[r] = -np.inf
        out[r] = list(np.argsort(-scores, kind="stable")[:5])
    return out


def evaluate(name: str, embedder, limit: int | None) -> dict:
    path, column, label, target = SETS[name]
    frame = pd.read_csv(EVALDATA / path)
    if limit:
        frame = frame.head(limit)
    texts = frame[column].tolist()
    labels = frame[label].to_numpy(dtype=object)
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "eval.duckdb", embedder=embedder)
        start = time.perf_counter()
        ids = kb.add_many([InsightIn(text=t, source="other") for t in texts])
        seconds = time.perf_counter() - start
        kb.wait_for_links()
        link_seconds = time.perf_counter() - start - seconds
        # Texts repeated in the data are stored once (content-hash dedup): work on rows.
        label_of: dict[int, str] = {}
        for insight_id, label_value in zip(ids, labels, strict=True):
            label_of.setdefault(kb.index.row_of[insight_id], label_value)
        rows = sorted(label_of)
        hybrid, scored = {}, []
        for insight_id in sorted(set(ids)):
            row = kb.index.row_of[insight_id]
            hits = kb.related(insight_id, k=5)
            hybrid[row] = [kb.index.row_of[h.insight_id] for h in hits]
            scored.extend(
                (h.score, label_of[row] == label_of[n])
                for h, n in zip(hits, hybrid[row], strict=True)
            )
        scores = np.asarray([s for s, _ in scored])
        correct = np.asarray([c for _, c in scored])
        language = kb.get(ids[0]).language
        above = scores >= pairs.related_threshold(language)
        result = {
            "set": name,
            "n": len(texts),
            "add_many_s": round(seconds, 1),
            "linking_s": round(link_seconds, 1),
            "unique": len(rows),
            "dense_p5": precision_at_5(label_of, dense_only(kb, rows)),
            "lexical_p5": precision_at_5(label_of, lexical_only(kb, rows)),
            "hybrid_p5": precision_at_5(label_of, hybrid),
            "threshold": pairs.related_threshold(language),
            "suggested_share": float(above.mean()),
            "suggested_precision": float(correct[above].mean()) if above.any() else float("nan"),
            "target": target,
        }
        for q in (0.5, 0.6, 0.7, 0.8, 0.9):
            t = float(np.quantile(scores, q))
            result[f"precision_above_q{int(q * 100)}({t:.2f})"] = float(correct[scores >= t].mean())
        kb.close()
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--limit", type=int, default=None)
    parser.add_argument("--sets", nargs="*", default=list(SETS))
    args = parser.parse_args()
    if not EVALDATA.exists():
        print(f"skipped: {EVALDATA} is absent (it ships beside the repo, not in it)")
        return 0
    embedder = default_embedder()
    ok = True
    for name in args.sets:
        r = evaluate(name, embedder, args.limit)
        print(
            "  ".join(f"{k}={v:.4f}" if isinstance(v, float) else f"{k}={v}" for k, v in r.items())
        )
        if r["target"] is not None:
            passed = r["hybrid_p5"] >= r["target"]
        else:
            passed = r["hybrid_p5"] > max(r["dense_p5"], r["lexical_p5"])
        print(f"  -> {name}: {'PASS' if passed else 'FAIL'}")
        ok &= passed
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
