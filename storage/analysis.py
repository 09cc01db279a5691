"""Aggregates for the analysis pages: score counts, journey cells, volumes over time."""

from __future__ import annotations

from datetime import date

from storage.db import Database, add_range

RESPONSE_GROUPS = {
    "segment": "coalesce(r.segment, '(none)')",
    "touchpoint": "coalesce(r.touchpoint, '(none)')",
    "month": "substr(CAST(r.observed_at AS VARCHAR), 1, 7)",  # YYYY-MM
    None: "'all'",
}
PERIODS = {"week": "week", "month": "month"}


def _response_filters(
    segment: str | None, touchpoint: str | None, start: date | None, end: date | None
) -> tuple[str, list]:
    clauses, params = ["r.metric = ?", "p.undone_at IS NULL"], []
    for column, value in (("segment", segment), ("touchpoint", touchpoint)):
        if value is not None:
            clauses.append(f"r.{column} = ?")
            params.append(value)
    add_range(clauses, params, "r.observed_at", start, end)
    return " AND ".join(clauses), params


class AnalysisRepository:
    """Read-only aggregate queries."""

    def __init__(self, db: Database) -> None:
        self.db = db

    def score_counts(
        self,
        metric: str,
        group_by: str | None = None,
        segment: str | None = None,
        touchpoint: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[tuple[str, int, int]]:
        """(group, score, responses) for the counted responses of a metric."""
        where, params = _response_filters(segment, touchpoint, start, end)
        group = RESPONSE_GROUPS[group_by]
        with self.db.read() as cur:
            return cur.execute(
                f"SELECT {group} AS g, r.score, count(*) FROM survey_responses r"
                " LEFT JOIN imports p ON p.id = r.import_id"
                f" WHERE {where} AND ({group}) IS NOT NULL GROUP BY g, r.score ORDER BY g, r.score",
                [metric, *params],
            ).fetchall()

    def latest_response_date(self, metric: str) -> date | None:
        """The newest dated response of a metric."""
        with self.db.read() as cur:
            return cur.execute(
                "SELECT max(observed_at) FROM survey_responses WHERE metric = ?", [metric]
            ).fetchall()[0][0]

    def journey_cells(
        self, start: date | None, end: date | None, rows: str = "segment"
    ) -> list[tuple]:
        """(stage, segment or tag, insights, negative insights) over live insights with a
        stage; `rows` "tag" counts an insight once under each of its tags."""
        clauses, params = ["deleted_at IS NULL", "journey_stage IS NOT NULL"], list[object]()
        add_range(clauses, params, "observed_at", start, end)  # undated: in no period
        row = "unnest(tags)" if rows == "tag" else "coalesce(segment, '(none)')"
        with self.db.read() as cur:
            return cur.execute(
                "SELECT journey_stage, row_value, count(*),"
                " count(*) FILTER (WHERE sentiment = 'negative') FROM"
                f" (SELECT journey_stage, {row} AS row_value, sentiment FROM insights"
                f" WHERE {' AND '.join(clauses)}) cells GROUP BY 1, 2 ORDER BY 1, 2",
                params,
            ).fetchall()
