"""Journey map: insights per journey stage and segment as a heat map of counts and negative
share; where negative feedback concentrates is called out; click a cell to read its insights.
The stages and their order are editable."""

import altair as alt
import pandas as pd
import streamlit as st

from insights.errors import OivallusError
from insights.models import SearchFilters
from insights.text import escape_markdown
from pages.common import card_heading, kb, open_link, period_picker, routed

routed("journey")

base = kb()
st.title("Customer journey")
c1, _ = st.columns(2)
_, start, end = period_picker(c1, "journey-period", default="All time")
journey = base.journey(start, end)

if not journey.cells:
    st.info("No insight has a journey stage yet. Give insights a stage when adding or importing.")
else:
    frame = pd.DataFrame([{**c.model_dump(), "negative share": round(c.negative_share, 2)}
                          for c in journey.cells])  # fmt: skip
    pick = alt.selection_point(fields=["stage", "segment"], name="cell")
    base_chart = alt.Chart(frame).encode(
        x=alt.X("stage:N", sort=journey.stages, title=None, axis=alt.Axis(labelAngle=0)),
        y=alt.Y("segment:N", sort=journey.segments, title=None),
    )
    heat = base_chart.mark_rect().encode(
        color=alt.Color("negative share:Q", scale=alt.Scale(scheme="reds", domain=[0, 1]),
                        title="negative"),
        opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
        tooltip=["stage", "segment", "insights", "negative", "negative share"],
    ).add_params(pick)  # fmt: skip
    counts = base_chart.mark_text(fontSize=13).encode(text="insights:Q")
    chart = (heat + counts).properties(height=max(180, 56 * len(journey.segments)))
    event = st.altair_chart(chart, on_select="rerun", key="journey-map", width="stretch")
    st.caption("Colour: share of the cell's insights that are negative. Number: insights. "
               "Click a cell to read them.")  # fmt: skip

    for cell in journey.hotspots:
        st.warning(f"**{escape_markdown(cell.stage)} · {escape_markdown(cell.segment)}**: "
                   f"{cell.negative} of {cell.insights} insights negative "
                   f"({cell.negative_share:.0%}) — customers may be leaving the path here.")  # fmt: skip

    chosen = (event.selection.get("cell") or [{}])[0] if event else {}
    c1, c2 = st.columns(2)
    stage = c1.selectbox("Stage", journey.stages,
                         index=journey.stages.index(chosen["stage"]) if chosen.get("stage")
                         in journey.stages else 0)  # fmt: skip
    segment = c2.selectbox("Segment", journey.segments,
                           index=journey.segments.index(chosen["segment"]) if chosen.get("segment")
                           in journey.segments else 0)  # fmt: skip
    filters = SearchFilters(journey_stage=[stage],
                            segment=None if segment == "(none)" else [segment])  # fmt: skip
    found, total = base.browse(filters, limit=20)
    st.subheader(escape_markdown(f"{total} insights at {stage} · {segment}"), anchor=False)
    for insight in found:
        with st.container(border=True):
            card_heading(st, insight)
            st.markdown(escape_markdown(insight.text[:400]))
            open_link(insight.id)

with st.expander("Edit the journey stages"):
    current = base.choices("journey_stage")
    stages = pd.DataFrame({"order": range(1, len(current) + 1), "stage": current})
    edited = st.data_editor(stages, num_rows="dynamic", hide_index=True, key="stages",
                            column_config={"stage": st.column_config.TextColumn(required=True),
                                           "order": st.column_config.NumberColumn(step=1)})  # fmt: skip
    st.caption("Change the order numbers to reorder; add or delete rows; edit a name to rename "
               "the stage (its insights move with it).")  # fmt: skip
    if st.button("Save stages"):
        rows = edited.dropna(subset=["stage"])
        rows = rows[rows["stage"].astype(str).str.strip() != ""]
        new = rows.sort_values("order", kind="stable")["stage"].astype(str).tolist()
        # rows keep their index in the editor: an edited name at a known index is a rename
        renames = {current[i]: str(rows.loc[i, "stage"]) for i in rows.index
                   if i < len(current) and rows.loc[i, "stage"] != current[i]}  # fmt: skip
        try:
            base.set_choices("journey_stage", new, renames=renames)
            st.rerun()
        except OivallusError as error:
            st.error(str(error))
