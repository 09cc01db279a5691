"""Words shared across languages: each indexed text's concepts (language/lexicon.py) and how
much of one text's words another text in the other language translates.

Derived from the lexical index (its terms already hold English stems and Finnish base forms),
so a large index reopened from its saved lexical rows needs no text split again; rows are read
when a score first needs them.
"""

from __future__ import annotations

import numpy as np
from scipy import sparse

from language.lexicon import DICTIONARIES, Lexicon, default_lexicon
from retrieval.fusion import CONCEPT_CANDIDATES, with_shared_words
from retrieval.lexical import LexicalIndex

# The lexicon's languages besides English; rows in any other language have no concepts.
_LANGUAGES = ("en", *DICTIONARIES)
_READ_ROWS = 8192  # rows read from the lexical index at a time (bounds the copy's memory)


class ConceptIndex:
    """The concept ids of every row of a lexical index, kept in step with it."""

    def __init__(self, lexicon: Lexicon | None = None) -> None:
        self._lexicon = lexicon
        # every row's concept ids, one after another (row r: _ids[_starts[r]:_starts[r + 1]])
        self._starts = np.zeros(1, dtype=np.int64)
        self._ids = np.zeros(0, dtype=np.int32)
        self._df = np.zeros(0, dtype=np.float32)
        self._maps: dict[str, tuple[list[int], list[int]]] = {lang: ([], []) for lang in _LANGUAGES}
        self._mapped_terms = 0
        self._built: dict[str, sparse.csr_matrix] = {}

    @property
    def lexicon(self) -> Lexicon:
        if self._lexicon is None:
            self._lexicon = default_lexicon()
        return self._lexicon

    @property
    def size(self) -> int:
        return len(self._starts) - 1

    def sync(self, lexical: LexicalIndex, languages: list[str]) -> None:
        """Read the concepts of rows added to the lexical index since the last call."""
        if self.size >= lexical.size or not self.lexicon:
            return
        if not len(self._df):
            self._df = np.zeros(self.lexicon.size, dtype=np.float32)
        maps = self._term_maps(lexical.terms)
        for start in range(self.size, lexical.size, _READ_ROWS):
            stop = min(start + _READ_ROWS, lexical.size)
            block = lexical.term_rows(start, stop)
            block.data[:] = 1.0
            langs = np.asarray(languages[start:stop])
            found = sparse.csr_matrix((stop - start, self.lexicon.size), dtype=np.float32)
            for lang, term_map in maps.items():
                mask = sparse.diags((langs == lang).astype(np.float32))
                found = found + mask @ block @ term_map
            found = found.tocsr()
            found.sort_indices()
            self._append(found.indices.astype(np.int32), found.indptr)
            np.add.at(self._df, found.indices, 1.0)

    def _append(self, ids: np.ndarray, starts: np.ndarray) -> None:
        used = int(self._starts[-1])
        if used + len(ids) > len(self._ids):  # room for twice as many: appends stay cheap
            grown = np.zeros(max(2 * len(self._ids), used + len(ids)), dtype=np.int32)
            grown[:used] = self._ids[:used]
            self._ids = grown
        self._ids[used : used + len(ids)] = ids
        self._starts = np.concatenate([self._starts, used + starts[1:]])

    def _term_maps(self, terms: list[str]) -> dict[str, sparse.csr_matrix]:
        """Per language, a (lexical term x concept) matrix of which term means which concept;
        rebuilt only when new terms have concepts (an add usually brings none)."""
        grew = not self._built
        for term_id in range(self._mapped_terms, len(terms)):
            term = terms[term_id]
            if not term.startswith(("w:", "p:")):
                continue
            for lang, (term_ids, concepts) in self._maps.items():
                for concept in self.lexicon.term_concepts(term, lang):
                    term_ids.append(term_id)
                    concepts.append(concept)
                    grew = True
        self._mapped_terms = len(terms)
        shape = (len(terms), self.lexicon.size)
        if grew:
            self._built = {
                lang: sparse.csr_matrix(
                    (np.ones(len(term_ids), dtype=np.float32), (term_ids, concepts)), shape=shape
                )
                for lang, (term_ids, concepts) in self._maps.items()
            }
        for matrix in self._built.values():
            matrix.resize(shape)  # terms without concepts: empty rows
        return self._built

    def row(self, row: int) -> np.ndarray:
        """The concept ids of a synced row."""
        if row >= self.size:
            return np.zeros(0, dtype=np.int32)
        return self._ids[self._starts[row] : self._starts[row + 1]]

    def _idf(self) -> np.ndarray:
        n = max(self.size, 1)
        return np.log1p((n - self._df + 0.5) / (self._df + 0.5)).astype(np.float32)

    def shared(self, query: np.ndarray, english: bool, rows: np.ndarray) -> np.ndarray:
        """How much of the English side's words the other side translates, for a query's
        concepts against rows in the other language (0-1, each concept weighted by its idf):
        of an English query's words, those a row's translations hold; of an English row's
        words, those the query's translations hold."""
        out = np.zeros(len(rows), dtype=np.float32)
        if not len(query) or not len(self._df):
            return out
        idf = self._idf()
        marked = np.zeros(len(idf), dtype=bool)
        marked[query] = True
        rows = np.asarray(rows, dtype=np.int64)
        rows = np.where(rows < self.size, rows, self.size)  # unsynced rows: none
        starts = np.append(self._starts, self._starts[-1])[rows]
        lengths = np.append(np.diff(self._starts), 0)[rows]
        # each row's run of concept ids, side by side, and which row each belongs to
        which = np.repeat(np.arange(len(rows)), lengths)
        concepts = self._ids[
            np.arange(int(lengths.sum()))
            + np.repeat(starts - np.cumsum(lengths) + lengths, lengths)
        ]
        weights = idf[concepts]
        covered = np.bincount(which, weights * marked[concepts], minlength=len(rows))
        if english:
            query_weight = float(idf[query].sum())
            return (covered / query_weight).astype(np.float32) if query_weight > 0 else out
        row_weight = np.bincount(which, weights, minlength=len(rows))
        shares = covered / np.maximum(row_weight, 1e-9)
        return np.where(row_weight > 0, shares, 0.0).astype(np.float32)

    def raised(
        self,
        scores: np.ndarray,
        positions: np.ndarray,
        rows: np.ndarray,
        query: np.ndarray,
        english: bool,
    ) -> np.ndarray:
        """`scores` with those at `positions` (of index `rows` in the other language than the
        query) raised by the words they share (`with_shared_words`): the best
        CONCEPT_CANDIDATES of them by `scores`; the rest rank below them anyway."""
        if len(positions) > CONCEPT_CANDIDATES:
            best = np.argpartition(-scores[positions], CONCEPT_CANDIDATES - 1)[:CONCEPT_CANDIDATES]
            positions, rows = positions[best], rows[best]
        out = scores.copy()
        out[positions] = with_shared_words(scores[positions], self.shared(query, english, rows))
        return out
