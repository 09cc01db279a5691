"""Oivallus: the router. Page config, navigation and the person using the app."""

import sys
from pathlib import Path

import streamlit as st

from views.i18n import _, error_text, language_code  # light: the words come before the slow imports

st.set_page_config(page_title="Oivallus", page_icon=":material/lightbulb:", layout="wide")
# The first run of a process imports the language stack (seconds on a cold machine): say so
# at once instead of a blank page.
splash = st.empty()
if "views.common" not in sys.modules:  # only while the imports below are slow
    splash.markdown(
        "## :material/lightbulb: Oivallus\n"
        + _(
            "Starting up: loading the search and language libraries. "
            "This happens only after a restart."
        )
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
from views.landing import landing  # noqa: E402
from views.signin import account_sidebar, resume_session, sign_in_page  # noqa: E402
from vocabulary.errors import OivallusError  # noqa: E402

splash.empty()
ROOT = Path(__file__).resolve().parent


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
st.session_state["language"] = language_code(user.language if user else None)
mark_session(session_id(), user.username if user else None)  # the gate lets its uploads in
unread = 0
if user is not None and get_opening(db_path()).ready:  # never wait for the model here
    unread = get_kb().acting_as(user).inbox.unread_count()  # beside "For you" in the sidebar


def page(path: str, title: str, icon: str, url_path: str | None = None, **more) -> st.Page:
    """One page of the navigation, its title in the person's language."""
    return st.Page(path, title=title, icon=f":material/{icon}:", url_path=url_path, **more)


def go_home() -> None:
    """The app's root: app.py sends each person on to their role's landing page."""


start = st.Page(go_home, title=_("Home"), default=True, visibility="hidden")
add = page("views/add.py", _("Add"), "add_circle", "add")
search = page("views/search.py", _("Search"), "search", "search")
backlog = page("views/backlog.py", _("Backlog"), "help", "backlog")
# The homes, one per role, each open to everyone (a person may look at another role's).
homes = [
    page("views/quick_note.py", _("Quick note"), "edit_note", "quick_note"),
    page("views/my_notes.py", _("My notes"), "task_alt", "my_notes"),
    page("views/home_research.py", _("What's new"), "new_releases", "whats_new"),
    page("views/home_lead.py", _("Team lead's view"), "leaderboard", "lead"),
    page("views/overview.py", _("Overview"), "dashboard", "overview"),
]
for_you_title = _("For you ({count})", count=unread) if unread else _("For you")
homes.append(page("views/for_you.py", for_you_title, "inbox", "for_you"))
homes.append(page("views/api_tokens.py", _("API tokens"), "key", "api_tokens"))
insight = page("views/insight.py", _("Insight"), "article", "insight")
studies = page("views/studies.py", _("Studies"), "science", "studies")
tags = page("views/tags.py", _("Tags"), "sell", "tags")
import_files = page("views/import.py", _("Import"), "upload_file", "import")
documents = page("views/documents.py", _("Documents"), "menu_book", "documents")
themes = page("views/themes.py", _("Themes"), "hub", "themes")
journey = page("views/journey.py", _("Journey"), "route", "journey")
kpis = page("views/kpis.py", _("KPIs"), "monitoring", "kpis")
funnel = page("views/funnel.py", _("Funnel"), "filter_alt", "funnel")
behaviour = page("views/behaviour.py", _("Behaviour"), "shopping_cart", "behaviour")
brief = page("views/brief.py", _("Briefs"), "summarize", "brief")
admin = page("views/admin.py", _("Admin"), "admin_panel_settings", "admin")
privacy = page("views/privacy.py", _("Privacy"), "shield_person", "privacy")
webhooks = page("views/webhooks.py", _("Webhooks"), "webhook", "webhooks")
sections = {
    "": [start, add, search, backlog],  # the three jobs, at the top for every role
    _("Homes"): homes,
    _("Insights"): [insight, studies, documents, tags, import_files],
    _("Analysis"): [themes, journey, funnel, kpis, behaviour, brief],
}
if user is not None and user.role == "admin":
    sections[_("People")] = [admin, privacy, webhooks]
# every page shown: nothing a role uses is folded away (Streamlit words its "View N more"
# link in English only)
current = st.navigation(sections, position="sidebar" if user else "hidden", expanded=True)
if user is None:
    sign_in_page(base)
    st.stop()

# Deep links to an insight (?insight=ID) from any page, the app's root included.
if "insight" in st.query_params and current.url_path != "insight":
    st.switch_page(insight, query_params={"insight": st.query_params["insight"]})
if current.url_path == "":  # the root: the person's home, as an admin chose it for their role
    pages = {p.url_path: p for group in sections.values() for p in group if p is not start}
    st.switch_page(
        pages[landing(user.role, base.landing_pages(), pages)],
        query_params=st.query_params.to_dict(),
    )

with st.sidebar:
    account_sidebar(base, user)
close_sidebar_on_phones(current.url_path)

try:
    current.run()
except PermissionDenied as error:
    st.error(
        _(
            "{error}. Ask an admin for another role if you need it.",
            error=escape_markdown(error_text(error)),
        )
    )
except OivallusError as error:  # a full disk, a file held elsewhere, bad input: say it, no trace
    st.error(escape_markdown(error_text(error)))
