"""Insights out of Oivallus: a search result as a table with every field and its links, as CSV
(safe to open in a spreadsheet; its headers in the language of the person exporting, which the
Import page reads back) or Parquet (types kept, for analysis tools: field names in English)."""

from __future__ import annotations

import io

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


def to_csv(frame: pd.DataFrame, words: Interface | None = None) -> bytes:
    """CSV (UTF-8 with a byte order mark, so Excel reads Finnish letters) with its headers in
    the language of `words` (English field names without); lists are joined with "; " and no
    cell can run as a spreadsheet formula."""
    flat = frame.copy()
    for column in ("tags", "confirmed_links", "suggested_links"):
        flat[column] = flat[column].map(lambda items: "; ".join(map(str, items)))
    if words is not None:
        flat = flat.rename(columns=column_names(words))
    return ("\ufeff" + csv_text(flat)).encode("utf-8")


def to_parquet(frame: pd.DataFrame) -> bytes:
    """Parquet with the lists kept as lists and dates as dates."""
    buffer = io.BytesIO()
    frame.to_parquet(buffer, index=False)
    return buffer.getvalue()
