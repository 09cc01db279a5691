"""Every page rendered in Finnish shows no English word outside the user's own data.

The knowledge base here holds only Finnish data (insights, a study, a question, people's names),
so any English word found on a page - a title, a label, a caption, a button, an option, a table's
column header, the sidebar - is the interface's, not the data's."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from insights import KnowledgeBase
from tests.conftest import ROOT, serve_to_app
from tests.doubles import HashingEmbedder
from tests.test_interface import FINNISH_TITLES
from tests.test_pages import open_app

# English words a Finnish page never needs (none of them is also a Finnish word or a name we use).
ENGLISH_WORDS = """
the and of with for from your you this that not none all any new open show add save search
insight insights question questions theme themes study studies import imports export vote votes
backlog delete edit rows row file files date month week rising evidence brief briefs page sign
people settings language filters journey stage stages segment segments source sources kind
sentiment tags team text title overview related similar answer answered ask asked follow
results result upload download preview undo mapping column columns here there more less
nothing yet first last today when what which who why how their them
survey interview finding observation quote positive negative neutral usability ticket analytics
note notes other
"""
ENGLISH = frozenset(ENGLISH_WORDS.split())
WORD = re.compile(r"[A-Za-zÅÄÖåäö]+")
TEXT_ATTRIBUTES = ("value", "label", "body", "placeholder", "help", "caption")
CHOICES = {"selectbox", "radio", "multiselect", "select_slider", "segmented_control", "pills"}
CODE = re.compile(r"`[^`]*`|\S*[/?=]\S*")  # a command or a path stays as it is typed


def finnish_only_file(path) -> None:
    kb = KnowledgeBase.open(path, embedder=HashingEmbedder())
    study = kb.catalog.create_study({"title": "Kassan käytettävyystesti", "method": "haastattelu"})
    kb.add_many(
        [
            {
                "text": "Kuusi yhdeksästä ei löytänyt alennuskoodin kenttää kassalla.",
                "study_id": study.id,
                "segment": "Kuluttajat",
                "source": "usability test",
                "kind": "finding",
                "sentiment": "negative",
            },
            {
                "text": "Torstain toimitukset myöhästyvät aina, muuten ruoka on erinomaista.",
                "segment": "Kuluttajat",
                "kind": "quote",
                "source": "survey",
            },
            {
                "text": "Asiakas kiitti, että kuljettaja soitti ennen toimitusta.",
                "kind": "observation",
                "source": "field note",
                "sentiment": "positive",
            },
        ]
    )
    kb.people.ensure_admin("finnish pages admin password")
    kb.people.create_user("aino", "Aino Virtanen", role="researcher", team="Myynti")
    kb.backlog.ask(
        {
            "text": "Miksi torstain toimitukset myöhästyvät?",
            "decision": "Vaihdetaanko kuljetusyhtiötä?",
            "team": "Myynti",
            "asked_by": "aino",
        }
    )
    kb.themes.recompute_themes()
    kb.close()


@pytest.fixture
def finnish_db(tmp_path, monkeypatch):
    path = tmp_path / "fi.duckdb"
    finnish_only_file(path)
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    yield from serve_to_app(path, HashingEmbedder(), monkeypatch)


def _texts(node) -> list[str]:
    """Every text a person reads in a rendered element tree."""
    found: list[str] = []
    choice = getattr(node, "type", "") in CHOICES  # its value is the stored key, not what shows
    for name in TEXT_ATTRIBUTES:
        if choice and name == "value":
            continue
        try:
            value = getattr(node, name, None)
        except Exception:  # noqa: BLE001 - an element without the attribute raises on some
            continue
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, pd.DataFrame):
            found += _headers(node, value)
    try:
        options = getattr(node, "options", None)
    except Exception:  # noqa: BLE001
        options = None
    if isinstance(options, list | tuple):
        found += [str(option) for option in options]
    for child in getattr(node, "children", {}).values():
        found += _texts(child)
    return found


def _headers(node, table: pd.DataFrame) -> list[str]:
    """A table's column headers as shown: a column's configured label, else its name (hidden
    columns and the index are not shown)."""
    config = json.loads(node.proto.columns or "{}") if hasattr(node, "proto") else {}
    order = list(node.proto.column_order) or [str(c) for c in table.columns]
    shown = []
    for column in order:
        settings = config.get(column) or config.get(f"col:name:{column}") or {}
        if settings is None or settings.get("hidden"):
            continue
        shown.append(str(settings.get("label") or column))
    return shown


def english_words(at: AppTest) -> list[str]:
    """The English words on the page, each with the text it was found in."""
    hits = []
    for text in _texts(at._tree):
        words = {w.lower() for w in WORD.findall(CODE.sub("", text))}
        hits += [f"{word!r} in {text[:80]!r}" for word in sorted(words & ENGLISH)]
    return hits


PAGES = sorted(FINNISH_TITLES)  # every page (CONVERTED also lists modules pages share)


@pytest.mark.parametrize("page", PAGES)
def test_a_page_in_finnish_has_no_english_words(finnish_db, page):
    at = open_app(page)
    hits = english_words(at)
    assert not hits, f"{page}: {hits}"


def test_the_navigation_and_sign_in_have_no_english_words(finnish_db):
    signed_in = open_app()
    assert not english_words(signed_in)
    signin = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    assert not english_words(signin.run())


def test_the_pages_behind_a_click_have_no_english_words(finnish_db):
    """Search results, an insight, a question, a theme and a brief: what shows only after a
    click or a link (the pages' first screens above leave them out)."""
    from tests.test_pages import shared

    search = open_app("views/search.py")
    search.text_input[0].input("toimitus").run()
    assert "myöhästyvät aina" in " ".join(m.value for m in search.markdown)  # results shown
    assert not english_words(search), english_words(search)
    opened = [open_app(insight="1"), open_app("views/backlog.py", question="1")]
    opened.append(open_app("views/brief.py", brief="question:1"))
    themes = shared(finnish_db).themes.all()
    if themes:
        opened.append(open_app("views/themes.py", theme=str(themes[0].id)))
    for at in opened:
        assert not english_words(at), english_words(at)


def test_an_empty_filter_says_choose_in_finnish(finnish_db):
    """A Finnish walk: every empty filter box said Streamlit's "Choose options"."""
    search = open_app("views/search.py")
    boxes = search.multiselect
    assert boxes and {box.proto.placeholder for box in boxes} == {"Valitse"}
