"""Real browser, in Finnish: a contributor on a phone and a researcher at a desk use the app as
Finnish speakers do, and every page is screenshotted in Finnish (tests/artifacts/fi_*.png)."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (  # noqa: F401 - fixtures used by name
    ADMIN_PASSWORD,
    _serve,
    browser,
    settle,
)

pytestmark = pytest.mark.browser
PASSWORD = "finnish walk password 2026"
PHONE = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def finnish_url(tmp_path_factory):
    """The app on a database with a Finnish contributor (her browser decides the language) and a
    researcher who chose Finnish in his account (his browser is English)."""
    from insights import KnowledgeBase

    db = tmp_path_factory.mktemp("browser-fi") / "fi.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("maija", "Maija Myyjä", role="contributor", password=PASSWORD)
    kb.people.create_user("olli", "Olli Tutkija", role="researcher", password=PASSWORD)
    kb.acting_as(kb.people.user("olli")).people.set_language("fi")
    kb.backlog.ask(
        {
            "text": "Miksi asiakkaat jättävät ostoskorin kesken?",
            "decision": "Korjataanko kassa ensin?",
            "asked_by": "olli",
        }
    )
    kb.close()
    yield from _serve(db)


def sign_in(page, url: str, username: str) -> None:
    """Sign in through the Finnish sign-in page."""
    page.goto(url)
    page.get_by_text("Kirjaudu Oivallukseen").wait_for()
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_role("textbox", name="Salasana").fill(PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_text("Kirjautuneena").first.wait_for()
    settle(page)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"fi_{name}.png"), full_page=True)
