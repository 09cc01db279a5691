"""Search: one box, hybrid meaning + words, filters, paginated result cards."""

import streamlit as st

from insights import InvalidInput, SearchFilters
from insights.models import Kind, Sentiment, Source
from insights.text import escape_markdown, snippet
from pages.common import PAGE_SIZE, highlighted, kb, metadata_line, open_link, routed, title_of

routed("search")

MAX_RESULTS = 200

base = kb()
st.title("Search insights")
waiting = base.questions_with_new_evidence()
if waiting:
    st.page_link(
        "pages/backlog.py",
        label=f"New evidence for {len(waiting)} open questions",
        icon=":material/notifications:",
    )
query = st.text_input(
    "Search",
    key="q",
    placeholder="e.g. slow checkout on mobile · toimitukset",
    label_visibility="collapsed",
)

with st.expander("Filters", expanded=False):
    c1, c2, c3 = st.columns(3)
    kinds = c1.multiselect("Kind", [k.value for k in Kind])
    sources = c2.multiselect("Source", [s.value for s in Source])
    sentiments = c3.multiselect("Sentiment", [s.value for s in Sentiment])
    c1, c2, c3 = st.columns(3)
    segments = c1.multiselect("Segment", base.choices("segment"))
    touchpoints = c2.multiselect("Touchpoint", base.choices("touchpoint"))
    stages = c3.multiselect("Journey stage", base.choices("journey_stage"))
    c1, c2, c3 = st.columns(3)
    studies = {s.title: s.id for s in base.studies()}
    study_titles = c1.multiselect("Study", list(studies))
    teams = c2.multiselect("Team", base.filter_values("team"))
    tags = c3.multiselect("Tags", base.filter_values("tags"))
    c1, c2, _ = st.columns(3)
    observed_from = c1.date_input("Observed from", value=None)
    observed_to = c2.date_input("Observed to", value=None)

filters = SearchFilters(
    kind=kinds,
    source=sources,
    sentiment=sentiments,
    segment=segments,
    touchpoint=touchpoints,
    journey_stage=stages,
    study_id=[studies[t] for t in study_titles],
    team=teams,
    tags=tags,
    observed_from=observed_from,
    observed_to=observed_to,
)

# A new query or new filters start again from the first page.
signature = (query, filters.model_dump_json())
if st.session_state.get("search_signature") != signature:
    st.session_state.search_signature = signature
    st.session_state.search_page = 0
page = st.session_state.search_page
offset = page * PAGE_SIZE

try:
    if query.strip():
        hits = base.search(query, k=PAGE_SIZE + 1, offset=offset, filters=filters)
        has_next = len(hits) > PAGE_SIZE and offset + PAGE_SIZE < MAX_RESULTS
        results = [(h.insight, h.score) for h in hits[:PAGE_SIZE]]
        st.caption(f"Best matches for “{escape_markdown(query.strip())}”, page {page + 1}")
    else:
        insights, total = base.browse(filters, offset=offset, limit=PAGE_SIZE)
        has_next = offset + PAGE_SIZE < total
        results = [(i, None) for i in insights]
        st.caption(f"{total} insights, newest first · page {page + 1}")
except InvalidInput as error:
    st.error(str(error))
    st.stop()

if not results:
    st.info("Nothing found. Try other words or fewer filters.")

for insight, score in results:
    with st.container(border=True):
        head, link = st.columns([6, 1])
        head.markdown(
            f"**{highlighted(snippet(title_of(insight), query, insight.language, 120))}**"
        )
        with link:
            open_link(insight.id)
        st.markdown(highlighted(snippet(insight.text, query, insight.language)))
        caption = metadata_line(insight)
        if score is not None:
            caption += f" · score {score:.2f}"
        st.caption(caption)

prev_col, _, next_col = st.columns([1, 4, 1])
if prev_col.button("Previous", disabled=page == 0, width="stretch"):
    st.session_state.search_page = page - 1
    st.rerun()
if next_col.button("Next", disabled=not has_next, width="stretch"):
    st.session_state.search_page = page + 1
    st.rerun()
