"""The interface in Finnish, Swedish and English: every message the pages wrap is in both
catalogues with the same placeholders, the pages already converted hand no bare English to a
widget, the formats are each language's own, and a person's language choice sticks."""

from __future__ import annotations

import ast
import csv
import re
from datetime import date, datetime

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.pofile import read_po
from streamlit.testing.v1 import AppTest

from language.interface import BUTTON, LANGUAGES, Interface, catalogue_path, supported
from tests.conftest import ROOT
from tests.test_pages import open_app

# `_`/`N_`/`plural` in the pages; `words.text(...)`/`words.plural(...)` where the domain writes for
# a person in their language (a brief, a digest, an export's headers) through an `Interface`.
# Our errors carry their English template (views.i18n.error_text translates it where shown).
ERRORS = (
    "OivallusError",
    "InvalidInput",
    "InvalidValue",
    "NotFound",
    "ReadError",
    "PartlyImported",
    "BackupError",
    "PermissionDenied",
    "DatabaseInUse",
    "StorageFailure",
    "Message",
    "Said",
)
KEYWORDS = {"_": None, "N_": None, "plural": (1, 2), "text": None} | dict.fromkeys(ERRORS)
ACTIONS = {"act": None, "action": None}  # a button's verb, in the gettext context "button"
ROOMS = ("views", "insights", "ingest", "vocabulary", "language", "readers", "retrieval", "storage")
# Every page and every module the pages share: each word goes through the catalogues.
CONVERTED = ("app.py", *(f"views/{p.name}" for p in sorted((ROOT / "views").glob("*.py"))))
WIDGETS = {
    "button",
    "download_button",
    "link_button",
    "metric",
    "page_link",
    "popover",
    "progress",
    "tabs",
    "caption",
    "checkbox",
    "date_input",
    "error",
    "expander",
    "form_submit_button",
    "header",
    "info",
    "markdown",
    "multiselect",
    "number_input",
    "radio",
    "selectbox",
    "subheader",
    "success",
    "text_area",
    "text_input",
    "title",
    "toast",
    "toggle",
    "warning",
    "write",
}
NEUTRAL = {"Markdown", "PDF", "CSV", "Parquet", "NPS", "CSAT", "CES"}  # said alike everywhere
SAID_IN = ("label", "help", "placeholder", "caption", "text")  # keywords a person reads
PLACEHOLDER = re.compile(r"\{(\w*)\}")


def _sources() -> list:
    return [ROOT / "app.py", *sorted(p for room in ROOMS for p in (ROOT / room).rglob("*.py"))]


def _pages() -> list:
    return [ROOT / "app.py", *sorted((ROOT / "views").glob("*.py"))]


def _messages() -> set[str | tuple[str, str]]:
    """Every message the code hands to the catalogues; a button's verb (`act`) keyed as gettext
    keys a message in a context: "button\x04Import"."""
    found: set[str | tuple[str, str]] = set()
    for path in _sources():
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=KEYWORDS
        ):
            found.add(tuple(message) if isinstance(message, tuple) else message)
        for _line, message, _comments, _context in extract_from_file(
            "python", str(path), keywords=ACTIONS
        ):
            found.add(f"{BUTTON}\x04{message}")
    return found


def _catalogue(code: str) -> dict:
    with open(catalogue_path(code), "rb") as handle:
        catalog = read_po(handle, locale=code)
    return {
        (
            tuple(m.id)
            if isinstance(m.id, list | tuple)
            else f"{m.context}\x04{m.id}"
            if m.context
            else m.id
        ): m.string
        for m in catalog
        if m.id
    }


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_every_message_is_translated_with_the_same_placeholders(code):
    catalogue = _catalogue(code)
    missing = sorted(str(m) for m in _messages() if not catalogue.get(m))
    assert not missing, f"not translated into {code}: {missing}"
    wrong = []
    for message, translated in catalogue.items():
        english = message if isinstance(message, tuple) else (message,)
        forms = translated if isinstance(translated, list | tuple) else (translated,)
        wanted = set(PLACEHOLDER.findall(english[-1]))
        wrong += [
            f"{english[0]!r} -> {form!r}"
            for form in forms
            if set(PLACEHOLDER.findall(form)) != wanted
        ]
    assert not wrong, wrong


@pytest.mark.parametrize("code", ["fi", "sv"])
def test_no_translation_is_left_without_its_message(code):
    stale = sorted(str(m) for m in set(_catalogue(code)) - _messages())
    assert not stale, f"in the {code} catalogue but no longer in the code: {stale}"


def _bare_words(node: ast.Call) -> bool:
    first = node.args[0] if node.args else None
    if isinstance(node.func, ast.Attribute) and node.func.attr == "page_link":
        first = None  # the page's path, not a word
    said = [k.value for k in node.keywords if k.arg in SAID_IN]
    items = list(first.elts) if isinstance(first, ast.List | ast.Tuple) else []  # st.tabs
    for value in (first, *said, *items):
        if isinstance(value, ast.JoinedStr):  # words around the values, not the values
            words = "".join(part.value for part in value.values if isinstance(part, ast.Constant))
            if re.search(r"[A-Za-z]{2}", words):
                return True
        if (
            isinstance(value, ast.Constant)
            and isinstance(value.value, str)
            and value.value not in NEUTRAL
            and re.search(r"[A-Za-z]{2}", value.value)
        ):
            return True
    return False


@pytest.mark.parametrize("name", CONVERTED)
def test_a_converted_page_hands_no_bare_english_to_a_widget(name):
    tree = ast.parse((ROOT / name).read_text(encoding="utf-8"))
    bare = [
        f"{name}:{node.lineno} {node.func.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr in WIDGETS
        and _bare_words(node)
    ]
    assert not bare, bare


@pytest.mark.parametrize("path", _pages(), ids=lambda p: p.name)
def test_no_page_hides_the_translation_function(path):
    """`_` is the translation: a page that imports it must not reuse the name for a throwaway."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    imports_it = any(
        isinstance(node, ast.ImportFrom) and any(alias.name == "_" for alias in node.names)
        for node in ast.walk(tree)
    )
    if not imports_it:  # a substring test missed "import N_, _, ui"
        return
    shadowing = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Name) and node.id == "_" and isinstance(node.ctx, ast.Store)
    ]
    assert not shadowing, f"{path.name} assigns _ on lines {shadowing}"


def test_each_language_writes_numbers_percentages_and_dates_its_own_way():
    finnish, swedish, english = Interface("fi"), Interface("sv"), Interface("en")
    assert finnish.number(1234.5) == "1\xa0234,5" and english.number(1234.5) == "1,234.5"
    assert finnish.number(20000) == "20\xa0000"  # a Finn reads "20,000" as twenty
    assert finnish.number(-0.001, 2) == "0,00"  # never "-0,00"
    assert finnish.percent(0.12) == "12\xa0%" and english.percent(0.12) == "12%"
    assert finnish.day(date(2026, 12, 5)) == "5.12.2026"
    assert "'\xa0'" in finnish.chart_numbers() and "','" in english.chart_numbers()
    assert swedish.day(date(2026, 12, 5)) == "2026-12-05"
    noon = datetime(2026, 12, 5, 14, 3)
    assert finnish.moment(noon) == "5.12.2026 14.03" and swedish.moment(noon) == "2026-12-05 14:03"
    assert finnish.plural("{count} insight", "{count} insights", 1480) == "1\xa0480 havaintoa"
    assert finnish.text("A message no catalogue has") == "A message no catalogue has"
    assert set(LANGUAGES) == {"fi", "sv", "en"}
    assert supported("fi-FI") == "fi" and supported("sv_SE") == "sv" and supported("de") is None


def test_the_search_page_speaks_finnish(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/search.py")
    assert at.title[0].value == "Hae havaintoja"
    labels = [w.label for w in at.text_input] + [e.label for e in at.expander]
    assert "Rajaukset" in labels
    assert not any("Search" in str(label) for label in labels)


FINNISH_TITLES = {
    "views/search.py": "Hae havaintoja",
    "views/studies.py": "Tutkimukset",
    "views/documents.py": "Dokumentit",
    "views/kpis.py": "Asiakkaiden tunnusluvut",
    "views/journey.py": "Asiakaspolku",
    "views/funnel.py": "Suppilo",
    "views/privacy.py": "Tietosuoja",
    "views/admin.py": "Ylläpito",
    "views/behaviour.py": "Käyttäytyminen",
    "views/for_you.py": "Sinulle",
    "views/my_notes.py": "Mitä havainnoilleni on tapahtunut",
    "views/overview.py": "Yleiskuva",
    "views/themes.py": "Teemat",
    "views/brief.py": "Tiivistelmä",
    "views/import.py": "Tuo havaintoja",
    "views/add.py": "Lisää havainto",
    "views/quick_note.py": "Pikahavainto",
    "views/insight.py": "Havainto",
    "views/backlog.py": "Kysymysjono",
    "views/home_research.py": "Mitä uutta",
    "views/home_lead.py": "Tiiminvetäjän näkymä",
    "views/tags.py": "Tunnisteet",
    "views/api_tokens.py": "API-avaimet",
    "views/webhooks.py": "Webhookit",
}


@pytest.mark.parametrize("page", sorted(FINNISH_TITLES))
def test_a_converted_page_opens_in_finnish(app_db, monkeypatch, page):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app(page)
    assert at.title[0].value == FINNISH_TITLES[page]
    shown = [m.value for m in at.info] + [m.value for m in at.caption]
    assert not any(word in text for text in shown for word in ("No ", "insight", "Export"))


def test_the_sign_in_page_speaks_the_servers_language(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120).run()
    assert at.title[0].value == "Kirjaudu Oivallukseen"
    assert [b.label for b in at.button] == ["Kirjaudu"]


def test_a_persons_language_is_kept_with_their_account(app_db):
    from tests.test_pages import shared

    base = shared(app_db)
    aino = base.people.user("aino")
    assert aino.language is None
    base.acting_as(aino).people.set_language("sv")
    assert base.people.user("aino").language == "sv"
    at = open_app("views/search.py", user="aino")
    assert at.title[0].value == "Sök insikter"


def test_the_import_progress_counts_rows_as_each_language_writes_numbers():
    finnish, english = Interface("fi"), Interface("en")
    rows = finnish.plural("{done}/{count} row", "{done}/{count} rows", 1480, done="32")
    assert rows == "32/1\xa0480 riviä"
    assert english.plural("{done}/{count} row", "{done}/{count} rows", 1, done="1") == "1/1 row"


def test_the_import_page_walks_through_in_finnish(app_db, tmp_path, monkeypatch):
    """Every step of Import in Finnish, with the texts a browser test looks for: the upload
    field, the preview, the mapping's field names, the import button, the report with Finnish
    numbers ("1 350 lisätty") and the history with a Finnish date."""
    from tests.test_import import tickets

    folder = tmp_path / "drop"
    folder.mkdir()
    rows = tickets(1500)
    with open(folder / "palaute.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("palaute", "kategoria"), *rows])
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/import.py", user="aino")
    assert at.title[0].value == "Tuo havaintoja"
    assert at.file_uploader[0].label == "Tuotavat tiedostot"
    assert at.multiselect[0].label.startswith("Tai tuontikansiossa")
    assert "Tuontihistoria" in [h.value for h in at.header]
    assert "Mitään ei ole vielä tuotu." in [c.value for c in at.caption]
    at.multiselect[0].select("palaute.csv").run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert "Tiedoston palaute\\.csv ensimmäiset rivit:" in captions, captions
    plan = next(c for c in captions if c.startswith("Jokainen rivi tuottaa"))
    assert "havainnon sarakkeesta ”palaute”" in plan and "1\xa0500" not in plan
    key = "map-dir-palaute.csv-Guessed from the column names-"  # the keys stay English
    assert at.selectbox(key=key + "text").label == "havainnon teksti"
    assert at.selectbox(key=key + "text").value == "palaute"
    assert at.selectbox(key=key + "tags").label == "tunnisteet"
    assert at.selectbox(key="use-dir-palaute.csv").format_func("Guessed from the column names") == (
        "Arvattu sarakkeiden nimistä"
    )
    labels = [s.label for s in at.selectbox] + [b.label for b in at.button]
    assert {"Lähde", "Sarakemääritys", "Tallenna sarakemääritys"} <= set(labels), labels
    assert "Poista henkilötiedot" in [c.label for c in at.checkbox]
    next(b for b in at.button if b.label == "Tuo").click().run()
    assert not at.exception, at.exception
    [done] = [s.value for s in at.success]
    bars = [bar.proto.text for bar in at.get("progress")]
    assert bars == ["palaute\\.csv: valmis", "Teemat päivitetty"], bars
    assert done.startswith("palaute\\.csv: 1\xa0350 lisätty, 150 kaksoiskappaletta ohitettu, ")
    assert "0 kyselyvastausta, 0 hylätty (" in done and "riviä/s)." in done
    history = " ".join(m.value for m in at.markdown)
    assert "**palaute\\.csv** · valmis · " in history and ", tuoja aino" in history
    assert date.today().strftime("%-d.%-m.%Y") in history
    shown = " ".join([done, history, *(c.value for c in at.caption)])
    for english in ("inserted", "rows", "finished", "Import", "duplicates", " by "):
        assert english not in shown, english


def _shown(at: AppTest) -> str:
    """Every word a page shows (labels, texts, captions, messages), to look for English in."""
    parts = [
        m.value
        for kind in (
            "title",
            "subheader",
            "markdown",
            "caption",
            "info",
            "success",
            "warning",
            "error",
        )
        for m in getattr(at, kind)
    ]
    parts += [t.value for t in at.text] + [e.label for e in at.expander]
    for kind in ("button", "text_input", "text_area", "selectbox", "date_input", "slider"):
        parts += [str(w.label) for w in getattr(at, kind)]
    parts += [o for s in at.selectbox for o in s.options]
    parts += [link.proto.label for link in at.get("page_link")]
    return " | ".join(parts).replace("\\", "")  # Markdown's escapes ("\\+0,69")


def test_the_add_form_speaks_finnish_and_keeps_english_values(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/add.py")
    shown = _shown(at)
    for word in (
        "Mitä huomasit? *",
        "Laji",
        "Lähde",
        "Sävy",
        "Havaittu",
        "Tallenna",
        "Etsi samankaltaiset",
        "Kenttähavainto",
        "Huomio",
        "Kielteinen",
    ):
        assert word in shown, word
    for word in ("Save", "Kind", "Source", "field note", "observation", "Observed on", "Similar"):
        assert word not in shown, word
    assert at.date_input(key="add_observed").proto.format == "DD.MM.YYYY"
    at.text_area(key="add_text").input("Asiakas ei löytänyt kassalla alennuskoodin kenttää.")
    at.selectbox(key="add_source").set_value("survey")
    at.selectbox(key="add_sentiment").set_value("negative")
    next(b for b in at.button if b.label == "Tallenna").click().run()
    assert not at.exception, at.exception
    assert at.success[0].value == "Tallennettu havainnoksi #3."
    from tests.test_pages import shared

    saved = shared(app_db).get(3)
    assert (saved.source, saved.sentiment) == ("survey", "negative")  # stored in English


def test_the_insight_page_and_its_edit_conflict_speak_finnish(app_db, monkeypatch):
    from insights import InsightIn
    from tests.test_pages import shared

    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app(insight="1")
    shown = _shown(at)
    for word in ("Linkitetyt havainnot", "Muokkaa", "Tallenna muutokset", "Historia (0 aiempaa"):
        assert word in shown, word
    for word in ("Linked insights", "Save changes", "History", "Author:", "score "):
        assert word not in shown, word
    at.text_input(key="edit1g0_tags").input("alennus")
    base = shared(app_db)
    theirs = base.get(1)
    edited = theirs.model_dump(include=set(InsightIn.model_fields)) | {"language": None}
    edited["text"] = "Seitsemän yhdeksästä ei löytänyt alennuskoodin kenttää."
    base.acting_as(base.people.user("aino")).curation.edit(
        1, InsightIn(**edited), expected_version=theirs.version
    )
    next(b for b in at.button if b.label == "Tallenna muutokset").click().run()
    assert not at.exception, at.exception
    texts = " ".join(t.value for t in at.text)
    assert "Heidän: Seitsemän yhdeksästä" in texts and "Sinun: alennus" in texts
    assert "Theirs" not in texts and "Yours" not in texts
    labels = [b.label for b in at.button]
    assert "Lataa heidän versionsa" in labels and "Yhdistä" in labels


def test_the_backlog_speaks_finnish_with_finnish_numbers(app_db, monkeypatch):
    from tests.test_pages import shared

    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    base = shared(app_db)
    question = base.backlog.ask({"text": "Miksi asiakkaat eivät löydä alennuskoodia?", "impact": 4})
    base.backlog.vote(question.id, "aino", team="Myynti")
    at = open_app("views/backlog.py")
    shown = _shown(at)
    assert "1 ääni" in shown and "avoin · tärkeys " in shown, shown
    assert "Miksi tällä sijalla: äänet +0,69" in shown, shown
    for word in ("Vote", "priority", "Why this rank", "Ask a question", "Sort by"):
        assert word not in shown, word
    at = open_app("views/backlog.py", question=str(question.id))
    shown = _shown(at)
    assert "Miksi tällä sijalla" in shown and "Takaisin kysymysjonoon" in shown
    assert "Seuraa tätä kysymystä" in shown
    assert "Evidence" not in shown and "Follow" not in shown


def test_the_finnish_catalogue_keeps_the_glossarys_words():
    """Review of issue 28: the Import page said "sarakemääritys" and its errors "kohdistus"; the
    Add page told a "kirjaaja" it needs the "kirjoittajan" role."""
    finnish = {k: v for k, v in _catalogue("fi").items() if isinstance(v, str)}
    assert "sarakemääritys" in (ROOT / "docs" / "glossary.md").read_text(encoding="utf-8")
    strays = [k for k, v in finnish.items() if "kohdistu" in v.lower()]
    assert not strays, strays
    role = finnish["contributor"]  # kirjaaja
    needs = finnish["Adding insights needs the contributor role: ask an admin if you need it."]
    assert role[:-1] in needs, needs
