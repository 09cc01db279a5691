"""Journey map: insights per journey stage and segment as a heat map of counts and negative
share; where negative feedback concentrates is called out; click a cell to read its insights.
The stages and their order are editable."""

import altair as alt
import pandas as pd
import streamlit as st

from language.text import escape_markdown
from views.common import kb, open_link, period_picker, text_card
from views.i18n import _, error_text, ui
from vocabulary.errors import OivallusError
from vocabulary.knowledge import SearchFilters

base = kb()
st.title(_("Customer journey"))
c1, c2 = st.columns(2)
_period, start, end = period_picker(c1, "journey-period", default="All time")
ROWS = {_("Segments"): "segment", _("Tags"): "tag"}  # the words as options
by = ROWS[c2.radio(_("Rows"), list(ROWS), horizontal=True, key="journey-rows")]
journey = base.analysis.journey(start, end, by)
row_label = _("Tag") if by == "tag" else _("Segment")

if not journey.cells:
    st.info(
        _(
            "No insight has a journey stage yet. Give insights a stage when adding or "
            "importing (one stage for a whole file, or a stage column), or select search "
            "results and set their stage on the Search page; an insight's page suggests a "
            "stage from similar insights."
        )
    )
    st.caption(_("Stages: {stages}", stages=escape_markdown(" → ".join(journey.stages))))
else:
    counted = {(c.stage, c.segment): c for c in journey.cells}
    rows = []
    for stage_name in journey.stages:  # every stage, also those without insights yet
        for segment_name in journey.segments:
            cell = counted.get((stage_name, segment_name))
            insights, negative = (cell.insights, cell.negative) if cell else (0, 0)
            rows.append(
                {
                    "stage": stage_name,
                    "segment": segment_name,
                    "insights": insights,
                    "negative": negative,
                    "negative share": round(negative / insights, 2) if insights else 0.0,
                }
            )
    frame = pd.DataFrame(rows)
    pick = alt.selection_point(fields=["stage", "segment"], name="cell")
    base_chart = alt.Chart(frame).encode(
        x=alt.X(
            "stage:N",
            sort=journey.stages,
            scale=alt.Scale(domain=journey.stages),
            title=None,
            axis=alt.Axis(labelAngle=0, labelLimit=160),
        ),
        y=alt.Y("segment:N", sort=journey.segments, title=None),
    )
    heat = (
        base_chart.mark_rect(stroke="white", strokeWidth=2)
        .encode(
            color=alt.condition(
                alt.datum.insights == 0,
                alt.value("#f3f4f6"),
                alt.Color(
                    "negative share:Q",
                    scale=alt.Scale(scheme="reds", domain=[0, 1]),
                    title=_("negative insights"),
                ),
            ),
            opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)),
            tooltip=[
                alt.Tooltip("stage:N", title=_("stage")),
                alt.Tooltip("segment:N", title=_("tag") if by == "tag" else _("segment")),
                alt.Tooltip("insights:Q", title=_("insights")),
                alt.Tooltip("negative:Q", title=_("negative insights")),
                alt.Tooltip("negative share:Q", title=_("negative share"), format=".0%"),
            ],
        )
        .add_params(pick)
    )
    # Dark red cells get white numbers: black on dark red could not be read.
    counts = base_chart.mark_text(fontSize=14, fontWeight="bold").encode(
        text="insights:Q",
        color=alt.condition(
            alt.datum["negative share"] > 0.55, alt.value("white"), alt.value("#1f2937")
        ),
    )
    chart = (heat + counts).properties(height=max(180, 56 * len(journey.segments)))
    event = st.altair_chart(chart, on_select="rerun", key="journey-map", width="stretch")
    st.caption(
        _(
            "Colour: share of the cell's insights that are negative (grey: none yet). "
            "Number: insights. Click a cell to read them."
        )
    )

    for cell in journey.hotspots:
        st.warning(
            ui().plural(
                "**{stage} · {segment}**: {negative} of {count} insight negative ({share}) — "
                "customers may be leaving the path here.",
                "**{stage} · {segment}**: {negative} of {count} insights negative ({share}) — "
                "customers may be leaving the path here.",
                cell.insights,
                stage=escape_markdown(cell.stage),
                segment=escape_markdown(cell.segment),
                negative=ui().number(cell.negative),
                share=ui().percent(cell.negative_share),
            )
        )

    # Open on the worst cell (the first hotspot), else the fullest: never on an empty one.
    worst = (journey.hotspots or sorted(journey.cells, key=lambda c: -c.insights))[0]
    chosen = (event.selection.get("cell") or [{}])[0] if event else {}
    chosen_stage = chosen.get("stage") if chosen.get("stage") in journey.stages else worst.stage
    chosen_segment = (
        chosen.get("segment") if chosen.get("segment") in journey.segments else worst.segment
    )
    c1, c2 = st.columns(2)
    stage = c1.selectbox(_("Stage"), journey.stages, index=journey.stages.index(chosen_stage))
    segment = c2.selectbox(
        row_label, journey.segments, index=journey.segments.index(chosen_segment)
    )
    if by == "tag":
        filters = SearchFilters(journey_stage=[stage], tags=[segment])
    else:
        filters = SearchFilters(journey_stage=[stage], segment=[segment])
    found, total = base.insights.browse(filters, limit=20)
    heading = ui().plural(
        "{count} insight at {stage} · {segment}",
        "{count} insights at {stage} · {segment}",
        total,
        stage=stage,
        segment=segment,
    )
    st.subheader(escape_markdown(heading), anchor=False)
    if not total:
        st.caption(_("No insight here yet."))
    else:
        b1, b2 = st.columns(2)
        b1.page_link(
            "views/brief.py",
            label=escape_markdown(_("Brief of the stage {stage}", stage=stage)),
            icon=":material/summarize:",
            query_params={"brief": f"stage:{stage}"},
        )
        if by == "segment" and segment != "(none)":
            b2.page_link(
                "views/brief.py",
                label=escape_markdown(_("Brief of the segment {segment}", segment=segment)),
                icon=":material/summarize:",
                query_params={"brief": f"segment:{segment}"},
            )
    for insight in found:
        with st.container(border=True):
            text_card(insight)
            open_link(insight.id)

with st.expander(_("Edit the journey stages")):
    current = base.catalog.choices("journey_stage")
    stages = pd.DataFrame({"order": range(1, len(current) + 1), "stage": current})
    edited = st.data_editor(
        stages,
        num_rows="dynamic",
        hide_index=True,
        key="stages",
        column_config={
            "stage": st.column_config.TextColumn(_("stage"), required=True),
            "order": st.column_config.NumberColumn(_("order"), step=1),
        },
    )
    st.caption(
        _(
            "Change the order numbers to reorder; add or delete rows; edit a name to rename "
            "the stage (its insights move with it)."
        )
    )
    if st.button(_("Save stages")):
        rows = edited.dropna(subset=["stage"])
        rows = rows[rows["stage"].astype(str).str.strip() != ""]
        new = rows.sort_values("order", kind="stable")["stage"].astype(str).tolist()
        # rows keep their index in the editor: an edited name at a known index is a rename
        renames = {
            current[i]: str(rows.loc[i, "stage"])
            for i in rows.index
            if i < len(current) and rows.loc[i, "stage"] != current[i]
        }
        try:
            base.catalog.set_choices("journey_stage", new, renames=renames)
            st.rerun()
        except OivallusError as error:
            st.error(error_text(error))
