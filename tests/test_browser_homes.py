"""Real browser (issue 31): a viewer opens the app on the team lead's view, sees every page a
viewer may use in the sidebar (nothing behind "View more") and reaches the Backlog in one click
from any page; the researcher's and the viewer's homes are screenshotted at desktop and phone
size (tests/artifacts/home_*.png)."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta

import pytest

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (
    ADMIN_PASSWORD,
    _serve,
    pytestmark,  # noqa: F401 - marked browser, skipped without chromium
    settle,
)

PASSWORD = "homes walk password 2026"
DESKTOP = {"width": 1400, "height": 1000}
PHONE = {"width": 390, "height": 844}
# What a viewer may use: every page but the admin's two, each in the sidebar.
VIEWER_PAGES = (
    "Add",
    "Search",
    "Backlog",
    "What's new",
    "Team lead's view",
    "Overview",
    "For you",
    "Insight",
    "Studies",
    "Tags",
    "Documents",
    "Import",
    "Themes",
    "Journey",
    "Funnel",
    "KPIs",
    "Behaviour",
    "Briefs",
)


def survey(days: int = 80) -> str:
    """NPS answers with comments over the last `days` days (the KPIs' last 90 days)."""
    comments = (
        "Delivery was on time and the driver called ahead",
        "The invoice listed the delivery fee twice",
        "Checkout failed on my phone twice",
        "Great oat milk in the cafe",
        "Parking is always full on Saturdays",
        "The discount code field is hard to find",
    )
    rows = ["id;date;segment;nps;comment"]
    for number in range(30):
        day = date.today() - timedelta(days=days * number // 30)
        comment = comments[number % len(comments)] if number < len(comments) else ""
        score = (10, 9, 2, 8, 6, 10, 3, 9)[number % 8]
        rows.append(f"{number + 1};{day.isoformat()};Consumer;{score};{comment}")
    return "\n".join(rows) + "\n"


@pytest.fixture(scope="module")
def homes_url(tmp_path_factory):
    """The app on a database with a researcher, a viewer, an import of NPS answers with
    comments, a few insights and ranked questions, one with new evidence."""
    from insights import KnowledgeBase

    folder = tmp_path_factory.mktemp("browser-homes")
    db = folder / "homes.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user("aino", "Aino Researcher", role="researcher", password=PASSWORD)
    kb.people.create_user("vera", "Vera Viewer", role="viewer", password=PASSWORD, team="Sales")
    questions = [
        kb.backlog.ask({"text": text, "impact": impact, "asked_by": "aino", "team": "Sales"})
        for text, impact in (
            ("Why does checkout fail on phones?", 5),
            ("What makes customers leave the cafe queue?", 3),
            ("Which delivery slots do families prefer?", 2),
        )
    ]
    kb.backlog.vote(questions[0].id, "aino", team="Research")
    (folder / "nps.csv").write_text(survey(), encoding="utf-8")
    kb.imports.import_file(
        folder / "nps.csv",
        mapping={"external_id": "id", "observed_at": "date", "segment": "segment"}
        | {"score": "nps", "text": "comment"},
    )
    kb.add_many(
        [
            {"text": "Why does checkout fail on phones? The pay button does nothing on Android."},
            {"text": "Zebra-striped umbrellas sold out in two days at the Tampere store."},
        ]
    )
    kb.wait_for_links()
    kb.close()
    yield from _serve(db)


def sign_in(page, url: str, username: str) -> None:
    """Sign in at the app's root, where each role lands on its home."""
    page.goto(url)
    page.get_by_label("Username").fill(username)
    page.get_by_role("textbox", name="Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_text("Signed in as").first.wait_for()
    settle(page)


def shot(page, name: str) -> None:
    """The whole page as tests/artifacts/home_NAME.png: Streamlit scrolls inside its main
    element, so the window is made as tall as the page for the picture."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    size = page.viewport_size
    tall = page.evaluate(
        '() => Math.max(...[...document.querySelectorAll(\'[data-testid="stMain"], '
        '[data-testid="stAppViewContainer"]\')].map(e => e.scrollHeight))'
    )
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], tall)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(ARTIFACTS / f"home_{name}.png"), full_page=True)
    page.set_viewport_size(size)


def whole_of(page) -> None:
    """Wait until the team lead's view has drawn its last parts: the link to the whole
    backlog and the KPI tiles."""
    main = page.locator('[data-testid="stMain"]')
    main.get_by_role("link", name=re.compile("The whole backlog")).wait_for()
    main.get_by_role("link", name="All KPIs").wait_for()
    main.locator('[data-testid="stMetricValue"]').first.wait_for()
    settle(page)


def sidebar_link(page, name: str):
    return page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=name, exact=True)


def test_a_viewer_lands_on_the_leads_view_and_reaches_the_backlog_in_one_click(homes_url, browser):
    context = browser.new_context(locale="en-GB", viewport=DESKTOP)
    page = context.new_page()
    page.set_default_timeout(90_000)
    sign_in(page, homes_url, "vera")
    main = page.locator('[data-testid="stMain"]')
    main.get_by_text("Team lead's view", exact=True).first.wait_for()
    main.get_by_text("Why does checkout fail on phones?", exact=False).first.wait_for()
    whole_of(page)
    assert page.url.rstrip("/").endswith("/lead")
    names = page.locator('[data-testid="stSidebarNav"] a').all_inner_texts()
    assert [n.split()[-1] for n in names[:3]] == ["Add", "Search", "Backlog"], names  # the jobs
    for name in VIEWER_PAGES:  # every page a viewer may use, none folded away
        assert sidebar_link(page, name).is_visible(), name
    assert page.get_by_text(re.compile(r"View \d+ more")).count() == 0
    assert sidebar_link(page, "Admin").count() == 0
    shot(page, "viewer_desktop")

    main.get_by_role("button", name="Vote", exact=True).first.click()  # one click to vote
    main.get_by_role("button", name="Unvote", exact=True).first.wait_for()
    settle(page)

    for start, title in (("Themes", "Themes"), ("Search", "Search insights")):
        sidebar_link(page, start).click()
        main.get_by_text(title, exact=True).first.wait_for()
        settle(page)
        began = time.monotonic()
        sidebar_link(page, "Backlog").click()  # the one click
        main.get_by_text("Research backlog", exact=True).wait_for()
        print(f"Backlog from {start}: {time.monotonic() - began:.1f} s after one click")
        assert page.url.rstrip("/").endswith("/backlog")
        settle(page)
    context.close()

    phone = browser.new_context(locale="en-GB", viewport=PHONE, is_mobile=True, has_touch=True)
    page = phone.new_page()
    page.set_default_timeout(90_000)
    sign_in(page, homes_url, "vera")
    page.locator('[data-testid="stMain"]').get_by_text("Team lead's view").first.wait_for()
    whole_of(page)
    shot(page, "viewer_phone")
    phone.close()


def test_the_researchers_home_shows_what_is_new(homes_url, browser):
    for size, viewport in (("desktop", DESKTOP), ("phone", PHONE)):
        phone = size == "phone"
        context = browser.new_context(
            locale="en-GB", viewport=viewport, is_mobile=phone, has_touch=phone
        )
        page = context.new_page()
        page.set_default_timeout(90_000)
        sign_in(page, homes_url, "aino")
        main = page.locator('[data-testid="stMain"]')
        main.get_by_text("What's new", exact=True).first.wait_for()
        main.get_by_text("Latest imports").wait_for()
        main.get_by_text("nps.csv", exact=False).first.wait_for()
        main.get_by_role("link", name="Open the imports").wait_for()
        assert page.url.rstrip("/").endswith("/whats_new")
        settle(page)
        shot(page, f"researcher_{size}")
        context.close()
