"""Hybrid retrieval: an in-memory dense index, a lexical BM25 index and their fusion.

DuckDB stays the source of truth; these indexes are rebuilt from it at open and updated on
every write. Both number documents by "row" (order of addition); `HybridIndex` maps rows to
insight ids and keeps a mask of the rows that are still alive (not deleted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable

import numpy as np
from scipy import sparse

from retrieval.dense import VectorIndex  # noqa: F401 - where callers have found it

# Lexical feature weights (fusion weights live in retrieval/hybrid.py). In a search query a
# whole stem or lemma ("w:") counts three times a character n-gram, the part of a compound word
# ("p:", "palvelu" in "asiakaspalvelu") half as much as a whole word.
STEM_WEIGHT = 3.0
PART_WEIGHT = 1.5
BM25_K1 = 1.2
BM25_B = 0.75
_DELTA_LIMIT = 4096
MAX_DOCUMENT_TERMS = 48


class LexicalIndex:
    """BM25 over stems and character n-grams, accepting additions without a full rebuild.

    Rows live in a large block plus a small delta block that is rebuilt on each addition and
    merged into the large one when it passes a few thousand rows. Each block is kept both
    column-wise (to score every row for a few terms) and row-wise (to read one document).
    """

    def __init__(self) -> None:
        self.vocab: dict[str, int] = {}
        self.terms: list[str] = []  # by term id
        self._df: list[int] = []
        self._feature: list[float] = []  # query-side weight of each term's kind
        self._lengths: list[float] = []
        self._total_length = 0.0  # of every document (the mean of 1,000,000 per add: 50 ms)
        self._main = (
            sparse.csc_matrix((0, 0), dtype=np.float32),
            sparse.csr_matrix((0, 0), dtype=np.float32),
        )
        self._delta_docs: list[Counter] = []
        self._frozen: list[sparse.csr_matrix] = []
        self._delta: tuple[sparse.csc_matrix, sparse.csr_matrix] | None = None
        self._stored_df: np.ndarray | None = None  # counts of `add_stored` rows until compact

    @property
    def size(self) -> int:
        return len(self._lengths)

    def add(self, documents: Iterable[list[str]], bulk: bool = False) -> None:
        """Append documents, each given as its list of terms.

        With `bulk` (loading at open) the documents are set aside as a compact block and merged
        once by `compact()`, instead of re-merging the large block after every few thousand.
        """
        for terms in documents:
            counts: Counter = Counter()
            for term in terms:
                term_id = self.vocab.get(term)
                if term_id is None:
                    term_id = self.vocab[term] = len(self._df)
                    self.terms.append(term)
                    self._df.append(0)
                    self._feature.append(
                        STEM_WEIGHT
                        if term.startswith("w:")
                        else PART_WEIGHT
                        if term.startswith("p:")
                        else 1.0
                    )
                counts[term_id] += 1
            for term_id in counts:
                self._df[term_id] += 1
            self._lengths.append(float(len(terms)))
            self._total_length += len(terms)
            self._delta_docs.append(counts)
        self._delta = None
        if bulk:
            first = self.size - len(self._delta_docs)
            self._frozen.append(self._weighted_rows(self._delta_docs, first))
            self._delta_docs = []
        elif len(self._delta_docs) > _DELTA_LIMIT:
            self._merge()

    def compact(self) -> None:
        """Merge everything set aside by bulk additions into the large block."""
        if self._stored_df is not None:  # fold in the document counts of stored rows
            counts = self._stored_df
            self._stored_df = None
            df = np.asarray(self._df, dtype=np.int64)
            df[: len(counts)] += counts
            self._df = df.tolist()
        if self._frozen or self._delta_docs:
            self._merge()

    def seed(self, terms: list[str], features: np.ndarray) -> None:
        """Start an empty index with a saved vocabulary (term ids as they were saved)."""
        self.vocab = {term: i for i, term in enumerate(terms)}
        self.terms = list(terms)
        self._feature = features.tolist()
        self._df = [0] * len(terms)

    def add_stored(self, rows: sparse.csr_matrix, lengths: np.ndarray) -> None:
        """Append documents saved earlier as weighted rows over the seeded vocabulary (bulk,
        like `add(..., bulk=True)`): a reopened index need not split and weigh every text."""
        if self._stored_df is None:
            self._stored_df = np.zeros(len(self._feature), dtype=np.int64)
        self._stored_df += np.bincount(rows.indices, minlength=len(self._stored_df))[
            : len(self._stored_df)
        ]
        self._lengths.extend(np.asarray(lengths, dtype=np.float64).tolist())
        self._total_length += float(np.sum(lengths))
        self._frozen.append(rows)
        self._delta = None

    def saved_state(self) -> tuple[list[str], np.ndarray, sparse.csr_matrix, np.ndarray]:
        """(terms in id order, feature weights, weighted rows, lengths) of a compacted index."""
        terms = list(self.terms)
        rows = self._main[1]
        rows.resize((rows.shape[0], len(terms)))
        return terms, np.asarray(self._feature), rows, np.asarray(self._lengths)

    def term_rows(self, start: int, stop: int) -> sparse.csr_matrix:
        """Which terms the documents of rows start..stop-1 hold (their weighted rows)."""
        blocks = [self._main[1], *self._frozen]
        if self._delta_docs:
            blocks.append(self._delta_blocks()[1])
        out, first = [], 0
        for block in blocks:
            end = first + block.shape[0]
            if end > start and first < stop:
                part = block[max(start - first, 0) : min(stop, end) - first]
                part.resize((part.shape[0], len(self._df)))
                out.append(part)
            first = end
        return sparse.vstack(out, format="csr") if out else _empty(len(self._df))

    def _weighted_rows(self, docs: list[Counter], first_row: int) -> sparse.csr_matrix:
        lengths = np.asarray(self._lengths[first_row : first_row + len(docs)], dtype=np.float32)
        avg = max(self._total_length / max(len(self._lengths), 1), 1.0)
        indptr, cols, tfs = [0], list[int](), list[int]()
        for counts in docs:
            cols.extend(counts.keys())
            tfs.extend(counts.values())
            indptr.append(len(cols))
        tf = np.asarray(tfs, dtype=np.float32)
        doc_len = np.repeat(lengths, np.diff(indptr))
        weights = tf * (BM25_K1 + 1) / (tf + BM25_K1 * (1 - BM25_B + BM25_B * doc_len / avg))
        return sparse.csr_matrix(
            (weights, np.asarray(cols, dtype=np.int32), np.asarray(indptr, dtype=np.int64)),
            shape=(len(docs), len(self._df)),
        )

    def _delta_blocks(self) -> tuple[sparse.csc_matrix, sparse.csr_matrix]:
        if self._delta is None or self._delta[1].shape[1] != len(self._df):
            rows = self._weighted_rows(self._delta_docs, self.size - len(self._delta_docs))
            self._delta = (rows.tocsc(), rows)
        return self._delta

    def _merge(self) -> None:
        blocks = [self._main[1], *self._frozen]
        if self._delta_docs:
            blocks.append(self._delta_blocks()[1])
        self._main = (None, None)  # let the old column-wise copy go before building the new
        self._frozen, self._delta_docs, self._delta = [], [], None
        blocks = [b for b in blocks if b.shape[0]]
        for block in blocks:
            block.resize((block.shape[0], len(self._df)))
        if len(blocks) == 1:  # (a reopened large index: its saved rows as they are)
            merged = blocks[0]
        else:
            merged = sparse.vstack(blocks, format="csr") if blocks else _empty(len(self._df))
        del blocks
        self._main = (merged.tocsc(), merged)

    def _idf(self, term_ids: np.ndarray) -> np.ndarray:
        df = np.asarray([self._df[t] for t in term_ids], dtype=np.float32)
        n = max(self.size, 1)
        return np.log1p((n - df + 0.5) / (df + 0.5))

    def query_vector(self, terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Known term ids of a query and their weights (idf x query frequency x feature weight)."""
        counts = Counter(self.vocab[t] for t in terms if t in self.vocab)
        if not counts:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        ids = np.fromiter(counts.keys(), dtype=np.int64, count=len(counts))
        freq = np.fromiter(counts.values(), dtype=np.float32, count=len(counts))
        feature = np.fromiter((self._feature[t] for t in ids), dtype=np.float32, count=len(ids))
        return ids, self._idf(ids) * freq * feature

    def _own_score(self, term_ids: np.ndarray, weights: np.ndarray) -> float:
        """The score of a document made of exactly a query's known terms (`query_vector`):
        the most its words can match, whatever else the collection holds."""
        if not len(term_ids):
            return 0.0
        avg = max(self._total_length / max(len(self._lengths), 1), 1.0)
        length = float(len(term_ids))
        tf = (BM25_K1 + 1) / (1 + BM25_K1 * (1 - BM25_B + BM25_B * length / avg))
        return float(weights.sum() * tf)

    def share_of_query(
        self, term_ids: np.ndarray, weights: np.ndarray, scores: np.ndarray
    ) -> np.ndarray:
        """A query's scores where 1.0 means "every query word matched" (not "the best match
        here": that lifted whatever shared one word with a short query above its translation
        in another language)."""
        top = max(float(scores.max()) if len(scores) else 0.0, self._own_score(term_ids, weights))
        return scores / top if top > 0 else scores

    def row_vector(self, row: int) -> tuple[np.ndarray, np.ndarray]:
        """A stored document as a query: its term ids weighted by idf x BM25 term weight."""
        main_rows = self._main[1].shape[0]
        block, index = (
            (self._main[1], row) if row < main_rows else (self._delta_blocks()[1], row - main_rows)
        )
        start, end = block.indptr[index], block.indptr[index + 1]
        ids = block.indices[start:end].astype(np.int64)
        weights = self._idf(ids) * block.data[start:end]
        if len(ids) > MAX_DOCUMENT_TERMS:
            # Like "more like this" in search engines: a document's most telling terms stand
            # for it, which keeps a look-up cheap at any collection size.
            keep = np.argpartition(-weights, MAX_DOCUMENT_TERMS - 1)[:MAX_DOCUMENT_TERMS]
            ids, weights = ids[keep], weights[keep]
        return ids, weights

    def scores(self, term_ids: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """BM25 score of every row for a weighted query (zeros where nothing matches)."""
        out = np.zeros(self.size, dtype=np.float32)
        if len(term_ids) == 0:
            return out
        main = self._main[0]
        main_rows = main.shape[0]
        in_main = term_ids < main.shape[1]
        if main_rows and in_main.any():
            ids, w = term_ids[in_main], weights[in_main]
            # A few terms at a time: a slice of common terms can hold millions of entries.
            for start in range(0, len(ids), 8):
                out[:main_rows] += main[:, ids[start : start + 8]] @ w[start : start + 8]
        if self._delta_docs:
            out[main_rows:] = self._delta_blocks()[0][:, term_ids] @ weights
        return out

    def scores_at(self, term_ids: np.ndarray, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """BM25 scores of some rows only (a large index's candidates) for a weighted query."""
        out = np.zeros(len(rows), dtype=np.float32)
        if not len(term_ids) or not len(rows):
            return out
        main = self._main[1]
        in_main = rows < main.shape[0]
        known = term_ids < main.shape[1]
        if in_main.any() and known.any():
            out[in_main] = main[rows[in_main]][:, term_ids[known]] @ weights[known]
        if (~in_main).any() and self._delta_docs:
            delta = self._delta_blocks()[1]
            out[~in_main] = delta[rows[~in_main] - main.shape[0]][:, term_ids] @ weights
        return out

    def cross_scores(self, query_rows: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """BM25 scores of stored documents (as queries) against some rows: (queries, rows)."""
        size = len(self._df)
        indptr, indices, data = [0], [], []
        for query_row in query_rows:
            ids, weights = self.row_vector(int(query_row))
            indices.append(ids)
            data.append(weights)
            indptr.append(indptr[-1] + len(ids))
        queries = sparse.csc_matrix(
            (np.concatenate(data), np.concatenate(indices), np.asarray(indptr)),
            shape=(size, len(query_rows)),
        )
        main = self._main[1]
        main_rows = main.shape[0]
        out = np.zeros((len(rows), len(query_rows)), dtype=np.float32)
        in_main = rows < main_rows
        if in_main.any():
            out[in_main] = (main[rows[in_main]] @ queries[: main.shape[1]]).toarray()
        if (~in_main).any():
            delta = self._delta_blocks()[1]
            out[~in_main] = (delta[rows[~in_main] - main_rows] @ queries).toarray()
        return out.T


def _empty(columns: int) -> sparse.csr_matrix:
    return sparse.csr_matrix((0, columns), dtype=np.float32)
