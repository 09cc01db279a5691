"""Real browser (issue 29): a researcher imports a Finnish VTT interview, names its speakers,
opens the reader, selects a sentence of the participant with a real DOM selection, tags it,
and finds it as an insight whose page links back to the highlighted place; the interviewer's
turns are no insights. Screenshots: tests/artifacts/reader_*.png."""

from __future__ import annotations

import shutil

import pytest

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (
    _serve,
    pytestmark,  # noqa: F401 - marked browser, skipped without chromium
    settle,
    wait_for_session_cookie,
)
from tests.test_documents import INTERVIEW

PASSWORD = "reader walk password 2026"
SENTENCE = "Ensimmäinen laatikko tuli kaksi tuntia myöhässä ja kylmälaukku oli lämmin."

SELECT = """(words) => {
  const root = document.querySelector('[data-testid="oiv-reader"]');
  const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = walker.nextNode())) {
    const at = node.textContent.indexOf(words);
    if (at >= 0) {
      const range = document.createRange();
      range.setStart(node, at);
      range.setEnd(node, at + words.length);
      const selection = window.getSelection();
      selection.removeAllRanges();
      selection.addRange(range);
      node.parentElement.dispatchEvent(new MouseEvent('mouseup', { bubbles: true }));
      return true;
    }
  }
  return false;
}"""


@pytest.fixture(scope="module")
def reader_url(tmp_path_factory):
    """The app on a database with a researcher."""
    from insights import KnowledgeBase
    from tests.test_browser import ADMIN_PASSWORD

    db = tmp_path_factory.mktemp("browser-reader") / "reader.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("aino", "Aino Researcher", role="researcher", password=PASSWORD)
    kb.tags.create({"name": "cold chain", "group": "Quality", "synonyms_fi": ["kylmäketju"]})
    kb.close()
    yield from _serve(db)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"reader_{name}.png"), full_page=True)


def test_a_researcher_highlights_a_participants_sentence_in_a_finnish_interview(
    reader_url, browser, tmp_path
):
    upload = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, upload)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(90_000)
    page.goto(reader_url + "/import")
    page.get_by_label("Username").fill("aino")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Signed in as").first.wait_for()
    wait_for_session_cookie(page)
    settle(page)
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("haastattelu.vtt").first.wait_for()
    page.get_by_text("Role of Haastattelija").wait_for()  # the guess, to change before importing
    settle(page)
    shot(page, "import_preview")
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("haastattelu.vtt: 2 inserted", exact=False).first.wait_for()

    # the list of documents, then the reader
    page.goto(reader_url + "/documents")
    page.get_by_role("link", name="Read").first.click()
    reader = page.locator('[data-testid="oiv-reader"]')
    reader.get_by_text("Miten ensimmäinen viikko", exact=False).wait_for()
    assert reader.locator("mark").count() == 2  # the participant's two turns, not the interviewer's
    assert "Mikä sitten muuttui" not in " ".join(reader.locator("mark").all_inner_texts())
    assert reader.get_by_text("Interviewer 1").count() >= 1

    # the speakers named once
    page.get_by_text("Speakers", exact=True).click()
    page.get_by_label("Name of Maija").fill("Maija Mäkinen")
    page.get_by_role("button", name="Save speakers").click()
    settle(page)
    reader.get_by_text("Participant 1").first.wait_for()
    assert reader.get_by_text("Maija Mäkinen").count() == 0  # names stay hidden unless allowed

    # a real selection of the participant's sentence
    assert page.evaluate(SELECT, "kylmälaukku oli lämmin.")
    page.get_by_text("Selected:", exact=False).wait_for()
    settle(page)
    tags = page.locator('[data-testid="stMultiSelect"]').filter(has_text="Tags").locator("input")
    tags.click()
    page.keyboard.type("cold")  # the governed tag set's tag is offered
    page.get_by_role("option", name="cold chain").click()
    page.keyboard.press("Escape")
    page.get_by_label("Note (optional)").fill("Kylmäketju pettää")
    shot(page, "selection")
    page.get_by_role("button", name="Highlight", exact=True).click()
    page.get_by_text("Highlighted as insight", exact=False).wait_for()
    settle(page)
    shot(page, "highlighted")
    page.get_by_text("#cold chain").first.wait_for()  # the highlight carries the set's tag

    # the insight's page says who said it and links back to the place
    page.get_by_text("Highlighted as insight", exact=False).locator("..").page.get_by_role(
        "link", name="Open"
    ).first.click()
    page.get_by_text("Kylmäketju pettää").first.wait_for()
    page.get_by_text("participant 1", exact=False).first.wait_for()
    page.get_by_role("link", name="Read it in its document").click()
    focus = page.locator('[data-testid="oiv-reader"] .oiv-focus')
    focus.first.wait_for()
    assert "".join(focus.all_inner_texts()) == "kylmälaukku oli lämmin."
    settle(page)
    shot(page, "back_to_place")
    page.close()

    # the same reader for a Finnish browser
    context = browser.new_context(locale="fi-FI", viewport={"width": 1400, "height": 1100})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(reader_url + "/documents?document=1")
    page.get_by_label("Käyttäjätunnus").fill("aino")
    page.get_by_role("textbox", name="Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    reader = page.locator('[data-testid="oiv-reader"]')
    reader.get_by_text("Osallistuja 1").first.wait_for()
    assert reader.get_by_text("Haastattelija 1").count() == 3
    page.get_by_text("Korostukset (1)").wait_for()
    settle(page)
    shot(page, "finnish")
    context.close()


EMOJI_VTT = """WEBVTT

00:00:01.000 --> 00:00:04.000
<v Haastattelija>Miltä sovellus tuntui?

00:00:04.500 --> 00:00:09.000
<v Maija>Ihan kiva 😀😀 mutta maksaminen jumittui kahdesti kassalla.
"""


@pytest.fixture(scope="module")
def emoji_url(tmp_path_factory):
    """The app with a transcript whose participant uses emoji (two UTF-16 units each)."""
    from insights import KnowledgeBase
    from tests.test_browser import ADMIN_PASSWORD

    folder = tmp_path_factory.mktemp("browser-emoji")
    kb = KnowledgeBase.open(folder / "emoji.duckdb", embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("aino", "Aino Researcher", role="researcher", password=PASSWORD)
    (folder / "emoji.vtt").write_text(EMOJI_VTT, encoding="utf-8")
    kb.imports.import_file(folder / "emoji.vtt")
    kb.close()
    yield from _serve(folder / "emoji.duckdb")


def test_after_an_emoji_the_reader_marks_and_highlights_the_right_words(emoji_url, browser):
    """The browser counts an emoji as two: the marks and a selection after one still stand
    on the right words."""
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(90_000)
    page.goto(emoji_url + "/documents?document=1")
    page.get_by_label("Username").fill("aino")
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    reader = page.locator('[data-testid="oiv-reader"]')
    reader.get_by_text("Miltä sovellus", exact=False).wait_for()
    settle(page)
    assert "".join(reader.locator("mark").all_inner_texts()) == (
        "Ihan kiva 😀😀 mutta maksaminen jumittui kahdesti kassalla."
    )
    assert page.evaluate(SELECT, "maksaminen jumittui")
    page.get_by_text("Selected:", exact=False).wait_for()
    settle(page)
    assert page.get_by_text("maksaminen jumittui", exact=False).count() >= 2
    page.get_by_role("button", name="Highlight", exact=True).click()
    page.get_by_text("Highlighted as insight", exact=False).wait_for()
    settle(page)
    assert reader.locator("mark.oiv-highlight").all_inner_texts() == ["maksaminen jumittui"]
    page.close()
