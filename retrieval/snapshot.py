"""The lexical index of a large collection, kept between opens.

Splitting a text into stems and n-grams and weighing them takes about 0.1 ms, which is two
minutes over a million insights. At open the saved weighted rows of every insight whose text is
unchanged (same id and content hash) are taken as they are; only new or edited ones are split
again. Saved beside the database (or for PostgreSQL in the data folder), only past
`COMPACT_ROWS` (retrieval/ann.py).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import threading
from pathlib import Path

import numpy as np
from scipy import sparse

from retrieval.lexical import LexicalIndex

log = logging.getLogger(__name__)


def row_keys(ids: np.ndarray, hashes: list[str]) -> np.ndarray:
    """One 64-bit key per (insight id, content hash), the same in every process."""
    keys = [
        int.from_bytes(hashlib.blake2b(f"{int(i)}:{h}".encode(), digest_size=8).digest(), "big")
        >> 1
        for i, h in zip(ids, hashes, strict=True)
    ]
    return np.asarray(keys, dtype=np.int64) if keys else np.zeros(0, np.int64)


class SavedLexicon:
    """A saved lexical index: the weighted row of each (id, content hash) key."""

    def __init__(self, terms: list[str], features, rows: sparse.csr_matrix, lengths, keys):
        self.terms, self.features, self.rows, self.lengths = terms, features, rows, lengths
        order = np.argsort(keys)
        self._sorted_keys, self._order = keys[order], order

    @classmethod
    def load(cls, path: Path | None) -> SavedLexicon | None:
        """The saved index at `path`, None when there is none (or it cannot be read)."""
        if path is None or not path.exists():
            return None
        try:
            with np.load(path, allow_pickle=False) as data:
                rows = sparse.csr_matrix(
                    (data["data"], data["indices"], data["indptr"]), shape=tuple(data["shape"])
                )
                terms = json.loads(path.with_suffix(".terms.json").read_text(encoding="utf-8"))
                return cls(terms, data["features"], rows, data["lengths"], data["keys"])
        except (OSError, ValueError, KeyError) as error:
            log.info("the saved lexical index is not usable (%s)", error)
            return None

    def find(self, keys: np.ndarray) -> np.ndarray:
        """The saved row of each key, -1 where it has none."""
        at = np.searchsorted(self._sorted_keys, keys)
        at = np.minimum(at, max(len(self._sorted_keys) - 1, 0))
        hit = len(self._sorted_keys) > 0
        found = (self._sorted_keys[at] == keys) if hit else np.zeros(len(keys), dtype=bool)
        return np.where(found, self._order[at] if hit else -1, -1)

    def seed(self, index: LexicalIndex) -> None:
        """Start `index` with this vocabulary."""
        index.seed(self.terms, np.asarray(self.features))

    def add_rows(self, index: LexicalIndex, saved: np.ndarray) -> None:
        """Append these saved rows to `index` (seeded with this vocabulary); all of them in
        their saved order (the usual reopening) are handed over without a copy."""
        if len(saved) == self.rows.shape[0] and np.array_equal(saved, np.arange(len(saved))):
            index.add_stored(self.rows, self.lengths)
        else:
            index.add_stored(self.rows[saved], self.lengths[saved])


def save_lexicon(index: LexicalIndex, keys: np.ndarray, path: Path) -> threading.Thread:
    """Save a compacted index with the key of each row, in a background thread."""
    terms, features, rows, lengths = index.saved_state()

    def write() -> None:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(path.name + ".partial.npz")
            np.savez(
                partial,
                data=rows.data,
                indices=rows.indices,
                indptr=rows.indptr,
                shape=np.asarray(rows.shape),
                features=features,
                lengths=lengths,
                keys=keys,
            )
            terms_file = path.with_suffix(".terms.json")
            terms_file.with_name(terms_file.name + ".partial").write_text(
                json.dumps(terms), encoding="utf-8"
            )
            os.replace(terms_file.with_name(terms_file.name + ".partial"), terms_file)
            os.replace(partial, path)
        except OSError as error:  # a cache: the next open splits the texts again
            log.warning("the lexical index could not be saved (%s)", error)

    thread = threading.Thread(target=write, name="oivallus-save-lexicon", daemon=True)
    thread.start()
    return thread
