"""`python -m ingest` with the tests' fake embedder, for tests that drive the real command in a
process of its own (interrupted, resumed) without loading the model:

    python -m tests.fake_cli [--pause-ms N] FILE... --db PATH [the command's options]

`--pause-ms` makes each embedded text take at least N ms, so that an import of a small file
lasts long enough to be interrupted mid-way on any machine (the real model's speed is
measured by benchmarks/bench_import.py).
"""

from __future__ import annotations

import sys
import time

import numpy as np

from ingest.__main__ import main
from ingest.cli import run
from tests.doubles import HashingEmbedder


class PausingEmbedder(HashingEmbedder):
    """The hashing embedder, taking at least `pause` seconds per text (same vectors, same
    model id: a run with it and a run without it share one knowledge base)."""

    def __init__(self, pause: float) -> None:
        super().__init__()
        self.pause = pause

    def embed(self, texts: list[str]) -> np.ndarray:
        time.sleep(self.pause * len(texts))
        return super().embed(texts)


def cli(argv: list[str]) -> int:
    """Run the import command on `argv` (after an optional leading --pause-ms N)."""
    pause = 0.0
    if argv[:1] == ["--pause-ms"]:
        pause, argv = float(argv[1]) / 1000, argv[2:]
    embedder = PausingEmbedder(pause) if pause else HashingEmbedder()
    return run(lambda args: main(args, embedder=embedder), argv)


if __name__ == "__main__":
    raise SystemExit(cli(sys.argv[1:]))
