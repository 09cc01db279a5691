"""Several processes on one PostgreSQL knowledge base (issue 13's measures).

1. Two app processes + one CLI import + --users simulated people (split over the two, each
   adding, voting and searching) for --seconds: errors (target 0), every write of one process
   present in the other's search (target: within 5 s; the largest delay is printed), every vote
   counted once.
2. --trials SIGKILLs of an app process during `add_many` and of the CLI import mid-file, on
   PostgreSQL: no partial batch, and a re-run completes the import with every row once.

The server is a throwaway one (tests/postgres_server.py: Debian's PostgreSQL). The embedder is
the small deterministic one: this measures the sharing, not the model.

Usage: python benchmarks/bench_shared.py [--users 20] [--seconds 60] [--trials 10]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench_reliability import IMPORTER, kill_trials  # noqa: E402

from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402
from tests.postgres_server import LocalPostgres  # noqa: E402
from vocabulary.backlog import QuestionIn  # noqa: E402

# One app process: its people add, vote and search; a watcher notes when the other process's
# writes (read from its log) become searchable here.
APP = """
import json, random, sys, threading, time
from insights import InsightIn, KnowledgeBase
from tests.doubles import HashingEmbedder
url, name, other, people, seconds, out = sys.argv[1:7]
kb = KnowledgeBase.open(url, embedder=HashingEmbedder())
questions = [q.id for q in kb.backlog.ranked()]
log = open(f"{out}/{name}.writes", "a", buffering=1)
errors, votes, lags = [], {}, {}
stop, watched = threading.Event(), threading.Event()
def person(n):
    rng, me = random.Random(n), f"{name}-p{n}"
    view = kb.acting_as(kb.people.create_user(me, me))
    while not stop.is_set():
        try:
            added = view.add(InsightIn(text=f"{me} saw courier {rng.randrange(10**6)} late"))
            log.write(f"{added.insight.id} {time.time()}\\n")
            q = rng.choice(questions)
            on = rng.random() < 0.6
            view.backlog.vote(q, me, on=on)
            votes[f"{q}:{me}"] = on
            view.search("courier late at the door", k=5)
        except Exception as error:
            errors.append(repr(error))
def watch():
    seen = set()
    while not watched.is_set():
        try:
            lines = open(f"{out}/{other}.writes").read().split("\\n")
        except FileNotFoundError:
            lines = []
        for line in lines:
            if line and line not in seen:
                written_id, at = line.split()
                if int(written_id) in kb.index:
                    seen.add(line)
                    lags[written_id] = time.time() - float(at)
        time.sleep(0.2)
threads = [threading.Thread(target=person, args=(n,)) for n in range(int(people))]
watcher = threading.Thread(target=watch)
for t in threads + [watcher]:
    t.start()
time.sleep(float(seconds))
stop.set()
for t in threads:
    t.join()
time.sleep(6)  # the last writes of the other process get their chance to arrive
watched.set()
watcher.join()
json.dump({"errors": errors, "votes": votes, "lags": lags}, open(f"{out}/{name}.json", "w"))
kb.close()
"""


def shared_load(server: LocalPostgres, users: int, seconds: float) -> dict:
    url = server.create("load")
    kb = KnowledgeBase.open(url, embedder=HashingEmbedder())
    for q in range(10):
        kb.backlog.ask(QuestionIn(text=f"Question {q} about the cold bag"))
    kb.close()
    with tempfile.TemporaryDirectory() as out:
        csv_path = Path(out) / "import.csv"
        csv_path.write_text(
            "text\n" + "\n".join(f"imported row {i} about invoices" for i in range(5_000)),
            encoding="utf-8",
        )
        apps = [
            subprocess.Popen(
                [sys.executable, "-c", APP, url, me, other, str(users // 2), str(seconds), out],
                cwd=ROOT,
            )
            for me, other in (("a", "b"), ("b", "a"))
        ]
        time.sleep(5)
        importer = subprocess.run(
            [sys.executable, "-c", IMPORTER, url, str(csv_path)], cwd=ROOT, capture_output=True
        )
        for app in apps:
            app.wait(timeout=seconds + 600)
        results = [json.loads((Path(out) / f"{me}.json").read_text()) for me in ("a", "b")]
        written = sum(
            len((Path(out) / f"{me}.writes").read_text().split()) // 2 for me in ("a", "b")
        )
    kb = KnowledgeBase.open(url, embedder=HashingEmbedder())
    try:
        lags = [lag for r in results for lag in r["lags"].values()]
        expected_votes = {key: on for r in results for key, on in r["votes"].items()}
        wrong = 0
        for key, on in expected_votes.items():
            question, person = key.split(":")
            wrong += (person in kb.backlog.question(int(question)).voters) != on
        imported = kb.count() - written
    finally:
        kb.close()
    return {
        "user_errors": sum(len(r["errors"]) for r in results) + (importer.returncode != 0),
        "writes": written,
        "writes_missing_elsewhere": written - len(lags),
        "largest_delay_s": round(max(lags), 2) if lags else None,
        "median_delay_s": round(sorted(lags)[len(lags) // 2], 2) if lags else None,
        "imported_rows": imported,
        "votes_wrong": wrong,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--trials", type=int, default=10)
    args = parser.parse_args()
    server = LocalPostgres()
    try:
        results = shared_load(server, args.users, args.seconds)
        if args.trials:
            results.update(kill_trials(args.trials, server.create, seed=13))
    finally:
        server.stop()
    for key, value in results.items():
        print(f"{key:28} {value}")
    ok = (
        results["user_errors"] == 0
        and results["writes_missing_elsewhere"] == 0
        and (results["largest_delay_s"] or 0) <= 5.0
        and results["votes_wrong"] == 0
        and results.get("partial_batches", 0) == 0
        and results.get("reruns_incomplete", 0) == 0
        and results.get("finished_before_the_kill", 0) == 0
    )
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
