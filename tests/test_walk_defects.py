"""The defects seen on issue 28's walk through the pages (AppTest, the fake embedder)."""

from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from insights import InsightIn, QuestionIn
from tests.conftest import ROOT
from tests.test_analysis import grouped_texts
from tests.test_pages import TIMEOUT, open_app, shared


def test_a_theme_page_and_its_brief_count_independent_sources_alike(app_db):
    """Issue 28 (7): the theme's page said "10 independent sources", its brief "12"."""
    kb = shared(app_db)
    kb.add_many(
        [
            InsightIn(text=t, source="survey", author=f"person{n % 5}")
            for n, t in enumerate(grouped_texts(2, 15))
        ]
    )
    kb.wait_for_links()
    theme = max(kb.themes.recompute_themes(), key=lambda t: len(t.insight_ids))
    brief = kb.briefs.brief("theme", str(theme.id))
    assert brief.sources > 1
    at = open_app("views/themes.py", theme=str(theme.id))
    said = " ".join(m.value for m in at.markdown)
    found = re.search(r"(\d+) independent sources?", said)
    assert found, said
    assert int(found.group(1)) == brief.sources, (said, brief.sources)
    assert brief.sources == kb.themes.independent_sources(theme.id)


def test_for_you_does_not_ask_a_follower_to_follow(app_db):
    """Issue 28 (8): "For you" told a person who follows a question to "Follow a question..."."""
    at = open_app("views/for_you.py", user="aino")
    assert any("Follow a question" in i.value for i in at.info)
    base = shared(app_db)
    kb = base.acting_as(base.people.user("aino"))
    question = kb.backlog.ask(QuestionIn(text="Why do customers cancel in the first month?"))
    kb.people.follow("question", str(question.id))
    at = open_app("views/for_you.py", user="aino")
    said = " ".join(i.value for i in at.info)
    assert "Follow a question" not in said
    assert "1 question" in said and "nothing new" in said.lower()


def test_add_clears_the_form_after_a_save_so_notes_follow_in_a_row(app_db):
    """Issue 28 (1): the text stayed in the browser after "Saved as insight #N", and Save
    again said "already stored". The page must tell the browser to empty the box (the box's
    `set_value`), not only forget it on the server."""
    at = open_app("views/add.py")
    notes = (
        "Thursday deliveries arrive two hours late in Tampere.",
        "The courier could not find the back door of the shop.",
    )
    for number, note in enumerate(notes, start=3):
        at.text_area(key="add_text").input(note)
        at.text_input(key="add_title").input(f"Note {number}")
        next(b for b in at.button if b.label == "Save").click().run()
        assert not at.exception, at.exception
        assert f"Saved as insight #{number}" in at.success[0].value
        for key in ("add_text", "add_title"):
            box = at.text_area(key=key) if key == "add_text" else at.text_input(key=key)
            assert box.value == "" and box.proto.set_value, (key, box.proto)
    assert not at.warning


def test_signing_in_sets_the_cookie_without_a_deprecated_call(app_db, monkeypatch):
    """Issue 28 (10): the log printed the deprecation of `st.components.v1.html` at every
    sign-in. The cookie is still set through the gate's route from the browser."""
    import streamlit.deprecation_util

    from views.gate import SESSION_ROUTE

    said: list[str] = []
    original = streamlit.deprecation_util.show_deprecation_warning

    def record(message, *args, **kwargs):
        said.append(str(message))
        return original(message, *args, **kwargs)

    monkeypatch.setattr(streamlit.deprecation_util, "show_deprecation_warning", record)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = "admin"
    people = shared(app_db).people
    token = people.start_session(people.user("admin"))
    at.session_state["session"] = at.session_state["remember"] = token
    at.run()
    assert not at.exception, at.exception
    frames = [e.proto.srcdoc for e in at.get("iframe")]
    assert any(SESSION_ROUTE in f and token in f for f in frames), frames
    assert not said, said


def width_share(at, label: str) -> float:
    """The share of the page's width the button `label` may take: the product of the weights
    of the columns it sits in (1.0 outside columns)."""

    def trail(node, path=()):
        for child in getattr(node, "children", {}).values():
            if getattr(child, "type", None) == "button" and child.label == label:
                return (*path, node)
            found = trail(child, (*path, node))
            if found:
                return found
        return None

    share = 1.0
    for node in trail(at._tree) or ():
        if getattr(node, "type", None) == "column":
            share *= node.proto.weight
    return share


def test_confirm_and_dismiss_on_add_have_room_for_their_labels(app_db):
    """Issue 28 (2): "Co..."/"Dis..." on Add at 1,400 px: the buttons sat in half of two
    sevenths of three fifths of the page (about 120 px)."""
    at = open_app("views/add.py")
    at.text_area(key="add_text").input(
        "Six of nine participants could not find the discount code field at checkout today."
    )
    next(b for b in at.button if b.label == "Save").click().run()
    assert not at.exception, at.exception
    for label in ("Confirm", "Dismiss"):
        assert width_share(at, label) >= 0.25, label


def test_a_new_page_closes_the_sidebar_on_a_phone_once(app_db):
    """Issue 28 (3): the sidebar stayed over the page on a phone after choosing a page. Each
    newly opened page carries a script that closes it on narrow screens (the browser test
    tests/test_browser.py::test_on_a_phone_the_sidebar_closes_once_a_page_is_chosen sees it)."""

    def closers(at) -> int:
        return sum("stSidebarCollapseButton" in e.proto.body for e in at.get("html"))

    at = open_app("views/search.py")
    assert closers(at) == 1
    at.text_input(key="q").input("discount").run()  # the same page again: no second close
    assert closers(at) == 0
    at.switch_page("views/add.py").run()
    assert closers(at) == 1
