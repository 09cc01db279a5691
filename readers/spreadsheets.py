"""Excel workbooks: one sheet at a time, title rows above the header skipped, formula values.

The header is the first of the top rows holding the most filled cells (title and note rows
above a table hold fewer); formulas yield the value Excel last calculated and saved.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime
from pathlib import Path

from readers.archives import check_archive
from readers.limits import MAX_COLUMNS, too_many_columns
from readers.sharedstrings import load_workbook
from vocabulary.errors import ReadError, Said

HEADER_SEARCH_ROWS = 20


def _open(path: Path):
    check_archive(path)  # before openpyxl unpacks anything
    try:
        return load_workbook(path)
    except ReadError:
        raise
    except Exception as error:  # noqa: BLE001 - openpyxl raises many kinds on a bad file
        raise ReadError(
            "the Excel file is damaged or incomplete ({problem}); open it in Excel and save it "
            "again as .xlsx",
            problem=str(error),
        ) from None


def sheet_names(path: Path) -> list[str]:
    """The sheets of a workbook, in order."""
    workbook = _open(path)
    try:
        return list(workbook.sheetnames)
    finally:
        workbook.close()


def row_count(path: Path, sheet: str | None = None) -> int:
    """The number of rows the workbook says a sheet has (0 when it does not say)."""
    workbook = _open(path)
    try:
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        return worksheet.max_row or 0
    finally:
        workbook.close()


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def rows(path: Path, sheet: str | None = None):
    """The header of a sheet (default: the first) and a stream of (row number, record)."""
    workbook = _open(path)
    if sheet is not None and sheet not in workbook.sheetnames:
        workbook.close()
        raise ReadError(
            "the workbook has no sheet {sheet}; it has {sheets}",
            sheet=repr(sheet),
            sheets=", ".join(workbook.sheetnames),
        )
    worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
    try:
        stream = worksheet.iter_rows(values_only=True)
        top = []
        for values in stream:
            top.append([_cell(v) for v in values])
            if len(top) >= HEADER_SEARCH_ROWS:
                break
    except Exception as error:  # noqa: BLE001 - as above
        workbook.close()
        raise ReadError(
            "the sheet cannot be read ({problem}); is the file complete?", problem=str(error)
        ) from None
    filled = [sum(1 for v in row if v) for row in top]
    if not any(filled):
        workbook.close()
        raise ReadError("the sheet {sheet} is empty", sheet=repr(worksheet.title))
    header_at = filled.index(max(filled))
    width = max((i + 1 for i, v in enumerate(top[header_at]) if v), default=0)
    if width > MAX_COLUMNS:
        workbook.close()
        raise too_many_columns(width)
    header = [h or f"column {i + 1}" for i, h in enumerate(top[header_at])]

    def records() -> Iterator[tuple[int, dict[str, str]]]:
        number = header_at + 1
        try:
            for number, values in enumerate(top[header_at + 1 :], start=header_at + 2):
                yield from _record(number, values, header)
            for number, values in enumerate(stream, start=len(top) + 1):
                yield from _record(number, [_cell(v) for v in values], header)
        except Exception as error:  # noqa: BLE001 - as above
            raise ReadError(
                "the sheet cannot be read past row {row} ({problem})",
                row=number,
                problem=str(error),
            ) from None
        finally:
            workbook.close()

    return header, records()


def _record(number: int, values: list[str], header: list[str]):
    if not any(values):
        return
    if len(values) > len(header) and any(values[len(header) :]):
        yield (
            number,
            {"__error__": Said("has values right of the last named column; name the column")},
        )
        return
    values = list(values[: len(header)]) + [""] * (len(header) - len(values))
    yield number, dict(zip(header, values, strict=True))
