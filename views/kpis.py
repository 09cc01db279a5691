"""KPIs: NPS (and CSAT / CES when surveys hold them) by segment, touchpoint and month, with
response counts, 95 % margins of error, small-sample warnings, charts and CSV export."""

import altair as alt
import pandas as pd
import streamlit as st

from insights.rules.kpis import SMALL_SAMPLE
from language.text import csv_text
from views.common import kb, kpi_text, period_picker, segment_picker

base = kb()
st.title("Customer KPIs")
NAMES = {"nps": "NPS", "csat": "CSAT (% satisfied)", "ces": "CES (mean, 1-7)"}
available = [m for m in NAMES if base.analysis.kpi(m).n] or ["nps"]
c1, c2, c3 = st.columns(3)
metric = c1.selectbox("KPI", available, format_func=NAMES.get)
period, start, end = period_picker(c2, "kpi-period", default="Last 12 months")
segment = segment_picker(c3, "kpi-segment")

headline = base.analysis.kpi(metric, segment, None, start, end)
if headline.n == 0:
    st.info(
        "No survey responses in this selection. Import a survey with a 0-10 score column "
        "(for example 'nps' or 'suositteluhalukkuus') on the Import page."
    )
    st.stop()

st.metric(NAMES[metric], kpi_text(headline))
if metric == "nps":
    st.caption(
        f"{headline.promoters} promoters (9-10), {headline.passives} passives (7-8), "
        f"{headline.detractors} detractors (0-6)."
    )
if headline.small_sample:
    st.warning(
        f"Only {headline.n} responses: below {SMALL_SAMPLE} the figure moves a lot from "
        "one response to the next. Read it with its margin."
    )


def table(rows) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "group": r.group,
                "score": None if r.kpi.score is None else round(r.kpi.score, 1),
                "margin ±": None if r.kpi.margin is None else round(r.kpi.margin, 1),
                "responses": r.kpi.n,
                "small sample": r.kpi.small_sample,
            }
            for r in rows
        ]
    )


def chart(frame: pd.DataFrame, by: str, line: bool) -> alt.Chart:
    frame = frame.assign(
        low=frame["score"] - frame["margin ±"], high=frame["score"] + frame["margin ±"]
    )
    axis = alt.X("group:N", title=None, sort=None if line else "-y")
    points = (
        alt.Chart(frame).mark_line(point=True)
        if line
        else alt.Chart(frame).mark_point(filled=True, size=80)
    )
    bars = (
        alt.Chart(frame)
        .mark_errorbar()
        .encode(x=axis, y=alt.Y("low:Q", title=NAMES[metric]), y2="high:Q")
    )
    return bars + points.encode(
        x=axis, y="score:Q", tooltip=["group", "score", "margin ±", "responses"]
    )


tabs = st.tabs(["By month", "By segment", "By touchpoint"])
for tab, by in zip(tabs, ("month", "segment", "touchpoint"), strict=True):
    with tab:
        rows = base.analysis.kpi_by(
            metric, by, segment=segment if by != "segment" else None, start=start, end=end
        )
        frame = table(rows)
        if frame.empty:
            st.caption("No responses.")
            continue
        st.altair_chart(chart(frame, by, line=by == "month"), width="stretch")
        st.dataframe(frame.rename(columns={"group": by}), hide_index=True, width="stretch")
        small = frame[frame["small sample"]]
        if len(small):
            st.caption(
                f"{len(small)} groups have fewer than {SMALL_SAMPLE} responses: their "
                "figures are uncertain."
            )
        st.download_button(
            "Download CSV",
            csv_text(frame.rename(columns={"group": by})),
            file_name=f"{metric}-by-{by}.csv",
            mime="text/csv",
            key=f"csv-{by}",
        )
