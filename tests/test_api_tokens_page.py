"""The API tokens page (views/api_tokens.py): a person makes a token, sees it once, uses it
on the HTTP API, lists and revokes it; in English and in Finnish."""

from __future__ import annotations

from tests.asgi_client import call
from tests.test_pages import open_app, shared
from views.api import Api


def make_token(at, name: str, scopes: list[str]) -> None:
    at.text_input(key="token-name").input(name)
    at.multiselect(key="token-scopes").set_value(scopes)
    at.button[0].click().run()  # the form's "Make token"
    assert not at.exception, at.exception


def test_a_person_makes_a_token_sees_it_once_uses_it_and_revokes_it(app_db):
    at = open_app("views/api_tokens.py", user="mikko")
    assert at.title[0].value == "API tokens"
    assert "no tokens yet" in " ".join(i.value for i in at.info)
    make_token(at, "Zendesk bridge", ["read", "write"])
    (secret,) = [c.value for c in at.code]
    assert secret.startswith("oiv_") and len(secret) > 40
    assert "not shown again" in at.success[0].value
    base = shared(app_db)
    (token,) = base.acting_as(base.people.user("mikko")).tokens.mine()
    assert token.name == "Zendesk bridge" and token.scopes == ["read", "write"]
    assert "Zendesk bridge" in " ".join(m.value for m in at.markdown)
    answer = call(
        Api(lambda: base),
        "POST",
        "/api/v1/insights",
        token=secret,
        json={"text": "Agents ask for the order number twice."},
    )
    assert answer.status == 201
    assert base.insights.get(answer.json()["ids"][0]).created_by == "mikko"
    at.run()  # the next run: the secret is gone from the page
    assert not at.code
    at.button(key=f"revoke-{token.id}").click().run()
    assert "revoked" in " ".join(c.value for c in at.caption)
    assert call(Api(lambda: base), "GET", "/api/v1/me", token=secret).status == 401


def test_the_page_lists_only_ones_own_tokens(app_db):
    at = open_app("views/api_tokens.py", user="vera")
    make_token(at, "Vera's dashboard", ["read"])
    other = open_app("views/api_tokens.py", user="aino")
    assert "Vera's dashboard" not in " ".join(m.value for m in other.markdown)


def test_a_bad_token_request_is_refused_where_the_form_is(app_db):
    at = open_app("views/api_tokens.py", user="mikko")
    make_token(at, "", ["read"])
    assert at.error and not at.code


def test_the_page_in_finnish(app_db, monkeypatch):
    monkeypatch.setenv("OIVALLUS_LANGUAGE", "fi")
    at = open_app("views/api_tokens.py", user="mikko")
    assert at.title[0].value == "API-avaimet"
    make_token(at, "Raportti", ["read"])
    assert "ei näytetä uudelleen" in at.success[0].value
    shown = " ".join([c.value for c in at.caption] + [m.value for m in at.markdown])
    assert "voimassa" in shown and "valid" not in shown and "never" not in shown
