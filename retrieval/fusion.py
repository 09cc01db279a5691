"""How words and meaning are weighed against each other, per language (tuned on
../shared/evaldata: see retrieval/hybrid.py), and the fused, scored row they make."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from language.pairs import SHARED_WORDS_WEIGHT

LEXICAL_WEIGHT_BY_LANGUAGE = {"en": 0.2}
LEXICAL_WEIGHT_OTHER = 0.5
# Across languages only names and numbers are shared words; any more weight adds noise
# (Tatoeba fi->en accuracy@1 through search: 0.61 at the same-language weight).
CROSS_LEXICAL_WEIGHT = 0.05
# Only the best cross-language rows by meaning and names get their shared words counted (of
# 2,000 held-out Tatoeba sentences a query's translation was among the first 30 for 98.5 %).
CONCEPT_CANDIDATES = 300
# In search, words count as much in English (the weight users praised) as in Finnish, where
# a query's lexical score is its share of the query's own (LexicalIndex.share_of_query; Turku
# paraphrase MRR@10 on a tuning half: 0.811 at 0.3, 0.820 at 0.6, 0.821 at 1.0).
SEARCH_LEXICAL_WEIGHT_BY_LANGUAGE = {"en": 0.5}
SEARCH_LEXICAL_WEIGHT_OTHER = 0.6


def search_lexical_weight(language: str) -> float:
    """How much the words of a search query count against its meaning."""
    return SEARCH_LEXICAL_WEIGHT_BY_LANGUAGE.get(language, SEARCH_LEXICAL_WEIGHT_OTHER)


def lexical_weight(language: str) -> float:
    """How much lexical similarity counts against dense similarity for a language."""
    return LEXICAL_WEIGHT_BY_LANGUAGE.get(language, LEXICAL_WEIGHT_OTHER)


@dataclass(frozen=True)
class Neighbour:
    """A scored row of the index: fused score plus its dense and lexical parts, and across
    languages the share of words the pair translates (retrieval/concepts.py)."""

    insight_id: int
    score: float
    dense: float
    lexical: float
    shared: float = 0.0


def fused(dense: np.ndarray, lexical: np.ndarray, weight) -> np.ndarray:
    """Dense and lexical scores weighed into one, where 1.0 means "identical" whatever the
    lexical weight (one weight, or one per score)."""
    return (dense + weight * lexical) / (1 + weight)


def with_shared_words(scores: np.ndarray, shared: np.ndarray) -> np.ndarray:
    """Fused scores of cross-language pairs raised by the share of words they translate
    (SHARED_WORDS_WEIGHT, language/pairs.py): a translation sharing every word reads as
    identical (scores stop at 1.0 once calibrated)."""
    return scores + SHARED_WORDS_WEIGHT * shared


def top_rows(
    scores: np.ndarray, alive: np.ndarray, k: int, exclude_row: int | None = None
) -> np.ndarray:
    """The k best live rows, best first (ties in row order)."""
    scores = np.where(alive, scores, -np.inf)
    if exclude_row is not None:
        scores[exclude_row] = -np.inf
    k = min(k, int(np.isfinite(scores).sum()))
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top], kind="stable")]
