"""Behaviour beside opinion, computed: the journey as a funnel, metric tiles against their
targets, and what surveyed customers went on to do (churn, repeat purchases).

- Funnel: per journey stage (in the journey's order) the customers who reached it, from a
  metric tagged with stages; the share going on to the next stage with data is
  next / this (capped at 1: a later stage may count people who skipped this one); the drop
  is 1 - share. The largest drop is where most customers leave the path.
- Churn by NPS group: the share of each group's surveyed customers who churned, with a 95 %
  Wilson interval; detractors against promoters as a ratio of the two shares with the
  Katz 95 % interval on the log ratio (exp(ln r +- 1.96 sqrt(1/a - 1/n1 + 1/b - 1/n2))).
- A count metric's month has a Poisson 95 % interval (+- 1.96 sqrt(value)); other metrics
  carry none.
"""

from __future__ import annotations

import math
from datetime import date

from pydantic import BaseModel

from insights.rules.kpis import Z95, Kpi, nps


class FunnelStage(BaseModel):
    """One stage of the funnel: who reached it, and how many went on."""

    stage: str
    reached: float | None  # None: no data for this stage
    next_share: float | None = None  # of those here, the share at the next stage with data
    drop: float | None = None
    negative_insights: int = 0
    open_questions: list[int] = []


class Funnel(BaseModel):
    """The journey as a funnel from one metric, with its largest drop."""

    metric: str | None
    stages: list[FunnelStage]
    largest_drop: str | None  # the stage customers leave most after


def build_funnel(metric: str | None, order: list[str], totals: dict[str, float]) -> Funnel:
    """The funnel over `order` (journey stages first to last) from per-stage totals."""
    stages = [FunnelStage(stage=s, reached=totals.get(s)) for s in order]
    stages += [FunnelStage(stage=s, reached=v) for s, v in totals.items() if s not in order]
    with_data = [s for s in stages if s.reached is not None]
    for here, after in zip(with_data, with_data[1:], strict=False):
        if here.reached and here.reached > 0:
            assert after.reached is not None
            here.next_share = min(after.reached / here.reached, 1.0)
            here.drop = 1.0 - here.next_share
    dropping = [s for s in with_data if s.drop is not None]
    largest = max(dropping, key=lambda s: s.drop or 0.0) if dropping else None
    return Funnel(
        metric=metric,
        stages=stages,
        largest_drop=largest.stage if largest is not None and largest.drop else None,
    )


def wilson(successes: int, n: int) -> tuple[float, float]:
    """95 % Wilson interval of a share."""
    if n == 0:
        return 0.0, 1.0
    p = successes / n
    centre = (p + Z95**2 / (2 * n)) / (1 + Z95**2 / n)
    half = Z95 * math.sqrt(p * (1 - p) / n + Z95**2 / (4 * n * n)) / (1 + Z95**2 / n)
    return max(0.0, centre - half), min(1.0, centre + half)


class GroupShare(BaseModel):
    """A share within one group of customers, with its 95 % interval."""

    group: str
    customers: int
    count: int
    share: float | None
    low: float | None
    high: float | None


class Ratio(BaseModel):
    """How many times as often one group does something as another, with a 95 % interval."""

    ratio: float | None
    low: float | None
    high: float | None


class CustomerOutcomes(BaseModel):
    """What surveyed customers went on to do, by NPS group, and NPS by purchases."""

    customers: int
    churn: list[GroupShare]
    detractor_vs_promoter: Ratio
    nps_by_purchases: dict[str, Kpi]  # "0", "1", "2 or more" purchases


def nps_group(score: int) -> str:
    """promoter (9-10), passive (7-8) or detractor (0-6)."""
    return "promoter" if score >= 9 else "passive" if score >= 7 else "detractor"


def ratio_of_shares(a: int, n1: int, b: int, n2: int) -> Ratio:
    """(a / n1) / (b / n2) with the Katz log interval; None where a share is 0 or undefined."""
    if not (a and b and n1 and n2):
        return Ratio(ratio=None, low=None, high=None)
    ratio = (a / n1) / (b / n2)
    spread = Z95 * math.sqrt(1 / a - 1 / n1 + 1 / b - 1 / n2)
    return Ratio(ratio=ratio, low=ratio * math.exp(-spread), high=ratio * math.exp(spread))


def customer_outcomes(rows: list[tuple[int, int, bool]]) -> CustomerOutcomes:
    """From (latest NPS score, purchases, churned) per surveyed customer."""
    churn = []
    counts: dict[str, tuple[int, int]] = {}
    for group in ("promoter", "passive", "detractor"):
        members = [r for r in rows if nps_group(r[0]) == group]
        left = sum(1 for r in members if r[2])
        counts[group] = (left, len(members))
        low, high = wilson(left, len(members)) if members else (None, None)
        churn.append(
            GroupShare(
                group=group,
                customers=len(members),
                count=left,
                share=left / len(members) if members else None,
                low=low,
                high=high,
            )
        )
    (d, nd), (p, np_) = counts["detractor"], counts["promoter"]
    by_purchases = {
        label: nps(r[0] for r in rows if test(r[1]))
        for label, test in (
            ("0", lambda n: n == 0),
            ("1", lambda n: n == 1),
            ("2 or more", lambda n: n >= 2),
        )
    }
    return CustomerOutcomes(
        customers=len(rows),
        churn=churn,
        detractor_vs_promoter=ratio_of_shares(d, nd, p, np_),
        nps_by_purchases=by_purchases,
    )


class MetricTile(BaseModel):
    """A metric's latest month against its target and the month before, with its trend."""

    metric: str
    unit: str | None
    better: str
    target: float | None
    month: date | None
    value: float | None
    low: float | None  # Poisson interval for count metrics, else None
    high: float | None
    previous: float | None
    months: list[date]
    trend: list[float]  # the last 12 months, oldest first

    @property
    def on_target(self) -> bool | None:
        """Whether the latest month meets the target (None without either)."""
        if self.value is None or self.target is None:
            return None
        return self.value >= self.target if self.better == "higher" else self.value <= self.target


def metric_tile(definition: dict, monthly: list[tuple[date, float]]) -> MetricTile:
    """The tile of one metric from its (month, value) series, oldest first."""
    months = [m for m, _ in monthly][-12:]
    trend = [v for _, v in monthly][-12:]
    value = trend[-1] if trend else None
    counted = value is not None and all(float(v).is_integer() and v >= 0 for v in trend)
    spread = Z95 * math.sqrt(value) if counted and value is not None else None
    return MetricTile(
        metric=definition["name"],
        unit=definition.get("unit"),
        better=definition.get("better") or "higher",
        target=definition.get("target"),
        month=months[-1] if months else None,
        value=value,
        low=max(0.0, value - spread) if spread is not None and value is not None else None,
        high=value + spread if spread is not None and value is not None else None,
        previous=trend[-2] if len(trend) > 1 else None,
        months=months,
        trend=trend,
    )
