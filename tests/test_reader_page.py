"""The Documents page (issue 29) as people use it: the list, the reader of a transcript with
its speakers, a selection highlighted with tags, the speakers named, in English and Finnish.
(The browser's own text selection: tests/test_browser_reader.py.)"""

from __future__ import annotations

import shutil

import pytest

from tests.test_documents import INTERVIEW, select
from tests.test_pages import open_app, shared


@pytest.fixture
def interview_app(app_db, tmp_path):
    """The app with the Finnish interview imported by the researcher aino: its document."""
    base = shared(app_db)
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    base.acting_as(base.people.user("aino")).imports.import_file(path)
    return base, base.documents.get(base.documents.documents()[0].id)


def test_the_list_links_each_document_into_the_reader(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="aino")
    assert at.title[0].value == "Documents"
    assert any("haastattelu" in m.value for m in at.markdown)
    assert any("2 insights" in c.value for c in at.caption)


def test_the_reader_shows_the_document_and_a_selection_becomes_a_highlight(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    assert at.title[0].value == "haastattelu\\.vtt"  # Markdown-escaped
    assert not at.exception
    words = "kylmälaukku oli lämmin."
    at.session_state["reader_selection"] = select(document, words)
    at.run()
    assert any("kylmälaukku oli lämmin" in m.value for m in at.markdown)
    at.multiselect(key=f"highlight_tags_{document.id}").set_value(["toimitus"])
    at.text_input(key=f"highlight_note_{document.id}").set_value("Kylmäketju pettää")
    next(b for b in at.button if b.label == "Highlight").click()
    at.run()
    assert not at.exception
    assert any("Highlighted as insight" in s.value for s in at.success)
    [span] = [s for s in base.documents.spans(document.id) if s.origin == "highlight"]
    insight = base.get(span.insight_id)
    assert insight.text == words and insight.tags == ["toimitus"]
    assert insight.created_by == "aino"


def test_a_changed_selection_is_refused_on_the_page(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    at.session_state["reader_selection"] = {
        "document_id": document.id,
        "start": 0,
        "end": 5,
        "text": "Hello",
    }
    at.run()
    next(b for b in at.button if b.label == "Highlight").click()
    at.run()
    assert any("the text changed" in e.value for e in at.error)
    assert not [s for s in base.documents.spans(document.id) if s.origin == "highlight"]


def test_speakers_are_named_and_their_role_moves_the_turns(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    at.text_input(key=f"speaker_name_{document.id}_2").set_value("Maija Mäkinen")
    at.selectbox(key=f"speaker_role_{document.id}_1").set_value("participant")
    next(b for b in at.button if b.label == "Save speakers").click()
    at.run()
    assert not at.exception
    after = base.documents.get(document.id)
    assert [(s.name, s.role) for s in after.speakers] == [
        (None, "participant"),
        ("Maija Mäkinen", "participant"),
    ]
    assert len(base.documents.spans(document.id)) == 5


def test_an_insight_page_says_who_said_it_and_links_to_its_place(interview_app):
    base, document = interview_app
    span = base.documents.spans(document.id)[0]
    at = open_app("views/insight.py", user="aino", insight=str(span.insight_id))
    assert any("Participant 1" in c.value for c in at.caption)
    [link] = [p for p in at.get("page_link") if "document" in str(p.proto.query_string)]
    assert f"at={span.start}" in link.proto.query_string


def test_the_reader_in_finnish(interview_app, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    base, document = interview_app
    at = open_app("views/documents.py", user="aino")
    assert at.title[0].value == "Dokumentit"
    assert any("2 havaintoa" in c.value for c in at.caption)
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    assert [e.label for e in at.expander] == ["Puhujat"]
    assert "Tallenna puhujat" in [b.label for b in at.button]
    span = base.documents.spans(document.id)[0]
    at = open_app("views/insight.py", user="aino", insight=str(span.insight_id))
    assert any("Osallistuja 1" in c.value for c in at.caption)


def test_a_researcher_redacts_a_selection_on_the_page(interview_app):
    base, document = interview_app
    words = "KX-4471-B"
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    at.session_state["reader_selection"] = select(document, words)
    at.run()
    next(b for b in at.button if b.label == "Redact").click()
    at.run()
    assert not at.exception
    assert any("Redacted everywhere" in s.value for s in at.success)
    assert words not in base.documents.get(document.id).text
    assert all(words not in i.text for i in base.insights.browse()[0])


def test_a_contributor_may_highlight_but_not_redact_or_name_speakers(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="mikko", document=str(document.id))
    at.session_state["reader_selection"] = select(document, document.text[:5])
    at.run()
    labels = [b.label for b in at.button]
    assert "Highlight" in labels and "Redact" not in labels and "Save speakers" not in labels
    assert "Delete" not in labels  # deleting a document is a researcher's


def test_a_viewer_reads_without_the_highlight_panel(interview_app):
    base, document = interview_app
    at = open_app("views/documents.py", user="vera", document=str(document.id))
    at.session_state["reader_selection"] = select(document, document.text[:5])
    at.run()
    assert not at.exception
    assert "Highlight" not in [b.label for b in at.button]


def test_a_highlight_is_retagged_and_deleted_on_the_page(interview_app):
    base, document = interview_app
    aino = base.acting_as(base.people.user("aino"))
    words = "kylmälaukku oli lämmin."
    start = document.text.index(words)
    selection = {"document_id": document.id, "start": start, "end": start + len(words)}
    made = aino.documents.highlight(selection | {"text": words}, ["toimitus"])
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    at.multiselect(key=f"edit_tags_{made.id}").set_value(["laatu"])
    next(b for b in at.button if b.label == "Save").click()
    at.run()
    assert base.get(made.id).tags == ["laatu"]
    at.button(key=f"delete_highlight_{made.id}").click()
    at.run()
    assert not at.exception
    assert base.get(made.id, include_deleted=True).deleted_at is not None
    assert any("Highlights (0)" in h.value for h in at.subheader)


def test_offsets_cross_to_the_browser_and_back_around_emoji():
    """The reader's offsets in the browser's UTF-16 units and back (an emoji is two)."""
    from views.reader_component import BrowserOffsets

    for text in ("abc", "a😀b😀😀c", "😀", "ä😀ö", ""):
        units = BrowserOffsets(text)
        encoded = text.encode("utf-16-le")
        for at in range(len(text) + 1):
            browser = units.to_browser(at)
            assert encoded[: 2 * browser].decode("utf-16-le") == text[:at]
            assert units.from_browser(browser) == at


def test_a_speakers_label_shows_as_written_not_as_markdown(app_db, tmp_path):
    base = shared(app_db)
    path = tmp_path / "hostile.vtt"
    path.write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v **Bob** [x](https://example.com)>Mikä "
        "muuttui?\n\n00:00:04.000 --> 00:00:09.000\n<v Maija>Toimitus myöhästyi taas.\n",
        encoding="utf-8",
    )
    base.acting_as(base.people.user("aino")).imports.import_file(path)
    document = base.documents.documents()[0]
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    assert not at.exception
    labels = [w.label for w in at.text_input if w.label.startswith("Name of")]
    assert any("\\*\\*Bob\\*\\*" in label and "\\[x\\]" in label for label in labels), labels


def test_a_researcher_deletes_a_document_and_its_insights_stay(interview_app):
    base, document = interview_app
    before = base.count()
    at = open_app("views/documents.py", user="aino", document=str(document.id))
    at.button(key=f"delete_document_{document.id}").click()
    at.run()
    assert not at.exception
    assert any("Deleted haastattelu" in s.value for s in at.success)
    assert base.documents.documents() == [] and base.count() == before
