"""Behaviour beside opinion: metrics imports, the funnel, customer joins, briefs (figures
hand-computed on small files)."""

from __future__ import annotations

import io
import math
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights import InsightIn, QuestionIn
from insights.acting import PermissionDenied
from insights.files.brief_export import brief_markdown, brief_pdf
from insights.rules.funnel import build_funnel, ratio_of_shares, wilson
from tests.test_analysis import grouped_texts
from vocabulary.errors import ReadError

WIDE = """month,segment,visits,orders
2026-01,SMB,1000,50
2026-01,Enterprise,400,30
2026-02,SMB,1100,55
2026-02,Enterprise,420,
2026-03,SMB,lots,60
"""
STAGES = """kuukausi;vaihe;asiakkaat
2026-03;Awareness;1000
2026-03;Consideration;600
2026-03;Purchase;150
2026-03;Onboarding;120
"""


def write(tmp_path, name: str, text: str):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_wide_metrics_file_is_stored_per_month_segment_and_metric(kb, tmp_path):
    report = kb.metrics.import_file(write(tmp_path, "traffic.csv", WIDE))
    assert report.metrics == ["orders", "visits"] and report.rows == 5
    assert [(r.line, "not a number" in r.reason) for r in report.rejected] == [(6, True)]
    visits = kb.metrics.monthly("visits")["all"]
    assert visits == [(date(2026, 1, 1), 1400.0), (date(2026, 2, 1), 1520.0)]
    by_segment = kb.metrics.monthly("orders", by="segment")
    assert by_segment["Enterprise"] == [(date(2026, 1, 1), 30.0)]  # an empty cell is no value
    assert {d.name for d in kb.metrics.definitions()} == {"orders", "visits"}


def test_a_reimport_replaces_its_periods_and_undoing_it_brings_the_old_back(kb, tmp_path):
    first = kb.metrics.import_file(write(tmp_path, "a.csv", WIDE))
    again = kb.metrics.import_file(write(tmp_path, "a.csv", WIDE))
    assert kb.metrics.monthly("visits")["all"][0] == (date(2026, 1, 1), 1400.0)  # never double
    fixed = kb.metrics.import_file(
        write(tmp_path, "fix.csv", "month,segment,visits\n2026-01,SMB,900\n")
    )
    assert kb.metrics.monthly("visits")["all"][0] == (date(2026, 1, 1), 1300.0)
    kb.imports.undo_import(fixed.import_id)
    assert kb.metrics.monthly("visits")["all"][0] == (date(2026, 1, 1), 1400.0)
    kb.imports.undo_import(again.import_id)
    kb.imports.undo_import(first.import_id)
    assert kb.metrics.monthly("visits") == {}
    assert [r.source for r in kb.imports.history()][:1] == ["metrics"]


def test_a_long_file_and_bad_files_say_what_to_fix(kb, tmp_path):
    long = 'date,metric,value\n15.3.2026,Sessions,"1 234,5"\n2026-03-20,sessions,10\n'
    kb.metrics.import_file(write(tmp_path, "long.csv", long))
    assert kb.metrics.monthly("sessions")["all"] == [(date(2026, 3, 1), 1244.5)]
    with pytest.raises(ReadError, match="date or month"):
        kb.metrics.import_file(write(tmp_path, "nodate.csv", "segment,visits\nSMB,3\n"))
    with pytest.raises(ReadError, match="customer id"):
        kb.metrics.import_file(write(tmp_path, "c.csv", "date,amount\n2026-01-01,3\n"), "churn")
    assert len(kb.imports.history()) == 1  # nothing recorded for a file that was not read


def test_the_funnel_shows_each_stage_its_share_going_on_and_the_largest_drop(kb, tmp_path):
    kb.metrics.import_file(write(tmp_path, "stages.csv", STAGES))
    kb.add_many(
        [
            InsightIn(
                text="Comparing plans is confusing",
                journey_stage="Consideration",
                sentiment="negative",
            ),
            InsightIn(
                text="The pricing table hides the fees",
                journey_stage="Consideration",
                sentiment="negative",
            ),
            InsightIn(text="Checkout was quick", journey_stage="Purchase", sentiment="positive"),
        ]
    )
    funnel = kb.metrics.funnel()
    assert funnel.metric == "asiakkaat"
    by_stage = {s.stage: s for s in funnel.stages}
    assert by_stage["Awareness"].next_share == pytest.approx(0.6)
    assert by_stage["Consideration"].drop == pytest.approx(0.75)
    assert by_stage["Purchase"].next_share == pytest.approx(0.8)
    assert by_stage["Onboarding"].next_share is None  # the last stage with data
    assert funnel.largest_drop == "Consideration"
    assert by_stage["Consideration"].negative_insights == 2
    assert by_stage["Purchase"].negative_insights == 0
    stages_without_data = [s.stage for s in funnel.stages if s.reached is None]
    assert stages_without_data and "Awareness" not in stages_without_data


def test_customer_ids_join_surveys_with_churn_and_purchases_and_are_never_stored(kb, tmp_path):
    survey = "customer_id,nps,comment\n" + "".join(
        f"C{n:03d},{score},fine\n"
        for n, score in enumerate([10] * 10 + [8] * 5 + [2] * 10)  # 10 promoters, 10 detractors
    )
    kb.imports.import_file(write(tmp_path, "survey.csv", survey))
    churned = "customer,date\n" + "".join(
        f"C{n:03d},2026-04-01\n"
        for n in [0, 15, 16, 17, 18, 19]  # 1 promoter, 5 detractors
    )
    kb.metrics.import_file(write(tmp_path, "churn.csv", churned), kind="churn")
    bought = "customer_id,date,amount\n" + "".join(
        f"C{n:03d},2026-0{m}-01,10\n" for n in range(5) for m in (1, 2)
    )
    kb.metrics.import_file(write(tmp_path, "orders.csv", bought), kind="purchase")
    outcomes = kb.metrics.customer_outcomes()
    churn = {g.group: g for g in outcomes.churn}
    assert (churn["promoter"].count, churn["promoter"].customers) == (1, 10)
    assert (churn["detractor"].count, churn["detractor"].customers) == (5, 10)
    ratio = outcomes.detractor_vs_promoter
    assert ratio.ratio == pytest.approx(5.0)
    spread = 1.96 * math.sqrt(1 / 5 - 1 / 10 + 1 / 1 - 1 / 10)
    assert ratio.low == pytest.approx(5 * math.exp(-spread))
    assert ratio.high == pytest.approx(5 * math.exp(spread))
    assert outcomes.nps_by_purchases["2 or more"].n == 5  # C000-C004, all promoters
    assert outcomes.nps_by_purchases["2 or more"].score == pytest.approx(100)
    with kb.db.read() as cur:
        stored = cur.execute(
            "SELECT customer FROM customer_records UNION ALL SELECT customer FROM survey_responses"
        ).fetchall()
    assert stored and not any(str(c[0]).startswith("C0") for c in stored)
    assert not any("C000" in i.text for i in kb.insights.browse(limit=100)[0])


def test_only_researchers_import_behaviour_and_only_admins_choose_the_overview(kb, tmp_path):
    kb.people.ensure_admin("correct horse battery")
    kb.metrics.import_file(write(tmp_path, "a.csv", WIDE))
    aino = kb.acting_as(kb.people.create_user("aino", "Aino", role="researcher"))
    vera = kb.acting_as(kb.people.create_user("vera", "Vera", role="viewer"))
    with pytest.raises(PermissionDenied):
        vera.metrics.import_file(write(tmp_path, "b.csv", WIDE))
    defined = aino.metrics.define("visits", "visits", "higher", 1500)
    assert defined.target == 1500 and not defined.on_overview
    with pytest.raises(PermissionDenied, match="admin"):
        aino.metrics.show_on_overview("visits")
    kb.metrics.show_on_overview("visits")
    [tile] = kb.metrics.tiles()
    assert (tile.metric, tile.value, tile.previous, tile.on_target) == (
        "visits",
        1520.0,
        1400.0,
        True,
    )
    assert tile.low == pytest.approx(1520 - 1.96 * math.sqrt(1520))  # a count: Poisson


def test_a_brief_quotes_its_theme_and_every_sentence_points_to_its_sources(kb):
    kb.add_many(
        [InsightIn(text=t, author=f"person{n % 4}") for n, t in enumerate(grouped_texts(3, 20))]
    )
    kb.wait_for_links()
    theme = kb.themes.recompute_themes()[0]
    kb.backlog.ask(QuestionIn(text=kb.get(theme.insight_ids[0]).text))
    brief = kb.briefs.brief("theme", str(theme.id))
    members = set(theme.insight_ids)
    assert brief.count == len(members) and brief.quotes
    assert {q.id for q in brief.quotes} <= members
    assert len({q.id for q in brief.quotes}) == len(brief.quotes)
    for point in brief.points:
        assert point.figure or (point.insight_ids and set(point.insight_ids) <= members)
    assert brief.confidence in ("low", "medium", "high")
    markdown = brief_markdown(brief)
    assert brief.quotes[0].text.split()[0] in markdown and "confidence" in markdown
    pdf = brief_pdf(brief)
    assert pdf.startswith(b"%PDF")
    from pypdf import PdfReader

    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Theme" in text and "own words" in text


def test_a_brief_of_a_stage_and_of_a_segment(kb, tmp_path):
    kb.metrics.import_file(write(tmp_path, "stages.csv", STAGES))
    kb.add_many(
        [
            InsightIn(
                text=f"Plan comparison is confusing {n}",
                journey_stage="Consideration",
                segment="SMB",
                sentiment="negative",
                source="interview",
            )
            for n in range(4)
        ]
    )
    stage = kb.briefs.brief("stage", "Consideration")
    assert stage.count == 4 and any("largest drop" in p.text for p in stage.points)
    segment = kb.briefs.brief("segment", "SMB")
    assert segment.count == 4 and any("negative" in p.text for p in segment.points)
    with pytest.raises(Exception, match="no insights"):
        kb.briefs.brief("segment", "Nobody")


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(0, 1e6, allow_nan=False), min_size=1, max_size=8))
def test_funnel_shares_are_shares(values):
    order = [f"s{i}" for i in range(len(values))]
    funnel = build_funnel("m", order, dict(zip(order, values, strict=True)))
    for stage in funnel.stages:
        if stage.next_share is not None:
            assert 0.0 <= stage.next_share <= 1.0 and stage.drop == pytest.approx(
                1 - stage.next_share
            )


@settings(max_examples=80, deadline=None)
@given(st.integers(0, 500), st.integers(1, 500))
def test_intervals_contain_their_point(successes, n):
    successes = min(successes, n)
    low, high = wilson(successes, n)
    assert low - 1e-12 <= successes / n <= high + 1e-12
    ratio = ratio_of_shares(successes, n, max(1, n // 3), n)
    if ratio.ratio is not None:
        assert ratio.low <= ratio.ratio <= ratio.high


@settings(max_examples=15, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(1, 12), st.sampled_from(["A", "B"]), st.integers(0, 10_000)),
        min_size=1,
        max_size=12,
    )
)
def test_importing_the_same_file_again_changes_nothing(tmp_path_factory, rows):
    from insights import KnowledgeBase
    from tests.doubles import HashingEmbedder

    folder = tmp_path_factory.mktemp("idem")
    text = "month,segment,visits\n" + "".join(f"2026-{m:02d},{s},{v}\n" for m, s, v in rows)
    kb = KnowledgeBase.open(folder / "k.duckdb", embedder=HashingEmbedder())
    try:
        kb.metrics.import_file(write(folder, "v.csv", text))
        once = kb.metrics.monthly("visits", by="segment")
        kb.metrics.import_file(write(folder, "v.csv", text))
        assert kb.metrics.monthly("visits", by="segment") == once
    finally:
        kb.close()


def test_the_command_line_imports_behaviour(tmp_path):
    import subprocess
    import sys

    from tests.conftest import ROOT

    path = write(tmp_path, "traffic.csv", WIDE)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tests.fake_cli",  # the import command with the fake embedder
            str(path),
            "--behaviour",
            "metrics",
            "--db",
            str(tmp_path / "cli.duckdb"),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr
    assert "7 values stored from 5 rows (orders, visits), 1 rejected" in done.stdout
    assert "line 6:" in done.stdout


def test_an_online_retail_log_is_read_as_purchases_and_its_audit_entry_stays_small(kb, tmp_path):
    """The UCI Online Retail columns: the date is InvoiceDate, the amount Quantity x UnitPrice;
    a file of many bad rows leaves an audit entry of bounded size."""
    log = (
        "InvoiceNo,StockCode,Quantity,InvoiceDate,UnitPrice,CustomerID,Country\n"
        "536365,85123A,6,2010-12-01,2.55,17850,United Kingdom\n"
        "536366,22633,2,2010-12-01,1.85,17850,United Kingdom\n"
        "536367,84879,32,2010-12-01,1.69,13047,United Kingdom\n"
    ) + "".join(f"5{n},1,1,not a date,1,1{n},UK\n" for n in range(200))
    report = kb.metrics.import_file(write(tmp_path, "Online Retail.csv", log), kind="purchase")
    assert report.stored == 3 and len(report.rejected) == 200
    with kb.db.read() as cur:
        amounts = cur.execute(
            "SELECT CAST(round(CAST(sum(amount) AS NUMERIC), 2) AS DOUBLE PRECISION),"
            " count(DISTINCT customer)"
            " FROM customer_records"
        ).fetchone()
    assert amounts == (round(6 * 2.55 + 2 * 1.85 + 32 * 1.69, 2), 2)
    [entry] = kb.people.audit(entity="import")
    assert len(entry.after["rejected"]) == 51 and entry.after["rejected"][-1] == "... and 150 more"


@pytest.mark.parametrize(
    ("cell", "reason"),
    [
        ("inf", "not a number"),
        ("-Infinity", "not a number"),
        ("NaN", "not a number"),
        ("-nan", "not a number"),
        ("1e16", "larger than"),
        ("-5", "negative"),
    ],
)
def test_a_value_that_is_no_count_is_a_rejected_row_naming_its_column(kb, tmp_path, cell, reason):
    text = f"month,visits,orders\n2026-01,10,5\n2026-02,11,{cell}\n"
    report = kb.metrics.import_file(write(tmp_path, "bad.csv", text))
    [rejected] = report.rejected
    assert rejected.line == 3 and "orders" in rejected.reason and reason in rejected.reason
    assert kb.metrics.monthly("orders")["all"] == [(date(2026, 1, 1), 5.0)]


@pytest.mark.parametrize("day", ["9999-12", "1899-12-31", "12/9999"])
def test_a_date_outside_1900_to_next_year_is_a_rejected_row(kb, tmp_path, day):
    report = kb.metrics.import_file(
        write(tmp_path, "far.csv", f"month,visits\n2026-01,10\n{day},5\n")
    )
    assert [(r.line, "check the year" in r.reason) for r in report.rejected] == [(3, True)]
    assert kb.metrics.monthly("visits")["all"] == [(date(2026, 1, 1), 10.0)]


def test_a_file_of_only_bad_rows_says_so_once_and_records_nothing(kb, tmp_path):
    text = "month,orders,revenue\n9999-12,-inf,nan\n2026-01,5,Infinity\nlater,1,2\n"
    with pytest.raises(ReadError) as error:
        kb.metrics.import_file(write(tmp_path, "bad.csv", text))
    message = str(error.value)
    assert "none of its 3 rows could be imported, so nothing was stored" in message
    assert "line 2:" in message and "Error" not in message and "executemany" not in message
    with pytest.raises(ReadError, match="no rows under its header"):
        kb.metrics.import_file(write(tmp_path, "empty.csv", "date,metric,value\n"))
    assert kb.imports.history() == [] and kb.metrics.definitions() == []


def test_purchases_refuse_returns_and_a_file_without_dates_names_its_columns(kb, tmp_path):
    log = "customer_id,date,quantity,unit price\nA1,2026-01-02,-2,3.5\nA1,2026-01-03,2,3.5\n"
    report = kb.metrics.import_file(write(tmp_path, "p.csv", log), kind="purchase")
    assert report.stored == 1
    assert [(r.line, "return or a cancellation" in r.reason) for r in report.rejected] == [
        (2, True)
    ]
    with pytest.raises(ReadError) as error:
        kb.metrics.import_file(write(tmp_path, "n.csv", "customer_id,amount\nA,3\n"), "purchase")
    assert "['customer_id', 'amount']" in str(error.value) and "'date'" in str(error.value)


def test_behaviour_files_have_the_import_size_limit_and_a_row_limit(kb, tmp_path, monkeypatch):
    import readers.behaviour

    path = write(tmp_path, "m.csv", "month,visits\n" + "2026-01,1\n" * 50)
    monkeypatch.setenv("OIVALLUS_IMPORT_LIMIT_MB", "0.0001")
    with pytest.raises(ReadError, match="over the import limit"):
        kb.metrics.import_file(path)
    monkeypatch.delenv("OIVALLUS_IMPORT_LIMIT_MB")
    monkeypatch.setattr(readers.behaviour, "MAX_ROWS", 20)
    with pytest.raises(ReadError, match="more than 20 rows"):
        kb.metrics.import_file(path)
    assert kb.imports.history() == []


def test_rows_of_one_cell_may_not_add_up_past_the_bound(kb, tmp_path):
    path = tmp_path / "orders.csv"
    path.write_text("date,orders\n2026-02-04,1e15\n2026-02-04,1e15\n2026-02-05,3\n")
    report = kb.metrics.import_file(path)
    assert [r.line for r in report.rejected] == [3]
    assert "add up past 1e+15" in report.rejected[0].reason
    assert report.stored == 2


def test_a_brief_pdf_does_not_quote_a_quote_twice(kb):
    """Issue 28 (6): “"The driver called me..."” in the PDF."""
    from datetime import datetime

    from pypdf import PdfReader

    from insights.briefs import Brief

    said = kb.add(InsightIn(text='"The driver called me twice before noon."')).insight.id
    plain = kb.add(InsightIn(text="The box was cold and the bag was warm.")).insight.id
    brief = Brief(
        kind="theme",
        key="1",
        title="Deliveries",
        count=2,
        sources=1,
        confidence="low",
        confidence_reason="2 insights",
        points=[],
        quotes=[kb.get(said), kb.get(plain)],
        questions=[],
        made_at=datetime.now(),
    )
    pdf = brief_pdf(brief)
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert '“"The driver' not in text and '."”' not in text
    assert "The driver called me twice before noon." in text
    assert "“The box was cold and the bag was warm.”" in text
    from insights.files.brief_export import quoted

    assert quoted("“Jo lainattu.”") == "“Jo lainattu.”"
    assert quoted("«Déjà cité»") == "«Déjà cité»"
    assert quoted('"half quoted') == '“"half quoted”'


def test_a_behaviour_files_rejected_rows_are_said_in_the_readers_language(kb, tmp_path):
    """Review of issue 28: a Finnish page showed a behaviour file's row reasons in English
    ("'abc' is not a number"); each keeps its message, translated where shown, and the log's
    English stays as it was."""
    from language.interface import Interface

    finnish = Interface("fi")
    path = write(
        tmp_path,
        "m.csv",
        "month,visits\n2026-01,abc\n2026-13,4\n2026-02,-3\n2026-03,1e15\n2026-03,1e15\n2026-04,5\n",
    )
    report = kb.metrics.import_file(path)
    reasons = {r.line: r.reason for r in report.rejected}
    said = {r.line: r.message.fill(finnish.text, finnish.number) for r in report.rejected}
    assert reasons[2] == "visits: 'abc' is not a number"
    assert said[2] == "visits: 'abc' ei ole luku"
    assert said[3] == "'2026-13' ei ole kuukausi; kirjoita 2026-03 tai 3/2026"
    assert said[4].startswith("visits: '-3' on negatiivinen")
    assert said[6] == "visits: jakson (kuukausi) summa ylittäisi 1e+15; tarkista arvot"
    customers = write(tmp_path, "c.csv", "customer_id,date,amount\n,2026-01-05,3\nA1,,4\n")
    failed = pytest.raises(ReadError, kb.metrics.import_file, customers, kind="purchase")
    shown = failed.value.message.fill(finnish.text, finnish.number)
    assert "asiakastunnus puuttuu" in shown and "ostolle tarvitaan päivämäärä" in shown
    assert "the customer id is empty" in str(failed.value)
