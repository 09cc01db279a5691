"""Reliability at full size (tests/reliability runs the small versions in `make test`).

1. --users people (threads through the KnowledgeBase, each acting as their own account)
   adding, voting and searching for --seconds: errors (target 0), every write present, every
   vote counted once.
2. --trials SIGKILLs at random moments during `add_many` and during a CLI import: the database
   opens, no partial batch (counts are whole batches), and a re-run completes the import with
   every distinct row exactly once.

Usage: python benchmarks/bench_reliability.py [--users 20] [--seconds 60] [--trials 20]
"""

from __future__ import annotations

import argparse
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from insights import KnowledgeBase  # noqa: E402
from tests.doubles import HashingEmbedder  # noqa: E402
from vocabulary.backlog import QuestionIn  # noqa: E402

BATCH = 500
WRITER = f"""
import sys
from insights import InsightIn, KnowledgeBase
from tests.doubles import HashingEmbedder
kb = KnowledgeBase.open(sys.argv[1], embedder=HashingEmbedder())
start = kb.count()
for b in range(start // {BATCH}, 40):
    kb.add_many([InsightIn(text=f"batch {{b}} row {{i}} about deliveries") for i in range({BATCH})])
    print(f"stored {{b + 1}}", flush=True)
kb.close()
"""
IMPORTER = """
import sys
import insights.kb
from tests.doubles import HashingEmbedder
insights.kb.default_embedder = HashingEmbedder
from ingest.__main__ import main
raise SystemExit(main([sys.argv[2], "--db", sys.argv[1], "--no-themes"]))
"""


def concurrent_users(users: int, seconds: float) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase.open(Path(tmp) / "u.duckdb", embedder=HashingEmbedder())
        kb.people.ensure_admin("reliability benchmark")
        views = [kb.acting_as(kb.people.create_user(f"p{i}", f"P {i}")) for i in range(users)]
        questions = [
            kb.backlog.ask(QuestionIn(text=f"Question {q} about the cold bag")) for q in range(10)
        ]
        errors, added, votes = [], [[] for _ in range(users)], [set() for _ in range(users)]
        stop = time.monotonic() + seconds

        def work(n):
            step = 0
            try:
                while time.monotonic() < stop:
                    step += 1
                    added[n].append(views[n].add({"text": f"P{n} note {step}"}).insight.id)
                    q = questions[step % len(questions)].id
                    if q not in votes[n]:
                        views[n].backlog.vote(q, f"p{n}")
                        votes[n].add(q)
                    views[n].search(f"note {step}", k=5)
            except BaseException as error:  # noqa: BLE001 - counted below
                errors.append(repr(error))

        threads = [threading.Thread(target=work, args=(n,)) for n in range(users)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        ids = [i for a in added for i in a]
        missing = len(set(ids)) - kb.count()
        wrong_votes = sum(
            sorted(kb.backlog.question(q.id).voters)
            != sorted(f"p{n}" for n in range(users) if q.id in votes[n])
            for q in questions
        )
        kb.close()
    return {
        "user_errors": len(errors),
        "user_writes": len(ids),
        "writes_missing": missing,
        "questions_with_wrong_votes": wrong_votes,
    }


def kill_trials(trials: int, new_store=None, seed: int = 11) -> dict:
    """SIGKILL trials; `new_store(name)` gives a fresh database to each (default: a DuckDB
    file in a temporary folder)."""
    rng = random.Random(seed)
    partial, reruns_failed, finished_first = 0, 0, 0
    with tempfile.TemporaryDirectory() as tmp:
        csv_path = Path(tmp) / "rows.csv"
        csv_path.write_text(
            "text\n" + "\n".join(f"imported row {i} about invoices" for i in range(20_000)),
            encoding="utf-8",
        )
        for trial in range(trials):
            for script, args, whole in ((WRITER, [], BATCH), (IMPORTER, [str(csv_path)], None)):
                name = f"k{trial}{'w' if whole else 'i'}"
                db = new_store(name) if new_store else Path(tmp) / f"{name}.duckdb"
                command = [sys.executable, "-c", script, str(db), *args]
                # Killed where its own progress says it is midway (a fixed delay let a fast
                # run finish first: nothing was cut): after 1-38 of the writer's 40 batches,
                # then up to half a second into the next; the import at 1,000-19,000 rows.
                if whole:
                    process = subprocess.Popen(
                        command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL
                    )
                    cut = _kill_midway(process, process.stdout, _STORED, rng.randint(1, 38), rng)
                else:
                    process = subprocess.Popen(
                        command, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
                    )
                    target = rng.randint(1_000, 19_000)
                    cut = _kill_midway(process, process.stderr, _IMPORTED, target, rng)
                process.wait()
                finished_first += not cut
                kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
                count = kb.count()
                kb.close()
                if whole and count % whole:
                    partial += 1
                done = subprocess.run(command, cwd=ROOT, capture_output=True, timeout=900)
                kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
                expected = 40 * BATCH if whole else 20_000
                complete = done.returncode == 0 and kb.count() == expected
                reruns_failed += not complete
                kb.close()
                print(  # as it goes: a long run cut short still tells what it saw
                    f"  trial {trial} {'add_many' if whole else 'import'}: {count} rows after"
                    f" the kill{'' if cut else ' (it had finished)'},"
                    f" rerun {'complete' if complete else 'INCOMPLETE'}",
                    file=sys.stderr,
                    flush=True,
                )
    return {
        "kill_trials": trials * 2,
        "partial_batches": partial,
        "reruns_incomplete": reruns_failed,
        "finished_before_the_kill": finished_first,
    }


_STORED = re.compile(rb"stored (\d+)\n")
_IMPORTED = re.compile(rb"(\d+)/\d+ rows")


def _kill_midway(process, stream, pattern: re.Pattern, target: int, rng) -> bool:
    """SIGKILL `process` once the last progress number `pattern` finds in its `stream`
    reaches `target` (then after up to half a second more); False where it ended first."""
    seen = b""
    while chunk := stream.read1(4096):
        seen = (seen + chunk)[-512:]
        found = pattern.findall(seen)
        if found and int(found[-1]) >= target:
            time.sleep(rng.uniform(0.0, 0.5))
            os.kill(process.pid, signal.SIGKILL)
            stream.close()
            return True
    return False


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--trials", type=int, default=20)
    args = parser.parse_args()
    results = concurrent_users(args.users, args.seconds)
    results.update(kill_trials(args.trials))
    ok = all(
        results[k] == 0
        for k in (
            "user_errors",
            "writes_missing",
            "questions_with_wrong_votes",
            "partial_batches",
            "reruns_incomplete",
            "finished_before_the_kill",  # a trial not cut proves nothing
        )
    )
    for key, value in results.items():
        print(f"{key:28} {value}")
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
