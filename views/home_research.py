"""What's new, a researcher's home: insights no link has joined yet, open questions with new
evidence to review and the latest imports, each with a link to act on it."""

import streamlit as st

from views.common import card_heading, kb, open_link
from views.i18n import _, ui
from views.import_report import import_line
from views.tiles import questions_with_new_evidence

SHOWN = 5  # of each list

base = kb()
words = ui()
st.title(_("What's new"))
st.caption(_("What waits for a researcher: link new insights, review evidence, check imports."))

left, right = st.columns([3, 2], gap="large")
with left:
    st.subheader(_("Insights with no link yet"), anchor=False)
    alone, total = base.insights.unlinked(SHOWN)
    if not alone:
        st.caption(_("Every insight is linked to another, or is still waiting for linking."))
    else:
        st.caption(
            words.plural(
                "{count} insight has no confirmed or suggested link: open it to link it.",
                "{count} insights have no confirmed or suggested link: open one to link it.",
                total,
            )
        )
    for insight in alone:
        with st.container(border=True):
            card_heading(st, insight)
            open_link(insight.id, _("Open and link"))
    if total > len(alone):
        st.page_link("views/search.py", label=_("Search for more"), icon=":material/search:")

with right:
    st.subheader(_("Questions with new evidence"), anchor=False)
    questions_with_new_evidence(SHOWN, _("Review the evidence"), ":material/fact_check:")

    st.subheader(_("Latest imports"), anchor=False)
    imports = base.imports.history(limit=SHOWN)
    if not imports:
        st.caption(_("Nothing imported yet."))
    for record in imports:
        with st.container(border=True):
            st.markdown(import_line(record))
    st.page_link("views/import.py", label=_("Open the imports"), icon=":material/upload_file:")
