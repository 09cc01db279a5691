"""Importing documents, transcripts, Excel and surveys; saved mappings, history, undo, resume."""

from __future__ import annotations

import pytest

from insights import InvalidInput
from tests.documents import encrypt_pdf, write_docx, write_pdf, write_xlsx
from vocabulary.errors import ReadError

VTT = """WEBVTT

1
00:00:01.000 --> 00:00:04.000
<v Interviewer>How did the first week with the meal kit go?

2
00:00:04.500 --> 00:00:09.000
<v Anna>Honestly the first box came late and the cold bag was warm.

3
00:00:09.000 --> 00:00:12.000
<v Anna>I almost cancelled before the second delivery.

4
00:00:12.500 --> 00:00:13.000
<v Interviewer>Okay.
"""

SRT = """1
00:00:01,000 --> 00:00:04,000
Haastattelija: Miten tilaaminen sujui sovelluksella?

2
00:00:04,500 --> 00:00:09,000
Matti: Sovellus kaatui maksuvaiheessa kaksi kertaa.

3
00:00:09,100 --> 00:00:11,000
Piti soittaa asiakaspalveluun.
"""

SURVEY = (
    "vastaus id;pvm;asiakassegmentti;nps;palaute\n"
    "R1;1.5.2026;SMB;10;Toimitus tuli aina ajallaan\n"
    "R2;2.5.2026;SMB;3;Laskutus on sekavaa ja virheellistä\n"
    "R3;2.5.2026;Consumer;8;\n"
    "R4;3.5.2026;Consumer;9;\n"
    "R5;3.5.2026;Consumer;11;Liian iso pistemäärä\n"
    "R6;4.5.2026;Consumer;ten;Sanallinen pistemäärä\n"
)


def evidence_sources(kb, report_ids):
    return {e.source for i in report_ids for e in kb.curation.evidence(i)}


def live_texts(kb):
    return {i.text for i in kb.insights.browse()[0]}


def test_transcripts_become_speaker_turns_with_their_place_as_evidence(kb, tmp_path):
    (tmp_path / "interview.vtt").write_text(VTT, encoding="utf-8")
    report = kb.imports.import_file(tmp_path / "interview.vtt")
    assert report.inserted == 1  # the interviewer's turns are no insights (issue 29)
    turn = next(i for i in kb.insights.browse()[0] if i.text.startswith("Honestly"))
    assert turn.text.endswith("before the second delivery.")  # two cues of Anna, one turn
    assert turn.source == "interview"
    [evidence] = kb.curation.evidence(turn.id)
    assert evidence.source == "interview.vtt, 00:00:04-00:00:12"  # the name stays out
    (tmp_path / "haastattelu.srt").write_text(SRT, encoding="utf-8")
    assert kb.imports.import_file(tmp_path / "haastattelu.srt").inserted == 1
    assert (
        "Sovellus kaatui maksuvaiheessa kaksi kertaa. Piti soittaa asiakaspalveluun."
        in live_texts(kb)
    )


def test_word_and_markdown_split_by_headings_and_paragraphs(kb, tmp_path):
    path = write_docx(
        tmp_path / "study.docx",
        [
            ("Title", "Interview 3"),
            ("Heading 1", "Onboarding"),
            ("", "The setup took three days because the invoice address was wrong."),
            ("", "Ok."),
            ("Heading 1", "Use"),
            ("", "They use the weekly menu every Sunday evening with the family."),
        ],
    )
    assert kb.imports.import_file(path).inserted == 2
    found = {i.text: i for i in kb.insights.browse()[0]}
    setup = found["The setup took three days because the invoice address was wrong."]
    assert setup.title == "Onboarding"
    assert kb.curation.evidence(setup.id)[0].source == "study.docx, paragraph 3, section Onboarding"
    notes = (
        "# Field visit\n\n## Delivery\n- Drivers cannot find the loading dock at Ruoholahti.\n"
        "- The cold bags are left outside in the rain.\n\nA paragraph about the\nlobby door "
        "codes that change weekly.\n"
    )
    (tmp_path / "visit.md").write_text(notes, encoding="utf-8")
    assert kb.imports.import_file(tmp_path / "visit.md").inserted == 3
    lobby = next(i for i in kb.insights.browse()[0] if i.text.startswith("A paragraph"))
    assert lobby.text == "A paragraph about the lobby door codes that change weekly."
    assert lobby.title == "Delivery"


def test_pdf_pages_and_paragraphs(kb, tmp_path):
    path = write_pdf(
        tmp_path / "report.pdf",
        [
            [
                "Customers find the delivery window too wide.",
                "The app login fails for older users.",
            ],
            ["Invoices arrive late every month for SMB customers."],
        ],
    )
    report = kb.imports.import_file(path)
    assert report.inserted == 3
    late = next(i for i in kb.insights.browse()[0] if i.text.startswith("Invoices"))
    assert kb.curation.evidence(late.id)[0].source == "report.pdf, page 2"


def test_empty_encrypted_and_damaged_files_say_why_and_store_nothing(kb, tmp_path):
    (tmp_path / "empty.pdf").write_bytes(b"")
    with pytest.raises(ReadError, match="empty"):
        kb.imports.import_file(tmp_path / "empty.pdf")
    plain = write_pdf(tmp_path / "plain.pdf", [["A secret finding about pricing of the boxes."]])
    locked = encrypt_pdf(plain, tmp_path / "locked.pdf", "salasana")
    with pytest.raises(ReadError, match="password-protected"):
        kb.imports.import_file(locked)
    (tmp_path / "cut.pdf").write_bytes(plain.read_bytes()[:60])
    with pytest.raises(ReadError, match="PDF"):
        kb.imports.import_file(tmp_path / "cut.pdf")
    book = write_xlsx(tmp_path / "book.xlsx", {"S": [["palaute"], ["Hyvä palvelu aina"]]})
    (tmp_path / "truncated.xlsx").write_bytes(book.read_bytes()[: book.stat().st_size // 2])
    with pytest.raises(ReadError, match="damaged or incomplete"):
        kb.imports.import_file(tmp_path / "truncated.xlsx")
    assert kb.count() == 0 and kb.imports.history() == []


def test_excel_sheet_title_rows_and_formula_values(kb, tmp_path):
    path = write_xlsx(
        tmp_path / "survey.xlsx",
        {
            "Ohjeet": [["Read me first"]],
            "Vastaukset": [
                ["Asiakaskysely kevät 2026"],
                [],
                ["pvm", "palaute", "nps", "tupla"],
                ["2026-05-01", "Hyvä palvelu ja nopea toimitus aina", 9, "=C4*2"],
            ],
        },
        cached={"=C4*2": "18"},
    )
    from readers.tables import read_records, sheet_names

    assert sheet_names(path) == ["Ohjeet", "Vastaukset"]
    columns, records = read_records(path, "Vastaukset")
    assert columns == ["pvm", "palaute", "nps", "tupla"]
    assert list(records) == [
        (
            4,
            {
                "pvm": "2026-05-01",
                "palaute": "Hyvä palvelu ja nopea toimitus aina",
                "nps": "9",
                "tupla": "18",
            },
        )
    ]
    report = kb.imports.import_file(path, sheet="Vastaukset")
    assert (report.inserted, report.responses) == (1, 1)
    with pytest.raises(ReadError, match="no sheet 'Missing'"):
        kb.imports.import_file(path, sheet="Missing")


def test_survey_scores_become_nps_responses(kb, tmp_path):
    (tmp_path / "kysely.csv").write_text(SURVEY, encoding="utf-8")
    report = kb.imports.import_file(tmp_path / "kysely.csv")
    assert report.mapping["score"] == "nps"
    assert (report.inserted, report.responses) == (2, 4)  # R3 and R4 count without comments
    assert [r.line for r in report.rejected] == [6, 7]
    assert "NPS score '11' is not a whole number from 0 to 10" in report.rejected[0].reason
    assert "'ten'" in report.rejected[1].reason
    responses = {r.response_key: r for r in kb.imports.survey_responses("nps")}
    assert sorted(r.score for r in responses.values()) == [3, 8, 9, 10]
    assert responses["id:R1"].insight_id is not None and responses["id:R3"].insight_id is None
    assert responses["id:R2"].segment == "SMB"
    bad = kb.get(responses["id:R2"].insight_id)
    assert (bad.sentiment, bad.source) == ("negative", "survey")
    again = kb.imports.import_file(tmp_path / "kysely.csv")
    assert (again.inserted, again.responses) == (0, 0)
    assert len(kb.imports.survey_responses("nps")) == 4
    with pytest.raises(InvalidInput, match="metric must be one of"):
        kb.imports.survey_responses("likes")


def test_saved_mapping_by_name(kb, tmp_path):
    (tmp_path / "export.csv").write_text("a,b,c\nSMB,Tilaus oli helppo tehdä,7\n", encoding="utf-8")
    mapping = {"segment": "a", "text": "b", "score": "c"}
    kb.imports.save_mapping("crm export", mapping, by="Aino")
    assert kb.imports.mappings() == {"crm export": mapping}
    report = kb.imports.import_file(tmp_path / "export.csv", mapping="crm export")
    assert (report.inserted, report.responses) == (1, 1)
    assert kb.insights.browse()[0][0].segment == "SMB"
    with pytest.raises(ReadError, match="no saved mapping 'nope'"):
        kb.imports.import_file(tmp_path / "export.csv", mapping="nope")
    with pytest.raises(InvalidInput, match="which column holds the text"):
        kb.imports.save_mapping("broken", {"segment": "a"})
    kb.imports.delete_mapping("crm export")
    assert kb.imports.mappings() == {}


def test_history_and_undo_of_exactly_one_import(kb, tmp_path):
    kb.add({"text": "Delivery was late again this week", "source": "field note"})
    (tmp_path / "first.csv").write_text(
        "text\nDelivery was late again this week\nThe soup was too salty\nPortions too small\n",
        encoding="utf-8",
    )
    report = kb.imports.import_file(tmp_path / "first.csv", by="Aino")
    assert (report.inserted, report.duplicates) == (2, 1)
    (tmp_path / "kysely.csv").write_text(SURVEY, encoding="utf-8")
    survey = kb.imports.import_file(tmp_path / "kysely.csv", by="Ville")
    [second, first] = kb.imports.history()
    assert (first.file, first.imported_by, first.status, first.inserted, first.duplicates) == (
        "first.csv",
        "Aino",
        "finished",
        2,
        1,
    )
    assert (second.responses, second.rejected) == (4, 2)
    assert kb.imports.undo_import(first.id) == 2
    assert live_texts(kb) >= {"Delivery was late again this week"}
    assert "The soup was too salty" not in live_texts(kb)
    assert kb.search("salty soup") == [] or all(
        "salty" not in h.insight.text for h in kb.search("salty soup")
    )
    with pytest.raises(InvalidInput, match="already undone"):
        kb.imports.undo_import(first.id)
    assert kb.imports.restore_import(first.id) == 2
    assert {"The soup was too salty", "Portions too small"} <= live_texts(kb)
    assert kb.search("salty soup")[0].insight.text == "The soup was too salty"
    kb.imports.undo_import(survey.import_id)
    assert kb.imports.survey_responses("nps") == []  # responses of an undone import stop counting
    kb.imports.restore_import(survey.import_id)
    assert len(kb.imports.survey_responses("nps")) == 4


def test_cancelled_import_resumes_without_duplicates(kb, tmp_path):
    rows = "\n".join(f"Havainto numero {i}: asiakas toivoi {i} uutta ruokalajia" for i in range(50))
    (tmp_path / "big.csv").write_text("text\n" + rows + "\n", encoding="utf-8")

    class Cancel(Exception):
        pass

    def stop_after_first_batch(done, total):
        raise Cancel  # what Streamlit's rerun or Ctrl-C does to a running import

    with pytest.raises(Cancel):
        kb.imports.import_file(tmp_path / "big.csv", batch=20, progress=stop_after_first_batch)
    [cancelled] = kb.imports.history()
    assert (cancelled.status, cancelled.inserted) == ("cancelled", 20)
    assert kb.count() == 20
    report = kb.imports.import_file(tmp_path / "big.csv", batch=20)
    assert (report.inserted, report.resumed, report.duplicates) == (30, 20, 0)
    [finished] = kb.imports.history()
    assert (finished.id, finished.status, finished.inserted) == (cancelled.id, "finished", 50)
    assert kb.count() == 50


def test_a_five_megabyte_cell_is_rejected_by_line(kb, tmp_path):
    big = "x" * (5 * 1024 * 1024)
    (tmp_path / "huge.csv").write_text(f"text\nA normal row of feedback\n{big}\n", encoding="utf-8")
    report = kb.imports.import_file(tmp_path / "huge.csv")
    assert report.inserted == 1
    assert report.rejected[0].line == 3 and "longer than 2 MB" in report.rejected[0].reason


@pytest.mark.parametrize("ending", ["\n", ""])
def test_progress_total_does_not_count_the_header(kb, tmp_path, ending):
    """Issue 28 (5): "32/501 rows" for a file of 500 rows."""
    rows = "\n".join(f"Asiakas {i} toivoi uutta ruokalajia numero {i}" for i in range(100))
    (tmp_path / "rows.csv").write_text("text\n" + rows + ending, encoding="utf-8")
    (tmp_path / "rows.jsonl").write_text(
        "\n".join(f'{{"text": "Palaute {i}: laatikko tuli ajallaan"}}' for i in range(100))
        + ending,
        encoding="utf-8",
    )
    write_xlsx(
        tmp_path / "rows.xlsx", {"Rows": [["text"]] + [[f"Excel row {i} note"] for i in range(100)]}
    )
    seen: list[tuple[int, int]] = []
    for name in ("rows.csv", "rows.jsonl", "rows.xlsx"):
        seen.clear()
        kb.imports.import_file(tmp_path / name, batch=20, progress=lambda *p: seen.append(p))
        assert seen and {total for _, total in seen} == {100}, (name, seen)


def test_a_label_column_of_reviews_maps_to_sentiment_and_a_kind_column_to_kind(kb, tmp_path):
    """Issue 28 (12): the mapping had no field for sentiment or kind, so a `label` 1/0 column
    of reviews could not be used."""
    from readers.mapping import guess_mapping

    (tmp_path / "reviews.csv").write_text(
        "review,label,type\n"
        "The soup arrived hot and the driver was kind,1,quote\n"
        "The box was crushed and the milk had leaked,0,observation\n"
        "Great value for a family of four,positive,finding\n"
        "Nobody answered the phone for an hour,negatiivinen,havainto\n"
        "Delivery was on time,maybe,quote\n",
        encoding="utf-8",
    )
    assert guess_mapping(["review", "label", "type"])["sentiment"] == "label"
    guessed = guess_mapping(["review", "label"], [{"review": "Late again", "label": "1"}])
    assert guessed["sentiment"] == "label"
    other = guess_mapping(["review", "label"], [{"review": "Late again", "label": "billing"}])
    assert "sentiment" not in other
    mapping = {"text": "review", "sentiment": "label", "kind": "type"}
    report = kb.imports.import_file(tmp_path / "reviews.csv", mapping=mapping)
    assert report.inserted == 4
    [rejected] = report.rejected
    assert rejected.line == 6 and "maybe" in rejected.reason and "positive" in rejected.reason
    found = {i.text.split()[1]: (i.sentiment, i.kind) for i in kb.insights.browse()[0]}
    assert found == {
        "soup": ("positive", "quote"),
        "box": ("negative", "observation"),
        "value": ("positive", "finding"),
        "answered": ("negative", "observation"),
    }
