"""Redaction in the reader (issue 29): a span the scrubber missed is masked in the document's
text, every insight and its versions, quotes, the audit log, exports and the search index;
the audit entry says who and when, never what."""

from __future__ import annotations

import shutil

import pytest

from insights import InvalidInput
from tests.test_documents import INTERVIEW, select
from vocabulary.knowledge import InsightIn

SECRET = "KX-4471-B"


@pytest.fixture
def redacted(kb, tmp_path):
    """The interview imported, its turn with the order number highlighted and edited (so a
    version and an audit entry hold the number too), then the number redacted."""
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    kb.imports.import_file(path)
    document = kb.documents.get(kb.documents.documents()[0].id)
    highlight = kb.documents.highlight(
        select(document, f"koko tilauksen {SECRET}"), tags=["peruminen"], note=f"Tilaus {SECRET}"
    )
    turn = next(i for i in kb.insights.browse()[0] if i.text.startswith("Ensimmäinen"))
    kb.curation.edit(turn.id, InsightIn(**(turn.model_dump() | {"tags": ["toimitus"]})))
    assert kb.search(SECRET)  # findable before
    report = kb.redaction.redact(select(document, SECRET))
    return kb, document, report, [highlight.id, turn.id]


def everything_stored(kb) -> str:
    """Every text column of every table, as one string."""
    out = []
    with kb.db.read() as cur:
        tables = [
            r[0]
            for r in cur.execute(
                "SELECT table_name FROM information_schema.tables"
                " WHERE table_schema = current_schema()"
            ).fetchall()
        ]
        for table in tables:
            for row in cur.execute(f"SELECT * FROM {table}").fetchall():
                out.append(" ".join(str(v) for v in row))
    return "\n".join(out)


def test_a_redacted_span_is_nowhere_afterwards(redacted):
    kb, document, report, ids = redacted
    after = kb.documents.get(document.id)
    assert SECRET not in after.text and "█" * len(SECRET) in after.text
    assert len(after.text) == len(document.text)  # the offsets of every span hold
    for insight_id in ids:
        insight = kb.insights.get(insight_id)
        assert SECRET not in insight.text and SECRET not in (insight.title or "")
        assert all(SECRET not in v.data.model_dump_json() for v in kb.insights.versions(insight_id))
        assert all(
            SECRET not in e.text + (e.source or "") for e in kb.curation.evidence(insight_id)
        )
    assert not [h for h in kb.search(SECRET) if SECRET in h.insight.text]
    assert SECRET.encode() not in kb.insights.export_insights(fmt="csv")
    assert SECRET.lower() not in everything_stored(kb).lower()
    assert report.rows >= 4 and report.reindexed == 2


def test_the_audit_says_who_and_when_not_what(redacted):
    kb, document, report, _ = redacted
    [entry] = [e for e in kb.people.audit() if e.action == "redact"]
    assert entry.entity == "document" and entry.entity_id == str(document.id)
    assert SECRET not in str(entry.model_dump())


def test_a_changed_or_empty_span_is_refused(redacted):
    kb, document, _, _ = redacted
    with pytest.raises(InvalidInput, match="changed"):
        kb.redaction.redact(select(document, SECRET))  # the old text: it is masked now
    after = kb.documents.get(document.id)
    with pytest.raises(InvalidInput, match="already"):
        kb.redaction.redact(select(after, "█" * len(SECRET)))
    with pytest.raises(InvalidInput, match="empty"):
        kb.redaction.redact(select(after, "\n\n"))  # between two turns


def test_a_redacted_word_is_masked_as_a_word_not_inside_other_words(kb, tmp_path):
    """Redacting the word "itse" masks that word everywhere, never the letters inside other
    words ("tarvitsette", "itsepalvelu"): a redaction cannot be undone."""
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    kb.imports.import_file(path)
    other = kb.add({"text": "Asiakas kertoi itse itsepalvelusta, jota ei tarvitse."}).insight
    document = kb.documents.get(kb.documents.documents()[0].id)
    kb.redaction.redact(select(document, "itse"))
    after = kb.documents.get(document.id).text
    assert "minulle ████ ja" in after and "tarvitsette" in after
    assert kb.insights.get(other.id).text == (
        "Asiakas kertoi ████ itsepalvelusta, jota ei tarvitse."
    )


def test_a_part_of_a_word_selected_is_masked_wherever_it_stands(kb, tmp_path):
    """A selection that starts or ends inside a word masks those letters, in words too."""
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    kb.imports.import_file(path)
    document = kb.documents.get(kb.documents.documents()[0].id)
    start = document.text.index("tarvitsette") + 4
    kb.redaction.redact(
        {"document_id": document.id, "start": start, "end": start + 4, "text": "itse"}
    )
    after = kb.documents.get(document.id).text
    assert "tarv████tte" in after and "minulle ████ ja" in after
    assert not [i for i in kb.insights.browse()[0] if "tarvitsette" in i.text]


def test_a_redaction_across_two_insights_masks_the_piece_each_holds(kb, tmp_path):
    path = tmp_path / "haastattelu.vtt"
    shutil.copy(INTERVIEW, path)
    kb.imports.import_file(path)
    document = kb.documents.get(kb.documents.documents()[0].id)
    highlight = kb.documents.highlight(select(document, "kylmälaukku oli lämmin."))
    elsewhere = kb.add(InsightIn(text="Melkein kaikki tilaukset tulivat ajallaan.")).insight
    kb.redaction.redact(select(document, "lämmin. Melkein"))
    held = kb.insights.get(highlight.id)
    assert held.text == "kylmälaukku oli ███████" and "lämmin" not in held.text
    assert "lämmin" not in everything_stored(kb)  # versions, the audit log's states too
    turn = next(i for i in kb.insights.browse()[0] if i.text.startswith("Ensimmäinen"))
    assert "lämmin" not in turn.text and "Melkein" not in turn.text
    # a piece is masked only in the insights holding it: "Melkein" elsewhere stays
    assert kb.insights.get(elsewhere.id).text.startswith("Melkein kaikki")
