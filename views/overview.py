"""Overview (an admin's home unless another is chosen): headline KPIs with their change and
margin, the newest insights, rising themes and open questions with new evidence, for a period
and a segment."""

import streamlit as st

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
from views.i18n import _, ui
from views.tiles import kpi_tiles, metric_tiles, questions_with_new_evidence
from vocabulary.knowledge import SearchFilters

base = kb()
words = ui()
st.title(_("Overview"))
c1, c2 = st.columns(2)
period, start, end = period_picker(c1, "overview-period")
segment = segment_picker(c2, "overview-segment")
if segment:
    follow_toggle("segment", segment)

kpi_tiles(period, start, end, segment, insights=base.count())
metric_tiles()

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
    questions_with_new_evidence(5, _("Open the question"), ":material/open_in_new:")
