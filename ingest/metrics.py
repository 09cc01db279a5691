"""Importing behaviour: metric time series and customer records (CSV, XLSX, JSON).

A **metrics file** has a date or period column and either one column per metric ("wide":
date, segment, visits, orders) or a metric-name column and a value column ("long"). Optional
columns: segment, touchpoint, journey stage. Each value is stored for its day (or its month,
for periods written 2026-03 or 3/2026); rows of one cell in one file add up. Re-importing the
same period replaces it (the newest import that is not undone wins, see storage/metrics.py).

A **customer file** has a customer id column and is either purchases (a row per purchase:
date, optional amount) or churned customers (a row per customer who left: optional date). The
id is stored only as a keyed hash (`pseudonym`), never as given.

One file is one import (recorded, undoable) and one transaction: a bad row is reported with
its line and reason and the rest lands, or a file that cannot be read stores nothing.
"""

from __future__ import annotations

import itertools
import re
from datetime import date
from pathlib import Path

from pydantic import BaseModel, Field

from ingest.pipeline import RejectedRow, parse_date
from ingest.readers import ReadError, read_records
from insights.metrics import pseudonym

PERIOD_NAMES = (
    "date",
    "day",
    "period",
    "month",
    "week",
    "päivä",
    "pvm",
    "kuukausi",
    "viikko",
    "invoice date",
    "invoicedate",
    "order date",
    "purchase date",
    "churn date",
    "ostopäivä",
    "tilauspäivä",
)
METRIC_NAMES = ("metric", "mittari", "kpi", "measure")
VALUE_NAMES = ("value", "arvo", "count", "määrä")
DIMENSIONS = {
    "segment": ("segment", "segmentti", "asiakasryhmä"),
    "touchpoint": ("touchpoint", "kosketuspiste", "channel", "kanava"),
    "journey_stage": ("journey_stage", "journey stage", "stage", "vaihe", "polun vaihe"),
}
CUSTOMER_NAMES = ("customer_id", "customer", "customerid", "asiakas", "asiakasnumero", "client")
AMOUNT_NAMES = ("amount", "revenue", "total", "price", "unit price", "unitprice", "summa", "hinta")
QUANTITY_NAMES = ("quantity", "qty", "kpl", "lukumäärä")  # amount = quantity x (unit) price
KINDS = ("metrics", "purchase", "churn")
GUESS_ROWS = 200
NUMERIC_SHARE = 0.8


class MetricsReport(BaseModel):
    """What a metrics or customer import did."""

    file: str
    kind: str
    rows: int = 0
    stored: int = 0
    metrics: list[str] = Field(default_factory=list)
    import_id: int | None = None
    rejected: list[RejectedRow] = Field(default_factory=list)
    mapping: dict[str, str] = Field(default_factory=dict)
    seconds: float = 0.0

    @property
    def rows_per_second(self) -> float:
        """Throughput of the whole import."""
        return self.rows / self.seconds if self.seconds else 0.0


def parse_period(value) -> tuple[date, str]:
    """(start, "day" or "month") of a date or period: 2026-03-15, 15.3.2026, 2026-03, 3/2026;
    spreadsheet dates as they come."""
    if isinstance(value, date):
        return value, "day"
    text = str(value).strip()
    month = re.fullmatch(r"(\d{4})-(\d{1,2})", text) or re.fullmatch(r"(\d{1,2})/(\d{4})", text)
    if month:
        year, number = (month[1], month[2]) if len(month[1]) == 4 else (month[2], month[1])
        if not 1 <= int(number) <= 12:
            raise ValueError(f"{text!r} is not a month; write 2026-03 or 3/2026")
        return date(int(year), int(number), 1), "month"
    try:
        return parse_date(text), "day"
    except ValueError:
        raise ValueError(
            f"{text!r} is not a date or a month; write 2026-03-15 or 2026-03"
        ) from None


def parse_number(value) -> float:
    """A number as people write it: 1234.5, 1 234,5, 1,234.5, 12 %."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value).strip().replace("\u00a0", "").replace(" ", "").rstrip("%€$")
    if "," in text and "." in text:
        text = text.replace(",", "")
    elif "," in text:
        text = text.replace(",", ".")
    try:
        return float(text)
    except ValueError:
        raise ValueError(f"{value!r} is not a number") from None


def _find(columns: list[str], names) -> str | None:
    normal = {" ".join(c.lower().replace("_", " ").split()): c for c in columns}
    for name in names:
        found = normal.get(" ".join(name.lower().replace("_", " ").split()))
        if found is not None:
            return found
    return None


def guess_mapping(columns: list[str], rows: list[dict], kind: str = "metrics") -> dict[str, str]:
    """Field -> column for a metrics or customer file, from column names (and, for the wide
    form, which columns hold numbers)."""
    mapping: dict[str, str] = {}
    period = _find(columns, PERIOD_NAMES)
    if period:
        mapping["period"] = period
    for field, names in DIMENSIONS.items():
        column = _find(columns, names)
        if column:
            mapping[field] = column
    if kind != "metrics":
        customer = _find(columns, CUSTOMER_NAMES)
        if customer:
            mapping["customer"] = customer
        amount = _find(columns, AMOUNT_NAMES)
        if amount and kind == "purchase":
            mapping["amount"] = amount
            quantity = _find(columns, QUANTITY_NAMES)
            if quantity:
                mapping["quantity"] = quantity
        return mapping
    metric, value = _find(columns, METRIC_NAMES), _find(columns, VALUE_NAMES)
    if metric and value:
        mapping["metric"], mapping["value"] = metric, value
        return mapping
    used = set(mapping.values())
    for column in columns:
        if column in used:
            continue
        filled = [r.get(column) for r in rows if str(r.get(column) or "").strip()]
        # mostly numbers: a stray word is a bad row to report, not a reason to skip the column
        if filled and sum(_is_number(v) for v in filled) >= NUMERIC_SHARE * len(filled):
            mapping[f"metric:{column}"] = column
    return mapping


def _is_number(value) -> bool:
    try:
        parse_number(value)
    except ValueError:
        return False
    return True


def _cell(record: dict, mapping: dict[str, str], field: str) -> str:
    column = mapping.get(field)
    return " ".join(str(record.get(column) or "").split()) if column else ""


def read_metric_rows(records, mapping: dict[str, str], defaults: dict, report: MetricsReport):
    """Metric values from records: one dict per cell (rows of one cell summed)."""
    cells: dict[tuple, float] = {}
    wide = {k.split(":", 1)[1]: c for k, c in mapping.items() if k.startswith("metric:")}
    for line, record in records:
        report.rows += 1
        try:
            start, period = parse_period(record.get(mapping["period"]) or "")
            dims = tuple(_cell(record, mapping, f) or defaults.get(f) or "" for f in DIMENSIONS)
            if wide:
                values = [
                    (name, parse_number(record[column]))
                    for name, column in wide.items()
                    if str(record.get(column) or "").strip()
                ]
            else:
                name = _cell(record, mapping, "metric")
                if not name:
                    raise ValueError("the metric name is empty")
                values = [(name, parse_number(record.get(mapping["value"]) or ""))]
        except (ValueError, KeyError) as error:
            report.rejected.append(RejectedRow(line=line, reason=str(error)))
            continue
        for name, value in values:
            key = (name.strip().lower(), period, start, *dims)
            cells[key] = cells.get(key, 0.0) + value
    fields = ("metric", "period", "period_start", "segment", "touchpoint", "journey_stage")
    return [dict(zip(fields, key, strict=True)) | {"value": value} for key, value in cells.items()]


def read_customer_rows(records, mapping, kind: str, key: bytes, defaults: dict, report):
    """Customer records from records, the ids replaced by their pseudonyms."""
    rows = []
    for line, record in records:
        report.rows += 1
        customer = _cell(record, mapping, "customer")
        try:
            if not customer:
                raise ValueError("the customer id is empty")
            raw_day = record.get(mapping["period"]) if "period" in mapping else None
            day = parse_period(raw_day)[0] if str(raw_day or "").strip() else None
            if kind == "purchase" and day is None:
                raise ValueError("a purchase needs its date")
            amount_text = _cell(record, mapping, "amount")
            amount = parse_number(amount_text) if amount_text else None
            quantity = _cell(record, mapping, "quantity")
            if amount is not None and quantity:
                amount *= parse_number(quantity)
        except ValueError as error:
            report.rejected.append(RejectedRow(line=line, reason=str(error)))
            continue
        rows.append(
            {
                "customer": pseudonym(customer, key),
                "kind": kind,
                "happened_on": day,
                "amount": amount,
                "segment": _cell(record, mapping, "segment") or defaults.get("segment"),
            }
        )
    return rows


def read_file(path: Path, kind: str, mapping: dict[str, str] | None, sheet: str | None):
    """(mapping, records) of a metrics or customer file; raises ReadError saying what to fix."""
    if kind not in KINDS:
        raise ReadError(f"a behaviour file holds metrics, purchases or churn, not {kind!r}")
    columns, records = read_records(path, sheet)
    first = list(itertools.islice(records, GUESS_ROWS))
    mapping = mapping or guess_mapping(columns, [r for _, r in first], kind)
    records = itertools.chain(first, records)
    missing = sorted(set(mapping.values()) - set(columns))
    if missing:
        raise ReadError(f"the mapping names columns the file does not have: {missing}")
    if kind == "metrics":
        if "period" not in mapping:
            raise ReadError(
                f"no column holds the date or month; columns are {columns}. Name one 'date' "
                "or 'month' (or 'päivä', 'kuukausi')"
            )
        if not any(k.startswith("metric:") for k in mapping) and "value" not in mapping:
            raise ReadError(
                f"no column holds numbers to import; columns are {columns}. Give each metric "
                "a column of numbers, or use the columns 'metric' and 'value'"
            )
    elif "customer" not in mapping:
        raise ReadError(
            f"no column holds the customer id; columns are {columns}. Name it 'customer_id' "
            "(or 'asiakas')"
        )
    return mapping, records
