"""Import throughput and memory.

1. A 10,000-row CSV of short feedback, end to end with the real model (read, validate, scrub,
   de-duplicate, embed, store): rows/s against the model's own encode rate (target >= 0.90).
2. A large CSV (default 200 MB) streamed with a fake embedder: peak RSS (target < 1.5 GB).
   Its rows are support tickets of about --row-chars characters (default 2,000: a 200 MB
   export is then ~100,000 tickets). Memory grows with the number of insights (the in-memory
   index), not with the file: 200 MB of one-line rows is millions of insights, beyond one
   laptop's index (see the README).

Usage: python benchmarks/bench_import.py [--big-mb 200] [--row-chars 2000] [--skip-model]
       [--skip-big]
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from bench_speed import synthetic_texts  # noqa: E402

from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402


def write_csv(path: Path, texts: list[str]) -> None:
    rng = random.Random(9)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";")
        writer.writerow(["pvm", "asiakassegmentti", "palaute"])
        for text in texts:
            writer.writerow(
                [
                    f"{rng.randint(1, 28)}.{rng.randint(1, 12)}.2026",
                    rng.choice(["SMB", "Consumer"]),
                    text,
                ]
            )


def model_throughput(rows: int) -> dict:
    from language.bilingual import default_embedder

    embedder = default_embedder()
    texts = synthetic_texts(rows, seed=21)
    embedder.embed(texts[:64])
    start = time.perf_counter()
    embedder.embed(texts)
    encode_rate = rows / (time.perf_counter() - start)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "feedback.csv"
        write_csv(path, texts)
        kb = KnowledgeBase.open(Path(tmp) / "i.duckdb", embedder=embedder)
        report = kb.imports.import_file(path)
        kb.close()
    return {
        "encode_rows_per_s": encode_rate,
        "import_rows_per_s": report.rows_per_second,
        "import_share": report.rows_per_second / encode_rate,
        "inserted": report.inserted,
    }


def big_file(megabytes: int, row_chars: int) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "big.csv"
        words = synthetic_texts(2000, seed=5)
        rng = random.Random(4)
        with open(path, "w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(["id", "text"])
            number = 0
            while handle.tell() < megabytes * 1024 * 1024 - 4 * row_chars:  # within the limit
                number += 1
                parts, length = [f"Ticket {number}."], 0
                while length < row_chars:
                    parts.append(rng.choice(words))
                    length += len(parts[-1]) + 1
                writer.writerow([number, " ".join(parts)])
        kb = KnowledgeBase.open(Path(tmp) / "b.duckdb", embedder=HashingEmbedder())
        start = time.perf_counter()
        report = kb.imports.import_file(path, batch=2048)
        seconds = time.perf_counter() - start
        kb.close()
    return {
        "big_rows": report.rows,
        "big_seconds": seconds,
        "big_inserted": report.inserted,
        "big_file_mb": megabytes,
        "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--big-mb", type=int, default=200)
    parser.add_argument("--row-chars", type=int, default=2000)
    parser.add_argument("--skip-model", action="store_true")
    parser.add_argument("--skip-big", action="store_true")
    args = parser.parse_args()
    results: dict = {}
    context = multiprocessing.get_context("spawn")
    if not args.skip_model:
        with context.Pool(1) as pool:
            results.update(pool.apply(model_throughput, (args.rows,)))
    if not args.skip_big:
        with context.Pool(1) as pool:
            results.update(pool.apply(big_file, (args.big_mb, args.row_chars)))
    ok = True
    for key, value in results.items():
        verdict = ""
        if key == "import_share":
            ok &= value >= 0.9
            verdict = f"  target >= 0.90: {'PASS' if value >= 0.9 else 'FAIL'}"
        if key == "peak_rss_mb":
            ok &= value < 1536
            verdict = f"  target < 1536: {'PASS' if value < 1536 else 'FAIL'}"
        print(f"{key:22} {value:12.2f}{verdict}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
