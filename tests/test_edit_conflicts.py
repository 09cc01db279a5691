"""Two people editing the same insights at once: the later save is refused with EditConflict
(nothing of it stored), the merge offered keeps both edits, and a race of real threads loses no
update (issue 26, finding A). DuckDB and PostgreSQL."""

from __future__ import annotations

import threading

import pytest

from insights import EditConflict, InsightIn, KnowledgeBase
from insights.rules.conflicts import differences, merge_edit
from tests.doubles import HashingEmbedder


def _form(insight, **changes) -> InsightIn:
    """What an edit form loaded from `insight` hands in after the person changed `changes`."""
    data = insight.model_dump(include=set(InsightIn.model_fields)) | {"language": None}
    return InsightIn.model_validate(data | changes)


def test_second_writer_gets_a_conflict_and_the_merge_keeps_both_edits(kb):
    added = kb.add(InsightIn(text="Checkout is slow on mobile", segment="SMB"))
    insight_id = added.insight.id
    loaded_by_a = kb.get(insight_id)  # both open the edit form at version 1
    loaded_by_b = kb.get(insight_id)
    assert loaded_by_a.version == loaded_by_b.version == 1

    saved = kb.curation.edit(
        insight_id,
        _form(loaded_by_a, text="Checkout takes 40 s on mobile"),
        by="aino",
        expected_version=1,
    )
    assert saved.version == 2
    mine = _form(loaded_by_b, tags=["checkout", "mobile"], touchpoint="app")
    with pytest.raises(EditConflict) as refused:
        kb.curation.edit(insight_id, mine, by="mikko", expected_version=1)
    changed = refused.value.changed[0]
    assert (changed.insight_id, changed.expected_version, changed.current_version) == (
        insight_id,
        1,
        2,
    )
    assert changed.changed_by == "aino" and changed.changed_at is not None
    message = str(refused.value)
    assert f"#{insight_id}" in message and "aino" in message and "version 1" in message
    stored = kb.get(insight_id)  # nothing of B's edit was stored
    assert (stored.version, stored.tags, stored.touchpoint) == (2, [], None)
    assert [v.version for v in kb.insights.versions(insight_id)] == [1]

    # What the edit page shows, and its "Merge": theirs stays, my separate changes are kept.
    assert {name for name, _, _ in differences(stored, mine)} == {"text", "tags", "touchpoint"}
    merged = merge_edit(loaded_by_b, stored, mine)
    assert merged.version == 2 and merged.clashes == [] and merged.my_text is None
    final = kb.curation.edit(insight_id, merged.draft, by="mikko", expected_version=2)
    assert final.version == 3
    assert final.text == "Checkout takes 40 s on mobile"  # A's edit
    assert final.tags == ["checkout", "mobile"] and final.touchpoint == "app"  # B's edit
    assert [v.version for v in kb.insights.versions(insight_id)] == [1, 2]


def test_both_changing_the_text_keeps_theirs_and_hands_mine_back(kb):
    insight_id = kb.add(InsightIn(text="Refunds are slow", tags=["refund"])).insight.id
    started = kb.get(insight_id)
    kb.curation.edit(
        insight_id,
        _form(started, text="Refunds take two weeks", tags=["refund", "finance"]),
        expected_version=1,
    )
    mine = _form(started, text="Refunds take ten days", tags=["refund", "support"])
    with pytest.raises(EditConflict):
        kb.curation.edit(insight_id, mine, expected_version=1)
    merged = merge_edit(started, kb.get(insight_id), mine)
    assert merged.clashes == ["text"] and merged.my_text == "Refunds take ten days"
    assert merged.draft.text == "Refunds take two weeks"
    assert merged.draft.tags == ["refund", "finance", "support"]  # the union of both
    # A tag I removed stays removed; one they removed stays removed.
    started = kb.get(insight_id)
    kb.curation.edit(insight_id, _form(started, tags=["refund"]), expected_version=2)
    mine = _form(started, tags=["finance", "late"])
    assert merge_edit(started, kb.get(insight_id), mine).draft.tags == ["late"]


def test_edits_without_an_expected_version_behave_as_before(kb):
    insight_id = kb.add(InsightIn(text="Delivery was late")).insight.id
    stale = kb.get(insight_id)
    kb.curation.edit(insight_id, _form(stale, tags=["delivery"]))
    kb.curation.edit(insight_id, _form(stale, segment="SMB"))  # the last save wins
    stored = kb.get(insight_id)
    assert (stored.version, stored.segment, stored.tags) == (3, "SMB", [])


def _by_id(kb, ids: list[int]) -> dict:
    return {i.id: i for i in kb.insights.insights_by_id(ids)}


def test_a_bulk_edit_racing_a_single_edit(kb):
    ids = kb.add_many([InsightIn(text=f"Invoice question number {n}") for n in range(49)])
    seen = {i.id: i.version for i in _by_id(kb, ids).values()}
    form = kb.get(ids[0])  # someone opens the edit form of the first one

    # 1. The bulk edit lands first: the later single edit is refused, its merge keeps the tag.
    assert kb.curation.bulk_edit(ids, add_tags=["billing"], expected_versions=seen) == 49
    mine = _form(form, title="Invoices confuse")
    with pytest.raises(EditConflict) as refused:
        kb.curation.edit(ids[0], mine, expected_version=form.version)
    assert refused.value.changed[0].current_version == 2
    merged = merge_edit(form, kb.get(ids[0]), mine)
    kb.curation.edit(ids[0], merged.draft, expected_version=merged.version)
    by_id = _by_id(kb, ids)
    assert sum("billing" in i.tags for i in by_id.values()) == 49  # none of 49 wiped
    assert by_id[ids[0]].title == "Invoices confuse"

    # 2. A single edit lands first: the bulk edit begun before it is refused as a whole.
    seen = {i.id: i.version for i in by_id.values()}
    kb.curation.edit(ids[5], _form(kb.get(ids[5]), tags=["billing", "vat"]), by="aino")
    with pytest.raises(EditConflict) as refused:
        kb.curation.bulk_edit(
            ids, remove_tags=["billing"], add_tags=["invoice"], expected_versions=seen
        )
    assert [c.insight_id for c in refused.value.changed] == [ids[5]]
    assert refused.value.changed[0].changed_by == "aino"
    after = _by_id(kb, ids)
    assert all(after[i].version == seen[i] for i in ids if i != ids[5])  # nothing stored
    assert all("invoice" not in i.tags for i in after.values())
    # Applied again to the current versions: a change of tags, so the other edit stays.
    seen = {i.id: i.version for i in after.values()}
    kb.curation.bulk_edit(
        ids, remove_tags=["billing"], add_tags=["invoice"], expected_versions=seen
    )
    after = _by_id(kb, ids)
    assert after[ids[5]].tags == ["vat", "invoice"]
    assert all(i.tags == ["invoice"] for n, i in after.items() if n != ids[5])


@pytest.mark.parametrize("writers", ["one process", "two processes"])
def test_two_threads_editing_one_insight_lose_no_update(kb, store, writers):
    if writers == "two processes" and not store.startswith("postgresql"):
        pytest.skip("one DuckDB file is opened by one process")
    other = (
        kb if writers == "one process" else KnowledgeBase.open(store, embedder=HashingEmbedder())
    )
    insight_id = kb.add(InsightIn(text="Search finds nothing for typos")).insight.id
    conflicts = {"a": 0, "b": 0}
    bumps: list[tuple[int, int]] = []
    errors: list[BaseException] = []
    start = threading.Barrier(2)

    def writer(base, name: str) -> None:
        try:
            start.wait()
            for n in range(50):
                while True:
                    current = base.get(insight_id)
                    changes = _form(current, tags=[*current.tags, f"{name}{n}"])
                    try:
                        saved = base.curation.edit(
                            insight_id, changes, by=name, expected_version=current.version
                        )
                    except EditConflict:
                        conflicts[name] += 1
                        continue
                    bumps.append((current.version, saved.version))
                    break
        except BaseException as error:  # reported below, not lost in the thread
            errors.append(error)

    threads = [
        threading.Thread(target=writer, args=(kb, "a")),
        threading.Thread(target=writer, args=(other, "b")),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    if other is not kb:
        other.close()
    assert not errors, errors
    stored = kb.get(insight_id)
    assert stored.version == 101  # 100 saves, each one version on
    assert sorted(stored.tags) == sorted([f"{w}{n}" for w in "ab" for n in range(50)])
    assert all(after == before + 1 for before, after in bumps)  # as each save saw it
    assert [v.version for v in kb.insights.versions(insight_id)] == list(range(1, 101))
    dialect = "postgresql" if store.startswith("postgresql") else "duckdb"
    print(f"\n{dialect}, {writers}: {conflicts} refused, 100 saves, none lost")
