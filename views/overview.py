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
from views.i18n import N_, _, ui
from vocabulary.knowledge import SearchFilters

base = kb()
words = ui()
st.title(_("Overview"))
c1, c2 = st.columns(2)
period, start, end = period_picker(c1, "overview-period")
segment = segment_picker(c2, "overview-segment")
if segment:
    follow_toggle("segment", segment)

NAMES = {"nps": N_("NPS"), "csat": N_("CSAT %"), "ces": N_("CES (1-7)")}
BEFORE = {  # the period before each choice of the period picker
    "Last 30 days": N_("the 30 days before"),
    "Last 90 days": N_("the 90 days before"),
    "Last 12 months": N_("the 12 months before"),
}


def signed(value: float, digits: int) -> str:
    """A change with its sign: +3, -1,5 (never +0)."""
    shown = words.number(value, digits)
    return f"+{shown}" if round(value, digits) > 0 else shown


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
        words.plural(
            "{count} response, 95 % margin ± {margin}",
            "{count} responses, 95 % margin ± {margin}",
            kpi.n,
            margin=words.number(kpi.margin, digits),
        )
        if kpi.n
        else _("No responses")
    )
    if change is not None and delta is not None:
        help_text += ". " + _(
            "Change against {before}: {change} ± {margin} ({verdict})",
            before=_(BEFORE[period]),
            change=signed(delta, digits),
            margin=words.number(change.margin, digits),
            verdict=_("larger than its margin") if change.significant else _("within the margin"),
        )
    columns[shown].metric(
        _(name),
        "—" if kpi.score is None else words.number(kpi.score, digits),
        delta=None if delta is None else signed(delta, digits),
        help=help_text,
    )
    if kpi.n:
        columns[shown].caption(
            f"n = {words.number(kpi.n)} · ± {words.number(kpi.margin, digits)}"
            + (" · " + _("small sample") if kpi.n < SMALL_SAMPLE else "")
        )
    shown += 1
columns[shown].metric(_("Insights"), words.number(base.count()))


def number(value: float) -> str:
    """A metric value as people read it: 12 345, 0,84 (three significant digits below 100)."""
    if abs(value) >= 100:
        return words.number(value, 0)
    return words.number(float(f"{value:.3g}"))


tiles = base.metrics.tiles()  # the metrics an admin chose for everyone (Behaviour page)
for row in range(0, len(tiles), 4):
    for column, tile in zip(st.columns(4), tiles[row : row + 4], strict=False):
        if tile.value is None:
            column.metric(escape_markdown(tile.metric), "—", help=_("No values yet."))
            continue
        delta = None if tile.previous is None else tile.value - tile.previous
        interval = (
            " "
            + _(
                "95 % interval {low}-{high} (a count).",
                low=number(tile.low),
                high=number(tile.high),
            )
            if tile.low is not None and tile.high is not None
            else ""
        )
        column.metric(
            escape_markdown(f"{tile.metric} ({words.month(tile.month)})"),
            escape_markdown(number(tile.value) + (f" {tile.unit}" if tile.unit else "")),
            delta=None if delta is None else ("+" if delta > 0 else "") + number(delta),
            delta_color="normal" if tile.better == "higher" else "inverse",
            chart_data=tile.trend,
            chart_type="line",
            help=_("Change against the month before; the line is the last 12 months.") + interval,
        )
        if tile.target is not None:
            verdict = _("on target") if tile.on_target else _("off target")
            column.caption(
                _("target {target} · {verdict}", target=number(tile.target), verdict=verdict)
            )

left, right = st.columns([3, 2], gap="large")
with left:
    heading, mine_column = st.columns([3, 1], vertical_alignment="bottom")
    heading.subheader(_("Newest insights"), anchor=False)
    mine = mine_column.toggle(
        _("Mine"), key="overview_mine", help=_("Only insights you are the author of.")
    )
    if mine:
        newest = base.insights.browse(
            SearchFilters(author=my_names(), segment=[segment] if segment else []), limit=6
        )[0]
    else:
        newest = base.insights.newest(6, segment)
    if not newest:
        st.caption(
            _("Nothing of yours yet: add an observation.")
            if mine
            else _("Nothing yet: add an observation or import a file.")
        )
    for insight in newest:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id)

with right:
    # Each theme and question in full (a link's label is cut to one line in a narrow column):
    # its name wraps as text, the link under it opens it.
    st.subheader(_("Rising themes"), anchor=False)
    trends = base.themes.theme_trends("month")
    rising = [t for t in trends if t.trend == "rising"][:5]
    if not base.themes.themes_computed():
        st.caption(_("Themes are not computed yet: open Themes and recompute."))
    for trend in rising or trends[:3]:
        with st.container(border=True):
            icon = ":material/trending_up:" if trend.trend == "rising" else ":material/hub:"
            st.markdown(f"{icon} **{escape_markdown(trend.label)}**")
            st.caption(
                words.plural(
                    "{count} insight in {month} (usually {usual} a month)",
                    "{count} insights in {month} (usually {usual} a month)",
                    trend.current,
                    month=words.month(trend.periods[-1]),
                    usual=words.number(trend.baseline, 1),
                )
            )
            st.page_link(
                "views/themes.py",
                label=_("Open the theme"),
                icon=":material/open_in_new:",
                query_params={"theme": str(trend.theme_id)},
            )
    if trends and not rising:
        st.caption(_("No theme is rising in the latest month; the largest are shown."))

    st.subheader(_("Questions with new evidence"), anchor=False)
    waiting = base.backlog.questions_with_new_evidence()
    if not waiting:
        st.caption(_("No open question has new evidence to review."))
    for question in waiting[:5]:
        with st.container(border=True):
            icon = ":material/help:"
            st.markdown(f"{icon} {escape_markdown(question.text)}")
            st.caption(
                words.plural(
                    "{count} new piece of evidence",
                    "{count} new pieces of evidence",
                    question.new_evidence,
                )
            )
            st.page_link(
                "views/backlog.py",
                label=_("Open the question"),
                icon=":material/open_in_new:",
                query_params={"question": str(question.id)},
            )
