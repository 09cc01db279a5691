"""A home per role (issue 31): each role opens the app on its own home, an admin chooses another
landing page per role on the Admin page, the homes show what waits for each role, and the three
jobs (Add, Search, Backlog) head the navigation for everyone."""

from __future__ import annotations

import pytest

from insights import InsightIn
from insights.acting import PermissionDenied
from tests.test_pages import open_app, shared
from views.landing import DEFAULTS, landing
from vocabulary.errors import InvalidInput

HOMES = {  # user -> (the url path of their home, its title in English, in Finnish)
    "admin": ("overview", "Overview", "Yleiskuva"),
    "aino": ("whats_new", "What's new", "Mitä uutta"),
    "vera": ("lead", "Team lead's view", "Tiiminvetäjän näkymä"),
    "mikko": ("quick_note", "Quick note", "Pikahavainto"),
}


def page_shown(at) -> str:
    """The url path of the page this run showed (the app notes it for the phone's sidebar)."""
    return at.session_state["last_page"]


@pytest.mark.parametrize("user", sorted(HOMES))
def test_each_role_opens_the_app_on_its_home(app_db, user):
    path, english, _finnish = HOMES[user]
    at = open_app(user=user)
    assert page_shown(at) == path
    assert at.title[0].value == english


@pytest.mark.parametrize("user", sorted(HOMES))
def test_each_role_opens_on_its_home_in_finnish(app_db, monkeypatch, user):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    path, _english, finnish = HOMES[user]
    at = open_app(user=user)
    assert page_shown(at) == path
    assert at.title[0].value == finnish


def test_links_still_open_what_they_point_to(app_db):
    """The landing page is for the app's root only: an insight's link and a page opened by
    name stay where they point, whatever the role's home."""
    at = open_app(user="vera", insight="1")
    assert page_shown(at) == "insight"
    at = open_app("views/search.py", user="vera")
    assert page_shown(at) == "search"


def test_an_admin_chooses_each_roles_landing_page(app_db):
    at = open_app("views/admin.py")
    assert at.selectbox(key="landing-viewer").value == "lead"  # the default, shown as such
    at.selectbox(key="landing-viewer").select("backlog")
    at.selectbox(key="landing-researcher").select("lead")
    next(b for b in at.button if b.label == "Save landing pages").click().run()
    assert not at.exception, at.exception
    assert page_shown(open_app(user="vera")) == "backlog"
    assert open_app(user="vera").title[0].value == "Research backlog"
    assert page_shown(open_app(user="aino")) == "lead"
    assert page_shown(open_app(user="admin")) == "overview"  # untouched roles keep theirs

    kb = shared(app_db)
    assert kb.people.landing_pages() == {"viewer": "backlog", "researcher": "lead"}
    entry = next(e for e in kb.people.audit("setting") if e.entity_id == "landing page:viewer")
    assert (entry.actor, entry.action) == ("admin", "set landing page")
    assert entry.after == {"page": "backlog"}

    at = open_app("views/admin.py")  # back to the default: the setting goes
    at.selectbox(key="landing-viewer").select("lead")
    next(b for b in at.button if b.label == "Save landing pages").click().run()
    assert kb.people.landing_pages() == {"researcher": "lead"}
    assert page_shown(open_app(user="vera")) == "lead"


def test_only_an_admin_sets_a_landing_page_and_only_for_a_role(kb):
    kb.people.create_user("vera", "Vera Viewer", role="viewer")
    with pytest.raises(PermissionDenied):
        kb.acting_as(kb.people.user("vera")).people.set_landing_page("viewer", "backlog")
    with pytest.raises(InvalidInput):
        kb.people.set_landing_page("team lead", "backlog")
    with pytest.raises(InvalidInput):
        kb.people.set_landing_page("viewer", "../admin")
    kb.people.set_landing_page("viewer", "backlog")
    kb.people.set_landing_page("contributor", "search")
    assert kb.people.landing_pages() == {"viewer": "backlog", "contributor": "search"}
    kb.people.set_landing_page("viewer", None)
    assert kb.people.landing_pages() == {"contributor": "search"}


def test_a_landing_page_that_does_not_exist_falls_back_to_the_roles_default():
    pages = {"add", "overview", "whats_new", "lead", "backlog"}
    assert landing("viewer", {}, pages) == DEFAULTS["viewer"] == "lead"
    assert landing("viewer", {"viewer": "gone"}, pages) == "lead"
    assert landing("contributor", {}, pages) == "add"  # before the quick note exists
    assert landing("contributor", {}, pages | {"quick_note"}) == "quick_note"
    assert landing("researcher", {"researcher": "backlog"}, pages) == "backlog"


def test_insights_with_no_link_are_found_newest_first(kb):
    first, second, third = (
        kb.add(InsightIn(text=text)).insight.id
        for text in (
            "Parking at the store is always full on Saturdays.",
            "The invoice lists the delivery fee twice.",
            "Customers ask for oat milk in the cafe.",
        )
    )
    kb.wait_for_links()
    alone, total = kb.insights.unlinked(10)
    expected = [i for i in (third, second, first) if not kb.insights.links(i)]
    assert [i.id for i in alone] == expected and total == len(expected)
    kb.curation.confirm_link(first, second)
    alone, total = kb.insights.unlinked(1)
    assert [i.id for i in alone] == [i for i in expected if i not in (first, second)][:1]
    kb.curation.delete(second)  # a link to a deleted insight links nothing
    assert first in [i.id for i in kb.insights.unlinked(10)[0]]


def test_whats_new_shows_what_waits_for_a_researcher(app_db, tmp_path):
    kb = shared(app_db)
    question = kb.backlog.ask({"text": "checkout slow on mobile phones", "asked_by": "aino"})
    kb.add(InsightIn(text="checkout slow on mobile phones for many users"))
    lonely = kb.add(InsightIn(text="Zebra-striped umbrellas sell out every spring")).insight
    (tmp_path / "notes.csv").write_text("text\nThe lift to the car park is broken again\n")
    kb.imports.import_file(tmp_path / "notes.csv")
    kb.wait_for_links()
    at = open_app(user="aino")
    assert at.title[0].value == "What's new"
    links = {(link.label, link.proto.query_string) for link in at.get("page_link")}
    assert ("Review the evidence", f"question={question.id}") in links
    if not kb.insights.links(lonely.id):
        assert ("Open and link", f"insight={lonely.id}") in links
    assert any("notes.csv" in m.value.replace("\\", "") for m in at.markdown)


def test_the_team_leads_view_votes_in_one_click(app_db):
    kb = shared(app_db)
    question = kb.backlog.ask({"text": "Why do carts get abandoned?", "asked_by": "aino"})
    at = open_app(user="vera")
    assert any("Why do carts get abandoned?" in m.value for m in at.markdown)
    assert any(m.label == "NPS" for m in at.metric)  # the Overview's KPI tiles
    at.button(key=f"vote{question.id}").click().run()
    assert not at.exception, at.exception
    assert kb.backlog.question(question.id).voters == ["vera"]
    assert at.button(key=f"vote{question.id}").label == "Unvote"
