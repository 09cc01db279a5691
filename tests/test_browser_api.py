"""Real browser and the real server (`python -m views.serve`, as `make run`): a person makes a
token on the API tokens page, and a request with it from Python to the same server's
/api/v1 succeeds and acts as them (tests/artifacts/api_token.png)."""

from __future__ import annotations

import json
import time
import urllib.error
import urllib.request

import pytest

from tests.conftest import ARTIFACTS
from tests.test_browser import _serve, pytestmark, settle, visit  # noqa: F401 - marked browser


@pytest.fixture(scope="module")
def api_url(tmp_path_factory):
    """The app on a fresh file, the API beside its pages."""
    yield from _serve(tmp_path_factory.mktemp("browser-api") / "api.duckdb")


def request(url: str, token: str, body: object = None) -> tuple[int, dict]:
    """One API request; its status and JSON (a problem's too)."""
    data = None if body is None else json.dumps(body).encode()
    sent = urllib.request.Request(
        url,
        data=data,
        headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"},
        method="GET" if body is None else "POST",
    )
    try:
        with urllib.request.urlopen(sent, timeout=60) as answer:
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_token_made_on_the_page_works_from_python(api_url, browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.set_default_timeout(90_000)
    visit(page, api_url + "/api_tokens")
    page.get_by_label("Name (what it is for)").fill("Support desk bridge")
    page.get_by_role("button", name="Make token").click()
    page.get_by_text("Copy it now: it is not shown again").wait_for()
    settle(page)
    secret = page.locator('[data-testid="stCode"] code').first.inner_text().strip()
    assert secret.startswith("oiv_"), secret
    page.screenshot(path=str(ARTIFACTS / "api_token.png"), full_page=True)

    status, me = request(api_url + "/api/v1/me", secret)
    deadline = time.monotonic() + 120
    while status == 503 and time.monotonic() < deadline:  # the model still loading
        time.sleep(1)
        status, me = request(api_url + "/api/v1/me", secret)
    assert status == 200 and me["username"] == "admin" and me["scopes"] == ["read"]
    status, found = request(api_url + "/api/v1/insights?q=checkout", secret)
    assert status == 200 and found["hits"] == []
    status, problem = request(api_url + "/api/v1/insights", secret, {"text": "x y z"})
    assert status == 403 and "scope write" in problem["detail"]  # read only, as made
    status, problem = request(api_url + "/api/v1/me", "oiv_" + "0" * 43)
    assert status == 401 and problem["title"] == "Unauthorized"
    page.reload()
    page.get_by_text("Support desk bridge").wait_for()
    page.get_by_text("last used").wait_for()  # the page shows it was used
    assert page.locator('[data-testid="stCode"]').count() == 0  # shown once only
    page.close()
