"""Tables as a person reads them: numbers in their browser's way of writing them (1 234,5 in a
Finnish browser) and a missing value as an empty cell, never "None"."""

from __future__ import annotations

import numbers

import pandas as pd
import streamlit as st


def _numeric(column: pd.Series) -> pd.Series:
    """A column of numbers and gaps (None) as floats, so the gap shows empty; others as they are."""
    if column.dtype != object:
        return column
    present = column.dropna()
    if len(present) and all(
        isinstance(v, numbers.Number) and not isinstance(v, bool) for v in present
    ):
        return pd.to_numeric(column, errors="coerce")
    return column


def readable(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict]:
    """The frame with its number columns as numbers, and a column config writing each of them
    as the reader's browser does (Streamlit's "localized" format)."""
    frame = frame.apply(_numeric)
    config = {
        str(name): st.column_config.NumberColumn(format="localized")
        for name in frame.columns
        if pd.api.types.is_numeric_dtype(frame[name])
        and not pd.api.types.is_bool_dtype(frame[name])
    }
    return frame, config


def table(frame: pd.DataFrame, **options) -> None:
    """`st.dataframe` of `frame` (no index) with its numbers written as the reader writes them;
    `column_config` given here wins over the number format."""
    frame, config = readable(frame)
    config.update(options.pop("column_config", None) or {})
    st.dataframe(frame, column_config=config, hide_index=True, **options)
