"""Does a dead webhook receiver slow an add? (issue 30) Add p50 with no hook, then with a hook
for every event pointing at a receiver that accepts connections and never answers (each try
waits out its timeout), the sending thread running beside; the two alternate (without, with, with,
without, ...) so background noise and the growing table fall on both alike.

The fake embedder by default (an add is then mostly the database, where queueing would show).

Usage: python benchmarks/bench_webhooks.py [--n 2000] [--adds 200] [--rounds 3]
"""

from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from ingest.jobs import send_webhooks  # noqa: E402
from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402

EVENTS = ["insight.added", "question.asked", "question.answered", "question.evidence"]


def adds(kb, count: int, tag: str) -> list[float]:
    """Milliseconds of each of `count` adds."""
    took = []
    for i in range(count):
        started = time.perf_counter()
        kb.add({"text": f"Round {tag} note {i}: the queue at the checkout was long again."})
        took.append((time.perf_counter() - started) * 1000)
    return took


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=2000)
    parser.add_argument("--adds", type=int, default=200)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    dead = socket.socket()  # listens, never accepts: every try waits for its timeout
    dead.bind(("127.0.0.1", 0))
    dead.listen(1000)
    with tempfile.TemporaryDirectory() as folder:
        kb = KnowledgeBase.open(Path(folder) / "bench.duckdb", embedder=HashingEmbedder())
        kb.core.outbox.allow_http_for_tests = True
        kb.add_many([{"text": f"Background insight {i} about deliveries."} for i in range(args.n)])
        kb.wait_for_links(600)
        stop = threading.Event()
        sender = threading.Thread(target=send_webhooks, args=(kb, stop, 0.2), daemon=True)
        sender.start()
        url = f"http://127.0.0.1:{dead.getsockname()[1]}/hook"
        without, with_hook = [], []
        hook_id = None
        for r in range(2 * args.rounds):  # without, with, with, without, ...: no order bias
            hooked = r % 4 in (1, 2)
            if hooked and hook_id is None:
                hook, _ = kb.webhooks.register(
                    {"name": "dead", "url": url, "events": EVENTS, "allow_private": True}
                )
                hook_id = hook.id
            elif not hooked and hook_id is not None:
                kb.webhooks.delete(hook_id)
                hook_id = None
            (with_hook if hooked else without).extend(adds(kb, args.adds, str(r)))
        kb.wait_for_links(600)
        stop.set()
        sender.join(60)
        print(f"{args.n} insights, {args.rounds} rounds x {args.adds} adds each way")
        print(f"add p50 without a hook:           {statistics.median(without):.2f} ms")
        print(f"add p50 with a dead receiver hook: {statistics.median(with_hook):.2f} ms")
        kb.close()


if __name__ == "__main__":
    main()
