"""KPIs (hand-computed cases and properties), themes (stability, curation), trends, journey."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from insights import InsightIn, InvalidInput, KnowledgeBase
from insights.rules.kpis import ces, compare, csat, nps, previous_period
from insights.themes import trend_verdict
from tests.conftest import EVALDATA, needs_evaldata


def test_nps_hand_computed():
    # 5 promoters, 3 passives, 2 detractors: NPS = 100 x (0.5 - 0.2) = 30
    kpi = nps([10, 9, 9, 10, 9, 7, 8, 8, 3, 6])
    assert (kpi.score, kpi.n, kpi.promoters, kpi.passives, kpi.detractors) == (30, 10, 5, 3, 2)
    variance = 0.5 + 0.2 - 0.3**2  # each answer counts +1, 0 or -1
    assert kpi.margin == pytest.approx(1.96 * 100 * math.sqrt(variance / 10))
    assert kpi.small_sample


def test_nps_edge_cases():
    empty = nps([])
    assert (empty.score, empty.n, empty.margin) == (None, 0, None)
    single = nps([4])
    assert (single.score, single.n, single.margin) == (-100, 1, 0)
    promoters = nps([9, 10] * 20)
    assert (promoters.score, promoters.margin, promoters.small_sample) == (100, 0, False)


def test_csat_ces_and_change():
    assert csat([5, 4, 3, 1]).score == 50
    assert csat([5, 4, 3, 1]).margin == pytest.approx(1.96 * 100 * math.sqrt(0.25 / 4))
    effort = ces([7, 5, 6])
    assert effort.score == 6 and effort.margin == pytest.approx(1.96 * 1 / math.sqrt(3))
    change = compare(nps([10] * 40 + [0] * 10), nps([10] * 25 + [0] * 25))
    assert change.change == pytest.approx(60) and change.significant
    assert previous_period(date(2026, 5, 1), date(2026, 5, 31)) == (
        date(2026, 3, 31),
        date(2026, 4, 30),
    )


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=10), min_size=1, max_size=500))
def test_nps_properties(scores):
    kpi = nps(scores)
    assert -100 <= kpi.score <= 100
    assert kpi.promoters + kpi.passives + kpi.detractors == kpi.n == len(scores)
    assert 0 <= kpi.margin <= 1.96 * 100 / math.sqrt(len(scores)) + 1e-9
    if len(set(scores)) == 1:
        assert kpi.margin == 0
    assert nps(scores * 4).margin <= kpi.margin + 1e-9  # more of the same answers: narrower


SURVEY = (
    "id;pvm;segmentti;kosketuspiste;nps;palaute\n"
    "1;3.3.2026;SMB;Delivery;10;Kuljettaja oli ajoissa\n"
    "2;4.3.2026;SMB;Delivery;9;\n"
    "3;5.3.2026;SMB;Invoice;2;Lasku oli väärin\n"
    "4;5.4.2026;Consumer;Delivery;8;\n"
    "5;6.4.2026;Consumer;Delivery;10;Nopea toimitus\n"
    "6;7.4.2026;Consumer;Checkout;0;Maksu epäonnistui\n"
    "7;8.4.2026;Consumer;Checkout;6;\n"
)


def test_kb_nps_filters_groups_and_periods(kb, tmp_path):
    (tmp_path / "s.csv").write_text(SURVEY, encoding="utf-8")
    report = kb.imports.import_file(
        tmp_path / "s.csv",
        mapping={
            "external_id": "id",
            "observed_at": "pvm",
            "segment": "segmentti",
            "touchpoint": "kosketuspiste",
            "score": "nps",
            "text": "palaute",
        },
    )
    assert report.responses == 7
    assert kb.analysis.nps().n == 7 and kb.analysis.nps().score == pytest.approx(100 * (3 - 3) / 7)
    smb = kb.analysis.nps(segment="SMB")
    assert (smb.n, smb.score) == (3, pytest.approx(100 * (2 - 1) / 3))
    assert kb.analysis.nps(touchpoint="Checkout").score == -100
    april = kb.analysis.nps(start=date(2026, 4, 1), end=date(2026, 4, 30))
    assert (april.n, april.score) == (4, pytest.approx(100 * (1 - 2) / 4))
    assert kb.analysis.nps(segment="Public sector").n == 0
    months = kb.analysis.kpi_by("nps", "month")
    assert [(r.group, r.kpi.n) for r in months] == [("2026-03", 3), ("2026-04", 4)]
    assert {r.group for r in kb.analysis.kpi_by("nps", "touchpoint")} == {
        "Delivery",
        "Invoice",
        "Checkout",
    }
    change = kb.analysis.kpi_change("nps", date(2026, 4, 1), date(2026, 4, 30))
    assert change.previous.n == 3 and change.change == pytest.approx(-25 - 100 / 3)
    with pytest.raises(InvalidInput, match="group by one of"):
        kb.analysis.kpi_by("nps", "weekday")


def grouped_texts(groups: int, per_group: int, seed: int = 0) -> list[str]:
    """Texts in clearly separate word groups, so that even the hashing embedder finds them."""
    rng = np.random.default_rng(seed)
    vocab = [[f"topic{g}word{w}" for w in range(12)] for g in range(groups)]
    return [
        " ".join(rng.choice(vocab[g], 6)) + f" note{g}x{i}"
        for g in range(groups)
        for i in range(per_group)
    ]


def test_themes_are_stable_and_keep_names(kb):
    kb.add_many([InsightIn(text=t) for t in grouped_texts(8, 40)])
    kb.wait_for_links()
    first = kb.themes.recompute_themes()
    assert len(first) >= 8 and sum(len(t.insight_ids) for t in first) == 320
    again = kb.themes.recompute_themes()
    assert [(t.id, t.label, t.insight_ids) for t in again] == [
        (t.id, t.label, t.insight_ids) for t in first
    ]
    named = kb.themes.rename_theme(first[0].id, "Pricing confusion")
    kb.themes.pin_theme(first[1].id)
    assert named.label == "Pricing confusion" and named.terms == first[0].terms
    kb.add_many([InsightIn(text=t) for t in grouped_texts(8, 2, seed=1)])  # 5 % more
    kb.wait_for_links()
    grown = {t.id: t for t in kb.themes.recompute_themes()}
    assert grown[first[0].id].label == "Pricing confusion"
    assert grown[first[1].id].pinned and kb.themes.all()[0].id == first[1].id
    kept = set(first[0].insight_ids) & set(grown[first[0].id].insight_ids)
    assert len(kept) >= 0.5 * len(first[0].insight_ids), (len(kept), len(first[0].insight_ids))


def test_new_insights_join_the_theme_they_are_close_to(kb):
    """Between recomputes a new insight joins its nearest theme when it is as close as the
    theme's members are; one near no theme joins none."""
    kb.add_many([InsightIn(text=t) for t in grouped_texts(4, 30)])
    kb.wait_for_links()
    before = {t.id: t for t in kb.themes.recompute_themes()}
    joined = []
    for text in grouped_texts(4, 3, seed=7):  # more of the same four topics
        new = kb.add({"text": text}).insight.id
        homes = [t for t in kb.themes.all() if new in t.insight_ids]
        assert len(homes) <= 1
        if homes:
            topic = text.split("word")[0]
            assert all(kb.get(i).text.startswith(topic) for i in homes[0].insight_ids)
            assert homes[0].size == len(homes[0].insight_ids)
            joined.append(homes[0].id)
    assert len(joined) >= 6, joined  # most of them (a tenth of the members are further out)
    for theme_id in set(joined):
        assert kb.themes.theme(theme_id).size == before[theme_id].size + joined.count(theme_id)
    far = kb.add({"text": "The weather forecast said nothing about parcels"}).insight.id
    assert not any(far in t.insight_ids for t in kb.themes.all())


def test_merge_and_split_themes(kb):
    kb.add_many([InsightIn(text=t) for t in grouped_texts(4, 30)])
    kb.wait_for_links()
    themes = kb.themes.recompute_themes()
    a, b = themes[0], themes[1]
    merged = kb.themes.merge_themes(a.id, b.id)
    assert set(merged.insight_ids) == set(a.insight_ids) | set(b.insight_ids)
    assert b.id not in {t.id for t in kb.themes.all()}
    kept, part = kb.themes.split_theme(merged.id)
    assert kept.id == merged.id and part.id != merged.id
    assert set(kept.insight_ids) | set(part.insight_ids) == set(merged.insight_ids)
    assert not set(kept.insight_ids) & set(part.insight_ids)
    with pytest.raises(InvalidInput):
        kb.themes.merge_themes(a.id, a.id)


def test_trend_rule():
    assert trend_verdict(12, 3.0)[0] == "rising"
    assert trend_verdict(4, 0.5)[0] == "steady"  # too few to call
    assert trend_verdict(0, 8.0)[0] == "falling"
    assert trend_verdict(7, 6.0)[0] == "steady"


def test_theme_trends_flag_a_rising_theme(kb):
    texts = grouped_texts(2, 60)
    days = [date(2026, m, 10) for m in (1, 2, 3, 4)]
    items = [InsightIn(text=t, observed_at=days[i % 4]) for i, t in enumerate(texts[:60])]
    items += [
        InsightIn(text=t, observed_at=date(2026, 5 if i < 40 else 1 + i % 4, 12))
        for i, t in enumerate(texts[60:])
    ]
    ids = kb.add_many(items)
    kb.wait_for_links()
    members = {t.id: set(t.insight_ids) for t in kb.themes.recompute_themes()}
    trends = kb.themes.theme_trends("month")
    rising = [t for t in trends if t.trend == "rising"]
    assert rising and trends[0] is rising[0] and trends[0].periods[-1] == date(2026, 5, 1)
    steady_group = set(ids[:60])  # spread evenly over January-April
    assert all(not members[t.theme_id] & steady_group for t in rising)
    assert sum(t.current for t in rising) >= 30


def test_undated_imported_rows_make_no_theme_rising(kb, tmp_path):
    """Issue 28 (9): rows without a date once took the import day as theirs, so an import of
    undated reviews made every theme they joined 'rising' (p = 0) this month."""
    texts = grouped_texts(2, 80, seed=3)
    months = [date(2026, m, 10) for m in range(1, 9)]
    kb.add_many([InsightIn(text=t, observed_at=months[i % 8]) for i, t in enumerate(texts[:80])])
    undated = "\n".join(f'"{t}"' for t in texts[80:])
    (tmp_path / "reviews.csv").write_text("review\n" + undated + "\n", encoding="utf-8")
    report = kb.imports.import_file(tmp_path / "reviews.csv", mapping={"text": "review"})
    assert report.inserted == 80
    assert all(i.observed_at is None for i in kb.insights.newest(80))  # the date stays unknown
    kb.wait_for_links()
    kb.themes.recompute_themes()
    trends = kb.themes.theme_trends("month")
    assert trends and not [t for t in trends if t.trend == "rising"]
    assert trends[0].periods[-1] == date(2026, 8, 1)  # the newest dated month, not today's
    assert sum(t.current for t in trends) == 10  # August's dated insights only
    assert sum(sum(t.counts) for t in trends) == 80
    stage = [InsightIn(text=t, journey_stage="Support") for t in ("Undated call", "Another")]
    kb.add_many(stage)
    assert not kb.analysis.journey(date(2026, 1, 1), date.today()).cells  # in no period
    assert sum(c.insights for c in kb.analysis.journey().cells) == 2  # all time: counted


def test_journey_map_finds_where_negative_feedback_concentrates(kb):
    items = [
        InsightIn(
            text=f"Support call {i} went badly",
            journey_stage="Support",
            segment="SMB",
            sentiment="negative",
        )
        for i in range(6)
    ]
    items += [
        InsightIn(
            text=f"Purchase {i} was smooth",
            journey_stage="Purchase",
            segment="SMB",
            sentiment="positive",
        )
        for i in range(6)
    ]
    kb.add_many(items)
    journey = kb.analysis.journey()
    assert journey.stages[:3] == ["Awareness", "Consideration", "Purchase"]
    assert journey.hotspots[0].stage == "Support" and journey.hotspots[0].negative_share == 1
    kb.catalog.set_choices(
        "journey_stage", ["Purchase", "Support", "Renewal"], renames={"Support": "Tuki"}
    )
    assert kb.analysis.journey().stages[:2] == ["Purchase", "Support"]
    assert {c.stage for c in kb.analysis.journey().cells} == {"Purchase", "Tuki"}


@needs_evaldata()
@pytest.mark.slow
def test_banking77_themes_match_the_intents(tmp_path, real_embedder):
    from sklearn.metrics import normalized_mutual_info_score

    frame = pd.read_csv(EVALDATA / "banking77" / "test.csv")
    kb = KnowledgeBase.open(tmp_path / "themes.duckdb", embedder=real_embedder)
    ids = kb.add_many([InsightIn(text=t) for t in frame["text"]])
    kb.wait_for_links()
    themes = kb.themes.recompute_themes()
    kb.close()
    theme_of = {i: t.id for t in themes for i in t.insight_ids}
    label = dict(zip(ids, frame["category"], strict=True))
    keys = sorted(theme_of)
    score = normalized_mutual_info_score([label[i] for i in keys], [theme_of[i] for i in keys])
    assert score >= 0.75, score
