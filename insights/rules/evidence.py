"""How many independent sources a body of evidence has: one rule for a theme's page and for
every brief (a source is a study, else a kind of source and an author)."""

from __future__ import annotations

from collections.abc import Iterable

from vocabulary.knowledge import Insight

READ_AT_MOST = 2000  # insights a brief (and a theme's count of sources) reads: the newest


def source_of(insight: Insight) -> str:
    """What makes two insights independent: another study, else another source or author."""
    if insight.study_id is not None:
        return f"study:{insight.study_id}"
    return f"{insight.source}:{(insight.author or '').strip().lower()}"


def independent_sources(insights: Iterable[Insight]) -> int:
    """The number of independent sources among these insights."""
    return len({source_of(i) for i in insights})
