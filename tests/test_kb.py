"""The KnowledgeBase on real DuckDB files, with the fake embedder (pure logic)."""

from __future__ import annotations

import pytest

from insights import InsightIn, InvalidInput, KnowledgeBase, NotFound, SearchFilters, StudyIn
from tests.doubles import HashingEmbedder

TEXTS = [
    "Checkout is slow on mobile phones",
    "The delivery arrived late again",
    "Customers cannot find the discount code field at checkout",
    "Invoices should be sent as e-invoices to companies",
    "Toimitus myöhästyi taas torstaina",
]


def test_add_many_returns_ids_in_order_and_reports_progress(kb):
    calls = []
    ids = kb.add_many(
        [InsightIn(text=t) for t in TEXTS], progress=lambda d, t: calls.append((d, t))
    )
    assert len(ids) == len(set(ids)) == 5
    assert [kb.get(i).text for i in ids] == TEXTS
    assert calls[-1] == (5, 5)


def test_readding_same_content_returns_existing_id(kb):
    first = kb.add_many([InsightIn(text="Slow checkout on mobile")])
    again = kb.add_many([InsightIn(text="  slow   CHECKOUT on mobile "), InsightIn(text="Other")])
    assert again[0] == first[0]
    assert kb.count() == 2
    result = kb.add(InsightIn(text="slow checkout on mobile"))
    assert result.created is False and result.insight.id == first[0]


def test_same_external_id_from_same_source_is_not_duplicated(kb):
    a = kb.add_many([InsightIn(text="v1", source="survey", external_id="R-1")])
    b = kb.add_many([InsightIn(text="v2 changed", source="survey", external_id="R-1")])
    c = kb.add_many([InsightIn(text="v3", source="interview", external_id="R-1")])
    assert a == b and c != a


def test_duplicates_inside_one_batch_are_stored_once(kb):
    ids = kb.add_many([InsightIn(text="same"), InsightIn(text="Same"), InsightIn(text="other")])
    assert ids[0] == ids[1] != ids[2]
    assert kb.count() == 2


def test_bad_row_stores_nothing_and_names_row_and_field(kb):
    rows = [{"text": "fine"}, {"text": "   "}, {"text": "also fine"}]
    with pytest.raises(InvalidInput) as error:
        kb.add_many(rows)
    assert "Row 2" in str(error.value) and "text" in str(error.value)
    assert kb.count() == 0


def test_search_finds_and_filters(kb):
    kb.add_many(
        [
            InsightIn(text=TEXTS[0], segment="SMB"),
            InsightIn(text=TEXTS[1], segment="Consumer"),
            InsightIn(text=TEXTS[2], segment="SMB", tags=["checkout"]),
        ]
    )
    hits = kb.search("checkout", k=10)
    assert hits[0].insight.text in (TEXTS[0], TEXTS[2])
    assert all(h.score >= hits[-1].score for h in hits)
    assert {h.insight.segment for h in kb.search("checkout", segment="SMB")} == {"SMB"}
    tagged = kb.search("checkout", filters=SearchFilters(tags=["checkout"]))
    assert [h.insight.text for h in tagged] == [TEXTS[2]]
    assert kb.search("   ") == []


def test_search_pagination_has_no_overlap(kb):
    kb.add_many([InsightIn(text=f"checkout note number {i}") for i in range(25)])
    first = [h.insight_id for h in kb.search("checkout note", k=10)]
    second = [h.insight_id for h in kb.search("checkout note", k=10, offset=10)]
    assert len(first) == len(second) == 10 and not set(first) & set(second)


def test_related_never_returns_itself_deleted_or_rejected(kb):
    ids = kb.add_many([InsightIn(text=t) for t in TEXTS])
    related = [h.insight_id for h in kb.related(ids[0], k=10)]
    assert ids[0] not in related and len(related) == 4
    kb.curation.delete(ids[2])
    kb.curation.reject_link(ids[0], ids[1])
    related = [h.insight_id for h in kb.related(ids[0], k=10)]
    assert ids[2] not in related and ids[1] not in related
    with pytest.raises(NotFound):
        kb.related(ids[2])


def test_rejected_link_is_never_suggested_again(kb):
    a = kb.add(InsightIn(text="checkout slow mobile app payment")).insight.id
    b = kb.add(InsightIn(text="checkout slow mobile app payment step"))
    assert a in [link.other_id for link in b.links]
    kb.curation.reject_link(b.insight.id, a, by="Aino")
    assert a not in [link.other_id for link in kb.insights.links(b.insight.id)]
    kb.curation.edit(b.insight.id, InsightIn(text="checkout slow mobile app payment page"))
    assert a not in [link.other_id for link in kb.insights.links(b.insight.id)]


def test_confirm_link_is_kept_with_who(kb):
    a, b = kb.add_many([InsightIn(text=TEXTS[0]), InsightIn(text=TEXTS[2])])
    kb.curation.confirm_link(a, b, by="Sara")
    link = next(link for link in kb.insights.links(a) if link.other_id == b)
    assert link.status == "confirmed" and link.decided_by == "Sara"
    with pytest.raises(InvalidInput):
        kb.curation.confirm_link(a, a)


def test_edit_keeps_every_version(kb):
    insight_id = kb.add(InsightIn(text="first wording", team="Sales")).insight.id
    kb.curation.edit(insight_id, InsightIn(text="second wording", team="Sales"), by="Mikko")
    edited = kb.curation.edit(insight_id, InsightIn(text="third wording", team="Sales"), by="Leena")
    assert edited.text == "third wording" and edited.version == 3
    versions = kb.insights.versions(insight_id)
    assert [v.data.text for v in versions] == ["first wording", "second wording"]
    assert [v.edited_by for v in versions] == ["Mikko", "Leena"]
    assert kb.search("third wording")[0].insight_id == insight_id


def test_soft_delete_and_restore(kb, store):
    ids = kb.add_many([InsightIn(text=t) for t in TEXTS])
    kb.curation.delete(ids[0])
    assert ids[0] not in [h.insight_id for h in kb.search(TEXTS[0], k=10)]
    with pytest.raises(NotFound):
        kb.get(ids[0])
    assert kb.get(ids[0], include_deleted=True).deleted_at is not None
    kb.close()
    reopened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    reopened.curation.restore(ids[0])
    assert reopened.search(TEXTS[0], k=1)[0].insight_id == ids[0]
    reopened.close()


def test_evidence_attaches_text_to_existing_insight(kb):
    insight_id = kb.add(InsightIn(text=TEXTS[1])).insight.id
    kb.curation.add_evidence(
        insight_id, InsightIn(text="Delivery late again, second customer", author="Petri")
    )
    evidence = kb.curation.evidence(insight_id)
    assert [e.text for e in evidence] == ["Delivery late again, second customer"]
    assert kb.count() == 1


def test_studies_and_their_findings(kb):
    study = kb.catalog.create_study(
        StudyIn(title="Checkout test", method="usability test", owner="Sara")
    )
    kb.add_many(
        [InsightIn(text=t, study_id=study.id) for t in TEXTS[:3]] + [InsightIn(text=TEXTS[3])]
    )
    findings, total = kb.catalog.study_insights(study.id, limit=2)
    assert total == 3 and len(findings) == 2
    assert kb.catalog.studies()[0].insight_count == 3
    with pytest.raises(InvalidInput):
        kb.catalog.create_study({"title": " "})
    with pytest.raises(InvalidInput):
        kb.catalog.create_study(
            {"title": "x", "started_on": "2026-05-02", "ended_on": "2026-05-01"}
        )


def test_choice_lists_have_defaults_and_can_grow(kb):
    assert "SMB" in kb.catalog.choices("segment")
    assert kb.catalog.add_choice("touchpoint", "Parcel locker")[-1] == "Parcel locker"
    assert kb.catalog.choices("touchpoint").count("Parcel locker") == 1
    kb.catalog.add_choice("touchpoint", "Parcel locker")
    assert kb.catalog.choices("touchpoint").count("Parcel locker") == 1
    with pytest.raises(InvalidInput):
        kb.catalog.add_choice("kind", "anything")


def test_reopen_keeps_index(kb, store):
    ids = kb.add_many([InsightIn(text=t) for t in TEXTS])
    before = [h.insight_id for h in kb.related(ids[0], k=3)]
    kb.close()
    reopened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    assert [h.insight_id for h in reopened.related(ids[0], k=3)] == before
    reopened.close()


def test_model_change_reembeds_only_stale_and_never_mixes(kb, store):
    kb.add_many([InsightIn(text=t) for t in TEXTS])
    kb.close()
    calls = []
    other = HashingEmbedder(dim=64, model_id="test/other-model")
    reopened = KnowledgeBase.open(store, embedder=other, progress=lambda d, t: calls.append((d, t)))
    assert calls[-1] == (5, 5)
    assert reopened.index.raw.vectors().shape == (5, 64)
    reopened.close()
    calls.clear()
    again = KnowledgeBase.open(store, embedder=other, progress=lambda d, t: calls.append((d, t)))
    assert calls == []  # nothing stale the second time
    again.close()


def test_merge_keeps_both_texts_and_hides_the_duplicate(kb):
    keep, dup = kb.add_many(
        [InsightIn(text=TEXTS[1]), InsightIn(text="Delivery arrived late again!")]
    )
    kb.curation.merge(keep, dup, by="Petri")
    assert [e.text for e in kb.curation.evidence(keep)] == ["Delivery arrived late again!"]
    assert kb.get(dup, include_deleted=True).deleted_at is not None
    assert dup not in [h.insight_id for h in kb.related(keep, k=5)]
    kb.curation.restore(dup)
    assert kb.get(dup).text == "Delivery arrived late again!"
    with pytest.raises(InvalidInput):
        kb.curation.merge(keep, keep)


def test_bulk_links_follow_in_background_and_resume_after_close(kb, store):
    texts = [f"checkout step {i % 7} was slow for customer group {i % 11}" for i in range(600)]
    ids = kb.add_many([InsightIn(text=t) for t in texts])
    assert kb.search("checkout step 3", k=1)  # searchable before linking finished
    kb.close()  # may stop the linker half-way
    reopened = KnowledgeBase.open(store, embedder=HashingEmbedder())
    assert reopened.wait_for_links(timeout=120)
    assert reopened.repos.insights.unlinked_ids() == []
    assert any(reopened.insights.links(i) for i in ids[:20])
    reopened.close()


def test_every_public_model_is_importable_from_insights():
    """A model any service returns can be imported from `insights` (DESIGN.md's promise)."""
    import importlib
    import inspect
    import pkgutil

    from pydantic import BaseModel

    import insights

    missing = set()
    for module in pkgutil.iter_modules(insights.__path__):
        loaded = importlib.import_module(f"insights.{module.name}")
        for name, member in inspect.getmembers(loaded, inspect.isclass):
            public = not name.startswith("_") and name not in insights.__all__
            if public and issubclass(member, BaseModel) and member.__module__ == loaded.__name__:
                missing.add(name)
    assert not missing, sorted(missing)
