"""A small client that calls an ASGI application in this process (httpx is not a dependency,
so starlette's TestClient is not available): one request, the whole answer."""

from __future__ import annotations

import json as jsonlib
from dataclasses import dataclass
from typing import Any

import anyio


@dataclass
class Answer:
    """A response: status, headers (lower-case names) and body."""

    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        """The body as JSON."""
        return jsonlib.loads(self.body)


def call(
    app,
    method: str,
    path: str,
    query: str = "",
    token: str | None = None,
    json: Any = None,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    chunk: int = 65536,
) -> Answer:
    """Send one request to `app` (`json` is encoded; `body` is sent as is, in chunks)."""
    sent = dict(headers or {})
    if json is not None:
        body = jsonlib.dumps(json).encode()
        sent.setdefault("content-type", "application/json")
    if token is not None:
        sent["authorization"] = f"Bearer {token}"
    payload = body or b""
    sent.setdefault("content-length", str(len(payload)))
    pieces = [payload[i : i + chunk] for i in range(0, len(payload), chunk)] or [b""]
    scope = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": query.encode(),
        "headers": [(k.lower().encode(), v.encode()) for k, v in sent.items()],
        "client": ("127.0.0.1", 1234),
        "server": ("testserver", 80),
        "scheme": "http",
    }
    answer: dict[str, Any] = {"body": b""}

    async def receive():
        if pieces:
            piece = pieces.pop(0)
            return {"type": "http.request", "body": piece, "more_body": bool(pieces)}
        return {"type": "http.disconnect"}

    async def send(message):
        if message["type"] == "http.response.start":
            answer["status"] = message["status"]
            answer["headers"] = {k.decode(): v.decode() for k, v in message["headers"]}
        else:
            answer["body"] += message.get("body", b"")

    anyio.run(app, scope, receive, send)
    return Answer(answer["status"], answer["headers"], answer["body"])
