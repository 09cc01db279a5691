"""Importing files: formats, encodings, mapping, PII, duplicates, bad input, the CLI."""

from __future__ import annotations

import csv
import json
import os
import re
import signal
import subprocess
import sys
import time

import pytest

from insights import KnowledgeBase
from language.text import content_hash
from tests.conftest import ROOT
from tests.doubles import HashingEmbedder
from vocabulary.errors import ReadError

FINNISH_CSV = (
    "pvm;asiakassegmentti;palaute;tiketti\n"
    "31.5.2026;SMB;Toimitus myöhästyi taas, soittakaa 040 123 4567;T-1\n"
    "2026-06-01;Consumer;Laskussa oli virhe, tili FI21 1234 5600 0007 85;T-2\n"
    "1.6.2026;Consumer;Kuljettaja oli ystävällinen ja nopea;T-3\n"
)


def write(tmp_path, name: str, content, encoding: str = "utf-8"):
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding=encoding)
    return path


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "utf-16", "cp1252"])
def test_finnish_export_in_any_encoding(kb, tmp_path, encoding):
    report = kb.imports.import_file(write(tmp_path, "palaute.csv", FINNISH_CSV, encoding))
    assert (report.inserted, report.duplicates, report.rejected) == (3, 0, [])
    assert report.mapping == {
        "text": "palaute",
        "observed_at": "pvm",
        "segment": "asiakassegmentti",
        "external_id": "tiketti",
    }
    hits = kb.search("toimitus myöhästyi", k=1)
    assert hits[0].insight.text.startswith("Toimitus myöhästyi taas")
    assert hits[0].insight.observed_at.isoformat() == "2026-05-31"
    assert hits[0].insight.segment == "SMB" and hits[0].insight.external_id == "T-1"


def test_personal_data_is_scrubbed_and_counted(kb, tmp_path):
    report = kb.imports.import_file(write(tmp_path, "p.csv", FINNISH_CSV))
    assert report.pii == {"phone": 1, "iban": 1}
    texts = [i.text for i in kb.insights.browse(limit=10)[0]]
    assert any("[phone]" in t for t in texts) and not any("040 123" in t for t in texts)
    kept = KnowledgeBase.open(tmp_path / "raw.duckdb", embedder=kb.embedder)
    assert kept.imports.import_file(tmp_path / "p.csv", scrub_pii=False).pii == {}
    kept.close()


def test_importing_again_inserts_nothing(kb, tmp_path):
    path = write(tmp_path, "f.csv", FINNISH_CSV)
    kb.imports.import_file(path)
    again = kb.imports.import_file(path)
    assert (again.inserted, again.duplicates) == (0, 3)
    assert kb.count() == 3


def test_duplicate_rows_inside_one_file(kb, tmp_path):
    text = "text\nSame feedback twice\nSame feedback twice\nOther feedback\n"
    report = kb.imports.import_file(write(tmp_path, "d.csv", text))
    assert (report.inserted, report.duplicates, kb.count()) == (2, 1, 2)


def test_bad_rows_are_reported_with_line_and_reason(kb, tmp_path):
    content = (
        "text,date,tags\n"
        "Good row one,2026-01-02,a;b\n"
        "Bad date row,31.13.2026,x\n"
        ",2026-01-03,\n"
        "Too,many,fields,here\n"
        f"{'x' * 20_001},2026-01-04,\n"
        "Good row two,,\n"
    )
    report = kb.imports.import_file(write(tmp_path, "bad.csv", content))
    assert report.inserted == 2
    reasons = {r.line: r.reason for r in report.rejected}
    assert set(reasons) == {3, 4, 5, 6}
    assert "is no day of the calendar" in reasons[3]  # 31.13.2026: shaped like a date
    assert "text is empty" in reasons[4]
    assert "fields" in reasons[5]
    assert "too long" in reasons[6]


def test_row_without_text_is_rejected(kb, tmp_path):
    report = kb.imports.import_file(write(tmp_path, "e.csv", "text,team\n,Sales\nFine,Sales\n"))
    assert report.inserted == 1
    assert [r.line for r in report.rejected] == [2]
    assert "text is empty" in report.rejected[0].reason


def test_unreadable_files_say_why_and_store_nothing(kb, tmp_path, monkeypatch):
    with pytest.raises(ReadError, match="empty"):
        kb.imports.import_file(write(tmp_path, "empty.csv", b""))
    with pytest.raises(ReadError, match="binary"):
        kb.imports.import_file(write(tmp_path, "garbage.csv", os.urandom(2048) + b"\x00\x00"))
    with pytest.raises(ReadError, match="no column holds the insight text"):
        kb.imports.import_file(write(tmp_path, "nocol.csv", "alpha,beta\n1,2\n"))
    with pytest.raises(ReadError, match=r"\.pptx cannot be imported; use one of csv"):
        kb.imports.import_file(write(tmp_path, "deck.pptx", b"PK\x03\x04"))
    monkeypatch.setenv("OIVALLUS_IMPORT_LIMIT_MB", "0.001")
    with pytest.raises(ReadError, match="over the import limit"):
        kb.imports.import_file(write(tmp_path, "big.csv", "text\n" + "word " * 1000))
    assert kb.count() == 0


def test_header_only_imports_nothing(kb, tmp_path):
    report = kb.imports.import_file(write(tmp_path, "h.csv", "text,team\n"))
    assert (report.rows, report.inserted, report.rejected) == (0, 0, [])


def test_json_jsonl_and_markdown(kb, tmp_path):
    items = [{"feedback": "Checkout is slow", "team": "Web"}, {"feedback": "App crashes"}]
    assert kb.imports.import_file(write(tmp_path, "a.json", json.dumps(items))).inserted == 2
    lines = "\n".join(json.dumps({"text": f"Line note {i}"}) for i in range(3)) + "\nnot json\n"
    report = kb.imports.import_file(write(tmp_path, "b.jsonl", lines))
    assert report.inserted == 3 and report.rejected[0].line == 4
    markdown = "First finding paragraph.\nStill first.\n\nSecond finding about delivery.\n"
    assert kb.imports.import_file(write(tmp_path, "c.md", markdown)).inserted == 2


def command(*args, model: bool = False) -> subprocess.CompletedProcess:
    """The import command in a process of its own: with the real model, else with the fake
    embedder (tests/fake_cli.py; what the command does besides embedding is the same)."""
    module = "ingest" if model else "tests.fake_cli"
    run = [sys.executable, "-m", module, *map(str, args)]
    return subprocess.run(run, cwd=ROOT, capture_output=True, text=True, timeout=300)


@pytest.mark.slow  # the model loads in the command's own process
def test_the_import_command_runs_with_the_real_model(tmp_path):
    path = write(tmp_path, "cli.csv", FINNISH_CSV)
    done = command(path, "--db", tmp_path / "cli.duckdb", model=True)
    assert done.returncode == 0, done.stderr
    assert "3 inserted, 0 duplicates skipped, 0 survey responses, 0 rejected" in done.stdout


def test_cli_imports_and_reports(tmp_path):
    path = write(tmp_path, "cli.csv", FINNISH_CSV)
    db = tmp_path / "cli.duckdb"
    done = command(path, "--db", db, "--stage", "Support")
    assert done.returncode == 0, done.stderr
    assert "3 inserted, 0 duplicates skipped, 0 survey responses, 0 rejected" in done.stdout
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    try:
        assert {i.journey_stage for i in kb.insights.browse()[0]} == {"Support"}
        kb.imports.save_mapping(
            "feedback export", {"text": "palaute", "segment": "asiakassegmentti"}
        )
    finally:
        kb.close()
    other = write(
        tmp_path, "other.csv", "asiakassegmentti;palaute\nSMB;Sovellus on hidas aamulla\n"
    )
    named = command(other, "--db", db, "--mapping", "feedback export", "--by", "ajastin")
    assert named.returncode == 0 and "1 inserted" in named.stdout, named.stderr
    bad = command(tmp_path / "missing.csv", "--db", db)
    assert bad.returncode == 1 and "not imported" in bad.stderr


def tickets(rows: int) -> list[tuple[str, str]]:
    """Support tickets in banking77's shape (text, category): distinct texts of words only
    (nothing personal data scrubbing would change), every tenth one asked twice."""
    who = ["I", "My partner", "The customer", "Our firm", "My mother", "A colleague", "We"]
    what = [
        "card",
        "transfer",
        "refund",
        "top-up",
        "PIN",
        "statement",
        "exchange rate",
        "direct debit",
        "cash withdrawal",
        "account",
        "payment",
        "app login",
    ]
    how = [
        "is still pending",
        "was declined",
        "failed twice",
        "shows the wrong amount",
        "never arrived",
        "got blocked",
        "was charged twice",
        "is missing",
        "keeps timing out",
        "needs verifying",
        "was reversed",
        "looks suspicious",
        "cannot be found",
        "took a week",
        "was cancelled",
        "is not working",
        "arrived late",
        "was refused abroad",
        "is stuck",
    ]
    texts = [f"{a} {b} {c} today" for c in how for b in what for a in who][: rows - rows // 10]
    texts += texts[: rows - len(texts)]
    return [(t, t.split()[-3].replace("-", "_")) for t in texts]


def test_cli_import_killed_mid_way_resumes_with_every_row_once(tmp_path):
    """SIGKILL lands while the import is under way (its progress shows rows stored, not all):
    the same command run again resumes, and every distinct text is stored exactly once."""
    source = tmp_path / "train.csv"
    with open(source, "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "category"), *tickets(1600)])
    db = tmp_path / "b77.duckdb"
    args = [source, "--db", db, "--source", "support ticket"]
    slow = [sys.executable, "-m", "tests.fake_cli", "--pause-ms", "4", *map(str, args)]
    process = subprocess.Popen(slow, cwd=ROOT, stderr=subprocess.PIPE, text=True)
    buffer, done, total = "", 0, 0
    deadline = time.time() + 120
    while time.time() < deadline and not 0 < done < total and process.poll() is None:
        buffer += process.stderr.read(16)
        counts = re.findall(r"(\d+)/(\d+) rows", buffer)
        done, total = map(int, counts[-1]) if counts else (0, 0)
    assert 0 < done < total, f"not interrupted mid-import: {buffer[-300:]!r}"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    resumed = command(*args)
    assert resumed.returncode == 0, resumed.stderr
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    try:
        texts = [row["text"] for row in csv.DictReader(source.open(encoding="utf-8"))]
        assert kb.count() == len({content_hash(t) for t in texts}) < len(texts)
        assert "stored before (resumed)" in resumed.stdout
        [record] = kb.imports.history()  # the second run resumed the interrupted import
        assert (record.status, record.inserted) == ("finished", kb.count())
    finally:
        kb.close()
