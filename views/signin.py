"""Signing in and out: single sign-on or the built-in accounts, the "stay signed in" cookie,
sessions revoked elsewhere, and the account part of the sidebar. The username is kept in the
session key "user", the session id in "session"."""

import streamlit as st

from insights.acting import PermissionDenied
from insights.signin import SESSION_DAYS, SignInThrottled
from language.text import escape_markdown
from views.common import account_menu, get_kb
from views.gate import COOKIE, SESSION_ROUTE
from views.i18n import ROLE_NAMES, _, error_text, language_names


def single_sign_on() -> bool:
    """Whether .streamlit/secrets.toml configures [auth] (st.login) instead of local accounts."""
    try:
        return "auth" in st.secrets
    except Exception:  # noqa: BLE001 - no secrets file at all
        return False


def write_cookie(value: str, max_age: int) -> None:
    """Set (a live session token) or clear (empty) the "stay signed in" cookie. The server sets
    it HttpOnly through the gate's route (views/gate.py), from an iframe of no height that
    shares the app's origin (`st.iframe` of an HTML string); a development server without the
    gate (`streamlit run app.py`, the route answers 404) gets a plain cookie instead."""
    method = "POST" if value else "DELETE"
    fallback = f"{COOKIE}={value}; path=/; max-age={max_age}; SameSite=Strict"
    st.iframe(
        "<style>html, body {margin: 0; height: 0; overflow: hidden}</style>"
        f"<script>fetch(parent.location.origin + '{SESSION_ROUTE}', {{method: '{method}', "
        f"body: '{value}', credentials: 'same-origin'}}).then(r => {{ if (r.status === 404) "
        f"parent.document.cookie = '{fallback}'; }});</script>",
        height="content",
        alt=_("Keeps you signed in"),
    )


def resume_session(accounts) -> None:
    """Who this browser is: a single sign-on person, a remembered session from the cookie, or
    nobody when the session was revoked elsewhere (sign-out, a new password or role, a disabled
    account) or expired."""
    state = st.session_state
    if not state.get("user") and single_sign_on() and st.user.is_logged_in:
        sso_sign_in(accounts)
    if not state.get("user") and not state.get("signed_out"):
        cookie = st.context.cookies.get(COOKIE)
        remembered = accounts.user_from_token(cookie)
        if remembered is not None:
            state.user = remembered.username
            state.session = cookie
    if state.get("session") and accounts.user_from_token(state.session) is None:
        state.pop("user", None)
        state.pop("session", None)
        state.signed_out = True
        state.ended = True


def sso_sign_in(accounts) -> None:
    """Sign in the person the identity provider vouches for (Streamlit's signed cookie): their
    account (a viewer at first) and the server-side session of this sign-in, which sign-out, a
    new role or a disabled account ends; after that the provider's cookie is not honoured and
    the person signs in again. A disabled account is told so."""
    from streamlit.web.server.server_util import get_cookie_secret

    state = st.session_state
    try:
        found = accounts.sso_user(st.user.email, st.user.get("name"))
    except PermissionDenied as error:
        state.sso_refused = error_text(error)
        return
    token = accounts.sso_session(found, st.user.to_dict(), get_cookie_secret())
    if token is None:
        state.ended = True
        return
    state.user, state.session = found.username, token
    state.pop("signed_out", None)


def sign_in_page(accounts) -> None:
    """The sign-in page (the caller stops the run after it)."""
    st.title(_("Sign in to Oivallus"))
    if st.session_state.pop("ended", False):
        st.info(
            _(
                "Your session ended (signed out, a new password or role, or it expired). "
                "Sign in again."
            )
        )
    if st.session_state.get("sso_refused"):
        st.error(st.session_state.pop("sso_refused"))
    if single_sign_on():
        st.button(_("Sign in with your organisation account"), type="primary", on_click=st.login)
        # the accounts made here (the first admin above all) still sign in with a password
        with st.expander(_("Sign in with a username and password")):
            password_form(accounts)
    else:
        password_form(accounts)
    if st.session_state.get("signed_out"):
        write_cookie("", 0)


def password_form(accounts) -> None:
    """Username and password of an account made here (the caller stops the run after it)."""
    with st.form("sign-in"):
        username = st.text_input(_("Username"))
        password = st.text_input(_("Password"), type="password")
        if st.form_submit_button(_("Sign in"), type="primary"):
            try:
                found = accounts.authenticate(username, password, st.context.ip_address)
            except SignInThrottled as error:
                st.error(error_text(error))
                found = False
            if found is None:
                st.error(_("Wrong username or password (or the account is disabled)."))
            elif found:
                token = accounts.start_session(found)
                st.session_state.user = found.username
                st.session_state.session = st.session_state.remember = token
                st.session_state.pop("signed_out", None)
                st.rerun()


def account_sidebar(accounts, user) -> None:
    """Who is signed in, "My password" and Sign out (call inside `st.sidebar`)."""
    role = _(ROLE_NAMES.get(user.role, user.role))
    st.caption(
        _("Signed in as **{name}** · {role}", name=escape_markdown(user.display_name), role=role)
        + (f" · {escape_markdown(user.team)}" if user.team else "")
    )
    if "remember" in st.session_state:  # just signed in: stay signed in on reloads and links
        write_cookie(st.session_state.pop("remember"), SESSION_DAYS * 86400)
    account_menu(get_kb().acting_as(user))
    language_menu(user)
    if st.button(_("Sign out"), key="sign-out"):
        accounts.end_session(st.session_state.pop("session", None))
        st.session_state.pop("user", None)
        st.session_state.signed_out = True
        if single_sign_on():
            # the provider's sign-out follows; a rerun here could drop that redirect before
            # the browser gets it (the sign-in page stayed, now and then)
            st.logout()
            st.stop()
        st.rerun()


def language_menu(user) -> None:
    """The person's interface language, kept with their account (the browser's by default)."""
    names = {None: _("As the browser"), **language_names()}
    chosen = st.selectbox(
        _("Language"),
        list(names),
        index=list(names).index(user.language),
        format_func=names.__getitem__,
        key="interface-language",
    )
    if chosen != user.language:
        get_kb().acting_as(user).people.set_language(chosen)
        st.rerun()
