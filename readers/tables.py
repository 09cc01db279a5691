"""Readers: a file becomes (line number, record) pairs, streamed, never loaded whole.

Delimited text (CSV, TSV, ``;``-separated Finnish exports) in UTF-8 with or without BOM,
UTF-16 or cp1252; Excel (readers.spreadsheets); JSON (a list of objects) and JSON Lines;
documents and transcripts (readers.documents). Each reader raises `ReadError` with a message a
person can act on.
"""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO

from readers import documents, jsonstream, spreadsheets
from readers.limits import MAX_COLUMNS, too_many_columns
from vocabulary.errors import Message, ReadError, Said

SAMPLE_BYTES = 64 * 1024
MAX_LINE_MB = 2  # a physical line (an insight is at most 20,000 characters) past this is no table
csv.field_size_limit(MAX_LINE_MB << 20)  # a quoted field spanning lines, likewise
_MARK = "oivallus-broken"  # the decoding error handler that marks a broken character
_BROKEN = "\udc00"  # a lone surrogate: never the result of decoding valid UTF-16 or UTF-32
_TOO_LONG = "\udc01"  # in place of a line past MAX_LINE_MB
_TOO_LONG_SAID = Said("is longer than {size} MB: is this a CSV file?", size=MAX_LINE_MB)
codecs.register_error(_MARK, lambda error: (_BROKEN, error.end))  # type: ignore[attr-defined]


TABLES = ("csv", "tsv", "tab", "xlsx", "json", "jsonl")
DOCUMENTS = ("md", "markdown", "txt", "docx", "pdf")
TRANSCRIPTS = ("vtt", "srt")
SUPPORTED = TABLES + DOCUMENTS + TRANSCRIPTS


def detect_encoding(sample: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 (by BOM), else cp1252 (Finnish Excel exports)."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith((codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)):  # before UTF-16's
        return "utf-32"
    if sample.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    if b"\x00" in sample[:4096]:
        raise ReadError("the file looks binary (it holds NUL bytes); export it as CSV text")
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if len(sample) >= SAMPLE_BYTES and error.start > len(sample) - 4:  # cut by the sample
            return "utf-8"
        return "cp1252"


def detect_delimiter(text_sample: str) -> str:
    """The delimiter of the header line: the most frequent of tab, semicolon and comma."""
    header = text_sample.splitlines()[0] if text_sample else ""
    counts = {d: header.count(d) for d in ("\t", ";", ",")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_records(
    path: Path, sheet: str | None = None
) -> tuple[list[str], Iterator[tuple[int, dict[str, str]]]]:
    """The column names and a stream of (line number, record) for a file.

    `sheet` picks the sheet of an Excel workbook (default: the first).
    """
    suffix = path.suffix.lower().lstrip(".")
    with open(path, "rb") as handle:
        sample = handle.read(SAMPLE_BYTES)
    if not sample:
        raise ReadError("the file is empty")
    if suffix not in SUPPORTED:
        raise ReadError(
            "{kind} cannot be imported; use one of {choices}",
            kind="." + suffix if suffix else Message("files without an extension"),
            choices=", ".join(SUPPORTED),
        )
    if suffix == "xlsx":
        return spreadsheets.rows(path, sheet)
    if suffix == "docx":
        return ["text", "title"], _checked(documents.docx(path))
    if suffix == "pdf":
        return ["text"], _checked(documents.pdf(path))
    encoding = detect_encoding(sample)
    if suffix in ("csv", "tsv", "tab"):
        return _delimited(path, encoding, sample)
    if suffix == "jsonl":
        return ["text"], _json_lines(path, encoding)
    if suffix == "json":
        return _json(path, encoding)
    if suffix in TRANSCRIPTS:
        return ["text", "speaker"], _checked(documents.transcript(path, encoding))
    return ["text", "title"], _checked(documents.markdown(path, encoding))


def _checked(records: Iterator) -> Iterator:
    """Fail at once (not on the first row read) when a document cannot be opened at all."""
    first = next(records, None)
    if first is None:
        raise ReadError("no text found in the document (a scanned PDF needs OCR first)")

    def stream():
        yield first
        yield from records

    return stream()


def default_source(path: Path) -> str | None:
    """The source a file's rows most likely come from, when the file's kind tells."""
    return "interview" if path.suffix.lower().lstrip(".") in TRANSCRIPTS else None


def sheet_names(path: Path) -> list[str]:
    """The sheets of an Excel workbook ([] for other files)."""
    return spreadsheets.sheet_names(path) if path.suffix.lower() == ".xlsx" else []


def _delimited(path: Path, encoding: str, sample: bytes):
    text_sample = sample.decode(encoding, errors="ignore")
    delimiter = "\t" if path.suffix.lower() == ".tsv" else detect_delimiter(text_sample)
    handle: IO
    if encoding in ("utf-16", "utf-32"):
        # decoded line by line, a broken character marked: a bad row is rejected at its own
        # line (a decoder reading ahead in blocks would fail lines before it, mid-import)
        handle = open(path, encoding=encoding, newline="", errors=_MARK)  # noqa: SIM115
        lines = _lines(handle, delimiter, lambda line, _: line)
    else:
        handle = open(path, "rb")  # noqa: SIM115 - streamed, closed by rows()
        lines = _lines(handle, delimiter.encode(), _decoded_line)
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        header = [h.strip().lstrip("\ufeff").strip() for h in next(reader)]
    except (StopIteration, UnicodeDecodeError, csv.Error) as error:
        handle.close()
        raise ReadError("the header line cannot be read ({problem})", problem=str(error)) from None
    except ReadError:
        handle.close()
        raise
    if not any(header):
        handle.close()
        raise ReadError("the first line holds no column names")
    if len(header) > MAX_COLUMNS:
        handle.close()
        raise too_many_columns(len(header))

    def rows() -> Iterator[tuple[int, dict[str, str]]]:
        try:
            for values in reader:
                line = reader.line_num
                if not any(v.strip() for v in values):
                    continue
                if any(_TOO_LONG in v for v in values):
                    yield line, {"__error__": _TOO_LONG_SAID}
                    continue
                if any(_BROKEN in v for v in values):
                    yield (
                        line,
                        {
                            "__error__": Said(
                                "is not {encoding} text; save the file as UTF-8", encoding=encoding
                            )
                        },
                    )
                    continue
                if len(values) != len(header):
                    yield (
                        line,
                        {
                            "__error__": Said(
                                "has {fields} fields, the header has {named}; check the "
                                "delimiter and quotes",
                                fields=len(values),
                                named=len(header),
                            )
                        },
                    )
                    continue
                yield line, dict(zip(header, values, strict=True))
        except (UnicodeDecodeError, csv.Error) as error:
            raise ReadError(
                "line {line} cannot be read ({problem})", line=reader.line_num, problem=str(error)
            ) from None
        finally:
            handle.close()

    return header, rows()


def _lines(handle, delimiter, decode: Callable) -> Iterator[str]:
    """A file's physical lines, decoded. A line past MAX_LINE_MB is never split into fields
    (a 100 MB line of commas would be 100 million of them): it streams by and becomes a
    marked line, its row rejected; a header that long raises `ReadError`, saying how many
    columns it has when that is the trouble."""
    limit = MAX_LINE_MB << 20
    newline = "\n" if isinstance(delimiter, str) else b"\n"
    number = 0
    while line := handle.readline(limit + 1):
        number += 1
        if len(line) <= limit:
            yield decode(line, number)
            continue
        separators = line.count(delimiter)
        while not line.endswith(newline) and (line := handle.readline(limit)):
            separators += line.count(delimiter)
        if number == 1 and separators + 1 > MAX_COLUMNS:
            raise too_many_columns(separators + 1)
        if number == 1:
            raise ReadError(
                "line 1 is longer than {size} MB: is this a CSV file?", size=MAX_LINE_MB
            )
        yield _TOO_LONG + "\n"


def _decoded_line(raw: bytes, number: int) -> str:
    """A line decoded on its own: a file mixing UTF-8 and cp1252 (rows pasted from another
    export) reads whole, each line in the encoding it is in, so an error can never point at
    the wrong line and no half of a file is stored."""
    if number == 1:
        while raw.startswith(codecs.BOM_UTF8):  # a doubled BOM too (a file saved twice)
            raw = raw[len(codecs.BOM_UTF8) :]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", errors="replace")


def _json_lines(path: Path, encoding: str):
    limit = MAX_LINE_MB << 20
    with open(path, encoding=encoding, errors="replace") as handle:
        number = 0
        while line := handle.readline(limit + 1):
            number += 1
            if len(line) > limit:
                while not line.endswith("\n") and (line := handle.readline(limit)):
                    pass  # the rest of the line streams by
                yield (
                    number,
                    {
                        "__error__": Said(
                            "is longer than {size} MB; give one object a line", size=MAX_LINE_MB
                        )
                    },
                )
                continue
            if not line.strip():
                continue
            try:
                value = json.loads(line)
            except json.JSONDecodeError as error:
                yield (
                    number,
                    {"__error__": Said("is not valid JSON ({problem})", problem=error.msg)},
                )
                continue
            except RecursionError:
                yield (
                    number,
                    {"__error__": Said("is nested too deeply; give one flat object a line")},
                )
                continue
            except ValueError:  # an integer of thousands of digits
                yield number, {"__error__": "holds a number too long to be a value"}
                continue
            yield number, _as_record(value)


def _json(path: Path, encoding: str):
    """Read twice, as a stream: once for the keys (and to refuse a bad file before a row is
    stored), once for the rows."""
    columns: set[str] = set()
    try:
        with open(path, encoding=encoding) as handle:
            for item in jsonstream.items(handle):
                if isinstance(item, dict):
                    columns.update(str(k) for k in item)
                if len(columns) > MAX_COLUMNS:
                    raise ReadError(
                        "the objects have more than {count} different keys; export the fields "
                        "to import",
                        count=MAX_COLUMNS,
                    )
    except UnicodeDecodeError as error:
        raise ReadError(
            "the file is not text in {encoding} ({problem})",
            encoding=encoding,
            problem=error.reason,
        ) from None

    def rows():
        with open(path, encoding=encoding) as handle:
            for number, item in enumerate(jsonstream.items(handle), start=1):
                yield number, _as_record(item)

    return sorted(columns) or ["text"], rows()


def _as_record(value) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): "" if v is None else str(v) for k, v in value.items()}
    return {"text": str(value)}


def waiting_files(folder: Path) -> list[str]:
    """Names of the importable files directly inside an import folder: regular files only,
    never a link (a link could point anywhere on the server, /etc/passwd included)."""
    if not folder.is_dir():
        return []
    root = folder.resolve()
    return sorted(
        p.name
        for p in folder.iterdir()
        if not p.is_symlink()
        and p.is_file()
        and p.resolve().parent == root
        and p.suffix.lower().lstrip(".") in SUPPORTED
    )
