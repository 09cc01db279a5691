"""Which insights may answer which open questions (mixed into the backlog).

Questions and insights share one vector space; a pair matches above its language pair's
"answers" threshold (insights/pairs.py). Every new insight is checked against the open
questions, and every new question against the stored insights.
"""

from __future__ import annotations

import numpy as np

from insights import text as textlib
from insights.embeddings import embed_texts
from insights.models import Hit
from insights.pairs import answer_matches, threshold

MATCHES_PER_NEW_QUESTION = 50


class AnswerMatchingMixin:
    """Vectors of open questions (cached) and the "may answer" matching both ways."""

    def _text_vector(self, text: str, language: str) -> np.ndarray:
        """The vector of a question's text, stored like an insight's (same space and rules)."""
        return embed_texts(self.embedder, [text], [language])[0]

    def _match_question(self, text: str, language: str, vector: np.ndarray, k: int) -> list[Hit]:
        term_ids, weights = self.index.lexical.query_vector(textlib.query_terms(text))
        return self._hits(self.index.match(vector, term_ids, weights, language, k))

    def _match_stored_insights(
        self, cur, question_id: int, text: str, language: str, vector: np.ndarray
    ) -> None:
        """Suggest the stored insights that may answer a new question."""
        found = self._match_question(text, language, vector, MATCHES_PER_NEW_QUESTION)
        self.backlog_repo.suggest(
            cur,
            [
                (question_id, h.insight_id, h.dense_score)
                for h in found
                if h.dense_score >= threshold("answers", language, h.insight.language)
            ],
        )

    def _open_question_vectors(self) -> tuple[list[int], np.ndarray, list[str]]:
        """Ids, vectors and languages of the open questions (cached until a question changes)."""
        if self._caches.get("question_vectors") is None:
            ids, texts, vectors = self.backlog_repo.vectors(self.embedder.model_id)
            languages = [textlib.detect_language(t) for t in texts]
            missing = [i for i, v in enumerate(vectors) if v is None]
            if missing:
                fresh = embed_texts(
                    self.embedder, [texts[i] for i in missing], [languages[i] for i in missing]
                )
                with self.db.transaction() as cur:
                    for i, vector in zip(missing, fresh, strict=True):
                        self.backlog_repo.store_vector(cur, ids[i], self.embedder.model_id, vector)
                        vectors[i] = vector
            matrix = np.stack(vectors) if vectors else np.zeros((0, self.embedder.dim), np.float32)
            self._caches["question_vectors"] = (ids, matrix, languages)
        return self._caches["question_vectors"]

    def _match_new_insights(
        self, cur, insight_ids: list[int], vectors: np.ndarray, languages: list[str]
    ) -> None:
        """Every new insight is checked against the open questions it may answer."""
        ids, matrix, question_languages = self._open_question_vectors()
        if not ids or not len(insight_ids):
            return
        scale = getattr(self.embedder, "pair_scale", 1.0)
        rows, cols, scores = answer_matches(
            vectors @ matrix.T, languages, question_languages, scale
        )
        self.backlog_repo.suggest(
            cur,
            [
                (ids[c], insight_ids[r], float(s))
                for r, c, s in zip(rows, cols, scores, strict=True)
            ],
        )
