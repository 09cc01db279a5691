"""What happened to my notes (issue 31): the service (`kb.notes`), the page and the digest's line
for a contributor. The fake embedder: what is tested is the bookkeeping, not the model."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from insights import InsightIn
from insights.acting import PermissionDenied
from tests.test_analysis import grouped_texts
from tests.test_pages import open_app, shared

NOTE = "Thursday deliveries are always late, the customer said at the till."
QUIET = "Parking lights broken behind the warehouse yard."


def _contributor_with_evidence(kb) -> tuple[int, int, int]:
    """Mikko (a contributor) wrote two notes; one is confirmed evidence for a question.
    Returns (the note that answers, the quiet note, the question)."""
    if not any(u.username == "mikko" for u in kb.people.users()):
        kb.people.create_user("mikko", "Mikko Laine", role="contributor", team="Product")
    question = kb.backlog.ask({"text": "Why are the Thursday deliveries late?", "asked_by": "aino"})
    used = kb.add(InsightIn(text=NOTE, author="Mikko Laine", kind="observation")).insight.id
    quiet = kb.add(InsightIn(text=QUIET, author="mikko", kind="observation")).insight.id
    kb.wait_for_links()
    kb.backlog.link_evidence(question.id, used, "answers")
    return used, quiet, question.id


def test_a_contributors_note_linked_to_a_question_and_a_note_with_nothing_yet(kb):
    used, quiet, question = _contributor_with_evidence(kb)
    mikko = kb.people.user("mikko")
    mine = kb.acting_as(mikko).notes.mine()
    assert mine.username == "mikko" and mine.total == 2  # display name and username both count
    notes = {n.insight.id: n for n in mine.notes}
    assert [n.insight.id for n in mine.notes] == [quiet, used]  # newest first
    answered = notes[used]
    assert [(q.question.id, q.status, q.relation) for q in answered.questions] == [
        (question, "confirmed", "answers")
    ]
    assert answered.happened
    assert not notes[quiet].happened and not notes[quiet].questions and notes[quiet].links == 0
    # the brief of the question quotes its only confirmed evidence
    assert [(b.kind, b.key) for b in answered.briefs] == [("question", str(question))]
    assert kb.briefs.quoted_ids("question", str(question)) == [used]


def test_a_note_the_themes_left_on_its_own_has_nothing_happened(kb):
    """The clustering makes a theme of one of a note like no other: that groups it with
    nothing, so the note still shows as waiting."""
    others = [
        f"Sofa delivery was {n} days late and the customer called about it." for n in range(12)
    ]
    kb.add_many([InsightIn(text=t, author="Olli") for t in others])
    _used, quiet, _question = _contributor_with_evidence(kb)
    themes = kb.themes.recompute_themes()
    alone = [t for t in themes if t.insight_ids == [quiet]]
    assert alone, [(t.id, t.insight_ids) for t in themes]  # the situation this test is about
    note = next(n for n in kb.notes.mine("mikko").notes if n.insight.id == quiet)
    assert note.theme is None and not note.briefs and not note.happened


def test_a_person_reads_only_their_own_notes(kb):
    _contributor_with_evidence(kb)
    kb.people.create_user("vera", "Vera Viewer", role="viewer")
    vera = kb.acting_as(kb.people.user("vera"))
    assert vera.notes.mine().total == 0
    with pytest.raises(PermissionDenied):
        vera.notes.mine("mikko")
    assert kb.notes.mine("mikko").total == 2  # the system (the digest) reads anyone's


def test_notes_in_a_rising_theme_and_the_brief_that_quotes_them(kb):
    """Group 0 spread over January-April, group 1 mostly in May: group 1's theme rises. Mikko
    wrote the May notes of group 1 and one of group 0."""
    kb.people.create_user("mikko", "Mikko Laine", role="contributor")
    texts = grouped_texts(2, 60)
    days = [date(2026, m, 10) for m in (1, 2, 3, 4)]
    items = [
        InsightIn(text=t, observed_at=days[i % 4], author="Mikko Laine" if i == 0 else "p")
        for i, t in enumerate(texts[:60])
    ]
    items += [
        InsightIn(
            text=t,
            observed_at=date(2026, 5 if i < 40 else 1 + i % 4, 12),
            author="Mikko Laine" if i < 40 else "p",
        )
        for i, t in enumerate(texts[60:])
    ]
    ids = kb.add_many(items)
    kb.wait_for_links()
    kb.themes.recompute_themes()
    mine = kb.notes.mine("mikko")
    assert mine.total == 41
    notes = {n.insight.id: n for n in mine.notes}
    may = [notes[i] for i in ids[60:100]]
    rising = {t.theme_id for t in kb.themes.theme_trends("month") if t.trend == "rising"}
    members = {i: t.id for t in kb.themes.all() for i in t.insight_ids}
    for note in mine.notes:  # each note's theme, rising as the Overview says
        assert note.theme is not None and note.theme.id == members[note.insight.id]
        assert note.theme.rising == (note.theme.id in rising)
    assert sum(n.theme.rising for n in may if n.theme) >= 30
    assert notes[ids[0]].theme is not None and not notes[ids[0]].theme.rising
    quoted = set()
    for theme in {n.theme.id for n in mine.notes if n.theme}:
        quoted |= {i.id for i in kb.briefs.brief("theme", str(theme)).quotes}
    said = {n.insight.id for n in mine.notes if any(b.kind == "theme" for b in n.briefs)}
    assert said and said == quoted & set(notes)  # what the briefs show, no more, no less
    for note in may:  # the links the insight's own page lists
        links = kb.insights.links(note.insight.id)
        assert sorted(note.confirmed_links + note.suggested_links) == sorted(
            link.other_id for link in links
        )
    assert any(n.links for n in may)
    today = date.today()  # all of them were added today: this week's digest counts them
    week = kb.notes.week("mikko", today - timedelta(days=6), today)
    in_rising = sum(bool(n.theme and n.theme.rising) for n in mine.notes)
    with_links = sum(bool(n.links) for n in mine.notes)
    assert week.rising == in_rising and week.linked == with_links and week.evidence == 0
    assert week.used == len(
        {n.insight.id for n in mine.notes if n.links or n.theme and n.theme.rising}
    )
    line = f"{week.used} of your notes were used this week: {with_links} linked to other insights"
    assert line + f", {in_rising} in rising themes." in kb.digest(username="mikko").markdown
    assert kb.notes.week("mikko", today - timedelta(days=13), today - timedelta(days=7)).used == 0


def test_the_digest_tells_a_contributor_how_many_notes_were_used(kb):
    _contributor_with_evidence(kb)
    english = kb.digest(username="mikko", end=date.today())
    assert "## Your notes" in english.markdown
    assert "1 of your notes was used this week: 1 as evidence for a question." in english.markdown
    kb.acting_as(kb.people.user("mikko")).people.set_language("fi")
    finnish = kb.digest(username="mikko", end=date.today())
    assert "## Omat havaintosi" in finnish.markdown
    assert "1 havainnoistasi käytettiin tällä viikolla: 1 näyttönä kysymykseen." in finnish.markdown
    kb.acting_as(kb.people.user("mikko")).people.set_language("sv")
    swedish = kb.digest(username="mikko", end=date.today())
    assert "1 av dina insikter användes den här veckan" in swedish.markdown
    later = kb.digest(username="mikko", end=date(2030, 1, 7))  # a week with nothing used
    assert "Omat havaintosi" not in later.markdown and "insikter användes" not in later.markdown


def _page_texts(at) -> str:
    shown = [m.value for m in at.markdown] + [c.value for c in at.caption]
    shown += [str(link.label) for link in at.get("page_link")]
    return "\n".join(shown + [h.value for h in at.subheader])


def test_the_page_shows_the_question_a_note_answers_and_the_quiet_note(app_db):
    used, quiet, question = _contributor_with_evidence(shared(app_db))
    at = open_app("views/my_notes.py", user="mikko")
    assert at.title[0].value == "What happened to my notes"
    shown = _page_texts(at)
    assert "Confirmed as evidence, answers: **Why are the Thursday deliveries late?**" in shown
    assert "Quoted in the brief of the question" in shown
    assert "You are the author of 2 notes. 1 of them has been used so far." in shown
    assert "Nothing yet for 1 note" in shown and "Parking lights broken" in shown
    links = {(link.label, link.proto.page) for link in at.get("page_link")}
    assert any(page.endswith("backlog") or "backlog" in page for _label, page in links), links


def test_the_page_in_finnish(app_db, monkeypatch):
    _contributor_with_evidence(shared(app_db))
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/my_notes.py", user="mikko")
    assert at.title[0].value == "Mitä havainnoilleni on tapahtunut"
    shown = _page_texts(at)
    assert "Vahvistettu näytöksi, vastaa: **Why are the Thursday deliveries late?**" in shown
    assert "Olet kirjoittanut 2 havaintoa. Niistä 1 on jo käytetty." in shown
    assert "Vielä ei mitään: 1 havainto" in shown


def test_a_person_without_notes_is_told_how_to_begin(app_db):
    at = open_app("views/my_notes.py", user="mikko")
    assert "You have no notes yet" in at.info[0].value
    assert "Add an insight" in [str(link.label) for link in at.get("page_link")]
    viewer = open_app("views/my_notes.py", user="vera")  # a viewer adds nothing: no such advice
    assert viewer.info[0].value.startswith("You have no notes:")
