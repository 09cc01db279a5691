"""Oivallus: the router. Page config, navigation and the person using the app."""

import streamlit as st

from pages.common import ROUTER_MARK

st.set_page_config(page_title="Oivallus", page_icon=":material/lightbulb:", layout="wide")

search = st.Page("pages/search.py", title="Search", icon=":material/search:", default=True)
add = st.Page("pages/add.py", title="Add", icon=":material/add_circle:", url_path="add")
insight = st.Page(
    "pages/insight.py", title="Insight", icon=":material/article:", url_path="insight"
)
studies = st.Page(
    "pages/studies.py", title="Studies", icon=":material/science:", url_path="studies"
)
pages = [search, add, insight, studies]
current = st.navigation({"Insights": pages})
st.session_state[ROUTER_MARK] = True

with st.sidebar:
    st.text_input(
        "Your name",
        key="person",
        placeholder="Who is adding?",
        help="Stored as the author of what you add. Sign-in will replace this.",
    )
    st.text_input("Your team", key="team", placeholder="e.g. Sales")

# A page asked for through pages.common.routed(), and deep links (?insight=ID) from any page.
wanted = st.query_params.get("page")
if wanted:
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
    st.switch_page(next((p for p in pages if p.url_path == wanted), search), query_params=params)
if "insight" in st.query_params and current.url_path != "insight":
    st.switch_page(insight, query_params={"insight": st.query_params["insight"]})

current.run()
