"""Real browser (issue 29): a researcher opens the Tags page, merges a free tag into a tag of
the set, sees every insight follow, and opens a cell of the tag board to read the insights
behind it (tests/artifacts/tags_set.png, tags_board.png)."""

from __future__ import annotations

import pytest

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (
    ADMIN_PASSWORD,
    _serve,
    pytestmark,  # noqa: F401 - marked browser, skipped without chromium
    settle,
)
from tests.test_browser_homes import DESKTOP, PASSWORD, sign_in


@pytest.fixture(scope="module")
def tags_url(tmp_path_factory):
    """The app on a database with a researcher, two studies and insights tagged "delivery"
    (a tag of the set) and "toimitus" (a free tag, the same subject in Finnish)."""
    from insights import KnowledgeBase

    folder = tmp_path_factory.mktemp("browser-tags")
    db = folder / "tags.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("aino", "Aino Researcher", role="researcher", password=PASSWORD)
    home = kb.catalog.create_study({"title": "Home delivery interviews"})
    shop = kb.catalog.create_study({"title": "Store visits"})
    kb.add_many(
        [
            {"text": "The sofa came two weeks late", "tags": ["delivery"], "study_id": home.id},
            {"text": "Sohva myöhästyi kaksi viikkoa", "tags": ["toimitus"], "study_id": home.id},
            {"text": "Kuljettaja ei soittanut", "tags": ["toimitus"], "study_id": home.id},
            {
                "text": "The parcel locker was full",
                "tags": ["delivery", "locker"],
                "study_id": shop.id,
            },
            {"text": "Price labels were missing", "tags": ["price"], "study_id": shop.id},
        ]
    )
    kb.tags.create(
        {
            "name": "delivery",
            "group": "Delivery",
            "description": "Getting goods to customers",
            "synonyms_en": "deliveries, shipping",
        }
    )
    kb.tags.create({"name": "price", "group": "Price", "synonyms_fi": "hinta"})
    kb.close()
    yield from _serve(db)


def shot(page, name: str) -> None:
    """The whole page as tests/artifacts/tags_NAME.png (Streamlit scrolls inside its main
    element: the window is made as tall as the page for the picture)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    tall = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight))'
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"tags_{name}.png"), full_page=True)
    page.set_viewport_size(size)


def test_a_researcher_merges_two_tags_and_opens_a_board_cell(tags_url, browser):
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(90_000)
    sign_in(page, tags_url, "aino")
    page.goto(tags_url + "/tags")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Free tags", exact=True).wait_for()
    main.get_by_text("#toimitus (2)", exact=False).wait_for()
    settle(page)

    main.get_by_role("tab", name="Merge", exact=True).click()
    form = main.locator('[data-testid="stForm"]').filter(has_text="Into")
    form.locator('[data-testid="stSelectbox"]').first.click()
    page.get_by_role("option", name="toimitus", exact=True).click()
    form.locator('[data-testid="stSelectbox"]').nth(1).click()
    page.get_by_role("option", name="delivery", exact=True).click()
    form.get_by_role("button", name="Merge", exact=True).click()
    main.get_by_text("Merged #toimitus into #delivery.").wait_for()
    settle(page)
    assert main.get_by_text("#toimitus (2)").count() == 0  # no longer a free tag
    main.get_by_text("toimitus", exact=False).first.wait_for()  # an earlier name of delivery
    shot(page, "set")

    main.get_by_role("tab", name="Tag board", exact=True).click()
    main.get_by_text("Home delivery interviews", exact=True).wait_for()
    main.locator('[data-testid="stButton"]').get_by_role("button", name="3", exact=True).click()
    main.get_by_text("#delivery in Home delivery interviews").wait_for()
    main.get_by_text("Sohva myöhästyi kaksi viikkoa").first.wait_for()
    main.get_by_text("Kuljettaja ei soittanut").first.wait_for()
    settle(page)
    page.mouse.move(0, 0)  # the cell's tooltip off the column names
    shot(page, "board")
    context.close()
