"""The defects seen on issue 28's walk through the pages (AppTest, the fake embedder)."""

from __future__ import annotations

import re

from insights import InsightIn, QuestionIn
from tests.test_analysis import grouped_texts
from tests.test_pages import open_app, shared


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
