"""The domain's errors carry their English template and values: `str()` stays English (logs,
the command line), and a page shows them in the reader's language with its number formats."""

from __future__ import annotations

from datetime import datetime

import pytest
from pydantic import ValidationError

from insights import InsightIn
from language.interface import Interface
from readers.limits import too_many_columns
from tests.test_pages import open_app
from vocabulary.errors import Changed, EditConflict, ReadError, describe_validation_error


def finnish(error) -> str:
    """What views.i18n.error_text shows a Finnish reader (the same call, without a session)."""
    words = Interface("fi")
    return error.message.fill(words.text, words.number)


def test_an_empty_insight_says_so_in_finnish_and_stays_english_in_str():
    with pytest.raises(ValidationError) as caught:
        InsightIn(text="  ")
    error = describe_validation_error(caught.value)
    assert str(error) == "text is empty; write something in it"
    assert finnish(error) == "teksti on tyhjä; kirjoita siihen jotain"
    assert error.field == "text"


def test_a_rows_error_writes_its_numbers_the_finnish_way():
    with pytest.raises(ValidationError) as caught:
        InsightIn(text="a" * 20_001, team="Sa\x00les")
    error = describe_validation_error(caught.value, row=1234)
    assert str(error).startswith("Row 1234: text is too long (at most 20,000 characters)")
    said = finnish(error)
    assert said.startswith("Rivi 1234: teksti on liian pitkä (enintään 20\xa0000 merkkiä)")
    assert "tiimi: sisältää ohjausmerkin (U+0000) kohdassa 2" in said


def test_a_reader_error_on_a_bad_file_reads_in_finnish(kb, tmp_path):
    empty = tmp_path / "tyhja.csv"
    empty.write_bytes(b"")
    with pytest.raises(ReadError) as caught:
        kb.imports.import_file(empty)
    assert str(caught.value) == "the file is empty"
    assert finnish(caught.value) == "tiedosto on tyhjä"
    binary = tmp_path / "kuva.csv"
    binary.write_bytes(b"text\n\x00\x01\x02")
    with pytest.raises(ReadError) as caught:
        kb.imports.import_file(binary)
    assert finnish(caught.value).startswith("tiedosto näyttää binääritiedostolta")
    wide = too_many_columns(1500)
    assert "the header has 1,500 columns (at most 1,000)" in str(wide)
    assert "otsikkorivillä on 1\xa0500 saraketta (enintään 1\xa0000)" in finnish(wide)


def test_an_edit_conflict_translates_its_parts():
    error = EditConflict([Changed(5, 1, 3, None, datetime(2026, 12, 5, 14, 3))])
    assert str(error).startswith("Not saved: insight #5 was changed by the system at 2026-12-05")
    assert finnish(error).startswith(
        "Ei tallennettu: havaintoa #5 muutti järjestelmä 2026-12-05 14:03 (nyt versio 3"
    )


def test_the_add_page_shows_an_empty_insight_in_finnish(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/add.py")
    save = next(b for b in at.button if b.label in ("Save", "Tallenna"))
    save.click().run()
    assert at.error[0].value == "teksti on tyhjä; kirjoita siihen jotain"


def test_a_rejected_rows_reason_is_said_in_finnish(tmp_path):
    """Issue 28: a rejected row's reason ("Line 4: day is out of range for month") was English on
    a Finnish Import page; each reason now keeps its message for the page to translate."""
    from insights import KnowledgeBase
    from language.interface import Interface
    from tests.doubles import HashingEmbedder

    upload = tmp_path / "palaute.csv"
    upload.write_text(
        "pvm;palaute\n2.6.2026;Laskutus on sekava\n32.6.2026;Päivä on väärin\n"
        "3.6.2026;liikaa;kenttiä\n",
        encoding="utf-8",
    )
    kb = KnowledgeBase.open(tmp_path / "kb.duckdb", embedder=HashingEmbedder())
    report = kb.imports.import_file(upload)
    kb.close()
    words = Interface("fi")
    said = [row.message.fill(words.text, words.number) for row in report.rejected]
    assert said == [
        "Rivi 3: havaintopäivä '32.6.2026' ei ole mikään kalenterin päivä; kirjoita 31.5.2026 "
        "tai 2026-05-31",
        "Rivi 4: rivillä on 3 kenttää, otsikkorivillä 2; tarkista erotinmerkki ja lainausmerkit",
    ]
    assert report.rejected[0].reason.startswith("Line 3: observed_at '32.6.2026' is no day")


def test_an_error_with_a_value_that_is_not_a_finite_number_still_says_itself():
    """Review of issue 28: int(nan) raised inside the error's own constructor."""
    from vocabulary.errors import InvalidInput

    error = InvalidInput("the ratio {ratio} cannot be read", ratio=float("nan"))
    assert str(error) == "the ratio nan cannot be read"
    assert str(InvalidInput("{ratio}", ratio=float("inf"))) == "inf"
