"""Full export and restore: every row and every vector comes back equal."""

from __future__ import annotations

import subprocess
import sys

import pytest

from insights import InsightIn, KnowledgeBase
from insights.acting import PermissionDenied
from insights.files.backup import export_backup, restore_backup
from storage.pgarrays import portable_row
from tests.conftest import ROOT
from tests.doubles import HashingEmbedder
from vocabulary.backlog import QuestionIn
from vocabulary.errors import BackupError

TABLES = [
    "insights",
    "embeddings",
    "insight_versions",
    "links",
    "evidence",
    "questions",
    "question_votes",
    "imports",
    "import_items",
    "survey_responses",
    "themes",
    "theme_members",
    "choices",
    "studies",
    "audit_log",
    "users",
    "follows",
]


def snapshot(kb) -> dict:
    out = {}
    with kb.db.read() as cur:
        for table in TABLES:
            found = cur.execute(f"SELECT * FROM {table}")
            columns = [c[0] for c in found.description]
            rows = [portable_row(table, columns, row) for row in found.fetchall()]
            out[table] = sorted(map(repr, rows))
    return out


def test_round_trip_keeps_every_row_and_vector(kb, tmp_path, monkeypatch):
    import storage.backup

    monkeypatch.setattr(storage.backup, "EXPORT_CHUNK", 7)  # PostgreSQL's vectors: by chunks
    study = kb.catalog.create_study({"title": "Delivery interviews"})
    ids = kb.add_many(
        [
            InsightIn(text=f"Delivery was late on day {i}", study_id=study.id, segment="SMB")
            for i in range(30)
        ]
    )
    kb.wait_for_links()
    kb.curation.edit(
        ids[0], InsightIn(text="Delivery was very late on Monday", segment="SMB"), by="Aino"
    )
    kb.curation.delete(ids[1])
    question = kb.backlog.ask(QuestionIn(text="Why are deliveries late?", impact=4, effort=2))
    kb.backlog.vote(question.id, "aino", team="Research")
    (tmp_path / "s.csv").write_text("nps;palaute\n9;Hyvä\n3;Huono palvelu\n", encoding="utf-8")
    kb.imports.import_file(tmp_path / "s.csv")
    kb.themes.recompute_themes()
    before = snapshot(kb)
    manifest = export_backup(kb, tmp_path / "backup")
    assert (
        manifest["tables"]["insights"] == 32 and (tmp_path / "backup" / "insights.parquet").exists()
    )
    if kb.db.dialect == "postgresql":
        import pyarrow.parquet as pq

        vectors = pq.ParquetFile(tmp_path / "backup" / "embeddings.parquet")
        assert vectors.metadata.num_row_groups == 5  # 32 rows, 7 at a time

    restored = restore_backup(tmp_path / "backup", tmp_path / "restored.duckdb", HashingEmbedder())
    try:
        assert snapshot(restored) == before
        assert restored.search("late delivery Monday")[0].insight_id == ids[0]
        new = restored.add(InsightIn(text="A brand new note after the restore"))
        assert new.insight.id > max(ids) + 1  # sequences continue past the restored ids
        assert restored.analysis.nps().n == 2 and len(restored.themes.all()) == len(kb.themes.all())
    finally:
        restored.close()


def test_restore_refuses_a_non_empty_database_and_a_bad_folder(kb, tmp_path):
    kb.add(InsightIn(text="Something already stored"))
    export_backup(kb, tmp_path / "b")
    with pytest.raises(BackupError, match="not empty"):
        export_backup(kb, tmp_path / "b")
    with pytest.raises(BackupError, match="no readable manifest"):
        restore_backup(tmp_path / "nothing", tmp_path / "x.duckdb", HashingEmbedder())
    other = tmp_path / "other.duckdb"
    KnowledgeBase.open(other, embedder=HashingEmbedder()).close()
    restore_backup(tmp_path / "b", other, HashingEmbedder()).close()
    with pytest.raises(BackupError, match="needs an empty database"):
        restore_backup(tmp_path / "b", other, HashingEmbedder())


@pytest.mark.slow  # the command loads the model in its own process
def test_backup_cli(tmp_path):
    db = tmp_path / "cli.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.add(InsightIn(text="Stored before the backup"))
    kb.close()
    done = subprocess.run(
        [sys.executable, "-m", "ingest.backup", "export", str(tmp_path / "out"), "--db", str(db)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "export done" in done.stdout


def test_only_an_admin_exports_everything_and_the_audit_log_says_so(kb, tmp_path):
    kb.people.ensure_admin("correct horse battery")
    rita = kb.acting_as(kb.people.create_user("rita", "Rita", role="researcher"))
    with pytest.raises(PermissionDenied, match="may not export everything: it needs the admin"):
        export_backup(rita, tmp_path / "refused")
    assert not (tmp_path / "refused").exists()
    manifest = export_backup(kb.acting_as(kb.people.user("admin")), tmp_path / "b")
    [entry] = kb.people.audit("backup")
    assert (entry.actor, entry.action, entry.entity_id) == ("admin", "export", str(tmp_path / "b"))
    assert entry.after == manifest
