"""Documents kept whole for the reader (issue 29): the import keeps the text with its segments
and speakers, only the participants' turns become insights, speakers are named once per
document, highlights are insights with their exact span, and retention and erasure reach the
documents. Redaction: tests/test_redaction.py."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from insights import InvalidInput, NotFound
from vocabulary.knowledge import now

INTERVIEW = Path(__file__).parent / "data" / "haastattelu.vtt"


@pytest.fixture
def interview(kb, tmp_path):
    """The Finnish interview imported: (kb, document)."""
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    kb.imports.import_file(path)
    [summary] = kb.documents.documents()
    return kb, kb.documents.get(summary.id)


def texts(kb) -> set[str]:
    return {i.text for i in kb.insights.browse()[0]}


def test_an_import_keeps_the_transcript_with_its_turns_speakers_and_times(interview):
    kb, document = interview
    assert document.kind == "transcript" and document.file == "haastattelu.vtt"
    assert document.source == "interview"
    assert len(document.segments) == 5  # Maija's two cues are one turn
    first = document.segments[0]
    assert document.text[first.start : first.end] == (
        "Miten ensimmäinen viikko ateriapakettien kanssa sujui?"
    )
    assert (first.started, first.ended) == ("00:00:01", "00:00:05")
    interviewer, participant = document.speakers
    assert (interviewer.label, interviewer.role) == ("Haastattelija", "interviewer")
    assert (participant.label, participant.role, participant.pseudonym) == (
        "Maija",
        "participant",
        1,
    )


def test_only_the_participants_turns_become_insights_each_at_its_place(interview):
    kb, document = interview
    found = texts(kb)
    assert len(found) == 2
    assert not any("Mikä sitten muuttui" in t or "Kiitos paljon" in t for t in found)
    for span in kb.documents.spans(document.id):
        insight = kb.insights.get(span.insight_id)
        assert document.text[span.start : span.end] == insight.text
        assert span.speaker == 2 and span.origin == "cut"
    ids = [s.insight_id for s in kb.documents.spans(document.id)]
    said = {(s.role, s.pseudonym, allowed) for s, allowed in kb.documents.speakers_of(ids).values()}
    assert said == {("participant", 1, False)}


def test_importing_the_same_file_again_adds_neither_document_nor_insights(interview, tmp_path):
    kb, document = interview
    report = kb.imports.import_file(tmp_path / "haastattelu.vtt")
    assert report.inserted == 0
    assert len(kb.documents.documents()) == 1
    assert len(kb.documents.spans(document.id)) == 2


def test_the_interviewer_guess_is_the_one_who_asks_most(kb, tmp_path):
    vtt = INTERVIEW.read_text(encoding="utf-8").replace("Haastattelija", "Pekka")
    (tmp_path / "toinen.vtt").write_text(vtt, encoding="utf-8")
    kb.imports.import_file(tmp_path / "toinen.vtt")
    document = kb.documents.get(kb.documents.documents()[0].id)
    assert [(s.label, s.role) for s in document.speakers] == [
        ("Pekka", "interviewer"),
        ("Maija", "participant"),
    ]


def test_marking_speakers_moves_their_turns_in_and_out_of_the_insights(interview):
    kb, document = interview
    updated = kb.documents.set_speakers(
        document.id, {1: ("Pekka Haastattelija", "participant"), 2: ("Maija", "participant")}
    )
    assert [s.pseudonym for s in updated.speakers] == [1, 2]
    found = texts(kb)
    assert len(found) == 5 and "Mikä sitten muuttui?" in found
    assert any(t.startswith("Kiitos paljon") for t in found)
    assert any(t.startswith("Miten ensimmäinen viikko") for t in found)
    kb.documents.set_speakers(document.id, {1: (None, "interviewer")})
    assert len(texts(kb)) == 2
    kb.documents.set_speakers(document.id, {1: (None, "participant")})  # the same ones return
    assert len(texts(kb)) == 5
    assert len(kb.documents.spans(document.id)) == 5
    with pytest.raises(InvalidInput):
        kb.documents.set_speakers(document.id, {7: ("X", "participant")})
    with pytest.raises(InvalidInput):
        kb.documents.set_speakers(document.id, {1: ("X", "boss")})


def select(document, words: str, **more) -> dict:
    start = document.text.index(words)
    return {
        "document_id": document.id,
        "start": start,
        "end": start + len(words),
        "text": words,
    } | more


def test_a_highlight_is_an_insight_with_its_exact_span(interview):
    kb, document = interview
    words = "kylmälaukku oli lämmin."
    insight = kb.documents.highlight(select(document, words), tags=["Toimitus"], note="Kylmäketju")
    assert insight.text == words and insight.tags == ["toimitus"] and insight.title == "Kylmäketju"
    assert insight.kind == "quote" and insight.source == "interview"
    span = kb.documents.span_of(insight.id)
    assert document.text[span.start : span.end] == words
    assert (span.speaker, span.started, span.ended, span.origin) == (
        2,
        "00:00:05",
        "00:00:15",  # the turn's times
        "highlight",
    )
    # the same passage highlighted by someone else is the same insight, with both tags
    again = kb.documents.highlight(select(document, words), tags=["kylmäketju"])
    assert again.id == insight.id and again.tags == ["toimitus", "kylmäketju"]
    retagged = kb.documents.retag(insight.id, ["laatu"], "Laukku lämmin")
    assert retagged.tags == ["laatu"] and retagged.title == "Laukku lämmin"
    kb.documents.delete_highlight(insight.id)
    assert insight.id not in {s.insight_id for s in kb.documents.spans(document.id)}


def test_a_selection_with_surrounding_spaces_is_trimmed(interview):
    kb, document = interview
    insight = kb.documents.highlight(select(document, " Melkein peruin koko tilauksen "))
    assert insight.text == "Melkein peruin koko tilauksen"


@pytest.mark.parametrize(
    "change, says",
    [
        ({"text": "   ", "end": None}, "empty"),
        ({"end_document_id": 99}, "another"),
        ({"text": "jotain muuta tekstiä"}, "changed"),
        ({"start": "alku"}, "start"),  # a field of the wrong type is named, not a crash
        ({"start": 10_000, "end": 10_010}, "changed"),
    ],
)
def test_bad_selections_are_refused_and_store_nothing(interview, change, says):
    kb, document = interview
    selection = select(document, "kylmälaukku oli lämmin.") | change
    if "end" in change and change["end"] is None:
        selection["end"] = selection["start"] + 3
    before = kb.count()
    with pytest.raises(InvalidInput) as refused:
        kb.documents.highlight(selection, tags=["x"])
    assert says in str(refused.value)
    assert kb.count() == before


def test_a_deleted_document_takes_no_highlights(interview):
    kb, document = interview
    kb.documents.delete(document.id)
    assert kb.documents.documents() == []
    with pytest.raises(NotFound):
        kb.documents.highlight(select(document, "kylmälaukku oli lämmin."))


def test_retention_drops_a_documents_text_and_speakers(interview):
    kb, document = interview
    kb.retention.set_rule("interview", 1)
    report = kb.retention.apply(at=now() + timedelta(days=62))
    assert report.documents == 1
    dropped = kb.documents.get(document.id)
    assert dropped.text is None and dropped.text_dropped_at is not None
    assert all(s.label is None and s.name is None for s in dropped.speakers)
    assert len(texts(kb)) == 2  # the insights stay
    with pytest.raises(InvalidInput):
        kb.documents.highlight(select(document, "kylmälaukku oli lämmin."))


def test_erasing_a_person_masks_the_document_and_keeps_its_offsets(interview):
    kb, document = interview
    kb.documents.set_speakers(document.id, {2: ("Maija Virtanen", "participant")})
    kb.erasure.erase("Maija Virtanen", "name")
    erased = kb.documents.get(document.id)
    assert len(erased.text) == len(document.text)
    assert all("Virtanen" not in (s.name or "") for s in erased.speakers)
    kb.erasure.erase("Maija", "name")  # the label the file gave her
    assert "Maija" not in (kb.documents.get(document.id).speakers[1].label or "")


def test_roles_chosen_on_the_preview_decide_which_turns_become_insights(kb, tmp_path):
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    speakers = kb.imports.preview_speakers(path)
    assert [(s.label, s.role) for s in speakers] == [
        ("Haastattelija", "interviewer"),
        ("Maija", "participant"),
    ]
    report = kb.imports.import_file(path, roles={"Haastattelija": "participant"})
    assert report.inserted == 5
    document = kb.documents.get(kb.documents.documents()[0].id)
    assert [(s.role, s.pseudonym) for s in document.speakers] == [
        ("participant", 1),
        ("participant", 2),
    ]


def test_undoing_the_import_takes_its_document_along_and_restoring_brings_it_back(interview):
    kb, document = interview
    kb.imports.undo_import(document.import_id)
    assert kb.documents.documents() == [] and kb.count() == 0
    kb.imports.restore_import(document.import_id)
    assert [d.id for d in kb.documents.documents()] == [document.id] and kb.count() == 2


def test_a_markdown_document_keeps_its_headings_and_every_paragraph_is_placed(kb, tmp_path):
    notes = (
        "# Kenttäkäynti\n\n## Toimitus\n- Kuljettajat eivät löydä lastauslaituria Ruoholahdessa.\n"
        "- Kylmälaukut jätetään ulos sateeseen.\n\nKappale aulan\novikoodeista, jotka vaihtuvat "
        "viikoittain.\n\nOk.\n"
    )
    (tmp_path / "kaynti.md").write_text(notes, encoding="utf-8")
    assert kb.imports.import_file(tmp_path / "kaynti.md").inserted == 3
    document = kb.documents.get(kb.documents.documents()[0].id)
    assert document.kind == "document" and not document.speakers
    assert [s.heading for s in document.segments] == ["Toimitus"] * 4
    assert document.text.endswith("Ok.")  # too short to be an insight, kept in the text
    for span in kb.documents.spans(document.id):
        assert document.text[span.start : span.end] == kb.get(span.insight_id).text


def test_a_highlights_tags_land_on_the_tag_set_by_their_synonyms(interview):
    kb, document = interview
    kb.tags.create({"name": "delivery", "synonyms_fi": ["toimitus"]})
    kb.tags.create({"name": "cold chain", "synonyms_fi": ["kylmäketju"]})
    words = "kylmälaukku oli lämmin."
    first = kb.documents.highlight(select(document, words), tags=["Toimitus"])
    assert first.tags == ["delivery"]
    again = kb.documents.highlight(select(document, words), tags=["kylmäketju", "toimitus"])
    assert again.id == first.id and again.tags == ["delivery", "cold chain"]
