"""PostgreSQL as the shared store: several processes' writes meet, votes stay one per person,
the change feed brings other processes' insights into this one's search, and a whole DuckDB
knowledge base moves over with `ingest.migrate`."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from insights import InsightIn, KnowledgeBase
from storage.postgres import placeholders
from tests.conftest import ROOT
from tests.doubles import HashingEmbedder
from vocabulary.backlog import QuestionIn


def wait_until(condition, seconds: float = 10.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.1)
    return condition()


def test_placeholders_are_rewritten_outside_strings_only():
    assert placeholders("SELECT ? WHERE a = '?' AND b LIKE '%x' AND c = $who") == (
        "SELECT %s WHERE a = '?' AND b LIKE '%%x' AND c = %(who)s"
    )
    assert placeholders("SELECT $$ ? $$, 5 % 2") == "SELECT $$ ? $$, 5 %% 2"


def test_a_write_in_one_process_is_searchable_and_linkable_in_another(postgres_url):
    one = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    two = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        added = one.add(InsightIn(text="Couriers leave parcels at the wrong door in Espoo"))
        assert wait_until(lambda: added.insight.id in two.index, 5.0), "not followed within 5 s"
        hits = two.search("parcels left at the wrong door", k=3)
        assert hits and hits[0].insight_id == added.insight.id
        # the other process links its own new insight to the one it followed
        mine = two.add(InsightIn(text="Parcels left at the wrong door again, Espoo courier"))
        two.wait_for_links()
        assert added.insight.id in [hit.insight_id for hit in two.related(mine.insight.id)]
        # a deletion there takes it out of search here
        one.curation.delete(added.insight.id)
        assert wait_until(lambda: added.insight.id not in two.index, 5.0)
        one.curation.restore(added.insight.id)
        assert wait_until(lambda: added.insight.id in two.index, 5.0)
    finally:
        one.close()
        two.close()


def test_votes_from_two_processes_and_twenty_threads_stay_one_per_person(postgres_url):
    one = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    two = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        question = one.backlog.ask(QuestionIn(text="Why do couriers miss the door?", impact=3))
        assert wait_until(lambda: [q.id for q in two.backlog.ranked()] == [question.id])
        errors: list[BaseException] = []

        def vote(base, person: int) -> None:
            try:
                for _ in range(5):
                    base.backlog.vote(question.id, f"person{person}", team="Ops")
            except BaseException as error:  # noqa: BLE001 - collected for the assertion
                errors.append(error)

        threads = [
            threading.Thread(target=vote, args=(one if n % 2 else two, n % 10)) for n in range(20)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert not errors
        assert two.backlog.question(question.id).votes == 10
        # what each process cached of the backlog follows the other's votes
        one.backlog.vote(question.id, "person0", on=False)
        assert wait_until(lambda: two.backlog.ranked()[0].votes == 9, 5.0)
        two.backlog.vote(question.id, "person1", on=False)
        assert wait_until(lambda: one.backlog.ranked()[0].votes == 8, 5.0)
    finally:
        one.close()
        two.close()


def test_an_import_still_running_elsewhere_is_not_marked_interrupted(postgres_url):
    one = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        running = one.repos.imports.start("big.csv", "/tmp/big.csv", 10, None, None, {})
        two = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())  # a second server
        assert two.repos.imports.get(running).status == "running"
        two.close()
    finally:
        one.close()  # the process that ran it ends: the next one to open marks it
    three = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        assert three.repos.imports.get(running).status == "interrupted"
    finally:
        three.close()


def test_migrate_moves_a_whole_knowledge_base_and_verifies_it(tmp_path, postgres_url):
    source = tmp_path / "old.duckdb"
    kb = KnowledgeBase.open(source, embedder=HashingEmbedder())
    ids = kb.add_many([InsightIn(text=f"Delivery was late on day {i}") for i in range(40)])
    kb.wait_for_links()
    kb.curation.delete(ids[3])
    question = kb.backlog.ask(QuestionIn(text="Why are deliveries late?", impact=4, effort=2))
    kb.backlog.vote(question.id, "aino", team="Research")
    kb.themes.recompute_themes()
    audit = len(kb.people.audit(limit=10_000))
    kb.close()

    done = subprocess.run(
        [sys.executable, "-m", "ingest.migrate", "--from", str(source), "--to", postgres_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "verified" in done.stdout and "insights" in done.stdout

    moved = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        assert moved.count() == 39
        assert moved.search("late delivery day 7", k=1)[0].insight_id == ids[7]
        assert moved.backlog.question(question.id).votes == 1
        assert len(moved.people.audit(limit=10_000)) == audit
        fresh = moved.add(InsightIn(text="The first insight written on PostgreSQL"))
        assert fresh.insight.id > max(ids)  # sequences continue past the moved ids
    finally:
        moved.close()

    again = subprocess.run(
        [sys.executable, "-m", "ingest.migrate", "--from", str(source), "--to", postgres_url],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert again.returncode == 1
    assert again.stderr.strip().splitlines()[-1].startswith("error: the target is not empty")


def test_an_unreachable_server_is_one_clear_message():
    from vocabulary.errors import StorageFailure

    with pytest.raises(StorageFailure, match="cannot be reached"):
        KnowledgeBase.open("postgresql://nobody:secret@127.0.0.1:1/none", HashingEmbedder())


def test_one_of_several_servers_runs_the_jobs_until_it_stops(postgres_url, tmp_path):
    from ingest.jobs import Jobs

    drop = tmp_path / "imports"
    drop.mkdir()
    one = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    two = KnowledgeBase.open(postgres_url, embedder=HashingEmbedder())
    try:
        (drop / "notes.csv").write_text("text\nCouriers ring twice\n", encoding="utf-8")
        later = time.time() + 60
        os.utime(drop / "notes.csv", (later - 120, later - 120))  # settled
        first, second = Jobs(one, drop, tmp_path / "a"), Jobs(two, drop, tmp_path / "b")
        assert first.run_due() == ["import notes.csv"]
        (drop / "more.csv").write_text("text\nParcels left outside\n", encoding="utf-8")
        os.utime(drop / "more.csv", (later - 120, later - 120))
        assert second.run_due() == []  # the first server holds the jobs
    finally:
        one.close()
    try:
        # it stopped: another takes over (the server lets go of a closed connection's advisory
        # lock a moment after the close, so the second looks again until it is free)
        taken: list[str] = []
        assert wait_until(lambda: bool(taken.extend(second.run_due()) or taken))
        assert taken == ["import more.csv"]
        assert two.count() == 2
    finally:
        two.close()
