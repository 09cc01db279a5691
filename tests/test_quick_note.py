"""Quick note (issue 31): the text and one Save; team, usual segment, today, sentiment, stage,
segment, touchpoint and tags suggested from the person and the nearest similar insights, each
with the insights it came from, accepted with one tap."""

from __future__ import annotations

from datetime import date

from insights.rules.suggestions import sentiment_from_words
from tests.test_pages import open_app, shared

DELIVERY = [  # near in words, all agreeing on segment, touchpoint, stage and two tags
    "The parcel arrived two days late and the courier never called",
    "Parcel came late again, the courier did not call",
    "Late parcel again, the courier never called the customer",
]


def delivery_notes(kb, **more) -> list[int]:
    return [
        kb.add(
            {
                "text": text,
                "segment": "SMB",
                "touchpoint": "Delivery",
                "journey_stage": "Delivery",
                "sentiment": "negative",
                "tags": ["delivery", "courier", f"only{n}"],
                **more,
            }
        ).insight.id
        for n, text in enumerate(DELIVERY)
    ]


def by_field(suggestions) -> dict[str, list]:
    found: dict[str, list] = {}
    for suggestion in suggestions:
        found.setdefault(suggestion.field, []).append(suggestion)
    return found


def test_the_nearest_insights_that_agree_suggest_stage_segment_touchpoint_and_tags(kb):
    ids = delivery_notes(kb)
    note = kb.add({"text": "The parcel was late and the courier never called"}).insight
    found = by_field(kb.curation.suggest(note.id))
    for field, value in (("journey_stage", "Delivery"), ("segment", "SMB")):
        assert [s.value for s in found[field]] == [value]
        assert set(found[field][0].neighbours) <= set(ids)
        assert len(found[field][0].neighbours) >= 2  # why: the insights it came from
    assert [s.value for s in found["touchpoint"]] == ["Delivery"]
    assert sorted(s.value for s in found["tags"]) == ["courier", "delivery"]  # not "only0"
    assert [s.value for s in found["observed_at"]] == [date.today().isoformat()]


def test_an_off_topic_text_gets_nothing_from_neighbours(kb):
    delivery_notes(kb)
    note = kb.add({"text": "The committee adopted the budget amendment in its second reading"})
    found = by_field(kb.curation.suggest(note.insight.id))
    assert not {"journey_stage", "segment", "touchpoint", "tags"} & set(found)


def test_neighbours_that_disagree_give_no_segment(kb):
    kb.add({"text": "The driver left the parcel at the wrong door", "segment": "SMB"})
    kb.add({"text": "The driver left the parcel at the wrong shop", "segment": "Consumer"})
    note = kb.add({"text": "The driver left the parcel at the wrong door again"}).insight
    assert "segment" not in by_field(kb.curation.suggest(note.id))


def test_a_field_already_filled_is_not_suggested(kb):
    delivery_notes(kb)
    note = kb.add(
        {
            "text": "The parcel was late and the courier never called",
            "segment": "Enterprise",
            "sentiment": "neutral",
            "observed_at": "2026-01-02",
            "tags": ["courier"],
        }
    ).insight
    found = by_field(kb.curation.suggest(note.id))
    assert not {"segment", "sentiment", "observed_at"} & set(found)
    assert [s.value for s in found["tags"]] == ["delivery"]


def test_team_and_usual_segment_come_from_the_person(kb):
    from tests.conftest import add_people

    add_people(kb)
    mikko = kb.acting_as(kb.people.user("mikko"))  # a contributor in the Product team
    earlier = [
        mikko.add({"text": f"Office lunch order number {n} changed", "segment": "Enterprise"})
        for n in range(3)
    ]
    mikko.add({"text": "A shopper asked about gift cards", "segment": "Consumer"})
    kb.add({"text": "Someone else's note", "segment": "Consumer"})  # not his
    kb.add({"text": "And another of theirs", "segment": "Consumer"})
    note = mikko.add({"text": "The coordinator wants an invoice per department"}).insight
    found = by_field(mikko.curation.suggest(note.id))
    assert [(s.value, s.reason) for s in found["team"]] == [("Product", "account")]
    usual = [s for s in found["segment"] if s.reason == "usual"]
    assert [s.value for s in usual] == ["Enterprise"]
    assert set(usual[0].neighbours) <= {r.insight.id for r in earlier} and usual[0].of == 4


def test_accepting_a_suggestion_edits_the_saved_note(kb):
    from insights import InsightIn
    from insights.suggesting import applied

    delivery_notes(kb)
    note = kb.add({"text": "The parcel was late and the courier never called"}).insight
    for suggestion in kb.curation.suggest(note.id):
        if suggestion.field in ("journey_stage", "tags", "observed_at"):
            current = kb.get(note.id)
            changes = InsightIn.model_validate(applied(current, suggestion))
            kb.curation.edit(note.id, changes, expected_version=current.version)
    stored = kb.get(note.id)
    assert stored.journey_stage == "Delivery" and stored.observed_at == date.today()
    assert sorted(stored.tags) == ["courier", "delivery"] and stored.version == 5


def test_sentiment_is_read_from_finnish_and_english_words():
    assert sentiment_from_words("Toimitus myöhästyi taas eikä kukaan soittanut") == (
        "negative",
        ["myöhästyi", "eikä"],
    )
    assert sentiment_from_words("Asiakas kehui uutta sovellusta, tosi kätevä")[0] == "positive"
    assert sentiment_from_words("The customer loved the new recipes")[0] == "positive"
    assert sentiment_from_words("The customer couldn't find the pause button")[0] == "negative"
    assert sentiment_from_words("Offices order lunch on Mondays") is None


# --- the page ------------------------------------------------------------------------------


def staged(app_db) -> list[int]:
    return delivery_notes(shared(app_db))


def save(at, text: str):
    at.text_area(key="quick_text").input(text)
    next(b for b in at.button if b.label in ("Save", "Tallenna")).click().run()
    assert not at.exception, at.exception
    return at


def test_a_contributor_saves_a_note_with_one_tap_and_the_form_clears(app_db):
    staged(app_db)
    at = open_app("views/quick_note.py", user="mikko")
    assert at.title[0].value == "Quick note"
    save(at, "The parcel was late and the courier never called")
    saved = at.session_state["quick_saved"]
    note = shared(app_db).get(saved)
    assert note.text.startswith("The parcel was late") and note.created_by == "mikko"
    assert note.author == "Mikko Laine" and note.journey_stage is None  # nothing guessed silently
    assert at.text_area(key="quick_text").value == ""  # ready for the next note
    assert any(f"Saved as insight #{saved}." in s.value for s in at.success)
    labels = [b.label for b in at.button]
    assert "Journey stage: Delivery" in labels and "Team: Product" in labels
    assert any("most similar insights have it" in c.value for c in at.caption)

    save(at, "A second note: the courier was late again")  # a second one in a row
    assert at.session_state["quick_saved"] != saved
    assert at.text_area(key="quick_text").value == ""


def test_accepting_a_suggested_stage_stores_it(app_db):
    staged(app_db)
    at = open_app("views/quick_note.py", user="mikko")
    save(at, "The parcel was late and the courier never called")
    saved = at.session_state["quick_saved"]
    next(b for b in at.button if b.label == "Journey stage: Delivery").click().run()
    assert not at.exception, at.exception
    assert shared(app_db).get(saved).journey_stage == "Delivery"
    assert "Journey stage: Delivery" not in [b.label for b in at.button]  # done: gone
    next(b for b in at.button if b.label == "Team: Product").click().run()
    assert shared(app_db).get(saved).team == "Product"


def test_more_details_opens_the_full_form_with_the_text(app_db):
    at = open_app("views/quick_note.py", user="mikko")
    at.text_area(key="quick_text").input("A customer asked for a bigger box")
    next(b for b in at.button if b.label == "More details").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Add an insight"
    assert at.text_area(key="add_text").value == "A customer asked for a bigger box"


def test_the_quick_note_in_finnish(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    staged(app_db)
    at = open_app("views/quick_note.py", user="mikko")
    assert at.title[0].value == "Pikahavainto"
    assert at.text_area(key="quick_text").label == "Mitä huomasit?"
    save(at, "Paketti myöhästyi ja kuriiri ei soittanut, the parcel was late")
    labels = [b.label for b in at.button]
    assert "Tiimi: Product" in labels
    assert any(label.startswith("Sävy: ") for label in labels)
    assert any("Sanoista:" in c.value or "samankaltaisimmasta" in c.value for c in at.caption)
    shown = " ".join([m.value for m in at.markdown] + labels + [c.value for c in at.caption])
    for english in ("Suggestions", "Journey stage", "Team:", "most similar", "Save"):
        assert english not in shown, english


def test_a_viewer_is_told_adding_needs_a_contributor(app_db):
    at = open_app("views/quick_note.py", user="vera")
    assert "contributor role" in at.info[0].value


def test_a_note_is_called_a_problem_only_when_its_own_words_report_one(kb):
    delivery_notes(kb)  # every note on the subject is a complaint
    calm = kb.add({"text": "The parcel and the courier came at ten as every week"}).insight
    assert "sentiment" not in by_field(kb.curation.suggest(calm.id))
    late = kb.add({"text": "The parcel was late and the courier never called"}).insight
    [suggested] = by_field(kb.curation.suggest(late.id))["sentiment"]
    assert suggested.value == "negative" and "late" in suggested.words
