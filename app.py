"""Oivallus: the router. Page config, navigation and the person using the app."""

import streamlit as st

from pages.common import ROUTER_MARK

st.set_page_config(page_title="Oivallus", page_icon=":material/lightbulb:", layout="wide")

overview = st.Page("pages/overview.py", title="Overview", icon=":material/dashboard:", default=True)
search = st.Page("pages/search.py", title="Search", icon=":material/search:", url_path="search")
add = st.Page("pages/add.py", title="Add", icon=":material/add_circle:", url_path="add")
insight = st.Page(
    "pages/insight.py", title="Insight", icon=":material/article:", url_path="insight"
)
studies = st.Page(
    "pages/studies.py", title="Studies", icon=":material/science:", url_path="studies"
)
backlog = st.Page("pages/backlog.py", title="Backlog", icon=":material/help:", url_path="backlog")
# Each url_path is its file's name: on a process's first request Streamlit's legacy pages/
# mode looks pages up by file name (see pages.common.routed).
import_files = st.Page(
    "pages/import.py", title="Import", icon=":material/upload_file:", url_path="import"
)
themes = st.Page("pages/themes.py", title="Themes", icon=":material/hub:", url_path="themes")
journey = st.Page("pages/journey.py", title="Journey", icon=":material/route:", url_path="journey")
kpis = st.Page("pages/kpis.py", title="KPIs", icon=":material/monitoring:", url_path="kpis")
pages = [overview, search, add, insight, studies, import_files, backlog, themes, journey, kpis]
current = st.navigation(
    {
        "Insights": [overview, search, add, insight, studies, import_files],
        "Analysis": [themes, journey, kpis],
        "Questions": [backlog],
    }
)
st.session_state[ROUTER_MARK] = True

# Who is using the app: kept in plain session keys ("person", "team") that pages read, so they
# survive runs in which a page is rendered without this router.
with st.sidebar:
    st.session_state.person = st.text_input(
        "Your name",
        value=st.session_state.get("person") or "",
        placeholder="Who is adding?",
        help="Stored as the author of what you add and used for your votes. Sign-in will "
        "replace this.",
    ).strip()
    st.session_state.team = st.text_input(
        "Your team", value=st.session_state.get("team") or "", placeholder="e.g. Sales"
    ).strip()

# A page asked for through pages.common.routed(), and deep links (?insight=ID) from any page.
wanted = st.query_params.get("page")
if wanted:
    params = {k: v for k, v in st.query_params.to_dict().items() if k != "page"}
    st.switch_page(next((p for p in pages if p.url_path == wanted), overview), query_params=params)
if "insight" in st.query_params and current.url_path != "insight":
    st.switch_page(insight, query_params={"insight": st.query_params["insight"]})

current.run()
