"""AppTest: every page opens without an exception, and the main flow works end to end."""

from __future__ import annotations

import csv

import pytest
from streamlit.testing.v1 import AppTest

from insights import InsightIn, KnowledgeBase
from language.text import escape_markdown
from tests.conftest import ROOT, add_people, serve_to_app

PAGES = [
    "views/overview.py",
    "views/search.py",
    "views/add.py",
    "views/quick_note.py",
    "views/insight.py",
    "views/studies.py",
    "views/backlog.py",
    "views/import.py",
    "views/documents.py",
    "views/themes.py",
    "views/journey.py",
    "views/kpis.py",
    "views/for_you.py",
    "views/my_notes.py",
    "views/funnel.py",
    "views/behaviour.py",
    "views/brief.py",
    "views/home_research.py",
    "views/home_lead.py",
    "views/tags.py",
    "views/api_tokens.py",
]
TIMEOUT = 120


def shared(path) -> KnowledgeBase:
    """The app's own knowledge base (the one its pages use, in this process)."""
    from views.common import OPENINGS

    return OPENINGS.open(path).knowledge_base()


def save_button(at: AppTest):
    return next(b for b in at.button if b.label == "Save")


def check_similar(at: AppTest) -> None:
    """Press "Check for similar" on Add (the text is sent with the form, not on its own)."""
    next(b for b in at.button if b.label == "Check for similar").click().run()


def open_app(page: str | None = None, user: str = "admin", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = user  # signed in (the sign-in form has a test of its own)
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_page_opens(app_db, page):
    at = open_app(page)
    assert at.title, f"{page} shows no title"


def test_search_page_finds_finnish_inflection(app_db):
    at = open_app("views/search.py")
    at.text_input(key="q").input("toimitus").run()
    assert not at.exception
    cards = " ".join(m.value for m in at.markdown)
    assert "**toimitukset**" in cards


def test_insight_deep_link_shows_text(app_db):
    at = open_app(insight="1")
    assert not at.exception
    assert any("discount code" in t.value for t in at.text)


def test_edit_uses_the_add_form_and_keeps_the_old_version(app_db):
    """Edit shows the same fields as Add (lists, not free text), filled from the insight."""
    at = open_app(insight="1")
    assert at.selectbox(key="edit1g0_segment").value == "Consumer"
    assert at.selectbox(key="edit1g0_study").value == "Checkout usability test"
    at.text_area(key="edit1g0_text").input("Seven of nine participants missed the discount field.")
    at.selectbox(key="edit1g0_stage").select("Purchase")
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    kb = shared(app_db)
    edited = kb.get(1)
    assert edited.text.startswith("Seven of nine") and edited.journey_stage == "Purchase"
    assert edited.segment == "Consumer" and edited.study_id is not None
    assert [v.data.text for v in kb.insights.versions(1)][0].startswith("Six of nine")


def test_unknown_insight_deep_link_says_so(app_db):
    at = open_app(insight="999")
    assert "There is no insight 999" in at.error[0].value


def test_add_empty_text_names_the_field(app_db):
    at = open_app("views/add.py")
    save_button(at).click().run()
    assert "text is empty" in at.error[0].value


def test_flow_add_then_search_then_open_then_confirm(real_app_db):
    at = open_app("views/add.py")
    at.text_area(key="add_text").input(
        "Participants could not find where to type the discount code during checkout."
    )
    check_similar(at)
    # Before saving: the near-duplicate is shown, with the offer to add the text as evidence.
    assert any("likely duplicate" in m.value for m in at.markdown)
    assert any(b.label == "Add as evidence to it" for b in at.button)
    at.selectbox(key="add_segment").select("Consumer")
    at.text_input(key="add_tags").input("checkout, discount code")
    save_button(at).click().run()
    assert not at.exception
    assert "Saved as insight #3" in at.success[0].value
    assert at.text_area(key="add_text").value == ""
    confirm = [b for b in at.button if b.label == "Confirm"]
    assert confirm, "the related finding is suggested"

    at.switch_page("views/search.py").run()
    at.text_input(key="q").input("discount code").run()
    assert any("find where to type the" in m.value for m in at.markdown)

    at = open_app(insight="3")
    assert any("type the discount code" in t.value for t in at.text)
    next(b for b in at.button if b.label == "Confirm").click().run()
    assert not at.exception
    assert any("confirmed" in m.value for m in at.markdown)


def test_add_finnish_note_shows_its_english_twin_as_similar(real_app_db):
    at = open_app("views/add.py")
    at.text_area(key="add_text").input(
        "Kuusi yhdeksästä osallistujasta ei löytänyt alennuskoodin kenttää kassalla."
    )
    check_similar(at)
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "discount code field" in shown, shown


def test_add_as_evidence_instead_of_new_insight(app_db):
    at = open_app("views/add.py")
    at.text_area(key="add_text").input(
        "Six of nine participants could not find the discount code field at checkout!"
    )
    check_similar(at)
    next(b for b in at.button if b.label == "Add as evidence to it").click().run()
    assert "Added as evidence to insight #1" in at.success[0].value
    at = open_app(insight="1")
    assert any("Evidence (1)" in h.value for h in at.subheader)


def test_add_page_extends_a_choice_list(app_db):
    at = open_app("views/add.py")
    at.selectbox(key="choice_field").select("Touchpoint")
    at.text_input(key="choice_value").input("Parcel locker")
    next(b for b in at.button if b.label == "Add to list").click().run()
    assert not at.exception
    assert "Parcel locker" in at.selectbox(key="add_touchpoint").options


def test_backlog_flow_ask_vote_rank_evidence_answer(real_app_db):
    at = open_app("views/backlog.py")
    at.session_state["user"] = "aino"
    at.run()
    for text, impact in [
        ("Why do customers miss the discount code field?", 2),
        ("Which segments churn after the price increase?", 3),
    ]:
        inputs = [t for t in at.text_input if t.label.startswith("What do we need")]
        inputs[0].input(text)
        next(s for s in at.slider if s.label == "Impact").set_value(impact)
        next(b for b in at.button if b.label == "Ask").click().run()
        assert not at.exception
    ranked = [m.value for m in at.markdown if m.value.startswith("**1.")]
    assert "churn" in ranked[0]  # impact 3 beats impact 2 with no votes
    # Two votes (two people, two teams) lift the discount question above the other.
    vote = next(b for b in at.button if b.label.startswith("Vote") and b.key == "vote1")
    vote.click().run()
    at.session_state["user"] = "mikko"
    at.run()
    next(b for b in at.button if b.key == "vote1").click().run()
    ranked = [m.value for m in at.markdown if m.value.startswith("**1.")]
    assert "discount code" in ranked[0]

    at = open_app("views/backlog.py", question="1")
    assert not at.exception
    confirm = [b for b in at.button if b.label == "Confirm"]
    assert confirm, "the stored discount-code finding is suggested as evidence"
    confirm[0].click().run()
    assert any("answers" in m.value for m in at.markdown)
    next(s for s in at.selectbox if s.label == "Move to").select("answered")
    next(t for t in at.text_area if t.label.startswith("Short answer")).input(
        "The field is hidden."
    )
    next(b for b in at.button if b.label == "Change status").click().run()
    assert not at.exception
    shown = escape_markdown("The field is hidden.")  # user text is shown escaped (issue 14)
    assert any(f"Answer: {shown}" in s.value for s in at.success)


def test_import_page_imports_a_file_from_the_import_folder(app_db, tmp_path, monkeypatch):
    """A support-ticket export in banking77's shape (text, category) waiting in the import
    folder: the page guesses the mapping and imports every row (the real model's speed is
    benchmarks/bench_import.py's)."""
    from tests.test_import import tickets

    folder = tmp_path / "drop"
    folder.mkdir()
    rows = tickets(1500)
    with open(folder / "train.csv", "w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([("text", "category"), *rows])
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = "aino"
    at.run()
    at.switch_page("views/import.py").run()
    at.multiselect[0].select("train.csv").run()
    assert not at.exception, at.exception
    assert at.selectbox(key="map-dir-train.csv-Guessed from the column names-text").value == "text"
    assert (
        at.selectbox(key="map-dir-train.csv-Guessed from the column names-tags").value == "category"
    )
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    [done] = [s.value for s in at.success if s.value.startswith("train\\.csv")]
    assert "0 rejected" in done
    kb = shared(app_db)
    [record] = kb.imports.history()
    assert record.file == "train.csv" and record.status == "finished"
    distinct = len({text for text, _ in rows})
    assert record.inserted == kb.count() - 2 == distinct
    assert f"{record.inserted:,} inserted" in done and f"{len(rows) - distinct} duplicates" in done


def test_import_page_saves_a_mapping_and_undoes_an_import(app_db, tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "kysely.csv").write_text(
        "x;y;z\nSMB;Laskussa oli virhe taas;3\nConsumer;;10\n", encoding="utf-8"
    )
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    at = open_app("views/import.py")
    at.session_state["user"] = "aino"
    at.multiselect[0].select("kysely.csv").run()
    prefix = "map-dir-kysely.csv-Guessed from the column names-"
    at.selectbox(key=prefix + "text").select("y")
    at.selectbox(key=prefix + "segment").select("x")
    at.selectbox(key=prefix + "score").select("z").run()
    at.text_input(key="save-name-dir-kysely.csv").input("kysely").run()
    next(b for b in at.button if b.label == "Save mapping").click().run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    assert any("1 inserted" in s.value and "2 survey responses" in s.value for s in at.success)
    history = " ".join(m.value for m in at.markdown)
    assert "**kysely\\.csv** · finished" in history and "by aino" in history
    next(b for b in at.button if b.label == "Undo").click().run()
    assert "**kysely\\.csv** · undone" in " ".join(m.value for m in at.markdown)
    kb = shared(app_db)
    assert kb.imports.mappings()["kysely"] == {"text": "y", "segment": "x", "score": "z"}
    assert kb.count() == 2 and kb.imports.survey_responses() == []


def test_import_page_heads_a_partly_imported_file_so(app_db, tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    rows = "".join(f"Palaute numero {i} on hyvä\n" for i in range(600))  # past the preview
    endless = '"' + "a quoted field that never ends\n" * 100_000  # past the field limit
    (folder / "cut.csv").write_text("text\n" + rows + endless, encoding="utf-8")
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    at = open_app("views/import.py")
    at.multiselect[0].select("cut.csv").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    said = " ".join(w.value for w in at.warning).replace("\\", "")
    assert "cut.csv was partly imported: 600 insights" in said, said
    assert "field larger than field limit" in said and not at.error


@pytest.fixture(scope="module")
def demo_db(tmp_path_factory, real_embedder):
    """The demo data (insights, survey responses, computed themes) in a closed file."""
    from ingest.demo import load_demo

    path = tmp_path_factory.mktemp("demo-app") / "demo.duckdb"
    kb = KnowledgeBase.open(path, embedder=real_embedder)
    load_demo(kb)
    add_people(kb)
    kb.close()
    return path


@pytest.fixture
def demo_app(demo_db, monkeypatch, real_embedder):
    """The app under test on the demo data, with the real model (the themes are its)."""
    yield from serve_to_app(demo_db, real_embedder, monkeypatch)


def test_overview_shows_kpis_newest_and_themes(demo_app):
    at = open_app()
    assert at.title[0].value == "Overview"
    nps = next(m for m in at.metric if m.label == "NPS")
    assert nps.value != "—"
    at.selectbox(key="overview-period").select("All time").run()
    assert not at.exception, at.exception
    assert not next(m for m in at.metric if m.label == "NPS").delta  # no earlier period
    assert any(c.value.startswith("n = ") for c in at.caption)


def test_themes_page_lists_opens_renames_and_splits(demo_app):
    at = open_app("views/themes.py")
    assert any("themes over" in c.value for c in at.caption)
    kb = shared(demo_app)
    theme = next(
        t
        for t in kb.themes.all()
        if any(kb.backlog.questions_for_insight(i) for i in t.insight_ids)
    )
    at = open_app("views/themes.py", theme=str(theme.id))
    assert "independent source" in " ".join(m.value for m in at.markdown)
    assert "Questions it bears on" in [h.value for h in at.subheader]
    at.text_input[0].input("Deliveries that go wrong")
    next(b for b in at.button if b.label == "Save name").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Deliveries that go wrong"
    next(b for b in at.button if b.label == "Split in two").click().run()
    assert not at.exception, at.exception


def test_journey_and_kpi_pages(demo_app):
    at = open_app("views/journey.py")
    assert any("customers may be leaving the path here" in w.value for w in at.warning)
    at.selectbox[1].select("Support").run()
    assert not at.exception, at.exception
    assert any(
        s.value.startswith(("0 insights at Support", "1", "2", "3", "4", "5", "6", "7", "8", "9"))
        for s in at.subheader
    )
    at = open_app("views/kpis.py")
    assert at.metric[0].label == "NPS" and "n = " in at.metric[0].value
    assert len(at.dataframe) == 3  # by month, segment and touchpoint


def test_sign_in_form_and_roles(app_db):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert at.title[0].value == "Sign in to Oivallus"  # nothing else before sign-in
    assert [t.label for t in at.text_input] == ["Username", "Password"]
    at.switch_page("views/search.py").run()  # a page asked for directly still needs sign-in
    assert at.title[0].value == "Sign in to Oivallus"
    # (signing in through the form is driven by the browser tests: AppTest loses a form's
    # submission when a rerun switches pages)
    # a viewer sees the admin page refused, and a write refused with a message, not a crash
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("views/admin.py", user="vera")  # not even listed for a viewer
    viewer = open_app("views/studies.py", user="vera")
    viewer.text_input[0].input("A study by a viewer")
    next(b for b in viewer.button if "Create" in b.label).click().run()
    assert not viewer.exception, viewer.exception
    assert any("needs the researcher role" in e.value for e in viewer.error)


def test_admin_page_adds_a_person_and_exports(app_db, tmp_path):
    at = open_app("views/admin.py")
    form = {t.label: t for t in at.text_input}
    form["Username"].input("sanna")
    form["Name"].input("Sanna S")
    next(b for b in at.button if b.label == "Add person").click().run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "Export everything now").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Exported") for s in at.success)
    download = next(b for b in at.get("download_button") if "sealed" in b.label)
    assert download.disabled
    at.text_input(key="backup-passphrase").input("password2026").run()
    assert "common words" in " ".join(w.value for w in at.warning)
    assert next(b for b in at.get("download_button") if "sealed" in b.label).disabled
    at.text_input(key="backup-passphrase").input("orange piano under lamp").run()
    assert not at.warning
    assert not next(b for b in at.get("download_button") if "sealed" in b.label).disabled
    kb = shared(app_db)
    assert kb.people.user("sanna").role == "contributor"
    assert [e.action for e in kb.people.audit(actor="admin")][:2] == ["export", "create"]


STAGES_CSV = "month,journey stage,segment,customers\n" + "".join(
    f"2026-03,{stage},Consumer,{count}\n"
    for stage, count in [("Awareness", 900), ("Consideration", 500), ("Purchase", 100)]
)


def test_behaviour_funnel_and_brief_pages(app_db, tmp_path):
    """Behaviour shows the imported metric, the Funnel its largest drop with what customers
    say there, and the brief of that stage offers Markdown and PDF."""
    kb = shared(app_db)
    (tmp_path / "stages.csv").write_text(STAGES_CSV)
    kb.metrics.import_file(tmp_path / "stages.csv")
    kb.add(
        {
            "text": "Comparing the plans took me an hour and I gave up.",
            "journey_stage": "Purchase",
            "sentiment": "negative",
            "segment": "Consumer",
            "tags": ["customers"],
        }
    )
    kb.metrics.show_on_overview("customers")
    at = open_app("views/behaviour.py", user="aino")
    assert at.selectbox(key="behaviour_metric").value == "customers"
    cards = " ".join(m.value for m in at.markdown)
    assert "Filed against customers" in cards and "Comparing the plans" in cards
    at = open_app("views/funnel.py", user="aino")
    headings = " ".join(h.value for h in at.subheader)
    assert "after Consideration" in headings and "80%" in headings  # Finnish: 80 %
    at = open_app("views/brief.py", user="aino", brief="stage:Purchase")
    assert at.title[0].value.replace("\\", "") == "Journey stage: Purchase"
    labels = [b.label for b in at.get("download_button")]
    assert labels == ["Markdown", "PDF"]
    at = open_app("views/overview.py", user="aino")
    assert any(m.label.startswith("customers") for m in at.metric)


def test_privacy_page_sets_a_rule_and_erases_a_name(app_db):
    kb = shared(app_db)
    kb.add(InsightIn(text="Asiakas kertoi, että Virtaselle ei tullut laskua.", segment="SMB"))
    at = open_app("views/privacy.py")
    assert at.title[0].value == "Privacy"
    at.selectbox(key="retention-source").select("interview")
    next(b for b in at.button if b.label == "Set rule").click().run()
    assert not at.exception, at.exception
    next(b for b in at.button if b.label == "Apply the rules now").click().run()
    assert any(s.value.startswith("Dropped") for s in at.success)
    at.text_input(key="erasure-identifier").input("Virtanen").run()
    next(b for b in at.button if b.label == "Find mentions").click().run()
    assert any("mentions**" in m.value for m in at.markdown)
    next(b for b in at.button if b.label == "Erase all of these").click().run()
    assert not at.exception, at.exception
    assert any(s.value.startswith("Erased") for s in at.success)
    kb = shared(app_db)
    assert kb.retention.rules() == {"interview": 12}
    assert not kb.erasure.find("Virtanen", "name").mentions
    assert kb.people.audit(entity="person")[0].actor == "admin"
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        open_app("views/privacy.py", user="aino")  # a researcher: not listed, and refused


@pytest.mark.parametrize(
    ("content", "said"),
    [
        (b"month,orders\n9999-12,-inf\n2026-01,nan\n", "none of its 2 rows could be imported"),
        (b"segment,orders\nSMB,4\n", "columns are ['segment', 'orders']"),
    ],
)
def test_behaviour_page_says_why_a_file_was_not_imported(app_db, content, said):
    at = open_app("views/behaviour.py", user="aino")
    at.file_uploader[0].upload("bad.csv", content, "text/csv").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    errors = " ".join(e.value for e in at.error).replace("\\", "")
    assert "bad.csv was not imported" in errors and said in errors, errors
    assert "Traceback" not in errors and "/" not in errors.split("imported:")[1]


def test_edit_conflict_shows_what_changed_and_merges(app_db):
    """Someone saves while the form is open: Save is refused with who changed it, the page
    shows theirs against mine, and Merge then Save keeps both edits (issue 26)."""
    at = open_app(insight="1")
    at.text_input(key="edit1g0_tags").input("discount, checkout")
    app_kb = shared(app_db)  # the app's own knowledge base
    theirs = app_kb.get(1)
    aino = app_kb.acting_as(app_kb.people.user("aino"))
    edited = theirs.model_dump(include=set(InsightIn.model_fields)) | {"language": None}
    edited["text"] = "Seven of nine participants could not find the discount code field."
    aino.curation.edit(1, InsightIn(**edited), expected_version=theirs.version)

    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error)
    assert "Not saved" in message and "aino" in message and "version 1" in message
    shown = " ".join(t.value for t in at.text)
    assert "Theirs: Seven of nine" in shown and "Yours: Six of nine" in shown
    assert "Yours: discount, checkout" in shown
    assert app_kb.get(1).tags == []  # nothing of mine was stored

    next(b for b in at.button if b.label == "Merge").click().run()
    # a new form (new keys: a browser would keep my text under the old ones)
    assert at.text_area(key="edit1g1_text").value.startswith("Seven of nine")
    assert at.text_input(key="edit1g1_tags").value == "discount, checkout"
    next(b for b in at.button if b.label == "Save changes").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    stored = app_kb.get(1)
    assert stored.version == 3 and stored.text.startswith("Seven of nine")
    assert stored.tags == ["discount", "checkout"]


def test_bulk_edit_conflict_names_the_insight_and_applies_as_a_change(app_db):
    """A bulk edit of insights someone changed after they were ticked is refused as a whole,
    naming them; applied again to the current versions it adds its tag and keeps theirs."""
    at = open_app("views/search.py", user="aino")
    next(c for c in at.checkbox if c.key == "pick1").check().run()
    next(c for c in at.checkbox if c.key == "pick2").check().run()
    app_kb = shared(app_db)
    current = app_kb.get(1)
    edited = current.model_dump(include=set(InsightIn.model_fields)) | {"tags": ["promo"]}
    app_kb.curation.edit(1, InsightIn(**edited), by="leena")
    next(t for t in at.text_input if t.label == "Add tags").input("checkout")
    next(b for b in at.button if b.label.startswith("Apply to 2 insights")).click().run()
    assert not at.exception, at.exception
    message = " ".join(e.value for e in at.error)
    assert "#1 was changed by leena" in message and "#2" not in message
    assert app_kb.get(2).tags == []  # nothing of the bulk edit stored
    next(b for b in at.button if b.label == "Apply to the current versions").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert app_kb.get(1).tags == ["promo", "checkout"] and app_kb.get(2).tags == ["checkout"]


def test_behaviour_page_says_how_many_rejected_rows_it_does_not_list(app_db):
    rows = "".join(f"2026-01-{day:02d},-{day}\n" for day in range(1, 13))
    at = open_app("views/behaviour.py", user="aino")
    content = f"date,orders\n2026-02-01,4\n{rows}".encode()
    at.file_uploader[0].upload("orders.csv", content, "text/csv").run()
    next(b for b in at.button if b.label == "Import").click().run()
    assert not at.exception, at.exception
    captions = [c.value for c in at.caption]
    assert sum(c.startswith("Line ") for c in captions) == 10
    assert any("and 2 more rejected rows" in c for c in captions), captions
