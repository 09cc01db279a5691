"""Capture from any web page in a real browser (issue 30), in Finnish: the bookmarklet as the Add
page offers it, run on another site's page with a passage selected, opens Add in a new window
with the passage, the page's address and its title; saving stores it and the insight page links
the address (a new tab, no referrer). Signed out, the same window asks to sign in first and then
lands on Add, filled. Screenshots: tests/artifacts/capture_*.png."""

from __future__ import annotations

import threading
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote

import pytest
from playwright.sync_api import expect

from tests.conftest import ARTIFACTS, app_file
from tests.doubles import HashingEmbedder
from tests.test_browser import _serve, pytestmark, settle, wait_for_session_cookie  # noqa: F401

PASSWORD = "capture password 2026"
PASSAGE = (
    "Kolme asiakasta kertoi, että kotiinkuljetuksen hinta näkyi vasta kassalla, "
    "ja kaksi heistä jätti ostoskorin siihen."
)
SHOP_PAGE = f"""<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Asiakaspalaute – viikko 48</title></head>
<body style="font-family: sans-serif; max-width: 40em; margin: 2em auto">
<h1>Asiakaspalautteen kooste</h1>
<p>Viikon palautteessa toistui sama asia.</p>
<p id="kohta">{PASSAGE}</p>
<p>Muuten toimitukset sujuivat hyvin ja ajallaan.</p>
</body></html>
"""


@pytest.fixture(scope="module")
def capture_url(tmp_path_factory):
    """The app (the page tests' people; mikko a contributor with a password)."""
    from insights import KnowledgeBase

    db = app_file(tmp_path_factory.mktemp("browser-capture") / "app.duckdb", HashingEmbedder())
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.set_password("mikko", PASSWORD)
    kb.close()
    yield from _serve(db, OIVALLUS_LANGUAGE="fi")


@pytest.fixture(scope="module")
def shop_url(tmp_path_factory):
    """Another site (localhost, the app being 127.0.0.1): a Finnish page to capture from."""
    folder = tmp_path_factory.mktemp("shop")
    (folder / "palaute.html").write_text(SHOP_PAGE, encoding="utf-8")
    handler = partial(SimpleHTTPRequestHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://localhost:{server.server_address[1]}/palaute.html?viikko=48"
    server.shutdown()


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"capture_{name}.png"), full_page=True)


def sign_in(page) -> None:
    page.get_by_text("Kirjaudu Oivallukseen").wait_for()
    page.get_by_label("Käyttäjätunnus").fill("mikko")
    page.get_by_role("textbox", name="Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_text("Kirjaudu Oivallukseen").wait_for(state="detached")


def the_bookmarklet(page, url: str) -> str:
    """The bookmarklet as the Add page offers it (the link to drag, inside its frame), checked
    against the code shown for copying."""
    page.goto(url + "/add")
    sign_in(page)
    wait_for_session_cookie(page)
    page.get_by_text("Tallenna mistä tahansa verkkosivulta").click()
    settle(page)
    link = None
    for _attempt in range(100):
        found = [f.query_selector("#bookmarklet") for f in page.frames]
        link = next((a for a in found if a is not None), None)
        if link is not None:
            break
        page.wait_for_timeout(100)
    assert link is not None, "no bookmarklet link on the Add page"
    assert link.inner_text() == "Lisää Oivallukseen"
    href = link.get_attribute("href")
    assert href.startswith("javascript:") and url in unquote(href)
    assert (
        page.locator("code").filter(has_text="javascript:").first.inner_text().replace("\n", "")
        == href
    )
    link.click()  # a click (not a drag) only says how to use it
    assert link.evaluate("a => a.ownerDocument.getElementById('hint').hidden") is False
    shot(page, "1_add_page_bookmarklet")
    return href


def select_passage(shop) -> None:
    shop.locator("#kohta").click(click_count=3)  # a triple click selects the paragraph
    assert shop.evaluate("String(window.getSelection()).trim()") == PASSAGE


def check_filled(add, shop_address: str) -> None:
    box = add.get_by_label("Mitä huomasit? *")
    expect(box).to_have_value(PASSAGE)
    settle(add)
    assert box.input_value() == PASSAGE
    assert add.get_by_label("Otsikko", exact=True).input_value() == "Asiakaspalaute – viikko 48"
    assert add.get_by_role("textbox", name="Lähteen verkko-osoite").input_value() == shop_address
    add.get_by_text("Täytetty jakamaltasi sivulta", exact=False).wait_for()
    assert "text=" not in add.url  # the address no longer carries the draft


def test_the_bookmarklet_captures_a_selected_passage_into_a_saved_insight(
    capture_url, shop_url, browser
):
    context = browser.new_context(locale="fi-FI", viewport={"width": 1300, "height": 1000})
    context.set_default_timeout(90_000)
    oivallus = context.new_page()
    href = the_bookmarklet(oivallus, capture_url)

    shop = context.new_page()
    shop.goto(shop_url)
    select_passage(shop)
    with context.expect_page() as opened:  # as the bookmarks bar runs it: the page's own code
        shop.evaluate(unquote(href.removeprefix("javascript:")))
    add = opened.value
    check_filled(add, shop_url)
    shot(add, "2_add_filled")

    add.get_by_role("button", name="Tallenna", exact=True).click()
    add.get_by_text("Tallennettu havainnoksi #", exact=False).first.wait_for()
    settle(add)
    assert (
        add.get_by_role("textbox", name="Lähteen verkko-osoite").input_value() == ""
    )  # ready for the next
    add.get_by_role("link", name="Avaa havainto").first.click()
    source = add.get_by_role("link", name="Avaa lähdesivu")
    source.wait_for()
    settle(add)
    assert source.get_attribute("href") == shop_url
    assert source.get_attribute("target") == "_blank"
    assert "noreferrer" in source.get_attribute("rel")
    add.get_by_text(PASSAGE).first.wait_for()
    shot(add, "3_insight_links_its_source")
    with context.expect_page() as tab:
        source.click()
    assert tab.value.url == shop_url  # the source opens in a tab of its own
    tab.value.get_by_text(PASSAGE).wait_for()
    assert tab.value.evaluate("document.referrer") == ""  # nothing of Oivallus leaks to it

    # A selection longer than one address carries: its beginning, and the page says so
    shop.evaluate(
        "words => { const p = document.createElement('p'); p.id = 'pitka';"
        " p.textContent = words; document.body.append(p); }",
        " ".join(["Pitkä palauteteksti kertoo kassajonosta."] * 600),
    )
    shop.locator("#pitka").click(click_count=3)
    with context.expect_page() as opened:
        shop.evaluate(unquote(href.removeprefix("javascript:")))
    long = opened.value
    long.get_by_text("Valinta oli liian pitkä yhteen linkkiin", exact=False).wait_for()
    box = long.get_by_label("Mitä huomasit? *")
    expect(box).not_to_have_value("")
    settle(long)
    kept = box.input_value()
    assert 500 < len(kept) < 8_000 and "Pitkä palauteteksti kertoo kassajonosta." in kept
    shot(long, "6_long_selection_cut")
    print(f"\nbookmarklet: a {600 * 41:,}-character selection arrived as its first {len(kept):,}")
    context.close()


def test_a_signed_out_person_signs_in_and_lands_on_add_filled(capture_url, shop_url, browser):
    context = browser.new_context(locale="fi-FI", viewport={"width": 1300, "height": 1000})
    context.set_default_timeout(90_000)
    shop = context.new_page()
    shop.goto(shop_url)
    from views.capture import bookmarklet

    code = bookmarklet(capture_url)
    # a bookmark-like link on the page, clicked: how a bookmarks bar runs it
    shop.evaluate(
        "code => { const a = document.createElement('a'); a.id = 'kirjanmerkki'; a.href = code;"
        " a.textContent = 'Lisää Oivallukseen'; document.body.prepend(a); }",
        code,
    )
    select_passage(shop)
    with context.expect_page() as opened:
        shop.locator("#kirjanmerkki").click()
    add = opened.value
    add.get_by_text("Kirjaudu Oivallukseen").wait_for()
    assert "text=" in add.url  # kept while the sign-in form shows
    shot(add, "4_signed_out_sign_in")
    sign_in(add)
    check_filled(add, shop_url)
    shot(add, "5_signed_in_add_filled")
    context.close()
