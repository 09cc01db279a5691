"""The server's own door in front of Streamlit's routes (see views/serve.py).

Streamlit accepts a file upload (`PUT /_stcore/upload_file/<session>/<file>`) from any open
browser session and serves download buttons' files (`/media/...`) to anyone with the address,
signed in or not. The gate lets an upload through only for a browser session the app has
marked signed in (`mark_session`, called by app.py on every run), and a download only with a
live "stay signed in" cookie, or a single sign-on cookie signed by this server whose sign-in's
session is live (signing out ends it). It also sets and clears that cookie itself
(`/oivallus/session`), so the cookie can be HttpOnly (no script in the page can read it) and
Secure behind HTTPS, which a cookie written by the page's JavaScript cannot be.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from insights.signin import SESSION_DAYS

COOKIE = "oivallus_session"
SSO_COOKIE = "_streamlit_user"  # Streamlit's signed cookie after st.login
SESSION_ROUTE = "/oivallus/session"
UPLOAD, MEDIA = "/_stcore/upload_file/", "/media/"
TOKEN_BYTES = 200  # a session token is 43 characters

_signed_in: dict[str, str] = {}  # Streamlit session id -> username
_lock = threading.Lock()


def mark_session(session_id: str | None, username: str | None) -> None:
    """Record whether the browser session `session_id` is signed in (as `username`) or not."""
    if not session_id:
        return
    with _lock:
        if username:
            _signed_in[session_id] = username
        else:
            _signed_in.pop(session_id, None)


def is_signed_in(session_id: str) -> bool:
    """Whether the app last saw the browser session `session_id` signed in, and it is open."""
    with _lock:
        if session_id not in _signed_in:
            return False
    try:
        from streamlit.runtime import Runtime

        if not Runtime.instance().is_active_session(session_id):
            mark_session(session_id, None)  # closed: forget it
            return False
    except RuntimeError:  # no runtime (a unit test of the gate alone)
        pass
    return True


def _cookies(scope) -> dict[str, str]:
    from http.cookies import SimpleCookie

    jar: SimpleCookie = SimpleCookie()
    for name, value in scope.get("headers", []):
        if name == b"cookie":
            try:
                jar.load(value.decode("latin-1"))
            except Exception:  # noqa: BLE001 - a malformed cookie header is no cookie
                continue
    return {key: morsel.value for key, morsel in jar.items()}


def _header(scope, wanted: bytes) -> str:
    for name, value in scope.get("headers", []):
        if name == wanted:
            return value.decode("latin-1")
    return ""


def _same_origin(scope) -> bool:
    """A browser's request from the app's own pages (an Origin header, when sent, names the
    host the request went to): a page elsewhere cannot set or clear the session cookie."""
    origin = _header(scope, b"origin")
    if not origin:
        return True
    return origin.split("://", 1)[-1] == _header(scope, b"host")


def _secure(scope) -> bool:
    return scope.get("scheme") == "https" or _header(scope, b"x-forwarded-proto") == "https"


class Gate:
    """ASGI middleware: uploads only from signed-in sessions, downloads only with a live session
    cookie. `user_of(token)` returns the account of a live session token, else None."""

    def __init__(self, app, user_of: Callable[[str | None], object] | None = None) -> None:
        self.app, self.user_of = app, user_of or _user_of_token

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not await self._allowed(scope):
            await _respond(send, 403, b"Sign in to Oivallus first.")
            return
        await self.app(scope, receive, send)

    async def _allowed(self, scope) -> bool:
        from anyio import to_thread

        path = _route(scope.get("path", ""))
        if path.startswith(UPLOAD) and scope.get("method") in ("PUT", "POST"):
            session_id = path.split(UPLOAD, 1)[1].split("/", 1)[0]
            return is_signed_in(session_id)
        if path.startswith(MEDIA):  # (Streamlit's own assets are under /static/media/)
            cookies = _cookies(scope)
            for token in (cookies.get(COOKIE), sso_session_token(cookies)):
                # a stale "stay signed in" cookie must not hide a live single sign-on
                if token and await to_thread.run_sync(self.user_of, token) is not None:
                    return True
            return False
        return True


def sso_session_token(cookies: dict[str, str]) -> str | None:
    """The session id of the single sign-on in Streamlit's signed cookie (see
    `insights.signin.sso_token`), None without one or with one not signed by this server:
    a download needs that sign-in's session live, as the pages do."""
    import json

    from streamlit.auth_util import get_cookie_with_chunks
    from streamlit.web.server.server_util import get_cookie_secret
    from streamlit.web.server.starlette.starlette_app_utils import decode_signed_value

    from insights.signin import sso_token

    if SSO_COOKIE not in cookies:
        return None
    secret = get_cookie_secret()

    def signed(name: str) -> bytes | None:
        value = cookies.get(name)
        return None if value is None else decode_signed_value(secret, name, value)

    value = get_cookie_with_chunks(signed, SSO_COOKIE)
    try:
        claims = json.loads(value) if value else None
    except ValueError:
        return None
    return sso_token(claims, secret) if isinstance(claims, dict) else None


def _route(path: str) -> str:
    """The path without the server's base URL (server.baseUrlPath), from its first slash."""
    from streamlit import config

    base = "/" + str(config.get_option("server.baseUrlPath") or "").strip("/")
    if base != "/" and (path == base or path.startswith(base + "/")):
        path = path[len(base) :]
    return path


def _user_of_token(token: str | None):
    from views.common import db_path, get_opening

    return get_opening(db_path()).people.user_from_token(token)


async def _respond(send, status: int, body: bytes, headers: list | None = None) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [(b"content-type", b"text/plain; charset=utf-8"), *(headers or [])],
        }
    )
    await send({"type": "http.response.body", "body": body})


def session_cookie(token: str, secure: bool) -> str:
    """The Set-Cookie value of a live session (empty `token`: clear the cookie)."""
    age = SESSION_DAYS * 86400 if token else 0
    flags = "; Secure" if secure else ""
    return f"{COOKIE}={token}; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict{flags}"


def session_routes(user_of: Callable[[str | None], object] | None = None) -> list:
    """`POST /oivallus/session` (body: a live session token) sets the HttpOnly cookie;
    `DELETE` clears it. Refused from other sites and for tokens that are not live."""
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    check = user_of or _user_of_token

    async def endpoint(request: Request) -> Response:
        from anyio import to_thread

        if not _same_origin(request.scope):
            return Response("Not from this site.", status_code=403)
        token = ""
        if request.method == "POST":
            body = b""
            async for chunk in request.stream():  # a token is short: never buffer more
                body += chunk
                if len(body) > TOKEN_BYTES:
                    return Response("Not a session token.", status_code=413)
            token = body.decode("ascii", "replace").strip()
            if await to_thread.run_sync(check, token) is None:
                return Response("Not a live session.", status_code=403)
        response = Response(status_code=204)
        response.headers["set-cookie"] = session_cookie(token, _secure(request.scope))
        response.headers["cache-control"] = "no-store"
        return response

    return [Route(SESSION_ROUTE, endpoint, methods=["POST", "DELETE"])]
