"""User text never renders as Markdown (issue 14): a question or a title holding an image or a
link must not make every viewer's browser fetch an outside address."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from insights import InsightIn, KnowledgeBase
from tests.conftest import ROOT
from tests.test_pages import PAGES, TIMEOUT
from vocabulary.backlog import QuestionIn

PAYLOAD = "Q1 ![q](http://127.0.0.1:9/x.png) [here](http://127.0.0.1:9/) **bold** :red[x]"
RAW = ("](http://127.0.0.1:9", "**bold**", ":red[x]")  # what only unescaped text shows
# Elements that show text literally (not as Markdown) and inputs holding what a person typed.
LITERAL = {
    "text",
    "text_area",
    "text_input",
    "code",
    "arrow_data_frame",
    "dataframe",
    "json",
    "selectbox",
    "multiselect",
    "number_input",
    "date_input",
    "slider",
    "arrow_vega_lite_chart",
    "vega_lite_chart",
}


@pytest.fixture
def hostile_db(tmp_path, monkeypatch, real_embedder):
    path = tmp_path / "hostile.duckdb"
    kb = KnowledgeBase.open(path, embedder=real_embedder)
    kb.people.ensure_admin("page test admin password")
    kb.people.create_user("eve", PAYLOAD, role="admin", team=PAYLOAD)
    study = kb.catalog.create_study({"title": PAYLOAD, "method": PAYLOAD})
    added = kb.add_many(
        [
            InsightIn(
                text=f"Couriers wait at the door {PAYLOAD}",
                title=PAYLOAD,
                segment=PAYLOAD,
                touchpoint=PAYLOAD,
                journey_stage=PAYLOAD,
                study_id=study.id,
                author=PAYLOAD,
                tags=["x"],
            ),
            InsightIn(
                text=f"Couriers wait long at the lobby door {PAYLOAD}",
                title=PAYLOAD,
                segment=PAYLOAD,
                journey_stage=PAYLOAD,
            ),
        ]
    )
    kb.wait_for_links()
    open_one = kb.backlog.ask(QuestionIn(text=PAYLOAD, decision=PAYLOAD, team=PAYLOAD))
    answered = kb.backlog.ask(QuestionIn(text=f"Why {PAYLOAD}"))
    kb.backlog.set_status(answered.id, "answered", answer=PAYLOAD, insight_ids=[added[0]])
    dropped = kb.backlog.ask(QuestionIn(text=f"How {PAYLOAD}"))
    kb.backlog.set_status(dropped.id, "dropped", reason=PAYLOAD)
    kb.themes.recompute_themes()
    for theme in kb.themes.all():
        kb.themes.rename_theme(theme.id, PAYLOAD)
    behaviour = tmp_path / "behaviour.csv"  # names in the funnel, the tiles and the charts
    behaviour.write_text(
        f"month,journey stage,segment,{PAYLOAD}\n"
        f"2026-03,Awareness,{PAYLOAD},100\n2026-03,{PAYLOAD},{PAYLOAD},40\n"
    )
    kb.metrics.import_file(behaviour)
    kb.metrics.define(PAYLOAD.lower(), PAYLOAD, "higher", 10)
    kb.metrics.show_on_overview(PAYLOAD.lower())
    themes = kb.themes.all()
    kb.close()
    monkeypatch.setenv("OIVALLUS_DB", str(path))
    return {
        "theme": themes[0].id,
        "insight": added[0],
        "question": open_one.id,
        "answered": answered.id,
        "dropped": dropped.id,
    }


def unescaped(at: AppTest) -> list[str]:
    """Rendered elements whose Markdown source holds the payload unescaped."""
    found, stack = [], [at._tree]
    while stack:
        node = stack.pop()
        stack.extend(getattr(node, "children", {}).values())
        proto = getattr(node, "proto", None)
        if proto is None or getattr(node, "type", None) in LITERAL:
            continue
        shown = str(proto)
        if any(raw in shown for raw in RAW):
            found.append(f"{node.type}: {shown[:300]}")
    return found


def run(page: str | None, user: str = "eve", **query) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["user"] = user
    for key, value in query.items():
        at.query_params[key] = value
    at.run()
    if page:
        at.switch_page(page).run()
    assert not at.exception, at.exception
    return at


@pytest.mark.slow
def test_no_page_renders_user_text_as_markdown(hostile_db):
    ids = hostile_db
    views = [(p, {}) for p in [*PAGES, "views/admin.py"]] + [
        ("views/insight.py", {"insight": str(ids["insight"])}),
        ("views/backlog.py", {"question": str(ids["question"])}),
        ("views/backlog.py", {"question": str(ids["answered"])}),
        ("views/backlog.py", {"question": str(ids["dropped"])}),
        ("views/brief.py", {"brief": f"stage:{PAYLOAD}"}),
        ("views/brief.py", {"brief": f"segment:{PAYLOAD}"}),
        ("views/brief.py", {"brief": f"theme:{ids['theme']}"}),
        ("views/brief.py", {"brief": f"question:{ids['question']}"}),
    ]
    problems = {}
    for page, query in views:
        at = run(None, **query) if query else run(page)
        if query:
            at.switch_page(page).run()
        if bad := unescaped(at):
            problems[f"{page} {query}"] = bad
    assert not problems, "\n".join(f"{k}: {v}" for k, vs in problems.items() for v in vs)
