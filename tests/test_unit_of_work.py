"""One unit of work: nested transactions join, a write and its audit entry land together, and
the in-memory index follows only what was committed."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

from insights import KnowledgeBase
from storage.connect import open_database
from tests.conftest import ROOT
from tests.doubles import HashingEmbedder


def test_a_nested_transaction_joins_the_open_one(tmp_path):
    db = open_database(tmp_path / "u.duckdb")
    with db.transaction() as cur:
        cur.execute("CREATE TABLE t (x INTEGER)")
    with pytest.raises(RuntimeError), db.transaction() as outer:
        outer.execute("INSERT INTO t VALUES (1)")
        with db.transaction() as inner:  # once its own, separately committed transaction
            inner.execute("INSERT INTO t VALUES (2)")
        with db.read() as read:  # the unit reads its own writes
            assert read.execute("SELECT count(*) FROM t").fetchone()[0] == 2
        raise RuntimeError("the outer work fails after the inner one")
    with db.read() as cur:
        assert cur.execute("SELECT count(*) FROM t").fetchone()[0] == 0
    db.close()


def test_after_commit_runs_only_after_a_commit_and_on_rollback_only_after_a_rollback(tmp_path):
    db = open_database(tmp_path / "u.duckdb")
    seen = []
    with db.transaction():
        db.after_commit(lambda: seen.append("committed"))
        db.on_rollback(lambda: seen.append("rolled back"))
        assert seen == []
    assert seen == ["committed"]
    with pytest.raises(ValueError), db.transaction():
        db.after_commit(lambda: seen.append("committed again"))
        db.on_rollback(lambda: seen.append("rolled back"))
        raise ValueError
    assert seen == ["committed", "rolled back"]
    db.after_commit(lambda: seen.append("at once"))  # no unit open: now
    assert seen[-1] == "at once"
    db.close()


def test_a_failed_audit_entry_takes_the_write_back_and_search_stays_right(kb, monkeypatch):
    kb.people.create_user("aino", "Aino Virtanen", role="researcher")
    aino = kb.acting_as(kb.repos.people.user("aino"))
    kept = aino.add({"text": "The courier rang the wrong doorbell twice"}).insight

    def broken_log(*args, **kwargs):
        raise OSError("the audit log cannot be written")

    monkeypatch.setattr(kb.repos.people, "log", broken_log)
    with pytest.raises(OSError):
        aino.curation.delete(kept.id)
    with pytest.raises(OSError):
        aino.add({"text": "A second note that must not stay without its audit entry"})
    monkeypatch.undo()
    assert kb.get(kept.id).deleted_at is None  # the delete rolled back with its entry
    assert [h.insight_id for h in kb.search("courier doorbell")] == [kept.id]
    assert kb.count() == 1  # the add rolled back too, and left no phantom hit
    assert {h.insight_id for h in kb.search("second note audit entry", k=10)} == {kept.id}


@pytest.mark.parametrize("write", ["add", "delete", "vote"])
def test_killed_between_a_write_and_its_audit_entry_leaves_both_or_neither(tmp_path, write):
    db = tmp_path / "k.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.create_user("aino", "Aino Virtanen", role="researcher")
    aino = kb.acting_as(kb.repos.people.user("aino"))
    first = aino.add({"text": "Lunch arrived cold at the office"}).insight
    question = aino.backlog.ask({"text": "Why does lunch arrive cold?", "asked_by": "aino"})
    entries = len(kb.people.audit())
    kb.close()
    calls = {
        "add": "aino.add({'text': 'A note the kill must not leave without its entry'})",
        "delete": f"aino.curation.delete({first.id})",
        "vote": f"aino.backlog.vote({question.id}, 'aino')",
    }
    script = textwrap.dedent(f"""
        import os, signal
        from insights import KnowledgeBase
        from tests.doubles import HashingEmbedder
        from storage.people import PeopleRepository
        kb = KnowledgeBase.open({str(db)!r}, embedder=HashingEmbedder())
        aino = kb.acting_as(kb.repos.people.user("aino"))
        def killed(*args, **kwargs):  # the write is done, its entry not yet written
            os.kill(os.getpid(), signal.SIGKILL)
        kb.repos.people.log = killed
        {calls[write]}
    """)
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == -9, done.stderr
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    try:
        assert len(kb.people.audit()) == entries  # no entry ...
        assert kb.count() == 1 and kb.get(first.id).deleted_at is None  # ... and no write
        assert kb.backlog.question(question.id).votes == 0
    finally:
        kb.close()
