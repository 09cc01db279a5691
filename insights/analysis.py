"""KPIs and the journey map (`kb.analysis`)."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel

from insights.catalog import Catalog
from insights.rules.kpis import CALCULATORS, Kpi, KpiChange, compare, previous_period
from storage.analysis import AnalysisRepository
from vocabulary.errors import InvalidInput

METRICS = tuple(CALCULATORS)
GROUPS = ("segment", "touchpoint", "month")
MIN_CELL = 5  # a journey cell needs this many insights before its negative share is trusted


class KpiRow(BaseModel):
    """A KPI for one group (a segment, a touchpoint or a month)."""

    group: str
    kpi: Kpi


class JourneyCell(BaseModel):
    """Insights at one journey stage for one segment."""

    stage: str
    segment: str
    insights: int
    negative: int

    @property
    def negative_share(self) -> float:
        """Share of the cell's insights that report a negative experience."""
        return self.negative / self.insights if self.insights else 0.0


class JourneyMap(BaseModel):
    """Stages (in order) x segments, with where negative feedback concentrates."""

    stages: list[str]
    segments: list[str]
    cells: list[JourneyCell]
    hotspots: list[JourneyCell]  # cells with the highest negative share (>= MIN_CELL insights)


def _expand(rows) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = {}
    for group, score, count in rows:
        groups.setdefault(group, []).extend([score] * count)
    return groups


class Analysis:
    """Figures everyone sees: KPIs with margins, the journey map."""

    def __init__(self, repo: AnalysisRepository, catalog: Catalog) -> None:
        self.repo = repo
        self.catalog = catalog

    def kpi(
        self,
        metric: str = "nps",
        segment: str | None = None,
        touchpoint: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Kpi:
        """One KPI (nps, csat or ces) over the counted survey responses matching the filters."""
        self._check_metric(metric)
        rows = self.repo.score_counts(metric, None, segment, touchpoint, start, end)
        return CALCULATORS[metric](_expand(rows).get("all", []))

    def nps(
        self,
        segment: str | None = None,
        touchpoint: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> Kpi:
        """Net Promoter Score with `.score`, `.n` (responses) and `.margin` (95 %)."""
        return self.kpi("nps", segment, touchpoint, start, end)

    def kpi_by(
        self,
        metric: str,
        by: str,
        segment: str | None = None,
        start: date | None = None,
        end: date | None = None,
    ) -> list[KpiRow]:
        """A KPI per segment, touchpoint or month (months in order, others by responses)."""
        self._check_metric(metric)
        if by not in GROUPS:
            raise InvalidInput(f"group by one of {', '.join(GROUPS)}, not {by!r}")
        rows = self.repo.score_counts(metric, by, segment, None, start, end)
        result = [KpiRow(group=g, kpi=CALCULATORS[metric](s)) for g, s in _expand(rows).items()]
        if by != "month":
            result.sort(key=lambda r: (-r.kpi.n, r.group))
        return result

    def kpi_change(
        self, metric: str, start: date, end: date, segment: str | None = None
    ) -> KpiChange:
        """A KPI in [start, end] against the period of the same length before it."""
        before_start, before_end = previous_period(start, end)
        return compare(
            self.kpi(metric, segment, None, start, end),
            self.kpi(metric, segment, None, before_start, before_end),
        )

    def latest_response_date(self, metric: str = "nps") -> date | None:
        """The date of the newest survey response (to place a default period)."""
        return self.repo.latest_response_date(metric)

    def journey(
        self, start: date | None = None, end: date | None = None, rows: str = "segment"
    ) -> JourneyMap:
        """Insight counts and negative shares per journey stage and segment (`rows` "tag":
        per stage and tag, an insight under each of its tags; `segment` then names the tag)."""
        if rows not in ("segment", "tag"):
            raise InvalidInput("rows must be segment or tag, not {rows}", rows=rows)
        order = self.catalog.choices("journey_stage")
        cells = [
            JourneyCell(stage=s, segment=g, insights=n, negative=neg)
            for s, g, n, neg in self.repo.journey_cells(start, end, rows)
        ]
        stages = order + sorted({c.stage for c in cells} - set(order))
        segments = sorted({c.segment for c in cells}, key=lambda g: (g == "(none)", g))
        trusted = [c for c in cells if c.insights >= MIN_CELL and c.negative]
        trusted.sort(key=lambda c: (-c.negative_share, -c.insights))
        return JourneyMap(stages=stages, segments=segments, cells=cells, hotspots=trusted[:3])

    @staticmethod
    def _check_metric(metric: str) -> None:
        if metric not in METRICS:
            raise InvalidInput(f"metric must be one of {', '.join(METRICS)}, not {metric!r}")
