"""Exports in the language of the person exporting (issue 28): a search result's CSV and the
backlog's CSV carry their headers in Finnish, Swedish or English, and a search result exported
in any of them imports again with every field landing where it came from. Parquet, a format for
analysis tools, keeps the field names in English."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
import pytest

from insights import KnowledgeBase
from readers.mapping import guess_mapping
from tests.doubles import HashingEmbedder
from vocabulary.backlog import QuestionIn

# What an import can set from a column, and so what must come back from an export.
CARRIED = (
    "title",
    "text",
    "kind",
    "source",
    "segment",
    "touchpoint",
    "journey_stage",
    "channel",
    "sentiment",
    "observed_at",
    "author",
    "team",
    "tags",
    "external_id",
    "source_url",
)
HEADERS = {
    "fi": ("id", "otsikko", "teksti", "laji", "lähde", "segmentti", "kohtaamispiste"),
    "sv": ("id", "rubrik", "text", "typ", "källa", "segment", "kontaktpunkt"),
    "en": ("id", "title", "text", "kind", "source", "segment", "touchpoint"),
}


def _stored(kb: KnowledgeBase) -> None:
    kb.add(
        {
            "title": "Kassajono",
            "text": "Asiakas kertoi, että kassajono oli taas pitkä lauantaina aamupäivällä.",
            "kind": "observation",
            "source": "field note",
            "segment": "Consumer",
            "touchpoint": "store",
            "journey_stage": "purchase",
            "channel": "in person",
            "sentiment": "negative",
            "observed_at": date(2026, 11, 28),
            "author": "Aino Virtanen",
            "team": "Myymälä",
            "tags": ["kassa", "jonotus"],
            "external_id": "FN-17",
            "source_url": "https://kauppa.example.fi/palaute?id=17&kieli=fi",
        }
    )
    kb.add(
        {
            "text": "The delivery tracking page finally shows the courier's phone number.",
            "kind": "finding",
            "source": "usability test",
            "sentiment": "positive",
            "observed_at": date(2026, 10, 2),
            "external_id": "UT-3",
        }
    )


def _fields(kb: KnowledgeBase) -> dict[str, dict]:
    found = kb.insights.browse(None, limit=10)[0]
    return {i.external_id: i.model_dump(include=set(CARRIED)) for i in found}


@pytest.mark.parametrize("code", ["fi", "sv", "en"])
def test_an_export_in_any_language_imports_back_to_the_same_fields(tmp_path, code):
    source = KnowledgeBase.open(tmp_path / "source.duckdb", embedder=HashingEmbedder())
    _stored(source)
    exported = source.insights.export_insights(fmt="csv", language=code)
    before = _fields(source)
    source.close()
    path = tmp_path / f"havainnot-{code}.csv"
    path.write_bytes(exported)
    headers = tuple(pd.read_csv(path, encoding="utf-8-sig").columns)
    assert headers[: len(HEADERS[code])] == HEADERS[code]

    target = KnowledgeBase.open(tmp_path / "target.duckdb", embedder=HashingEmbedder())
    try:
        columns, rows = target.imports.preview_file(path, rows=200)[1:]
        mapping = guess_mapping(columns, rows)
        assert set(mapping) == set(CARRIED), mapping
        report = target.imports.import_file(path, mapping=mapping)
        assert (report.inserted, report.rejected) == (2, [])
        assert _fields(target) == before
    finally:
        target.close()


def test_parquet_keeps_the_field_names_in_english(kb):
    _stored(kb)
    table = pd.read_parquet(io.BytesIO(kb.insights.export_insights(fmt="parquet", language="fi")))
    assert list(table.columns[:4]) == ["id", "title", "text", "kind"]


def test_the_backlog_csv_has_headers_in_the_persons_language(kb):
    kb.backlog.ask(QuestionIn(text="Miksi asiakkaat jättävät ostoskorin kesken?", team="Verkko"))
    finnish = kb.backlog.export_backlog_csv(language="fi").splitlines()
    assert finnish[0].startswith("sija,id,kysymys,tila,tärkeys,äänet,tiimit,vaikutus")
    assert finnish[0].endswith("segmentit,varmuus,vastaus")
    assert "Miksi asiakkaat" in finnish[1] and ",open," in finnish[1]  # stored values as stored
    swedish = kb.backlog.export_backlog_csv(language="sv").splitlines()[0]
    assert swedish.startswith("placering,id,fråga,status,prioritet,röster")
    assert kb.backlog.export_backlog_csv().startswith("rank,id,question,status")


def test_the_backlog_markdown_is_written_in_the_persons_language(kb):
    question = kb.backlog.ask(
        QuestionIn(
            text="Miksi asiakkaat jättävät ostoskorin kesken?",
            team="Verkko",
            decision="Kassan uudistus",
            decision_date=date(2027, 3, 1),
        )
    )
    kb.backlog.vote(question.id, "aino", team="Verkko")
    finnish = kb.backlog.export_backlog_markdown(language="fi")
    assert finnish.startswith(f"# Kysymysjono ({date.today():%-d.%-m.%Y})")
    assert "1 kysymys, tärkein ensin." in finnish
    assert "- Tila: avoin; tärkeys " in finnish and "; 1 ääni, tiimeistä Verkko" in finnish
    assert "päätös viimeistään 1.3.2027" in finnish
    assert "- Miksi tällä sijalla: äänet +0,69; tiimit 0,00;" in finnish
    assert "jo tiedossa 0,00" in finnish
    for english in ("Status", "votes", "Why this rank", "priority", "decision by"):
        assert english not in finnish, english
    swedish = kb.backlog.export_backlog_markdown(language="sv")
    assert "- Status: öppen; prioritet " in swedish and "1 röst från Verkko" in swedish
    english = kb.backlog.export_backlog_markdown()
    assert "- Status: open; priority " in english and "; 1 vote from Verkko" in english
    assert "Why this rank: votes +0.69" in english
