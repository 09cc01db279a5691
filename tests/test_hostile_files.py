"""Hostile and broken files (issue 14): zip bombs, deep JSON, endless headers, mixed
encodings, odd BOMs, links in the import folder, formula cells in exports, sealed backups."""

from __future__ import annotations

import codecs
import resource
import stat
import zipfile

import pandas as pd
import pytest

from insights import InsightIn
from insights.files.backup import export_backup, restore_backup
from insights.files.sealed import seal_folder
from language.text import csv_safe, csv_text
from readers.tables import read_records, waiting_files
from tests.documents import write_docx, write_xlsx
from tests.doubles import HashingEmbedder
from vocabulary.backlog import QuestionIn
from vocabulary.errors import BackupError, InvalidInput, PartlyImported, ReadError


def bomb(path, part: str, megabytes: int) -> None:
    """Replace one part of an Office file with `megabytes` of one repeated letter."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist() if n != part}
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
        with archive.open(part, "w", force_zip64=True) as stream:
            block = b"A" * (1 << 20)
            for _ in range(megabytes):
                stream.write(block)


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@pytest.mark.parametrize("kind", ["xlsx", "docx"])
def test_a_zip_bomb_is_refused_before_it_unpacks(kb, tmp_path, kind):
    path = tmp_path / f"bomb.{kind}"
    if kind == "xlsx":
        write_xlsx(path, {"Sheet": [["text"], ["hello"]]})
        bomb(path, "xl/sharedStrings.xml", 300)
    else:
        write_docx(path, [("", "hello")])
        bomb(path, "word/document.xml", 300)
    assert path.stat().st_size < 2 << 20  # a small file ...
    before = peak_mb()
    with pytest.raises(ReadError, match="unpacks to more than|inflates more than"):
        kb.imports.import_file(path)
    with pytest.raises(ReadError):
        kb.imports.preview_file(path)
    assert peak_mb() - before < 200  # ... that would have been 300 MB and more in memory
    assert kb.count() == 0


def test_an_excel_sheet_claiming_too_many_cells_is_refused(tmp_path):
    path = write_xlsx(tmp_path / "wide.xlsx", {"Sheet": [["text"], ["hello"]]})
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    sheet = next(n for n in parts if n.startswith("xl/worksheets/sheet"))
    parts[sheet] = parts[sheet].replace(
        b'<dimension ref="A1:A2"/>', b'<dimension ref="A1:ZZZZ9999999"/>'
    )
    with zipfile.ZipFile(path, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ReadError, match="more than Excel allows"):
        read_records(path)


def test_deeply_nested_json_says_so(kb, tmp_path):
    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000, encoding="utf-8")
    with pytest.raises(ReadError, match="nested too deeply"):
        kb.imports.import_file(tmp_path / "deep.json")
    (tmp_path / "deep.jsonl").write_text('{"text": "fine"}\n' + "[" * 100_000 + "\n")
    report = kb.imports.import_file(tmp_path / "deep.jsonl")
    assert report.inserted == 1 and "nested too deeply" in report.rejected[0].reason


def test_a_header_of_millions_of_columns_gets_a_short_message(tmp_path):
    (tmp_path / "wide.csv").write_text(",".join(f"c{i}" for i in range(2_000_000)) + "\nx\n")
    with pytest.raises(ReadError) as error:
        read_records(tmp_path / "wide.csv")
    assert "2,000,000 columns" in str(error.value) and len(str(error.value)) < 300


def test_an_excel_sheet_of_too_many_columns_gets_the_csv_message(tmp_path):
    header = [f"c{i}" for i in range(1_001)]
    path = write_xlsx(tmp_path / "wide.xlsx", {"Sheet": [header, ["x"] * 1_001]})
    (tmp_path / "wide.csv").write_text(",".join(header) + "\n" + ",".join(["x"] * 1_001))
    with pytest.raises(ReadError) as from_excel:
        read_records(path)
    with pytest.raises(ReadError) as from_csv:
        read_records(tmp_path / "wide.csv")
    assert str(from_excel.value) == str(from_csv.value)
    assert "1,001 columns (at most 1,000)" in str(from_excel.value)
    fits = write_xlsx(tmp_path / "fits.xlsx", {"Sheet": [header[:1_000], ["x"] * 1_000]})
    assert len(read_records(fits)[0]) == 1_000


def test_a_cp1252_row_in_a_utf8_file_is_read_in_its_own_encoding(kb, tmp_path):
    rows = [f"Toimitus {i} myöhästyi päivällä".encode() for i in range(3_000)]
    rows.append("Äänestys oli hyvä kiitos".encode("cp1252"))
    (tmp_path / "mixed.csv").write_bytes(b"text\n" + b"\n".join(rows) + b"\n")
    report = kb.imports.import_file(tmp_path / "mixed.csv")
    assert report.inserted == 3_001 and not report.rejected
    assert kb.search("Äänestys oli hyvä", k=1)[0].insight.text == "Äänestys oli hyvä kiitos"


def test_a_file_breaking_off_midway_says_partly_imported_with_the_right_line(kb, tmp_path):
    import csv

    good = "".join(f'"Row {i} is fine"\n' for i in range(3_000))
    (tmp_path / "cut.csv").write_text("text\n" + good + "x" * 5_000 + "\n", encoding="utf-8")
    limit = csv.field_size_limit(1_000)  # a field over the limit stops the reader at line 3002
    try:
        with pytest.raises(ReadError) as error:
            kb.imports.import_file(tmp_path / "cut.csv", batch=1_000)
    finally:
        csv.field_size_limit(limit)
    message = str(error.value)
    assert isinstance(error.value, PartlyImported)  # the pages head it "partly imported"
    assert "partly imported: 3,000 insights" in message and "line 3002" in message, message
    assert "Undo import #1" in message
    record = kb.imports.import_record(1)
    assert record.status == "partial" and record.inserted == 3_000
    assert kb.imports.undo_import(1) == 3_000 and kb.count() == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_broken_character_in_utf16_rejects_its_own_row_and_the_rest_lands(kb, tmp_path, encoding):
    def rows(numbers):
        return "".join(f"Row {i} is fine\n" for i in numbers).encode(encoding + "-le")

    broken = "Bad ".encode(encoding + "-le") + b"\x00\xd8\x00\x00"[: 2 if "16" in encoding else 4]
    data = (
        "text\n".encode(encoding)
        + rows(range(2_000))
        + broken
        + " row\n".encode(encoding + "-le")
        + rows(range(2_000, 4_000))
    )
    (tmp_path / "wide.csv").write_bytes(data)
    report = kb.imports.import_file(tmp_path / "wide.csv")
    assert report.inserted == 4_000 and report.status == "finished"
    [rejected] = report.rejected
    assert rejected.line == 2_002 and f"not {encoding} text" in rejected.reason


@pytest.mark.parametrize("encoding", ["utf-32", "utf-16"])
def test_utf32_and_utf16_headers_read_cleanly(tmp_path, encoding):
    (tmp_path / "wide.csv").write_bytes("text;segment\nHyvä palvelu;SMB\n".encode(encoding))
    columns, records = read_records(tmp_path / "wide.csv")
    assert columns == ["text", "segment"]
    assert next(records)[1] == {"text": "Hyvä palvelu", "segment": "SMB"}


def test_a_doubled_bom_does_not_garble_the_header(tmp_path):
    data = codecs.BOM_UTF8 * 2 + "palaute,segmentti\nHyvä,SMB\n".encode()
    (tmp_path / "bom.csv").write_bytes(data)
    assert read_records(tmp_path / "bom.csv")[0] == ["palaute", "segmentti"]


def test_links_in_the_import_folder_are_not_offered(tmp_path):
    (tmp_path / "real.csv").write_text("text\nhello\n")
    (tmp_path / "passwd.csv").symlink_to("/etc/passwd")
    (tmp_path / "inside.csv").symlink_to(tmp_path / "real.csv")
    assert waiting_files(tmp_path) == ["real.csv"]


def test_csv_exports_neutralise_formulas(kb):
    for cell in ('=HYPERLINK("http://x")', "@SUM(A1)", "+1+1", "-2+3", "\t=1"):
        assert csv_safe(cell).startswith("'")
    assert csv_safe(-5) == -5 and csv_safe("plain") == "plain"
    kb.backlog.ask(
        QuestionIn(text='=HYPERLINK("http://evil.example","click")', decision="@SUM(A1)")
    )
    exported = kb.backlog.export_backlog_csv()
    assert "'=HYPERLINK" in exported and "'@SUM" in exported
    assert "\n=" not in exported and ",=" not in exported and ",@" not in exported
    assert csv_text(pd.DataFrame({"group": ["=cmd|' /C calc'!A0"], "n": [3]})).startswith(
        "group,n\n'=cmd"
    )


def test_backup_files_are_private_and_a_sealed_copy_needs_its_passphrase(kb, tmp_path):
    kb.people.ensure_admin("correct horse battery")
    kb.add_many([InsightIn(text="Delivery was late on Monday")])
    folder = tmp_path / "backups" / "one"
    export_backup(kb, folder)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    assert {stat.S_IMODE(f.stat().st_mode) for f in folder.iterdir()} == {0o600}
    with pytest.raises(InvalidInput, match="passphrase"):
        seal_folder(folder, "short")
    sealed = tmp_path / "copy.oivb"
    sealed.write_bytes(seal_folder(folder, "a long backup passphrase"))
    assert b"Delivery was late" not in sealed.read_bytes()  # encrypted, not only zipped
    assert b"argon2" not in sealed.read_bytes()
    with pytest.raises(BackupError, match="wrong passphrase"):
        restore_backup(sealed, tmp_path / "wrong.duckdb", HashingEmbedder(), "not the phrase!!")
    restored = restore_backup(
        sealed, tmp_path / "new.duckdb", HashingEmbedder(), "a long backup passphrase"
    )
    try:
        assert restored.count() == 1 and restored.people.user("admin").role == "admin"
    finally:
        restored.close()


def test_only_people_who_may_import_can_look_inside_a_file(kb, tmp_path):
    from insights.acting import PermissionDenied

    kb.people.ensure_admin("correct horse battery")
    viewer = kb.acting_as(kb.people.create_user("vera", "Vera", role="viewer"))
    (tmp_path / "a.csv").write_text("text\nhello\n")
    with pytest.raises(PermissionDenied):
        viewer.imports.preview_file(tmp_path / "a.csv")
    assert kb.imports.preview_file(tmp_path / "a.csv") == ([], ["text"], [{"text": "hello"}])


def test_a_line_of_a_hundred_megabytes_is_refused_without_splitting_it(kb, tmp_path):
    (tmp_path / "commas.csv").write_bytes(b"text\nfine\n" + b"," * (100 << 20) + b"\nalso fine\n")
    before = peak_mb()
    report = kb.imports.import_file(tmp_path / "commas.csv")
    assert report.inserted == 2
    assert [
        (r.line, "longer than 2 MB: is this a CSV file?" in r.reason) for r in report.rejected
    ] == [(3, True)]
    (tmp_path / "header.csv").write_bytes(b"a" * (3 << 20) + b"\nx\n")
    with pytest.raises(ReadError, match="line 1 is longer than 2 MB"):
        kb.imports.preview_file(tmp_path / "header.csv")
    assert peak_mb() - before < 150  # a line split into its fields was 1.2 GB


@pytest.mark.parametrize(
    ("weak", "why"),
    [
        ("short", "at least 12 characters"),
        ("x" * 20, "one repeated character"),
        ("123456789012345", "digits only"),
        ("password1234", "common words"),
        ("Salasana2026!", "common words"),
        ("qwertyqwerty", "common words"),
    ],
)
def test_a_weak_backup_passphrase_is_refused_with_why(tmp_path, weak, why):
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "manifest.json").write_text("{}")
    with pytest.raises(InvalidInput, match=why):
        seal_folder(tmp_path / "b", weak)
    for fine in ("1234567890123456", "correct horse battery"):
        assert seal_folder(tmp_path / "b", fine).startswith(b"OIVALLUS")


def test_a_sealed_backup_unpacking_too_large_is_refused_before_it_fills_memory(
    tmp_path, monkeypatch
):
    import insights.files.sealed

    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "manifest.json").write_bytes(b"\0" * (8 << 20))  # 8 MB of zeros, 8 KB sealed
    sealed = tmp_path / "bomb.oivb"
    sealed.write_bytes(seal_folder(folder, "correct horse battery"))
    monkeypatch.setattr(insights.files.sealed, "MIN_LIMIT_MB", 1)  # 50 x 8 KB is under 8 MB
    with pytest.raises(BackupError, match="unpacks to more than 1 MB"):
        restore_backup(sealed, tmp_path / "new.duckdb", HashingEmbedder(), "correct horse battery")
    assert not (tmp_path / "new.duckdb").exists()
    monkeypatch.setattr(insights.files.sealed, "MIN_LIMIT_MB", 64)
    monkeypatch.setenv("OIVALLUS_RESTORE_LIMIT_MB", "2")  # the absolute cap wins
    with pytest.raises(BackupError, match="more than 2 MB"):
        restore_backup(sealed, tmp_path / "new.duckdb", HashingEmbedder(), "correct horse battery")


def test_json_is_read_as_a_stream_and_refuses_a_list_past_its_limits(kb, tmp_path, monkeypatch):
    import json

    from readers import jsonstream

    rows = [{"text": f"Palaute {i}", "segment": "SMB" if i % 2 else "Consumer"} for i in range(9)]
    (tmp_path / "wrapped.json").write_text(json.dumps({"meta": {"n": 9}, "rows": rows}, indent=1))
    columns, records = read_records(tmp_path / "wrapped.json")
    assert columns == ["segment", "text"] and [r for _, r in records] == [
        {k: str(v) for k, v in row.items()} for row in rows
    ]
    monkeypatch.setattr(jsonstream, "_CHUNK", 7)  # objects and numbers cut across chunks
    (tmp_path / "n.json").write_text('[{"text": "a", "n": 123456789}, {"text": "b", "n": 1.5e3}]')
    assert [r["n"] for _, r in read_records(tmp_path / "n.json")[1]] == ["123456789", "1500.0"]
    (tmp_path / "bad.json").write_text('[{"text": "a"},\n{"text": "b"},\n{"text": oops}]')
    with pytest.raises(ReadError, match="not valid JSON at line 3"):
        kb.imports.import_file(tmp_path / "bad.json")
    assert kb.count() == 0  # refused before a row was stored
    monkeypatch.setattr(jsonstream, "MAX_ITEMS", 100)
    (tmp_path / "empties.json").write_text("[" + ",".join(["{}"] * 101) + "]")
    with pytest.raises(ReadError, match="more than 100 items; split the file"):
        kb.imports.preview_file(tmp_path / "empties.json")
    monkeypatch.setattr(jsonstream, "_CHUNK", 1 << 20)
    monkeypatch.setattr(jsonstream, "MAX_ITEM_MB", 1)
    (tmp_path / "big.json").write_text('[{"text": "' + "x" * (3 << 20) + '"}]')
    with pytest.raises(ReadError, match="longer than 1 MB"):
        kb.imports.preview_file(tmp_path / "big.json")
    (tmp_path / "long.jsonl").write_text('{"text": "fine"}\n' + "x" * (3 << 20) + "\n")
    report = kb.imports.import_file(tmp_path / "long.jsonl")
    assert report.inserted == 1 and "longer than 2 MB" in report.rejected[0].reason


def test_a_number_of_thousands_of_digits_is_a_clear_refusal_not_a_traceback(kb, tmp_path):
    from vocabulary.errors import ReadError

    digits = "9" * 5000
    listed = tmp_path / "visits.json"
    listed.write_text(f'[{{"date": "2026-03-01", "visits": {digits}}}]', encoding="utf-8")
    with pytest.raises(ReadError, match="too long to be a value"):
        kb.imports.preview_file(listed)
    with pytest.raises(ReadError, match="too long to be a value"):
        kb.metrics.import_file(listed)
    lines = tmp_path / "visits.jsonl"
    lines.write_text(f'{{"text": "ok"}}\n{{"text": {digits}}}\n', encoding="utf-8")
    report = kb.imports.import_file(lines)
    assert report.inserted == 1 and "too long" in report.rejected[0].reason
