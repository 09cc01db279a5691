"""Customer KPIs from survey responses: NPS, CSAT and CES with 95 % margins of error.

- NPS = 100 x (promoters 9-10 - detractors 0-6) / responses. Each response counts +1, 0 or -1;
  the margin is 1.96 x 100 x sqrt(variance / n) with variance = p + d - (p - d)^2 (p, d the
  shares of promoters and detractors), the usual normal approximation.
- CSAT = the percentage of satisfied answers (4-5 on 1-5); margin 1.96 x 100 x sqrt(s(1-s)/n).
- CES = the mean effort score (1-7, higher is easier); margin 1.96 x sd / sqrt(n) (sample sd).
Below SMALL_SAMPLE responses a figure is flagged: its margin is wide and shifts easily.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel

Z95 = 1.96
SMALL_SAMPLE = 30


class Kpi(BaseModel):
    """One KPI figure: the score, how many responses it rests on, and its 95 % margin."""

    metric: str
    score: float | None  # None without responses
    n: int
    margin: float | None  # None without responses (0 when every answer is the same)
    promoters: int = 0
    passives: int = 0
    detractors: int = 0

    @property
    def small_sample(self) -> bool:
        """Fewer responses than a figure to act on needs."""
        return self.n < SMALL_SAMPLE


class KpiChange(BaseModel):
    """A KPI in a period against the period before it."""

    current: Kpi
    previous: Kpi
    change: float | None
    margin: float | None  # of the change: sqrt(m1^2 + m2^2)

    @property
    def significant(self) -> bool:
        """The change is larger than its margin of error."""
        return (
            self.change is not None and self.margin is not None and abs(self.change) > self.margin
        )


def nps(scores: Iterable[int]) -> Kpi:
    """Net Promoter Score of 0-10 answers."""
    scores = list(scores)
    n = len(scores)
    promoters = sum(s >= 9 for s in scores)
    detractors = sum(s <= 6 for s in scores)
    if not n:
        return Kpi(metric="nps", score=None, n=0, margin=None)
    p, d = promoters / n, detractors / n
    variance = max(p + d - (p - d) ** 2, 0.0)
    return Kpi(
        metric="nps",
        score=100 * (p - d),
        n=n,
        margin=Z95 * 100 * math.sqrt(variance / n),
        promoters=promoters,
        passives=n - promoters - detractors,
        detractors=detractors,
    )


def csat(scores: Iterable[int]) -> Kpi:
    """Share of satisfied (4-5) answers on a 1-5 scale, in percent."""
    scores = list(scores)
    n = len(scores)
    if not n:
        return Kpi(metric="csat", score=None, n=0, margin=None)
    share = sum(s >= 4 for s in scores) / n
    return Kpi(
        metric="csat", score=100 * share, n=n, margin=Z95 * 100 * math.sqrt(share * (1 - share) / n)
    )


def ces(scores: Iterable[int]) -> Kpi:
    """Mean customer effort score on a 1-7 scale."""
    scores = list(scores)
    n = len(scores)
    if not n:
        return Kpi(metric="ces", score=None, n=0, margin=None)
    mean = sum(scores) / n
    sd = math.sqrt(sum((s - mean) ** 2 for s in scores) / (n - 1)) if n > 1 else 0.0
    return Kpi(metric="ces", score=mean, n=n, margin=Z95 * sd / math.sqrt(n))


CALCULATORS = {"nps": nps, "csat": csat, "ces": ces}


def compare(current: Kpi, previous: Kpi) -> KpiChange:
    """The change between two periods and its margin (independent samples)."""
    if current.score is None or previous.score is None:
        return KpiChange(current=current, previous=previous, change=None, margin=None)
    margin = math.sqrt((current.margin or 0) ** 2 + (previous.margin or 0) ** 2)
    return KpiChange(
        current=current, previous=previous, change=current.score - previous.score, margin=margin
    )


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of the same length just before [start, end]."""
    length = end - start
    before = start.fromordinal(start.toordinal() - 1)
    return before - length, before
