"""Single sign-on proven (issue 30): a real OpenID Connect provider on loopback
(`oidc-provider-mock`, installed by the dev extras) and the real server (`python -m views.serve`,
as `make run`) with a secrets file of its own giving [auth]; Chromium signs in through the
provider. The first sign-in makes a viewer, the admin's raise to admin stays over sign-out and
a new sign-in, sign-out ends the session (the provider's cookie, even a copy of it, is not
honoured after), and a disabled account is refused with a message (tests/artifacts/sso_*.png).
"""

from __future__ import annotations

import json
import threading
import urllib.error
import urllib.request
from contextlib import contextmanager

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout

from tests.conftest import ARTIFACTS
from tests.doubles import HashingEmbedder
from tests.test_browser import (  # noqa: F401 - pytestmark: marked browser
    ADMIN_PASSWORD,
    _free_port,
    _serve,
    pytestmark,
    settle,
    wait_for_session_cookie,
)

ANNA = {"email": "Anna.Korhonen@example.com", "name": "Anna Korhonen"}
VILLE = {"email": "ville.vanha@example.com", "name": "Ville Vanha"}


@contextmanager
def provider():
    """The OpenID Connect provider on 127.0.0.1 (a free port), in a thread of this process."""
    import werkzeug.serving
    from oidc_provider_mock import app

    server = werkzeug.serving.make_server("127.0.0.1", 0, app(), threaded=True)
    thread = threading.Thread(target=server.serve_forever, args=(0.1,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(10)


def person(idp: str, sub: str, claims: dict) -> None:
    """Who signs in at the provider as `sub`: their email and name claims."""
    request = urllib.request.Request(
        f"{idp}/users/{sub}",
        data=json.dumps(claims).encode(),
        method="PUT",
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=30) as answer:
        assert answer.status == 204


@pytest.fixture(scope="module")
def sso(tmp_path_factory):
    """(the app's address, the provider's, the database file, stop the server): the server
    configured for single sign-on by a secrets file outside the repository
    (`--secrets.files`), on a database with the admin and a disabled account."""
    from insights import KnowledgeBase

    folder = tmp_path_factory.mktemp("browser-sso")
    db = folder / "sso.duckdb"
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    kb.people.ensure_admin(ADMIN_PASSWORD)
    kb.people.create_user(VILLE["email"].lower(), VILLE["name"], role="contributor")
    kb.people.disable_user(VILLE["email"].lower())  # left the company
    kb.close()
    port = _free_port()
    with provider() as idp:
        secrets = folder / "secrets.toml"
        secrets.write_text(
            "[auth]\n"
            f'redirect_uri = "http://localhost:{port}/oauth2callback"\n'
            'cookie_secret = "a cookie secret of the single sign-on test, long enough"\n'
            'client_id = "oivallus"\n'
            'client_secret = "the client secret of the single sign-on test"\n'
            f'server_metadata_url = "{idp}/.well-known/openid-configuration"\n'
        )
        serving = _serve(db, flags=("--secrets.files", str(secrets)), port=port)
        url = next(serving)
        # the address of redirect_uri: the cookies of the sign-in are that host's
        yield url.replace("127.0.0.1", "localhost"), idp, db, lambda: next(serving, None)
        next(serving, None)


def sign_in_at_provider(page, app: str, idp: str, sub: str) -> None:
    """From the sign-in page through the provider's page (the person types who they are) and
    back to the app."""
    page.get_by_role("button", name="Sign in with your organisation account").click()
    page.wait_for_url(idp + "/**")
    page.get_by_placeholder("sub").fill(sub)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(app + "/**")


def signed_in_as(page, text: str) -> None:
    page.get_by_text("Signed in as").first.wait_for()
    page.get_by_text(text, exact=False).first.wait_for()
    settle(page)


def sign_out(page, app: str, idp: str) -> None:
    """Sign out: Oivallus ends the session, Streamlit clears its cookies and sends the browser
    to the provider's sign-out, which comes back to the sign-in page."""
    page.get_by_role("button", name="Sign out").click()
    page.wait_for_url(idp + "/**")
    page.get_by_role("button").first.click()  # the provider's "Log out" confirmation
    page.wait_for_url(app + "/**")
    page.get_by_role("button", name="Sign in with your organisation account").wait_for()


def cookie(context, name: str) -> dict | None:
    return next((c for c in context.cookies() if c["name"] == name), None)


def media_status(app: str, cookies: list[dict]) -> int:
    """What the gate answers a download (of a file that does not exist) with these cookies:
    403 when it refuses, Streamlit's 404 when it lets the request through."""
    header = "; ".join(f"{c['name']}={c['value']}" for c in cookies)
    request = urllib.request.Request(app + "/media/nothing.csv", headers={"Cookie": header})
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status
    except urllib.error.HTTPError as error:
        return error.code


def choose(page, box: str, option: str, exact: bool = False) -> None:
    """Pick an option of the selectbox labelled `box`: on a busy machine a late rerun may close
    the list just opened (seen in CI: the option never showed), so it is opened again."""
    for _ in range(4):
        settle(page)
        page.locator('[data-testid="stSelectbox"]').filter(has_text=box).click()
        found = page.get_by_role("option", name=option, exact=exact)
        try:
            found.wait_for(timeout=20_000)
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
            continue
        found.click()
        settle(page)
        return
    raise AssertionError(f"{box!r} never offered {option!r}")


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"sso_{name}.png"), full_page=True)


def test_first_sign_in_makes_a_viewer_an_admin_stays_admin_and_sign_out_ends_it(sso, browser):
    app, idp, _db, _stop = sso
    person(idp, "anna", ANNA)
    anna = browser.new_context(viewport={"width": 1300, "height": 900})
    page = anna.new_page()
    page.set_default_timeout(90_000)
    page.goto(app)
    page.get_by_text("Sign in to Oivallus").wait_for()
    shot(page, "sign_in")
    sign_in_at_provider(page, app, idp, "anna")
    signed_in_as(page, "Anna Korhonen")
    page.get_by_text("· viewer").first.wait_for()
    page.get_by_role("heading", name="Team lead's view").wait_for()  # a viewer's landing page
    settle(page)
    shot(page, "first_sign_in_viewer")

    # the admin (a password account made here) raises her to admin on the Admin page
    admin_context = browser.new_context(viewport={"width": 1300, "height": 1000})
    admin = admin_context.new_page()
    admin.set_default_timeout(90_000)
    admin.goto(app)
    admin.get_by_text("Sign in with a username and password").click()
    admin.get_by_label("Username").fill("admin")
    admin.get_by_role("textbox", name="Password").fill(ADMIN_PASSWORD)
    admin.get_by_role("button", name="Sign in", exact=True).click()
    signed_in_as(admin, "Administrator")
    wait_for_session_cookie(admin)
    admin.goto(app + "/admin")
    admin.get_by_text("Change a person").wait_for()
    username = ANNA["email"].lower()
    choose(admin, "Person", username)
    choose(admin, "New role", "admin", exact=True)
    admin.get_by_role("button", name="Set role").click()
    settle(admin)
    shot(admin, "admin_raised")
    admin_context.close()

    # a new role ends her session: the next page load asks her to sign in again
    page.reload()
    page.get_by_text("Your session ended").wait_for()
    sign_in_at_provider(page, app, idp, "anna")
    signed_in_as(page, "Anna Korhonen")
    page.get_by_text("· admin").first.wait_for()
    copied = anna.cookies()  # what someone who copied her cookies would have
    assert cookie(anna, "_streamlit_user") is not None
    assert media_status(app, copied) == 404  # the gate lets her downloads through

    sign_out(page, app, idp)
    assert cookie(anna, "_streamlit_user") is None
    page.reload()
    page.get_by_role("button", name="Sign in with your organisation account").wait_for()
    assert page.get_by_text("Signed in as").count() == 0
    shot(page, "signed_out")
    # the copied cookies open nothing: neither the pages nor a download
    assert media_status(app, copied) == 403
    thief = browser.new_context(viewport={"width": 1300, "height": 900})
    thief.add_cookies(copied)
    stolen = thief.new_page()
    stolen.set_default_timeout(90_000)
    stolen.goto(app + "/search")
    stolen.get_by_role("button", name="Sign in with your organisation account").wait_for()
    settle(stolen)
    assert stolen.get_by_text("Signed in as").count() == 0
    thief.close()

    # signing in again: still an admin (the role is kept with her account)
    sign_in_at_provider(page, app, idp, "anna")
    signed_in_as(page, "Anna Korhonen")
    page.get_by_text("· admin").first.wait_for()
    shot(page, "second_sign_in_admin")
    sign_out(page, app, idp)
    anna.close()


def test_a_disabled_account_is_refused_with_a_message(sso, browser):
    app, idp, _db, _stop = sso
    person(idp, "ville", VILLE)
    context = browser.new_context(locale="fi-FI", viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.set_default_timeout(90_000)
    page.goto(app)
    page.get_by_text("Kirjaudu Oivallukseen").wait_for()
    page.get_by_role("button", name="Kirjaudu organisaatiosi tunnuksella").click()
    page.wait_for_url(idp + "/**")
    page.get_by_placeholder("sub").fill("ville")
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(app + "/**")
    page.get_by_text("on poistettu käytöstä").wait_for()
    settle(page)
    assert page.get_by_text("Kirjautuneena").count() == 0
    assert media_status(app, context.cookies()) == 403
    shot(page, "disabled_refused_fi")
    context.close()


def test_the_accounts_after_single_sign_on(sso):
    """The accounts table as the knowledge base has it, once the server has stopped: her
    account made by her first sign-in (audited as a single sign-on), her role admin, and no
    account for the disabled person's sign-in other than the one he had."""
    from insights import KnowledgeBase

    _app, _idp, db, stop = sso
    stop()
    kb = KnowledgeBase.open(db, embedder=HashingEmbedder())
    anna = kb.people.user(ANNA["email"].lower())
    assert anna is not None and anna.role == "admin" and anna.display_name == "Anna Korhonen"
    made = kb.people.audit("user", anna.username)
    assert any(e.action == "create" and (e.after or {}).get("sso") for e in made)
    ville = kb.people.user(VILLE["email"].lower())
    assert ville is not None and ville.disabled_at is not None and ville.role == "contributor"
    assert len(kb.people.users()) == 3
    kb.close()
