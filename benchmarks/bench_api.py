"""The HTTP API's speed at scale (issue 30): create p50 and search p50 through /api/v1 at N
insights, beside the same calls made directly on the knowledge base (the API's own cost), and
C clients for S seconds at once (creates, searches and votes) with 0 errors and nothing lost.

The API application is called in this process (tests/asgi_client.py: no sockets), so the
figures are the API's and the knowledge base's, not the network's. The fake embedder by
default (size, not quality); --real loads the real model (an add then costs its embedding).

Usage: python benchmarks/bench_api.py [--n 100000] [--clients 20] [--seconds 60] [--real]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import InsightIn, KnowledgeBase  # noqa: E402
from tests.asgi_client import call  # noqa: E402
from tests.conftest import add_people  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402
from views.api import Api  # noqa: E402

TARGETS = {"create_p50_ms": 150, "search_p50_ms": 60}
WORDS = [
    "checkout",
    "delivery",
    "parcel",
    "locker",
    "invoice",
    "discount",
    "code",
    "refund",
    "courier",
    "app",
    "login",
    "password",
    "toimitus",
    "lasku",
    "alennus",
    "palautus",
    "kuljettaja",
    "sovellus",
    "kirjautuminen",
    "salasana",
    "hinta",
    "jono",
]
QUERIES = ["late delivery", "discount code checkout", "toimitus myöhässä", "refund invoice"]


def text(rng: random.Random, n: int) -> str:
    """A made-up note of 12-24 words, numbered so that none is a duplicate."""
    return " ".join(rng.choices(WORDS, k=rng.randint(12, 24))) + f" (note {n})"


def timed(action, repeat: int) -> float:
    """The median milliseconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--real", action="store_true", help="the real model (default: fake)")
    args = parser.parse_args()
    rng = random.Random(7)
    folder = Path(tempfile.mkdtemp(prefix="bench-api-"))
    embedder = None if args.real else HashingEmbedder()
    kb = KnowledgeBase.open(folder / "api.duckdb", embedder=embedder)
    add_people(kb)
    start = time.perf_counter()
    for first in range(0, args.n, 10_000):
        batch = [InsightIn(text=text(rng, i)) for i in range(first, min(args.n, first + 10_000))]
        kb.add_many(batch)
    print(f"built {kb.count():,} insights in {time.perf_counter() - start:.0f} s", flush=True)
    kb.wait_for_links(600)
    app = Api(lambda: kb, rate=10**9)
    aino = kb.acting_as(kb.people.user("aino"))
    _, secret = aino.tokens.create({"name": "bench", "scopes": ["read", "write"]})
    counter = iter(range(10**9))

    def api_create():
        body = {"text": text(rng, args.n + next(counter))}
        assert call(app, "POST", "/api/v1/insights", token=secret, json=body).status == 201

    def api_search():
        query = "q=" + rng.choice(QUERIES).replace(" ", "+")
        assert call(app, "GET", "/api/v1/insights", query, token=secret).status == 200

    figures = {
        "create_p50_ms": timed(api_create, 100),
        "direct_add_p50_ms": timed(lambda: aino.add({"text": text(rng, -next(counter))}), 100),
        "search_p50_ms": timed(api_search, 200),
        "direct_search_p50_ms": timed(lambda: aino.search(rng.choice(QUERIES)), 200),
    }
    figures |= dead_receiver(kb, api_create)
    figures |= export_all(app, secret)
    for name, value in figures.items():
        target = TARGETS.get(name)
        verdict = "" if target is None else (" ok" if value <= target else " OVER")
        unit = name.rsplit("_", 1)[-1]
        shown = f"{name}: {value:.1f} {unit}"
        print(shown + (f" (target <= {target}){verdict}" if target else ""))

    before = kb.count()
    question = aino.backlog.ask({"text": "Why are parcel lockers full on Fridays?"}).id
    voters = [token_of_each(kb, i) for i in range(args.clients)]
    errors: list[str] = []
    created: list[int] = []
    lock = threading.Lock()

    def client(number: int, token: str) -> None:
        local = random.Random(number)
        end = time.monotonic() + args.seconds
        turn = 0
        while time.monotonic() < end:
            turn += 1
            kind = turn % 3
            if kind == 0:
                body = {"text": f"client {number} turn {turn}: " + text(local, turn)}
                answer = call(app, "POST", "/api/v1/insights", token=token, json=body)
            elif kind == 1:
                answer = call(app, "GET", "/api/v1/insights", "q=delivery", token=token)
            else:
                answer = call(
                    app, "POST", f"/api/v1/questions/{question}/vote", token=token, json={}
                )
            if answer.status >= 300:
                with lock:
                    errors.append(f"{answer.status} {answer.body[:200]!r}")
            elif kind == 0:
                with lock:
                    created.extend(answer.json()["ids"])

    threads = [threading.Thread(target=client, args=(i, t)) for i, t in enumerate(voters)]
    start = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    took = time.perf_counter() - start
    lost = len(set(created)) - (kb.count() - before)
    print(
        f"{args.clients} clients x {args.seconds:.0f} s: {len(created)} creates "
        f"({len(created) / took:.1f}/s), {len(errors)} errors, {lost} lost"
    )
    for error in errors[:5]:
        print("  ", error)
    kb.close()


def dead_receiver(kb, api_create) -> dict[str, float]:
    """Create p50 while an admin's hook wants every new insight and its receiver is dead
    (connection refused: a closed port on loopback), the sending thread running beside."""
    import socket

    from ingest.jobs import send_webhooks

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kb.core.outbox.allow_http_for_tests = True
    admin = kb.acting_as(kb.people.user("admin"))
    hook, _ = admin.webhooks.register(
        {
            "name": "dead",
            "url": f"http://127.0.0.1:{port}/hook",
            "events": ["insight.added"],
            "allow_private": True,
        }
    )
    baseline = timed(api_create, 100)  # just before, on the same warm process
    stop = threading.Event()
    worker = threading.Thread(target=send_webhooks, args=(kb, stop, 0.05), daemon=True)
    worker.start()
    try:
        figure = timed(api_create, 100)
    finally:
        stop.set()
        worker.join(30)
    tried = sum(d.attempts for d in kb.webhooks.deliveries(hook.id, 1000))
    print(f"dead receiver: {tried} failed tries while timing", flush=True)
    admin.webhooks.delete(hook.id)
    return {"create_p50_before_hook_ms": baseline, "create_p50_dead_receiver_ms": figure}


def export_all(app, secret: str) -> dict[str, float]:
    """GET /insights/export of every insight as CSV: its time, size and the most memory
    Python held while building it (tracemalloc: pieces, not one string of the whole)."""
    import tracemalloc

    tracemalloc.start()
    start = time.perf_counter()
    answer = call(app, "GET", "/api/v1/insights/export", "format=csv", token=secret)
    took = time.perf_counter() - start
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert answer.status == 200
    size = len(answer.body) / 2**20
    rows = answer.body.count(b"\n") - 1
    print(f"export: {rows:,} rows")
    return {
        "export_csv_all_s": took,
        "export_body_MiB": size,  # the test client keeps the whole body; a real client not
        "export_peak_traced_MiB": peak / 2**20,  # the body included
    }


def token_of_each(kb, number: int) -> str:
    """A contributor of its own and their token (each client votes as its own person)."""
    kb.people.create_user(f"client{number}", f"Client {number}", role="contributor")
    person = kb.acting_as(kb.people.user(f"client{number}"))
    return person.tokens.create({"name": "bench", "scopes": ["read", "write"]})[1]


if __name__ == "__main__":
    main()
