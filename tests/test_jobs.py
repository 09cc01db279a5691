"""The app's own scheduled work: the import folder, weekly digests, nightly backups and
retention."""

from __future__ import annotations

import os
import time
from datetime import datetime

import pytest

from ingest.jobs import Jobs, next_daily, next_weekly


def test_schedules():
    monday = datetime(2026, 12, 7, 7, 0)
    assert next_weekly(datetime(2026, 12, 1, 12, 0), 0, 7) == monday
    assert next_weekly(monday, 0, 7) == datetime(2026, 12, 14, 7, 0)
    assert next_daily(datetime(2026, 12, 1, 1, 0), 2) == datetime(2026, 12, 1, 2, 0)
    assert next_daily(datetime(2026, 12, 1, 2, 0), 2) == datetime(2026, 12, 2, 2, 0)


def test_dropped_files_are_imported_and_moved_aside(kb, tmp_path):
    folder = tmp_path / "imports"
    folder.mkdir()
    (folder / "notes.csv").write_text("text\nThe lobby door was locked again\n", encoding="utf-8")
    (folder / "broken.xlsx").write_bytes(b"not a spreadsheet")
    (folder / "fresh.csv").write_text("text\nStill being copied\n", encoding="utf-8")
    past = time.time() - 60
    for name in ("notes.csv", "broken.xlsx"):
        os.utime(folder / name, (past, past))
    jobs = Jobs(kb, folder, tmp_path)
    assert sorted(jobs.import_waiting()) == ["broken.xlsx", "notes.csv"]
    assert (folder / "imported" / "notes.csv").exists() and not (folder / "notes.csv").exists()
    assert (folder / "failed" / "broken.xlsx.error.txt").read_text(encoding="utf-8").strip()
    assert (folder / "fresh.csv").exists()  # changed seconds ago: left for the next poll
    [record] = kb.imports.history()
    assert (record.file, record.imported_by, record.inserted) == ("notes.csv", "import folder", 1)
    assert record.path == str(folder / "imported" / "notes.csv")  # retention finds it there


def test_digests_and_backups_run_at_their_times_not_on_the_first_start(kb, tmp_path):
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Sales")
    jobs = Jobs(kb, tmp_path / "none", tmp_path)
    assert jobs.run_due(datetime(2026, 12, 1, 12, 0)) == []  # the clocks start
    assert jobs.run_due(datetime(2026, 12, 1, 23, 0)) == []
    assert jobs.run_due(datetime(2026, 12, 2, 2, 5)) == ["backup"]
    assert len(list((tmp_path / "backups").glob("nightly-*"))) == 1
    assert jobs.run_due(datetime(2026, 12, 2, 3, 0)) == ["retention"]
    assert kb.people.audit(entity="retention")[0].action == "apply retention"
    assert jobs.run_due(datetime(2026, 12, 2, 4, 0)) == []
    assert jobs.run_due(datetime(2026, 12, 7, 7, 1)) == ["digest", "backup", "retention"]
    written = sorted(p.name for p in (tmp_path / "digests" / "2026-12-07").iterdir())
    assert "aino.md" in written and "team-Sales.html" in written


def _settled(*paths):
    past = time.time() - 60
    for path in paths:
        os.utime(path, (past, past), follow_symlinks=False)


def test_the_import_folder_never_writes_or_moves_through_links(kb, tmp_path):
    """A planted failed/ link and a planted NAME.error.txt link must not let a broken file
    overwrite a file elsewhere; a hard link to a file elsewhere is neither read nor moved."""
    folder, elsewhere = tmp_path / "imports", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    victim = elsewhere / "victim.txt"
    victim.write_text("keep me\n", encoding="utf-8")
    secret = elsewhere / "secret.csv"
    secret.write_text("text\nThe payroll of the whole company\n", encoding="utf-8")
    (folder / "failed").symlink_to(elsewhere, target_is_directory=True)
    (folder / "broken.json").write_text("{not json", encoding="utf-8")
    _settled(folder / "broken.json")
    jobs = Jobs(kb, folder, tmp_path)
    assert jobs.import_waiting() == []  # paused while failed/ is a link
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    assert (folder / "broken.json").exists() and sorted(os.listdir(elsewhere)) == [
        "secret.csv",
        "victim.txt",
    ]

    (folder / "failed").unlink()
    (folder / "failed").mkdir()
    (folder / "failed" / "broken.json.error.txt").symlink_to(victim)
    os.link(secret, folder / "payroll.csv")
    _settled(folder / "payroll.csv")
    assert sorted(jobs.import_waiting()) == ["broken.json", "payroll.csv"]
    assert victim.read_text(encoding="utf-8") == "keep me\n"
    errors = {p.name: p for p in (folder / "failed").iterdir() if not p.is_symlink()}
    assert "not valid JSON" in errors["broken.json.1.error.txt"].read_text(encoding="utf-8")
    assert "link" in errors["payroll.csv.error.txt"].read_text(encoding="utf-8")
    assert secret.read_text(encoding="utf-8").startswith("text\nThe payroll")
    assert kb.count() == 0 and all(r.inserted == 0 for r in kb.imports.history())
    assert kb.search("payroll", k=5) == []


def test_a_file_left_claimed_by_an_interrupted_run_is_imported_next_time(kb, tmp_path):
    folder = tmp_path / "imports"
    (folder / ".importing").mkdir(parents=True)
    (folder / ".importing" / "notes.csv").write_text("text\nThe lift was out of order\n")
    assert Jobs(kb, folder, tmp_path).import_waiting() == ["notes.csv"]
    assert (folder / "imported" / "notes.csv").exists() and kb.count() == 1


def test_a_folder_swapped_for_a_link_during_an_import_changes_nothing_outside(
    kb, tmp_path, monkeypatch
):
    """The run keeps using the folders it opened: a link put in their place meanwhile is never
    written through, and the raw file's recorded path is never one through a link."""
    from insights.imports import Imports

    folder, elsewhere = tmp_path / "imports", tmp_path / "elsewhere"
    folder.mkdir()
    elsewhere.mkdir()
    (folder / "notes.csv").write_text("text\nThe lift was out of order\n", encoding="utf-8")
    (folder / "zbad.json").write_text("{not json", encoding="utf-8")
    _settled(folder / "notes.csv", folder / "zbad.json")
    original = Imports.import_file

    def swap_then_import(self, path, *args, **kwargs):
        for name in ("imported", "failed"):
            if not (folder / name).is_symlink():
                (folder / name).rename(folder / f"{name}.real")
                (folder / name).symlink_to(elsewhere, target_is_directory=True)
        return original(self, path, *args, **kwargs)

    monkeypatch.setattr(Imports, "import_file", swap_then_import)
    assert sorted(Jobs(kb, folder, tmp_path).import_waiting()) == ["notes.csv", "zbad.json"]
    assert os.listdir(elsewhere) == []
    assert (folder / "imported.real" / "notes.csv").exists()
    assert (folder / "failed.real" / "zbad.json.error.txt").exists()


def test_a_name_at_the_systems_limit_is_imported_and_never_jams_the_folder(kb, tmp_path):
    folder = tmp_path / "imports"
    folder.mkdir()
    jobs = Jobs(kb, folder, tmp_path)
    name = "L" * 251 + ".csv"  # 255 bytes: a renamed copy would be longer
    for text in ("The lift was out of order", "The lift was out of order", "Broken \0 file"):
        (folder / name).write_bytes(f"text\n{text}\n".encode())
        _settled(folder / name)
        assert jobs.import_waiting() == [name]
    assert os.listdir(folder / ".importing") == []
    kept = os.listdir(folder / "imported") + os.listdir(folder / "failed")
    assert len(kept) == 4 and all(len(n.encode()) <= 255 for n in kept)  # 3 files, 1 note
    assert jobs.import_waiting() == []  # nothing tried again


def test_a_raw_file_is_deleted_only_through_a_real_folder(tmp_path):
    from insights.files.rawfiles import delete_raw_file

    kept, elsewhere = tmp_path / "imported", tmp_path / "elsewhere"
    kept.mkdir()
    elsewhere.mkdir()
    (kept / "survey.csv").write_text("raw\n")
    assert delete_raw_file(kept / "survey.csv") and not (kept / "survey.csv").exists()
    (elsewhere / "survey.csv").write_text("someone else's\n")
    kept.rename(tmp_path / "imported.real")
    kept.symlink_to(elsewhere, target_is_directory=True)
    assert not delete_raw_file(kept / "survey.csv")
    assert (elsewhere / "survey.csv").exists()
    (elsewhere / "link.csv").symlink_to(elsewhere / "survey.csv")
    assert not delete_raw_file(elsewhere / "link.csv")  # a link is not a raw file


def test_the_server_owns_one_opening_per_file_and_the_jobs_beside_it(tmp_path, monkeypatch):
    """An `Openings` registry gives every caller the file's one Opening (its accounts at once,
    the knowledge base loaded with the embedder it was opened with); the jobs started beside
    it import the folder and stop when told, before the registry closes the file."""
    from ingest.jobs import start_beside
    from insights.runtime.startup import Openings
    from tests.doubles import HashingEmbedder

    folder = tmp_path / "drop"
    folder.mkdir()
    dropped = folder / "notes.csv"
    dropped.write_text("text\nThe lobby door was locked again\n", encoding="utf-8")
    os.utime(dropped, (time.time() - 60, time.time() - 60))
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    openings, embedder, path = Openings(), HashingEmbedder(), tmp_path / "served.duckdb"
    opening = openings.open(path, embedder)
    assert openings.open(str(path)) is opening
    with pytest.raises(ValueError, match="another embedder"):
        openings.open(path, HashingEmbedder())
    opening.people.ensure_admin("a long enough admin password")
    assert opening.people.user("admin").role == "admin"
    monkeypatch.setenv("OIVALLUS_JOBS", "0")
    assert start_beside(opening, path) is None
    monkeypatch.setenv("OIVALLUS_JOBS", "1")
    beside = start_beside(opening, path)
    assert beside is not None
    deadline = time.time() + 60
    while time.time() < deadline and not (folder / "imported" / "notes.csv").exists():
        time.sleep(0.1)
    beside.stop()
    assert not beside.thread.is_alive()
    assert opening.knowledge_base().count() == 1
    assert opening.knowledge_base().embedder is embedder
    openings.close_all()
    assert openings.open(path, embedder) is not opening  # closed: a new one
    openings.close(path)
