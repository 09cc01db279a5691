"""Issue 28 on the Overview, Themes and Brief: the pages and a brief's files in Finnish, the
rising themes readable in full (2), and undated imported rows in no period (9)."""

from __future__ import annotations

import io
import re
from datetime import date

from pypdf import PdfReader

from insights import InsightIn
from insights.files.brief_export import brief_markdown, brief_pdf
from tests.test_analysis import grouped_texts
from tests.test_pages import open_app, shared

ENGLISH_HEADINGS = ("What the evidence says", "In their own words", "Open questions", "Brief made")


def _themes_with_undated_import(kb, tmp_path) -> None:
    """80 insights spread evenly over January-August 2026, then 80 more of the same topics
    imported from a file without dates; themes computed over all 160."""
    texts = grouped_texts(2, 80, seed=5)
    months = [date(2026, m, 10) for m in range(1, 9)]
    kb.add_many(
        [
            InsightIn(text=t, observed_at=months[i % 8], author=f"p{i % 4}")
            for i, t in enumerate(texts[:80])
        ]
    )
    rows = "\n".join(f'"{t}"' for t in texts[80:])
    (tmp_path / "reviews.csv").write_text("review\n" + rows + "\n", encoding="utf-8")
    assert kb.imports.import_file(tmp_path / "reviews.csv", mapping={"text": "review"}).inserted
    kb.wait_for_links()
    kb.themes.recompute_themes()


def test_a_finnish_brief_file_has_finnish_headings_and_dates(kb, tmp_path):
    _themes_with_undated_import(kb, tmp_path)
    theme = max(kb.themes.all(), key=lambda t: len(t.insight_ids))
    brief = kb.briefs.brief("theme", str(theme.id), "fi")
    markdown = brief_markdown(brief, "fi")
    pdf = brief_pdf(brief, "fi")
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    for written in (markdown.replace("\\", ""), " ".join(text.split())):  # escapes, spacing
        assert "Mitä näyttö kertoo" in written and "Heidän omin sanoin" in written
        assert "Avoimet kysymykset" in written and "Tiivistelmä tehty" in written
        assert not any(word in written for word in ENGLISH_HEADINGS), written
        assert re.search(r"\b\d{1,2}\.\d{1,2}\.20\d\d\b", written)  # d.M.yyyy
        assert not re.search(r"\b20\d\d-\d\d-\d\d\b", written)
        assert "Teema: " in written and "havaintoa" in written
        assert "insights" not in written and "independent" not in written
    english = brief_markdown(kb.briefs.brief("theme", str(theme.id)))
    assert "What the evidence says" in english and "Mitä näyttö" not in english


def test_the_brief_page_speaks_finnish_and_hands_out_finnish_files(app_db, monkeypatch, tmp_path):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    kb = shared(app_db)
    _themes_with_undated_import(kb, tmp_path)
    theme = max(kb.themes.all(), key=lambda t: len(t.insight_ids))
    at = open_app("views/brief.py", brief=f"theme:{theme.id}")
    assert [h.value for h in at.subheader][:1] == ["Mitä näyttö kertoo"]
    shown = " ".join(m.value for m in at.markdown) + " ".join(c.value for c in at.caption)
    assert "varmuus" in shown and "confidence" not in shown and "insights" not in shown


def test_overview_rising_themes_are_readable_in_full_and_undated_rows_are_not_this_months(
    app_db, monkeypatch, tmp_path
):
    """Issue 28 (2): the rising themes were page_link labels, cut to one line in the narrow
    column; (9): undated imported rows took the import day, so every theme they joined was
    'rising' with '97 this month (usually 0.0)'."""
    kb = shared(app_db)
    _themes_with_undated_import(kb, tmp_path)
    trends = kb.themes.theme_trends("month")
    assert trends and not [t for t in trends if t.trend == "rising"]
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app()
    assert at.title[0].value == "Yleiskuva"
    cards = " ".join(m.value for m in at.markdown)
    for trend in trends[:3]:  # the full name, as text that wraps
        assert trend.label.replace("·", "") in cards.replace("\\", "").replace("·", "")
    counts = [c.value for c in at.caption if "elokuu 2026" in c.value]
    assert counts and all(re.match(r"elokuu 2026: [0-5] havain", c) for c in counts), counts
    assert any("Mikään teema ei ole nousussa" in c.value for c in at.caption)
    links = [link.label for link in at.get("page_link")]
    assert "Avaa teema" in links and not any("usually" in str(label) for label in links)


def test_the_import_preview_says_how_many_rows_have_no_date(app_db, tmp_path, monkeypatch):
    folder = tmp_path / "drop"
    folder.mkdir()
    lines = ["review,date"] + [
        f"Review {i}: the courier was late again,{'' if i % 3 else '3.3.2026'}" for i in range(30)
    ]
    (folder / "reviews.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    monkeypatch.setenv("OIVALLUS_IMPORT_DIR", str(folder))
    at = open_app("views/import.py", user="aino")
    at.multiselect[0].select("reviews.csv").run()
    said = [c.value for c in at.caption if "no date" in c.value]
    assert said and said[0].startswith("20 of the first 30 rows have no date"), said
    assert "stay out of trends" in said[0]
