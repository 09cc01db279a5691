"""A large collection's index (past COMPACT_ROWS, lowered here): int8 vectors, RaBitQ codes
proposing candidates, and the lexical rows kept between opens, with edited, deleted and new
insights brought up to date at the next open."""

from __future__ import annotations

import time

import numpy as np
import pytest

from insights import InsightIn, KnowledgeBase
from retrieval.dense import VectorIndex
from tests.doubles import HashingEmbedder

TOPICS = ["courier parcel door", "invoice payment twice", "app login password", "store queue"]


@pytest.fixture
def small_threshold(monkeypatch):
    import retrieval.ann

    monkeypatch.setattr(retrieval.ann, "COMPACT_ROWS", 40)  # the one place that holds it


def test_compact_rows_score_within_a_thousandth_of_float32(small_threshold):
    rng = np.random.default_rng(4)
    vectors = rng.normal(size=(300, 768)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(768, capacity=16, proposes=True)
    index.add(vectors[:30])
    assert not index.compact
    index.add(vectors[30:])  # past the threshold: int8 rows and codes
    assert index.compact and index.codes is not None
    assert index.stored().dtype == np.int8
    queries = vectors[:5] + 0.1 * rng.normal(size=(5, 768)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    exact = queries @ vectors.T
    found = index.similarities(queries)
    proposed = found > -1
    assert proposed.sum(axis=1).min() >= 10
    assert np.abs(found[proposed] - exact[proposed]).max() < 1e-3
    assert (np.argmax(found, axis=1) == np.arange(5)).all()  # each query's own source
    assert np.abs(index.rows(7) - vectors[7]).max() < 1e-3
    assert index.holds(7, vectors[7]) and not index.holds(7, vectors[8])
    index.set_rows(np.asarray([7]), vectors[8:9])
    assert index.holds(7, vectors[8])
    assert index.propose(vectors[8:9])[0][:2].tolist() in ([7, 8], [8, 7])  # codes follow
    index.add(vectors[:1])  # a new row after the switch gets its code too
    assert index.propose(vectors[:1])[0][:2].tolist() in ([0, 300], [300, 0])


def test_codes_propose_the_nearest_rows_of_clustered_vectors():
    from concurrent.futures import ThreadPoolExecutor

    import faiss

    from retrieval.ann import RaBitQCodes

    rng = np.random.default_rng(9)
    centres = rng.normal(size=(50, 384)).astype(np.float32)
    rows = centres[rng.integers(50, size=5000)] + 0.8 * rng.normal(size=(5000, 384))
    rows = (rows / np.linalg.norm(rows, axis=1, keepdims=True)).astype(np.float32)
    queries = rows[:20] + 0.3 * rng.normal(size=(20, 384)).astype(np.float32)
    exact = np.argsort(-(queries @ rows.T), axis=1)[:, :10]
    index = VectorIndex(384, capacity=5000)
    index.add(rows)
    threads = faiss.omp_get_max_threads()  # this thread's OpenMP count (torch shares it)
    with ThreadPoolExecutor(2) as pool:
        codes = RaBitQCodes.build(index, pool, 2)  # two shards, filled and searched side by side
        proposed = codes.candidates(queries, count=500, pool=pool)
    # a flat set (rank 10 and rank 100 differ by 0.04): a tenth of the rows holds the top 10
    held = np.mean([len(set(e) & set(p)) / 10 for e, p in zip(exact, proposed, strict=True)])
    assert held >= 0.95
    assert faiss.omp_get_max_threads() == threads
    assert all(len(p) == 500 and len(set(p.tolist())) == 500 for p in proposed)
    # a changed row is found for its new vector, and proposed once
    codes.put([3], queries[5:6])
    again = codes.candidates(queries[5:6], count=100)[0]
    assert 3 in again[:3]
    assert len(set(again.tolist())) == len(again)


def texts(n: int) -> list[str]:
    return [f"{TOPICS[i % 4]} note {i} customer said {i % 7} times" for i in range(n)]


def test_a_large_index_is_compact_and_survives_reopening_with_changes(
    small_threshold, tmp_path, monkeypatch
):
    path = tmp_path / "large.duckdb"
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    ids = kb.add_many([InsightIn(text=t) for t in texts(120)])
    kb.wait_for_links()
    exact = kb.search("invoice payment twice note 5", k=1)[0].insight_id
    kb.close()

    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())  # codes built, lexical rows saved
    assert kb.index.raw.compact and kb.index.raw.codes is not None
    assert kb.search("invoice payment twice note 5", k=1)[0].insight_id == exact
    kb.core.indexing.wait_saved()
    lexicon = kb.core.indexing._lexicon_file()
    assert lexicon is not None and lexicon.exists()
    edited, deleted = ids[10], ids[11]
    kb.curation.edit(edited, InsightIn(text="refund arrived late from the warehouse"), by="Aino")
    kb.curation.delete(deleted)
    new = kb.add(InsightIn(text="the loyalty card scanner at the till froze")).insight.id
    kb.wait_for_links()
    kb.close()

    import insights.runtime.indexing

    split = []
    real_terms = insights.runtime.indexing.textlib.lexical_terms

    def counted(text, language):
        split.append(text)
        return real_terms(text, language)

    monkeypatch.setattr(insights.runtime.indexing.textlib, "lexical_terms", counted)
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())  # restores, then catches up
    monkeypatch.setattr(insights.runtime.indexing.textlib, "lexical_terms", real_terms)
    try:
        # only the edited and the new text are split again; the other 118 rows were saved
        assert sorted(split) == sorted(
            ["refund arrived late from the warehouse", "the loyalty card scanner at the till froze"]
        )
        assert kb.index.raw.compact
        assert kb.search("refund from the warehouse", k=1)[0].insight_id == edited
        assert kb.search("loyalty card scanner", k=1)[0].insight_id == new
        assert deleted not in [h.insight_id for h in kb.search(texts(12)[11], k=10)]
        assert kb.search("invoice payment twice note 5", k=1)[0].insight_id == exact
    finally:
        kb.close()


def test_read_ahead_keeps_order_raises_the_readers_error_and_closes_early():
    from insights.runtime.indexing import read_ahead

    assert list(read_ahead(iter(range(50)))) == list(range(50))

    def failing():
        yield 1
        raise ValueError("chunk 2 unreadable")

    with pytest.raises(ValueError, match="chunk 2"):
        list(read_ahead(failing()))

    closed = []

    def chunks():
        try:
            yield from range(1000)
        finally:
            closed.append(True)

    for item in read_ahead(chunks()):
        if item == 3:
            break
    deadline = time.monotonic() + 5
    while not closed and time.monotonic() < deadline:
        time.sleep(0.05)
    assert closed  # the reader stopped and let the database cursor go


def test_an_id_being_added_reads_as_absent_until_its_row_is_there():
    from retrieval.hybrid import HybridIndex

    index = HybridIndex(8)
    index.add([1], np.eye(8, dtype=np.float32)[:1], ["en"], [["courier"]])
    assert 1 in index and 2 not in index
    index.row_of[2] = 1  # what a reader without the lock can see mid-`add`
    assert 2 not in index


def test_a_narrow_filter_over_a_large_index_scores_each_of_its_rows(
    small_threshold, tmp_path, monkeypatch
):
    query = "invoice payment twice note customer said times"  # SMB's texts, near word for word
    kb = KnowledgeBase.open(tmp_path / "filtered.duckdb", embedder=HashingEmbedder())
    kb.add_many([InsightIn(text=t, segment="SMB") for t in texts(120)])
    few = kb.add_many(
        [
            InsightIn(text="invoice payment twice for the enterprise account", segment="ENT"),
            InsightIn(text="store queue at the enterprise pilot site", segment="ENT"),
        ]
    )
    kb.wait_for_links()
    kb.close()
    kb = KnowledgeBase.open(tmp_path / "filtered.duckdb", embedder=HashingEmbedder())
    try:
        assert kb.index.raw.codes is not None
        original = VectorIndex.propose  # the codes propose 5 rows: all of them from SMB
        monkeypatch.setattr(
            VectorIndex, "propose", lambda self, q, count=None: original(self, q, 5)
        )
        proposed = set(kb.index.raw.propose(kb.embedder.embed([query]))[0])
        assert not proposed & {kb.index.row_of[i] for i in few}

        hits = kb.search(query, k=2, segment="ENT")
        assert [h.insight_id for h in hits] == few
        expected = kb.embedder.embed([query, kb.get(few[0]).text])
        assert hits[0].dense_score == pytest.approx(float(expected[0] @ expected[1]), abs=0.02)
        assert hits[1].dense_score > -1  # scored, not counted unrelated

        import retrieval.hybrid

        monkeypatch.setattr(retrieval.hybrid, "FILTERED_EXACT_ROWS", 1)  # a wide filter
        wide = kb.search(query, k=2, segment="ENT")
        assert min(h.dense_score for h in wide) == -1  # left to the proposed rows
    finally:
        kb.close()
