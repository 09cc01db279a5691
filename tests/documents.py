"""Small real documents for import tests: PDF (plain and encrypted), Word, Excel with formulas."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF whose pages hold these paragraphs (lines of Helvetica text, a gap between them)."""
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        None,
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    kids = []
    for paragraphs in pages:
        lines, y = [], 760
        for paragraph in paragraphs:
            escaped = paragraph.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            lines.append(f"BT /F1 11 Tf 50 {y} Td ({escaped}) Tj ET")
            y -= 40
        stream = "\n".join(lines).encode("latin-1")
        objects.append(
            f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}\nendstream"
        )
        content = len(objects)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {content} 0 R"
            " /Resources << /Font << /F1 3 0 R >> >> >>"
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>"
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.write_bytes(bytes(out))
    return path


def encrypt_pdf(source: Path, target: Path, password: str) -> Path:
    """A copy of a PDF that opens only with a password."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(str(source)))
    writer.encrypt(user_password=password, owner_password=password, algorithm="RC4-128")
    with open(target, "wb") as handle:
        writer.write(handle)
    return target


def write_docx(path: Path, blocks: list[tuple[str, str]]) -> Path:
    """A Word file from (style, text) pairs; style is "Title", "Heading 1" or "" (body)."""
    import docx

    document = docx.Document()
    for style, text in blocks:
        if style == "Title":
            document.add_heading(text, level=0)
        elif style.startswith("Heading"):
            document.add_heading(text, level=int(style.split()[-1]))
        else:
            document.add_paragraph(text)
    document.save(str(path))
    return path


def write_xlsx(
    path: Path, sheets: dict[str, list[list]], cached: dict[str, str] | None = None
) -> Path:
    """A workbook; cells starting with "=" are formulas, saved with the cached values Excel
    would store (`cached`: formula -> value), since openpyxl writes formulas without them."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets.items():
        sheet = workbook.create_sheet(title)
        for row in rows:
            sheet.append(row)
    workbook.save(str(path))
    if cached:
        with zipfile.ZipFile(path) as archive:
            parts = {n: archive.read(n) for n in archive.namelist()}
        for name, data in parts.items():
            if name.startswith("xl/worksheets/sheet"):
                text = data.decode()
                for formula, value in cached.items():
                    text = re.sub(
                        rf"(<f>{re.escape(formula.lstrip('='))}</f>)(<v>[^<]*</v>|<v\s*/>)?",
                        rf"\1<v>{value}</v>",
                        text,
                    )
                parts[name] = text.encode()
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in parts.items():
                archive.writestr(name, data)
    return path


_INLINE = re.compile(
    rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.DOTALL
)
_MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def use_shared_strings(path: Path) -> Path:
    """Rewrite a workbook openpyxl saved (its text inline in each cell) the way Excel saves
    one: each distinct text once in xl/sharedStrings.xml, the cells pointing at it."""
    with zipfile.ZipFile(path) as archive:
        parts = {n: archive.read(n) for n in archive.namelist()}
    strings: dict[bytes, int] = {}

    def shared(found: re.Match) -> bytes:
        index = strings.setdefault(found.group(3), len(strings))
        return b"<c " + found.group(1) + b't="s"' + found.group(2) + b"><v>%d</v></c>" % index

    for name in parts:
        if name.startswith("xl/worksheets/sheet"):
            parts[name] = _INLINE.sub(shared, parts[name])
    parts["xl/sharedStrings.xml"] = (
        b'<sst xmlns="'
        + _MAIN
        + b'" uniqueCount="%d">' % len(strings)
        + b"".join(b"<si><t>" + text + b"</t></si>" for text in strings)
        + b"</sst>"
    )
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>",
        b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    )
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>",
        b'<Relationship Id="rIdShared" Target="sharedStrings.xml" Type="http://schemas.'
        b'openxmlformats.org/officeDocument/2006/relationships/sharedStrings"/></Relationships>',
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path
