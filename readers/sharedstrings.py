"""An Excel workbook's shared strings, read only as far as the cells ask, kept on disk.

openpyxl reads every shared string into memory when it opens a workbook, even read-only: a
16 MB workbook of 95 MB of short distinct strings took 873 MB and 54 s to preview (issue 26).
Here the strings part streams through expat only as far as the highest index a cell has
asked for, each string spooled as UTF-8 to a temporary file, its offset in an array (4 bytes
a string). A preview reads the strings its first rows use (in an Excel file the first rows'
strings come first) and an import holds the strings on disk, never whole in memory.
"""

from __future__ import annotations

import os
import tempfile
import zipfile
from array import array
from pathlib import Path
from typing import IO
from xml.etree.ElementTree import ParseError, XMLParser

from vocabulary.errors import ReadError

_CHUNK = 1 << 16
_PENDING_BYTES = 1 << 18  # spooled strings written out in blocks this size


class _Collector:
    """An expat target keeping the text of each <si> (plain or rich runs, never the phonetic
    guide <rPh>) as openpyxl would, without building elements."""

    def __init__(self) -> None:
        self.done: list[str] = []
        self._parts: list[str] | None = None
        self._in_text = False
        self._phonetic = 0

    def start(self, tag: str, _attributes: dict) -> None:
        name = tag.rpartition("}")[2]
        if name == "si":
            self._parts = []
        elif name == "rPh":
            self._phonetic += 1
        elif name == "t" and self._parts is not None and not self._phonetic:
            self._in_text = True

    def end(self, tag: str) -> None:
        name = tag.rpartition("}")[2]
        if name == "t":
            self._in_text = False
        elif name == "rPh":
            self._phonetic -= 1
        elif name == "si" and self._parts is not None:
            self.done.append("".join(self._parts).replace("x005F_", ""))
            self._parts = None

    def data(self, text: str) -> None:
        if self._in_text and self._parts is not None:
            self._parts.append(text)

    def close(self) -> None:
        return None


class SharedStrings:
    """The shared strings of one workbook as a sequence openpyxl's sheet reader indexes;
    raises `IndexError` past the last one and `ReadError` when the part is not valid XML."""

    def __init__(self, archive: zipfile.ZipFile, part: str) -> None:
        self._archive, self._part = archive, part
        self._source: IO[bytes] | None = None
        self._collector = _Collector()
        self._parser: XMLParser | None = XMLParser(target=self._collector)
        self._offsets = array("I", [0])  # 4 bytes: the part is at most MAX_PART_MB
        self._spool = tempfile.TemporaryFile()  # noqa: SIM115 - closed by close()
        self._pending: list[bytes] = []
        self._pending_size = 0

    def __getitem__(self, index: int) -> str:
        if index < 0:
            raise IndexError(index)
        while index >= len(self._offsets) - 1 and self._parser is not None:
            self._read_more()
        if index >= len(self._offsets) - 1:
            raise IndexError(
                f"a cell points at shared text {index:,}; the workbook holds "
                f"{len(self._offsets) - 1:,}: open it in Excel and save it again"
            )
        start, end = self._offsets[index], self._offsets[index + 1]
        if end > self._spool.tell():  # still waiting in _pending
            self._write_pending()
        return os.pread(self._spool.fileno(), end - start, start).decode("utf-8")

    def __len__(self) -> int:
        return len(self._offsets) - 1  # those read so far

    def _read_more(self) -> None:
        assert self._parser is not None
        if self._source is None:
            self._source = self._archive.open(self._part)
        chunk = self._source.read(_CHUNK)
        try:
            if chunk:
                self._parser.feed(chunk)
            else:
                self._parser.close()
                self._parser = None
        except ParseError as error:
            self._parser = None
            raise ReadError(
                "the workbook's shared text is not valid XML ({problem}); open the file in "
                "Excel and save it again as .xlsx",
                problem=str(error),
            ) from None
        end = self._offsets[-1]
        for text in self._collector.done:
            data = text.encode("utf-8", "surrogatepass")
            end += len(data)
            self._offsets.append(end)
            self._pending.append(data)
            self._pending_size += len(data)
        self._collector.done.clear()
        if self._pending_size >= _PENDING_BYTES or self._parser is None:
            self._write_pending()

    def _write_pending(self) -> None:
        self._spool.seek(0, os.SEEK_END)
        self._spool.write(b"".join(self._pending))
        self._spool.flush()
        self._pending.clear()
        self._pending_size = 0

    def close(self) -> None:
        """Close the strings part and remove the spooled copy."""
        if self._source is not None:
            self._source.close()
        self._spool.close()
        self._parser = None


def load_workbook(path: Path):
    """A read-only openpyxl workbook (formula values, not formulas) whose shared strings are
    a `SharedStrings`; closing the workbook closes them."""
    from openpyxl.reader.excel import SHARED_STRINGS, ExcelReader

    class Reader(ExcelReader):
        def read_strings(self) -> None:
            found = self.package.find(SHARED_STRINGS)
            if found is not None:
                self.shared_strings = SharedStrings(self.archive, found.PartName[1:])

    reader = Reader(str(path), read_only=True, data_only=True)
    try:
        reader.read()
    except BaseException:
        _close_strings(reader.shared_strings)
        reader.archive.close()
        raise
    workbook = reader.wb
    close = workbook.close

    def close_both() -> None:
        close()
        _close_strings(reader.shared_strings)

    workbook.close = close_both
    return workbook


def _close_strings(strings) -> None:
    if isinstance(strings, SharedStrings):
        strings.close()
