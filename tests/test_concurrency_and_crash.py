"""Several threads at once, and a process killed in the middle of a batch."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from insights import InsightIn, KnowledgeBase
from tests.doubles import HashingEmbedder

ROOT = Path(__file__).resolve().parents[1]


def test_eight_threads_adding_and_searching(kb):
    errors, added = [], []
    lock = threading.Lock()

    def work(worker: int) -> None:
        try:
            for i in range(15):
                item = InsightIn(text=f"worker {worker} note {i} about checkout and delivery")
                insight_id = kb.add(item).insight.id if i % 2 else kb.add_many([item])[0]
                with lock:
                    added.append(insight_id)
                kb.search("checkout delivery", k=5)
                kb.related(insight_id, k=3)
        except Exception as error:  # noqa: BLE001 - collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(set(added)) == 120 and kb.count() == 120
    assert len(kb.index) == 120


SLOW_WRITER = """
import sys, time
import pytest

from insights import InsightIn, KnowledgeBase
from tests.doubles import HashingEmbedder

class SlowEmbedder(HashingEmbedder):
    def embed(self, texts):
        time.sleep(0.05)
        return super().embed(texts)

kb = KnowledgeBase.open(sys.argv[1], embedder=SlowEmbedder())
kb.add_many([InsightIn(text=f"first batch {i}") for i in range(50)])
print("FIRST-DONE", flush=True)
def progress(done, total):
    print("PROGRESS", done, flush=True)
kb.add_many([InsightIn(text=f"second batch {i}") for i in range(3000)], progress=progress)
print("SECOND-DONE", flush=True)
"""


@pytest.mark.parametrize("kill_at", [1024, 3000], ids=["while-embedding", "while-writing"])
def test_sigkill_during_add_many_leaves_whole_batch_or_none(tmp_path, kill_at):
    path = tmp_path / "crash.duckdb"
    process = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(path)], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    seen = []
    deadline = time.time() + 120
    while time.time() < deadline:
        line = process.stdout.readline()
        seen.append(line)
        if line.startswith("PROGRESS") and int(line.split()[1]) >= kill_at:
            break
    if kill_at == 3000:
        time.sleep(0.5)  # embedding is done: the write transaction is under way
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    assert any(s.startswith("FIRST-DONE") for s in seen)
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    try:
        assert kb.count() in (50, 3050)
        assert len(kb.index) == kb.count()
        assert kb.search("first batch 7", k=1)[0].insight.text == "first batch 7"
    finally:
        kb.close()
