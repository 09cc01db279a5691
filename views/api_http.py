"""The HTTP side of the API (views/api.py): problem details (RFC 9457), reading a body with
its limits before parsing it, queries as their models, the rate limit and the docs page."""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from html import escape
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ValidationError

from views.api_models import FieldProblem
from vocabulary.errors import _PYDANTIC, InvalidValue, Message
from vocabulary.knowledge import check_control_chars

PREFIX = "/api/v1"
MAX_BODY = 2 * 1024 * 1024  # bytes of JSON
MAX_UPLOAD = 50 * 1024 * 1024  # bytes of a file to import
MAX_DEPTH = 8  # arrays and objects inside each other
RATE = 120  # requests a minute per token


class Refused(Exception):
    """A request refused with a problem (status, title, detail, field problems)."""

    def __init__(self, status: int, title: str, detail: str, errors=(), headers=None) -> None:
        super().__init__(detail)
        self.status, self.title, self.detail = status, title, detail
        self.errors = [FieldProblem(field=f, detail=d) for f, d in errors]
        self.headers = headers or {}


def _slug(title: str) -> str:
    return re.sub(r"[^a-z]+", "-", title.lower()).strip("-")


def problem(error: Refused) -> tuple[int, dict, bytes]:
    """The RFC 9457 answer to a refusal."""
    body = {
        "type": f"{PREFIX}/problems/{_slug(error.title)}",
        "title": error.title,
        "status": error.status,
        "detail": error.detail,
        "errors": [e.model_dump() for e in error.errors],
    }
    headers = {"content-type": "application/problem+json", **error.headers}
    return error.status, headers, json.dumps(body).encode()


def _field_problems(error: ValidationError, prefix: str = "") -> list[tuple[str, str]]:
    found = []
    for item in error.errors():
        where = prefix + ".".join(str(p) for p in item["loc"]) or "body"
        said = _PYDANTIC.get(item["type"])
        ctx = {k: str(v) for k, v in (item.get("ctx") or {}).items()}
        if item["type"] == "extra_forbidden":
            detail = f"{where} is not a field of this operation; remove it"
        elif said is not None:
            detail = str(Message(said.template, {**ctx, "field": where}))
        else:
            detail = f"{where}: {str(item['msg']).removeprefix('Value error, ')}"
        found.append((where, detail))
    return found[:50]


def _depth(body: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text (strings skipped), without parsing."""
    deepest = depth = 0
    for match in re.finditer(rb'"(?:[^"\\]|\\.)*"|[\[\]{}]', body):
        token = match.group()
        if token in (b"[", b"{"):
            depth += 1
            deepest = max(deepest, depth)
        elif token in (b"]", b"}"):
            depth -= 1
    return deepest


def parse_body(body: bytes, content_type: str) -> Any:
    """The JSON value of a request body, refused when it is not JSON or nests too deep."""
    if content_type.split(";")[0].strip().lower() != "application/json":
        raise Refused(415, "Unsupported media type", "Send the body as application/json.")
    if _depth(body) > MAX_DEPTH:
        raise Refused(
            422,
            "Too deeply nested",
            f"The body nests arrays and objects more than {MAX_DEPTH} deep; flatten it.",
        )
    try:
        return json.loads(body)
    except (ValueError, RecursionError) as error:
        raise Refused(400, "Not JSON", f"The body is not JSON: {error}.") from None


def validated(model: type[BaseModel], value: Any, prefix: str = "") -> Any:
    """`value` as `model`, refused (422) naming each field (`prefix`: where it sits)."""
    if not isinstance(value, dict):
        raise Refused(
            422, "Invalid body", "Send a JSON object.", [(prefix or "body", "not an object")]
        )
    try:
        return model.model_validate(value)
    except ValidationError as error:
        raise Refused(
            422,
            "Invalid body",
            "Some fields were refused; see errors.",
            _field_problems(error, prefix),
        ) from None


def parse_query(model: type[BaseModel] | None, raw: str) -> Any:
    """The query string as its model (repeated names: a list), refused field by field."""
    pairs = parse_qsl(raw, keep_blank_values=True)
    if model is None:
        if pairs:
            raise Refused(422, "Invalid query", "This operation takes no query parameters.")
        return None
    if len(pairs) > 100:
        raise Refused(422, "Invalid query", "At most 100 query parameters.")
    values: dict[str, Any] = {}
    for name, value in pairs:
        try:  # a control character matches nothing stored, and breaks tag keys
            check_control_chars(value)
        except InvalidValue as error:
            raise Refused(
                422,
                "Invalid query",
                "Some parameters were refused; see errors.",
                [(name, str(error))],
            ) from None
        field = model.model_fields.get(name)
        if field is not None and "list" in str(field.annotation):
            values.setdefault(name, []).append(value)
        elif value != "" or field is None:  # an empty value: the default
            values[name] = value
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise Refused(
            422,
            "Invalid query",
            "Some parameters were refused; see errors.",
            _field_problems(error),
        ) from None


class RateLimit:
    """At most `per_minute` requests a minute per token (a sliding window, in this process)."""

    def __init__(self, per_minute: int = RATE) -> None:
        self.per_minute = per_minute
        self._seen: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def wait(self, key: str) -> int:
        """0 when this request may go on, else the seconds to wait."""
        at = time.monotonic()
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= at - 60:
                seen.popleft()
            if len(seen) >= self.per_minute:
                return max(1, int(seen[0] + 60 - at) + 1)
            seen.append(at)
            return 0


async def read_body(receive, headers: dict[str, str], limit: int = MAX_BODY) -> bytes:
    """The request body, refused (413) as soon as it passes `limit` bytes."""
    declared = headers.get("content-length", "")
    too_large = Refused(413, "Too large", f"The body is over {limit // 2**20} MB; send less.")
    if declared.isdigit() and int(declared) > limit:
        raise too_large
    body = bytearray()
    while True:
        message = await receive()
        body += message.get("body", b"")
        if len(body) > limit:
            raise too_large
        if not message.get("more_body", False):
            return bytes(body)


def docs_page(document: dict) -> bytes:
    """A plain page listing every operation of the OpenAPI document (no script, no CDN)."""
    rows = []
    for path, methods in document["paths"].items():
        for method, entry in methods.items():
            parameters = ", ".join(p["name"] for p in entry.get("parameters", [])) or "-"
            body = "JSON body" if "requestBody" in entry else ""
            rows.append(
                f"<tr><td><code>{method.upper()} {escape(path)}</code></td>"
                f"<td>{escape(entry['summary'])}</td><td>{escape(parameters)} {body}</td>"
                f"<td>{escape(entry['security'][0]['token'][0])}</td></tr>"
            )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>Oivallus API</title>"
        "<style>body{font-family:sans-serif;margin:2em}td{padding:4px 12px;"
        "border-bottom:1px solid #ddd}</style></head><body><h1>Oivallus API v1</h1>"
        f"<p>{escape(document['info']['description'])}</p><p>Send <code>Authorization: Bearer"
        f" oiv_...</code>. The whole schema: <a href='{PREFIX}/openapi.json'>openapi.json</a>."
        " Errors are RFC 9457 problem details.</p><table><tr><th>Operation</th><th>What"
        "</th><th>Parameters</th><th>Scope</th></tr>" + "".join(rows) + "</table></body></html>"
    ).encode()
