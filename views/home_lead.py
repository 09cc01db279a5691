"""The team lead's view, a viewer's home: the open questions ranked by priority with a vote on
each, and the customer KPIs of the last 90 days."""

from datetime import date, timedelta

import streamlit as st

from views.common import PERIODS, kb, person
from views.i18n import _, ui
from views.ranking import question_row
from views.tiles import kpi_tiles, metric_tiles

SHOWN = 10  # questions
PERIOD = "Last 90 days"

base = kb()
words = ui()
st.title(_("Team lead's view"))
st.caption(_("What to find out next, by priority: vote for what your team needs decided."))

questions = base.backlog.ranked(status="open")
mine = base.backlog.my_votes(person())
if not questions:
    st.info(_("No open questions yet. Ask the first one on the Backlog."))
for rank, question in enumerate(questions[:SHOWN], start=1):
    question_row(question, rank, mine=question.id in mine)
st.page_link(
    "views/backlog.py",
    label=words.plural(
        "The whole backlog ({count} open question)",
        "The whole backlog ({count} open questions)",
        len(questions),
    ),
    icon=":material/help:",
)

st.subheader(_("Customer KPIs, last 90 days"), anchor=False)
end = date.today()
kpi_tiles(PERIOD, end - timedelta(days=PERIODS[PERIOD] - 1), end, None)
metric_tiles()
st.page_link("views/kpis.py", label=_("All KPIs"), icon=":material/monitoring:")
