"""Search in a large index (past COMPACT_ROWS, insights/ann.py): only the rows its codes
propose are scored, the way a small index scores every row (dense and lexical fused);
the rows it does not propose count as unrelated. Scoring a million rows for every query would
cost more than the whole search may (the target is 50 ms at 1,000,000 insights)."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from insights.fusion import CROSS_LEXICAL_WEIGHT, Neighbour

if TYPE_CHECKING:
    from insights.linking import HybridIndex


def search_candidates(
    index: HybridIndex,
    query: np.ndarray,
    term_ids: np.ndarray,
    weights: np.ndarray,
    lexical_weight: float,
    english: bool,
) -> list[Neighbour]:
    """The live candidates of a query, best first, scored as `HybridIndex.search` does."""
    proposed = index.raw.propose(query[None, :])
    if proposed is None:
        return []
    rows = proposed[0]
    rows = rows[rows < index.raw.size]
    rows = rows[index.alive_rows(rows)]
    dense = index.dense_scores(query, rows, english)
    lexical = index.lexical.share_of_query(
        term_ids, weights, index.lexical.scores_at(term_ids, weights, rows)
    )
    same = index.english_rows(rows) == english
    weight = np.where(same, lexical_weight, min(lexical_weight, CROSS_LEXICAL_WEIGHT))
    fused = index.fuse(dense, lexical, weight, english, rows=rows, kind="search")
    ids = index.ids_of(rows)
    return [
        Neighbour(int(ids[i]), float(fused[i]), float(dense[i]), float(lexical[i]))
        for i in np.argsort(-fused, kind="stable")
    ]
