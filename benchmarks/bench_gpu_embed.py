"""Embedding throughput of the configured model on the GPU (when present) and on the CPU.

Loads only language/embeddings.py (and vocabulary/settings.py), so it runs where the rest of
the stack is not installed (a GPU machine with torch and sentence-transformers). Texts:
synthetic, from the demo data's words, 12-30 words each.
Usage: python benchmarks/bench_gpu_embed.py [--n 20000]
"""

from __future__ import annotations

import argparse
import csv
import importlib
import random
import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def load_embeddings_module():
    sys.path.insert(0, str(ROOT))  # language/ and vocabulary/ import nothing else of ours
    return importlib.import_module("language.embeddings")


def texts(n: int) -> list[str]:
    with open(ROOT / "data" / "demo" / "insights.csv", encoding="utf-8") as handle:
        words = [w for row in csv.DictReader(handle) for w in re.findall(r"\w+", row["text"])]
    rng = random.Random(5)
    return [" ".join(rng.choice(words) for _ in range(rng.randint(12, 30))) for _ in range(n)]


def rate(embedder, sample: list[str]) -> float:
    embedder.embed(sample[:256])  # warm up
    start = time.perf_counter()
    embedder.embed(sample)
    return len(sample) / (time.perf_counter() - start)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--cpu-n", type=int, default=2_000)
    args = parser.parse_args()
    import torch

    module = load_embeddings_module()
    sample = texts(args.n)
    print(f"torch {torch.__version__}, cuda available: {torch.cuda.is_available()}")
    if torch.cuda.is_available():
        print(f"device: {torch.cuda.get_device_name(0)}")
        for batch in (64, 256, 1024):
            embedder = module.SentenceTransformerEmbedder(batch_size=batch)
            print(
                f"gpu  batch {batch:5}: {rate(embedder, sample):10.0f} texts/s  (n={len(sample)})"
            )
    torch.cuda.is_available = lambda: False  # the same class, forced onto the CPU
    embedder = module.SentenceTransformerEmbedder(batch_size=64)
    print(
        f"cpu  batch    64: {rate(embedder, sample[: args.cpu_n]):10.0f} texts/s  "
        f"(n={args.cpu_n}, {torch.get_num_threads()} threads)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
