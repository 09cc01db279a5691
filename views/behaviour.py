"""Behaviour: import what customers do (metrics over time, purchases, churn), define each
metric once, see it over time by segment or touchpoint, and what surveyed customers went on
to do."""

import tempfile
from pathlib import Path

import altair as alt
import pandas as pd
import streamlit as st

from insights import OivallusError
from language.text import escape_markdown
from views.common import attempt, card_heading, kb, may, open_link
from vocabulary.errors import ReadError
from vocabulary.knowledge import SearchFilters

base = kb()
st.title("Behaviour")
st.caption(
    "What customers do, beside what they say: visits, orders, revenue, active and churned "
    "customers, per month, segment, touchpoint and journey stage."
)

KINDS = {
    "metrics": "Metrics over time (date or month, one column per metric)",
    "purchase": "Purchases (customer id, date, amount)",
    "churn": "Churned customers (customer id, date)",
}

if may("researcher"):
    with st.expander("Import a behaviour file", expanded=not base.metrics.definitions()):
        upload = st.file_uploader("CSV, XLSX or JSON", type=["csv", "tsv", "xlsx", "json"])
        kind = st.radio("What is in it", list(KINDS), format_func=KINDS.get, horizontal=False)
        c1, c2 = st.columns(2)
        stages = base.catalog.choices("journey_stage")
        stage = c1.selectbox("Journey stage of rows without one", ["—", *stages])
        segment = c2.text_input("Segment of rows without one")
        st.caption(
            "Customer ids are kept only as a keyed hash: nobody sees them, and survey answers "
            "with the same id join them."
        )
        if upload is not None and st.button("Import", type="primary"):
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / Path(upload.name).name
                path.write_bytes(upload.getvalue())
                try:
                    report = base.metrics.import_file(
                        path,
                        kind=kind,
                        name=upload.name,
                        segment=segment.strip() or None,
                        journey_stage=None if stage == "—" else stage,
                    )
                except (ReadError, OivallusError, OSError) as error:
                    st.error(
                        f"{escape_markdown(upload.name)} was not imported: "
                        f"{escape_markdown(str(error))}"
                    )
                else:
                    what = ", ".join(report.metrics) or KINDS[kind].split(" (")[0].lower()
                    st.success(
                        f"{escape_markdown(report.file)}: {report.stored} values stored from "
                        f"{report.rows} rows ({escape_markdown(what)}), "
                        f"{len(report.rejected)} rejected. Undo it on the Import page."
                    )
                    for row in report.rejected[:10]:
                        st.caption(f"Line {row.line}: {escape_markdown(row.reason)}")
                    if len(report.rejected) > 10:
                        st.caption(f"… and {len(report.rejected) - 10:,} more rejected rows.")

definitions = base.metrics.definitions()
if not definitions:
    st.info("No metrics yet: import a file of metrics over time to begin.")
    st.stop()

st.subheader("Metrics", anchor=False)
frame = pd.DataFrame([d.model_dump() for d in definitions])
if may("researcher"):
    edited = st.data_editor(
        frame,
        key="metric_definitions",
        hide_index=True,
        disabled=["name", "on_overview"] if not may("admin") else ["name"],
        column_config={
            "better": st.column_config.SelectboxColumn("better", options=["higher", "lower"]),
            "target": st.column_config.NumberColumn("target"),
            "on_overview": st.column_config.CheckboxColumn(
                "on Overview", help="Only an admin chooses what everyone sees on the Overview."
            ),
        },
    )
    if st.button("Save the definitions"):
        for before, after in zip(definitions, edited.to_dict("records"), strict=True):
            target = after["target"] if pd.notna(after["target"]) else None
            unit = after["unit"] if isinstance(after["unit"], str) else None
            if (unit, after["better"], target) != (before.unit, before.better, before.target):
                attempt(base.metrics.define, before.name, unit, after["better"], target)
            if bool(after["on_overview"]) != before.on_overview:
                attempt(base.metrics.show_on_overview, before.name, bool(after["on_overview"]))
        st.rerun()
else:
    st.dataframe(frame, hide_index=True)

c1, c2 = st.columns(2)
chosen = c1.selectbox("Metric", [d.name for d in definitions], key="behaviour_metric")
group = c2.selectbox("By", ["all", "segment", "touchpoint", "journey_stage"], key="behaviour_group")
series = base.metrics.monthly(chosen, by=None if group == "all" else group)
rows = [
    {"month": month, "group": name, "value": value}
    for name, points in series.items()
    for month, value in points
]
definition = next(d for d in definitions if d.name == chosen)
if rows:
    data = pd.DataFrame(rows)
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("month:T", title="month"),
            y=alt.Y("value:Q", title=f"{chosen} ({definition.unit or 'per month'})"),
            color=alt.Color("group:N", title=group),
            tooltip=["month:T", "group:N", "value:Q"],
        )
    )
    if definition.target is not None:
        rule = alt.Chart(pd.DataFrame({"target": [definition.target]})).mark_rule(
            strokeDash=[4, 4], color="gray"
        )
        chart = chart + rule.encode(y="target:Q")
    st.altair_chart(chart, width="stretch")
    if group != "all":
        latest = data[data["month"] == data["month"].max()].sort_values("value", ascending=False)
        st.caption(f"Latest month by {group}: the drivers of the total.")
        st.dataframe(latest[["group", "value"]], hide_index=True)
else:
    st.caption("No values for this metric.")

filed, total = base.insights.browse(SearchFilters(tags=[chosen]), limit=5)
questions = [q for q in base.backlog.questions() if chosen in q.tags][:5]
st.markdown(f"**Filed against {escape_markdown(chosen)}** (insights and questions tagged so)")
left, right = st.columns(2)
with left:
    for insight in filed:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id)
    if not filed:
        st.caption(f"No insight is tagged {escape_markdown(chosen)} yet.")
    elif total > len(filed):
        st.caption(f"and {total - len(filed)} more")
with right:
    for question in questions:
        st.page_link(
            "views/backlog.py",
            label=escape_markdown(f"#{question.id} {question.text}"),
            query_params={"question": str(question.id)},
        )
    if not questions:
        st.caption(f"No question is tagged {escape_markdown(chosen)} yet.")

st.subheader("What surveyed customers went on to do", anchor=False)
outcomes = base.metrics.customer_outcomes()
if outcomes.customers == 0:
    st.caption(
        "Import a survey whose file has a customer id column, and purchases or churned "
        "customers with the same ids: churn by NPS group and NPS by purchases appear here."
    )
else:
    ratio = outcomes.detractor_vs_promoter
    if ratio.ratio is not None:
        st.markdown(
            f"**Detractors churned {ratio.ratio:.1f}x as often as promoters** "
            f"(95 % interval {ratio.low:.1f}-{ratio.high:.1f}), over {outcomes.customers} "
            "surveyed customers."
        )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "group": g.group,
                    "customers": g.customers,
                    "churned": g.count,
                    "share %": None if g.share is None else round(100 * g.share, 1),
                    "95 % interval": (
                        "" if g.low is None else f"{100 * g.low:.1f}-{100 * g.high:.1f} %"
                    ),
                }
                for g in outcomes.churn
            ]
        ),
        hide_index=True,
    )
    st.dataframe(
        pd.DataFrame(
            [
                {
                    "purchases": label,
                    "NPS": None if k.score is None else round(k.score, 1),
                    "margin ±": None if k.margin is None else round(k.margin, 1),
                    "customers": k.n,
                }
                for label, k in outcomes.nps_by_purchases.items()
            ]
        ),
        hide_index=True,
    )
