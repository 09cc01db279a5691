"""Behavioural metrics and customer records: all the SQL for them."""

from __future__ import annotations

from datetime import date, datetime

import pyarrow as pa

from storage.cursor import Cursor
from storage.db import Database

_VALUES = pa.schema(
    [
        ("metric", pa.string()),
        ("period", pa.string()),
        ("period_start", pa.date32()),
        ("segment", pa.string()),
        ("touchpoint", pa.string()),
        ("journey_stage", pa.string()),
        ("value", pa.float64()),
        ("import_id", pa.int64()),
    ]
)
_RECORDS = pa.schema(
    [
        ("customer", pa.string()),
        ("kind", pa.string()),
        ("happened_on", pa.date32()),
        ("amount", pa.float64()),
        ("segment", pa.string()),
        ("import_id", pa.int64()),
    ]
)
_DEFINITION = ("name", "unit", "better", "target", "on_overview", "created_at")


def _insert(cur: Cursor, table: str, rows: list[dict], schema) -> int:
    """Append rows to a table through Arrow (a million rows in seconds, not minutes)."""
    if not rows:
        return 0
    cur.register("new_rows", pa.Table.from_pylist(rows, schema=schema))
    try:
        cur.execute(f"INSERT INTO {table} SELECT * FROM new_rows")
    finally:
        cur.unregister("new_rows")
    return len(rows)


class MetricRepository:
    """Typed access to metrics, metric_values (read through live_metric_values: the newest
    import that is not undone wins) and customer_records."""

    def __init__(self, db: Database) -> None:
        self.db = db

    # --- definitions -------------------------------------------------------------------------

    def definitions(self) -> list[dict]:
        """Every defined metric, by name."""
        with self.db.read() as cur:
            rows = cur.execute(f"SELECT {', '.join(_DEFINITION)} FROM metrics ORDER BY name")
            return [dict(zip(_DEFINITION, r, strict=True)) for r in rows.fetchall()]

    def define(
        self, cur: Cursor, name: str, unit, better: str, target, on_overview: bool, when
    ) -> None:
        """Create or change a metric's definition."""
        cur.execute(
            "INSERT INTO metrics VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET"
            " unit = excluded.unit, better = excluded.better, target = excluded.target,"
            " on_overview = excluded.on_overview",
            [name, unit, better, target, on_overview, when],
        )

    def ensure_defined(self, cur: Cursor, names: list[str], when: datetime) -> None:
        """Define metrics met for the first time in a file (higher is better, no target)."""
        if not names:
            return
        cur.executemany(
            "INSERT INTO metrics (name, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
            [[n, when] for n in names],
        )

    # --- values ------------------------------------------------------------------------------

    def add_values(self, cur: Cursor, rows: list[dict]) -> int:
        """Store one import's values (each cell once: the caller sums a file's rows)."""
        return _insert(cur, "metric_values", rows, _VALUES)

    def series(
        self,
        metric: str,
        by: str | None = None,
        start: date | None = None,
        end: date | None = None,
        segment: str | None = None,
    ) -> list[tuple]:
        """(period_start, group, summed value) of a metric, by month (days and weeks summed
        into their month), grouped by segment, touchpoint or journey_stage, or "all"."""
        group = {"segment": "segment", "touchpoint": "touchpoint", "journey_stage": "journey_stage"}
        column = group[by] if by else "'all'"
        clauses, params = ["metric = ?"], list[object]([metric])
        if start is not None:
            clauses.append("period_start >= ?")
            params.append(start)
        if end is not None:
            clauses.append("period_start <= ?")
            params.append(end)
        if segment is not None:
            clauses.append("segment = ?")
            params.append(segment)
        with self.db.read() as cur:
            return cur.execute(
                f"SELECT date_trunc('month', period_start)::DATE AS month, {column} AS grp,"
                f" sum(value) FROM live_metric_values WHERE {' AND '.join(clauses)}"
                " GROUP BY 1, 2 ORDER BY month, grp",
                params,
            ).fetchall()

    def stage_totals(
        self, metric: str, segment: str | None, start: date | None, end: date | None
    ) -> list[tuple[str, float]]:
        """(journey stage, summed value) of a metric over the stages it is tagged with."""
        clauses, params = ["metric = ?", "journey_stage <> ''"], list[object]([metric])
        for clause, value in (
            ("segment = ?", segment),
            ("period_start >= ?", start),
            ("period_start <= ?", end),
        ):
            if value is not None:
                clauses.append(clause)
                params.append(value)
        with self.db.read() as cur:
            return cur.execute(
                "SELECT journey_stage, sum(value) FROM live_metric_values"
                f" WHERE {' AND '.join(clauses)} GROUP BY journey_stage",
                params,
            ).fetchall()

    def staged_metrics(self) -> list[str]:
        """Metrics with values tagged with a journey stage (candidates for the funnel)."""
        with self.db.read() as cur:
            rows = cur.execute(
                "SELECT DISTINCT metric FROM live_metric_values WHERE journey_stage <> ''"
                " ORDER BY metric"
            ).fetchall()
        return [r[0] for r in rows]

    def values_count(self) -> int:
        """How many live metric values there are."""
        with self.db.read() as cur:
            row = cur.execute("SELECT count(*) FROM live_metric_values").fetchone()
        return row[0] if row else 0

    # --- customer records --------------------------------------------------------------------

    def add_records(self, cur: Cursor, rows: list[dict]) -> int:
        """Store customer records of one import."""
        return _insert(cur, "customer_records", rows, _RECORDS)

    def customer_table(self, metric: str = "nps") -> list[tuple]:
        """Per surveyed customer: (latest score, purchases, churned) from live imports."""
        with self.db.read() as cur:
            return cur.execute(
                "WITH live_records AS (SELECT c.* FROM customer_records c"
                "   JOIN imports p ON p.id = c.import_id WHERE p.undone_at IS NULL),"
                " scores AS (SELECT DISTINCT ON (r.customer) r.customer, r.score"
                "   FROM survey_responses r LEFT JOIN imports p ON p.id = r.import_id"
                "   WHERE r.metric = ? AND r.customer IS NOT NULL AND p.undone_at IS NULL"
                "   ORDER BY r.customer, coalesce(r.observed_at, DATE '1970-01-01') DESC)"
                " SELECT s.score,"
                "   (SELECT count(*) FROM live_records c WHERE c.customer = s.customer"
                "     AND c.kind = 'purchase'),"
                "   EXISTS (SELECT 1 FROM live_records c WHERE c.customer = s.customer"
                "     AND c.kind = 'churn')"
                " FROM scores s",
                [metric],
            ).fetchall()
