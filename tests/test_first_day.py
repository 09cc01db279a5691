"""Issue 11: what a researcher, a field employee and a team lead tripped over on day one.
Each test failed before its fix."""

from __future__ import annotations

import random
import time

import pytest

from insights.acting import PermissionDenied
from readers.mapping import guess_mapping, row_plan, unclear_scores
from vocabulary.errors import ReadError
from vocabulary.knowledge import SearchFilters


def _rows(column: str, values: list[str]) -> list[dict[str, str]]:
    return [
        {column: v, "review": f"Review number {i} says the delivery was late again"}
        for i, v in enumerate(values)
    ]


# --- 1. a score column's scale comes from its values ------------------------------------------


def test_a_one_to_five_rating_is_csat_and_the_review_is_the_text():
    rows = _rows("rating", [str(random.Random(i).randint(1, 5)) for i in range(200)])
    mapping = guess_mapping(["review", "rating"], rows)
    assert mapping == {"text": "review", "csat": "rating"}


def test_scales_from_values():
    for values, field in (
        (["1", "7", "4"], "ces"),
        (["0", "10", "6"], "score"),
        (["2", "5"], "csat"),
    ):
        assert guess_mapping(["review", "stars"], _rows("stars", values))[field] == "stars"


def test_an_out_of_scale_score_is_not_guessed_but_asked():
    rows = _rows("score", ["12", "88", "100"])
    mapping = guess_mapping(["review", "score"], rows)
    assert set(mapping) == {"text"}
    assert unclear_scores(["review", "score"], rows) == {"score": "12-100"}


def test_a_column_named_nps_stays_nps_whatever_its_values():
    assert guess_mapping(["review", "nps"], _rows("nps", ["3", "4"]))["score"] == "nps"


def test_finnish_and_english_column_names():
    rows = [
        {
            "kommentti": "Sovellus kaatuu aina maksaessa, todella ärsyttävää",
            "tähdet": "2",
            "arvosana": "4",
        }
    ]
    assert guess_mapping(["kommentti", "tähdet"], rows) == {"text": "kommentti", "csat": "tähdet"}
    assert guess_mapping(["comment", "arvosana"], [{"comment": "x y", "arvosana": "9"}]) == {
        "text": "comment",
        "score": "arvosana",
    }
    arvio_text = [{"arvio": "Kuljettaja oli ystävällinen mutta myöhässä", "pvm": "1.2.2026"}]
    assert guess_mapping(["arvio", "pvm"], arvio_text)["text"] == "arvio"
    arvio_number = [{"palaute": "Hyvä palvelu kaikin puolin", "arvio": "3"}]
    assert guess_mapping(["palaute", "arvio"], arvio_number) == {"text": "palaute", "csat": "arvio"}


def test_an_unnamed_free_text_column_is_still_the_text():
    rows = [{"kenttä": "The parcel arrived two days after the promised date", "x": "1"}] * 3
    assert guess_mapping(["kenttä", "x"], rows)["text"] == "kenttä"


def test_row_plan_counts_insights_and_responses():
    rows = [{"review": "Late again", "rating": "2"}, {"review": "", "rating": "5"}]
    assert row_plan({"text": "review", "csat": "rating"}, rows) == {
        "insights": 1,
        "nps": 0,
        "csat": 2,
        "ces": 0,
    }


def test_importing_a_rating_file_makes_csat_responses_and_insights(kb, tmp_path):
    lines = ["review,rating"] + [
        f"Review {i}: the courier left the parcel at the wrong door,{1 + i % 5}" for i in range(60)
    ]
    (tmp_path / "reviews.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = kb.imports.import_file(tmp_path / "reviews.csv")
    assert (report.inserted, report.responses) == (60, 60)
    assert report.mapping == {"text": "review", "csat": "rating"}
    assert len(kb.imports.survey_responses("csat")) == 60 and not kb.imports.survey_responses("nps")


def test_an_import_of_only_responses_can_be_undone_and_restored(kb, tmp_path):
    (tmp_path / "nps.csv").write_text("nps\n" + "\n".join(str(i % 11) for i in range(40)) + "\n")
    report = kb.imports.import_file(tmp_path / "nps.csv")
    assert (report.inserted, report.responses) == (0, 40)
    kb.imports.undo_import(report.import_id)
    assert kb.imports.survey_responses("nps") == []
    kb.imports.restore_import(report.import_id)
    assert len(kb.imports.survey_responses("nps")) == 40


# --- 2. progress moves within the first seconds ----------------------------------------------


def test_progress_is_reported_in_small_batches_first(kb, tmp_path):
    rows = "\n".join(
        f"Observation {i}: the customer asked for {i} more vegan dishes" for i in range(300)
    )
    (tmp_path / "notes.csv").write_text("text\n" + rows + "\n", encoding="utf-8")
    seen = []
    kb.imports.import_file(
        tmp_path / "notes.csv", progress=lambda done, total: seen.append((done, total))
    )
    assert seen[0] == (32, 300)  # after 32 rows, not 2,048; the header is not a row
    assert seen[-1][0] == 300


# --- 7. a journey stage for the whole file ---------------------------------------------------


def test_a_stage_for_the_file_fills_rows_without_their_own(kb, tmp_path):
    (tmp_path / "s.csv").write_text(
        "text;stage\nThe app crashed when paying;Purchase\nNobody told me the order had shipped;\n",
        encoding="utf-8",
    )
    kb.imports.import_file(tmp_path / "s.csv", journey_stage="Delivery")
    stages = sorted(i.journey_stage for i in kb.insights.browse(limit=10)[0])
    assert stages == ["Delivery", "Purchase"]


# --- pages (AppTest) ---------------------------------------------------------------------------

from datetime import date  # noqa: E402

from tests.test_pages import open_app, save_button, shared  # noqa: E402


def test_import_page_guesses_csat_and_shows_what_rows_make(app_db, tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    lines = ["review,rating"] + [
        f"Review {i}: the courier was late and rude,{1 + i % 5}" for i in range(30)
    ]
    (folder / "reviews.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    at = open_app("views/import.py", user="aino")
    at.multiselect[0].select("reviews.csv").run()
    prefix = "map-dir-reviews.csv-Guessed from the column names-"
    assert at.selectbox(key=prefix + "csat").value == "rating"
    assert at.selectbox(key=prefix + "score").value == "—"
    assert at.selectbox(key=prefix + "text").value == "review"
    plan = next(c.value for c in at.caption if c.value.startswith("Each row makes"))
    assert "CSAT (1-5) response" in plan and "30 insights, 30 CSAT responses" in plan


def test_add_defaults_to_today_and_the_signed_in_person(app_db):
    at = open_app("views/add.py", user="mikko")
    assert at.date_input(key="add_observed").value == date.today()
    assert at.text_input(key="add_author").value == "Mikko Laine"
    assert at.text_input(key="add_team").value == "Product"


def test_add_confirms_a_save_and_keeps_the_defaults(app_db):
    at = open_app("views/add.py", user="mikko")
    at.text_area(key="add_text").input(
        "A field technician heard twice that the invoice PDF is unreadable on phones."
    )
    save_button(at).click().run()
    assert not at.exception, at.exception
    assert at.success[0].value.startswith("Saved as insight #3")
    assert any("Saved as insight #3" in t.value for t in at.toast)
    assert at.text_input(key="add_author").value == "Mikko Laine"


def test_mine_filters_search_and_overview_to_my_notes(app_db):
    kb = shared(app_db)
    kb.add(
        {
            "text": "Customers ask for a printable receipt after every delivery.",
            "author": "Mikko Laine",
        }
    )
    at = open_app("views/search.py", user="mikko")
    at.toggle(key="search_mine").set_value(True).run()
    cards = " ".join(m.value for m in at.markdown)
    assert "printable receipt" in cards and "discount code" not in cards
    assert at.caption[0].value.startswith("1 insights") or "1 insight" in at.caption[0].value
    at = open_app("views/overview.py", user="mikko")
    at.toggle(key="overview_mine").set_value(True).run()
    shown = " ".join(m.value for m in at.markdown)
    assert "printable receipt" in shown and "discount code" not in shown


# --- 9. roles in the interface ---------------------------------------------------------------


def _as(kb, username):
    return kb.acting_as(kb.people.user(username))


def test_a_contributor_sees_only_what_they_may_use(app_db):
    kb = shared(app_db)
    own = _as(kb, "mikko").add({"text": "Drivers cannot find the loading dock at the new office."})
    question = kb.backlog.ask(
        {"text": "Where do deliveries to offices go wrong?", "asked_by": "aino"}
    )
    kb.wait_for_links()
    at = open_app(user="mikko", insight="1")
    labels = {b.label for b in at.button}
    assert not labels & {"Confirm", "Dismiss", "Delete this insight", "Merge into this"}
    assert any("Only its author" in c.value for c in at.caption)
    at = open_app(user="mikko", insight=str(own.insight.id))
    delete = next(b for b in at.button if b.label == "Delete this insight")
    delete.click().run()
    assert not at.exception, at.exception
    at = open_app("views/backlog.py", user="mikko", question=str(question.id))
    assert not {b.label for b in at.button} & {"Confirm", "Dismiss", "Change status"}
    assert any(s.value == "Evidence" for s in at.subheader)  # the page stays whole
    kb = shared(app_db)
    assert kb.get(own.insight.id, include_deleted=True).deleted_at is not None


def test_a_refused_action_shows_a_message_and_the_page_stays(app_db):
    at = open_app("views/backlog.py", user="vera")
    at.text_input(key="ask_text").input("Why do viewers ask questions?")
    next(b for b in at.button if b.label == "Ask").click().run()
    assert not at.exception
    assert at.error and "may not" in at.error[0].value
    assert any(t.value == "Research backlog" for t in at.title)


# --- 12. the smaller things -----------------------------------------------------------------


def test_the_ask_form_starts_afresh_after_a_question(app_db):
    at = open_app("views/backlog.py", user="aino")
    at.text_input(key="ask_text").input("Which offices order lunch on Fridays?")
    at.slider(key="ask_impact").set_value(5)
    next(b for b in at.button if b.label == "Ask").click().run()
    assert "Added question #1." in at.success[0].value
    assert at.slider(key="ask_impact").value == 3 and at.text_input(key="ask_text").value == ""


def test_one_vote_reads_in_the_singular_and_the_button_has_no_ghost(app_db):
    at = open_app("views/backlog.py", user="aino")
    at.text_input(key="ask_text").input("Which offices order lunch on Fridays?")
    next(b for b in at.button if b.label == "Ask").click().run()
    next(b for b in at.button if b.key == "vote1").click().run()
    assert [b.label for b in at.button if b.key == "vote1"] == ["Unvote"]
    line = next(m.value for m in at.markdown if "priority" in m.value)
    assert "· 1 vote from Sales" in line


# --- 7. stages for what was imported: bulk edit and a suggested stage -------------------------


def test_bulk_edit_sets_stage_and_tags_in_one_go_and_keeps_versions(kb):
    ids = [
        kb.add({"text": f"Parcel {i} came late and the tracking page never updated."}).insight.id
        for i in range(3)
    ]
    assert kb.curation.bulk_edit(ids[:2], journey_stage="Delivery", add_tags=["tracking"]) == 2
    first, second, third = (kb.get(i) for i in ids)
    assert (first.journey_stage, first.tags, first.version) == ("Delivery", ["tracking"], 2)
    assert second.journey_stage == "Delivery" and third.journey_stage is None
    assert kb.insights.versions(ids[0])[0].data.journey_stage is None
    assert kb.curation.bulk_edit(ids[:2], journey_stage="Delivery") == 0  # nothing left to change
    assert [
        i.id for i in kb.insights.browse(SearchFilters(journey_stage=["Delivery"]))[0]
    ] == sorted(ids[:2], reverse=True)


def test_bulk_edit_needs_a_researcher(kb):
    kb.people.create_user("mikko", "Mikko Laine", role="contributor")
    own = _as(kb, "mikko").add({"text": "The driver could not find the loading dock."})
    with pytest.raises(PermissionDenied):
        _as(kb, "mikko").curation.bulk_edit([own.insight.id], journey_stage="Delivery")


def test_a_stage_is_suggested_from_the_nearest_staged_insights(kb):
    for text, stage in [
        ("The parcel arrived two days late", "Delivery"),
        ("Parcel came late again, courier lost", "Delivery"),
        ("Late parcel, the courier never called", "Delivery"),
        ("Checkout rejected my card twice", "Purchase"),
    ]:
        kb.add({"text": text, "journey_stage": stage})
    new = kb.add({"text": "My parcel was late and the courier did not call"}).insight
    suggestion = kb.curation.suggest_stage(new.id)
    assert suggestion is not None and suggestion.stage == "Delivery"
    assert len(suggestion.neighbours) >= 2
    staged = kb.insights.browse(SearchFilters(journey_stage=["Purchase"]))[0][0]
    assert kb.curation.suggest_stage(staged.id) is None  # it has a stage already


# --- 8. the journey map opens on the worst cell, shows every stage ------------------------------


def test_the_journey_map_opens_on_the_worst_cell_and_shows_every_stage(app_db):
    kb = shared(app_db)
    kb.add_many(
        [
            {
                "text": f"Delivery {i} was late and cold",
                "journey_stage": "Delivery",
                "sentiment": "negative",
            }
            for i in range(6)
        ]
    )
    stages = kb.catalog.choices("journey_stage")
    at = open_app("views/journey.py")
    assert not at.exception, at.exception
    heading = next(s.value for s in at.subheader if " at " in s.value)
    assert heading.startswith("6 insights at Delivery")
    spec = at.get("vega_lite_chart")[0].proto.spec
    assert all(f'"{stage}"' in spec for stage in stages)
    assert '"white"' in spec  # numbers on dark red cells are white


# --- 10. For you ---------------------------------------------------------------------------


def test_for_you_lists_evidence_answers_and_new_insights_with_unread_counts(kb):
    kb.people.create_user("aino", "Aino Virtanen", role="researcher")
    aino = _as(kb, "aino")
    question = kb.backlog.ask({"text": "Why do parcels arrive late?", "asked_by": "admin"})
    aino.backlog.vote(question.id, "aino")
    aino.people.follow("segment", "SMB")
    assert aino.inbox.unread_count() == 0
    time.sleep(1.1)  # insights and follows are stamped to the second
    kb.add({"text": "A small business owner waited a week for a parcel.", "segment": "SMB"})
    answer = kb.add({"text": "Parcels arrive late because the courier skips rural routes."})
    kb.wait_for_links()
    kb.backlog.set_status(
        question.id, "answered", answer="Rural routes are skipped", insight_ids=[answer.insight.id]
    )
    items = aino.inbox.for_you()
    kinds = {item.kind for item in items}
    assert {"segment", "answer"} <= kinds, items
    assert aino.inbox.unread_count() == len(items) and all(item.unread for item in items)
    aino.inbox.mark_read()
    assert aino.inbox.unread_count() == 0 and not any(item.unread for item in aino.inbox.for_you())
    _as(kb, "aino").add({"text": "Another SMB parcel story, mine this time.", "segment": "SMB"})
    assert aino.inbox.unread_count() == 0  # one's own insights are not news


def test_for_you_page_and_the_sidebar_count(app_db):
    kb = shared(app_db)
    _as(kb, "aino").people.follow("segment", "Consumer")
    time.sleep(1.1)  # insights and follows are stamped to the second
    kb.add({"text": "A consumer asked for evening deliveries.", "segment": "Consumer"})
    at = open_app("views/for_you.py", user="aino")
    assert not at.exception, at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "new in segment **Consumer**" in shown and ":red-badge[new]" in shown
    assert at.caption[0].value.startswith("1 new item since")
    at = open_app("views/for_you.py", user="aino")  # read now
    assert at.caption[0].value.startswith("0 new items since")


# --- 11. export ------------------------------------------------------------------------------


def test_a_search_result_exports_to_csv_and_parquet_with_links(kb, tmp_path):
    import io

    import pandas as pd

    a = kb.add(
        {
            "text": '=HYPERLINK("http://x") The invoice PDF is unreadable on phones',
            "tags": ["invoice"],
        }
    )
    b = kb.add({"text": "Invoices cannot be opened on a phone, the PDF is tiny"})
    kb.curation.confirm_link(a.insight.id, b.insight.id)
    kb.add({"text": "Lunch was cold"})
    table = pd.read_parquet(
        io.BytesIO(kb.insights.export_insights("invoice pdf phone", fmt="parquet"))
    )
    assert set(table["id"]) >= {a.insight.id, b.insight.id}
    row = table[table["id"] == a.insight.id].iloc[0]
    assert list(row["confirmed_links"]) == [b.insight.id] and list(row["tags"]) == ["invoice"]
    text = kb.insights.export_insights(filters=SearchFilters(tags=["invoice"]), fmt="csv").decode(
        "utf-8-sig"
    )
    frame = pd.read_csv(io.StringIO(text))
    assert list(frame["id"]) == [a.insight.id]
    assert frame["text"][0].startswith("'=HYPERLINK")  # not a formula in a spreadsheet
    assert str(frame["confirmed_links"][0]) == str(b.insight.id)


# --- 12. the smaller things (continued) ------------------------------------------------------


def test_theme_words_drop_contractions_with_any_apostrophe():
    from retrieval.clustering import label_tokens

    for text in (
        "I didn't know, haven't seen",
        "I didnʼt know, havenʼt seen",
        "I didn`t know, haven´t seen",
        "I didn‘t know, haven’t seen",
    ):
        assert not {"didn", "haven"} & set(label_tokens(text, "en")), text


def test_a_names_list_scrubs_names_on_import(kb, tmp_path, monkeypatch):
    (tmp_path / "names.txt").write_text("# staff\nAnna Virtanen\nMikko\n", encoding="utf-8")
    monkeypatch.setenv("OIVALLUS_SCRUB_NAMES", str(tmp_path / "names.txt"))
    (tmp_path / "notes.csv").write_text(
        "text\nAnna Virtanen said Mikko's invoice was wrong; Mikkola was fine\n", encoding="utf-8"
    )
    report = kb.imports.import_file(tmp_path / "notes.csv")
    assert report.pii == {"name": 2}
    [insight] = kb.insights.browse()[0]
    assert insight.text == "[name] said [name] invoice was wrong; Mikkola was fine"
    monkeypatch.setenv("OIVALLUS_SCRUB_NAMES", str(tmp_path / "missing.txt"))
    with pytest.raises(ReadError, match="missing.txt"):
        kb.imports.import_file(tmp_path / "notes.csv")


def test_a_card_without_its_own_title_shows_its_text_once(app_db):
    at = open_app(insight="1")
    assert at.title[0].value == "Insight #1"
    at = open_app("views/search.py")
    at.text_input(key="q").input("discount code").run()
    texts = [m.value for m in at.markdown if "discount" in m.value]
    assert len(texts) == 1, texts


def test_search_page_bulk_sets_a_stage_and_offers_exports(app_db):
    at = open_app("views/search.py", user="aino")
    assert {b.label for b in at.get("download_button")} >= {"CSV", "Parquet"}
    next(c for c in at.checkbox if c.key == "pick1").check().run()
    stage = next(
        s for s in at.selectbox if s.label == "Journey stage" and "— leave as it is —" in s.options
    )
    stage.select("Purchase")
    next(b for b in at.button if b.label.startswith("Apply to 1 insight")).click().run()
    assert not at.exception, at.exception
    kb = shared(app_db)
    assert kb.get(1).journey_stage == "Purchase" and kb.get(2).journey_stage is None
    at = open_app("views/search.py", user="mikko")  # a contributor has no selection to edit
    assert not [c for c in at.checkbox if str(c.key).startswith("pick")]


def test_insight_page_offers_a_suggested_stage_to_accept(app_db):
    kb = shared(app_db)
    kb.add_many(
        [
            {"text": t, "journey_stage": "Delivery"}
            for t in (
                "The parcel arrived two days late",
                "Parcel came late again, courier lost",
                "Late parcel, the courier never called",
            )
        ]
    )
    new = kb.add({"text": "My parcel was late and the courier did not call"}).insight
    at = open_app(user="aino", insight=str(new.id))
    assert any("Suggested journey stage: Delivery" in m.value for m in at.markdown)
    next(b for b in at.button if b.key == "accept-stage").click().run()
    assert not at.exception, at.exception
    kb = shared(app_db)
    assert kb.get(new.id).journey_stage == "Delivery"


def test_a_duplicate_found_after_saving_can_become_evidence(app_db):
    at = open_app("views/add.py", user="mikko")
    at.text_area(key="add_text").input(
        "Six of nine participants could not find the discount code field at checkout!"
    )
    save_button(at).click().run()
    assert at.success[0].value.startswith("Saved as insight #3")
    next(b for b in at.button if b.label == "Make it evidence of this").click().run()
    assert not at.exception, at.exception
    assert "Added as evidence to insight #1" in at.success[0].value
    kb = shared(app_db)
    assert kb.get(3, include_deleted=True).deleted_at is not None
    assert len(kb.curation.evidence(1)) == 1
