"""API tokens: a person's own personal access tokens for the HTTP API (/api/v1): make one
(name, scopes, expiry) and see it once, list them, revoke one. A token acts as its person."""

import streamlit as st

from language.text import escape_markdown
from views.common import attempt, kb
from views.i18n import N_, _, named, ui
from vocabulary.knowledge import now

SCOPE_NAMES = {
    "read": N_("read (search, insights, questions, themes, KPIs)"),
    "write": N_("write (add insights, ask questions, vote)"),
    "import": N_("import (upload files, undo imports)"),
}
DAYS = (30, 90, 180, 365)

base = kb()
words = ui()
st.title(_("API tokens"))
st.caption(
    _(
        "A token lets a script or another tool use Oivallus's HTTP API as you, with your role: "
        "send it as Authorization: Bearer TOKEN. The operations are listed at {docs}.",
        docs="/api/v1/docs",
    )
)

shown = st.session_state.pop("new-token", None)
if shown:  # made a moment ago: the only time the secret is ever shown
    st.success(
        _(
            "Your new token {name}. Copy it now: it is not shown again.",
            name=escape_markdown(shown[0]),
        )
    )
    st.code(shown[1], language=None)

with st.form("new-token-form", clear_on_submit=True):
    st.subheader(_("Make a token"))
    name = st.text_input(_("Name (what it is for)"), max_chars=100, key="token-name")
    scopes = st.multiselect(
        _("What it may do"),
        list(SCOPE_NAMES),
        default=["read"],
        format_func=named(SCOPE_NAMES),
        key="token-scopes",
    )
    days = st.selectbox(
        _("Valid for"),
        DAYS,
        index=1,
        format_func=lambda d: words.plural("{count} day", "{count} days", d),
        key="token-days",
    )
    if st.form_submit_button(_("Make token"), type="primary"):
        made: list = []
        wanted = {"name": name, "scopes": scopes, "days": days}
        if attempt(lambda: made.extend(base.tokens.create(wanted))):
            st.session_state["new-token"] = (made[0].name, made[1])
            st.rerun()

st.subheader(_("Your tokens"))
tokens = base.tokens.mine()
if not tokens:
    st.info(_("You have no tokens yet."))
at = now()
for token in tokens:
    if token.revoked_at is not None:
        state = _("revoked {day}", day=words.day(token.revoked_at))
    elif not token.live(at):
        state = _("expired {day}", day=words.day(token.expires_at))
    else:
        state = _("valid until {day}", day=words.day(token.expires_at))
    used = (
        _("last used {moment}", moment=words.moment(token.last_used_at))
        if token.last_used_at
        else _("never used")
    )
    left, right = st.columns([5, 1])
    left.markdown(
        f"**{escape_markdown(token.name)}** · `{token.prefix}…` · "
        + ", ".join(named(SCOPE_NAMES)(s).split(" (")[0] for s in token.scopes)
    )
    left.caption(f"{state} · {used}")
    revoke = token.live(at) and right.button(_("Revoke"), key=f"revoke-{token.id}")
    if revoke and attempt(base.tokens.revoke, token.id):
        st.rerun()
