"""ChromaDB 1.5.9 beside Oivallus's vector index, on the same vectors (issue 13).

Both get bench_million's synthetic clustered 384-d collection (--rows of it) and its 200
queries; both are measured in the same way: vectors added in batches of 5,000 (rows per second
over the whole add), then each query alone for its top 10 (p50/p95), and recall@10 against
exact float32 search. Oivallus's side is `VectorIndex`, the dense part of its search: exact up
to OIVALLUS_COMPACT_ROWS rows, int8 rows and RaBitQ code candidates past it (retrieval/ann.py).
The whole hybrid search (words, fusion, filters) is bench_million's figure.

ChromaDB is not a dependency of Oivallus: it runs in its own virtual environment
(`make bench-chroma` makes .venv-chroma), passed as --chroma-python.

Usage: python benchmarks/bench_chroma.py [--rows 100000] [--chroma-python .venv-chroma/bin/python]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_million import collection_vectors, query_texts  # noqa: E402

from retrieval.ann import COMPACT_ROWS  # noqa: E402
from retrieval.lexical import VectorIndex  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402

BATCH = 5_000

# Run by ChromaDB's own Python: argv = vectors.npy queries.npy workdir; prints one JSON line.
CHROMA = """
import json, sys, time
import numpy as np
import chromadb
vectors = np.load(sys.argv[1], mmap_mode="r")
queries = np.load(sys.argv[2])
client = chromadb.PersistentClient(path=sys.argv[3])
found = client.create_collection(
    "bench", embedding_function=None, configuration={"hnsw": {"space": "cosine"}}
)
started = time.perf_counter()
for first in range(0, len(vectors), 5000):
    part = np.asarray(vectors[first:first + 5000])
    found.add(ids=[str(i) for i in range(first, first + len(part))], embeddings=part)
add_s = time.perf_counter() - started
found.query(query_embeddings=queries[:1], n_results=10)
times, tops = [], []
for q in queries:
    t = time.perf_counter()
    result = found.query(query_embeddings=q[None, :], n_results=10, include=[])
    times.append((time.perf_counter() - t) * 1000)
    tops.append([int(i) for i in result["ids"][0]])
print(json.dumps({"add_s": add_s, "times": times, "tops": tops,
                  "version": chromadb.__version__}))
"""


def exact_top(queries: np.ndarray, rows: int, clusters: int, k: int = 10) -> np.ndarray:
    """Row numbers of each query's k most similar vectors, by exact float32 search."""
    best = np.full((len(queries), k), -2.0, dtype=np.float32)
    best_rows = np.zeros((len(queries), k), dtype=np.int64)
    first = 0
    for part in collection_vectors(rows, clusters):
        scores = queries @ part.T
        merged = np.concatenate([best, scores], axis=1)
        numbers = np.arange(first, first + len(part))[None, :].repeat(len(queries), axis=0)
        every = np.concatenate([best_rows, numbers], axis=1)
        top = np.argsort(-merged, axis=1)[:, :k]
        best = np.take_along_axis(merged, top, axis=1)
        best_rows = np.take_along_axis(every, top, axis=1)
        first += len(part)
    return best_rows


def recall(tops: list[list[int]], exact: np.ndarray) -> float:
    found = sum(len(set(top) & set(row.tolist())) for top, row in zip(tops, exact, strict=True))
    return found / exact.size


def oivallus(vectors: np.ndarray, queries: np.ndarray) -> dict:
    """Add and query Oivallus's dense index the way ChromaDB is measured."""
    index = VectorIndex(vectors.shape[1], proposes=len(vectors) >= COMPACT_ROWS)
    started = time.perf_counter()
    for first in range(0, len(vectors), BATCH):
        index.add(vectors[first : first + BATCH])
    add_s = time.perf_counter() - started
    times, tops = [], []
    for q in queries:
        t = time.perf_counter()
        scores = index.similarities(q[None, :])[0]
        top = np.argpartition(-scores, 10)[:10]
        times.append((time.perf_counter() - t) * 1000)
        tops.append(top.tolist())
    return {"add_s": add_s, "times": times, "tops": tops, "compact": index.compact}


def summary(name: str, found: dict, rows: int, exact: np.ndarray) -> dict:
    return {
        "store": name,
        "add_per_s": round(rows / found["add_s"]),
        "top10_p50_ms": round(float(np.median(found["times"])), 2),
        "top10_p95_ms": round(float(np.percentile(found["times"], 95)), 2),
        "recall_at_10": round(recall(found["tops"], exact), 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--clusters", type=int, default=5_000)
    parser.add_argument("--chroma-python", default=str(ROOT / ".venv-chroma/bin/python"))
    args = parser.parse_args()
    queries = HashingEmbedder().embed(query_texts(args.clusters)).astype(np.float32)
    exact = exact_top(queries, args.rows, args.clusters)
    vectors = np.concatenate(list(collection_vectors(args.rows, args.clusters)))
    ours = summary("Oivallus VectorIndex", oivallus(vectors, queries), args.rows, exact)
    results = [ours]
    if Path(args.chroma_python).exists():
        with tempfile.TemporaryDirectory() as tmp:
            np.save(Path(tmp) / "vectors.npy", vectors)
            np.save(Path(tmp) / "queries.npy", queries)
            del vectors
            done = subprocess.run(
                [
                    args.chroma_python,
                    "-c",
                    CHROMA,
                    f"{tmp}/vectors.npy",
                    f"{tmp}/queries.npy",
                    f"{tmp}/chroma",
                ],
                capture_output=True,
                text=True,
                timeout=7200,
            )
            if done.returncode:
                raise SystemExit(done.stderr[-3000:])
            theirs = json.loads(done.stdout.strip().splitlines()[-1])
            results.append(summary(f"ChromaDB {theirs['version']}", theirs, args.rows, exact))
    else:
        print(f"ChromaDB skipped: no {args.chroma_python} (make bench-chroma)", file=sys.stderr)
    print(f"{args.rows:,} vectors of 384 dimensions, 200 queries, top 10, one query at a time")
    for row in results:
        print(
            f"{row['store']:24} add {row['add_per_s']:>7,}/s   p50 {row['top10_p50_ms']:6.2f} ms"
            f"   p95 {row['top10_p95_ms']:6.2f} ms   recall@10 {row['recall_at_10']:.3f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
