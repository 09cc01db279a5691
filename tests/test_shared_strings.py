"""Excel's shared strings read lazily and kept on disk (issue 26): a workbook of 95 MB of
short distinct strings took 873 MB to preview when openpyxl read them all at open."""

from __future__ import annotations

import io
import zipfile

import pytest

from readers import sharedstrings
from readers.tables import read_records
from tests.documents import use_shared_strings, write_xlsx
from vocabulary.errors import ReadError

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def strings_workbook(path, count: int, pointing_at: list[int]):
    """A sheet whose cells (after a header) point at these of `count` shared strings."""
    write_xlsx(path, {"Palaute": [["text"], ["x"]]})
    use_shared_strings(path)
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    items = "".join(f"<si><t>teksti {i}</t></si>" for i in range(1, count))
    parts["xl/sharedStrings.xml"] = (
        f'<sst xmlns="{MAIN}"><si><t>text</t></si>{items}</sst>'.encode()
    )
    rows = "".join(
        f'<row r="{r}"><c r="A{r}" t="s"><v>{i}</v></c></row>'
        for r, i in enumerate([0, *pointing_at], start=1)
    )
    parts["xl/worksheets/sheet1.xml"] = (
        f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'.encode()
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def test_an_excel_workbook_of_shared_strings_previews_and_imports(kb, tmp_path):
    rows = [
        ["Asiakaspalaute 2026"],
        ["text", "segment", "score"],
        *[[f"Toimitus {i} myöhästyi & <kassa> jumittui", "SMB", i] for i in range(1, 41)],
        ["  Hyvä palvelu  ", "Enterprise", 5],
    ]
    path = use_shared_strings(write_xlsx(tmp_path / "palaute.xlsx", {"Vastaukset": rows}))
    with zipfile.ZipFile(path) as archive:
        assert b"inlineStr" not in archive.read("xl/worksheets/sheet1.xml")
    sheets, columns, preview = kb.imports.preview_file(path, rows=2)
    assert sheets == ["Vastaukset"] and columns == ["text", "segment", "score"]
    assert preview == [
        {"text": "Toimitus 1 myöhästyi & <kassa> jumittui", "segment": "SMB", "score": "1"},
        {"text": "Toimitus 2 myöhästyi & <kassa> jumittui", "segment": "SMB", "score": "2"},
    ]
    assert list(read_records(path)[1])[-1] == (
        43,
        {"text": "Hyvä palvelu", "segment": "Enterprise", "score": "5"},
    )
    assert kb.imports.import_file(path, scrub_pii=False).inserted == 41


def test_rich_text_and_phonetic_guides_read_as_openpyxl_reads_them(tmp_path):
    from openpyxl.reader.strings import read_string_table

    xml = (
        f'<sst xmlns="{MAIN}"><si><t xml:space="preserve"> plain </t></si>'
        "<si><r><rPr><b/></rPr><t>Hyvä </t></r><r><t>palvelu</t></r>"
        "<rPh sb='0' eb='1'><t>ふりがな</t></rPh></si><si><t/></si>"
        "<si><t>_x005F_x000D_ escaped</t></si><si><t>ääkköset &amp; 😀</t></si></sst>"
    ).encode()
    path = tmp_path / "s.zip"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/sharedStrings.xml", xml)
    expected = read_string_table(io.BytesIO(xml))
    with zipfile.ZipFile(path) as archive:
        strings = sharedstrings.SharedStrings(archive, "xl/sharedStrings.xml")
        try:
            assert [strings[i] for i in range(len(expected))] == expected
            with pytest.raises(IndexError, match="points at shared text 5; the workbook holds 5"):
                strings[5]
        finally:
            strings.close()


def test_a_preview_reads_the_shared_strings_only_as_far_as_its_rows_point(
    kb, tmp_path, monkeypatch
):
    path = strings_workbook(tmp_path / "many.xlsx", 200_000, list(range(1, 301)))
    chunks = []
    read_more = sharedstrings.SharedStrings._read_more

    def counted(self):
        chunks.append(1)
        read_more(self)

    monkeypatch.setattr(sharedstrings.SharedStrings, "_read_more", counted)
    _, columns, preview = kb.imports.preview_file(path, rows=200)
    assert columns == ["text"] and preview[-1] == {"text": "teksti 200"}
    with zipfile.ZipFile(path) as archive:
        part = archive.getinfo("xl/sharedStrings.xml").file_size
    assert len(chunks) * sharedstrings._CHUNK < part / 10  # not the whole part


def test_cells_pointing_at_the_last_shared_strings_read_from_disk(kb, tmp_path):
    path = strings_workbook(tmp_path / "far.xlsx", 100_000, [99_999, 5, 99_998])
    assert [r["text"] for _, r in read_records(path)[1]] == [
        "teksti 99999",
        "teksti 5",
        "teksti 99998",
    ]
    assert kb.imports.import_file(path, scrub_pii=False).inserted == 3


def test_a_cell_pointing_past_the_shared_text_or_broken_shared_text_says_so(kb, tmp_path):
    path = strings_workbook(tmp_path / "past.xlsx", 10, [3, 12])
    with pytest.raises(ReadError, match="cannot be read .*points at shared text 12"):
        kb.imports.import_file(path)
    assert kb.count() == 0
    broken = strings_workbook(tmp_path / "broken.xlsx", 10, [3])
    with zipfile.ZipFile(broken) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    parts["xl/sharedStrings.xml"] = parts["xl/sharedStrings.xml"].replace(b"2</t>", b"2</x>")
    with zipfile.ZipFile(broken, "w") as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    with pytest.raises(ReadError, match="shared text is not valid XML"):
        kb.imports.preview_file(broken)
