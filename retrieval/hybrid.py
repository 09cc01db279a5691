"""The hybrid index behind search, related insights and duplicate detection.

Scores (tuned on ../shared/evaldata with the benchmarks' eval_quality, eval_languages, eval_pool):
- lexical similarity of a document to another is its BM25 score divided by its score against
  itself (1.0: "the same words"), weighed by the document's language (retrieval/fusion.py);
- dense similarity comes from one vector space for all languages (language/bilingual.py); the
  dense score of each pair is multiplied by the embedder's `pair_scales` of the two texts'
  vector forms (`language.pairs.PairScales`: 1.0 means "identical" for every pair);
- across languages the words count by the share one text translates of the other's
  (retrieval/concepts.py);
- each pair's fused score (1.0 = identical) is put on the one scale of every language pair by
  the embedder's calibration (`language.pairs.calibrated`): a Finnish text's Finnish and English
  neighbours compete fairly;
- each stored vector is smoothed with its three nearest neighbours in its own language, and a
  neighbour list is re-ranked with the neighbours' own similarities (query expansion): they
  lift banking77 precision@5 above 0.85;
- links, duplicate flags, similar hints and "may answer" matches use a threshold per language
  pair (language/pairs.py).
"""

from __future__ import annotations

from collections.abc import Set

import numpy as np

from language.pairs import Calibration, PairScales, calibrated
from retrieval.crossing import SharedWordRows
from retrieval.fusion import CROSS_LEXICAL_WEIGHT, Neighbour, fused, lexical_weight, top_rows
from retrieval.turns import in_slices

SMOOTHING_NEIGHBOURS = 3
SMOOTHING_FLOOR = 0.3
CANDIDATES = 200
# A filtered search over a large index scores every row of the filter up to this many (the
# codes propose rows of the whole collection, which a narrow filter may all exclude); a wider
# filter's own top 10 rank among the first few hundred of the whole collection, well inside
# the 2,000 proposed. Scoring 20,000 int8 rows of 768-d: +23 ms (+6 ms for 10,000), measured
# beside another benchmark.
FILTERED_EXACT_ROWS = 20_000


class HybridIndex(SharedWordRows):
    """Search, related insights and smoothing over the rows of an `IndexRows`."""

    def __init__(
        self,
        dim: int,
        scales: PairScales | None = None,
        normalise=None,
        calibration: Calibration | None = None,
    ) -> None:
        """`normalise(vectors, forms)` turns sums of vectors back into the embedder's form
        (default: unit length); `scales` see `PairScales` (default: one form for all);
        `calibration` puts the fused scores of every language pair on one scale (see
        `language.pairs.calibrated`)."""
        super().__init__(dim, scales)
        self.calibration = calibration
        self._normalise = normalise

    def dense_scores(self, query: np.ndarray, rows: np.ndarray, form: int) -> np.ndarray:
        """A query vector's (of this form) similarity to some rows, each pair scaled."""
        vectors = self.raw.rows(rows)
        return self._scaled(vectors @ query, form, rows)

    def refine(self, insight_ids: list[int], background: bool = False) -> np.ndarray:
        """Smooth the vectors of these insights with their current neighbours; returns them.

        `background` work (the linker) yields to searches: see `retrieval.turns.in_slices`.
        """
        if not background:
            with self.turns.person():
                rows = np.asarray([self.row_of[i] for i in insight_ids], dtype=np.int64)
                smoothed = self._smoothed(rows)
                self.smooth.set_rows(rows, smoothed)
                return smoothed

        def smooth_slice(rows: np.ndarray, dense: np.ndarray) -> list[np.ndarray]:
            smoothed = self._smoothed(rows, dense)
            self.smooth.set_rows(rows, smoothed)
            return list(smoothed)

        out = in_slices(self, insight_ids, self.raw, smooth_slice)
        return np.stack(out) if out else np.zeros((0, self.raw.dim), dtype=np.float32)

    def _smoothed(self, rows: np.ndarray, dense_rows: np.ndarray | None = None) -> np.ndarray:
        out = self.raw.rows(rows)
        step = self.raw.block_rows
        for block in range(0, len(rows), step):
            chunk = rows[block : block + step]
            dense = (
                self.raw.similarities(self.raw.rows(chunk))
                if dense_rows is None
                else dense_rows[block : block + step].copy()
            )
            for i, row in enumerate(chunk):
                scores = self._own_scores(row, dense[i], shared_words=False)[2]
                # Only neighbours in its own language: a smoothed vector then moves within its
                # language's part of the space, and a mixed pool smooths each language as a
                # pool of that language alone would (no calibration enters it).
                scores[self._english[: len(scores)] != self._english[row]] = -np.inf
                top = self._top(scores, SMOOTHING_NEIGHBOURS, exclude_row=row)
                # In a small or young collection the nearest rows may be unrelated: skip those.
                top = top[scores[top] >= SMOOTHING_FLOOR]
                out[block + i] += self.raw.rows(top).sum(axis=0)
        if self._normalise is not None:
            return self._normalise(out, self._forms[rows])
        out /= np.linalg.norm(out, axis=1, keepdims=True)
        return out

    def _scaled(self, dense: np.ndarray, form: int, rows: np.ndarray | None = None):
        """Dense scores of one text (of this vector form) against rows (the first
        `len(dense)` by default), each pair scaled."""
        forms = self._forms[: len(dense)] if rows is None else self._forms[rows]
        return self.scales.scaled(dense, form, forms)

    def fuse(
        self,
        dense: np.ndarray,
        lexical: np.ndarray,
        weight: np.ndarray,
        english: bool,
        rows: np.ndarray | None = None,
        kind: str = "related",
        concepts: np.ndarray | None = None,
    ) -> np.ndarray:
        """One text's dense and lexical scores against rows (all rows by default), each pair
        weighted by its own lexical weight, the text's `concepts` counted against rows in the
        other language, on the one scale of every language pair (1.0 means "identical")."""
        target = self._targets(rows, len(dense))
        scores = self._with_shared_words(fused(dense, lexical, weight), concepts, english, rows)
        return calibrated(scores, english, target, kind, self.calibration)

    def _pair_weights(
        self, weight: float, english: bool, rows: np.ndarray | None = None
    ) -> np.ndarray:
        """The lexical weight for these rows (every row by default): the language's own
        within a language, and CROSS_LEXICAL_WEIGHT across languages."""
        same = self._targets(rows, self.raw.size) == english
        return np.where(same, weight, min(weight, CROSS_LEXICAL_WEIGHT)).astype(np.float32)

    def _own_scores(
        self, row: int, dense: np.ndarray, shared_words: bool = True
    ) -> tuple[np.ndarray, ...]:
        """A stored text's dense (cross pairs scaled), lexical (relative to its own) and fused
        scores against every row, before calibration (`shared_words`: counted across
        languages)."""
        english = bool(self._english[row])
        dense = self._scaled(dense, int(self._forms[row]))
        lexical = self._lexical_row(row)
        weight = self._pair_weights(lexical_weight(self._languages[row]), english)
        scores = fused(dense, lexical, weight)
        if shared_words:
            self.concepts.sync(self.lexical, self._languages)
            scores = self._with_shared_words(scores, self.concepts.row(row), english)
        return dense, lexical, scores

    def _lexical_row(self, row: int) -> np.ndarray:
        ids, weights = self.lexical.row_vector(row)
        scores = self.lexical.scores(ids, weights)
        return scores / max(float(scores[row]), 1e-9)

    def _top(self, scores: np.ndarray, k: int, exclude_row: int | None = None) -> np.ndarray:
        return top_rows(scores, self._alive, k, exclude_row)

    def related(self, insight_id: int, k: int, exclude: Set[int] = frozenset()) -> list[Neighbour]:
        """Nearest other live insights, best first, with the fused, expanded score."""
        return self.related_many([insight_id], k, exclude)[0]

    def related_many(
        self,
        insight_ids: list[int],
        k: int,
        exclude: Set[int] = frozenset(),
        background: bool = False,
    ) -> list[list[Neighbour]]:
        """`related` for many insights at once (dense similarities in matrix blocks);
        `background` work (the linker) yields to searches: see `retrieval.turns.in_slices`."""
        if background:
            return in_slices(
                self,
                insight_ids,
                self.smooth,
                lambda rows, dense: [
                    self._related_row(int(r), d, k, exclude)
                    for r, d in zip(rows, dense, strict=True)
                ],
            )
        with self.turns.person():
            rows = np.asarray([self.row_of[i] for i in insight_ids], dtype=np.int64)
            out: list[list[Neighbour]] = []
            step = self.smooth.block_rows
            for block in range(0, len(rows), step):
                chunk = rows[block : block + step]
                dense = self.smooth.similarities(self.smooth.rows(chunk), self.raw)
                out.extend(
                    self._related_row(int(r), d, k, exclude)
                    for r, d in zip(chunk, dense, strict=True)
                )
            return out

    def _related_row(
        self, row: int, dense: np.ndarray, k: int, exclude: Set[int]
    ) -> list[Neighbour]:
        english = bool(self._english[row])
        _, lexical, scores = self._own_scores(row, dense)
        first = calibrated(
            scores, english, self._english[: len(scores)], "related", self.calibration
        )
        own = self.concepts.row(row)
        query = (self.raw.rows(row), int(self._forms[row]))
        return self._expanded(first, lexical, k, exclude, query, english, row, own)

    def pair_scores(self, insight_id: int) -> tuple[np.ndarray, np.ndarray]:
        """The other live insights' ids and this one's fused score against each before
        calibration: what `related` ranks first (benchmarks/eval_pool.py fits the calibration
        on it)."""
        with self.lock:
            row = self.row_of[insight_id]
            dense = self.smooth.similarities(self.smooth.rows([row]))[0]
            scores = self._own_scores(row, dense)[2]
            keep = self._alive[: len(scores)].copy()
            keep[row] = False
            return self._ids[: len(scores)][keep], scores[keep]

    def match(
        self,
        query: np.ndarray,
        term_ids: np.ndarray,
        weights: np.ndarray,
        language: str,
        k: int,
        concepts: np.ndarray | None = None,
    ) -> list[Neighbour]:
        """Insights answering a text that is not stored (a question): scored like `related`."""
        with self.turns.person():
            if not self.raw.size:
                return []
            english = language == "en"
            form = self.scales.form(language)
            dense = self._scaled(self.smooth.similarities(query[None, :], self.raw)[0], form)
            lexical = self.lexical.share_of_query(
                term_ids, weights, self.lexical.scores(term_ids, weights)
            )
            weight = self._pair_weights(lexical_weight(language), english)
            first = self.fuse(dense, lexical, weight, english, concepts=concepts)
            query_form = (query, form)
            return self._expanded(first, lexical, k, set(), query_form, english, concepts=concepts)

    def _expanded(
        self,
        first: np.ndarray,
        lexical: np.ndarray,
        k: int,
        exclude: Set[int],
        query: tuple[np.ndarray, int],
        query_english: bool,
        exclude_row: int | None = None,
        concepts: np.ndarray | None = None,
    ) -> list[Neighbour]:
        """Rank by the calibrated fused similarity `first`, re-scored with the best
        candidates' own similarities; `query` is the text's raw vector and its form."""
        candidates = self._top(first, CANDIDATES, exclude_row=exclude_row)
        if not len(candidates):
            return []
        # Expand with the nearest neighbours that are related at all (see SMOOTHING_FLOOR).
        lead = candidates[:SMOOTHING_NEIGHBOURS]
        positions = np.flatnonzero(first[lead] >= SMOOTHING_FLOOR)  # they lead the list
        neighbours = candidates[positions]
        expanded = first[candidates]
        if len(neighbours):
            lexical_n = self.lexical.cross_scores(neighbours, candidates)
            own = lexical_n[np.arange(len(neighbours)), positions][:, None]
            lexical_n = lexical_n / np.maximum(own, 1e-9)
            english_n = self._english[neighbours][:, None]
            english_c = self._english[candidates][None, :]
            dense_n = self.scales.scaled(
                self.smooth.rows(neighbours) @ self.smooth.rows(candidates).T,
                self._forms[neighbours][:, None],
                self._forms[candidates][None, :],
            )
            # each neighbour-candidate pair weighs words as its own languages do
            weight_n = np.stack(
                [
                    self._pair_weights(lexical_weight(self._languages[n]), english, candidates)
                    for n, english in zip(neighbours, english_n[:, 0], strict=True)
                ]
            )
            scores_n = fused(dense_n, lexical_n, weight_n)
            for i, n in enumerate(neighbours):
                own = self.concepts.row(int(n))
                scores_n[i] = self._with_shared_words(scores_n[i], own, english_n[i, 0], candidates)
            expanded = calibrated(scores_n, english_n, english_c, "related", self.calibration)
            expanded = expanded.mean(axis=0)
        final = (first[candidates] + expanded) / 2
        query_raw, query_form = query
        raw = self._scaled(self.raw.rows(candidates) @ query_raw, query_form, candidates)
        found = []
        for i in np.argsort(-final, kind="stable"):
            other = int(self._ids[candidates[i]])
            if other in exclude:
                continue
            dense_raw = float(raw[i])
            found.append(
                Neighbour(other, float(final[i]), dense_raw, float(lexical[candidates[i]]))
            )
            if len(found) == k:
                break
        return self._annotated(found, concepts, query_english)

    def search(
        self,
        query: np.ndarray,
        term_ids: np.ndarray,
        weights: np.ndarray,
        lexical_weight_: float,
        k: int,
        allowed: np.ndarray | None = None,
        language: str = "en",
        concepts: np.ndarray | None = None,
    ) -> list[Neighbour]:
        """Best k live insights for a query vector and weighted query terms in `language`
        (and its `concepts`, `text_concepts`, counted across languages).

        `allowed` (insight ids) narrows the result to a filtered set.
        """
        english = language == "en"
        form = self.scales.form(language)
        with self.turns.person():
            if not self.raw.size:
                return []
            if self.raw.codes is not None and allowed is None:
                found = self._search_candidates(
                    query, term_ids, weights, lexical_weight_, (english, form), concepts
                )
                if len(found) >= k:
                    return self._annotated(found[:k], concepts, english)
            mask = None if allowed is None else np.isin(self._ids, allowed)
            own_rows = None
            if mask is not None and self.raw.codes is not None:
                own_rows = np.flatnonzero(mask[: self.raw.size])
                if len(own_rows) > FILTERED_EXACT_ROWS:
                    own_rows = None  # enough of them among the proposed rows
            dense = self._scaled(self.raw.similarities(query[None, :], also=own_rows)[0], form)
            lexical = self.lexical.share_of_query(
                term_ids, weights, self.lexical.scores(term_ids, weights)
            )
            weight = self._pair_weights(lexical_weight_, english)
            fused = self.fuse(dense, lexical, weight, english, kind="search", concepts=concepts)
            if mask is not None:
                fused = np.where(mask, fused, -np.inf)
            top = self._top(fused, k)
            found = [
                Neighbour(int(self._ids[r]), float(fused[r]), float(dense[r]), float(lexical[r]))
                for r in top
            ]
            return self._annotated(found, concepts, english)

    def _search_candidates(
        self,
        query: np.ndarray,
        term_ids: np.ndarray,
        weights: np.ndarray,
        lexical_weight: float,
        language: tuple[bool, int],
        concepts: np.ndarray | None = None,
    ) -> list[Neighbour]:
        """The live candidates of a query in a large index, best first, scored as `search` does
        (`language`: whether the query is English, and its vector form).

        Past COMPACT_ROWS (retrieval/ann.py) only the rows the codes propose are scored, the way
        a small index scores every row; the rest count as unrelated. Scoring a million rows for
        every query would cost more than the whole search may (50 ms at 1,000,000 insights)."""
        proposed = self.raw.propose(query[None, :])
        if proposed is None:
            return []
        rows = proposed[0]
        rows = rows[rows < self.raw.size]
        rows = rows[self.alive_rows(rows)]
        english, form = language
        dense = self.dense_scores(query, rows, form)
        lexical = self.lexical.share_of_query(
            term_ids, weights, self.lexical.scores_at(term_ids, weights, rows)
        )
        same = self.english_rows(rows) == english
        weight = np.where(same, lexical_weight, min(lexical_weight, CROSS_LEXICAL_WEIGHT))
        fused = self.fuse(
            dense, lexical, weight, english, rows=rows, kind="search", concepts=concepts
        )
        ids = self.ids_of(rows)
        return [
            Neighbour(int(ids[i]), float(fused[i]), float(dense[i]), float(lexical[i]))
            for i in np.argsort(-fused, kind="stable")
        ]
