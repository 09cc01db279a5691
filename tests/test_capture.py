"""Capture from anywhere (issue 30): an insight's source address (only http(s), checked before
anything is stored, kept in versions, exported, in the API's schema), the share link that fills
Add without storing anything, and the bookmarklet that builds it. The browser half is
tests/test_browser_capture.py."""

from __future__ import annotations

import json
from urllib.parse import unquote

import pytest
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from insights import InsightIn
from insights.files.exports import insights_frame, to_csv
from language.interface import Interface
from tests.conftest import ROOT
from tests.test_pages import TIMEOUT, shared
from views.capture import LINK_CHARS, bookmarklet, shared_draft
from vocabulary.errors import InvalidInput, describe_validation_error
from vocabulary.knowledge import MAX_SHORT_CHARS, MAX_TEXT_CHARS, MAX_URL_CHARS

PAGE = "https://tuki.example.fi/ohjeet/toimitus?id=42#vaihe-2"


def refusal(address: str) -> InvalidInput:
    with pytest.raises(ValidationError) as refused:
        InsightIn(text="Asiakas kysyi toimituksesta", source_url=address)
    return describe_validation_error(refused.value)


@pytest.mark.parametrize(
    ("address", "says"),
    [
        ("javascript:alert(document.cookie)", "https://"),
        ("JavaScript://example.com/%0aalert(1)", "https://"),
        ("data:text/html,<script>alert(1)</script>", "https://"),
        ("ftp://tiedostot.example.fi/hinnasto.pdf", "https://"),
        ("vbscript:msgbox", "https://"),
        ("https:///ilman-palvelinta", "https://"),
        ("//example.com/ilman-skeemaa", "https://"),
        ("https://esimerkki.fi/kaksi sanaa", "space"),
        ("https://esimerkki.fi/\u202eexe.txt", "invisible"),
        ("https://esimerkki.fi/\x07kello", "invisible"),
        ("https://esimerkki.fi/" + "a" * (MAX_URL_CHARS - 20), "too long"),
    ],
)
def test_only_a_web_address_is_taken_as_the_source(address, says):
    problem = refusal(address)
    assert problem.field == "source_url"
    assert says in str(problem)


def test_an_address_at_the_limit_and_a_unicode_host_are_taken():
    longest = "https://esimerkki.fi/" + "a" * (MAX_URL_CHARS - 21)
    assert len(longest) == MAX_URL_CHARS
    assert InsightIn(text="x", source_url=longest).source_url == longest
    assert "too long" in str(refusal(longest + "a"))  # 2,001 characters
    unicode_host = "https://kauppa.äänekoski.fi/palaute/ö?q=ä"
    assert InsightIn(text="x", source_url=f"  {unicode_host} ").source_url == unicode_host
    assert InsightIn(text="x", source_url="HTTP://EXAMPLE.COM").source_url == "HTTP://EXAMPLE.COM"
    assert InsightIn(text="x", source_url="").source_url is None


def test_the_source_address_is_stored_kept_in_versions_and_exported(kb):
    """Both stores (the `kb` fixture runs on DuckDB, then PostgreSQL)."""
    added = kb.add(InsightIn(text="Asiakas ei löytänyt toimitusaikaa", source_url=PAGE)).insight
    assert kb.get(added.id).source_url == PAGE
    other = "https://kauppa.äänekoski.fi/ukk"
    edited = kb.curation.edit(
        added.id, InsightIn(text=added.text, source_url=other), expected_version=1
    )
    assert edited.source_url == other and kb.get(added.id).source_url == other
    assert [v.data.source_url for v in kb.insights.versions(added.id)] == [PAGE]
    cleared = kb.curation.edit(added.id, InsightIn(text=added.text), expected_version=2)
    assert cleared.source_url is None
    with pytest.raises((InvalidInput, ValidationError)):
        kb.add({"text": "Pahantahtoinen", "source_url": "javascript:alert(1)"})
    assert kb.insights.browse(limit=10)[1] == 1  # nothing stored of the refused one
    [imported] = kb.add_many([{"text": "Tuotu rivi", "source_url": PAGE}])
    assert kb.get(imported).source_url == PAGE
    frame = insights_frame([kb.get(added.id), kb.get(imported)], {})
    assert list(frame["source_url"].fillna("")) == ["", PAGE]
    finnish = to_csv(frame, Interface("fi")).decode("utf-8-sig")
    assert "lähteen verkko-osoite" in finnish.splitlines()[0] and PAGE in finnish


def test_the_api_schema_names_the_source_address():
    from views.api_models import NewInsight

    schema = NewInsight.model_json_schema()["properties"]["source_url"]
    assert MAX_URL_CHARS in [s.get("maxLength") for s in [schema, *schema.get("anyOf", [])]]


def test_a_share_link_is_cleaned_cut_and_its_bad_address_left_out():
    fields, notes = shared_draft(
        {"text": "Asiakas\x00 kysyi\x1b toimituksesta.\nToinen rivi.", "url": PAGE, "title": "Ohje"}
    )
    assert fields == {
        "text": "Asiakas kysyi toimituksesta.\nToinen rivi.",
        "title": "Ohje",
        "source_url": PAGE,
    }
    assert notes == {}
    fields, notes = shared_draft(
        {
            "text": "ä" * (MAX_TEXT_CHARS + 5),
            "title": "Otsikko\nrivit " + "o" * MAX_SHORT_CHARS,
            "url": "javascript:alert(1)",
            "cut": "1",
        }
    )
    assert len(fields["text"]) == MAX_TEXT_CHARS and len(fields["title"]) == MAX_SHORT_CHARS
    assert fields["title"].startswith("Otsikko rivit") and fields["source_url"] == ""
    assert set(notes) == {"text_cut", "title_cut", "url_refused", "selection_cut"}


def test_the_bookmarklet_opens_add_with_the_selection_the_address_and_the_title():
    code = bookmarklet('https://oivallus.example.fi/"tiimi"')
    assert code.startswith("javascript:") and " " not in code and '"' not in code
    script = unquote(code.removeprefix("javascript:"))
    assert '"https://oivallus.example.fi/\\"tiimi\\""' in script  # a string, never code
    for part in ("window.getSelection()", "location.href", "document.title", "'/add?text='"):
        assert part in script
    assert f"u.length>{LINK_CHARS}" in script and "window.open(u,'_blank','noopener')" in script


def add_page(language: str, monkeypatch, user: str = "mikko", **query) -> AppTest:
    """The Add page opened by a share link (the query on Add itself, as a browser has it)."""
    monkeypatch.setenv("OIVALLUS_LANGUAGE", language)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = user
    at.switch_page("views/add.py")
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize(
    ("language", "filled", "saved"),
    [("en", "Filled in from the page", "Saved as insight"), ("fi", "Täytetty", "Tallennettu")],
)
def test_a_share_link_fills_add_and_nothing_is_stored_until_saved(
    app_db, monkeypatch, language, filled, saved
):
    base = shared(app_db)
    before = base.insights.browse(limit=1)[1]
    text = "Asiakas ei löytänyt\x07 kotiinkuljetuksen hintaa."
    at = add_page(language, monkeypatch, text=text, url=PAGE, title="Toimitusohje – Kauppa")
    assert at.text_area(key="add_text").value == "Asiakas ei löytänyt kotiinkuljetuksen hintaa."
    assert at.text_input(key="add_title").value == "Toimitusohje – Kauppa"
    assert at.text_input(key="add_source_url").value == PAGE
    assert any(filled in i.value for i in at.info)
    assert not any(name in at.query_params for name in ("text", "url", "title"))
    assert base.insights.browse(limit=1)[1] == before  # nothing stored by opening the link
    save = next(b for b in at.button if b.label in ("Save", "Tallenna"))
    save.click().run()
    assert not at.exception, at.exception
    assert base.insights.browse(limit=1)[1] == before + 1
    newest = base.insights.browse(limit=1)[0][0]
    assert newest.source_url == PAGE and newest.title == "Toimitusohje – Kauppa"
    assert newest.created_by == "mikko"
    assert at.text_input(key="add_source_url").value == ""  # the next note starts afresh
    assert not any(filled in i.value for i in at.info)


def test_a_share_link_with_a_bad_address_fills_the_rest_and_says_why(app_db, monkeypatch):
    at = add_page("fi", monkeypatch, text="Hyvä palvelu", url="javascript:alert(1)")
    assert at.text_area(key="add_text").value == "Hyvä palvelu"
    assert at.text_input(key="add_source_url").value == ""
    assert any("Sivun osoite jätettiin pois" in w.value for w in at.warning)


def test_a_viewer_following_a_share_link_stores_nothing(app_db, monkeypatch):
    at = add_page("en", monkeypatch, user="vera", text="Hyvä palvelu", url=PAGE)
    assert any("contributor role" in i.value for i in at.info)
    assert shared(app_db).insights.browse(limit=5)[1] == 2


def test_a_share_link_survives_signing_in(app_db, monkeypatch):
    """Signed out, the link shows the sign-in form; signing in lands on Add, filled."""
    shared(app_db).people.set_password("mikko", "capture password 2026")
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.switch_page("views/add.py")
    at.query_params["text"] = "Kuljettaja soitti etukäteen."
    at.query_params["url"] = PAGE
    at.run()
    assert at.title[0].value == "Kirjaudu Oivallukseen"
    at.text_input[0].input("mikko")
    at.text_input[1].input("capture password 2026")
    at.button[0].click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Lisää havainto"
    assert at.text_area(key="add_text").value == "Kuljettaja soitti etukäteen."
    assert at.text_input(key="add_source_url").value == PAGE


def test_the_insight_page_links_its_source_and_the_edit_form_changes_it(app_db):
    from tests.test_pages import open_app

    base = shared(app_db)
    added = base.add(InsightIn(text="Asiakas kiitti nopeasta toimituksesta", source_url=PAGE))
    at = open_app(insight=str(added.insight.id))
    buttons = at.get("link_button")
    assert [(b.proto.label, b.proto.url) for b in buttons] == [("Open the source page", PAGE)]
    assert PAGE in [t.value for t in at.text]
    at.text_input(key=f"edit{added.insight.id}g0_source_url").input("ftp://x.example")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert any("source_url" in e.value and "https://" in e.value for e in at.error), [
        e.value for e in at.error
    ]
    assert base.get(added.insight.id).source_url == PAGE


def test_the_api_takes_a_source_address_and_refuses_a_script(kb):
    """Through the HTTP API (both stores): the address is stored and read back; a
    `javascript:` one is a 422 problem naming the field, and nothing is stored."""
    from tests.asgi_client import call
    from tests.conftest import add_people
    from tests.test_api import is_problem, token_of
    from views.api import Api

    add_people(kb)
    app, secret = Api(lambda: kb), token_of(kb, "mikko")
    refused = call(
        app,
        "POST",
        "/api/v1/insights",
        token=secret,
        json={"text": "Pahantahtoinen linkki", "source_url": "javascript:alert(1)"},
    )
    problem = is_problem(refused, 422)
    assert [e["field"] for e in problem["errors"]] == ["source_url"]
    assert kb.count() == 0
    made = call(
        app, "POST", "/api/v1/insights", token=secret, json={"text": "Hyvä", "source_url": PAGE}
    )
    assert made.status == 201
    [made_id] = made.json()["ids"]
    read = call(app, "GET", f"/api/v1/insights/{made_id}", token=secret).json()
    assert read["source_url"] == PAGE
    document = call(app, "GET", "/api/v1/openapi.json", token=secret).json()
    assert "source_url" in json.dumps(document)
