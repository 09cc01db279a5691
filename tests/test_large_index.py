"""A large collection's index (past COMPACT_ROWS, lowered here): float16 vectors, a neighbour
graph proposing candidates, and the graph and lexical rows kept between opens, with edited,
deleted and new insights brought up to date at the next open."""

from __future__ import annotations

import pytest

from insights import InsightIn, KnowledgeBase
from tests.doubles import HashingEmbedder

TOPICS = ["courier parcel door", "invoice payment twice", "app login password", "store queue"]


@pytest.fixture
def small_threshold(monkeypatch):
    import insights.indexing
    import insights.search

    monkeypatch.setattr(insights.search, "COMPACT_ROWS", 40)
    monkeypatch.setattr(insights.indexing, "COMPACT_ROWS", 40)


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

    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())  # builds and saves
    assert kb.index.raw.compact and kb.index.raw.graph is not None
    assert kb.search("invoice payment twice note 5", k=1)[0].insight_id == exact
    graph = kb.core.indexing.graph_file()
    assert graph is not None and graph.exists()
    edited, deleted = ids[10], ids[11]
    kb.curation.edit(edited, InsightIn(text="refund arrived late from the warehouse"), by="Aino")
    kb.curation.delete(deleted)
    new = kb.add(InsightIn(text="the loyalty card scanner at the till froze")).insight.id
    kb.wait_for_links()
    kb.close()

    import insights.indexing

    split = []
    real_terms = insights.indexing.textlib.lexical_terms

    def counted(text, language):
        split.append(text)
        return real_terms(text, language)

    monkeypatch.setattr(insights.indexing.textlib, "lexical_terms", counted)
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())  # restores, then catches up
    monkeypatch.setattr(insights.indexing.textlib, "lexical_terms", real_terms)
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
