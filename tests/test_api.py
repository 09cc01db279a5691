"""The HTTP API (views/api.py) end to end on a real DuckDB file with the fake embedder: a
token per role, scopes, revoked and expired tokens, the audit log, hostile bodies, the rate
limit, and a Hypothesis walk over the OpenAPI document that finds no 500."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from insights import KnowledgeBase
from tests.asgi_client import call
from tests.conftest import add_people
from tests.doubles import HashingEmbedder
from views.api import Api
from views.api_http import MAX_BODY
from views.api_models import OPERATIONS
from vocabulary.knowledge import now

ROLES = {"admin": "admin", "researcher": "aino", "contributor": "mikko", "viewer": "vera"}
ALL = ["read", "write", "import"]


@pytest.fixture
def folder(tmp_path):
    """The private uploads folder of the API's imports."""
    made = tmp_path / "uploads"
    made.mkdir()
    return made


@pytest.fixture
def base(tmp_path):
    kb = KnowledgeBase.open(tmp_path / "api.duckdb", embedder=HashingEmbedder())
    add_people(kb)
    kb.add({"text": "Customers cannot find the discount code field at checkout."})
    yield kb
    kb.close()


def token_of(kb, username: str, scopes=ALL, days: int = 30) -> str:
    """A new token of `username`, made as they would on the API tokens page."""
    _, secret = kb.acting_as(kb.people.user(username)).tokens.create(
        {"name": f"{username}'s script", "scopes": scopes, "days": days}
    )
    return secret


def is_problem(answer, status: int) -> dict:
    assert answer.status == status, (answer.status, answer.body[:300])
    assert answer.headers["content-type"] == "application/problem+json"
    found = answer.json()
    assert {"type", "title", "status", "detail", "errors"} <= set(found)
    assert found["status"] == status
    return found


@pytest.mark.parametrize("role", ["admin", "researcher", "contributor"])
def test_a_token_per_role_creates_searches_and_votes_as_its_person(base, role):
    username = ROLES[role]
    app, secret = Api(lambda: base), token_of(base, username)
    created = call(
        app,
        "POST",
        "/api/v1/insights",
        token=secret,
        json={"text": "Parcel lockers are full every Friday."},
    )
    assert created.status == 201
    (new_id,) = created.json()["ids"]
    assert base.insights.get(new_id).created_by == username
    found = call(app, "GET", "/api/v1/insights", "q=parcel+lockers", token=secret).json()
    assert new_id in [h["insight_id"] for h in found["hits"]]
    asked = call(
        app, "POST", "/api/v1/questions", token=secret, json={"text": "Why are lockers full?"}
    )
    assert asked.status == 201 and asked.json()["asked_by"] == username
    question = asked.json()["id"]
    voted = call(app, "POST", f"/api/v1/questions/{question}/vote", token=secret, json={})
    assert voted.json()["votes"] == 1 and voted.json()["voted"]
    assert username in base.backlog.question(question).voters
    again = call(app, "POST", f"/api/v1/questions/{question}/vote", token=secret, json={})
    assert again.json()["votes"] == 0 and not again.json()["voted"]  # a toggle
    evidence = call(app, "GET", f"/api/v1/questions/{question}/evidence", token=secret)
    assert evidence.status == 200 and isinstance(evidence.json()["evidence"], list)
    # every write in the audit log as the token's person, and the token itself nowhere in it
    actions = {(e.actor, e.action, e.entity) for e in base.people.audit(limit=50)}
    for action, entity in (("create", "insight"), ("ask", "question"), ("vote", "question")):
        assert (username, action, entity) in actions
    assert secret not in json.dumps([e.model_dump(mode="json") for e in base.people.audit()])


def test_a_viewer_reads_and_votes_but_cannot_write(base):
    app, secret = Api(lambda: base), token_of(base, "vera")
    before = base.count()
    refused = call(app, "POST", "/api/v1/insights", token=secret, json={"text": "A new note"})
    assert "contributor" in is_problem(refused, 403)["detail"]
    is_problem(call(app, "POST", "/api/v1/questions", token=secret, json={"text": "Why?? x"}), 403)
    assert base.count() == before
    assert call(app, "GET", "/api/v1/insights", "q=checkout", token=secret).status == 200
    question = base.backlog.ask({"text": "Is the discount field hidden?"}).id
    voted = call(app, "POST", f"/api/v1/questions/{question}/vote", token=secret, json={"on": True})
    assert voted.status == 200 and voted.json()["votes"] == 1
    assert ("vera", "vote", "question") in {
        (e.actor, e.action, e.entity) for e in base.people.audit(limit=5)
    }


def test_a_token_without_the_scope_is_refused(base):
    app, secret = Api(lambda: base), token_of(base, "mikko", scopes=["read"])
    found = is_problem(
        call(app, "POST", "/api/v1/insights", token=secret, json={"text": "x y"}), 403
    )
    assert "scope write" in found["detail"]
    assert call(app, "GET", "/api/v1/themes", token=secret).status == 200


def test_missing_unknown_revoked_and_expired_tokens_get_401(base):
    app = Api(lambda: base)
    assert is_problem(call(app, "GET", "/api/v1/me"), 401)
    assert call(app, "GET", "/api/v1/me").headers["www-authenticate"] == "Bearer"
    is_problem(call(app, "GET", "/api/v1/me", token="oiv_" + "x" * 43), 401)
    mikko = base.acting_as(base.people.user("mikko"))
    token, secret = mikko.tokens.create({"name": "old", "scopes": ["read"]})
    assert call(app, "GET", "/api/v1/me", token=secret).json()["username"] == "mikko"
    assert mikko.tokens.mine()[0].last_used_at is not None
    mikko.tokens.revoke(token.id)
    is_problem(call(app, "GET", "/api/v1/me", token=secret), 401)
    expired = token_of(base, "aino")
    with base.db.transaction() as cur:
        cur.execute(
            "UPDATE api_tokens SET expires_at = ? WHERE username = 'aino'",
            [now() - timedelta(seconds=1)],
        )
    is_problem(call(app, "GET", "/api/v1/me", token=expired), 401)
    # a disabled account's tokens stop at once
    live = token_of(base, "vera")
    base.people.disable_user("vera")
    is_problem(call(app, "GET", "/api/v1/me", token=live), 401)


def test_a_person_revokes_only_their_own_tokens(base):
    mikko = base.acting_as(base.people.user("mikko"))
    vera = base.acting_as(base.people.user("vera"))
    token, _ = mikko.tokens.create({"name": "mine", "scopes": ["read"]})
    from vocabulary.errors import NotFound

    with pytest.raises(NotFound):
        vera.tokens.revoke(token.id)
    assert [t.id for t in mikko.tokens.mine()] == [token.id] and not vera.tokens.mine()
    entries = base.people.audit(entity="token")
    assert [(e.actor, e.action) for e in entries] == [("mikko", "create")]


HOSTILE = {
    "oversized": (b'{"text": "' + b"x" * (MAX_BODY + 10) + b'"}', 413),
    "deeply nested": (b'{"text": "x", "tags": ' + b"[" * 5000 + b"]" * 5000 + b"}", 422),
    "wrong types": (
        json.dumps({"text": 12, "observed_at": "last tuesday", "tags": "a"}).encode(),
        422,
    ),
    "unknown fields": (json.dumps({"text": "fine", "owner": "someone else"}).encode(), 422),
    "10,000 items": (json.dumps([{"text": f"note {i}"} for i in range(10_000)]).encode(), 422),
    "one bad item of many": (json.dumps([{"text": "fine"}, {"text": ""}]).encode(), 422),
    "not json": (b'{"text": ', 400),
    "a string": (b'"just text"', 422),
}


@pytest.mark.parametrize("name", list(HOSTILE))
def test_hostile_bodies_get_problems_and_store_nothing(base, name):
    body, status = HOSTILE[name]
    app, secret = Api(lambda: base), token_of(base, "aino")
    before = base.count()
    answer = call(
        app,
        "POST",
        "/api/v1/insights",
        token=secret,
        body=body,
        headers={"content-type": "application/json"},
    )
    found = is_problem(answer, status)
    if status == 422 and name != "deeply nested":
        assert found["errors"] and all(e["field"] and e["detail"] for e in found["errors"])
    assert base.count() == before


def test_an_oversized_body_is_refused_before_it_is_read_whole(base):
    app, secret = Api(lambda: base), token_of(base, "aino")
    declared = call(
        app,
        "POST",
        "/api/v1/insights",
        token=secret,
        body=b"{}",
        headers={"content-type": "application/json", "content-length": str(MAX_BODY * 10)},
    )
    is_problem(declared, 413)


def test_a_thousand_insights_in_one_call(base):
    app, secret = Api(lambda: base), token_of(base, "aino")
    items = [
        {"text": f"Shelf {i} was empty on Monday morning", "segment": "Retail"} for i in range(1000)
    ]
    answer = call(app, "POST", "/api/v1/insights", token=secret, json=items)
    assert answer.status == 201 and len(set(answer.json()["ids"])) == 1000
    assert ("aino", "create many", "insight") in {
        (e.actor, e.action, e.entity) for e in base.people.audit(limit=5)
    }


def test_other_problems(base):
    app, secret = Api(lambda: base), token_of(base, "aino")
    is_problem(call(app, "GET", "/api/v1/insights/999999", token=secret), 404)
    is_problem(call(app, "GET", "/api/v1/questions/999999/evidence", token=secret), 404)
    is_problem(call(app, "GET", "/api/v1/nothing", token=secret), 404)
    assert is_problem(call(app, "DELETE", "/api/v1/themes", token=secret), 405)
    wrong = is_problem(
        call(app, "GET", "/api/v1/insights", "limit=many&colour=red", token=secret), 422
    )
    assert {e["field"] for e in wrong["errors"]} == {"limit", "colour"}
    for query in ("tags=%08", "tags=a%00b", "segment=%1b", "q=late%7f"):  # found by Hypothesis
        control = is_problem(call(app, "GET", "/api/v1/insights", query, token=secret), 422)
        assert "control character" in control["errors"][0]["detail"]
    plain = call(
        app,
        "POST",
        "/api/v1/insights",
        token=secret,
        body=b"text=x",
        headers={"content-type": "text/plain"},
    )
    is_problem(plain, 415)
    loading = Api(lambda: None)
    assert is_problem(call(loading, "GET", "/api/v1/me", token=secret), 503)


CSV = (
    b"text,segment\n"
    b"The parcel locker app froze at pickup,Consumer\n"
    b"Drivers could not find the loading dock,SMB\n"
    b",SMB\n"
)


def follow(app, secret: str, job: int, seconds: float = 60) -> dict:
    """An import job's state once it is no longer running."""
    import time

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        state = call(app, "GET", f"/api/v1/import-jobs/{job}", token=secret).json()
        if state["status"] != "running":
            return state
        time.sleep(0.05)
    raise AssertionError(f"import job {job} still running")


def test_import_a_file_follow_its_progress_and_undo_it(base, folder):
    app = Api(lambda: base, uploads=lambda: folder)
    secret = token_of(base, "aino")
    before = base.count()
    started = call(
        app,
        "POST",
        "/api/v1/imports",
        "name=lockers.csv",
        token=secret,
        body=CSV,
        headers={"content-type": "text/csv"},
    )
    assert started.status == 202 and started.json()["status"] == "running"
    done = follow(app, secret, started.json()["id"])
    assert done["status"] == "finished" and done["inserted"] == 2 and done["rejected"] == 1
    assert done["done"] == 3 and not list(folder.iterdir())  # the upload is deleted
    assert base.count() == before + 2
    record = call(app, "GET", f"/api/v1/imports/{done['import_id']}", token=secret).json()
    assert record["imported_by"] == "aino" and record["file"] == "lockers.csv"
    undone = call(app, "POST", f"/api/v1/imports/{done['import_id']}/undo", token=secret)
    assert undone.status == 200 and undone.json()["undone_at"]
    assert base.count() == before
    again = call(app, "POST", f"/api/v1/imports/{done['import_id']}/undo", token=secret)
    assert "already undone" in is_problem(again, 422)["detail"]
    actions = {(e.actor, e.action, e.entity) for e in base.people.audit(limit=10)}
    assert {("aino", "import", "import"), ("aino", "undo", "import")} <= actions
    # another person cannot follow aino's job
    other = token_of(base, "admin")
    is_problem(call(app, "GET", f"/api/v1/import-jobs/{started.json()['id']}", token=other), 404)


def test_imports_need_the_role_and_the_scope(base, folder):
    app = Api(lambda: base, uploads=lambda: folder)
    contributor = token_of(base, "mikko")
    refused = call(app, "POST", "/api/v1/imports", "name=a.csv", token=contributor, body=CSV)
    assert "researcher" in is_problem(refused, 403)["detail"]
    reader = token_of(base, "aino", scopes=["read", "write"])
    is_problem(call(app, "POST", "/api/v1/imports", "name=a.csv", token=reader, body=CSV), 403)
    researcher = token_of(base, "aino", scopes=["import"])
    wrong = call(app, "POST", "/api/v1/imports", "name=a.exe", token=researcher, body=CSV)
    assert is_problem(wrong, 422)["errors"][0]["field"] == "name"
    assert not list(folder.iterdir())


def test_each_token_has_a_rate_limit(base):
    app = Api(lambda: base, rate=3)
    first, second = token_of(base, "aino"), token_of(base, "vera")
    assert [call(app, "GET", "/api/v1/me", token=first).status for _ in range(3)] == [200] * 3
    limited = is_problem(call(app, "GET", "/api/v1/me", token=first), 429)
    assert int(call(app, "GET", "/api/v1/me", token=first).headers["retry-after"]) >= 1
    assert "3 requests" in limited["detail"]
    assert call(app, "GET", "/api/v1/me", token=second).status == 200


def test_the_openapi_document_and_docs_page(base):
    app = Api(lambda: base)
    document = call(app, "GET", "/api/v1/openapi.json").json()
    assert document["openapi"].startswith("3.1")
    operations = {(m.upper(), p) for p, ms in document["paths"].items() for m in ms}
    assert operations == {(o.method, "/api/v1" + o.path) for o in OPERATIONS}
    schema = document["components"]["schemas"]["NewInsight"]
    assert schema["additionalProperties"] is False and "text" in schema["required"]
    import jsonschema

    jsonschema.Draft202012Validator.check_schema(schema)
    page = call(app, "GET", "/api/v1/docs")
    assert page.status == 200 and b"POST /api/v1/insights" in page.body
    assert b"<script" not in page.body and b"http" not in page.body.split(b"<body>")[1]


def _values(schema: dict):
    """Values for a parameter's schema: sometimes fitting, often not."""
    hostile = st.one_of(st.text(max_size=30), st.integers().map(str), st.just(""))
    if schema.get("type") == "integer":
        return st.one_of(st.integers(-(10**20), 10**20).map(str), hostile)
    return hostile


JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=20,
)
FIELDS = st.fixed_dictionaries(
    {"text": st.text(max_size=50)},
    optional={
        "tags": st.lists(st.text(max_size=70), max_size=3),
        "observed_at": st.text(max_size=12),
        "sentiment": st.sampled_from(["negative", "positive", "angry", ""]),
        "impact": st.integers(-3, 9),
        "on": JSON,
    },
)


@st.composite
def requests(draw, document):
    path, methods = draw(st.sampled_from(sorted(document["paths"].items())))
    method, entry = draw(st.sampled_from(sorted(methods.items())))
    query = []
    for parameter in entry["parameters"]:
        value = draw(_values(parameter["schema"]))
        if parameter["in"] == "path":
            path = path.replace("{" + parameter["name"] + "}", value or "0")
        elif draw(st.booleans()):
            query.append(f"{parameter['name']}={value}")
    body = None
    if "requestBody" in entry:
        body = draw(st.one_of(FIELDS, st.lists(FIELDS, max_size=3), JSON))
    return method.upper(), path, "&".join(query), body


def test_no_operation_of_the_openapi_document_answers_500(base, folder):
    app = Api(lambda: base, rate=10**6, uploads=lambda: folder)
    secret = token_of(base, "aino")
    document = call(app, "GET", "/api/v1/openapi.json").json()
    seen: set[int] = set()

    @settings(max_examples=250, deadline=None, suppress_health_check=list(HealthCheck))
    @given(requests(document))
    def no_500(request):
        method, path, query, body = request
        from urllib.parse import quote

        answer = call(app, method, quote(path), quote(query, safe="=&"), token=secret, json=body)
        seen.add(answer.status)
        assert answer.status < 500, (method, path, query, body, answer.body[:500])
        if answer.status >= 400:
            assert answer.headers["content-type"] == "application/problem+json"

    no_500()
    app.imports.wait()
    assert {200, 422} <= seen


def test_a_token_never_reaches_the_log(base, caplog):
    import logging

    app, secret = Api(lambda: base), token_of(base, "mikko")
    with caplog.at_level(logging.DEBUG):
        call(app, "POST", "/api/v1/insights", token=secret, json={"text": "Kiosk screen froze"})
        call(app, "GET", "/api/v1/insights/0", token=secret)
        call(app, "GET", "/api/v1/me", token=secret[:-1] + "x")
    assert secret not in caplog.text and secret[4:] not in caplog.text
    stored = json.dumps([e.model_dump(mode="json") for e in base.people.audit()])
    assert secret[4:12] not in stored  # only the first 4 characters (the prefix) are kept


def test_a_support_desk_trigger_fired_twice_adds_one_insight(base):
    """The Zendesk trigger body of the README: a ticket sent twice is one insight, with its
    source, external id and address."""
    app, secret = Api(lambda: base), token_of(base, "mikko", ["write"])
    body = {
        "text": 'Asiakas: "laskussa on väärä ALV-numero", toinen kerta tässä kuussa.',
        "title": "Väärä ALV-numero laskussa",
        "source": "support ticket",
        "external_id": "zendesk-4711",
        "source_url": "https://yourcompany.zendesk.com/agent/tickets/4711",
        "channel": "support",
    }
    first = call(app, "POST", "/api/v1/insights", token=secret, json=body)
    again = call(app, "POST", "/api/v1/insights", token=secret, json=body)
    assert first.status == again.status == 201
    assert first.json()["ids"] == again.json()["ids"]
    stored = base.get(first.json()["ids"][0])
    assert (stored.source, stored.external_id, stored.created_by) == (
        "support ticket",
        "zendesk-4711",
        "mikko",
    )
    assert stored.source_url == body["source_url"]
