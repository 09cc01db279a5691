"""GET /api/v1/insights/export: the Search page's export (its columns and function) through
the API, as CSV or JSON Lines, with every filter of GET /insights, sent in pieces; on DuckDB and
PostgreSQL."""

from __future__ import annotations

import csv
import io
import json

import pytest

from insights import KnowledgeBase
from insights.files import exports
from tests.asgi_client import call
from tests.conftest import add_people
from tests.doubles import HashingEmbedder
from tests.test_api import is_problem, token_of
from views.api import Api
from vocabulary.knowledge import SearchFilters


@pytest.fixture
def base(store):
    kb = KnowledgeBase.open(store, embedder=HashingEmbedder())
    add_people(kb)
    kb.insights.add_many(
        [
            {
                "text": f"Parcel locker number {n} was full on Friday evening.",
                "segment": "SMB" if n % 2 else "Enterprise",
                "tags": ["lockers"],
            }
            for n in range(30)
        ]
    )
    kb.wait_for_links(30)  # the links are exported too: all made before comparing
    yield kb
    kb.close()


def rows_of(answer) -> list[dict]:
    text = answer.body.decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def test_a_csv_export_has_the_search_pages_columns_for_the_filters(base, monkeypatch):
    monkeypatch.setattr(exports, "PIECE", 7)  # several pieces: the header only once
    app = Api(lambda: base)
    answer = call(
        app,
        "GET",
        "/api/v1/insights/export",
        "format=csv&segment=SMB",
        token=token_of(base, "vera", ["read"]),
    )
    assert answer.status == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert "insights.csv" in answer.headers["content-disposition"]
    rows = rows_of(answer)
    assert len(rows) == 15 and {r["segment"] for r in rows} == {"SMB"}
    assert answer.body.count(b"\xef\xbb\xbf") == 1
    page = base.insights.export_insights("", SearchFilters(segment=["SMB"]))
    assert answer.body == page  # the same bytes as the Search page's download


def test_jsonl_lines_are_the_same_rows_with_english_names(base):
    app = Api(lambda: base)
    secret = token_of(base, "aino", ["read"])
    answer = call(
        app,
        "GET",
        "/api/v1/insights/export",
        "format=jsonl&q=parcel+locker&tags=lockers",
        token=secret,
    )
    assert answer.status == 200 and answer.headers["content-type"] == "application/x-ndjson"
    lines = [json.loads(line) for line in answer.body.decode().splitlines()]
    assert len(lines) == 30
    assert list(lines[0]) == exports.COLUMNS
    assert lines[0]["tags"] == ["lockers"] and isinstance(lines[0]["id"], int)


def test_csv_headers_in_the_persons_language(base):
    app = Api(lambda: base)
    finnish = call(
        app, "GET", "/api/v1/insights/export", "language=fi", token=token_of(base, "aino", ["read"])
    )
    header = finnish.body.decode("utf-8-sig").splitlines()[0]
    assert "teksti" in header.lower()


def test_nothing_found_is_a_header_and_refusals_are_problems(base):
    app = Api(lambda: base)
    secret = token_of(base, "vera", ["read"])
    empty = call(app, "GET", "/api/v1/insights/export", "segment=Nobody", token=secret)
    assert empty.status == 200 and rows_of(empty) == []
    is_problem(call(app, "GET", "/api/v1/insights/export", "format=xml", token=secret), 422)
    is_problem(call(app, "GET", "/api/v1/insights/export", "limit=5", token=secret), 422)
    is_problem(call(app, "GET", "/api/v1/insights/export"), 401)
    no_read = token_of(base, "aino", ["write"])
    is_problem(call(app, "GET", "/api/v1/insights/export", token=no_read), 403)


def test_the_export_is_in_the_openapi_document(base):
    document = call(Api(lambda: base), "GET", "/api/v1/openapi.json").json()
    entry = document["paths"]["/api/v1/insights/export"]["get"]
    content = entry["responses"]["200"]["content"]
    assert set(content) == {"text/csv", "application/x-ndjson"}
    names = {p["name"] for p in entry["parameters"]}
    search = {p["name"] for p in document["paths"]["/api/v1/insights"]["get"]["parameters"]}
    assert search - {"limit", "offset"} <= names and {"format", "language"} <= names
    docs = call(Api(lambda: base), "GET", "/api/v1/docs").body.decode()
    assert "/api/v1/insights/export" in docs


def test_a_large_export_is_read_a_piece_at_a_time(base, monkeypatch):
    monkeypatch.setattr(exports, "PIECE", 10)
    pieces = base.insights.export_stream(fmt="jsonl")
    first = next(pieces)
    assert first.count(b"\n") == 10  # one piece read, not the whole result
    assert sum(p.count(b"\n") for p in pieces) == 20
