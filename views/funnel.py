"""The journey as a funnel: how many customers reach each stage and go on to the next, the
largest drop highlighted beside what customers say there and the open questions about it."""

import altair as alt
import pandas as pd
import streamlit as st

from language.text import escape_markdown
from views.common import card_heading, kb, open_link, period_picker, segment_picker
from views.i18n import _, ui
from views.tables import table
from vocabulary.knowledge import SearchFilters

base = kb()
st.title(_("Funnel"))
candidates = base.metrics.funnel_metrics()
if not candidates:
    st.info(
        _(
            "No behavioural data by journey stage yet. On the Behaviour page, import a "
            "metrics file with a journey stage column (for example customers per stage and "
            "month)."
        )
    )
    st.stop()

c1, c2, c3 = st.columns(3)
metric = c1.selectbox(_("Metric"), candidates, key="funnel_metric")
_period, start, end = period_picker(c2, "funnel-period", default="All time")
segment = segment_picker(c3, "funnel-segment")
funnel = base.metrics.funnel(metric, segment, start, end)

rows = [
    {
        "stage": s.stage,
        "order": n,
        "reached": s.reached,
        "goes on %": None if s.next_share is None else round(100 * s.next_share, 1),
        "drop %": None if s.drop is None else round(100 * s.drop, 1),
        "largest drop": s.stage == funnel.largest_drop,
    }
    for n, s in enumerate(funnel.stages)
]
frame = pd.DataFrame(rows)
HEADERS = {
    "stage": _("stage"),
    "reached": _("reached"),
    "goes on %": _("goes on %"),
    "drop %": _("drop %"),
    "largest drop": _("largest drop"),
}
TOOLTIP = ("stage", "reached", "goes on %", "drop %")
with_data = frame.dropna(subset=["reached"])
chart = (
    alt.Chart(with_data)
    .mark_bar()
    .encode(
        y=alt.Y("stage:N", sort=alt.SortField("order"), title=None),
        x=alt.X(
            "reached:Q",
            title=_("{metric} reaching the stage", metric=metric),
            axis=alt.Axis(labelExpr=ui().chart_numbers()),
        ),
        color=alt.condition(alt.datum["largest drop"], alt.value("#d62728"), alt.value("#4c78a8")),
        tooltip=[alt.Tooltip(f"{name}:N", title=HEADERS[name]) for name in TOOLTIP],
    )
    .properties(height=36 * max(len(with_data), 1))
)
st.altair_chart(chart, width="stretch")
missing = [s.stage for s in funnel.stages if s.reached is None]
if missing:
    st.caption(_("No data for: {stages}.", stages=", ".join(escape_markdown(s) for s in missing)))
table(frame.drop(columns=["order"]).rename(columns=HEADERS))

if funnel.largest_drop is None:
    st.caption(_("No drop between stages with data."))
    st.stop()
worst = next(s for s in funnel.stages if s.stage == funnel.largest_drop)
heading = _(
    "Where they leave: after {stage} ({share} do not go on)",
    stage=funnel.largest_drop,
    share=ui().percent(worst.drop or 0),
)
st.subheader(escape_markdown(heading), anchor=False)
st.page_link(
    "views/brief.py",
    label=escape_markdown(_("Brief of the stage {stage}", stage=funnel.largest_drop)),
    icon=":material/summarize:",
    query_params={"brief": f"stage:{funnel.largest_drop}"},
)
left, right = st.columns([3, 2], gap="large")
with left:
    st.markdown(
        ui().plural(
            "**What they say there** ({count} negative insight)",
            "**What they say there** ({count} negative insights)",
            worst.negative_insights,
        )
    )
    filters = SearchFilters(
        journey_stage=[funnel.largest_drop],
        sentiment=["negative"],
        segment=[segment] if segment else [],
    )
    for insight in base.insights.browse(filters, limit=5)[0]:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id)
    if not worst.negative_insights:
        st.caption(_("No negative insights at this stage yet."))
with right:
    st.markdown(_("**Open questions about it**"))
    questions = base.backlog.questions(worst.open_questions[:5])
    for question in questions:
        st.page_link(
            "views/backlog.py",
            label=escape_markdown(f"#{question.id} {question.text}"),
            query_params={"question": str(question.id)},
        )
    if not questions:
        st.caption(_("No open question has evidence at this stage."))
