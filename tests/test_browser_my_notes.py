"""Real browser, in Finnish, on a phone: a contributor opens "what happened to my notes", reads
that one of her notes was confirmed as evidence for a question and that another is waiting,
and follows the link to the question (tests/artifacts/fi_my_notes_phone*.png)."""

from __future__ import annotations

import pytest

from tests.doubles import HashingEmbedder
from tests.test_browser import (
    ADMIN_PASSWORD,
    _serve,
    pytestmark,  # noqa: F401 - marked browser, skipped without chromium
    settle,
)
from tests.test_browser_finnish import PASSWORD, PHONE, shot, sign_in

QUESTION = "Miksi sohvien toimitukset myöhästyvät?"
USED = "Asiakas kysyi, miksi sohvan toimitus myöhästyi kaksi viikkoa."
QUIET = "Pysäköintialueen valot eivät toimi varaston takana."


@pytest.fixture(scope="module")
def notes_url(tmp_path_factory):
    """Maija (a contributor, her browser Finnish) wrote two notes among others' notes on two
    subjects: one is confirmed evidence for a question, the other has nothing yet."""
    from insights import InsightIn, KnowledgeBase

    db = tmp_path_factory.mktemp("browser-notes") / "fi.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("maija", "Maija Myyjä", role="contributor", password=PASSWORD)
    question = kb.backlog.ask({"text": QUESTION, "asked_by": "admin"})
    others = [
        f"Sohvan toimitus myöhästyi {n} päivää ja asiakas soitti toimituksesta."
        for n in range(2, 14)
    ] + [f"Kassalla alennuskoodin kenttä ei löytynyt, asiakas {n} luovutti." for n in range(12)]
    kb.add_many([InsightIn(text=t, author="Olli Tutkija") for t in others])
    used = kb.add(InsightIn(text=USED, author="Maija Myyjä", kind="observation")).insight.id
    kb.add(InsightIn(text=QUIET, author="maija", kind="observation"))
    kb.wait_for_links()
    kb.themes.recompute_themes()  # the quiet note makes a theme of its own: that is no news
    kb.backlog.link_evidence(question.id, used, "answers")
    kb.close()
    yield from _serve(db)


def test_a_finnish_contributor_reads_what_happened_to_her_notes_on_a_phone(notes_url, browser):
    context = browser.new_context(locale="fi-FI", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(90_000)
    sign_in(phone, notes_url + "/my_notes", "maija")
    phone.get_by_text("Mitä havainnoilleni on tapahtunut").first.wait_for()
    phone.get_by_text(f"Vahvistettu näytöksi, vastaa: {QUESTION}").first.wait_for()
    settle(phone)
    shot(phone, "my_notes_phone")
    body = phone.locator("body").inner_text()
    assert "Vielä ei mitään: 1 havainto" in body, body
    assert "Olet kirjoittanut 2 havaintoa." in body and "Pysäköintialueen valot" in body
    phone.get_by_text("Pysäköintialueen valot").first.scroll_into_view_if_needed()
    shot(phone, "my_notes_phone_end")  # the notes with nothing yet, under the used ones
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"the page is {width} px wide on a {PHONE['width']} px phone"
    phone.locator('a[href*="question="]').first.click()  # "Avaa" under the question
    phone.get_by_text(QUESTION).first.wait_for()
    settle(phone)
    assert "/backlog" in phone.url
    context.close()
