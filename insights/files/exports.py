"""Insights out of Oivallus: a search result as a table with every field and its links, as CSV
(safe to open in a spreadsheet; its headers in the language of the person exporting, which the
Import page reads back) or Parquet (types kept, for analysis tools: field names in English)."""

from __future__ import annotations

import io
import json
import math
from collections.abc import Callable, Iterator
from datetime import date, datetime

import pandas as pd

from language.interface import Interface
from language.text import csv_text
from readers.mapping import column_names
from vocabulary.knowledge import Insight

# People's order for the fields they read first; any other field of an insight follows (a new
# field is exported without a line here), but not the bookkeeping below.
FIRST = [
    "id",
    "title",
    "text",
    "kind",
    "source",
    "segment",
    "touchpoint",
    "journey_stage",
    "channel",
    "sentiment",
    "language",
    "observed_at",
    "author",
    "team",
    "tags",
    "study_id",
    "external_id",
    "source_url",
    "created_at",
    "updated_at",
    "created_by",
]
PIECE = 500  # insights read, written and sent at a time by `stream`
BOOKKEEPING = {"content_hash", "version", "deleted_at"}
COLUMNS = [
    *FIRST,
    *(name for name in Insight.model_fields if name not in FIRST and name not in BOOKKEEPING),
    "confirmed_links",
    "suggested_links",
]


def insights_frame(insights: list[Insight], links: dict[int, dict[str, list[int]]]) -> pd.DataFrame:
    """One row per insight: its fields, and the ids of its confirmed and suggested links."""
    rows = []
    for insight in insights:
        row = insight.model_dump(include=set(COLUMNS))
        partners = links.get(insight.id, {})
        row["confirmed_links"] = partners.get("confirmed", [])
        row["suggested_links"] = partners.get("suggested", [])
        rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def to_csv(frame: pd.DataFrame, words: Interface | None = None, first: bool = True) -> bytes:
    """CSV (UTF-8 with a byte order mark, so Excel reads Finnish letters) with its headers in
    the language of `words` (English field names without); lists are joined with "; " and no
    cell can run as a spreadsheet formula. `first` False: the rows only (a later piece)."""
    flat = frame.copy()
    for column in ("tags", "confirmed_links", "suggested_links"):
        flat[column] = flat[column].map(lambda items: "; ".join(map(str, items)))
    if words is not None:
        flat = flat.rename(columns=column_names(words))
    if not first:
        return csv_text(flat).split("\n", 1)[1].encode("utf-8")
    return ("\ufeff" + csv_text(flat)).encode("utf-8")


def to_jsonl(frame: pd.DataFrame) -> bytes:
    """One JSON object a line, the fields named in English, dates in ISO 8601."""
    return "".join(
        json.dumps({k: _plain(v) for k, v in row.items()}, ensure_ascii=False) + "\n"
        for row in frame.to_dict(orient="records")
    ).encode("utf-8")


def _plain(value: object) -> object:
    """A cell as JSON knows it: None for a missing value, numbers as numbers, ISO dates."""
    if isinstance(value, list | str | bool | int) or value is None:
        return value
    if hasattr(value, "item") and not isinstance(value, date):  # a NumPy number
        value = value.item()
    if isinstance(value, float):
        return None if math.isnan(value) else value
    if isinstance(value, date | datetime):
        return None if pd.isna(value) else value.isoformat()
    return value if isinstance(value, int) else str(value)


def stream(
    ids: list[int],
    fetch: Callable[[list[int]], tuple[list[Insight], dict[int, dict[str, list[int]]]]],
    fmt: str,
    words: Interface,
    piece: int | None = None,
) -> Iterator[bytes]:
    """An export of `ids` in pieces of `piece` insights (`fetch` reads one piece and its
    links), as "csv" (headers once, in the language of `words`) or "jsonl": memory stays that
    of one piece (`PIECE` insights unless told) however many there are. No insights: the CSV's
    header alone."""
    piece = piece or PIECE
    for start in range(0, max(len(ids), 1), piece):
        part = ids[start : start + piece]
        found, links = fetch(part) if part else ([], {})
        frame = insights_frame(found, links)
        if fmt == "jsonl":
            yield to_jsonl(frame)
        else:
            yield to_csv(frame, words, first=start == 0)


def to_parquet(frame: pd.DataFrame) -> bytes:
    """Parquet with the lists kept as lists and dates as dates."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
