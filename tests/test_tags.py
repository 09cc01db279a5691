"""The governed tag set: synonyms land on their tag, merge and rename move every use in one
transaction, bad input is refused naming the field, suggestions come from the nearest tagged
insights, the tag board counts, and the Tags page in English and Finnish."""

from __future__ import annotations

import pytest

from insights import InsightIn, KnowledgeBase
from insights.acting import PermissionDenied
from language.text import escape_markdown
from tests.conftest import add_people
from tests.doubles import HashingEmbedder
from tests.test_pages import open_app, shared
from vocabulary.errors import InvalidInput, NotFound

TEXTS = [
    ("The sofa came two weeks late", ["Toimitus"], "Consumer"),
    ("Parcel left at the wrong door", ["delivery", "price"], "SMB"),
    ("Courier never rang the bell", ["deliveries"], "Consumer"),
    ("The invoice was far too dear", ["hinta"], "SMB"),
]


@pytest.fixture
def tagged(kb):
    kb.add_many([{"text": t, "tags": tags, "segment": s} for t, tags, s in TEXTS])
    return kb


def tags_of(kb) -> list[list[str]]:
    return [i.tags for i in sorted(kb.insights.browse(limit=50)[0], key=lambda i: i.id)]


def test_a_synonym_or_variant_is_stored_as_the_tags_name_everywhere(tagged):
    kb = tagged
    tag = kb.tags.promote(
        {
            "name": "delivery",
            "group": "Delivery",
            "synonyms_fi": "toimitus, toimitukset",
            "synonyms_en": ["deliveries"],
        }
    )
    assert tag.uses == 3 and tag.synonyms_fi == ["toimitukset", "toimitus"]
    assert tags_of(kb) == [["delivery"], ["delivery", "price"], ["delivery"], ["hinta"]]
    added = kb.add({"text": "Kuljettaja soitti ennen", "tags": [" TOIMITUKSET ", "Delivery"]})
    assert added.insight.tags == ["delivery"]
    edited = kb.curation.edit(added.insight.id, InsightIn(text="Kuljettaja", tags=["toimitus"]))
    assert edited.tags == ["delivery"]
    assert {f.name for f in kb.tags.free_tags()} == {"price", "hinta"}
    found = kb.insights.search("sofa", filters=None, tags=["toimitus"])
    assert found and all("delivery" in h.insight.tags for h in found)


def test_a_filter_on_a_tag_finds_insights_carrying_its_synonyms(kb):
    kb.add_many([{"text": "Old note", "tags": ["toimitus"]}])
    kb.tags.create({"name": "lähetys", "synonyms_en": ["shipping"]})
    # a synonym added later: insights that carried it moved onto the tag
    kb.tags.update("lähetys", {"synonyms_fi": ["toimitus"], "synonyms_en": ["shipping"]})
    rows, total = kb.insights.browse(kb.insights._filters(None, {"tags": "shipping"}))
    assert total == 1 and rows[0].tags == ["lähetys"]


def test_merge_moves_every_use_and_keeps_the_name_as_a_synonym(tagged):
    kb = tagged
    kb.tags.create({"name": "delivery", "group": "Delivery"})
    kb.tags.create({"name": "hinta", "group": "Price", "synonyms_en": "price"})
    merged = kb.tags.merge("price", "delivery")  # a synonym names its tag: hinta
    assert merged.name == "delivery" and set(merged.synonyms) >= {"hinta", "price"}
    assert tags_of(kb) == [["toimitus"], ["delivery"], ["deliveries"], ["delivery"]]
    assert [t.name for t in kb.tags.tag_set()] == ["delivery"]
    assert kb.add({"text": "New one", "tags": ["Hinta"]}).insight.tags == ["delivery"]
    versions = kb.insights.versions(4)
    assert versions and versions[-1].data.tags == ["hinta"]  # the history keeps the old one
    merged = kb.tags.merge("toimitus", "delivery")  # a free tag
    assert "toimitus" in merged.synonyms and tags_of(kb)[0] == ["delivery"]
    entries = kb.people.audit(entity="tag")
    assert [e.action for e in entries[:2]] == ["merge", "merge"]


def test_a_failed_merge_moves_nothing(tagged, monkeypatch):
    kb = tagged
    kb.tags.create({"name": "delivery", "group": "Delivery", "synonyms_en": "deliveries"})
    kb.tags.create({"name": "hinta", "group": "Price", "synonyms_en": "price"})
    before, versions = tags_of(kb), kb.repos.insights.current_versions([1, 2, 3, 4])
    moved = []

    def fails(cur, *args):  # the statement after the insights moved: their tags are written
        hinta = "SELECT count(*) FROM insights WHERE tags && ?::VARCHAR[]"
        moved.append(cur.execute(hinta, [["hinta"]]).fetchall()[0][0])
        raise OSError("the second statement fails")

    monkeypatch.setattr(kb.repos.tags, "move_synonyms", fails)
    with pytest.raises(OSError):
        kb.tags.merge("hinta", "delivery")
    assert moved == [0]  # the first statement had moved every use
    assert tags_of(kb) == before
    assert kb.repos.insights.current_versions([1, 2, 3, 4]) == versions
    assert [t.name for t in kb.tags.tag_set()] == ["delivery", "hinta"]
    assert kb.tags.canonical(["price"]) == ["hinta"]
    assert not [e for e in kb.people.audit(entity="tag") if e.action == "merge"]


def test_rename_moves_every_use_and_the_old_name_still_lands(tagged):
    kb = tagged
    kb.tags.create({"name": "hinta", "group": "Price"})
    renamed = kb.tags.rename("Hinta", "pricing")
    assert renamed.synonyms_other == ["hinta"] and tags_of(kb)[3] == ["pricing"]
    assert kb.add({"text": "Too dear", "tags": ["hinta"]}).insight.tags == ["pricing"]
    assert kb.people.audit(entity="tag")[0].action == "rename"


def test_delete_leaves_the_uses_as_free_tags(tagged):
    kb = tagged
    kb.tags.create({"name": "hinta", "synonyms_en": "price"})
    kb.tags.delete("hinta")
    assert kb.tags.tag_set() == [] and tags_of(kb)[1] == ["delivery", "hinta"]
    assert kb.people.audit(entity="tag")[0].action == "delete"


@pytest.mark.parametrize(
    ("write", "field"),
    [
        (lambda kb: kb.tags.create({"name": "  "}), "name"),
        (lambda kb: kb.tags.create({"name": "Delivery", "group": "Other"}), "name"),
        (lambda kb: kb.tags.create({"name": "new", "synonyms_fi": "hinta"}), "synonyms"),
        (lambda kb: kb.tags.create({"name": "new", "synonyms_fi": "price"}), "synonyms"),
        (lambda kb: kb.tags.update("delivery", {"synonyms_en": "hinta"}), "synonyms"),
        (lambda kb: kb.tags.merge("delivery", "Delivery"), "into"),
        (lambda kb: kb.tags.rename("delivery", "hinta"), "new name"),
        (lambda kb: kb.tags.rename("delivery", "price"), "new name"),
        (lambda kb: kb.tags.rename("delivery", " "), "new name"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(kb, write, field):
    kb.tags.create({"name": "delivery", "group": "Delivery"})
    kb.tags.create({"name": "hinta", "group": "Price", "synonyms_en": "price"})
    before = kb.tags.tag_set()
    with pytest.raises(InvalidInput) as refused:
        write(kb)
    assert refused.value.message.values.get("field") == field
    assert kb.tags.tag_set() == before


def test_unknown_tags_are_not_found(kb):
    with pytest.raises(NotFound):
        kb.tags.rename("nothing", "else")
    kb.tags.create({"name": "delivery"})
    with pytest.raises(NotFound):
        kb.tags.merge("nobody carries this", "delivery")


def test_contributors_add_free_tags_researchers_curate(kb):
    add_people(kb)
    mikko = kb.acting_as(kb.repos.people.user("mikko"))
    assert mikko.add({"text": "A free one", "tags": ["oma"]}).insight.tags == ["oma"]
    with pytest.raises(PermissionDenied):
        mikko.tags.promote({"name": "oma"})
    aino = kb.acting_as(kb.repos.people.user("aino"))
    aino.tags.promote({"name": "oma", "group": "Own"})
    entry = kb.people.audit(entity="tag")[0]
    assert (entry.action, entry.actor) == ("promote", "aino")


def test_suggestions_come_from_the_nearest_tagged_insights_with_why(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "s.duckdb", embedder=HashingEmbedder())
    kb.add_many(
        [
            {"text": "sofa delivery late again", "tags": ["delivery"]},
            {"text": "sofa delivery late by a week", "tags": ["delivery", "sofa"]},
            {"text": "invoice price too high", "tags": ["price"]},
        ]
    )
    found = kb.tags.suggest("the sofa delivery was late")
    assert found[0].tag == "delivery" and found[0].neighbours[:2] and found[0].of >= 2
    assert kb.tags.suggest("  ") == []
    kb.close()


def test_the_board_counts_tags_by_segment_and_opens_the_insights(tagged):
    kb = tagged
    board = kb.tags.board("segment")
    assert board.cell("delivery", "SMB").count == 1
    assert board.tags[0] in {"delivery", "toimitus", "deliveries", "price", "hinta"}
    kb.tags.create({"name": "delivery", "synonyms_fi": "toimitus", "synonyms_en": "deliveries"})
    board = kb.tags.board("segment")
    assert board.cell("delivery", "Consumer").count == 2
    cell = board.cell("delivery", "Consumer")
    assert [i.id for i in kb.tags.insights_of(cell.insight_ids)] == [3, 1]
    assert kb.tags.board("study").columns == [""]
    with pytest.raises(InvalidInput):
        kb.tags.board("colour")


# --- the page -------------------------------------------------------------------------------


def test_the_tags_page_merges_and_opens_a_board_cell(app_db):
    base = shared(app_db)
    base.add_many(
        [
            {"text": "Sohva myöhästyi", "tags": ["toimitus"], "segment": "Consumer"},
            {"text": "The parcel was late", "tags": ["delivery"], "segment": "SMB"},
        ]
    )
    base.tags.create({"name": "delivery", "group": "Delivery"})
    at = open_app("views/tags.py", user="aino")
    assert at.title[0].value == "Tags"
    at.selectbox(key="tag_merge_source").select("toimitus")  # a form: sent with Merge
    next(b for b in at.button if b.label == "Merge").click().run()
    assert not at.exception
    assert "Merged #toimitus into #delivery." in [m.value for m in at.success]
    assert [i.tags for i in base.insights.browse()[0]][:2] == [["delivery"], ["delivery"]]
    at.button(key="board-study-delivery-0").click().run()
    assert any("#delivery in" in s.value for s in at.subheader)


def test_a_viewer_sees_the_set_but_no_curation(app_db):
    at = open_app("views/tags.py", user="vera")
    assert not any(b.label == "Merge" for b in at.button)


def test_the_tags_page_in_finnish_has_no_english_words(tmp_path, monkeypatch):
    from tests.conftest import serve_to_app
    from tests.test_finnish_pages import english_words, finnish_only_file

    path = tmp_path / "fi.duckdb"
    finnish_only_file(path)
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    kb.add_many([{"text": "Kuljettaja soitti ennen", "tags": ["toimitus", "kuljettaja"]}])
    kb.tags.create({"name": "toimitus", "group": "Toimitus", "synonyms_en": "delivery"})
    kb.close()
    for _path in serve_to_app(path, HashingEmbedder(), monkeypatch):
        monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
        at = open_app("views/tags.py", user="aino")
        assert at.title[0].value == "Tunnisteet"
        assert {"Tunnistesarja", "Tunnistetaulu"} <= {t.label for t in at.tabs}
        assert not english_words(at), english_words(at)
        at.button(key="board-study-toimitus-0").click().run()
        assert any("#toimitus" in s.value for s in at.subheader)
        assert not english_words(at), english_words(at)


def test_add_offers_the_tags_of_similar_insights_and_a_tap_fills_the_tags_box(app_db):
    from tests.test_pages import check_similar

    base = shared(app_db)
    base.add_many(
        [
            {"text": "The parcel arrived late and the courier never called", "tags": ["delivery"]},
            {"text": "Parcel came late again, the courier did not call", "tags": ["delivery"]},
        ]
    )
    at = open_app("views/add.py", user="mikko")
    at.text_area(key="add_text").input("The parcel was late and the courier never called")
    check_similar(at)
    assert any("Suggested tags" in m.value for m in at.markdown)
    captions = " ".join(c.value for c in at.caption)
    assert "2 of the 2 most similar tagged insights have it" in captions  # why, with links
    at.button(key="add-tag-delivery").click().run()
    assert at.text_input(key="add_tags").value == "delivery"
    assert not any("Suggested tags" in m.value for m in at.markdown)  # carried now


def test_the_quick_note_offers_ranked_tags_and_a_tap_stores_one(app_db):
    base = shared(app_db)
    base.add_many(
        [
            {"text": "The parcel arrived late and the courier never called", "tags": ["delivery"]},
            {"text": "Sofa came broken, the courier dropped it", "tags": ["courier", "damage"]},
        ]
    )
    at = open_app("views/quick_note.py", user="mikko")
    at.text_area(key="quick_text").input("The parcel was late and the courier dropped it")
    next(b for b in at.button if b.label == "Save").click().run()
    saved = at.session_state["quick_saved"]
    keys = [b.key for b in at.button if (b.key or "").startswith(f"quick-tag-{saved}-")]
    assert keys, [b.key for b in at.button]
    at.button(key=keys[0]).click().run()
    assert base.get(saved).tags == [keys[0].rsplit("-", 1)[1]]


def test_tags_are_a_dimension_of_the_journey_map(kb):
    kb.add_many(
        [
            {
                "text": "Late sofa",
                "tags": ["delivery"],
                "journey_stage": "Delivery",
                "sentiment": "negative",
            },
            {"text": "Late parcel", "tags": ["delivery", "parcel"], "journey_stage": "Delivery"},
            {"text": "No tags here", "journey_stage": "Delivery"},
        ]
    )
    journey = kb.analysis.journey(rows="tag")
    cells = {(c.stage, c.segment): (c.insights, c.negative) for c in journey.cells}
    assert cells == {("Delivery", "delivery"): (2, 1), ("Delivery", "parcel"): (1, 0)}
    assert kb.analysis.journey().segments == ["(none)"]


def test_the_journey_page_shows_tags_as_rows(app_db):
    base = shared(app_db)
    base.add_many([{"text": "Late sofa", "tags": ["delivery"], "journey_stage": "Delivery"}])
    at = open_app("views/journey.py", user="aino")
    at.radio(key="journey-rows").set_value("Tags").run()
    assert not at.exception
    picked = next(s for s in at.selectbox if s.label == "Tag")
    assert picked.value == "delivery"


def test_an_import_and_a_bulk_edit_store_a_synonym_as_its_tag(kb, tmp_path):
    kb.tags.create({"name": "delivery", "synonyms_fi": "toimitus"})
    file = tmp_path / "notes.csv"
    file.write_text('id,text,tags\n1,Sohva myöhästyi,"Toimitus; hinta"\n', encoding="utf-8")
    report = kb.imports.import_file(
        file, mapping={"external_id": "id", "text": "text", "tags": "tags"}
    )
    assert report.inserted == 1, report
    stored = kb.insights.browse()[0][0]
    assert stored.tags == ["delivery", "hinta"]
    kb.curation.bulk_edit([stored.id], remove_tags=["TOIMITUS"], add_tags=["Hinta"])
    assert kb.get(stored.id).tags == ["hinta"]  # a synonym removes its tag
    kb.curation.bulk_edit([stored.id], add_tags=["Toimitus"])
    assert kb.get(stored.id).tags == ["hinta", "delivery"]


def test_a_rename_to_a_name_too_long_for_a_tag_is_refused_and_changes_nothing(kb):
    """Insights carry tags of at most 60 characters: a rename past that would leave them
    carrying a tag no edit of theirs could keep (every later edit refused)."""
    kb.add({"text": "A box came two hours late", "tags": ["delivery"]})
    kb.tags.create({"name": "delivery"})
    with pytest.raises(InvalidInput) as refused:
        kb.tags.rename("delivery", "d" * 61)
    assert refused.value.message.values.get("field") == "new name"
    assert [t.name for t in kb.tags.tag_set()] == ["delivery"]
    assert kb.insights.browse()[0][0].tags == ["delivery"]


def test_a_board_cell_shows_a_study_title_as_written_not_as_markup(app_db):
    base = shared(app_db)
    study = base.catalog.create_study({"title": "**Kassa** [klikkaa](https://example.com)"})
    base.add({"text": "The parcel was late", "tags": ["delivery"], "study_id": study.id})
    at = open_app("views/tags.py", user="aino")
    at.button(key="board-study-delivery-0").click().run()
    written = escape_markdown(study.title)
    assert written.startswith("\\*\\*Kassa\\*\\* \\[klikkaa\\]")
    assert f"#delivery in {written}" in [s.value for s in at.subheader]
    assert at.button(key="board-study-delivery-0").help == (
        f"Open the insights tagged delivery in {written}"
    )


def test_look_alike_tags_are_one_tag(kb):
    composed, combining = "\u00e9clair", "e\u0301clair"  # "éclair" typed two ways
    first = kb.add({"text": "Pastry counter ran out early", "tags": [composed]}).insight
    second = kb.add({"text": "Pastry counter empty at noon", "tags": [combining, "de\u200blivery"]})
    assert first.tags == ["éclair"] and second.insight.tags == ["éclair", "delivery"]
    kb.tags.create({"name": combining, "synonyms_fi": ["leivos\u00ad"]})
    assert kb.tags.canonical(["LEIVOS"]) == ["éclair"]
