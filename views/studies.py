"""Studies: create one, list them, see a study's findings."""

import streamlit as st

from insights import OivallusError
from language.text import escape_markdown
from views.common import (
    PAGE_SIZE,
    card_heading,
    display_name,
    kb,
    open_link,
)
from views.i18n import _, error_text, ui

base = kb()
st.title(_("Studies"))

with st.expander(_("New study"), expanded=False), st.form("new_study", clear_on_submit=True):
    title = st.text_input(_("Title *"))
    c1, c2 = st.columns(2)
    method = c1.text_input(_("Method"), placeholder=_("interviews, survey, usability test…"))
    owner = c2.text_input(_("Owner"), value=display_name() or "")
    c1, c2 = st.columns(2)
    started = c1.date_input(_("Started"), value=None, format=ui().date_input_format)
    ended = c2.date_input(_("Ended"), value=None, format=ui().date_input_format)
    description = st.text_area(_("Description"))
    if st.form_submit_button(_("Create study"), type="primary"):
        try:
            created = base.catalog.create_study(
                {
                    "title": title,
                    "method": method or None,
                    "owner": owner or None,
                    "started_on": started,
                    "ended_on": ended,
                    "description": description or None,
                }
            )
            st.success(_("Created study “{title}”.", title=escape_markdown(created.title)))
        except OivallusError as error:  # bad input, or a role that may not
            st.error(error_text(error))

studies = base.catalog.studies()
if not studies:
    st.info(_("No studies yet. Create the first one above."))
    st.stop()

labels = {
    _(
        "{title} ({insights})",
        title=s.title,
        insights=ui().plural("{count} insight", "{count} insights", s.insight_count),
    ): s
    for s in studies
}
choice = st.selectbox(_("Study"), list(labels))
study = labels[choice]
with st.container(border=True):
    st.subheader(escape_markdown(study.title), anchor=False)
    facts = [
        study.method,
        study.owner,
        " – ".join(ui().day(d) for d in (study.started_on, study.ended_on) if d),
    ]
    st.caption(escape_markdown(" · ".join(f for f in facts if f)))
    if study.description:
        st.text(study.description)

page = st.number_input(_("Page"), min_value=1, value=1, step=1, key=f"study_page_{study.id}")
findings, total = base.catalog.study_insights(
    study.id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
)
st.caption(ui().plural("{count} finding", "{count} findings", total))
for insight in findings:
    with st.container(border=True):
        left, right = st.columns([6, 1])
        card_heading(left, insight)
        with right:
            open_link(insight.id)
