"""The server's door in front of Streamlit's routes (views/gate.py), driven as ASGI."""

from __future__ import annotations

import asyncio
import os
import stat
import time

from views import gate
from views.gate import Gate, mark_session, session_routes

LIVE = "live-token"


def _user_of(token):
    return "aino" if token == LIVE else None


def _call(app, method: str, path: str, headers: dict[str, str] | None = None, body=b""):
    """One HTTP request through an ASGI app: (status, headers, body)."""
    scope = {
        "type": "http",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "scheme": "http",
        "server": ("127.0.0.1", 8501),
        "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()],
    }
    sent: list[dict] = []
    chunks = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive():
        return chunks.pop(0) if chunks else {"type": "http.disconnect"}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


async def _streamlit(scope, receive, send):
    """Stands in for Streamlit's own routes behind the gate: answers 200."""
    await send({"type": "http.response.start", "status": 200, "headers": []})
    await send({"type": "http.response.body", "body": b"served"})


def test_uploads_only_from_signed_in_sessions():
    door = Gate(_streamlit, user_of=_user_of)
    upload = "/_stcore/upload_file/session-1/file-1"
    assert _call(door, "PUT", upload, body=b"x" * 1000)[0] == 403  # the sign-in page's session
    mark_session("session-1", "aino")
    assert _call(door, "PUT", upload)[0] == 200
    assert _call(door, "PUT", "/_stcore/upload_file/session-2/file-1")[0] == 403
    mark_session("session-1", None)  # signed out
    assert _call(door, "PUT", upload)[0] == 403
    assert _call(door, "GET", "/_stcore/health")[0] == 200  # the rest is Streamlit's as before


def test_downloads_need_a_live_session_cookie():
    door = Gate(_streamlit, user_of=_user_of)
    media = "/media/0f3e9c.csv"
    assert _call(door, "GET", media)[0] == 403
    assert _call(door, "GET", media, {"Cookie": "oivallus_session=revoked"})[0] == 403
    assert _call(door, "GET", media, {"Cookie": f"a=b; oivallus_session={LIVE}"})[0] == 200
    assert _call(door, "GET", "/static/media/MaterialSymbols.woff2")[0] == 200  # the app's own


def test_downloads_with_single_sign_on_need_a_signed_cookie_of_a_live_sign_in(monkeypatch):
    """Streamlit's `_streamlit_user` cookie lets a download through only when this server
    signed it and that sign-in's session is live (a forged or signed-out one is refused)."""
    import json

    from streamlit import config
    from streamlit.web.server.starlette.starlette_app_utils import create_signed_value

    from insights.signin import sso_token

    monkeypatch.setattr(config, "get_option", _options(config.get_option, "a test secret"))
    claims = {"iss": "http://idp", "sub": "anna", "iat": 1, "nonce": "n", "email": "a@x.fi"}
    live = sso_token(claims, "a test secret")
    door = Gate(_streamlit, user_of=lambda token: "anna" if token == live else None)
    media = "/media/0f3e9c.csv"

    def signed(value: dict, secret: str = "a test secret") -> str:
        return create_signed_value(secret, "_streamlit_user", json.dumps(value)).decode()

    assert _call(door, "GET", media, {"Cookie": "_streamlit_user=forged"})[0] == 403
    assert _call(door, "GET", media, {"Cookie": f"_streamlit_user={signed(claims)}"})[0] == 200
    other = signed(claims, secret="someone else's secret")
    assert _call(door, "GET", media, {"Cookie": f"_streamlit_user={other}"})[0] == 403
    ended = signed({**claims, "iat": 2})  # another sign-in, since signed out
    assert _call(door, "GET", media, {"Cookie": f"_streamlit_user={ended}"})[0] == 403
    both = f"oivallus_session=an-ended-session; _streamlit_user={signed(claims)}"
    assert _call(door, "GET", media, {"Cookie": both})[0] == 200  # a stale cookie beside it


def _options(get_option, secret: str):
    def option(name: str):
        return secret if name == "server.cookieSecret" else get_option(name)

    return option


def test_the_session_cookie_is_http_only_and_set_only_for_live_sessions():
    from starlette.applications import Starlette

    server = Starlette(routes=session_routes(user_of=_user_of))
    host = {"Host": "127.0.0.1:8501", "Origin": "http://127.0.0.1:8501"}
    status, headers, _ = _call(server, "POST", gate.SESSION_ROUTE, host, LIVE.encode())
    assert status == 204
    cookie = headers["set-cookie"]
    assert cookie.startswith(f"oivallus_session={LIVE};") and "HttpOnly" in cookie
    assert "SameSite=Strict" in cookie and "Secure" not in cookie
    behind_https = {**host, "X-Forwarded-Proto": "https"}
    assert (
        "Secure"
        in _call(server, "POST", gate.SESSION_ROUTE, behind_https, LIVE.encode())[1]["set-cookie"]
    )
    assert _call(server, "POST", gate.SESSION_ROUTE, host, b"made-up")[0] == 403
    assert _call(server, "POST", gate.SESSION_ROUTE, host, b"x" * 10_000)[0] == 413
    elsewhere = {"Host": "127.0.0.1:8501", "Origin": "https://evil.example"}
    assert _call(server, "POST", gate.SESSION_ROUTE, elsewhere, LIVE.encode())[0] == 403
    assert _call(server, "DELETE", gate.SESSION_ROUTE, elsewhere)[0] == 403
    status, headers, _ = _call(server, "DELETE", gate.SESSION_ROUTE, host)
    assert status == 204 and "Max-Age=0" in headers["set-cookie"]


def test_uploads_are_private_and_do_not_outlive_their_use(tmp_path):
    from ingest import uploads

    folder = uploads.folder_for(tmp_path / "kb.duckdb")
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700
    kept = uploads.keep(folder, "abc/../x", "../../notes.csv", b"text\nAino, 040 123 4567\n")
    assert kept.parent == folder and stat.S_IMODE(kept.stat().st_mode) == 0o600
    uploads.discard(kept, folder)
    assert not kept.exists()
    old = uploads.keep(folder, "f1", "old.csv", b"text\nold\n")
    past = time.time() - 25 * 3600
    os.utime(old, (past, past))
    uploads.keep(folder, "f2", "new.csv", b"text\nnew\n")  # keeping one prunes the old
    assert sorted(p.name for p in folder.iterdir()) == ["f2-new.csv"]


def test_the_database_file_is_for_the_servers_user_only(tmp_path):
    from storage.db import DuckDatabase

    path = tmp_path / "kb.duckdb"
    database = DuckDatabase(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    database.close()
