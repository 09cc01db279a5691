"""Themes and trends (`kb.themes`); the algorithms live in retrieval.clustering.

Trend rule: a theme's count in the latest period is compared with the mean of the
BASELINE_PERIODS periods before it (Poisson). It is *rising* when the count is at least
MIN_TREND_COUNT and a Poisson variable with the baseline mean reaches it with probability
< TREND_P; *falling* when the baseline is at least MIN_TREND_COUNT and the count is that
improbably low.

A period counts the insights observed in it: an insight without a date (an undated imported row)
is in no period, so an import of undated rows makes no theme rising (its storing time is not
when it happened).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date, timedelta

import numpy as np
from pydantic import BaseModel

from insights.acting import Acting, audited, requires
from insights.rules.evidence import READ_AT_MOST, independent_sources
from language.embeddings import Embedder
from retrieval import clustering
from retrieval.hybrid import HybridIndex
from storage.cursor import Cursor
from storage.db import Database
from storage.insights import InsightRepository
from storage.themes import ThemeRepository
from vocabulary.errors import InvalidInput, NotFound
from vocabulary.knowledge import Theme, now
from vocabulary.people import Role

BASELINE_PERIODS = 4
MIN_TREND_COUNT = 5
TREND_P = 0.05
# A newcomer did not shape the centroid, so it scores lower than the members that did (on the
# test topics: 0.68-0.84 against weakest members of 0.65-0.99); within this share of the
# weakest member it joins, an unrelated text (0.0-0.1) does not.
JOIN_SHARE = 0.8


class ThemeTrend(BaseModel):
    """A theme's volume per period, with the verdict of the trend rule."""

    theme_id: int
    label: str
    periods: list[date]
    counts: list[int]
    current: int
    baseline: float
    trend: str  # rising, falling or steady
    p_value: float


def _period_start(day: date, period: str) -> date:
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def _previous(start: date, period: str, steps: int) -> list[date]:
    out = [start]
    for _ in range(steps):
        last = out[-1]
        out.append(
            last - timedelta(days=7)
            if period == "week"
            else (last - timedelta(days=1)).replace(day=1)
        )
    return out[::-1]


def trend_verdict(current: int, baseline: float) -> tuple[str, float]:
    """Rising, falling or steady, with the one-sided Poisson p-value behind it."""
    from scipy.stats import poisson

    mean = max(baseline, 0.5)
    if current > baseline:
        p = float(poisson.sf(current - 1, mean))
        return ("rising" if current >= MIN_TREND_COUNT and p < TREND_P else "steady"), p
    p = float(poisson.cdf(current, mean))
    return ("falling" if baseline >= MIN_TREND_COUNT and p < TREND_P else "steady"), p


class ThemeAssigner:
    """Puts each freshly linked insight into the theme it is closest to (as a recompute would),
    unless it is much further from it than the theme's weakest member (a listener of
    `Linking`): themes, their counts and "For you" follow new insights between recomputes."""

    def __init__(self, embedder: Embedder, index: HybridIndex, repo: ThemeRepository) -> None:
        self.embedder = embedder
        self.index = index
        self.repo = repo

    def assign(self, cur: Cursor, insight_ids: list[int], vectors: np.ndarray, languages) -> None:
        """Join these insights to their nearest themes, inside the linking unit of work."""
        theme_ids, centroids, floors = self.repo.centroids()
        live = [i for i in insight_ids if i in self.index]
        if centroids is None or not live:
            return
        # themes found across languages were clustered on raw vectors (see Themes._vectors)
        across = centroids.shape[1] < self.index.raw.dim
        vectors = self.index.raw_vectors(live) if across else self.index.smoothed_vectors(live)
        space = self._space_of(vectors, centroids.shape[1])
        if space is None:  # themes of another model: the next recompute places them
            return
        scores = space @ clustering.unit(centroids).T
        best = np.argmax(scores, axis=1)
        joined = [
            (theme_ids[b], insight_id, float(scores[row, b]))
            for row, (insight_id, b) in enumerate(zip(live, best, strict=True))
            if scores[row, b] >= JOIN_SHARE * floors[b]
        ]
        if joined:
            self.repo.join(cur, joined, now())

    def _space_of(self, vectors: np.ndarray, dim: int) -> np.ndarray | None:
        """The vectors in the space the themes were clustered in (told by the centroids'
        size: the whole vector, or the part shared across languages)."""
        if vectors.shape[1] == dim:
            return vectors
        convert = getattr(self.embedder, "theme_vectors", None)
        if convert is not None:
            shared = convert(vectors, np.zeros(len(vectors), dtype=bool))
            if shared.shape[1] == dim:
                return shared
        return None


class Themes:
    """Theme discovery, curation by people, and trends."""

    def __init__(
        self,
        acting: Acting,
        db: Database,
        embedder: Embedder,
        index: HybridIndex,
        repo: ThemeRepository,
        insights: InsightRepository,
    ) -> None:
        self.acting = acting
        self.db = db
        self.embedder = embedder
        self.index = index
        self.repo = repo
        self.insights = insights

    @audited(
        "recompute",
        "themes",
        key=lambda kb, result, *a, **k: f"{len(result)} themes",
        together=False,
    )  # clusters for seconds outside the write lock
    @requires(Role.researcher)
    def recompute_themes(self, progress: Callable[[int, int], None] | None = None) -> list[Theme]:
        """Cluster every live insight into themes, keeping ids, names and pins where the new
        themes overlap the old ones; returns the themes."""
        started = time.perf_counter()
        step = (lambda done: progress(done, 4)) if progress else (lambda done: None)
        ids, vectors = self.index.live_vectors(smoothed=not self._across(self.index.live_english()))
        if not len(ids):  # nothing to cluster (e.g. every file of an import run failed)
            return self.all()
        vectors = self._theme_space(ids, vectors)
        step(1)
        old_ids, seeds = self.repo.seeds()
        labels, centroids = clustering.cluster(vectors, seeds)
        step(2)
        found = self.insights.texts_and_languages(ids.tolist())
        pairs = [found.get(int(i), ("", "en")) for i in ids]
        terms = clustering.labels_for(
            [t for t, _ in pairs], labels, languages=[lang for _, lang in pairs]
        )
        step(3)
        groups = [np.flatnonzero(labels == c) for c in range(len(centroids))]
        old = self.repo.memberships()
        existed = set().union(*old.values()) if old else set()
        matched = clustering.match(old, [set(ids[g].tolist()) for g in groups], existed)
        names = self.repo.names()
        themes, members = [], []
        for position, group in enumerate(groups):
            theme_id = matched.get(position)
            name, pinned = (
                names.get(theme_id, (None, False)) if theme_id is not None else (None, False)
            )
            scores = vectors[group] @ clustering.unit(centroids[position : position + 1])[0]
            themes.append(
                (theme_id, terms[position], name, pinned, centroids[position], len(group))
            )
            members.append((position, ids[group], scores))
        stamp = now()
        with self.db.transaction() as cur:
            self.repo.replace_all(cur, themes, members, stamp)
            self.repo.record_run(cur, len(ids), len(themes), time.perf_counter() - started, stamp)
        step(4)
        return self.all()

    def all(self) -> list[Theme]:
        """Every theme (pinned first, then by size) with its insights, most central first."""
        return self.repo.all()

    def theme(self, theme_id: int) -> Theme:
        """One theme; raises `NotFound`."""
        found = self.repo.get(theme_id)
        if found is None:
            raise NotFound(
                "theme {theme_id} does not exist (themes change when recomputed)", theme_id=theme_id
            )
        return found

    def themes_computed(self) -> dict | None:
        """When themes were last computed, over how many insights, and how many are newer."""
        run = self.repo.last_run()
        if run is None:
            return None
        when, insights, themes, seconds = run
        return {
            "at": when,
            "insights": insights,
            "themes": themes,
            "seconds": seconds,
            "new_insights": max(self.insights.count() - insights, 0),
        }

    @audited("rename", "theme")
    @requires(Role.researcher)
    def rename_theme(self, theme_id: int, name: str) -> Theme:
        """Give a theme a name of its own (kept across recomputes); "" goes back to its terms."""
        self.theme(theme_id)
        name = " ".join(name.split())
        if len(name) > 120:
            raise InvalidInput("A theme name has at most 120 characters.", field="name")
        with self.db.transaction() as cur:
            self.repo.set_name(cur, theme_id, name, None, now())
        return self.theme(theme_id)

    @audited("pin", "theme")
    @requires(Role.researcher)
    def pin_theme(self, theme_id: int, pinned: bool = True) -> Theme:
        """Pin a theme to the top of the list (and first in line to keep its place)."""
        self.theme(theme_id)
        with self.db.transaction() as cur:
            self.repo.set_name(cur, theme_id, None, pinned, now())
        return self.theme(theme_id)

    @audited("merge", "theme")
    @requires(Role.researcher)
    def merge_themes(self, keep_id: int, other_id: int) -> Theme:
        """Move every insight of `other_id` into `keep_id`, which keeps its id and name."""
        if keep_id == other_id:
            raise InvalidInput("Pick two different themes to merge.")
        kept, other = self.theme(keep_id), self.theme(other_id)
        ids = kept.insight_ids + [i for i in other.insight_ids if i not in set(kept.insight_ids)]
        centroid = self._centroid(ids)
        with self.db.transaction() as cur:
            self.repo.move_members(cur, other_id, keep_id)
            self.repo.update_theme(cur, keep_id, centroid, len(ids), now())
        return self.theme(keep_id)

    @audited("split", "theme")
    @requires(Role.researcher)
    def split_theme(self, theme_id: int) -> tuple[Theme, Theme]:
        """Split a theme in two by meaning; the larger part keeps the id and the name."""
        theme = self.theme(theme_id)
        ids = np.asarray([i for i in theme.insight_ids if i in self.index], dtype=np.int64)
        if len(ids) < 4:
            raise InvalidInput("A theme needs at least 4 insights to be split.")
        vectors = self._theme_space(ids, self._vectors(ids.tolist()))
        labels, centroids = clustering.cluster(vectors, k=2)
        if np.sum(labels == 0) < np.sum(labels == 1):
            labels, centroids = 1 - labels, centroids[::-1]
        moved = ids[labels == 1]
        found = {i.id: i for i in self.insights.get_many(ids.tolist())}
        terms = clustering.labels_for(
            [found[int(i)].text for i in ids],
            labels,
            languages=[found[int(i)].language for i in ids],
        )
        stamp = now()
        with self.db.transaction() as cur:
            scores = vectors[labels == 1] @ clustering.unit(centroids[1:])[0]
            new_id = self.repo.add_theme(cur, terms[1], centroids[1], moved, scores, stamp)
            self.repo.update_theme(cur, theme_id, centroids[0], int(np.sum(labels == 0)), stamp)
        return self.theme(theme_id), self.theme(new_id)

    def _centroid(self, ids: list[int]) -> np.ndarray:
        live = [i for i in ids if i in self.index]
        return self._theme_space(live, self._vectors(live)).mean(axis=0)

    def _across(self, english: np.ndarray) -> bool:
        """Whether themes are found across languages here (the embedder's rule)."""
        across = getattr(self.embedder, "themes_across_languages", None)
        return bool(across(english)) if across else False

    def _vectors(self, ids: list[int]) -> np.ndarray:
        """The vectors of some insights that themes are clustered on: smoothed, or raw where
        themes are found across languages (smoothing stays within a language, which would
        pull a Finnish text and its English twin apart)."""
        if self._across(self.index.english(ids)):
            return self.index.raw_vectors(ids)
        return self.index.smoothed_vectors(ids)

    def _theme_space(self, ids, vectors: np.ndarray) -> np.ndarray:
        """The vectors themes are clustered on (across languages where the embedder can)."""
        convert = getattr(self.embedder, "theme_vectors", None)
        return convert(vectors, self.index.english(ids)) if convert else vectors

    def theme_profile(self, theme_id: int) -> dict[str, list[tuple]]:
        """Sentiment, segment, source and study mix of a theme's insights."""
        self.theme(theme_id)
        return self.repo.profile(theme_id)

    def independent_sources(self, theme_id: int) -> int:
        """How many independent sources a theme's insights come from (its brief counts alike)."""
        ids = list(self.theme(theme_id).insight_ids)[:READ_AT_MOST]
        return independent_sources(self.insights.get_many(ids))

    def theme_trends(
        self, period: str = "month", end: date | None = None, theme_ids: list[int] | None = None
    ) -> list[ThemeTrend]:
        """Volume per theme per week or month up to `end` (default: the newest dated insight's
        period; undated insights count in none), flagged rising/falling by the rule in this
        module's docstring."""
        if period not in ("week", "month"):
            raise InvalidInput(f"period must be week or month, not {period!r}")
        rows = self.repo.volumes(period, None, end, theme_ids)
        if not rows:
            return []
        last = _period_start(end, period) if end else max(r[1] for r in rows)
        periods = _previous(last, period, max(BASELINE_PERIODS, 11))
        counts: dict[int, dict[date, int]] = {}
        for theme_id, start, count in rows:
            counts.setdefault(theme_id, {})[start] = count
        labels = {t.id: t.label for t in self.repo.all(with_members=False)}
        trends = []
        for theme_id, by_period in counts.items():
            series = [by_period.get(p, 0) for p in periods]
            baseline = float(np.mean(series[-1 - BASELINE_PERIODS : -1]))
            verdict, p = trend_verdict(series[-1], baseline)
            trends.append(
                ThemeTrend(
                    theme_id=theme_id,
                    label=labels.get(theme_id, "?"),
                    periods=periods,
                    counts=series,
                    current=series[-1],
                    baseline=baseline,
                    trend=verdict,
                    p_value=p,
                )
            )
        trends.sort(key=lambda t: (t.trend != "rising", t.p_value, -t.current))
        return trends
