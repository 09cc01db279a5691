"""Real browser: `streamlit run` + Playwright driving Debian's chromium through the main flow."""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.conftest import ARTIFACTS, ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not Path(CHROMIUM).exists() and not shutil.which("chromium"),
        reason="Debian chromium is not installed (make test installs it)",
    ),
]


ADMIN_PASSWORD = "browser test password"


def visit(page, url: str) -> None:
    """Open a URL, signing in as the admin unless the browser is signed in already."""
    page.goto(url)
    heading = page.get_by_text("Sign in to Oivallus")
    heading.or_(page.get_by_text("Signed in as")).first.wait_for()
    if heading.is_visible():
        page.get_by_label("Username").fill("admin")
        page.get_by_role("textbox", name="Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        heading.wait_for(state="detached")
        wait_for_session_cookie(page)  # a next address before the cookie opens signed out
    settle(page)


def settle(page) -> None:
    """Wait until the app has finished the run a widget change started."""
    page.wait_for_timeout(300)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="hidden")


def wait_for_session_cookie(page, seconds: float = 60.0) -> None:
    """The cookie is written by the browser once the app has signed in, a moment after "Signed
    in as" shows (on a busy machine, seconds): a new page before it opens signed out."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if any(c["name"] == "oivallus_session" for c in page.context.cookies()):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"no session cookie {seconds:.0f} s after signing in")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app_url(tmp_path_factory):
    """A real `streamlit run` of the app on a fresh database file."""
    yield from _serve(tmp_path_factory.mktemp("browser") / "browser.duckdb")


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory, real_embedder):
    """The app on the demo data (insights, an NPS survey, computed themes)."""
    from ingest.demo import load_demo
    from insights import KnowledgeBase

    db = tmp_path_factory.mktemp("browser-demo") / "demo.duckdb"
    kb = KnowledgeBase.open(db, embedder=real_embedder)
    load_demo(kb)
    kb.close()
    yield from _serve(db)


def _serve(db: Path, flags: tuple[str, ...] = (), port: int | None = None, **extra_env: str):
    """`python -m views.serve` on `db`, as `make run` serves it: the gate in front of
    Streamlit's routes, the jobs started before anyone visits (`flags`: more of Streamlit's)."""
    port = port or _free_port()
    env = {
        **os.environ,
        "OIVALLUS_DB": str(db),
        "HF_HUB_OFFLINE": "1",
        "OIVALLUS_ADMIN_PASSWORD": ADMIN_PASSWORD,
        **extra_env,
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "views.serve",
            "--server.port",
            str(port),
            "--server.headless",
            "true",
            "--browser.gatherUsageStats",
            "false",
            *flags,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "/_stcore/health", timeout=1)
            break
        except OSError:
            time.sleep(0.5)
    yield url
    process.terminate()
    process.wait(timeout=20)


def draft_on_add(browser, url: str, text: str, height: int = 1000):
    """A page on Add with a draft typed in and its similar insights shown (before saving)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": height})
    page.set_default_timeout(90_000)
    visit(page, url + "/add")
    text_box = page.get_by_label("What did you learn? *")
    text_box.fill(text)
    page.get_by_role("button", name="Check for similar").click()
    settle(page)
    page.get_by_text("Similar insights already stored").wait_for()
    return page


def test_add_search_and_open_deep_link(app_url, browser):
    page = draft_on_add(
        browser,
        app_url,
        "Kuljettaja ei päässyt toimistoon, koska aulan ovi oli lukossa <b>aamulla</b>.",
    )
    page.get_by_label("Tags").fill("delivery, office")
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved as insight #1").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "add.png"), full_page=True)

    visit(page, app_url + "/search")
    box = page.get_by_placeholder("e.g. slow checkout on mobile · toimitukset")
    box.fill("toimistot")
    box.press("Enter")
    page.get_by_text("Best matches for").wait_for()
    page.get_by_text("aulan ovi oli lukossa").first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "search.png"), full_page=True)

    visit(page, app_url + "/?insight=1")
    page.get_by_text("Linked insights").wait_for()
    # The HTML the person typed is shown as text, never rendered.
    page.get_by_text("<b>aamulla</b>", exact=False).first.wait_for()
    assert "/insight" in page.url
    page.screenshot(path=str(ARTIFACTS / "insight.png"), full_page=True)
    page.close()


def test_ask_and_vote_in_the_backlog(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/backlog")
    page.get_by_text("Ask a question").click()
    question = page.get_by_label("What do we need to find out about customers? *")
    question.fill("Why do office lunches arrive late when the lobby door is locked?")
    settle(page)
    page.get_by_role("button", name="Ask", exact=True).click()  # one click asks
    page.get_by_text("Added question #1.").wait_for(timeout=30_000)
    page.screenshot(path=str(ARTIFACTS / "backlog_asked.png"), full_page=True)
    page.get_by_role("button", name="Vote", exact=True).click()
    page.get_by_role("button", name="Unvote", exact=True).wait_for()
    settle(page)
    # no ghost of the old button beside the new one, and a count in the singular
    assert page.get_by_role("button", name="Vote", exact=True).count() == 0
    page.get_by_text("priority", exact=False).filter(has_text="· 1 vote").first.wait_for()
    page.get_by_text("Why this rank: votes +0.69").wait_for()
    page.get_by_role("link", name="Open").first.click()
    page.get_by_text("Priority = sum of the parts").wait_for()
    page.screenshot(path=str(ARTIFACTS / "backlog.png"), full_page=True)
    page.close()


def test_upload_a_csv_and_read_the_report(app_url, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "palaute.csv"
    upload.write_text(
        "pvm;palaute;tiketti\n"
        "2.6.2026;Laskutus on sekava, lähetin viestin osoitteeseen matti@example.fi;A-1\n"
        "3.6.2026;Sovellus kaatuu kassalla;A-2\n"
        "32.6.2026;Päivämäärä on väärin;A-3\n",
        encoding="cp1252",
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/import")
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("palaute.csv").first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "import_preview.png"), full_page=True)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text(
        "palaute.csv: 2 inserted, 0 duplicates skipped, 0 survey responses, 1 rejected"
    ).wait_for()
    page.get_by_text("palaute.csv · finished").wait_for()
    page.get_by_text("Personal data scrubbed: 1 email").wait_for()
    page.screenshot(path=str(ARTIFACTS / "import.png"), full_page=True)
    # the rejected rows' table: only our own formula-safe download, not Streamlit's toolbar one
    table = page.locator('[data-testid="stDataFrame"]').last
    table.hover()
    page.wait_for_timeout(500)
    assert table.locator('[data-testid="stElementToolbar"]').count() == 1
    assert page.get_by_role("button", name="Download as CSV").count() == 0
    page.get_by_role("button", name="Download rejected rows (CSV)").wait_for()
    page.close()


def test_overview_theme_and_journey_map(demo_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, demo_url + "/")
    page.get_by_text("Newest insights").wait_for()
    page.get_by_text("Rising themes").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "overview.png"), full_page=True)

    visit(page, demo_url + "/themes")
    page.get_by_text("All themes").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "themes.png"), full_page=True)
    page.get_by_role("link", name="Open").first.click()
    page.get_by_text("independent source").first.wait_for()
    page.get_by_text("All themes").first.wait_for()  # the link back from a theme page
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "theme.png"), full_page=True)

    visit(page, demo_url + "/journey")
    page.get_by_text("customers may be leaving the path here").first.wait_for()
    page.locator('[data-testid="stVegaLiteChart"]').first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "journey.png"), full_page=True)

    visit(page, demo_url + "/kpis")
    page.get_by_text("promoters (9-10)").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "kpis.png"), full_page=True)
    page.close()


def test_user_text_is_rendered_escaped(app_url, browser):
    payload = (
        "Asiakas kirjoitti <script>window.__pwned = 1</script> ja "
        '<img src="x" onerror="window.__pwned = 2"> lomakkeeseen'
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/add")
    text_box = page.get_by_label("What did you learn? *")
    text_box.fill(payload)
    text_box.press("Tab")
    settle(page)
    page.get_by_role("button", name="Save", exact=True).click()
    saved = page.get_by_test_id("stAlertContentSuccess").get_by_text("Saved as insight #")
    saved.wait_for()
    insight_id = saved.inner_text().split("#")[1].split()[0].strip(".")
    visit(page, app_url + f"/?insight={insight_id}")
    page.get_by_text("window.__pwned = 2", exact=False).first.wait_for()  # shown as text
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator('img[src="x"]').count() == 0
    assert page.locator("script", has_text="__pwned").count() == 0
    page.close()


def test_sign_in_lasts_across_reloads_until_sign_out(app_url, browser):
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/")
    page.get_by_text("Signed in as").wait_for()
    wait_for_session_cookie(page)
    page.goto(app_url + "/search")  # a new session: the cookie signs it in
    page.get_by_text("Signed in as").wait_for()
    assert not page.get_by_text("Sign in to Oivallus").is_visible()
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Sign in to Oivallus").wait_for()
    settle(page)
    page.goto(app_url + "/")
    page.get_by_text("Sign in to Oivallus").wait_for()  # signed out stays signed out
    page.close()


def test_finnish_note_shows_its_english_twin_before_saving(demo_url, browser):
    page = draft_on_add(
        browser,
        demo_url,
        "Kuljettaja ei päässyt toimistoon, koska aulan ovi oli lukittu, ja lounaat odottivat "
        "portaikossa 20 minuuttia.",
        height=1100,
    )
    page.get_by_text("the lobby door was locked", exact=False).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "add_finnish_twin.png"), full_page=True)
    page.close()


def test_a_finnish_late_delivery_note_shows_the_english_delivery_finding(demo_url, browser):
    # not a translation of any stored insight: a customer's call about one late delivery
    page = draft_on_add(
        browser, demo_url, "Asiakas soitti, että torstain toimitus myöhästyi taas yli tunnin."
    )
    page.get_by_text("Deliveries were late again on Thursday", exact=False).first.wait_for()
    page.screenshot(path=str(ARTIFACTS / "add_finnish_subject.png"), full_page=True)
    page.close()


def test_one_pool_an_english_query_finds_finnish_and_a_finnish_question_its_english_twin(
    demo_url, browser
):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(90_000)
    visit(page, demo_url + "/search")
    box = page.get_by_placeholder("e.g. slow checkout on mobile · toimitukset")
    box.fill("the driver could not get into the office")
    box.press("Enter")
    page.get_by_text("Best matches for").wait_for()
    # the Finnish field note on the same subject is on the first page of English results
    page.get_by_text("Kuljettaja ei päässyt toimistoon", exact=False).first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "search_english_finds_finnish.png"), full_page=True)
    # two English keywords find a Finnish note on their subject through the dictionary
    box.fill("late delivery")
    box.press("Enter")
    page.get_by_text("Best matches for “late delivery”", exact=False).wait_for()
    page.get_by_text("Kun toimitus myöhästyy", exact=False).first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "search_keywords_find_finnish.png"), full_page=True)

    visit(page, demo_url + "/backlog")
    page.get_by_text("Ask a question").click()
    question = page.get_by_label("What do we need to find out about customers? *")
    question.fill("Miksi torstain toimitukset myöhästyvät?")
    settle(page)
    page.get_by_role("button", name="Ask", exact=True).click()
    page.get_by_text("vote for that one instead?", exact=False).wait_for()
    page.get_by_text("Why are Thursday deliveries late?").first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "backlog_finnish_duplicate.png"), full_page=True)
    page.close()


def test_a_copied_session_cookie_stops_working_after_sign_out(app_url, browser):
    context = browser.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    visit(page, app_url + "/")
    page.get_by_text("Signed in as").wait_for()
    wait_for_session_cookie(page)
    page.goto(app_url + "/search")
    page.get_by_text("Signed in as").wait_for()
    copied = [c for c in context.cookies() if c["name"] == "oivallus_session"]
    assert copied and "|" not in copied[0]["value"]  # a random id, no username or signature
    assert copied[0]["httpOnly"] and "oivallus_session" not in page.evaluate("document.cookie")
    page.get_by_role("button", name="Sign out").click()
    page.get_by_text("Sign in to Oivallus").wait_for()
    context.close()
    thief = browser.new_context(viewport={"width": 1200, "height": 900})
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.set_default_timeout(90_000)
    stolen.goto(app_url + "/search")
    stolen.get_by_text("Sign in to Oivallus").wait_for()
    assert not stolen.get_by_text("Signed in as").is_visible()
    stolen.screenshot(path=str(ARTIFACTS / "copied_cookie_refused.png"))
    thief.close()


def test_markdown_in_a_question_fetches_nothing_from_outside(app_url, browser):
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    outside = []
    page.on("request", lambda r: outside.append(r.url) if ":9/" in r.url else None)
    refused = []  # the gate must let a signed-in page's own assets (icon fonts) through
    page.on("response", lambda r: refused.append(r.url) if r.status == 403 else None)
    visit(page, app_url + "/backlog")
    page.get_by_text("Ask a question").click()
    question = page.get_by_label("What do we need to find out about customers? *")
    question.fill(
        "Q1 ![q](http://127.0.0.1:9/x.png) and [a link](http://127.0.0.1:9/), aino.v@example.com"
    )
    settle(page)
    page.get_by_role("button", name="Ask", exact=True).click()
    page.get_by_text("Added question #").wait_for()
    page.get_by_text("Q1 ![q](http:", exact=False).first.wait_for()  # shown as text
    assert page.locator('img[src^="http://127.0.0.1:9"]').count() == 0
    links = page.locator('a[href^="http://127.0.0.1:9"]')
    assert links.count() == 0, [
        links.nth(i).evaluate("e => e.parentElement.outerHTML") for i in range(links.count())
    ]
    assert page.locator('a[href^="mailto:"]').count() == 0  # an address stays text
    page.screenshot(path=str(ARTIFACTS / "markdown_as_text.png"), full_page=True)
    assert outside == [] and refused == []
    page.close()


def test_a_star_rating_file_imports_as_csat_not_nps(app_url, browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "reviews.csv"
    today = __import__("datetime").date.today().isoformat()
    rows = [
        f"{today},Review {i}: the courier left the parcel at the wrong door again,{1 + i % 5}"
        for i in range(40)
    ]
    upload.write_text("date,review,rating\n" + "\n".join(rows) + "\n", encoding="utf-8")
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/import")
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("a CSAT (1-5) response from “rating”").wait_for()
    page.get_by_text("40 insights, 40 CSAT responses").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "import_ratings_preview.png"), full_page=True)
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text(
        "reviews.csv: 40 inserted, 0 duplicates skipped, 40 survey responses"
    ).wait_for()
    page.get_by_role("button", name="Undo").first.wait_for()
    visit(page, app_url + "/")
    page.get_by_text("CSAT %").first.wait_for()  # 40 responses, 16 of them 4-5: CSAT 40
    page.get_by_text("n = 40").first.wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "overview_csat.png"), full_page=True)
    page.close()


def test_one_click_on_save_saves_the_insight(app_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, app_url + "/add")
    text = "The night shift cannot print delivery labels when the warehouse wifi drops."
    page.get_by_label("What did you learn? *").fill(text)
    # Straight from the text box to Save: the box's rerun and the click come together.
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text("Saved as insight #").first.wait_for(timeout=30_000)
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "add_saved.png"), full_page=True)
    # issue 28 (1): the form is empty for the next note, which saves too
    from playwright.sync_api import expect

    expect(page.get_by_label("What did you learn? *")).to_have_count(1)
    assert page.get_by_label("What did you learn? *").input_value() == ""
    page.get_by_label("What did you learn? *").fill("Drivers ask for the gate code every time.")
    first = int(re.search(r"#(\d+)", page.get_by_text("Saved as insight #").first.inner_text())[1])
    page.get_by_role("button", name="Save", exact=True).click()
    page.get_by_text(f"Saved as insight #{first + 1}.").wait_for(timeout=30_000)
    settle(page)
    assert not page.get_by_text("is already stored as insight").is_visible()
    visit(page, app_url + "/search")
    page.get_by_placeholder("e.g. slow checkout on mobile · toimitukset").fill(
        "delivery labels wifi"
    )
    page.keyboard.press("Enter")
    page.get_by_text("warehouse wifi drops").first.wait_for()
    page.close()


def test_a_cold_start_shows_oivallus_and_never_raw_file_names(browser, tmp_path):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    server = _serve(tmp_path / "cold.duckdb")
    url = next(server)  # a fresh process: its first request is a page URL, as a bookmark is
    try:
        page = browser.new_page(viewport={"width": 1200, "height": 800})
        page.set_default_timeout(90_000)
        page.goto(url + "/add")
        page.get_by_text("Sign in to Oivallus").wait_for()
        page.screenshot(path=str(ARTIFACTS / "cold_start.png"), full_page=True)
        # The legacy pages/ folder once listed "add", "admin", "backlog" ... before sign-in.
        assert page.locator('[data-testid="stSidebarNav"]').count() == 0
        assert page.get_by_role("link", name="admin").count() == 0
        page.get_by_label("Username").fill("admin")
        page.get_by_role("textbox", name="Password").fill(ADMIN_PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        page.get_by_text("What did you learn? *").wait_for()  # the bookmarked page opens
        page.close()
    finally:
        next(server, None)


def test_the_running_app_imports_the_folder_and_jobs_beside_it_get_one_line(browser, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    db = tmp_path / "jobs.duckdb"
    server = _serve(
        db,
        OIVALLUS_JOBS="1",
        OIVALLUS_JOBS_POLL="2",
        OIVALLUS_IMPORT_DIR=str(folder),
    )
    url = next(server)
    try:
        dropped = folder / "kenttä.csv"
        dropped.write_text(
            "palaute;pvm\nKuljettaja ei löytänyt lastauslaituria;1.12.2026\n"
            "Asiakas toivoi iltatoimituksia;1.12.2026\n",
            encoding="utf-8",
        )
        os.utime(dropped, (time.time() - 30, time.time() - 30))  # done being copied
        deadline = time.time() + 60
        while time.time() < deadline and not (folder / "imported" / "kenttä.csv").exists():
            time.sleep(1)
        assert (folder / "imported" / "kenttä.csv").exists(), "not imported within a minute"
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(90_000)
        visit(page, url + "/import")  # the first visit, after the import
        page.get_by_text("are imported within a minute").wait_for()
        page.get_by_text("kenttä.csv").first.wait_for()  # in Import history
        page.get_by_text("by import folder").first.wait_for()
        page.screenshot(path=str(ARTIFACTS / "import_folder.png"), full_page=True)
        beside = subprocess.run(
            [
                sys.executable,
                "-m",
                "ingest.digest",
                "--out",
                str(tmp_path / "digests"),
                "--db",
                str(db),
            ],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert beside.returncode == 2
        lines = beside.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("error:") and "data/digests" in lines[0]
        assert "Traceback" not in beside.stderr
        page.close()
    finally:
        next(server, None)


def test_behaviour_import_funnel_and_a_brief_as_pdf(demo_url, browser, tmp_path):
    """Import metrics on Behaviour, see the funnel's largest drop with what customers say
    there, open the stage's brief and download its PDF."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    upload = tmp_path / "december.csv"
    upload.write_text(
        "kuukausi;vaihe;asiakkaat\n"
        "2026-12;Awareness;20000\n2026-12;Consideration;11000\n2026-12;Purchase;2600\n",
        encoding="utf-8",
    )
    page = browser.new_page(viewport={"width": 1400, "height": 1100})
    page.set_default_timeout(90_000)
    visit(page, demo_url + "/behaviour")
    page.get_by_text("Import a behaviour file").click()
    page.locator('input[type="file"]').set_input_files(str(upload))
    page.get_by_text("december.csv").first.wait_for()
    page.get_by_role("button", name="Import", exact=True).click()
    page.get_by_text("december.csv: 3 values stored from 3 rows").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "behaviour.png"), full_page=True)

    visit(page, demo_url + "/funnel")
    page.get_by_text("Where they leave: after Consideration").wait_for()
    page.get_by_text("What they say there").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "funnel.png"), full_page=True)
    page.get_by_role("link", name="Brief of the stage Consideration").click()
    page.get_by_text("What the evidence says").wait_for()
    page.get_by_text("In their own words").wait_for()
    settle(page)
    page.screenshot(path=str(ARTIFACTS / "brief.png"), full_page=True)
    with page.expect_download() as download:
        page.get_by_role("button", name="PDF").click()
    pdf = tmp_path / "brief.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF")
    page.close()


def test_two_people_editing_one_insight_and_a_merge_keeps_theirs(app_url, browser):
    """Both open Edit; A saves; B's save is refused with what changed; B's Merge shows A's text
    in the form (a new form: the browser keeps B's typing under the old one) and B's text
    beside it; saving then keeps A's text and B's tags."""
    page = draft_on_add(browser, app_url, "The parcel locker screen froze during pickup.")
    page.get_by_role("button", name="Save", exact=True).click()
    saved = page.get_by_text("Saved as insight #").first
    saved.wait_for()
    number = saved.inner_text().split("#")[1].split()[0].rstrip(".")
    page.close()
    editors = []
    for _ in range(2):
        context = browser.new_context(viewport={"width": 1400, "height": 1400})
        tab = context.new_page()
        tab.set_default_timeout(90_000)
        visit(tab, f"{app_url}/insight?insight={number}")
        tab.get_by_text("Edit", exact=True).click()
        settle(tab)
        editors.append((context, tab))
    (_, first), (_, second) = editors
    first.get_by_label("Text").fill("Text by A: the locker froze at pickup.")
    first.get_by_role("button", name="Save changes").click()
    settle(first)
    second.get_by_label("Text").fill("Text by B: the screen froze.")
    second.get_by_label("Tags").fill("locker")
    second.get_by_role("button", name="Save changes").click()
    second.get_by_text("Not saved", exact=False).wait_for()
    second.get_by_role("button", name="Merge").click()
    second.get_by_text("Your text, to re-apply", exact=False).wait_for()
    settle(second)
    from playwright.sync_api import expect

    # the old form leaves the page a moment after the new one arrives (a busy machine)
    expect(second.get_by_label("Text")).to_have_count(1, timeout=60_000)
    assert second.get_by_label("Text").input_value() == "Text by A: the locker froze at pickup."
    second.screenshot(path=str(ARTIFACTS / "edit_merge.png"), full_page=True)
    second.get_by_role("button", name="Save changes").click()
    settle(second)
    visit(second, f"{app_url}/insight?insight={number}")
    second.get_by_text("Text by A: the locker froze at pickup.").first.wait_for()
    second.get_by_text("#locker").first.wait_for()
    for context, _ in editors:
        context.close()


def test_a_finnish_browser_gets_the_finnish_interface(app_url, browser):
    """The browser's language decides until the person chooses: the sign-in page, the
    navigation and the translated pages are Finnish."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(locale="fi-FI", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(app_url + "/search")
    page.get_by_text("Kirjaudu Oivallukseen").wait_for()
    page.get_by_label("Käyttäjätunnus").wait_for()
    page.screenshot(path=str(ARTIFACTS / "sign_in_in_finnish.png"))
    page.get_by_label("Käyttäjätunnus").fill("admin")
    page.get_by_role("textbox", name="Salasana").fill(ADMIN_PASSWORD)
    page.get_by_role("button", name="Kirjaudu", exact=True).click()
    page.get_by_text("Kirjautuneena").wait_for()
    page.get_by_text("Hae havaintoja").wait_for()
    page.get_by_text("Yleiskuva").first.wait_for()  # the navigation
    assert not page.get_by_text("Search insights").is_visible()
    page.screenshot(path=str(ARTIFACTS / "search_in_finnish.png"), full_page=True)
    context.close()


def test_on_a_phone_the_sidebar_closes_once_a_page_is_chosen(app_url, browser):
    """Issue 28 (3): on a phone the sidebar stayed over the page after choosing a page."""
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True)
    phone.set_default_timeout(90_000)
    visit(phone, app_url + "/")
    phone.locator('[data-testid="stExpandSidebarButton"]').first.click()
    close = phone.locator('[data-testid="stSidebarCollapseButton"]')
    close.wait_for()
    phone.wait_for_timeout(500)  # the sidebar slides open
    phone.get_by_role("link", name="Search").first.click()
    phone.get_by_text("Search insights").first.wait_for()
    close.wait_for(state="detached", timeout=10_000)
    phone.screenshot(path=str(ARTIFACTS / "phone_search.png"))
    phone.close()
