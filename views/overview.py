"""Overview, the home page: headline KPIs with their change and margin, the newest insights,
rising themes and open questions with new evidence, for a period and a segment."""

import streamlit as st

from insights.rules.kpis import SMALL_SAMPLE
from language.text import escape_markdown
from views.common import (
    card_heading,
    follow_toggle,
    kb,
    my_names,
    open_link,
    period_picker,
    segment_picker,
)
from vocabulary.knowledge import SearchFilters

base = kb()
st.title("Overview")
c1, c2 = st.columns(2)
period, start, end = period_picker(c1, "overview-period")
segment = segment_picker(c2, "overview-segment")
if segment:
    follow_toggle("segment", segment, f"segment {segment}")

NAMES = {"nps": "NPS", "csat": "CSAT %", "ces": "CES (1-7)"}
columns = st.columns(4)
shown = 0
for metric, name in NAMES.items():
    if start is not None:
        change = base.analysis.kpi_change(metric, start, end, segment)
        kpi, delta = change.current, change.change
    else:
        kpi, delta, change = base.analysis.kpi(metric, segment), None, None
    if kpi.n == 0 and metric != "nps":
        continue
    digits = 1 if metric == "ces" else 0
    help_text = (
        f"{kpi.n} responses, 95 % margin ± {kpi.margin:.{digits}f}" if kpi.n else "No responses"
    )
    if change is not None and delta is not None:
        help_text += (
            f". Change against the previous {period.lower().replace('last ', '')}: "
            f"{delta:+.{digits}f} ± {change.margin:.{digits}f}"
            + (" (larger than its margin)" if change.significant else " (within the margin)")
        )
    columns[shown].metric(
        name,
        "—" if kpi.score is None else f"{kpi.score:.{digits}f}",
        delta=None if delta is None else f"{delta:+.{digits}f}",
        help=help_text,
    )
    if kpi.n:
        columns[shown].caption(
            f"n = {kpi.n} · ± {kpi.margin:.{digits}f}"
            + (" · small sample" if kpi.n < SMALL_SAMPLE else "")
        )
    shown += 1
columns[shown].metric("Insights", f"{base.count():,}".replace(",", " "))


def number(value: float) -> str:
    """A metric value as people read it: 12 345, 0.84."""
    return f"{value:,.0f}".replace(",", " ") if abs(value) >= 100 else f"{value:.3g}"


tiles = base.metrics.tiles()  # the metrics an admin chose for everyone (Behaviour page)
for row in range(0, len(tiles), 4):
    for column, tile in zip(st.columns(4), tiles[row : row + 4], strict=False):
        if tile.value is None:
            column.metric(escape_markdown(tile.metric), "—", help="No values yet.")
            continue
        delta = None if tile.previous is None else tile.value - tile.previous
        column.metric(
            escape_markdown(f"{tile.metric} ({tile.month:%b %Y})"),
            escape_markdown(number(tile.value) + (f" {tile.unit}" if tile.unit else "")),
            delta=None if delta is None else number(delta),
            delta_color="normal" if tile.better == "higher" else "inverse",
            chart_data=tile.trend,
            chart_type="line",
            help="Change against the month before; the line is the last 12 months."
            + (
                f" 95 % interval {number(tile.low)}-{number(tile.high)} (a count)."
                if tile.low is not None and tile.high is not None
                else ""
            ),
        )
        if tile.target is not None:
            verdict = "on target" if tile.on_target else "off target"
            column.caption(f"target {number(tile.target)} · {verdict}")

left, right = st.columns([3, 2], gap="large")
with left:
    heading, mine_column = st.columns([3, 1], vertical_alignment="bottom")
    heading.subheader("Newest insights", anchor=False)
    mine = mine_column.toggle(
        "Mine", key="overview_mine", help="Only insights you are the author of."
    )
    if mine:
        newest = base.insights.browse(
            SearchFilters(author=my_names(), segment=[segment] if segment else []), limit=6
        )[0]
    else:
        newest = base.insights.newest(6, segment)
    if not newest:
        st.caption(
            "Nothing of yours yet: add an observation."
            if mine
            else "Nothing yet: add an observation or import a file."
        )
    for insight in newest:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id)

with right:
    st.subheader("Rising themes", anchor=False)
    trends = base.themes.theme_trends("month")
    rising = [t for t in trends if t.trend == "rising"][:5]
    if not base.themes.themes_computed():
        st.caption("Themes are not computed yet: open Themes and recompute.")
    for trend in rising or trends[:3]:
        st.page_link(
            "views/themes.py",
            label=f"{escape_markdown(trend.label)} · {trend.current} this month "
            f"(usually {trend.baseline:.1f})",
            icon=":material/trending_up:" if trend.trend == "rising" else ":material/hub:",
            query_params={"theme": str(trend.theme_id)},
        )
    if trends and not rising:
        st.caption("No theme is rising this month; the largest are shown.")

    st.subheader("Questions with new evidence", anchor=False)
    waiting = base.backlog.questions_with_new_evidence()
    if not waiting:
        st.caption("No open question has new evidence to review.")
    for question in waiting[:5]:
        st.page_link(
            "views/backlog.py",
            label=f"{escape_markdown(question.text)} ({question.new_evidence} new)",
            icon=":material/help:",
            query_params={"question": str(question.id)},
        )
