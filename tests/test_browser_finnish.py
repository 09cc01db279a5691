"""Real browser, in Finnish: a contributor on a phone and a researcher at a desk use the app as
Finnish speakers do, and every page is screenshotted in Finnish (tests/artifacts/fi_*.png)."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (
    ADMIN_PASSWORD,
    _serve,
    demo_url,  # noqa: F401 - the demo data served (the real model: nothing re-embeds)
    pytestmark,  # noqa: F401 - marked browser, skipped without chromium
    settle,
    wait_for_session_cookie,
)

PASSWORD = "finnish walk password 2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def finnish_url(tmp_path_factory):
    """The app on a database with a Finnish contributor (her browser decides the language) and a
    researcher who chose Finnish in his account (his browser is English)."""
    from insights import KnowledgeBase

    db = tmp_path_factory.mktemp("browser-fi") / "fi.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("maija", "Maija Myyjä", role="contributor", password=PASSWORD)
    kb.people.create_user("olli", "Olli Tutkija", role="researcher", password=PASSWORD)
    kb.acting_as(kb.people.user("olli")).people.set_language("fi")
    kb.backlog.ask(
        {
            "text": "Miksi asiakkaat jättävät ostoskorin kesken?",
            "decision": "Korjataanko kassa ensin?",
            "asked_by": "olli",
        }
    )
    kb.close()
    yield from _serve(db)


def sign_in(page, url: str, username: str) -> None:
    """Sign in through the Finnish sign-in page."""
    page.goto(url)
    page.get_by_text("Kirjaudu Oivallukseen").wait_for()
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_role("textbox", name="Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_text("Kirjautuneena").first.wait_for(state="attached")
    wait_for_session_cookie(page)  # a next address before the cookie opens signed out
    settle(page)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fi_{name}.png"), full_page=True)


def test_a_finnish_contributor_on_a_phone_adds_two_notes_searches_opens_and_votes(
    finnish_url, browser
):
    """Issue 28: a shop worker whose phone speaks Finnish adds two notes in a row (the form
    clears after each), finds them, opens one and votes on a question - all in Finnish."""
    context = browser.new_context(locale="fi-FI", viewport=PHONE, is_mobile=True, has_touch=True)
    phone = context.new_page()
    phone.set_default_timeout(90_000)
    sign_in(phone, finnish_url + "/add", "maija")
    phone.get_by_text("Lisää havainto").first.wait_for()
    notes = (
        "Asiakas kysyi, miksi sohvan toimitus myöhästyi kaksi viikkoa.",
        "Asiakas ei löytänyt kassalla kenttää alennuskoodille.",
    )
    for number, note in enumerate(notes, start=1):
        box = phone.get_by_label("Mitä huomasit? *")
        assert box.input_value() == ""  # the form is empty for the next note (defect 1)
        box.fill(note)
        phone.get_by_role("button", name="Tallenna", exact=True).click()
        phone.get_by_text(f"Tallennettu havainnoksi #{number}.").first.wait_for()
        settle(phone)
        shot(phone, f"phone_add_{number}")
    assert phone.get_by_label("Mitä huomasit? *").input_value() == ""

    phone.goto(finnish_url + "/search")
    box = phone.get_by_placeholder("esim. toimitukset myöhässä · slow checkout")
    box.fill("toimitus myöhässä")
    box.press("Enter")
    phone.get_by_text("Parhaat osumat haulle", exact=False).first.wait_for()
    phone.get_by_text("sohvan toimitus myöhästyi").first.wait_for()
    settle(phone)
    shot(phone, "phone_search")

    phone.goto(finnish_url + "/?insight=1")
    phone.get_by_text("Linkitetyt havainnot").wait_for()
    phone.get_by_text("sohvan toimitus myöhästyi").first.wait_for()
    settle(phone)
    shot(phone, "phone_insight")

    phone.goto(finnish_url + "/backlog")
    phone.get_by_text("Miksi asiakkaat jättävät ostoskorin kesken?").first.wait_for()
    phone.get_by_role("button", name="Äänestä", exact=True).first.click()
    phone.get_by_role("button", name="Peru ääni", exact=True).wait_for()
    settle(phone)
    phone.get_by_text("1 ääni", exact=False).first.wait_for()
    shot(phone, "phone_backlog")
    for english in ("Save", "Search insights", "Vote", "Linked insights"):
        assert phone.get_by_text(english, exact=True).count() == 0, english
    context.close()


def test_a_researcher_who_chose_finnish_imports_a_file_with_preview_and_progress(
    finnish_url, browser, tmp_path
):
    """His browser is English; his account says Finnish: the Import page's upload, preview,
    progress and report are Finnish, with Finnish numbers."""
    upload = tmp_path / "palaute.csv"
    upload.write_text(
        "pvm;palaute;tiketti\n"
        "2.6.2026;Laskutus on sekava, en ymmärrä laskun rivejä;A-1\n"
        "3.6.2026;Sovellus kaatuu kassalla;A-2\n"
        "32.6.2026;Päivämäärä on väärin;A-3\n",
        encoding="utf-8",
    )
    context = browser.new_context(locale="en-GB", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(finnish_url + "/import")
    page.get_by_text("Sign in to Oivallus").wait_for()  # the browser's language until signed in
    page.get_by_label("Username").fill("olli")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Tuo havaintoja").first.wait_for()  # then his own
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("Tiedoston palaute.csv ensimmäiset rivit:").wait_for()
    page.get_by_text("Mikä sarake sisältää mitä").wait_for()
    settle(page)
    shot(page, "import_preview")
    page.get_by_role("button", name="Tuo", exact=True).click()
    page.get_by_text("palaute.csv: 2 lisätty", exact=False).first.wait_for()
    page.get_by_text("palaute.csv: valmis").first.wait_for()
    page.get_by_text("Tuontihistoria").wait_for()
    settle(page)
    shot(page, "import_done")
    for english in ("inserted", "Import history", "finished"):
        assert page.get_by_text(english, exact=False).count() == 0, english
    context.close()


EVERY_PAGE = {  # url path -> the page's Finnish title (a words on it)
    "": "Yleiskuva",  # the admin's home
    "whats_new": "Mitä uutta",
    "lead": "Tiiminvetäjän näkymä",
    "for_you": "Sinulle",
    "search": "Hae havaintoja",
    "add": "Lisää havainto",
    "insight?insight=1": "Linkitetyt havainnot",  # an insight's page is titled by the insight
    "studies": "Tutkimukset",
    "documents": "Dokumentit",
    "import": "Tuo havaintoja",
    "backlog": "Kysymysjono",
    "themes": "Teemat",
    "journey": "Asiakaspolku",
    "funnel": "Suppilo",
    "kpis": "Asiakkaiden tunnusluvut",
    "behaviour": "Käyttäytyminen",
    "brief": "Tiivistelmä",
    "admin": "Ylläpito",
    "privacy": "Tietosuoja",
}


CHARTED = ("themes", "kpis", "funnel", "behaviour")


def test_every_page_in_finnish_is_screenshotted(demo_url, browser):  # noqa: F811
    """Every page as an admin whose browser speaks Finnish, kept as tests/artifacts/fi_*.png;
    the title and the navigation are Finnish on each."""
    context = browser.new_context(locale="fi-FI", viewport={"width": 1400, "height": 1000})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(demo_url)
    page.get_by_label("Käyttäjätunnus").fill("admin")
    page.get_by_role("textbox", name="Salasana").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_text("Kirjautuneena").first.wait_for()
    wait_for_session_cookie(page)  # the next address opens signed in
    for path, title in EVERY_PAGE.items():
        page.goto(f"{demo_url}/{path}")
        page.locator('[data-testid="stMain"]').get_by_text(title, exact=True).first.wait_for()
        settle(page)
        if path in CHARTED:  # the axes' Finnish numbers are a valid Vega expression
            chart = page.locator('[data-testid="stVegaLiteChart"]').first
            chart.locator("canvas, svg").first.wait_for()
            page.wait_for_timeout(1000)
        page.get_by_role("link", name="Kysymysjono").first.wait_for()  # nothing folded away
        shot(page, "page_" + (path.split("?")[0] or "overview"))
    context.close()
