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

What a value may be: finite, at most 1e15 in size, and 0 or more. A metric's values are
summed per month, so they are counts and amounts (visits, orders, revenue), never negative; a
purchase's amount and quantity likewise (a negative quantity in a sales log is a return or a
cancellation, not a purchase: counting it as one would inflate purchases per customer, so it
is rejected with that reason). Dates lie between 1900 and a year from today.
"""

from __future__ import annotations

import itertools
from pathlib import Path

from pydantic import BaseModel, Field

from readers.limits import check_size
from readers.pii import pseudonym
from readers.rows import RejectedRow
from readers.tables import read_records
from readers.values import (
    MAX_MAGNITUDE,
    PERIOD_WORDS,
    parse_count,
    parse_float,
    parse_period,
    row_problem,
)
from vocabulary.errors import InvalidValue, Message, ReadError

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
MAX_ROWS = 1_048_576  # Excel's own limit; a longer behaviour file is split by month


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
    try:  # inf or 1e300 still marks a column of numbers: its rows are rejected with why
        parse_float(value)
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
        _count(report)
        try:
            if "__error__" in record:
                raise InvalidValue("{problem}", problem=row_problem(record["__error__"]))
            start, period = parse_period(record.get(mapping["period"]) or "")
            dims = tuple(_cell(record, mapping, f) or defaults.get(f) or "" for f in DIMENSIONS)
            if wide:
                values = [
                    (name, parse_count(record[column], column))
                    for name, column in wide.items()
                    if str(record.get(column) or "").strip()
                ]
            else:
                name = _cell(record, mapping, "metric")
                if not name:
                    raise InvalidValue("the metric name is empty")
                value = record.get(mapping["value"]) or ""
                values = [(name, parse_count(value, mapping["value"]))]
        except (ValueError, KeyError) as error:
            report.rejected.append(RejectedRow.saying(line, row_problem(error)))
            continue
        sums: dict[tuple, float] = {}
        for name, value in values:
            key = (name.strip().lower(), period, start, *dims)
            sums[key] = sums.get(key, cells.get(key, 0.0)) + value
        too_big = [key[0] for key, total in sums.items() if total > MAX_MAGNITUDE]
        if too_big:  # rows of one cell add up: the sum keeps the same bound as a value
            report.rejected.append(
                RejectedRow.saying(
                    line,
                    Message(
                        "{metric} of {period} would add up past {most}; check the values",
                        {
                            "metric": too_big[0],
                            "period": PERIOD_WORDS[period],
                            "most": f"{MAX_MAGNITUDE:.0e}",
                        },
                    ),
                )
            )
            continue
        cells.update(sums)
    fields = ("metric", "period", "period_start", "segment", "touchpoint", "journey_stage")
    return [dict(zip(fields, key, strict=True)) | {"value": value} for key, value in cells.items()]


def _count(report: MetricsReport) -> None:
    report.rows += 1
    if report.rows > MAX_ROWS:
        raise ReadError(
            "the file has more than {count} rows; split it (by month, say) and import the parts "
            "one by one. Nothing was stored",
            count=MAX_ROWS,
        )


def read_customer_rows(records, mapping, kind: str, key: bytes, defaults: dict, report):
    """Customer records from records, the ids replaced by their pseudonyms."""
    rows = []
    for line, record in records:
        _count(report)
        customer = _cell(record, mapping, "customer")
        try:
            if "__error__" in record:
                raise InvalidValue("{problem}", problem=row_problem(record["__error__"]))
            if not customer:
                raise InvalidValue("the customer id is empty")
            raw_day = record.get(mapping["period"]) if "period" in mapping else None
            day = parse_period(raw_day)[0] if str(raw_day or "").strip() else None
            if kind == "purchase" and day is None:
                raise InvalidValue("a purchase needs its date")
            amount_text = _cell(record, mapping, "amount")
            amount = parse_count(amount_text, mapping["amount"]) if amount_text else None
            quantity = _cell(record, mapping, "quantity")
            if amount is not None and quantity:
                if quantity.startswith("-"):
                    raise InvalidValue(
                        "{column}: {value} is negative; a return or a cancellation is not a "
                        "purchase",
                        column=mapping["quantity"],
                        value=repr(quantity),
                    )
                count = parse_count(quantity, mapping["quantity"])
                amount = parse_count(amount * count, "amount x quantity")
        except ValueError as error:
            report.rejected.append(RejectedRow.saying(line, row_problem(error)))
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
        raise ReadError(
            "a behaviour file holds metrics, purchases or churn, not {kind}", kind=repr(kind)
        )
    check_size(path, path.name)
    columns, records = read_records(path, sheet)
    first = list(itertools.islice(records, GUESS_ROWS))
    mapping = mapping or guess_mapping(columns, [r for _, r in first], kind)
    records = itertools.chain(first, records)
    missing = sorted(set(mapping.values()) - set(columns))
    if missing:
        raise ReadError(
            "the mapping names columns the file does not have: {missing}",
            missing=str(missing),
        )
    if kind == "metrics":
        if "period" not in mapping:
            raise ReadError(
                "no column holds the date or month; columns are {columns}. Name one 'date' or "
                "'month' (or 'päivä', 'kuukausi')",
                columns=str(columns),
            )
        if not any(k.startswith("metric:") for k in mapping) and "value" not in mapping:
            raise ReadError(
                "no column holds numbers to import; columns are {columns}. Give each metric a "
                "column of numbers, or use the columns 'metric' and 'value'",
                columns=str(columns),
            )
    elif "customer" not in mapping:
        raise ReadError(
            "no column holds the customer id; columns are {columns}. Name it 'customer_id' (or "
            "'asiakas')",
            columns=str(columns),
        )
    elif kind == "purchase" and "period" not in mapping:
        raise ReadError(
            "no column holds the date of each purchase; columns are {columns}. Add one named "
            "'date' (or 'order date', 'ostopäivä')",
            columns=str(columns),
        )
    return mapping, records


def nothing_to_store(report: MetricsReport) -> ReadError:
    """The one message for a file none of whose rows can be stored."""
    if not report.rows:
        return ReadError("the file holds no rows under its header; nothing was imported")
    examples = [
        Message("line {line}: {problem}", {"line": r.line, "problem": r.message or r.reason})
        for r in report.rejected[:3]
    ]
    return ReadError(
        "none of its {count} rows could be imported, so nothing was stored. For example "
        "{examples}. Fix these rows and import the file again",
        count=report.rows,
        examples=examples,
    )
