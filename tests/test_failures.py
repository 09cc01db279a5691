"""Failures a person meets say so in one line and leave nothing half done (issue 14): the
database held by the app, a write that cannot be stored."""

from __future__ import annotations

import subprocess
import sys

import duckdb
import psycopg
import pytest

from insights import InsightIn
from storage.connect import open_database
from tests.conftest import ROOT
from vocabulary.errors import DatabaseInUse, StorageFailure

HOLD = (
    "import duckdb, sys, time; c = duckdb.connect(sys.argv[1]); print('held', flush=True); "
    "time.sleep(60)"
)


@pytest.fixture
def held_file(tmp_path):
    path = tmp_path / "held.duckdb"
    open_database(path).close()  # a real, migrated file
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(path)], stdout=subprocess.PIPE, text=True
    )
    assert holder.stdout.readline().strip() == "held"
    yield path
    holder.kill()
    holder.wait()


def test_a_job_finding_the_database_held_says_so_in_one_line(held_file, tmp_path):
    (tmp_path / "notes.csv").write_text("text\nDelivery was late\n", encoding="utf-8")
    for command in (
        ["ingest", str(tmp_path / "notes.csv")],
        ["ingest.digest", "--out", str(tmp_path / "digests")],
        ["ingest.accounts"],
    ):
        done = subprocess.run(
            [sys.executable, "-m", *command, "--db", str(held_file)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert done.returncode == 2, (command, done.stderr)
        assert "Traceback" not in done.stderr, done.stderr
        lines = [line for line in done.stderr.splitlines() if line.startswith("error:")]
        assert len(lines) == 1 and "in use by another Oivallus process" in lines[0], done.stderr


def test_opening_a_held_file_raises_a_domain_error(held_file):
    with pytest.raises(DatabaseInUse, match="drop files into its import folder"):
        open_database(held_file)


def test_a_failed_write_leaves_no_phantom_hits(kb):
    kb.add(InsightIn(text="Couriers wait at the lobby door"))

    disk_full = duckdb.IOException if kb.db.dialect == "duckdb" else psycopg.errors.DiskFull

    def fail(cur, ids, created):
        raise disk_full("No space left on device")

    with pytest.raises(StorageFailure, match="nothing of it was stored"):
        kb.insights.add_batch([InsightIn(text="Invoices arrive twice every month")], during=fail)
    assert kb.count() == 1
    assert all("Invoices" not in h.insight.text for h in kb.search("invoices arrive twice"))
    assert len(kb.index) == 1  # the rolled-back insight is not in the index either
