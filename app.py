"""Oivallus: the router. Page config, navigation and the person using the app."""

import sys

import streamlit as st

st.set_page_config(page_title="Oivallus", page_icon=":material/lightbulb:", layout="wide")
# The first run of a process imports the language stack (seconds on a cold machine): say so
# at once instead of a blank page.
splash = st.empty()
if "views.common" not in sys.modules:  # only while the imports below are slow
    splash.markdown(
        "## :material/lightbulb: Oivallus\nStarting up: loading the search and "
        "language libraries. This happens only after a restart."
    )


from insights.acting import PermissionDenied  # noqa: E402
from language.text import escape_markdown  # noqa: E402
from views.common import (  # noqa: E402
    accounts,
    close_sidebar_on_phones,
    current_user,
    db_path,
    get_kb,
    get_opening,
    session_id,
)
from views.gate import mark_session  # noqa: E402
from views.signin import account_sidebar, resume_session, sign_in_page  # noqa: E402
from vocabulary.errors import OivallusError  # noqa: E402

splash.empty()

overview = st.Page("views/overview.py", title="Overview", icon=":material/dashboard:", default=True)
search = st.Page("views/search.py", title="Search", icon=":material/search:", url_path="search")
add = st.Page("views/add.py", title="Add", icon=":material/add_circle:", url_path="add")
insight = st.Page(
    "views/insight.py", title="Insight", icon=":material/article:", url_path="insight"
)
studies = st.Page(
    "views/studies.py", title="Studies", icon=":material/science:", url_path="studies"
)
backlog = st.Page("views/backlog.py", title="Backlog", icon=":material/help:", url_path="backlog")
import_files = st.Page(
    "views/import.py", title="Import", icon=":material/upload_file:", url_path="import"
)
themes = st.Page("views/themes.py", title="Themes", icon=":material/hub:", url_path="themes")
journey = st.Page("views/journey.py", title="Journey", icon=":material/route:", url_path="journey")
kpis = st.Page("views/kpis.py", title="KPIs", icon=":material/monitoring:", url_path="kpis")
funnel = st.Page("views/funnel.py", title="Funnel", icon=":material/filter_alt:", url_path="funnel")
behaviour = st.Page(
    "views/behaviour.py", title="Behaviour", icon=":material/shopping_cart:", url_path="behaviour"
)
brief = st.Page("views/brief.py", title="Briefs", icon=":material/summarize:", url_path="brief")


def for_you_page(unread: int = 0) -> st.Page:
    """The "For you" list, its unread count in the sidebar."""
    return st.Page(
        "views/for_you.py",
        title=f"For you ({unread})" if unread else "For you",
        icon=":material/inbox:",
        url_path="for_you",
    )


for_you = for_you_page()
admin = st.Page(
    "views/admin.py", title="Admin", icon=":material/admin_panel_settings:", url_path="admin"
)
privacy = st.Page(
    "views/privacy.py", title="Privacy", icon=":material/shield_person:", url_path="privacy"
)

# Who is using the app: single sign-on (st.login) when .streamlit/secrets.toml configures
# [auth], else the built-in accounts. The username is kept in the session key "user".
base = accounts()  # sign-in works while the model and the index load in the background
one_time = base.ensure_admin()
if one_time:  # the very first run: the only time this password is ever shown
    print(
        f"Oivallus first run: sign in as 'admin' with the one-time password {one_time} "
        "and set a new one (or set OIVALLUS_ADMIN_PASSWORD before the first run).",
        flush=True,
    )
resume_session(base)  # single sign-on, the "stay signed in" cookie, or a revoked session
user = current_user()
mark_session(session_id(), user.username if user else None)  # the gate lets its uploads in
if user is not None and get_opening(db_path()).ready:  # never wait for the model here
    unread = get_kb().acting_as(user).inbox.unread_count()  # beside "For you" in the sidebar
    for_you = for_you_page(unread)
sections = {
    "Insights": [overview, for_you, search, add, insight, studies, import_files],
    "Analysis": [themes, journey, funnel, kpis, behaviour, brief],
    "Questions": [backlog],
}
if user is not None and user.role == "admin":
    sections["People"] = [admin, privacy]
current = st.navigation(sections, position="sidebar" if user else "hidden")
if user is None:
    sign_in_page(base)
    st.stop()

with st.sidebar:
    account_sidebar(base, user)
close_sidebar_on_phones(current.url_path)

# Deep links to an insight (?insight=ID) from any page.
if "insight" in st.query_params and current.url_path != "insight":
    st.switch_page(insight, query_params={"insight": st.query_params["insight"]})

try:
    current.run()
except PermissionDenied as error:
    st.error(f"{escape_markdown(str(error))}. Ask an admin for another role if you need it.")
except OivallusError as error:  # a full disk, a file held elsewhere, bad input: say it, no trace
    st.error(escape_markdown(str(error)))
