"""Several browser tabs against one `streamlit run`, writing at the same moment."""

from __future__ import annotations

from tests.test_browser import app_url, pytestmark, settle, visit  # noqa: F401

TABS = 3


def test_tabs_saving_at_once_all_land(app_url, browser):  # noqa: F811
    pages = []
    for n in range(TABS):
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        page.set_default_timeout(90_000)
        visit(page, app_url + "/add")
        box = page.get_by_label("What did you learn? *")
        box.fill(f"Tab {n} noticed the courier waiting at the wrong gate number {n}")
        box.press("Tab")
        settle(page)
        pages.append(page)
    for page in pages:  # three saves in flight together
        page.get_by_role("button", name="Save", exact=True).click()
    for page in pages:
        page.get_by_test_id("stAlertContentSuccess").get_by_text("Saved as insight #").wait_for()
    check = pages[0]
    visit(check, app_url + "/search")
    box = check.get_by_placeholder("e.g. slow checkout on mobile · toimitukset")
    box.fill("courier waiting at the wrong gate")
    box.press("Enter")
    for n in range(TABS):
        check.get_by_text(f"Tab {n} noticed the courier", exact=False).first.wait_for()
    for page in pages:
        page.close()
