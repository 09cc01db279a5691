"""The HTTP API under /api/v1 (issue 30), served by views/serve.py beside the pages.

JSON in and out, the schema from views/api_models.py (OpenAPI 3.1 at /api/v1/openapi.json, a
page of docs at /api/v1/docs). Every request carries a personal access token (`Authorization:
Bearer oiv_...`, made on the "API tokens" page) and acts as its person through
`kb.acting_as(person)`: the same role checks and audit entries as the pages. Errors are RFC
9457 problem details. A body is refused before it is parsed when it is larger than
`MAX_BODY` (413) or nested deeper than `MAX_DEPTH` (422); each token may make `RATE` requests
a minute (429 with Retry-After).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from ingest import uploads
from insights import KnowledgeBase
from insights.acting import PermissionDenied
from views.api_http import (
    MAX_BODY,
    MAX_UPLOAD,
    PREFIX,
    RATE,
    RateLimit,
    Refused,
    docs_page,
    parse_body,
    parse_query,
    problem,
    read_body,
    validated,
)
from views.api_imports import ImportJobs
from views.api_models import (
    MAX_ITEMS,
    OPERATIONS,
    Created,
    EvidenceList,
    Me,
    NewInsight,
    NewQuestion,
    Operation,
    QuestionOut,
    Questions,
    SearchResults,
    ThemeOut,
    Themes,
    Vote,
)
from views.api_openapi import openapi
from vocabulary.errors import (
    EditConflict,
    InvalidInput,
    NotFound,
    OivallusError,
)
from vocabulary.imports import ImportRecord
from vocabulary.knowledge import Hit, SearchFilters

log = logging.getLogger("oivallus.api")


def _question(question, mine: set[int]) -> QuestionOut:
    data = question.model_dump(exclude={"voters", "explanation"})
    return QuestionOut.model_validate({**data, "voted": question.id in mine})


# --- the operations: (view acting as the token's person, its token, path id, query, body) ---


def _me(kb, token, _id, _query, _body) -> Me:
    user = kb.actor
    return Me(
        username=user.username,
        display_name=user.display_name,
        role=str(user.role),
        scopes=token.scopes,
        expires_at=token.expires_at,
    )


def _create(kb, _token, _id, _query, body) -> Created:
    if isinstance(body, list):
        if not body:
            raise Refused(422, "Invalid body", "Send at least one insight.")
        if len(body) > MAX_ITEMS:
            raise Refused(
                422,
                "Too many items",
                f"At most {MAX_ITEMS} insights in one request; send {len(body)} in parts.",
                [("body", f"{len(body)} items; at most {MAX_ITEMS}")],
            )
        items = [validated(NewInsight, item, f"{n}.") for n, item in enumerate(body)]
        return Created(ids=kb.insights.add_many(items))
    item = validated(NewInsight, body)
    return Created(ids=[kb.insights.add(item).insight.id])


def _search(kb, _token, _id, query, _body) -> SearchResults:
    filters = SearchFilters.model_validate(query.model_dump(exclude={"q", "limit", "offset"}))
    if query.q.strip():
        hits = kb.insights.search(query.q, query.limit, query.offset, filters)
        return SearchResults(hits=hits)
    found, total = kb.insights.browse(filters, query.offset, query.limit)
    return SearchResults(
        hits=[Hit(insight_id=i.id, score=0.0, insight=i) for i in found], total=total
    )


@dataclass
class Streamed:
    """An answer sent in pieces: its media type, file name and the pieces after the first."""

    media: str
    filename: str
    first: bytes
    rest: Iterator[bytes]


def _export(kb, _token, _id, query, _body) -> Streamed:
    filters = SearchFilters.model_validate(query.model_dump(exclude={"q", "format", "language"}))
    language = query.language or getattr(kb.actor, "language", None) or "en"
    pieces = kb.insights.export_stream(query.q, filters, query.format, language)
    media = "text/csv; charset=utf-8" if query.format == "csv" else "application/x-ndjson"
    return Streamed(media, f"insights.{query.format}", next(pieces, b""), pieces)


def _ask(kb, _token, _id, _query, body) -> QuestionOut:
    question = validated(NewQuestion, body).model_copy(update={"asked_by": kb.actor.username})
    return _question(kb.backlog.ask(question), set())


def _vote(kb, _token, question_id, _query, body) -> QuestionOut:
    wanted = validated(Vote, body).on
    username = kb.actor.username
    mine = kb.backlog.my_votes(username)
    on = (question_id not in mine) if wanted is None else wanted
    question = kb.backlog.vote(question_id, username, on=on)
    return _question(question, mine - {question_id} | ({question_id} if on else set()))


def _ranked(kb, _token, _id, query, _body) -> Questions:
    found = kb.backlog.ranked(
        status=query.status, sort=query.sort, team=query.team, tag=query.tag, segment=query.segment
    )[: query.limit]
    mine = kb.backlog.my_votes(kb.actor.username)
    return Questions(questions=[_question(q, mine) for q in found])


def _themes(kb, _token, _id, _query, _body) -> Themes:
    return Themes(themes=[ThemeOut.model_validate(t.model_dump()) for t in kb.themes.all()])


def _undo(kb, _token, import_id, _query, _body) -> ImportRecord:
    kb.imports.undo_import(import_id)
    return kb.imports.import_record(import_id)


HANDLERS: dict[str, Callable[..., BaseModel | Streamed]] = {
    "me": _me,
    "create_insights": _create,
    "search_insights": _search,
    "export_insights": _export,
    "get_insight": lambda kb, _t, i, _q, _b: kb.insights.get(i),
    "related_insights": lambda kb, _t, i, q, _b: SearchResults(hits=kb.insights.related(i, q.k)),
    "ranked_questions": _ranked,
    "ask_question": _ask,
    "vote": _vote,
    "question_evidence": lambda kb, _t, i, _q, _b: EvidenceList(
        evidence=kb.backlog.question_evidence(kb.backlog.question(i).id)
    ),
    "themes": _themes,
    "import_record": lambda kb, _t, i, _q, _b: kb.imports.import_record(i),
    "undo_import": _undo,
    "kpi": lambda kb, _t, _i, q, _b: kb.analysis.kpi(
        q.metric, q.segment, q.touchpoint, q.start, q.end
    ),
}
ROUTES = [
    (o, re.compile("^" + re.escape(o.path).replace(r"\{id\}", r"(-?\d{1,18})") + "$"))
    for o in OPERATIONS
]


def _route(method: str, path: str) -> tuple[Operation, int | None]:
    allowed = []
    for operation, pattern in ROUTES:
        match = pattern.match(path)
        if match:
            if operation.method == method:
                return operation, int(match.group(1)) if match.groups() else None
            allowed.append(operation.method)
    if allowed:
        raise Refused(
            405,
            "Method not allowed",
            f"Use {' or '.join(allowed)} here.",
            headers={"allow": ", ".join(allowed)},
        )
    raise Refused(404, "Not found", f"No operation at {PREFIX}{path}; see {PREFIX}/docs.")


def _refusal(error: OivallusError) -> Refused:
    if isinstance(error, PermissionDenied):
        return Refused(403, "Forbidden", str(error))
    if isinstance(error, NotFound):
        return Refused(404, "Not found", str(error))
    if isinstance(error, EditConflict):
        return Refused(409, "Conflict", str(error))
    if isinstance(error, InvalidInput):
        return Refused(422, "Invalid input", str(error), [(error.field or "body", str(error))])
    return Refused(422, "Refused", str(error))


class Api:
    """The ASGI application of /api/v1. `source()` gives the knowledge base (None while it
    is loading: 503 with Retry-After)."""

    def __init__(
        self,
        source: Callable[[], KnowledgeBase | None],
        rate: int = RATE,
        uploads: Callable[[], Path] | None = None,
    ) -> None:
        self.source, self.limits = source, RateLimit(rate)
        self.document = openapi(PREFIX)
        self.imports = ImportJobs(uploads or _uploads_folder)
        self.handlers = {
            **HANDLERS,
            "start_import": lambda kb, _t, _i, q, raw: self.imports.start(kb, q.name, raw),
            "import_job": lambda kb, _t, i, _q, _b: self.imports.get(i, kb.actor.username),
        }

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            return
        try:
            status, headers, body = await self._answer(scope, receive)
        except Refused as error:
            status, headers, body = problem(error)
        except Exception:  # noqa: BLE001 - logged; the caller gets a problem, not a trace
            log.exception("API request failed: %s %s", scope.get("method"), scope.get("path"))
            status, headers, body = problem(
                Refused(500, "Internal error", "Something failed on the server; it is logged.")
            )
        headers.setdefault("cache-control", "no-store")
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [(k.encode(), str(v).encode()) for k, v in headers.items()],
            }
        )
        if isinstance(body, Streamed):
            await self._stream(body, send)
            return
        await send({"type": "http.response.body", "body": body})

    async def _stream(self, answer: Streamed, send) -> None:
        """Send a streamed answer piece by piece, each read in a worker thread."""
        from anyio import to_thread

        piece: bytes | None = answer.first
        try:
            while piece is not None:
                await send({"type": "http.response.body", "body": piece, "more_body": True})
                piece = await to_thread.run_sync(next, answer.rest, None)
        except Exception:  # noqa: BLE001 - the status is sent: the answer just ends short
            log.exception("API export failed while streaming")
        await send({"type": "http.response.body", "body": b"", "more_body": False})

    async def _answer(self, scope, receive) -> tuple[int, dict, bytes | Streamed]:
        from anyio import to_thread

        path = scope.get("path", "")
        path = path.split(PREFIX, 1)[1] if PREFIX in path else path  # below the mount
        method = scope.get("method", "GET")
        if path == "/openapi.json" and method == "GET":
            return 200, {"content-type": "application/json"}, json.dumps(self.document).encode()
        if path == "/docs" and method == "GET":
            return 200, {"content-type": "text/html; charset=utf-8"}, docs_page(self.document)
        operation, item_id = _route(method, path)
        headers = dict(
            (k.decode("latin-1").lower(), v.decode("latin-1")) for k, v in scope["headers"]
        )
        limit = MAX_UPLOAD if operation.upload else MAX_BODY
        wanted = operation.body is not None or operation.upload
        raw = await read_body(receive, headers, limit) if wanted else b""
        return await to_thread.run_sync(self._run, operation, item_id, scope, headers, raw)

    def _run(self, operation, item_id, scope, headers, raw) -> tuple[int, dict, bytes | Streamed]:
        base = self.source()
        if base is None:
            raise Refused(
                503,
                "Starting",
                "Oivallus is still loading; try again.",
                headers={"retry-after": "5"},
            )
        secret = headers.get("authorization", "").removeprefix("Bearer ").strip()
        found = base.tokens.person_of(secret)
        if found is None:
            raise Refused(
                401,
                "Unauthorized",
                "Send a live token: Authorization: Bearer oiv_..."
                " (make one on the API tokens page).",
                headers={"www-authenticate": "Bearer"},
            )
        user, token = found
        wait = self.limits.wait(token.id)
        if wait:
            raise Refused(
                429,
                "Too many requests",
                f"At most {self.limits.per_minute} requests a minute per token; wait {wait} s.",
                headers={"retry-after": str(wait)},
            )
        if operation.scope.value not in token.scopes:
            raise Refused(
                403,
                "Forbidden",
                f"This token lacks the scope {operation.scope.value}; make one that has it.",
            )
        query = parse_query(operation.query, scope.get("query_string", b"").decode("latin-1"))
        body = parse_body(raw, headers.get("content-type", "")) if operation.body else raw
        try:
            answer = self.handlers[operation.name](
                base.acting_as(user), token, item_id, query, body
            )
        except OivallusError as error:
            raise _refusal(error) from None
        if isinstance(answer, Streamed):
            disposition = f'attachment; filename="{answer.filename}"'
            return (
                operation.status,
                {"content-type": answer.media, "content-disposition": disposition},
                answer,
            )
        return (
            operation.status,
            {"content-type": "application/json"},
            answer.model_dump_json().encode(),
        )


def api_routes(source: Callable[[], KnowledgeBase | None] | None = None) -> list:
    """The /api/v1 mount for st.App's routes (default source: the app's opening)."""
    from starlette.routing import Mount

    return [Mount(PREFIX, app=Api(source or _opened))]


def _uploads_folder() -> Path:
    from views.common import db_path

    return uploads.folder_for(db_path())


def _opened() -> KnowledgeBase | None:
    from views.common import db_path, get_opening

    opening = get_opening(db_path())
    return opening.knowledge_base() if opening.ready else None
