"""Checks on zip-based files (.xlsx, .docx) before any library unpacks them.

A 1 MB workbook may hold a 1 GiB shared string (a zip bomb): openpyxl and python-docx unpack
such parts whole. So before reading, the archive's members are checked by their declared sizes
and then by what they really inflate to (declared sizes can lie), and an Excel sheet by the
size it declares; each refusal says what to do instead.
"""

from __future__ import annotations

import functools
import re
import zipfile
from pathlib import Path

from vocabulary.errors import Message, ReadError

MAX_MEMBERS = 10_000
MAX_PART_MB = 100  # one XML part (a sheet, the shared strings, the document body)
MAX_TOTAL_MB = 400  # everything inside
MAX_RATIO = 200  # a part inflating more than this (and past 10 MB) is a bomb, not a table
MAX_ROWS = 1_048_576  # Excel's own limits
MAX_COLUMNS = 16_384
_CHUNK = 1 << 20
_DIMENSION = re.compile(rb'<(?:\w+:)?dimension ref="([A-Z]+)?(\d+)?(?::([A-Z]+)(\d+))?"')


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + ord(letter) - 64
    return number


def check_archive(path: Path) -> None:
    """Refuse a zip-based document that would unpack too large; raises `ReadError`."""
    stat = Path(path).stat()
    _check(str(path), stat.st_size, stat.st_mtime_ns)


@functools.lru_cache(maxsize=32)
def _check(path: str, size: int, mtime: int) -> None:  # size and mtime: a changed file again
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise ReadError(
            "the file is damaged or incomplete ({problem}); open it and save it again",
            problem=str(error),
        ) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ReadError(
                "the file holds {count} parts (at most {most}); save it again or export it as CSV",
                count=len(members),
                most=MAX_MEMBERS,
            )
        declared = sum(m.file_size for m in members)
        if declared > MAX_TOTAL_MB << 20:
            raise ReadError(_too_large(declared))
        total = 0
        for member in members:
            if member.file_size > MAX_PART_MB << 20:
                raise ReadError(_part_too_large(member.filename, member.file_size))
            total += _inflated_size(archive, member)
            if total > MAX_TOTAL_MB << 20:
                raise ReadError(_too_large(total))
        _check_sheet_sizes(archive, members)


def _inflated_size(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Bytes a member really inflates to, reading at most a little past the limits."""
    size = 0
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(_CHUNK):
                size += len(chunk)
                if size > MAX_PART_MB << 20:
                    raise ReadError(_part_too_large(member.filename, size))
                if size > 10 << 20 and size > MAX_RATIO * max(member.compress_size, 1):
                    raise ReadError(
                        "the part {name} inflates more than {ratio} times (a zip bomb?); it was "
                        "not read",
                        name=member.filename,
                        ratio=MAX_RATIO,
                    )
    except (zipfile.BadZipFile, OSError, EOFError, RuntimeError) as error:
        raise ReadError(
            "the file is damaged ({problem}); open it and save it again", problem=str(error)
        ) from None
    return size


def _check_sheet_sizes(archive: zipfile.ZipFile, members: list[zipfile.ZipInfo]) -> None:
    for member in members:
        if not (member.filename.startswith("xl/worksheets/") and member.filename.endswith(".xml")):
            continue
        with archive.open(member) as stream:
            head = stream.read(4096)
        found = _DIMENSION.search(head)
        if not found or not found.group(3):
            continue
        rows, columns = int(found.group(4)), _column_number(found.group(3).decode())
        if rows > MAX_ROWS or columns > MAX_COLUMNS:
            raise ReadError(
                "a sheet says it is {rows} rows x {columns} columns, more than Excel allows; the "
                "file was not read",
                rows=rows,
                columns=columns,
            )


def _too_large(size: int) -> Message:
    return Message(
        "the file unpacks to more than {most} MB ({size} MB seen); split it or export it as CSV",
        {"most": MAX_TOTAL_MB, "size": round(size / 2**20)},
    )


def _part_too_large(name: str, size: int) -> Message:
    return Message(
        "the part {name} unpacks to more than {most} MB ({size} MB seen); split the file or "
        "export it as CSV",
        {"name": name, "most": MAX_PART_MB, "size": round(size / 2**20)},
    )
