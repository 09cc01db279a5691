"""Suggesting a journey stage for an insight without one, from its nearest staged insights."""

from __future__ import annotations

from language.pairs import STAGE_NEIGHBOUR
from vocabulary.knowledge import Hit


def suggested_stage(hits: list[Hit], k: int = 7) -> tuple[str, list[Hit], int] | None:
    """The stage of the two nearest staged neighbours on the insight's subject (a fused score
    of at least STAGE_NEIGHBOUR) when they share it: (stage, the neighbours at that stage
    among the `k` nearest on its subject, how many were looked at); None when fewer than two
    neighbours are on its subject or the nearest two disagree. `hits` are best first."""
    near = [h for h in hits if h.insight.journey_stage and h.score >= STAGE_NEIGHBOUR][:k]
    if len(near) < 2 or near[0].insight.journey_stage != near[1].insight.journey_stage:
        return None
    stage = near[0].insight.journey_stage
    assert stage is not None
    return stage, [h for h in near if h.insight.journey_stage == stage], len(near)
