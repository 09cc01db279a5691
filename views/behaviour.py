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
from views.i18n import N_, _, act, error_text, ui
from views.tables import table
from vocabulary.errors import ReadError
from vocabulary.knowledge import SearchFilters

KINDS = {
    "metrics": N_("Metrics over time (date or month, one column per metric)"),
    "purchase": N_("Purchases (customer id, date, amount)"),
    "churn": N_("Churned customers (customer id, date)"),
}
GROUPS = {
    "all": N_("all"),
    "segment": N_("segment"),
    "touchpoint": N_("touchpoint"),
    "journey_stage": N_("journey stage"),
}

base = kb()
words = ui()
st.title(_("Behaviour"))
st.caption(
    _(
        "What customers do, beside what they say: visits, orders, revenue, active and "
        "churned customers, per month, segment, touchpoint and journey stage."
    )
)
kinds = {kind: words.text(label) for kind, label in KINDS.items()}
groups = {group: words.text(label) for group, label in GROUPS.items()}

if may("researcher"):
    with st.expander(_("Import a behaviour file"), expanded=not base.metrics.definitions()):
        upload = st.file_uploader(_("CSV, XLSX or JSON"), type=["csv", "tsv", "xlsx", "json"])
        kind = st.radio(
            _("What is in it"), list(KINDS), format_func=kinds.__getitem__, horizontal=False
        )
        c1, c2 = st.columns(2)
        stages = base.catalog.choices("journey_stage")
        stage = c1.selectbox(_("Journey stage of rows without one"), ["—", *stages])
        segment = c2.text_input(_("Segment of rows without one"))
        st.caption(
            _(
                "Customer ids are kept only as a keyed hash: nobody sees them, and survey "
                "answers with the same id join them."
            )
        )
        if upload is not None and st.button(act("Import"), type="primary"):
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
                        _(
                            "{file} was not imported: {error}",
                            file=escape_markdown(upload.name),
                            error=escape_markdown(error_text(error)),
                        )
                    )
                else:
                    what = ", ".join(report.metrics) or kinds[kind].split(" (")[0].lower()
                    st.success(
                        _(
                            "{file}: {stored} values stored from {rows} rows ({what}), "
                            "{rejected} rejected. Undo it on the Import page.",
                            file=escape_markdown(report.file),
                            stored=words.number(report.stored),
                            rows=words.number(report.rows),
                            what=escape_markdown(what),
                            rejected=words.number(len(report.rejected)),
                        )
                    )
                    for row in report.rejected[:10]:
                        st.caption(
                            _(
                                "Line {line}: {reason}",
                                line=row.line,
                                reason=escape_markdown(
                                    error_text(row.message) if row.message else row.reason
                                ),
                            )
                        )
                    if len(report.rejected) > 10:
                        more = words.number(len(report.rejected) - 10)
                        st.caption(_("… and {count} more rejected rows.", count=more))

definitions = base.metrics.definitions()
if not definitions:
    st.info(_("No metrics yet: import a file of metrics over time to begin."))
    st.stop()

st.subheader(_("Metrics"), anchor=False)
frame = pd.DataFrame([d.model_dump() for d in definitions])
frame["target"] = pd.to_numeric(frame["target"], errors="coerce")  # a missing one empty, not None
better_words = {"higher": _("higher"), "lower": _("lower")}
if may("researcher"):
    edited = st.data_editor(
        frame,
        key="metric_definitions",
        hide_index=True,
        disabled=["name", "on_overview"] if not may("admin") else ["name"],
        column_config={
            "name": st.column_config.TextColumn(_("name")),
            "unit": st.column_config.TextColumn(_("unit")),
            "better": st.column_config.SelectboxColumn(
                _("better"), options=["higher", "lower"], format_func=better_words.__getitem__
            ),
            "target": st.column_config.NumberColumn(_("target"), format="localized"),
            "on_overview": st.column_config.CheckboxColumn(
                _("on Overview"),
                help=_("Only an admin chooses what everyone sees on the Overview."),
            ),
        },
    )
    if st.button(_("Save the definitions")):
        for before, after in zip(definitions, edited.to_dict("records"), strict=True):
            target = after["target"] if pd.notna(after["target"]) else None
            unit = after["unit"] if isinstance(after["unit"], str) else None
            if (unit, after["better"], target) != (before.unit, before.better, before.target):
                attempt(base.metrics.define, before.name, unit, after["better"], target)
            if bool(after["on_overview"]) != before.on_overview:
                attempt(base.metrics.show_on_overview, before.name, bool(after["on_overview"]))
        st.rerun()
else:
    table(frame)

c1, c2 = st.columns(2)
chosen = c1.selectbox(_("Metric"), [d.name for d in definitions], key="behaviour_metric")
group = c2.selectbox(_("By"), list(GROUPS), key="behaviour_group", format_func=groups.__getitem__)
series = base.metrics.monthly(chosen, by=None if group == "all" else group)
rows = [
    {"month": month, "group": name, "value": value}
    for name, points in series.items()
    for month, value in points
]
definition = next(d for d in definitions if d.name == chosen)
if rows:
    unit = definition.unit or _("per month")
    data = pd.DataFrame(rows)
    data["named"] = [words.month(month) for month in data["month"]]  # joulukuu 2026
    in_time_order = alt.EncodingSortField(field="month", op="min")
    chart = (
        alt.Chart(data)
        .mark_line(point=True)
        .encode(
            x=alt.X("named:O", title=_("month"), sort=in_time_order),
            y=alt.Y(
                "value:Q",
                title=f"{chosen} ({unit})",
                axis=alt.Axis(labelExpr=words.chart_numbers()),
            ),
            color=alt.Color("group:N", title=groups[group]),
            tooltip=[
                alt.Tooltip("named:N", title=_("month")),
                alt.Tooltip("group:N", title=groups[group]),
                alt.Tooltip("value:Q", title=_("value")),
            ],
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
        st.caption(_("Latest month by {group}: the drivers of the total.", group=groups[group]))
        shown = latest[["group", "value"]].rename(
            columns={"group": groups[group], "value": _("value")}
        )
        table(shown)
else:
    st.caption(_("No values for this metric."))

filed, total = base.insights.browse(SearchFilters(tags=[chosen]), limit=5)
questions = [q for q in base.backlog.questions() if chosen in q.tags][:5]
st.markdown(
    _(
        "**Filed against {metric}** (insights and questions tagged so)",
        metric=escape_markdown(chosen),
    )
)
left, right = st.columns(2)
with left:
    for insight in filed:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id)
    if not filed:
        st.caption(_("No insight is tagged {metric} yet.", metric=escape_markdown(chosen)))
    elif total > len(filed):
        st.caption(_("and {count} more", count=words.number(total - len(filed))))
with right:
    for question in questions:
        st.page_link(
            "views/backlog.py",
            label=escape_markdown(f"#{question.id} {question.text}"),
            query_params={"question": str(question.id)},
        )
    if not questions:
        st.caption(_("No question is tagged {metric} yet.", metric=escape_markdown(chosen)))

st.subheader(_("What surveyed customers went on to do"), anchor=False)
outcomes = base.metrics.customer_outcomes()
if outcomes.customers == 0:
    st.caption(
        _(
            "Import a survey whose file has a customer id column, and purchases or churned "
            "customers with the same ids: churn by NPS group and NPS by purchases appear here."
        )
    )
else:
    ratio = outcomes.detractor_vs_promoter
    if ratio.ratio is not None:
        st.markdown(
            _(
                "**Detractors churned {ratio}x as often as promoters** (95 % interval "
                "{low}-{high}), over {customers} surveyed customers.",
                ratio=words.number(ratio.ratio, 1),
                low=words.number(ratio.low, 1),
                high=words.number(ratio.high, 1),
                customers=words.number(outcomes.customers),
            )
        )
    table(
        pd.DataFrame(
            [
                {
                    _("group"): g.group,
                    _("customers"): g.customers,
                    _("churned"): g.count,
                    _("share %"): None if g.share is None else round(100 * g.share, 1),
                    _("95 % interval"): (
                        ""
                        if g.low is None
                        else f"{words.percent(g.low, 1)} – {words.percent(g.high, 1)}"
                    ),
                }
                for g in outcomes.churn
            ]
        ),
    )
    table(
        pd.DataFrame(
            [
                {
                    _("purchases"): label,
                    "NPS": None if k.score is None else round(k.score, 1),
                    _("margin ±"): None if k.margin is None else round(k.margin, 1),
                    _("customers"): k.n,
                }
                for label, k in outcomes.nps_by_purchases.items()
            ]
        ),
    )
