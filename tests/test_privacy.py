"""Retention of raw material per source, and erasure requests (admins only)."""

from __future__ import annotations

from datetime import datetime

import pytest

from insights import InsightIn
from insights.acting import PermissionDenied
from insights.retention import months_before
from language import person_names
from tests.conftest import add_people
from tests.finnish_names import NAMES, texts
from vocabulary.backlog import QuestionIn


def _import(kb, tmp_path, name="notes.csv", rows=("Kassa oli hidas ja jono pitkä",), scrub=True):
    path = tmp_path / name
    path.write_text("text\n" + "\n".join(rows) + "\n", encoding="utf-8")
    report = kb.imports.import_file(path, source="interview", by="test", scrub_pii=scrub)
    return path, report


def test_months_before_keeps_the_day_or_the_months_last():
    assert months_before(datetime(2026, 3, 31, 12), 1) == datetime(2026, 2, 28, 12)
    assert months_before(datetime(2026, 1, 15), 13) == datetime(2024, 12, 15)


def test_retention_drops_raw_file_quotes_and_history_but_keeps_the_insight(kb, tmp_path):
    path, report = _import(kb, tmp_path)
    [insight] = kb.insights.browse()[0]
    kb.curation.add_evidence(insight.id, InsightIn(text="Asiakas: kassalla meni ikuisuus"))
    kb.curation.edit(insight.id, InsightIn(text="Kassan jono on pitkä.", source="interview"))
    fresh = tmp_path / "survey.csv"
    fresh.write_text("text\nSovellus kaatuu\n", encoding="utf-8")
    kb.imports.import_file(fresh, source="survey")
    kb.retention.set_rule("interview", 6)
    assert kb.retention.rules() == {"interview": 6}
    assert kb.retention.apply().imports == 0  # nothing is six months old yet

    result = kb.retention.apply(at=months_before(datetime.now(), -7))
    assert (result.imports, result.files_deleted, result.insights) == (1, 1, 1)
    assert result.evidence == 1 and result.versions == 1
    assert not path.exists() and fresh.exists()  # the survey has no rule
    record = kb.imports.import_record(report.import_id)
    assert record.path is None and record.raw_dropped_at is not None
    kept = kb.get(insight.id)
    assert kept.text == "Kassan jono on pitkä." and not kb.curation.evidence(insight.id)
    assert not kb.insights.versions(insight.id)
    assert kb.search("kassan jono")[0].insight_id == insight.id
    [entry] = kb.people.audit(entity="retention", limit=1)
    assert entry.action == "apply retention" and entry.after["imports"] == 1
    edits = [e for e in kb.people.audit(entity="insight") if e.action == "edit"]
    assert edits and edits[0].before["text"] == "[dropped by retention]"


def test_retention_and_erasure_are_for_admins_only(kb):
    add_people(kb)
    researcher = kb.acting_as(kb.people.user("aino"))
    with pytest.raises(PermissionDenied, match="admin"):
        researcher.retention.set_rule("interview", 6)
    with pytest.raises(PermissionDenied, match="admin"):
        researcher.retention.apply()
    with pytest.raises(PermissionDenied, match="admin"):
        researcher.erasure.find("Virtanen", "name")
    with pytest.raises(PermissionDenied, match="admin"):
        researcher.erasure.erase("Virtanen", "name")
    admin = kb.acting_as(kb.people.user("admin"))
    admin.retention.set_rule("interview", 12)
    assert kb.people.audit(entity="retention rule")[0].actor == "admin"


@pytest.mark.skipif(not person_names.available(), reason="Voikko is not installed")
def test_erasure_finds_and_removes_twenty_names_in_five_forms(kb):
    ids = kb.add_many([InsightIn(text=text) for _, _, text in texts()])
    for name, forms in NAMES.items():
        plan = kb.erasure.find(name, "name")
        found = {m.snippet for m in plan.mentions if m.place == "insight"}
        assert len(found) == 5, (name, found)
        assert all(any(form in s for s in found) for form in forms), name
        report = kb.erasure.erase(name, "name")
        assert report.mentions >= 5
    stored = [kb.get(i) for i in ids]
    left = [i.text for i in stored if any(f in i.text for fs in NAMES.values() for f in fs)]
    assert not left
    assert all("[erased]" in i.text for i in stored)
    entries = kb.people.audit(entity="person", limit=100)
    assert len(entries) == 20 and all(e.action == "erase" for e in entries)
    assert not any(n in str(e.model_dump()) for e in entries for n in NAMES)
    assert kb.erasure.find("Virtanen", "name").mentions == []


def test_erasure_reaches_history_backlog_imports_audit_and_customers(kb, tmp_path):
    _, report = _import(kb, tmp_path, "Anna_Virtanen.csv", ("Anna Virtaselle soitettiin",), False)
    [insight] = kb.insights.browse()[0]
    kb.curation.edit(insight.id, InsightIn(text="Asiakkaalle soitettiin takaisin."))
    question = kb.backlog.ask(QuestionIn(text="Miksi Virtasen tilaus viivästyi?"))
    phone = kb.add(InsightIn(text="Soita numeroon 040 123 4567 tai mail anna@example.fi"))
    plan = kb.erasure.find("Anna Virtanen", "name")
    places = {m.place for m in plan.mentions}
    assert {"insight version", "question", "import", "audit entry"} <= places
    assert plan.raw_files == 1
    kb.erasure.erase("Anna Virtanen", "name")
    assert "Virta" not in kb.insights.versions(insight.id)[0].data.text
    assert "[erased]" in kb.backlog.question(question.id).text
    assert kb.imports.import_record(report.import_id).path is None  # the raw file is gone
    assert kb.erasure.find("Anna Virtanen", "name").mentions == []
    mentions = kb.erasure.find("+358 40 1234567", "phone").mentions
    assert {m.place for m in mentions} == {"insight", "audit entry"}  # and its "create" entry
    kb.erasure.erase("+358 40 1234567", "phone")
    kb.erasure.erase("anna@example.fi", "email")
    assert kb.get(phone.insight.id).text == "Soita numeroon [erased] tai mail [erased]"


def test_erasure_of_a_customer_id_deletes_their_records(kb, tmp_path):
    survey = tmp_path / "survey.csv"
    survey.write_text("customer_id,nps,comment\nC001,9,ok\nC002,3,huono\n", encoding="utf-8")
    kb.imports.import_file(survey)
    orders = tmp_path / "orders.csv"
    orders.write_text("customer_id,date,amount\nC001,2026-01-01,10\nC002,2026-01-02,5\n")
    kb.metrics.import_file(orders, kind="purchase")
    plan = kb.erasure.find("C001", "customer")
    assert (plan.customer_records, plan.survey_responses) == (1, 1)
    report = kb.erasure.erase("C001", "customer")
    assert (report.customer_records, report.survey_responses) == (1, 1)
    again = kb.erasure.find("C001", "customer")
    assert (again.customer_records, again.survey_responses) == (0, 0)
    assert kb.erasure.find("C002", "customer").customer_records == 1
    assert len(kb.imports.survey_responses("nps")) == 2  # the score still counts, anonymous


def test_the_postgresql_migration_applies(postgres_url):
    from storage.connect import open_database

    db = open_database(postgres_url)
    try:
        with db.read() as cur:
            versions = {
                r[0] for r in cur.execute("SELECT version FROM schema_migrations").fetchall()
            }
            cur.execute("SELECT source, months, set_by, set_at FROM retention_rules").fetchall()
            cur.execute("SELECT raw_dropped_at FROM imports").fetchall()
        assert 5 in versions
    finally:
        db.close()


def test_erasure_reaches_tags_and_teams(kb):
    first = kb.add(
        InsightIn(
            text="Asiakas soitti laskusta.", tags=["Virtanen", "lasku"], team="Virtasen tiimi"
        )
    )
    second = kb.add(InsightIn(text="Toinen puhelu.", tags=["virtanen"]))
    question = kb.backlog.ask(
        QuestionIn(text="Miksi puhelu katkesi?", tags=["Virtanen"], team="Virtasen tiimi")
    )
    plan = kb.erasure.find("Virtanen", "name")
    fields = {(m.place, m.field) for m in plan.mentions}
    assert {
        ("insight", "tags"),
        ("insight", "team"),
        ("question", "tags"),
        ("question", "team"),
    } <= fields, fields
    kb.erasure.erase("Virtanen", "name")
    for insight in (kb.get(first.insight.id), kb.get(second.insight.id)):
        assert not any("virta" in t.lower() for t in insight.tags), insight.tags
    assert "Virta" not in (kb.get(first.insight.id).team or "")
    asked = kb.backlog.question(question.id)
    assert not any("virta" in t.lower() for t in asked.tags) and "Virta" not in (asked.team or "")
    for hit in kb.search("Virtasen", k=5):  # what search shows holds no mention either
        shown = " ".join([hit.insight.text, hit.insight.team or "", *hit.insight.tags])
        assert "virta" not in shown.lower() and hit.lexical_score == 0


def test_erasure_reaches_an_api_tokens_name(kb):
    from tests.conftest import add_people

    add_people(kb)
    mikko = kb.acting_as(kb.people.user("mikko"))
    token, _secret = mikko.tokens.create({"name": "Anna Virtasen kannettava", "scopes": ["read"]})
    plan = kb.erasure.find("Anna Virtanen", "name")
    assert "API token" in {m.place for m in plan.mentions}
    kb.erasure.erase("Anna Virtanen", "name")
    [kept] = mikko.tokens.mine()
    assert kept.id == token.id and "Virta" not in kept.name


def test_erasure_reaches_an_insights_source_address(kb):
    """A captured page's address can name the customer (a CRM link with their e-mail, a page
    on their own site): an erasure finds and removes it there and in the versions."""
    crm = "https://crm.example.com/asiakas?email=anna.virtanen@example.com"
    first = kb.add(InsightIn(text="Asiakas kysyi laskusta.", source_url=crm))
    kb.curation.edit(
        first.insight.id, InsightIn(text="Asiakas kysyi laskustaan.", source_url=crm + "&v=2")
    )
    plan = kb.erasure.find("anna.virtanen@example.com", "email")
    assert ("insight", "source_url") in {(m.place, m.field) for m in plan.mentions}
    kb.erasure.erase("anna.virtanen@example.com", "email")
    kept = kb.get(first.insight.id)
    assert kept.source_url == "https://crm.example.com/asiakas?email=[erased]&v=2"
    assert all("anna" not in (v.data.source_url or "") for v in kb.insights.versions(kept.id))
