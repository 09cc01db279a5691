"""KPIs: NPS (and CSAT / CES when surveys hold them) by segment, touchpoint and month, with
response counts, 95 % margins of error, small-sample warnings, charts and CSV export."""

import altair as alt
import pandas as pd
import streamlit as st

from insights.rules.kpis import SMALL_SAMPLE
from language.text import csv_text
from views.common import kb, kpi_text, period_picker, segment_picker
from views.i18n import N_, _, ui
from views.tables import table as show_table

base = kb()
st.title(_("Customer KPIs"))
NAMES = {"nps": N_("NPS"), "csat": N_("CSAT (% satisfied)"), "ces": N_("CES (mean, 1-7)")}
available = [m for m in NAMES if base.analysis.kpi(m).n] or ["nps"]
names = {m: _(name) for m, name in NAMES.items()}
c1, c2, c3 = st.columns(3)
metric = c1.selectbox(_("KPI"), available, format_func=lambda m: names[m])
period, start, end = period_picker(c2, "kpi-period", default="Last 12 months")
segment = segment_picker(c3, "kpi-segment")

headline = base.analysis.kpi(metric, segment, None, start, end)
if headline.n == 0:
    st.info(
        _(
            "No survey responses in this selection. Import a survey with a 0-10 score column "
            "(for example 'nps' or 'suositteluhalukkuus') on the Import page."
        )
    )
    st.stop()

st.metric(_(NAMES[metric]), kpi_text(headline))
if metric == "nps":
    st.caption(
        _(
            "{promoters} promoters (9-10), {passives} passives (7-8), {detractors} detractors "
            "(0-6).",
            promoters=ui().number(headline.promoters),
            passives=ui().number(headline.passives),
            detractors=ui().number(headline.detractors),
        )
    )
if headline.small_sample:
    st.warning(
        _(
            "Only {n} responses: below {small} the figure moves a lot from one response to "
            "the next. Read it with its margin.",
            n=ui().number(headline.n),
            small=ui().number(SMALL_SAMPLE),
        )
    )


# The table's columns as people read them (the frame keeps the English names as keys).
HEADERS = {
    "group": _("group"),
    "score": _("score"),
    "margin ±": _("margin ±"),
    "responses": _("responses"),
    "small sample": _("small sample"),
}
GROUPS = {"month": N_("month"), "segment": N_("segment"), "touchpoint": N_("touchpoint")}


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
        .encode(x=axis, y=alt.Y("low:Q", title=_(NAMES[metric])), y2="high:Q")
    )
    return bars + points.encode(
        x=axis,
        y="score:Q",
        tooltip=[alt.Tooltip(f"{name}:N", title=HEADERS[name]) for name in HEADERS],
    )


tabs = st.tabs([_("By month"), _("By segment"), _("By touchpoint")])
for tab, by in zip(tabs, ("month", "segment", "touchpoint"), strict=True):
    with tab:
        rows = base.analysis.kpi_by(
            metric, by, segment=segment if by != "segment" else None, start=start, end=end
        )
        frame = table(rows)
        if frame.empty:
            st.caption(_("No responses."))
            continue
        st.altair_chart(chart(frame, by, line=by == "month"), width="stretch")
        shown = frame.rename(columns={**HEADERS, "group": _(GROUPS[by])})
        show_table(shown, width="stretch")
        small = frame[frame["small sample"]]
        if len(small):
            st.caption(
                ui().plural(
                    "{count} group has fewer than {small} responses: its figure is uncertain.",
                    "{count} groups have fewer than {small} responses: their figures are "
                    "uncertain.",
                    len(small),
                    small=ui().number(SMALL_SAMPLE),
                )
            )
        st.download_button(
            _("Download CSV"),
            csv_text(shown),
            file_name=f"{metric}-by-{by}.csv",
            mime="text/csv",
            key=f"csv-{by}",
        )
